"""The desktop files and the AppStream metainfo: valid by the freedesktop tools, and true to the app.

``desktop-file-validate`` and ``appstreamcli validate --pedantic --no-net`` must report nothing at all
(a hint or a pedantic note fails too), but for the two notes listed in ``_ACCEPTED`` that cannot be fixed.
Then what the tools cannot know: the launchable, the icon, the screenshots and the releases name files and
versions that are really there.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import hinge_timer
from hinge_timer import i18n
from hinge_timer.appinfo import APP_ID, APP_NAME, HOMEPAGE, LICENCE
from tests.conftest import REPO

CI = os.environ.get("CI") == "true"
DESKTOP_DIR = REPO / "assets" / "desktop"
DESKTOP = DESKTOP_DIR / f"{APP_ID}.desktop"
KIOSK_DESKTOP = REPO / "packaging" / "linux" / f"{APP_ID}.Kiosk.desktop"
METAINFO = DESKTOP_DIR / f"{APP_ID}.metainfo.xml"
SCREENSHOTS = REPO / "docs" / "screenshots"
ICONS = REPO / "assets" / "icons" / "hicolor"
LANGUAGES = ("de", "fr", "es", "pt")  # the app's catalogues besides English (i18n.LANGUAGES)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_TIMEOUT_S = 60

# What appstreamcli says that cannot be fixed here, by (severity, tag, hint):
# - the id has capitals: it is the app's reverse-DNS id, fixed everywhere (Flatpak, D-Bus, Wayland's app id),
#   and CamelCase is the freedesktop and Flathub convention; the note is pedantic.
# - <developer id="..."><name> is AppStream 1.0's tag (developer_name is deprecated there); a validator
#   older than 1.0 (Debian 12 has 0.16) does not know it yet and notes it as an unknown tag (info).
_ACCEPTED = {("P", "cid-contains-uppercase-letter", APP_ID)}
_ACCEPTED_BEFORE_1_0 = {("I", "unknown-tag", "developer")}
# "E: io.github.x.Y:12: tag-name the hint" (the line number is left out for some issues).
_ISSUE = re.compile(r"^\s*([EWIP]): (\S+?)(?::[\d~]+)?: (\S+)(?: (.*))?$")


def need(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        (pytest.fail if CI else pytest.skip)(
            f"{name} is not installed (apt-get install appstream desktop-file-utils)")
    return tool  # type: ignore[return-value]  # (fail and skip raise)


def desktop_entry(path: Path) -> configparser.SectionProxy:
    p = configparser.ConfigParser(interpolation=None, strict=True)
    p.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    p.read(path, encoding="utf-8")
    return p["Desktop Entry"]


def metainfo() -> ET.Element:
    return ET.parse(METAINFO).getroot()


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", f"{path} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def version_key(version: str) -> tuple[int, ...]:
    assert re.fullmatch(r"\d+(\.\d+)*", version), f"release version {version!r} is not N.N.N"
    return tuple(int(part) for part in version.split("."))


# --- the tools ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [DESKTOP, KIOSK_DESKTOP], ids=["app", "kiosk"])
def test_desktop_file_validate_reports_nothing(path):
    tool = need("desktop-file-validate")
    checked = subprocess.run([tool, str(path)], capture_output=True, text=True, timeout=_TIMEOUT_S,
                             stdin=subprocess.DEVNULL)
    said = (checked.stdout + checked.stderr).strip()
    assert checked.returncode == 0 and not said, said


def test_appstreamcli_validate_pedantic_reports_nothing_that_can_be_fixed():
    tool = need("appstreamcli")
    version = subprocess.run([tool, "--version"], capture_output=True, text=True, timeout=_TIMEOUT_S,
                             stdin=subprocess.DEVNULL).stdout
    found = re.search(r"(\d+)\.(\d+)", version)
    accepted = set(_ACCEPTED)
    if found and int(found.group(1)) < 1:
        accepted |= _ACCEPTED_BEFORE_1_0
    checked = subprocess.run([tool, "validate", "--pedantic", "--no-net", str(METAINFO)], capture_output=True,
                             text=True, timeout=_TIMEOUT_S, stdin=subprocess.DEVNULL)
    said = checked.stdout + checked.stderr
    assert checked.returncode == 0, said
    issues = [m.group(1, 3, 4) for line in said.splitlines() if (m := _ISSUE.match(line))]
    unexpected = [issue for issue in issues if (issue[0], issue[1], (issue[2] or "").strip()) not in accepted]
    assert not unexpected, said
    assert "failed" not in said.lower(), said


# --- what the tools cannot know ----------------------------------------------------------------------


def test_the_desktop_file_starts_the_app_under_its_id_and_name():
    entry = desktop_entry(DESKTOP)
    assert entry["Type"] == "Application" and entry["Name"] == APP_NAME
    assert entry["Exec"] == "hinge-timer" and entry["Terminal"] == "false"
    assert entry["Icon"] == APP_ID
    # On X11 Qt's WM_CLASS is (argv[0]'s base name, applicationName()); ui/app.identify sets APP_NAME.
    assert entry["StartupWMClass"] == APP_NAME
    for key in ("GenericName", "Comment", "Keywords"):
        for code in LANGUAGES:
            assert entry.get(f"{key}[{code}]", "").strip(), f"{key}[{code}] is missing"
    assert set(LANGUAGES) == set(i18n.LANGUAGES) - {i18n.SOURCE}


@pytest.mark.parametrize("path", [DESKTOP, KIOSK_DESKTOP], ids=["app", "kiosk"])
def test_the_icon_of_each_desktop_file_is_shipped(path):
    icon = desktop_entry(path)["Icon"]
    assert icon == APP_ID
    assert (ICONS / "scalable" / "apps" / f"{icon}.svg").is_file()


def test_the_metainfo_is_the_apps():
    root = metainfo()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("name") == APP_NAME
    assert root.findtext("project_license") == LICENCE and root.findtext("metadata_license") == "CC0-1.0"
    urls = {u.get("type"): u.text for u in root.findall("url")}
    assert urls["homepage"] == HOMEPAGE and urls["vcs-browser"] == HOMEPAGE
    assert urls["bugtracker"] == f"{HOMEPAGE}/issues"
    assert root.findtext("translation[@type='gettext']") == i18n.DOMAIN
    assert root.findtext("provides/binary") == "hinge-timer"
    translated = {s.get(XML_LANG) for s in root.findall("summary") if s.get(XML_LANG)}
    assert translated == set(LANGUAGES)


def test_the_launchable_names_the_desktop_file_next_to_it():
    launchables = metainfo().findall("launchable")
    assert [x.get("type") for x in launchables] == ["desktop-id"]
    name = launchables[0].text or ""
    assert name == f"{APP_ID}.desktop" and (DESKTOP_DIR / name).is_file()


def test_the_releases_are_newest_first_and_the_newest_is_this_version():
    releases = metainfo().findall("releases/release")
    assert releases, "no <release>"
    versions = [r.get("version") or "" for r in releases]
    dates = [r.get("date") or "" for r in releases]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates), dates
    keys = [version_key(v) for v in versions]
    assert keys == sorted(keys, reverse=True) and len(set(keys)) == len(keys), versions
    assert dates == sorted(dates, reverse=True), dates
    assert versions[0] == hinge_timer.__version__
    for release in releases:
        assert release.find("description/p") is not None, f"release {release.get('version')} says nothing"


def test_the_releases_are_the_changelogs():
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    logged = re.findall(r"^## \[(\d+(?:\.\d+)*)\] - (\d{4}-\d{2}-\d{2})\s*$", changelog, flags=re.M)
    released = [(r.get("version"), r.get("date")) for r in metainfo().findall("releases/release")]
    assert released == logged


def test_every_screenshot_is_in_docs_at_its_declared_size_and_at_this_versions_tag():
    shots = metainfo().findall("screenshots/screenshot")
    assert shots and [s.get("type") for s in shots].count("default") == 1
    prefix = f"https://raw.githubusercontent.com/hingetimer/hinge-timer/v{hinge_timer.__version__}/docs/screenshots/"
    for shot in shots:
        assert (shot.findtext("caption") or "").strip()
        images = shot.findall("image")
        assert images
        for image in images:
            url = (image.text or "").strip()
            assert url.startswith(prefix), url
            path = SCREENSHOTS / url.removeprefix(prefix)
            assert path.is_file(), f"{url}: no {path.relative_to(REPO)}"
            assert (int(image.get("width", "0")), int(image.get("height", "0"))) == png_size(path), url


def test_the_branding_colours_are_the_apps_own():
    from hinge_timer.ui import theme

    palette = {c.name().lower() for c in theme.ROLE_COLOURS.values()}
    colours = metainfo().findall("branding/color")
    assert {c.get("scheme_preference") for c in colours} == {"light", "dark"}
    for colour in colours:
        assert (colour.text or "").strip().lower() in palette
