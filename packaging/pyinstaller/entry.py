"""The entry point of the PyInstaller bundle (packaging/pyinstaller/hinge-timer.spec).

The app starts its helper processes as ``[sys.executable, "-P", "-m", "hinge_timer.<module>"]`` (the sound
engine, hinge_timer/qt/audio_proc.py; the session-file checker, hinge_timer/session/checker.py).  In the bundle
``sys.executable`` is this program, not a Python, so it understands that one form of the interpreter's
command line itself: ``<exe> -P -m NAME [ARGS...]`` runs the bundled module NAME as ``__main__`` with
``sys.argv == [exe, *ARGS]``.  Only modules of the app (``hinge_timer.*``) are run that way; anything else is
refused (exit 2), so the bundle never acts as a general Python.  Every other command line is the app's own.
"""

from __future__ import annotations

import runpy
import sys

_PREFIX = "hinge_timer."


def _run_module(argv: list[str]) -> int:
    if len(argv) < 4 or not argv[3]:
        print("hinge-timer: -P -m needs a module name", file=sys.stderr)
        return 2
    name, rest = argv[3], argv[4:]
    if not name.startswith(_PREFIX) or not all(part.isidentifier() for part in name.split(".")):
        print(f"hinge-timer: this bundle runs only its own modules (hinge_timer.*) with -m, not {name!r}",
              file=sys.stderr)
        return 2
    sys.argv = [argv[0], *rest]
    runpy.run_module(name, run_name="__main__", alter_sys=True)
    return 0  # a module that returns from __main__ without sys.exit ends well


def _system_library_path() -> None:
    """Linux: the bootloader puts the bundle's own library folder on ``LD_LIBRARY_PATH`` (the first value
    in ``LD_LIBRARY_PATH_ORIG``).  This process's loader read it when it started, and the bundle's helper
    processes get it again from their own bootloader; the programs the app starts from the system (espeak-ng,
    a file manager) must not, or they would load the bundle's libraries (libstdc++, libpulse, ...) instead of
    their own.  So it is set back to what the user had."""
    if not sys.platform.startswith("linux") or not getattr(sys, "frozen", False):
        return
    import os

    orig = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if orig is not None:
        os.environ["LD_LIBRARY_PATH"] = orig
    else:
        os.environ.pop("LD_LIBRARY_PATH", None)


def main() -> None:
    _system_library_path()
    argv = list(sys.argv)
    if argv[1:3] == ["-P", "-m"]:
        sys.exit(_run_module(argv))
    # gui_entry is entry() that first gives a windowed program (Windows' hinge-timer-gui.exe, the macOS
    # app) somewhere to write when it has no stdout or stderr; with a console it is entry() itself.
    from hinge_timer.cli import gui_entry

    gui_entry()


if __name__ == "__main__":
    main()
