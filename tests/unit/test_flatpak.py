"""The Flatpak manifest (``packaging/flatpak/``), checked offline: no Flathub runtime can be fetched here, so it is
never built by the suite (packaging/flatpak/README.md says so).

What can be checked without flatpak-builder: the manifest is JSON that names the app by its id and runs a script
the project really installs; its permissions are the ones the app needs, each with its reason, and no broad one;
the D-Bus name it may talk to is the inhibitor's; its Python modules are exactly the runtime dependencies of the
project (without PySide6, which the PySide BaseApp provides) and what they need in turn, pinned to versions the
specifiers accept, each a PyPI wheel with its sha256; the files it installs for the desktop are in the repository
under the names the desktop looks for.
"""

from __future__ import annotations

import json
import re
import tomllib
import xml.etree.ElementTree as ET
from functools import cache
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

from hinge_timer import appinfo
from hinge_timer.appinfo import APP_ID
from tests.conftest import REPO

FLATPAK_DIR = REPO / "packaging" / "flatpak"
MANIFEST = FLATPAK_DIR / f"{APP_ID}.json"
README = FLATPAK_DIR / "README.md"
PYPROJECT = REPO / "pyproject.toml"

# The KDE runtime 6.10 is built on the Freedesktop 25.08 runtime, whose Python is 3.13 (README.md): the compiled
# wheels must be for that interpreter.
PYTHON = "3.13"
ARCHES = {"x86_64", "aarch64"}  # the arches Flathub builds
# Provided by io.qt.PySide.BaseApp (PySide6 built against the runtime's Qt), not by a module of ours.
FROM_BASEAPP = {"pyside6-essentials", "pyside6-addons"}

# Every permission the manifest may ask for, and why the app needs it.
ALLOWED = {
    "--socket=wayland": "the window, on a Wayland session (Qt's wayland platform plugin)",
    "--socket=fallback-x11": "the window on an X11 session; not granted when Wayland is there",
    "--share=ipc": "X11's shared memory (MIT-SHM), which Qt's xcb plugin uses under fallback-x11",
    "--device=dri": "GPU access for Qt's EGL/GLX platform integration (Mesa); without it Qt falls back to software "
                    "rendering with loader warnings on stderr",
    "--socket=pulseaudio": "the cues: Qt Multimedia's QAudioSink plays to PulseAudio (or PipeWire's pulse server)",
    "--talk-name=org.freedesktop.ScreenSaver":
        "keeping the screen on during a session: Inhibit/UnInhibit on the session bus (hinge_timer/qt/inhibit_dbus.py)",
}
REQUIRED = {"--socket=wayland", "--socket=fallback-x11", "--share=ipc", "--device=dri", "--socket=pulseaudio",
            "--talk-name=org.freedesktop.ScreenSaver"}
# Broad grants the app has no use for: its files are in its own XDG data folder, File → Open and the exports go
# through the FileChooser portal, it talks to one D-Bus name, and it uses no network.
FORBIDDEN = {"--filesystem=home", "--filesystem=host", "--filesystem=host-os", "--filesystem=host-etc",
             "--socket=session-bus", "--socket=system-bus", "--socket=x11", "--device=all", "--share=network",
             "--talk-name=org.freedesktop.Flatpak"}
# What a module would use to reach the network (then --share=network would be needed).
_NETWORK_USE = re.compile(r"\b(QNetworkAccessManager|QTcpSocket|QTcpServer|QUdpSocket|QSslSocket|QWebSocket)\b"
                          r"|^\s*(import|from)\s+(urllib\.request|http\.client|requests|httpx|aiohttp|urllib3)\b",
                          re.MULTILINE)
_INSTALL = re.compile(r"^install -Dm644 (\S+) \$\{FLATPAK_DEST\}/(\S+)$")
_PIN = re.compile(r'"([A-Za-z0-9._-]+)==([^"]+)"')
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@cache
def manifest() -> dict[str, Any]:
    data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@cache
def pyproject() -> dict[str, Any]:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))


def app_module() -> dict[str, Any]:
    """The module that installs the app itself: the last, built from this repository."""
    module = manifest()["modules"][-1]
    assert module["name"] == "hinge-timer"
    return module


def python_modules() -> dict[str, tuple[Version, dict[str, Any]]]:
    """The dependency modules by distribution name (normalised): pinned version and module."""
    found: dict[str, tuple[Version, dict[str, Any]]] = {}
    for module in manifest()["modules"][:-1]:
        (command,) = module["build-commands"]
        (pin,) = _PIN.findall(command)
        name, version = canonicalize_name(pin[0]), Version(pin[1])
        assert module["name"] == f"python3-{name}", module["name"]
        assert name not in found, f"two modules for {name}"
        found[name] = (version, module)
    return found


def direct_dependencies() -> dict[str, SpecifierSet]:
    deps = [Requirement(text) for text in pyproject()["project"]["dependencies"]]
    return {canonicalize_name(r.name): r.specifier for r in deps}


def _environments() -> list[dict[str, str]]:
    """The marker environments of the Flatpak's Python, one per arch."""
    return [{"python_version": PYTHON, "python_full_version": f"{PYTHON}.0", "implementation_name": "cpython",
             "platform_python_implementation": "CPython", "sys_platform": "linux", "platform_system": "Linux",
             "os_name": "posix", "platform_machine": arch, "extra": ""} for arch in sorted(ARCHES)]


def requirements_of(name: str) -> list[Requirement]:
    """What the venv's installed ``name`` requires on the Flatpak's Python, extras left out."""
    found = []
    for text in metadata.requires(name) or []:
        req = Requirement(text)
        if req.marker is None or any(req.marker.evaluate(env) for env in _environments()):
            found.append(req)
    return found


def closure() -> dict[str, list[Requirement]]:
    """Every distribution the runtime dependencies need, by name, with the requirements naming it."""
    needed: dict[str, list[Requirement]] = {}
    todo = [Requirement(text) for text in pyproject()["project"]["dependencies"]]
    todo = [r for r in todo if canonicalize_name(r.name) not in FROM_BASEAPP]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        first = name not in needed
        needed.setdefault(name, []).append(req)
        if first:
            todo.extend(requirements_of(name))
    return needed


def test_the_manifest_is_json_that_names_the_app_by_its_id() -> None:
    data = manifest()
    assert data.get("id", data.get("app-id")) == APP_ID
    assert MANIFEST.name == f"{APP_ID}.json"  # flatpak-builder's convention: the file is named after the id
    # The desktop file, the metainfo and the icons it installs carry the same id.
    installed = dict(installs())
    assert installed[f"share/applications/{APP_ID}.desktop"] == f"assets/desktop/{APP_ID}.desktop"
    assert installed[f"share/metainfo/{APP_ID}.metainfo.xml"] == f"assets/desktop/{APP_ID}.metainfo.xml"


def test_it_is_built_on_the_pyside_baseapp_of_a_kde_branch_whose_qt_pyproject_accepts() -> None:
    data = manifest()
    assert (data["runtime"], data["sdk"], data["base"]) == ("org.kde.Platform", "org.kde.Sdk", "io.qt.PySide.BaseApp")
    # The BaseApp's branch is the KDE runtime's: its PySide6 is built against that runtime's Qt.
    assert data["base-version"] == data["runtime-version"]
    branch = data["base-version"]
    assert re.fullmatch(r"6\.\d+", branch), branch
    for name in FROM_BASEAPP:
        spec = direct_dependencies()[name]
        # Every patch release of the branch (the BaseApp follows the runtime's patch releases).
        assert Version(f"{branch}.0") in spec and Version(f"{branch}.99") in spec, (name, str(spec))
    # The BaseApp's README requires its clean-up script; WebEngine and NumPy are not used by the app.
    assert "/app/cleanup-BaseApp.sh" in data["cleanup-commands"]
    assert data["build-options"]["env"] == {"BASEAPP_REMOVE_WEBENGINE": "1", "BASEAPP_DISABLE_NUMPY": "1"}
    for path in (REPO / "hinge_timer").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "numpy" not in text and "QtWebEngine" not in text, path


def test_the_command_is_a_script_the_package_installs() -> None:
    project = pyproject()["project"]
    scripts = {**project.get("scripts", {}), **project.get("gui-scripts", {})}
    assert manifest()["command"] in scripts
    assert manifest()["command"] == "hinge-timer"
    # The desktop file starts the same command (flatpak-builder rewrites it to `flatpak run` on export).
    desktop = (REPO / "assets" / "desktop" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    (exec_line,) = [line for line in desktop.splitlines() if line.startswith("Exec=")]
    assert exec_line.removeprefix("Exec=").split()[0] == manifest()["command"]


def test_every_permission_is_allowed_with_its_reason_and_none_is_broad() -> None:
    args = manifest()["finish-args"]
    assert len(args) == len(set(args)), "a permission is listed twice"
    assert all(reason.strip() for reason in ALLOWED.values())
    assert set(args) <= set(ALLOWED), f"not in the allowlist (add it with its reason): {set(args) - set(ALLOWED)}"
    assert REQUIRED <= set(args), f"missing: {REQUIRED - set(args)}"
    assert not set(args) & FORBIDDEN, set(args) & FORBIDDEN
    # No file system grant at all: the data folder is the sandbox's own, files are opened through the portal.
    assert not [a for a in args if a.startswith(("--filesystem=", "--own-name=", "--system-talk-name="))]
    # README.md explains each one.
    readme = README.read_text(encoding="utf-8")
    for arg in args:
        assert f"`{arg}`" in readme, arg


def test_the_app_uses_no_network() -> None:
    """So the manifest has no --share=network (the single-instance socket is a local socket file)."""
    users = [str(p.relative_to(REPO)) for p in (REPO / "hinge_timer").rglob("*.py")
             if _NETWORK_USE.search(p.read_text(encoding="utf-8"))]
    assert users == []


def _service_constant() -> str:
    from hinge_timer.qt import inhibit_dbus  # needs PySide6.QtDBus, which the venv has

    return inhibit_dbus.SERVICE


def test_the_only_dbus_name_is_the_screen_savers_the_inhibitor_calls() -> None:
    talk = {a.removeprefix("--talk-name=") for a in manifest()["finish-args"] if a.startswith("--talk-name=")}
    assert talk == {_service_constant()} == {"org.freedesktop.ScreenSaver"}
    # The inhibitor is the app's one D-Bus client: another would need its own --talk-name here.
    clients = {str(p.relative_to(REPO)) for p in (REPO / "hinge_timer").rglob("*.py")
               if re.search(r"\bQDBus(Interface|Connection|Message)\b", p.read_text(encoding="utf-8"))}
    assert clients == {"hinge_timer/qt/inhibit_dbus.py"}


def test_every_runtime_dependency_has_a_module_pinned_to_a_version_it_accepts() -> None:
    modules = python_modules()
    for name, spec in direct_dependencies().items():
        if name in FROM_BASEAPP:
            assert name not in modules, f"{name} comes from the BaseApp"
            continue
        assert name in modules, f"no module for {name}"
        assert modules[name][0] in spec, (name, str(modules[name][0]), str(spec))


def test_the_modules_are_exactly_what_the_dependencies_need() -> None:
    """The transitive closure, read from the venv's installed metadata (extras and markers that do not apply to
    the Flatpak's Python left out); each pin satisfies every requirement naming it."""
    needed = closure()
    modules = python_modules()
    assert set(modules) == set(needed), {"unneeded": set(modules) - set(needed), "missing": set(needed) - set(modules)}
    for name, reqs in needed.items():
        version = modules[name][0]
        for req in reqs:
            assert version in req.specifier, (name, str(version), str(req))


def test_each_module_installs_its_own_pypi_wheels_with_their_sha256() -> None:
    tags_seen: set[str] = set()
    for name, (version, module) in python_modules().items():
        assert module["buildsystem"] == "simple"
        (command,) = module["build-commands"]
        assert command == ('pip3 install --verbose --exists-action=i --no-index --find-links="file://${PWD}" '
                           f'--prefix=${{FLATPAK_DEST}} --no-build-isolation "{name}=={version}"'), command
        compiled: dict[str, str] = {}
        for source in module["sources"]:
            assert source["type"] == "file"
            assert _SHA256.fullmatch(source["sha256"]), source
            url = source["url"]
            assert url.startswith("https://files.pythonhosted.org/packages/"), url
            filename = PurePosixPath(url).name
            wheel_name, wheel_version, _build, tags = parse_wheel_filename(filename)
            assert (wheel_name, wheel_version) == (name, version), filename
            if all(t.abi == "none" and t.platform == "any" for t in tags):
                assert "only-arches" not in source, filename
                continue
            # A compiled wheel: for the Flatpak's CPython, one per arch.
            (arch,) = source["only-arches"]
            assert arch in ARCHES and arch not in compiled, filename
            assert {t.interpreter for t in tags} == {"cp" + PYTHON.replace(".", "")}, filename
            assert all(t.platform.startswith(("manylinux", "linux")) and t.platform.endswith(arch) for t in tags), \
                filename
            compiled[arch] = filename
            tags_seen |= {t.interpreter for t in tags}
        pure = [s for s in module["sources"] if "only-arches" not in s]
        assert (len(pure), set(compiled)) in ((1, set()), (0, ARCHES)), (name, module["sources"])
    assert tags_seen, "pydantic-core is compiled: one module at least has per-arch wheels"


def test_each_module_comes_after_the_modules_it_needs() -> None:
    """pip runs without --no-deps (it checks the requirements against what earlier modules installed in /app, with
    --no-index), so a module must follow every module it requires."""
    order = list(python_modules())
    for position, name in enumerate(order):
        for req in requirements_of(name):
            dep = canonicalize_name(req.name)
            assert dep in order[:position], f"{name} needs {dep}, installed later or not at all"


def installs() -> list[tuple[str, str]]:
    """(where under ${FLATPAK_DEST}, from where in the repository) for every file the app module installs."""
    found = []
    for command in app_module()["build-commands"]:
        match = _INSTALL.match(command)
        if match:
            found.append((match.group(2), match.group(1)))
    return found


def test_the_app_module_installs_this_checkout_without_its_dependencies() -> None:
    module = app_module()
    (source,) = module["sources"]
    assert source["type"] == "dir"
    assert (FLATPAK_DIR / source["path"]).resolve() == REPO
    assert {".git", ".venv", ".flatpak-builder", "build-dir"} <= set(source["skip"])
    assert module["build-commands"][0] == "pip3 install --no-index --no-deps --no-build-isolation " \
                                          "--prefix=${FLATPAK_DEST} ."


def test_the_desktop_files_it_installs_are_in_the_repository_under_the_right_names() -> None:
    sizes = appinfo._ICON_SIZES  # the PNG sizes the app ships (hinge_timer/appinfo.py)
    expected = {
        f"share/applications/{APP_ID}.desktop",
        f"share/metainfo/{APP_ID}.metainfo.xml",
        f"share/icons/hicolor/scalable/apps/{APP_ID}.svg",
        f"share/icons/hicolor/symbolic/apps/{APP_ID}-symbolic.svg",
        *(f"share/icons/hicolor/{n}x{n}/apps/{APP_ID}.png" for n in sizes),
    }
    found = installs()
    assert {dest for dest, _src in found} == expected
    assert len(found) == len(expected)
    for dest, src in found:
        assert (REPO / src).is_file(), src
        assert Path(src).name == Path(dest).name, (src, dest)
        if src.startswith("assets/icons/"):
            assert src.removeprefix("assets/icons/") == dest.removeprefix("share/icons/"), (src, dest)
    # The metainfo's id and launchable are the app id and the desktop file installed.
    root = ET.parse(REPO / "assets" / "desktop" / f"{APP_ID}.metainfo.xml").getroot()
    assert root.findtext("id") == APP_ID
    assert root.find("launchable[@type='desktop-id']").text == f"{APP_ID}.desktop"  # type: ignore[union-attr]
