"""The launcher entry of a pip or pipx install: ``hinge-timer desktop-entry --install`` / ``--remove``.

A distribution's package or a Flatpak puts the desktop file, the AppStream metainfo and the icons in
``/usr/share`` or its own export folder.  A wheel cannot, so this writes the same files under the user's
XDG data folder (``$XDG_DATA_HOME``, else ``~/.local/share``), where every freedesktop launcher looks:

- ``applications/<id>.desktop`` — the packaged one with ``Exec`` and ``TryExec`` naming this installation's
  own executable by its full path (a pipx install's ``~/.local/bin`` is not on every desktop's PATH);
- ``metainfo/<id>.metainfo.xml`` — so software centres that read the user folder show it;
- ``icons/hicolor/<N>x<N>/apps/<id>.png``, ``scalable/apps/<id>.svg`` and ``symbolic/apps/<id>-symbolic.svg``.

On Windows it writes a Start-menu shortcut instead (``%APPDATA%\\Microsoft\\Windows\\Start Menu\\Programs``)
to the windowed executable, with the app's ``.ico``.  ``--remove`` removes exactly the files ``--install``
writes (their names carry the app id, which no other program uses) and nothing else.  No Qt.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .appinfo import APP_ID, APP_NAME, assets_dir, desktop_file, frozen, icon_files, metainfo_file, scalable_icon, \
    symbolic_icon

# The line --install adds to the desktop file it writes, so that a reader can tell where it came from.
MARKER = "X-HingeTimer-Installed-By=hinge-timer desktop-entry --install"
SHORTCUT = f"{APP_NAME}.lnk"
_TOOL_TIMEOUT_S = 10.0  # update-desktop-database on a user folder takes milliseconds; never wait longer
# Characters that make the Desktop Entry spec's Exec quoting necessary.
_RESERVED = set(' \t\n"\'\\><~|&;$*?#()`')


class EntryError(Exception):
    """What stopped the install or the removal, in one sentence that names the file."""


@dataclass
class Outcome:
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def data_home(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    xdg = env.get("XDG_DATA_HOME", "")
    # The spec: a relative XDG_DATA_HOME is invalid and is ignored.
    return Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "share"


def launcher_program() -> Path:
    """The executable a launcher should start: the bundle itself; else this environment's windowed script
    (``hinge-timer-gui``), else its ``hinge-timer``, next to the interpreter (a venv's or pipx's ``bin``,
    Windows' ``Scripts``)."""
    if frozen():
        return Path(sys.executable).resolve()
    here = Path(sys.executable).parent
    folders = [here, here / "Scripts"] if os.name == "nt" else [here]
    suffix = ".exe" if os.name == "nt" else ""
    for name in ("hinge-timer-gui", "hinge-timer"):
        for folder in folders:
            candidate = folder / f"{name}{suffix}"
            if candidate.is_file():
                return candidate.absolute()  # (not resolved: a venv's bin may be a link farm on purpose)
    raise EntryError(f"no hinge-timer executable next to {sys.executable}: install Hinge Timer with pip or "
                     "pipx first")


def exec_quoted(path: Path) -> str:
    """``path`` as the Desktop Entry spec's Exec wants an argument: double-quoted when it holds a reserved
    character, with ``"``, `````, ``$`` and ``\\`` escaped; then the value's own escape of ``\\``; ``%`` doubled."""
    text = str(path)
    if any(ch in _RESERVED for ch in text):
        text = '"' + "".join("\\" + ch if ch in '"`$\\' else ch for ch in text) + '"'
    return text.replace("\\", "\\\\").replace("%", "%%")


def desktop_text(program: Path) -> str:
    """The packaged desktop file with Exec and TryExec naming ``program`` and the marker line added."""
    lines = desktop_file().read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    in_main = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("["):
            if in_main:
                out.append(MARKER)
            in_main = stripped == "[Desktop Entry]"
        if in_main and stripped.startswith("TryExec="):
            continue
        if in_main and stripped.startswith("Exec="):
            quoted = exec_quoted(program)
            out.append(f"Exec={quoted}")
            # TryExec is a plain string, not an Exec command line: only the value escape applies.
            out.append("TryExec=" + str(program).replace("\\", "\\\\"))
            continue
        out.append(line)
    if in_main:
        out.append(MARKER)
    return "\n".join(out) + "\n"


def planned(home: Path) -> list[tuple[Path, Path | None]]:
    """Every file --install writes, as (destination, packaged source); the desktop file's source is None
    (it is written from ``desktop_text``)."""
    icons = home / "icons" / "hicolor"
    files: list[tuple[Path, Path | None]] = [
        (home / "applications" / f"{APP_ID}.desktop", None),
        (home / "metainfo" / f"{APP_ID}.metainfo.xml", metainfo_file()),
        (icons / "scalable" / "apps" / f"{APP_ID}.svg", scalable_icon()),
        (icons / "symbolic" / "apps" / f"{APP_ID}-symbolic.svg", symbolic_icon()),
    ]
    files += [(icons / f"{n}x{n}" / "apps" / f"{APP_ID}.png", p) for n, p in sorted(icon_files().items())]
    return files


def install(environ: Mapping[str, str] | None = None) -> Outcome:
    if os.name == "nt":
        return _install_shortcut(environ)
    if sys.platform == "darwin":
        raise EntryError("on macOS there is no launcher entry to write: use the Hinge Timer app bundle "
                         "(packaging/pyinstaller/README.md)")
    home = data_home(environ)
    program = launcher_program()
    outcome = Outcome()
    missing = [str(src) for _dest, src in planned(home) if src is not None and not src.is_file()]
    if missing or not desktop_file().is_file():
        raise EntryError("this installation lacks its desktop files: " + ", ".join(missing or [str(desktop_file())]))
    try:
        for dest, src in planned(home):
            try:
                data = desktop_text(program).encode("utf-8") if src is None else src.read_bytes()
            except OSError as exc:
                raise EntryError(f"{src or desktop_file()} could not be read: {exc.strerror or exc}") from exc
            _write(dest, data)
            outcome.written.append(dest)
    except EntryError:  # all or nothing: a launcher entry without its icons (or the reverse) is not left
        for dest in outcome.written:
            try:
                dest.unlink()
            except OSError:
                pass
        raise
    outcome.notes += _refresh(home)
    return outcome


def remove(environ: Mapping[str, str] | None = None) -> Outcome:
    if os.name == "nt":
        return _remove_shortcut(environ)
    home = data_home(environ)
    outcome = Outcome()
    # Every size there may be, not only those this version ships (an older one may have written others).
    icons = home / "icons" / "hicolor"
    candidates = [dest for dest, _src in planned(home)]
    if icons.is_dir():
        candidates += sorted(p for p in icons.glob(f"*/apps/{APP_ID}*") if p not in candidates)
    for dest in candidates:
        if dest.is_file() or dest.is_symlink():
            try:
                dest.unlink()
            except OSError as exc:
                raise EntryError(f"{dest} could not be removed: {exc.strerror or exc}") from exc
            outcome.removed.append(dest)
    if outcome.removed:
        outcome.notes += _refresh(home)
    return outcome


def _write(dest: Path, data: bytes) -> None:
    """Write whole or not at all (a temporary file beside it, then renamed over it)."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, dest)
    except OSError as exc:
        raise EntryError(f"{dest} could not be written: {exc.strerror or exc}") from exc


def _refresh(home: Path) -> list[str]:
    """Tell the desktop's caches, where the tools are; a missing or failing tool is a note, never an error
    (launchers watch these folders anyway)."""
    notes = []
    tool = shutil.which("update-desktop-database")
    if tool:
        try:
            subprocess.run([tool, "-q", str(home / "applications")], timeout=_TOOL_TIMEOUT_S, check=True,
                           stdin=subprocess.DEVNULL, capture_output=True)
        except (OSError, subprocess.SubprocessError) as exc:
            notes.append(f"update-desktop-database did not run: {exc}")
    icons = home / "icons" / "hicolor"
    try:
        if icons.is_dir():
            os.utime(icons)  # GTK and Qt re-read a theme folder whose time has changed
    except OSError:
        pass
    return notes


# Windows: a Start-menu shortcut, made by the shell's own COM object through PowerShell (values passed in
# the environment, so no path needs quoting).  Not run on this project's machines, which are Linux.
_PS_CREATE = ("$s = (New-Object -ComObject WScript.Shell).CreateShortcut($env:HT_LINK); "
              "$s.TargetPath = $env:HT_TARGET; $s.IconLocation = $env:HT_ICON; "
              "$s.Description = $env:HT_DESCRIPTION; $s.WorkingDirectory = $env:USERPROFILE; $s.Save()")


def start_menu(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    appdata = env.get("APPDATA")
    if not appdata:
        raise EntryError("APPDATA is not set: there is no Start menu folder to write to")
    return Path(appdata) / "Microsoft" / "Windows" / "Start Menu" / "Programs"


def _install_shortcut(environ: Mapping[str, str] | None) -> Outcome:
    link = start_menu(environ) / SHORTCUT
    icon = assets_dir() / "icons" / f"{APP_ID}.ico"
    env = dict(os.environ, HT_LINK=str(link), HT_TARGET=str(launcher_program()), HT_ICON=str(icon),
               HT_DESCRIPTION="Guided hip-hinge mobility sessions")
    try:
        link.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["powershell", "-NoProfile", "-NonInteractive", "-Command", _PS_CREATE], env=env,
                       timeout=30, check=True, capture_output=True, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        raise EntryError(f"{link} could not be written: {exc}") from exc
    return Outcome(written=[link])


def _remove_shortcut(environ: Mapping[str, str] | None) -> Outcome:
    link = start_menu(environ) / SHORTCUT
    outcome = Outcome()
    if link.exists():
        try:
            link.unlink()
        except OSError as exc:
            raise EntryError(f"{link} could not be removed: {exc.strerror or exc}") from exc
        outcome.removed.append(link)
    return outcome
