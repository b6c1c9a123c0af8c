"""The settings a running app changes as it goes (mute, volume, flash, what the screen reader is told),
kept in one place that says when they change.

:class:`Preferences` holds the one :class:`~hinge_timer.settings.Settings` (which is saved at exit) and is
the only way the shell changes mute, volume and flash: the menu's check marks, the sound and the
session screen follow its signals instead of each keeping a copy.  Settings themselves stay Qt-free
(settings.py is part of the core); this object is the shell's view of them.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..settings import READER_CHOICES, Settings

VOLUME_STEP = 0.1


class Preferences(QObject):
    """Mute, volume and flash of one window's Settings; each change is emitted once, after it is made."""

    mute_changed = Signal(bool)
    volume_changed = Signal(float)  # 0..1
    flash_changed = Signal(bool)
    motion_changed = Signal(bool)  # the drill's figure moves (ui/figure.py)
    screen_reader_changed = Signal(str)  # "auto", "always" or "off" (settings.READER_CHOICES)

    def __init__(self, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings

    @property
    def mute(self) -> bool:
        return self.settings.mute

    @property
    def volume(self) -> float:
        return self.settings.volume

    @property
    def flash(self) -> bool:
        return self.settings.flash

    def set_mute(self, muted: bool) -> None:
        if bool(muted) != self.settings.mute:
            self.settings.mute = bool(muted)
            self.mute_changed.emit(self.settings.mute)

    def toggle_mute(self) -> None:
        self.set_mute(not self.settings.mute)

    def set_volume(self, volume: float) -> None:
        volume = round(max(0.0, min(1.0, volume)), 2)
        if volume != self.settings.volume:
            self.settings.volume = volume
            self.volume_changed.emit(volume)

    def change_volume(self, step: float = VOLUME_STEP) -> float:
        """Louder (``step`` > 0) or quieter, within 0..1; the volume now."""
        self.set_volume(self.settings.volume + step)
        return self.settings.volume

    @property
    def screen_reader(self) -> str:
        return self.settings.screen_reader

    def set_screen_reader(self, mode: str) -> None:
        if mode not in READER_CHOICES:
            raise ValueError(f"screen_reader must be one of {READER_CHOICES}, not {mode!r}")
        if mode != self.settings.screen_reader:
            self.settings.screen_reader = mode
            self.screen_reader_changed.emit(mode)

    @property
    def motion(self) -> bool:
        return self.settings.motion

    def set_motion(self, on: bool) -> None:
        if bool(on) != self.settings.motion:
            self.settings.motion = bool(on)
            self.motion_changed.emit(self.settings.motion)

    def set_flash(self, on: bool) -> None:
        if bool(on) != self.settings.flash:
            self.settings.flash = bool(on)
            self.flash_changed.emit(self.settings.flash)
