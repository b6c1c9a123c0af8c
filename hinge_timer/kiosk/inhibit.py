"""Keep the screen on and the machine awake during a session; let it sleep between sessions.

One small interface, one implementation per platform, and a null one:
- Linux: D-Bus ``org.freedesktop.ScreenSaver.Inhibit``/``UnInhibit`` on the session bus (through
  QtDBus: ``hinge_timer/qt/inhibit_dbus.py``; the bus drops the inhibition if the app dies);
- Windows: ``SetThreadExecutionState(ES_CONTINUOUS | ES_SYSTEM_REQUIRED | ES_DISPLAY_REQUIRED)``;
- macOS: an IOKit power assertion (``PreventUserIdleDisplaySleep``);
- anything else, or when those fail: ``NullInhibitor``, which says so.
Each logs which one it used and whether it worked.  (The Windows and macOS ones are written to
their platforms' documented APIs; they are exercised only on those platforms.)
"""

from __future__ import annotations

import ctypes
import logging
import sys
from abc import ABC, abstractmethod

from ..appinfo import APP_ID

log = logging.getLogger(__name__)

APP = "Hinge Timer"  # how the app is named where a person reads it (a macOS power assertion)
# How it is named to the D-Bus screen saver: its desktop file id, which GNOME and KDE match to show the
# app's name and icon in the list of what keeps the screen on.
DBUS_APP = APP_ID


class Inhibitor(ABC):
    name = "inhibitor"

    def __init__(self) -> None:
        self.active = False
        self.problem: str | None = None

    @abstractmethod
    def _inhibit(self, reason: str) -> None: ...

    @abstractmethod
    def _uninhibit(self) -> None: ...

    def inhibit(self, reason: str = "A guided session is running") -> bool:
        """Keep the screen on; True if the platform said yes.  Calling it twice is harmless."""
        if self.active:
            return True
        try:
            self._inhibit(reason)
        except Exception as exc:  # noqa: BLE001 - any failure of a platform call: say it, go on
            self.problem = f"{self.name}: could not keep the screen on ({exc})"
            log.warning("screen sleep: %s", self.problem)
            return False
        self.active = True
        self.problem = None
        log.info("screen sleep: inhibited through %s", self.name)
        return True

    def uninhibit(self) -> bool:
        if not self.active:
            return True
        self.active = False
        try:
            self._uninhibit()
        except Exception as exc:  # noqa: BLE001
            self.problem = f"{self.name}: could not release the screen ({exc})"
            log.warning("screen sleep: %s", self.problem)
            return False
        log.info("screen sleep: released through %s", self.name)
        return True


class NullInhibitor(Inhibitor):
    """Nothing to call: the screen may blank.  ``why`` says why there is no real one."""

    name = "none"

    def __init__(self, why: str = "no screen-sleep inhibitor on this platform") -> None:
        super().__init__()
        self.why = why
        self._said = False

    def _inhibit(self, reason: str) -> None:
        # Said once as a warning (a kiosk's log is read later), then only in the debug log.
        log.log(logging.DEBUG if self._said else logging.WARNING, "screen sleep: not inhibited: %s", self.why)
        self._said = True

    def _uninhibit(self) -> None:
        pass


class WindowsInhibitor(Inhibitor):
    name = "Windows SetThreadExecutionState"
    ES_CONTINUOUS = 0x80000000
    ES_SYSTEM_REQUIRED = 0x00000001
    ES_DISPLAY_REQUIRED = 0x00000002

    def _call(self, flags: int) -> None:
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        kernel32.SetThreadExecutionState.restype = ctypes.c_uint32
        if kernel32.SetThreadExecutionState(ctypes.c_uint32(flags)) == 0:
            raise OSError("SetThreadExecutionState returned 0")

    def _inhibit(self, reason: str) -> None:
        self._call(self.ES_CONTINUOUS | self.ES_SYSTEM_REQUIRED | self.ES_DISPLAY_REQUIRED)

    def _uninhibit(self) -> None:
        self._call(self.ES_CONTINUOUS)


class MacInhibitor(Inhibitor):
    name = "macOS IOKit power assertion"
    kIOPMAssertionLevelOn = 255
    kCFStringEncodingUTF8 = 0x08000100

    def __init__(self) -> None:
        super().__init__()
        self._id = ctypes.c_uint32(0)

    def _cf(self, text: str) -> ctypes.c_void_p:
        cf = ctypes.cdll.LoadLibrary("/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation")
        cf.CFStringCreateWithCString.restype = ctypes.c_void_p
        cf.CFStringCreateWithCString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint32]
        return ctypes.c_void_p(cf.CFStringCreateWithCString(None, text.encode("utf-8"), self.kCFStringEncodingUTF8))

    def _iokit(self) -> ctypes.CDLL:
        return ctypes.cdll.LoadLibrary("/System/Library/Frameworks/IOKit.framework/IOKit")

    def _inhibit(self, reason: str) -> None:
        iokit = self._iokit()
        iokit.IOPMAssertionCreateWithName.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_void_p,
                                                      ctypes.POINTER(ctypes.c_uint32)]
        result = iokit.IOPMAssertionCreateWithName(self._cf("PreventUserIdleDisplaySleep"),
                                                   self.kIOPMAssertionLevelOn, self._cf(f"{APP}: {reason}"),
                                                   ctypes.byref(self._id))
        if result != 0:
            raise OSError(f"IOPMAssertionCreateWithName returned {result}")

    def _uninhibit(self) -> None:
        iokit = self._iokit()
        iokit.IOPMAssertionRelease.argtypes = [ctypes.c_uint32]
        result = iokit.IOPMAssertionRelease(self._id)
        if result != 0:
            raise OSError(f"IOPMAssertionRelease returned {result}")


def platform_inhibitor() -> Inhibitor | None:
    """The Windows or macOS inhibitor, or None on Linux (the Qt layer supplies D-Bus there)."""
    if sys.platform == "win32":
        return WindowsInhibitor()
    if sys.platform == "darwin":
        return MacInhibitor()
    return None
