"""The session screen: what the user sees from across the room while they train."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QFontMetrics
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..app import commands
from ..engine.events import CueEvent, Snapshot, State
from .. import timefmt
from ..session import kinds
from ..session.kinds import Shows
from ..session.timeline import CueKind
from . import theme
from .painted import CountdownRing, FlashOverlay, MessageOverlay
from .widgets import plain_label, set_plain_tooltip

if TYPE_CHECKING:
    from ..qt.driver import SessionDriver

FLASH_KINDS = (CueKind.COUNTDOWN, CueKind.GO)


def _show(widget: QWidget, on: bool) -> None:
    """setVisible only on a change: the display tick calls this many times a second."""
    if widget.isHidden() == on:
        widget.setVisible(on)


def _label(name: str, parent: QWidget, wrap: bool = False) -> QLabel:
    # Drill names, cues, cautions and `how` come from the user's file: plain text, never rich text.
    label = plain_label(parent, name=name, wrap=wrap)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


class BigButton(QPushButton):
    """A finger-sized button that never takes keyboard focus (keys belong to the window)."""

    def __init__(self, text: str, name: str, parent: QWidget, spoken: str = "") -> None:
        super().__init__(text, parent)
        self.setObjectName(name)
        # What a screen reader says: the words without arrows and key hints.
        self.setAccessibleName(spoken or text)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(44)


class SessionScreen(QWidget):
    end_requested = Signal()  # the user asked to end (the window confirms first)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("session_screen")
        self.driver: SessionDriver | None = None
        self.snapshot: Snapshot | None = None
        self.flash_enabled = True
        self.muted = False
        self.captions: list[str] = []
        self.sound_notice = ""
        self.history_notice = ""  # "History is not being saved: …" while the disk says no
        self._sound_detail = ""
        self._history_detail = ""
        self._show_how = False
        self._announced: tuple[object, ...] | None = None

        root = QVBoxLayout(self)
        root.setContentsMargins(12, 8, 12, 8)
        root.setSpacing(6)

        # The band across the top: the state in words, on the state's colour.
        self.band = _label("state_band", self)
        self.band.setAutoFillBackground(True)
        root.addWidget(self.band)

        self.drill = _label("drill_name", self, wrap=True)
        root.addWidget(self.drill)

        # Middle: the ring and, beside it (or below, in portrait), the side, reps and phase.
        self.middle = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.ring = CountdownRing(self)
        self.ring.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.middle.addWidget(self.ring, 5)
        info = QVBoxLayout()
        self.side = _label("side", self)
        self.set_label = _label("set_label", self)
        self.reps = _label("reps", self)
        self.phase = _label("phase", self, wrap=True)
        self.cue = _label("coaching_cue", self, wrap=True)
        self.how = _label("how", self, wrap=True)
        self.how.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.how.hide()
        for w in (self.side, self.set_label, self.reps, self.phase, self.cue, self.how):
            info.addWidget(w)
        info.addStretch(1)
        self.middle.addLayout(info, 4)
        root.addLayout(self.middle, 1)

        # The caution, shown instead of the middle while a drill waits for confirmation.
        self.caution_box = QFrame(self)
        self.caution_box.setObjectName("caution_box")
        cl = QVBoxLayout(self.caution_box)
        self.caution_title = _label("caution_title", self.caution_box, wrap=True)
        self.caution_text = _label("caution_text", self.caution_box, wrap=True)
        cl.addStretch(1)
        cl.addWidget(self.caution_title)
        cl.addWidget(self.caution_text)
        row = self.caution_row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.ack_button = BigButton("I have read this — continue  (Enter)", "acknowledge", self.caution_box,
                                    "I have read this, continue")
        self.skip_button = BigButton("Skip this drill  (S)", "skip_drill", self.caution_box, "Skip this drill")
        row.addWidget(self.ack_button)
        row.addWidget(self.skip_button)
        cl.addLayout(row)
        cl.addStretch(1)
        self.caution_box.hide()
        root.addWidget(self.caution_box, 1)

        # The caption line: every spoken cue, as text.
        self.caption = _label("caption", self, wrap=True)
        root.addWidget(self.caption)

        bottom = QHBoxLayout()
        self.next_up = _label("next_up", self, wrap=True)
        self.next_up.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("session_progress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName("session progress")
        self.time_left = _label("time_left", self)
        self.status = _label("status", self)
        bottom.addWidget(self.next_up, 3)
        bottom.addWidget(self.progress, 3)
        bottom.addWidget(self.time_left, 1)
        bottom.addWidget(self.status, 1)
        root.addLayout(bottom)

        self.buttons = QGridLayout()
        self.buttons.setSpacing(6)
        self.b_back = BigButton("◀ Back", "back", self, "Back")
        self.b_pause = BigButton("Pause", "pause", self)
        self.b_next = BigButton("Next ▶", "next", self, "Next")
        self.b_minus = BigButton("−10 s", "minus", self, "Ten seconds less")
        self.b_plus = BigButton("+10 s", "plus", self, "Ten seconds more")
        self.b_rep = BigButton("Rep +1", "rep", self, "Count a rep")
        self.b_done = BigButton("Set done", "set_done", self)
        self.b_how = BigButton("How?", "how_button", self, "How to do this drill")
        self.b_hurts = BigButton("It hurts", "hurts", self, "Stop, it hurts")
        self.b_end = BigButton("End", "end", self, "End the session")
        self.button_list = [self.b_back, self.b_pause, self.b_next, self.b_minus, self.b_plus, self.b_rep,
                            self.b_done, self.b_how, self.b_hurts, self.b_end]
        self._columns = 0
        root.addLayout(self.buttons)

        self.pause_overlay = MessageOverlay(self, "pause_overlay")
        self.flash_overlay = FlashOverlay(self)

        # Each button runs its command of the table (app/commands.py), as its key does.
        handlers = self.command_handlers()
        for c in commands.buttons(commands.SESSION):
            run = handlers[c.name]
            if c.button:
                button = self.findChild(QPushButton, c.button)
                assert button is not None, f"no button {c.button!r} for the command {c.name!r}"
                button.clicked.connect(lambda _checked=False, run=run: run())
            if c.tap:
                overlay = self.findChild(MessageOverlay, c.tap)
                assert overlay is not None, f"no overlay {c.tap!r} for the command {c.name!r}"
                overlay.clicked.connect(lambda run=run: run())
        self._apply_sizes()

    # -- binding ----------------------------------------------------------------------
    def bind(self, driver: SessionDriver) -> None:
        self.driver = driver
        self.captions = []
        self.caption.setText("")
        self._show_how = False
        self.how.hide()
        driver.snapshot_changed.connect(self.on_snapshot_changed)
        driver.cue_fired.connect(self.on_cue_fired)
        driver.command_done.connect(self.on_command_done)

    def unbind(self) -> None:
        if self.driver is not None:
            for signal, slot in ((self.driver.snapshot_changed, self.on_snapshot_changed),
                                 (self.driver.cue_fired, self.on_cue_fired),
                                 (self.driver.command_done, self.on_command_done)):
                signal.disconnect(slot)
        self.driver = None
        self.flash_overlay.stop()
        self.pause_overlay.hide()

    def _do(self, name: str, *args: object) -> None:
        if self.driver is not None:
            getattr(self.driver, name)(*args)

    # -- commands and keys -------------------------------------------------------------------
    def command_handlers(self) -> dict[str, commands.Handler]:
        """What the session screen does of the command table (app/commands.py): its buttons and keys."""
        do = self._do
        return {"pause": lambda: do("toggle_pause"), "next": lambda: do("next"), "back": lambda: do("back"),
                "count_rep": lambda: do("count_rep"), "acknowledge": lambda: do("acknowledge"),
                "undo_rep": lambda: do("undo_rep"), "set_done": lambda: do("set_done"),
                "add_time": lambda: do("add_time", 10), "remove_time": lambda: do("add_time", -10),
                "hurts": lambda: do("stop_drill", "it hurts"), "skip": lambda: do("skip_drill"),
                "how": self.toggle_how, "end": self.end_requested.emit}

    def handle_key(self, key: int, text: str) -> bool:
        """Keys and presentation clickers during a session, from the command table; True if the key was used."""
        state = self.snapshot.state if self.snapshot is not None else None
        ctx = commands.Context(commands.SESSION, state, self.window().isFullScreen())
        return commands.press(self.command_handlers(), ctx, key, text)

    @Slot()
    def toggle_how(self) -> None:
        self._show_how = not self._show_how
        self.how.setVisible(self._show_how and bool(self.how.text()))

    # -- updates ---------------------------------------------------------------------------
    @Slot(bool)
    def on_mute_changed(self, muted: bool) -> None:
        """Captions carry a 🔇 while muted (app/preferences.py says when it changes)."""
        self.muted = muted

    @Slot(bool)
    def on_flash_changed(self, on: bool) -> None:
        self.flash_enabled = on

    def set_sound_notice(self, text: str, detail: str = "") -> None:
        """A standing notice ("Sound is off: …") that stays in the status line until sound is back;
        ``detail`` (the whole message) is its tooltip and what a screen reader reads."""
        self.sound_notice = text
        self._sound_detail = detail
        self._show_standing()

    def set_history_notice(self, brief: str, detail: str = "") -> None:
        """A standing notice that history cannot be saved (a full or read-only disk); "" when it can again."""
        self.history_notice = brief
        self._history_detail = detail
        self._show_standing()

    @property
    def standing_notice(self) -> str:
        return " · ".join(t for t in (self.sound_notice, self.history_notice) if t)

    def _show_standing(self) -> None:
        self.status.setText(self.standing_notice)
        detail = "\n".join(t for t in (self._sound_detail, self._history_detail) if t)
        set_plain_tooltip(self.status, detail)
        self.status.setAccessibleDescription(detail)

    @Slot(str, object)
    def on_command_done(self, name: str, result) -> None:
        # Say why a key did nothing; a command that worked shows itself on screen (and the
        # standing notices, if any, come back).
        self.status.setText(self.standing_notice if result.ok else result.message)

    @Slot(object)
    def on_cue_fired(self, cue: CueEvent) -> None:
        text = cue.text
        if cue.kind is CueKind.REP:
            text = f"Rep {cue.text}"
        self.captions.append(text)
        shown = self.captions[-2:]
        self.caption.setText(("🔇 " if self.muted else "") + "  ·  ".join(shown))
        if self.flash_enabled and cue.kind in FLASH_KINDS:
            colour = theme.STATE_COLOURS[State.WORK] if cue.kind is CueKind.GO else theme.FLASH
            self.flash_overlay.flash(colour)

    @Slot(object)
    def on_snapshot_changed(self, snap: Snapshot) -> None:
        self.snapshot = snap
        state = snap.state
        colour = theme.STATE_COLOURS[state]
        underlying_colour = theme.STATE_COLOURS[snap.underlying]
        ink = theme.ink_on(colour)
        words = theme.STATE_WORDS[state]
        if state is State.PAUSED:
            words = f"PAUSED · {theme.STATE_WORDS[snap.underlying]}"
        self.band.setText(words)
        style = (f"#state_band {{ background-color: {colour.name()}; color: {ink.name()}; font-weight: bold;"
                 f" font-size: {theme.scaled_px(self, 0.055, 10)}px; padding: 2px; }}")
        if style != self.band.styleSheet():  # re-styling is costly; display ticks come 25 times a second
            self.band.setStyleSheet(style)

        shows = kinds.state_shows(snap.underlying, snap.work_mode)  # the main thing (session/kinds.py)
        caution = shows is Shows.CAUTION
        _show(self.caution_box, caution)
        for w in (self.ring, self.side, self.set_label, self.reps, self.phase, self.cue):
            _show(w, not caution)
        if caution:
            self.caution_title.setText(f"Before {snap.drill_name}")
            self.caution_text.setText(snap.caution or "")

        self.drill.setText(snap.drill_name if snap.drill_index >= 0 else "")
        side = kinds.side_words(snap.underlying, snap.side)
        self.side.setText(side)
        _show(self.side, bool(side) and not caution)
        self.set_label.setText(f"Set {snap.set_no} of {snap.sets}" if snap.sets > 1 else "")

        # The ring: time left in the step, or the rep count in a set the user counts.
        if shows is Shows.REP_COUNT:
            ring_text = f"{snap.rep}/{snap.reps}"
            ring_caption = "reps · Enter to count"
            self.reps.setText("")
        else:
            ring_text = timefmt.time_left(snap.step_left) if snap.step_left is not None else ""
            ring_caption = theme.STATE_WORDS[snap.underlying].lower()
            self.reps.setText(f"Rep {snap.rep} / {snap.reps}" if snap.reps and snap.rep else "")
        self.ring.set_value(ring_text, ring_caption, snap.step_progress, underlying_colour)

        if snap.phase_label and snap.underlying is State.WORK:
            left = int(-(-(snap.phase_left or 0) // 1))
            self.phase.setText(f"{snap.phase_label} · {left}")
        else:
            self.phase.setText("")
        self.cue.setText(snap.coaching_cue or "")

        self.how.setText(snap.how or "")  # plain: paragraphs stay "\n\n"
        _show(self.how, self._show_how and bool(self.how.text()))

        self.next_up.setText(f"Next: {snap.next_up}" if snap.next_up else "")
        self.progress.setValue(int(snap.session_progress * 1000))
        self.time_left.setText(f"{timefmt.time_left(snap.session_left)} left")

        counted = shows is Shows.REP_COUNT
        timed = snap.step_left is not None and kinds.state_retimable(snap.underlying, snap.work_mode)
        self.b_rep.setEnabled(counted)
        self.b_done.setEnabled(counted)
        self.b_plus.setEnabled(timed)
        self.b_minus.setEnabled(timed)
        self.b_pause.setText("Resume" if state is State.PAUSED else "Pause")
        self.b_pause.setEnabled(not caution and snap.underlying is not State.DONE)

        self._announce_state(snap, words, side, shows)

        if state is State.PAUSED:
            reason = snap.pause_reason if snap.pause_reason and snap.pause_reason != "Paused" else ""
            self.pause_overlay.set_text(
                "PAUSED",
                (f"{reason}\n\n" if reason else "")
                + f"{snap.drill_name} · {timefmt.time_left(snap.step_left)} left in this step"
                "\n\nTap here or press Space to go on",
            )
            self.pause_overlay.show()
            self.flash_overlay.stop()
        else:
            self.pause_overlay.hide()

    def _announce_state(self, snap: Snapshot, words: str, side: str, shows: Shows) -> None:
        """Tell screen readers when the state, drill or side changes (not every second)."""
        # Checked first: this runs on every display tick and almost always has nothing to say.
        key = (snap.state, snap.underlying, snap.drill_index, snap.side, snap.set_no)
        if key == self._announced:
            return
        self._announced = key
        parts = [words.capitalize()]
        if shows is Shows.CAUTION:
            parts.append(f"before {snap.drill_name}: {snap.caution or ''} Enter to continue, S to skip.")
        elif snap.underlying is not State.DONE and snap.drill_index >= 0:
            parts.append(snap.drill_name)
            if side:
                parts.append(side.lower())
            if shows is Shows.REP_COUNT:
                parts.append(f"{snap.reps} reps, Enter counts each")
            elif snap.step_left is not None:
                parts.append(timefmt.time_left(snap.step_left) if snap.state is State.PAUSED else
                             f"{int(round(snap.step_left))} seconds")
        message = ". ".join(p for p in parts if p)
        self.band.setAccessibleName(message)
        event = QAccessibleAnnouncementEvent(self.band, message)
        urgent = kinds.STATE_LOOKS[snap.state].urgent or kinds.STATE_LOOKS[snap.underlying].urgent
        event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive if urgent
                            else QAccessible.AnnouncementPoliteness.Polite)
        QAccessible.updateAccessibility(event)

    # -- sizing ------------------------------------------------------------------------------
    def _apply_sizes(self) -> None:
        portrait = self.height() > self.width()
        across = QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        self.middle.setDirection(across)
        self.caution_row.setDirection(across)
        h = self.height()
        self.ring.setMinimumHeight(max(120, int(h * (0.34 if portrait else 0.45))))
        big, mid, small = (theme.scaled_px(self, f, 10) for f in (0.085, 0.05, 0.032))
        text = theme.TEXT.name()
        muted = theme.MUTED_TEXT.name()
        self.drill.setStyleSheet(f"color: {text}; font-size: {mid}px; font-weight: bold;")
        self.side.setStyleSheet(f"color: {text}; font-size: {big}px; font-weight: bold;")
        self.set_label.setStyleSheet(f"color: {muted}; font-size: {mid}px;")
        self.reps.setStyleSheet(f"color: {text}; font-size: {big}px; font-weight: bold;")
        self.phase.setStyleSheet(f"color: {theme.STATE_COLOURS[State.WORK].lighter(130).name()};"
                                 f" font-size: {mid}px; font-weight: bold;")
        self.cue.setStyleSheet(f"color: {muted}; font-size: {small}px;")
        self.how.setStyleSheet(f"color: {text}; font-size: {small}px; background: {theme.PANEL.name()}; padding: 6px;")
        self.caption.setStyleSheet(f"color: {theme.CAPTION_TEXT.name()}; background: {theme.PANEL.name()};"
                                   f" font-size: {mid}px;"
                                   " padding: 4px;")
        self.next_up.setStyleSheet(f"color: {muted}; font-size: {small}px;")
        self.time_left.setStyleSheet(f"color: {text}; font-size: {small}px;")
        self.status.setStyleSheet(f"color: {theme.NOTICE.name()}; font-size: {small}px;")
        # Room for the longest time once, so the per-second change does not re-lay out the screen.
        font = self.time_left.font()
        font.setPixelSize(small)
        self.time_left.setMinimumWidth(QFontMetrics(font).horizontalAdvance("0:00:00 left") + 8)
        self.caution_title.setStyleSheet(f"color: {theme.STATE_COLOURS[State.CAUTION].name()};"
                                         f" font-size: {big}px; font-weight: bold;")
        self.caution_text.setStyleSheet(f"color: {text}; font-size: {max(small, int(mid * 0.8))}px;")
        self.progress.setMinimumHeight(max(8, small // 2))
        self.progress.setStyleSheet(
            f"QProgressBar {{ background: {theme.TRACK.name()}; border: none; }}"
            f" QProgressBar::chunk {{ background: {theme.STATE_COLOURS[State.IDLE].name()}; }}")
        # One row of buttons on wide windows, two on narrow ones, so no label is clipped.
        columns = len(self.button_list) if self.width() >= 1100 else (len(self.button_list) + 1) // 2
        if columns != self._columns:
            self._columns = columns
            for i, b in enumerate(self.button_list):
                self.buttons.addWidget(b, i // columns, i % columns)
        button_px = max(12, min(theme.scaled_px(self, 0.03, 10), int(self.width() / columns / 7)))
        for b in self.button_list:
            b.setStyleSheet(f"font-size: {button_px}px; min-height: {max(44, int(h * 0.065))}px;")
        # Both caution buttons side by side (or stacked in portrait), their words never cut.
        caution_px = max(12, min(mid, int(self.width() / (1 if portrait else 2) / 22)))
        for b in (self.ack_button, self.skip_button):
            b.setStyleSheet(f"font-size: {caution_px}px; min-height: {max(44, int(h * 0.08))}px;")
        if self.snapshot is not None:
            self.on_snapshot_changed(self.snapshot)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._apply_sizes()
