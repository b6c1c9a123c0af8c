"""The session screen: what the user sees from across the room while they train."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRect, Qt, Signal, Slot
from PySide6.QtGui import QAccessible, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QStyleOptionProgressBar,
    QStylePainter,
    QAccessibleWidget,
    QVBoxLayout,
    QWidget,
)

from ..app import commands
from ..engine.events import CueEvent, Snapshot, State
from .. import timefmt
from ..i18n import _, ngettext, pgettext
from ..session import kinds
from ..session.kinds import Shows
from ..session.timeline import CueKind
from . import theme
from .figure import FigureView
from .a11y import Announcer, set_role
from .painted import BigNumber, FitLabel, FlashOverlay, MessageOverlay, QuestionOverlay
from .widgets import plain_label, set_plain_tooltip

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..app.preferences import Preferences
    from ..qt.driver import SessionDriver

FLASH_KINDS = (CueKind.COUNTDOWN, CueKind.GO)
# The cues a screen reader is told when it says what the sound would (ui/a11y.py): not 3-2-1, whose seconds
# the state change has already said, nor the caution's "read the warning on screen" (its dialog is read);
# those that come with a state change are dropped beside its message.
READER_CUES = frozenset({CueKind.NEXT_UP, CueKind.GO, CueKind.PHASE, CueKind.HALFWAY, CueKind.REP,
                         CueKind.LAST_REP, CueKind.SET_COMPLETE, CueKind.SWITCH_SIDES, CueKind.REST,
                         CueKind.SESSION_COMPLETE})
LANDED_WITHIN = 1.0  # s: the focus landing this long before a state change's message says it instead
BESIDE_STATE = frozenset({CueKind.NEXT_UP, CueKind.GO, CueKind.SWITCH_SIDES, CueKind.REST,
                          CueKind.SESSION_COMPLETE})
# Commands after which the caption is cleared: they move the session, or its count, away from the last cue.
_MOVES = frozenset({"start", "back", "next", "undo_rep", "add_time", "skip_drill", "stop_drill", "undo_stop",
                    "set_done", "acknowledge"})
_SAYS_WHAT_IT_DID = frozenset({"undo_stop"})  # its message is the news, not a refusal (a stop: the snapshot's)
_WIDEST_PER_INK = 2.15  # "888" in a bold condensed face is about 2.1 times as wide as its digits are tall



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


BUTTON_MIN_PX = 11  # the control buttons' words as the window's size sets them: never smaller than this,
BUTTON_FLOOR_PX = 10  # except to keep them in one row in landscape (a second row would take the number's height)
TOUCH_PX = 44  # a button's height: a finger's
CAUTION_MIN_PX = 12  # the caution's words and buttons are set no smaller than this to make them fit


def _wrapped_height(font: QFont, width: int, text: str) -> int:
    """How tall ``text`` is, wrapped at words to ``width``, in ``font``."""
    flags = int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap)
    return QFontMetrics(font).boundingRect(QRect(0, 0, max(1, width), 1 << 20), flags, text).height()


class NoticeLabel(FitLabel):
    """The notice pill's line: a notice too long for its one line at ``px`` is set smaller, or wrapped to
    the lines its fixed height holds (whichever is larger), and cut with "…" only when neither fits at
    ``min_px``."""

    _fitted: tuple[object, ...] | None = None  # what was last fitted

    def _refit(self) -> None:
        room = max(1, self.contentsRect().width() - 4)  # (inside the pill's padding)
        tall = max(1, self.contentsRect().height())
        key = (self._full, self.px, self.min_px, room, tall)
        if key == self._fitted:
            return
        self._fitted = key
        font = QFont(self.font())
        font.setBold(self.bold)
        font.setPixelSize(self.px)
        width = QFontMetrics(font).horizontalAdvance(self._full)
        one = self.px if width <= room else int(self.px * room / max(1, width))
        wrapped = 0
        if one < self.px and " " in self._full.strip():
            for px in range(self.px, max(self.min_px, one + 1) - 1, -1):
                font.setPixelSize(px)
                if _wrapped_height(font, room, self._full) <= tall:
                    wrapped = px
                    break
        shown = self._full
        if wrapped > one:
            font.setPixelSize(wrapped)
        elif one >= self.min_px:
            font.setPixelSize(one)
        else:
            font.setPixelSize(self.min_px)
            shown = QFontMetrics(font).elidedText(self._full, Qt.TextElideMode.ElideRight, room)
        self.setWordWrap(wrapped > one)
        self.setFont(font)
        QLabel.setText(self, shown)


class BigButton(QPushButton):
    """A finger-sized button; Tab reaches it, a click or a tap never moves the focus (ui/keys.py)."""

    def __init__(self, text: str, name: str, parent: QWidget, spoken: str = "") -> None:
        super().__init__(text, parent)
        self.setObjectName(name)
        # What a screen reader says: the words without arrows and key hints.
        self.setAccessibleName(spoken or text)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(44)


class ToggleButton(BigButton):
    """Pause ↔ Resume: checkable, so a screen reader hears it as a toggle, pressed while paused; drawn as
    a plain button either way (its words say the state), and a press still does one thing, once."""

    def __init__(self, text: str, name: str, parent: QWidget) -> None:
        global _toggles_known
        if not _toggles_known:  # Qt calls a checkable push button a check box: a button, with its state
            QAccessible.installFactory(_toggle_interface)  # first: naming it below makes its interface
            _toggles_known = True
        super().__init__(text, name, parent)
        self.setCheckable(True)

    def nextCheckState(self) -> None:  # noqa: N802 (Qt override)
        """A click does not flip it: the session's state does (``follow``), so a refused press leaves it true."""

    def initStyleOption(self, option: QStyleOptionButton) -> None:  # noqa: N802 (Qt override)
        super().initStyleOption(option)
        option.state &= ~QStyle.StateFlag.State_On  # looks as it did before it was checkable

    def follow(self, text: str, checked: bool) -> None:
        """Its words, its name for screen readers and its pressed state, each only when it changes."""
        if text != self.text():
            self.setText(text)
            self.setAccessibleName(text)
        if checked != self.isChecked():
            self.setChecked(checked)


class _ToggleInterface(QAccessibleWidget):
    """A push button that is checkable, and checked and pressed while checked (Qt's own interface calls a
    checkable push button a check box; its AT-SPI bridge has no toggle button), pressed by "Press"."""

    def __init__(self, button: ToggleButton) -> None:
        super().__init__(button, QAccessible.Role.Button)
        self._button = button

    def state(self) -> QAccessible.State:
        state = super().state()
        state.checkable = True
        state.checked = state.pressed = self._button.isChecked()  # AT-SPI: "checked" and "pressed"
        return state

    def actionNames(self) -> list[str]:  # noqa: N802 (Qt override)
        press = QAccessibleWidget.pressAction()
        return [press, *(n for n in super().actionNames() if n != press)]

    def doAction(self, name: str) -> None:  # noqa: N802 (Qt override)
        if name == QAccessibleWidget.pressAction():
            self._button.click()
        else:
            super().doAction(name)


_toggles_known = False


def _toggle_interface(_key: str, obj: object) -> QAccessibleWidget | None:
    return _ToggleInterface(obj) if isinstance(obj, ToggleButton) else None


class PacedBar(QProgressBar):
    """A progress bar drawn to a thousandth, whose value for screen readers moves in tenths: a bar that
    crept a pixel 25 times a second raised as many accessibility events (Orca read "27 percent")."""

    STEPS = 10

    def __init__(self, parent: QWidget, name: str, spoken: str) -> None:
        super().__init__(parent)
        # Not a progress bar to a screen reader: Orca reads every progress bar's value out by itself, at
        # most each 10 s ("Progress bar 1. 70 percent"), over what the session is saying; the time is told
        # by the main status and the announcer (ui/a11y.py), so the bars are a picture of it, an indicator.
        # (First: naming it makes Qt build and keep its interface.)
        set_role(self, QAccessible.Role.Indicator)
        self.setObjectName(name)
        self.setRange(0, self.STEPS)
        self.setTextVisible(False)
        self.setAccessibleName(spoken)
        self.fine = 0  # thousandths, as drawn

    def set_fraction(self, fraction: float) -> None:
        fine = int(max(0.0, min(1.0, fraction)) * 1000)
        if fine == self.fine:
            return
        self.fine = fine
        coarse = fine * self.STEPS // 1000
        if coarse != self.value():
            self.setValue(coarse)  # the one accessibility event, once a tenth
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        option = QStyleOptionProgressBar()
        self.initStyleOption(option)
        option.minimum, option.maximum, option.progress = 0, 1000, self.fine
        QStylePainter(self).drawControl(QStyle.ControlElement.CE_ProgressBar, option)


def paced_seconds(left: float | None, last: int | None) -> int | None:
    """The seconds a screen reader is told, given those it was told last (None: a new step): a new value
    every 10 s, each of the last 5, and whenever the time jumped (±time, back); else the last one."""
    if left is None:
        return None
    secs = int(-(-left // 1))  # rounded up, as the number shows it
    if last is None or secs <= 5 or secs % 10 == 0 or secs > last or last - secs > 10:
        return secs
    return last


# Heights of the screen's rows as fractions of its height (in portrait: of three quarters of its width,
# theme.scaled_px's basis).  What is left goes to the main number: about 48 % of a landscape window, so
# its digits' ink is more than 40 % of the window's height at every size from 800x600 up
# (tests/qt/test_session_screen_sizes.py measures it on the rendered screen).
ROW = {"top": 0.085, "bar": 0.012, "headline": 0.11, "caption": 0.085, "bottom": 0.085, "buttons": 0.075}
# Fonts as fractions of the same: the words around the number are over 6 % of the window's height (the
# menu bar's height included); a line too long for its width is set smaller (down to half), then cut.
FONT = {"top": 0.068, "headline": 0.092, "caption": 0.072, "bottom": 0.066, "cue": 0.05, "how": 0.036}
# In portrait the number's box is this share of the width, and at least PORTRAIT_NUMBER_H of the height
# where the width has room for WIDEST that tall: its ink is over 30 % of the width and over a quarter of
# the height, with the figure below it.
PORTRAIT_NUMBER = 0.36
CAUTION_FIGURE_FROM = 1100  # the caution shows the figure beside its words from this many pixels across (or up)
PORTRAIT_NUMBER_H = 0.29
WIDEST = "888"  # the widest number a step shows (up to 999 s), which the number's box always has room for


class SessionScreen(QWidget):
    end_requested = Signal()  # the user asked to end (the window confirms first)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("session_screen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.driver: SessionDriver | None = None
        self.snapshot: Snapshot | None = None
        self.flash_enabled = True
        self.muted = False
        self.screen_reader = "auto"  # what the screen reader is told (settings.Settings.screen_reader)
        self.announcer = Announcer(self)
        self.speech_missing: Callable[[], bool] = lambda: False  # no speech engine (app/sound.py)
        self._landed_at = -1e9  # when the focus last came to the main status (its name is then read)
        self._landed_paused = False  # and whether its name then said "Paused"
        self._state_at = -1e9  # when the last state change was considered for the screen reader
        self.captions: list[str] = []
        self.sound_notice = ""
        self.history_notice = ""  # "History is not being saved: …" while the disk says no
        self._sound_detail = ""
        self._history_detail = ""
        self._said = ""  # the last refused key's reason, until the next command
        self._show_how = False
        self._announced: tuple[object, ...] | None = None
        self._field = ""  # the state colour the whole screen is painted in
        self._pill_style = ""  # the notice's dark pill (sized with the screen)
        self._undo_shown = False  # the pill says how to undo "it hurts"
        self._next_tip: str | None = None
        # What screen readers were last told of the time: (the step it was in, its seconds); paced_seconds.
        self._paced: tuple[tuple[object, ...], int | None] | None = None

        root = self._root = QVBoxLayout(self)
        root.setContentsMargins(8, 8, 8, 8)
        root.setSpacing(4)

        # The top row: the state in words, the drill, and the counts (set, rep).
        self.top = QGridLayout()  # one row in landscape, two in portrait (_place_rows)
        self.top.setSpacing(4)
        self.band = FitLabel(self, "state_band", bold=True)
        self.band.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.drill = FitLabel(self, "drill_name", bold=True)
        self.set_label = FitLabel(self, "set_label")
        self.set_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        root.addLayout(self.top)

        self.step_bar = PacedBar(self, "step_progress", _("step progress"))
        root.addWidget(self.step_bar)

        # The headline (a paced rep's phase, the side, what comes after a rest) over the main number, and
        # beside the number (below it in portrait) the figure that shows the movement in time with the
        # drill's phases (ui/figure.py), the drill's coaching cue and, on request, how to do it.
        self.main = QWidget(self)
        self.main.setObjectName("main_area")
        main = QVBoxLayout(self.main)
        main.setContentsMargins(0, 0, 0, 0)
        main.setSpacing(0)
        self.phase = FitLabel(self.main, "headline", bold=True)
        main.addWidget(self.phase)
        self.middle = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.middle.setSpacing(8)
        self.number = BigNumber(self.main)
        self.number.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # the main status: focus lands here (ui/keys.py)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)
        self.middle.addWidget(self.number, 0)
        self.figure = QFrame(self.main)
        self.figure.setObjectName("figure_place")
        fl = QVBoxLayout(self.figure)
        fl.setContentsMargins(8, 8, 8, 8)
        self.drill_figure = FigureView(self.figure, "drill_figure")
        self.drill_figure.hide()  # until a drill with a movement
        self.cue = _label("coaching_cue", self.figure, wrap=True)
        self.how = _label("how", self.figure, wrap=True)
        self.how.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.how.hide()
        self._figure_box = fl
        fl.addStretch(1)  # (no figure: the cue in the middle; with one, the figure takes the height)
        fl.addWidget(self.drill_figure, 1)
        fl.addWidget(self.cue)
        fl.addWidget(self.how)
        fl.addStretch(1)
        self.middle.addWidget(self.figure, 1)
        main.addLayout(self.middle, 1)
        root.addWidget(self.main, 1)
        # Kept for what reads them: the side and the rep are in the headline and the top row now.
        self.side = FitLabel(self, "side", bold=True)
        self.side.hide()
        self.reps = FitLabel(self, "reps")
        self.reps.hide()

        # The caution, shown in the main area's place while a drill waits for confirmation.
        self.caution_box = QFrame(self)
        self.caution_box.setObjectName("caution_box")
        set_role(self.caution_box, QAccessible.Role.Dialog)  # "Caution before <drill>", named when shown
        cl = QVBoxLayout(self.caution_box)
        # What is coming, moving slowly, beside the warning (below it in portrait).
        self.caution_words = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.caution_figure = FigureView(self.caution_box, "caution_figure")
        self.caution_figure.hide()
        self._caution_room = True
        self.caution_title = _label("caution_title", self.caution_box, wrap=True)
        self.caution_text = _label("caution_text", self.caution_box, wrap=True)
        # After one press of a clicker's "next": the second, within 2 s, confirms (the runner's rule).
        self.caution_hint = _label("caution_hint", self.caution_box, wrap=True)
        cl.addStretch(1)
        texts = self._caution_texts = QVBoxLayout()
        texts.addWidget(self.caution_title)
        texts.addWidget(self.caution_text)
        texts.addWidget(self.caution_hint)
        self.caution_words.addLayout(texts, 3)
        self.caution_words.addWidget(self.caution_figure, 1)
        cl.addLayout(self.caution_words, 4)
        row = self.caution_row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        enter = commands.key_name("Enter")
        # Translators: the caution's buttons: the words on them ({key}: the key, "Enter", "S"; keep the two
        # spaces before the key), then what a screen reader says.
        self.ack_button = BigButton(_("I have read this — continue  ({key})").format(key=enter), "acknowledge",
                                    self.caution_box, _("I have read this, continue"))
        self.skip_button = BigButton(_("Skip this drill  ({key})").format(key="S"), "skip_drill", self.caution_box,
                                     _("Skip this drill"))
        row.addWidget(self.ack_button)
        row.addWidget(self.skip_button)
        cl.addLayout(row)
        cl.addStretch(1)
        self._caution_layout = cl
        self._caution_fitted: tuple[object, ...] | None = None  # what _fit_caution last fitted
        self._caution_buttons_across = True  # the caution's two buttons side by side (else one above the other)
        self.caution_box.installEventFilter(self)  # its words are fitted to its size (_fit_caution)
        self.caution_box.hide()
        root.addWidget(self.caution_box, 1)

        # The caption: the cue just given, large, in place of the one before; beside it, on a dark pill, a
        # notice (sound off, history not saved) or why the last key did nothing.
        caption_row = QHBoxLayout()
        caption_row.setSpacing(8)
        self.caption = FitLabel(self, "caption", bold=True)
        self.status = NoticeLabel(self, "status", bold=True)
        self.status.hide()
        caption_row.addWidget(self.caption, 3)
        caption_row.addWidget(self.status, 2)
        root.addLayout(caption_row)

        self.bottom = QGridLayout()  # one row in landscape, two in portrait (_place_rows)
        self.bottom.setSpacing(4)
        self.next_up = FitLabel(self, "next_up")
        self.next_up.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.progress = PacedBar(self, "session_progress", _("session progress"))
        self.time_left = FitLabel(self, "time_left")
        self.time_left.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        root.addLayout(self.bottom)
        root.addWidget(self.progress)
        self._portrait: bool | None = None

        # The buttons, on a dark strip of their own below the state's colour.
        self.button_strip = QFrame(self)
        self.button_strip.setObjectName("button_strip")
        self.buttons = QGridLayout(self.button_strip)
        self.buttons.setContentsMargins(0, 4, 0, 0)
        self.buttons.setSpacing(6)
        # Translators: the session screen's buttons (short: ten share a row), each with what a screen reader says.
        self.b_back = BigButton(_("◀ Back"), "back", self, _("Back"))
        # Translators: a button (a verb).
        self.b_pause = ToggleButton(pgettext("button", "Pause"), "pause", self)
        self.b_next = BigButton(_("Next ▶"), "next", self, _("Next"))
        self.b_minus = BigButton(_("−10 s"), "minus", self, _("Ten seconds less"))
        self.b_plus = BigButton(_("+10 s"), "plus", self, _("Ten seconds more"))
        self.b_rep = BigButton(_("Rep +1"), "rep", self, _("Count a rep"))
        self.b_done = BigButton(_("Set done"), "set_done", self)
        self.b_how = BigButton(_("How?"), "how_button", self, _("How to do this drill"))
        self.b_hurts = BigButton(_("It hurts"), "hurts", self, _("Stop, it hurts"))
        # Translators: a button that undoes a stop for pain; {key} is its key ("U"). Keep the two spaces.
        self.b_undo = BigButton(_("Undo  ({key})").format(key="U"), "undo_hurts", self,
                                _("Undo the stop"))  # in It hurts' place, for 8 s
        self.b_undo.hide()
        self.b_end = BigButton(_("End"), "end", self, _("End the session"))
        self.button_list = [self.b_back, self.b_pause, self.b_next, self.b_minus, self.b_plus, self.b_rep,
                            self.b_done, self.b_how, self.b_hurts, self.b_end]
        self._columns = 0
        self._button_rows = 1
        self._button_fit: tuple[object, ...] | None = None  # what _place_buttons last placed
        self._strip_height = 0  # the strip's height as placed: the number's box is what the rows leave
        for b in (*self.button_list, self.b_undo):
            # Their widths come from the columns' stretch factors (_place_buttons), each as its words need.
            b.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        root.addWidget(self.button_strip)

        self.pause_overlay = MessageOverlay(self, "pause_overlay")
        self.flash_overlay = FlashOverlay(self)
        # "End the session?" in the window, large; "Keep going" is the answer of every key but E.
        # Translators: the answers to "End the session?": {key} is the key that ends it ("E"); keep the two
        # spaces before the key hints.  Then what a screen reader says of each.
        self.end_question = QuestionOverlay(self, "end_question", Qt.Key.Key_E, _("End it  ({key})").format(key="E"),
                                            _("Keep going  (any other key)"), _("End it"), _("Keep going"))
        self.end_question.answered.connect(self._on_end_answered)
        self._end_answer: Callable[[bool], None] | None = None

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
        self.snapshot = None  # (the main status names nothing of this run until its first is drawn)
        self.announcer.clear()
        self._announced = None
        self._state_at = time.monotonic()  # (the run's first state: a landing since it was bound says it)
        self.captions = []
        self.caption.setText("")
        self._show_how = False
        self.how.hide()
        clock = driver.clock

        def seconds() -> float:
            return clock() / 1e9

        for view in (self.drill_figure, self.caution_figure):
            # Between snapshots the figure moves on by the run's clock (scaled by --speed, a fake one in tests).
            view.clock = seconds
            view.clear()
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
        self.drill_figure.clear()
        self.caution_figure.clear()
        self._end_answer = None  # the run is over: a question still up answers nothing
        self.end_question.hide()

    # -- "End the session?" ---------------------------------------------------------------
    def ask_end(self, answer: Callable[[bool], None]) -> None:
        """Ask whether to end, over the screen; ``answer(True)`` if the user says so, ``answer(False)``
        for "keep going" (any key but E, or its button)."""
        self._end_answer = answer
        self.end_question.ask(_("End the session?"), _("What you have done so far is kept."))

    @Slot(bool)
    def _on_end_answered(self, end: bool) -> None:
        answer, self._end_answer = self._end_answer, None
        if answer is not None:
            answer(end)

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
                "hurts": lambda: do("stop_drill", "it hurts"), "undo_hurts": lambda: do("undo_stop"),
                "skip": lambda: do("skip_drill"),
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
        self._share_figure_place()

    # -- updates ---------------------------------------------------------------------------
    def follow(self, prefs: Preferences) -> None:
        """Mute, flash and the screen reader's choice as they are, and as they change."""
        self.flash_enabled, self.muted, self.screen_reader = prefs.flash, prefs.mute, prefs.screen_reader
        self.on_motion_changed(prefs.motion)
        prefs.motion_changed.connect(self.on_motion_changed)
        prefs.mute_changed.connect(self.on_mute_changed)
        prefs.flash_changed.connect(self.on_flash_changed)
        prefs.screen_reader_changed.connect(self.on_screen_reader_changed)

    @Slot(bool)
    def on_motion_changed(self, on: bool) -> None:
        for view in (self.drill_figure, self.caution_figure):
            view.set_motion(on)

    @Slot(str)
    def on_screen_reader_changed(self, mode: str) -> None:
        self.screen_reader = mode
        if mode == "off":
            self.announcer.clear()

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
        self._said = ""
        self._show_status()
        detail = "\n".join(t for t in (self._sound_detail, self._history_detail) if t)
        set_plain_tooltip(self.status, detail)
        self.status.setAccessibleDescription(detail)

    def say(self, text: str, detail: str = "") -> None:
        """A passing notice on the pill ("History saved again", a second start's file not opened), until
        the next command; ``detail`` is its tooltip and what a screen reader reads.  "" clears it."""
        self._said = text
        self._show_status()
        set_plain_tooltip(self.status, detail or text)
        self.status.setAccessibleDescription(detail)

    def _show_status(self) -> None:
        """The notice pill: why the last key did nothing, else the standing notices; hidden when empty."""
        text = self._said or self.standing_notice
        self.status.setText(text)
        # Beside the caption, which gives it room: nothing above or below moves when it comes and goes.
        if self.status.styleSheet() != self._pill_style:
            self.status.setStyleSheet(self._pill_style)
        _show(self.status, bool(text))

    @Slot(str, object)
    def on_command_done(self, name: str, result) -> None:
        # Say why a key did nothing, and what a stop for pain did (and how to undo it); any other command
        # that worked shows itself on screen (and the standing notices come back).
        self._said = result.message if (not result.ok or name in _SAYS_WHAT_IT_DID) else ""
        self._show_status()
        if result.ok and name in _MOVES:
            # The cue on screen belonged to where the session was: gone, so "back" from a switch does not
            # leave "Switch sides: right leg" over the left leg's hold (the cues of where it is now follow).
            self.caption.setText("")

    @Slot(object)
    def on_cue_fired(self, cue: CueEvent) -> None:
        text = cue.text
        if cue.kind is CueKind.REP:
            # Translators: the caption when a counted rep is counted; {number} is its number.
            text = _("Rep {number}").format(number=cue.text)
        self.captions.append(text)
        del self.captions[:-20]
        # The cue just given, in place of the one before: two joined ("1 · Go") cannot be read from afar.
        self.caption.setText(("🔇 " if self.muted else "") + text)
        if cue.kind in READER_CUES and self._reader_hears_cues:
            self.announcer.say(text, beside_state=cue.kind in BESIDE_STATE)
        if self.flash_enabled and cue.kind in FLASH_KINDS:
            colour = theme.STATE_COLOURS[State.WORK] if cue.kind is CueKind.GO else theme.FLASH
            self.flash_overlay.flash(colour)

    def _main_thing(self, snap: Snapshot, shows: Shows, side: str) -> tuple[str, str, str, str]:
        """(headline, number, the widest number of this step, what a screen reader says of it) for
        ``snap``: the one thing that matters now is the number, and the headline says what it counts.
        The screen reader's words change at a pace one can listen to: the seconds every 10 s and each of
        the last 5 (``paced_seconds``), a phase and a rep when they change."""
        state = snap.underlying
        secs = timefmt.seconds_left(snap.step_left)
        step = (snap.state, state, snap.drill_index, snap.side, snap.set_no)
        last = self._paced[1] if self._paced is not None and self._paced[0] == step else None
        paced = paced_seconds(snap.step_left, last)
        self._paced = (step, paced)
        said = timefmt.seconds_left(paced)  # as the number shows it ("90", "16:40")
        widest = "8" * len(timefmt.seconds_left(snap.step_left + snap.step_elapsed)) if snap.step_left is not None else ""
        n = paced or 0  # (the plural's count)
        if shows is Shows.REP_COUNT:
            enter = commands.key_name("Enter")
            if snap.reps:
                # Translators: the headline of a set the user counts: the reps to do, and that {key} ("Enter")
                # counts one.
                counts = ngettext("of {reps} rep · {key} counts one", "of {reps} reps · {key} counts one",
                                  snap.reps).format(reps=snap.reps, key=enter)
                # Translators: for a screen reader: the rep counted so far ({rep}) of the reps to do ({reps}).
                spoken = ngettext("rep {rep} of {reps} rep", "rep {rep} of {reps} reps", snap.reps).format(
                    rep=snap.rep, reps=snap.reps)
            else:
                # Translators: the headline of a set the user counts, with no number of reps to do; {key}: "Enter".
                counts = _("reps · {key} counts one").format(key=enter)
                # Translators: for a screen reader: the reps counted so far ({rep}), with no number to do.
                spoken = _("rep {rep} reps").format(rep=snap.rep)
            headline = " · ".join(t for t in (side, counts) if t)
            return headline, str(snap.rep), "88", spoken
        if state is State.WORK and snap.phase_label:
            phase_secs = timefmt.seconds_left(snap.phase_left)
            rep = spoken_rep = ""
            if snap.reps and snap.rep:
                rep = _("Rep {rep} of {reps}").format(rep=snap.rep, reps=snap.reps)
                # Translators: for a screen reader, after a paced rep's phase ("Lower, rep 3 of 8").
                spoken_rep = _("rep {rep} of {reps}").format(rep=snap.rep, reps=snap.reps)
            headline = " · ".join(t for t in (side, snap.phase_label, rep) if t)
            return headline, phase_secs, "88", ", ".join(t for t in (snap.phase_label, spoken_rep) if t)
        if state is State.SWITCH_SIDES:
            # Translators: for a screen reader: the side to switch to ({side}: "switch to left leg"), in how long.
            return side, secs, widest, ngettext("{side}, in {seconds} second", "{side}, in {seconds} seconds",
                                                n).format(side=side.lower(), seconds=said)
        if state is State.REST:
            nxt = snap.next_brief or snap.next_up
            if nxt:
                headline = _("Next: {next}").format(next=nxt)
            else:
                # Translators: the headline in a rest with nothing after it: a noun, the state the session is in.
                headline = pgettext("state", "Rest")
            # Translators: for a screen reader: a rest, and how long it still lasts.
            return headline, secs, widest, ngettext("rest, {seconds} second", "rest, {seconds} seconds", n).format(
                seconds=said)
        if state is State.GET_READY:
            # Translators: for a screen reader: getting ready, and how long until the drill starts.
            spoken = ngettext("get ready, {seconds} second", "get ready, {seconds} seconds", n).format(seconds=said)
            return (side or _("Get ready")), secs, widest, spoken
        if state is State.DONE:
            # Translators: for a screen reader: the session is done.
            return "", "✓", "", _("done")
        if not said:
            return side, secs, widest, ""
        # Translators: for a screen reader: how long the step still lasts.
        return side, secs, widest, ngettext("{seconds} second left", "{seconds} seconds left", n).format(seconds=said)

    @Slot(object)
    def on_snapshot_changed(self, snap: Snapshot) -> None:
        self.snapshot = snap
        state = snap.state
        colour = theme.STATE_COLOURS[state]
        self._paint_field(colour)
        words = theme.STATE_WORDS[state]
        if state is State.PAUSED:
            # Translators: the state band while paused: {state} is the state paused ("WORK", "REST"), upper case.
            # Keep " · ": a screen reader is told it as a comma.
            words = _("PAUSED · {state}").format(state=theme.STATE_WORDS[snap.underlying])
        self.band.setText(words)

        shows = kinds.state_shows(snap.underlying, snap.work_mode)  # the main thing (session/kinds.py)
        caution = shows is Shows.CAUTION
        _show(self.caution_box, caution)
        _show(self.main, not caution)
        if caution:
            # Translators: the caution's name for a screen reader; {drill} is the drill's name.
            spoken = _("Caution before {drill}").format(drill=snap.drill_name)
            if self.caution_box.accessibleName() != spoken:
                self.caution_box.setAccessibleName(spoken)
            if self.caution_box.accessibleDescription() != (snap.caution or ""):
                self.caution_box.setAccessibleDescription(snap.caution or "")
            # Translators: the caution's title; {drill} is the drill's name.
            self.caution_title.setText(_("Before {drill}").format(drill=snap.drill_name))
            self.caution_text.setText(snap.caution or "")
            # Translators: after one press of Next (a clicker's button) at a caution.
            self.caution_hint.setText("" if snap.confirm_left is None else
                                      _("Press Next again to confirm you have read this"))

        self.drill.setText(snap.drill_name if snap.drill_index >= 0 else "")
        side = kinds.side_words(snap.underlying, snap.side)
        self.side.setText(side)
        # Translators: the set the session is in ({set}) of the drill's sets ({sets}).
        self.set_label.setText(_("Set {set} of {sets}").format(set=snap.set_no, sets=snap.sets) if snap.sets > 1
                               else "")
        # Translators: the rep the session is in ({rep}) of the set's reps ({reps}).
        self.reps.setText(_("Rep {rep} of {reps}").format(rep=snap.rep, reps=snap.reps)
                          if snap.reps and snap.rep and shows is not Shows.REP_COUNT else "")
        # The state word and the set count as wide as they need; the drill's name gets the rest.
        for label in (self.band, self.set_label, self.time_left):
            width = min(label.natural_width(), int(self.width() * 0.34))
            if label.width() != width:
                label.setFixedWidth(width)

        headline, number, widest, spoken = self._main_thing(snap, shows, side)
        self.phase.setText(headline)
        self.number.set_value(number, widest, self._ink)
        # The main status (the number: what gets the focus in a session, ui/keys.py), for screen readers:
        # the state, the drill, the side, the set and what the number counts, at a listening pace.  The
        # band is named by its state's words alone, so it never holds stale seconds.
        paced = self._paced[1] if self._paced is not None else None
        counts = (spoken if shows is Shows.REP_COUNT or (snap.underlying is State.WORK and snap.phase_label)
                  else _("{time} left").format(time=timefmt.spoken(paced)) if paced is not None else "")
        said_words = words.replace(" · ", ", ").capitalize()  # "Paused, work": a dot is read out as one
        self.number.set_spoken(". ".join(t for t in (
            said_words, snap.drill_name if snap.drill_index >= 0 and not caution else "", side.capitalize(),
            self.set_label.text().capitalize(), "" if caution else counts) if t))
        self.band.set_spoken(said_words)
        self.step_bar.set_fraction(min(1.0, snap.step_progress))
        self.cue.setText(snap.coaching_cue or "")
        self._show_figure(self.caution_figure if caution else self.drill_figure, snap)
        (self.drill_figure if caution else self.caution_figure).clear()
        if caution:
            self._fit_caution()  # (its words, the hint and the figure as they are now)

        self.how.setText(snap.how or "")  # plain: paragraphs stay "\n\n"
        _show(self.how, self._show_how and bool(self.how.text()))

        # In a rest the headline says what comes next, as large as can be: not twice.
        in_rest = snap.underlying is State.REST
        nxt = snap.next_brief or snap.next_up
        # Translators: what comes after this step ("Jefferson curl").
        self.next_up.setText(_("Next: {next}").format(next=nxt) if nxt and not in_rest else "")
        if snap.next_up != self._next_tip:  # the whole line (the reps, how they are counted), as plain text
            self._next_tip = snap.next_up
            set_plain_tooltip(self.next_up, snap.next_up or "")
            self.next_up.setAccessibleDescription(snap.next_up or "")  # not the tooltip's escaped markup
        self.progress.set_fraction(snap.session_progress)
        # Translators: a time still to go: "14:05 left" (the session's), "11 seconds left" (the step's).
        self.time_left.setText(_("{time} left").format(time=timefmt.time_left(snap.session_left)))
        # Read once a minute, not every second: "about 14 minutes left in the session".
        left = snap.session_left
        minutes = 0 if left is None else int(left / 60 + 0.5)
        self.time_left.set_spoken(
            "" if left is None else _("under a minute left in the session") if left <= 60
            else ngettext("about {minutes} minute left in the session", "about {minutes} minutes left in the session",
                          minutes).format(minutes=minutes))

        # "It hurts" was pressed: for 8 s the pill says so and Undo stands in It hurts' place.
        undo = snap.undo_left is not None
        if undo:
            # Translators: for 8 s after "It hurts": {key} the key that undoes it ("U"), {seconds} the seconds left.
            self._said = _("Stopped: it hurts — recorded · {key} to undo ({seconds} s)").format(
                key="U", seconds=timefmt.seconds_left(snap.undo_left))
            self._show_status()
        elif self._undo_shown:
            self._said = ""
            self._show_status()
        self._undo_shown = undo
        _show(self.b_undo, undo)
        _show(self.b_hurts, not undo)
        waiting = undo and state is State.PAUSED  # the last drill: the run waits for the undo, then ends
        for b in (self.b_next, self.b_back):
            b.setEnabled(not waiting)

        counted = shows is Shows.REP_COUNT
        timed = (snap.step_left is not None and kinds.state_retimable(snap.underlying, snap.work_mode)
                 and not waiting)
        self.b_rep.setEnabled(counted)
        self.b_done.setEnabled(counted)
        self.b_plus.setEnabled(timed)
        self.b_minus.setEnabled(timed)
        self.b_pause.follow(_("End now") if waiting else _("Resume") if state is State.PAUSED
                            else pgettext("button", "Pause"), state is State.PAUSED)
        self.b_pause.setEnabled(not caution and snap.underlying is not State.DONE)

        self._announce_state(snap, words, side, shows)

        if state is State.PAUSED and waiting:
            self.pause_overlay.set_text(
                # Translators: the title over the screen after "It hurts" on the last drill.
                _("STOPPED"),
                # Translators: {drill} the drill's name, {key} the key that undoes the stop ("U"), {seconds} the
                # seconds left to undo it, {space} the Space key's name.
                _("{drill}: it hurts — recorded.\n\nPress {key} to undo ({seconds} s)\n\n"
                  "Tap here or press {space} to end now").format(
                    drill=snap.drill_name, key="U", seconds=timefmt.seconds_left(snap.undo_left),
                    space=commands.key_name("Space")),
            )
            self.pause_overlay.show()
            self.flash_overlay.stop()
        elif state is State.PAUSED:
            reason = snap.pause_reason if snap.pause_reason and snap.pause_reason != "Paused" else ""
            self.pause_overlay.set_text(
                _("PAUSED"),
                (f"{reason}\n\n" if reason else "")
                # Translators: over the paused screen: {drill} the drill's name, {time} the step's time left
                # ("0:45"), {space} the Space key's name.
                + _("{drill} · {time} left in this step\n\nTap here or press {space} to go on").format(
                    drill=snap.drill_name, time=timefmt.time_left(snap.step_left), space=commands.key_name("Space")),
            )
            self.pause_overlay.show()
            self.flash_overlay.stop()
        else:
            self.pause_overlay.hide()

    def _show_figure(self, view: FigureView, snap: Snapshot) -> None:
        """The drill's figure, in time with the run; hidden when the drill names no movement."""
        if view is self.caution_figure and not self._caution_room:
            view.clear()
        else:
            view.follow(snap)
        shown = view.movement is not None
        _show(view, shown)
        if view is self.drill_figure:
            for i in (0, 4):  # the stretches above and below
                self._figure_box.setStretch(i, 0 if shown else 1)
            self._share_figure_place()

    def _share_figure_place(self) -> None:
        """With How? open, the figure keeps the top third of its place and the words take the rest (the
        coaching cue gives way); closed, the figure takes all but the cue's lines."""
        how = self._show_how and bool(self.how.text()) and self.drill_figure.movement is not None
        limit = max(60, int(self.figure.height() * 0.34)) if how else 16777215
        if self.drill_figure.maximumHeight() != limit:
            self.drill_figure.setMaximumHeight(limit)
        _show(self.cue, not how)

    @property
    def _ink(self) -> QColor:
        return theme.ink_on(QColor(self._field)) if self._field else theme.TEXT

    def _paint_field(self, colour: QColor) -> None:
        """The whole screen above the buttons in the state's colour, its words in black or white."""
        if colour.name() == self._field:
            return  # re-styling is costly; display ticks come 25 times a second
        self._field = colour.name()
        ink = theme.ink_on(colour).name()
        self.setStyleSheet(
            f"#session_screen {{ background-color: {colour.name()}; }}"
            f" #session_screen QLabel {{ color: {ink}; background: transparent; }}"
            f" #figure_place {{ background: {theme.css(theme.VEIL)}; border-radius: 8px; }}"
            f" #caution_box {{ background: {theme.BACKGROUND.name()}; border-radius: 8px; }}"
            f" #caution_box QLabel#caution_text {{ color: {theme.TEXT.name()}; }}"
            f" #caution_box QLabel#caution_title {{ color: {theme.ROLE_COLOURS['caution'].lighter(135).name()}; }}"
            f" #button_strip {{ background: {theme.BACKGROUND.name()}; }}"
            f" QProgressBar {{ background: {theme.css(theme.VEIL)}; border: none; }}"
            f" QProgressBar::chunk {{ background: {ink}; }}")
        self._show_status()
        if self.snapshot is not None:
            self.number.set_value(self.number.text, self.number.template, theme.ink_on(colour))

    @property
    def sound_speaks(self) -> bool:
        """Whether the sound says the cues now: not muted, no notice that it is off or lost, and a speech
        engine for a session's own lines (without one they are tones; then every session's cues are told
        to the screen reader, a built-in's recorded ones too: said twice rather than not at all)."""
        return not self.muted and not self.sound_notice and not self.speech_missing()

    @property
    def _reader_hears_cues(self) -> bool:
        """Whether the screen reader is told the cues too: always, or when the sound cannot say them."""
        return self.screen_reader == "always" or (self.screen_reader == "auto" and not self.sound_speaks)

    def _announce_state(self, snap: Snapshot, words: str, side: str, shows: Shows) -> None:
        """Tell the screen reader when the state, drill, side or set changes (not every second): on
        "auto" with the sound speaking, only what the sound does not say (paused, going on again, the
        caution's whole text); all of it when the sound is muted or off, or on "always"."""
        # Checked first: this runs on every display tick and almost always has nothing to say.
        key = (snap.state, snap.underlying, snap.drill_index, snap.side, snap.set_no)
        if key == self._announced:
            return
        first = self._announced is None  # the run's first state
        was_paused = self._announced is not None and self._announced[0] is State.PAUSED
        self._announced = key
        now, before = time.monotonic(), self._state_at  # (when the state before came)
        self._state_at = now
        if shows is Shows.REP_COUNT and self._strip_has_focus():
            # Enter counts a rep here: a button the user tabbed to earlier (Next, say) must not take it.
            self.number.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.screen_reader == "off":
            return
        silent = snap.state is State.PAUSED or was_paused or shows is Shows.CAUTION  # the sound says none
        if not (silent or self._reader_hears_cues):
            return
        parts = [words.replace(" · ", ", ").capitalize()]  # "Paused, work": a dot is read out as one
        if shows is Shows.CAUTION:
            # Translators: for a screen reader, after "Caution": {drill} the drill, {caution} its warning (from the
            # file), {enter} and {skip} the keys ("Enter", "S").
            parts.append(_("before {drill}: {caution} {enter} to continue, {skip} to skip.").format(
                drill=snap.drill_name, caution=snap.caution or "", enter=commands.key_name("Enter"), skip="S"))
        elif snap.underlying is not State.DONE and snap.drill_index >= 0:
            parts.append(snap.drill_name)
            if side:
                parts.append(side.capitalize())
            if shows is Shows.REP_COUNT:
                # Translators: for a screen reader: the reps of a set the user counts; {key}: "Enter".
                parts.append(ngettext("{reps} rep, {key} counts each", "{reps} reps, {key} counts each",
                                      snap.reps or 0).format(reps=snap.reps, key=commands.key_name("Enter")))
            elif snap.step_left is not None:
                time_left = timefmt.spoken(snap.step_left)
                parts.append(_("{time} left").format(time=time_left) if snap.state is State.PAUSED else time_left)
        urgent = kinds.STATE_LOOKS[snap.state].urgent or kinds.STATE_LOOKS[snap.underlying].urgent
        # A caution takes the focus to its confirm button (ui/keys.py), and the screen reader reads the
        # caution's dialog, text and all, for that: said again, it would be said twice.  So does the focus
        # landing on the main status (a session's start, after a caution) since the state before came
        # and within the second before this one (since the run was bound, for its first): its name says
        # the same.
        message, since = ". ".join(p for p in parts if p), before if first else max(now - LANDED_WITHIN, before)
        self.announcer.say(message, state=True, urgent=urgent,
                           unless=self._caution_has_focus if shows is Shows.CAUTION
                           else lambda: self._just_landed(parts[0], since))

    @property
    def end_question_keep_going(self) -> QWidget:
        """The question's "Keep going" button: where the focus goes when it is asked (ui/keys.py)."""
        return self.end_question.no_button

    def _caution_has_focus(self) -> bool:
        focus = QApplication.focusWidget()
        return focus is not None and self.caution_box.isAncestorOf(focus)

    def _strip_has_focus(self) -> bool:
        focus = QApplication.focusWidget()
        return focus is not None and self.button_strip.isAncestorOf(focus)

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is self.number:
            self._landed_at = time.monotonic()
            # Whether what the screen reader reads now says "Paused" (none before the run's first snapshot names it).
            self._landed_paused = self.snapshot is not None and self.snapshot.state is State.PAUSED

    def _just_landed(self, state_words: str, since: float) -> bool:
        """Whether the focus came to the main status while the announcer gathered (or in the second before
        the change: a session's start is drawn a moment after its screen is shown), so the
        screen reader reads its name, which says this state already.  It reads the name a moment after the
        focus moves (measured: after a caution, the get-ready's name, set in the same turn), so the name
        now is what counts, unless the focus came back from the help or the question while the name said
        "Paused": the session goes on just after, and that is told."""
        if self._landed_at < since or self._landed_paused:
            return False
        return (self.number.accessibleName() or "").startswith(state_words)

    # -- sizing ------------------------------------------------------------------------------
    def _apply_sizes(self) -> None:
        """Every row's height and every font from the screen's size: fixed rows, so a long line or a
        notice never moves the number, and the number's box is what is left."""
        w, h = max(1, self.width()), max(1, self.height())
        portrait = h > w
        basis = min(h, int(w * 0.75))  # theme.scaled_px's rule: a narrow window scales by its width
        self._place_rows(portrait)
        self.middle.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)
        self.caution_words.setDirection(QBoxLayout.Direction.TopToBottom if portrait else
                                        QBoxLayout.Direction.LeftToRight)
        # What is coming, beside the warning (below it in portrait), where the window has room for it and
        # the warning's words whole: from 1100 px across (up, in portrait); a smaller window shows the words only.
        self._caution_room = max(w, h) >= CAUTION_FIGURE_FROM
        if portrait:
            self.caution_figure.setFixedSize(max(40, w - 48), max(40, int(h * 0.2)))
        else:
            self.caution_figure.setFixedSize(max(40, int(w * 0.24)), max(40, int(h * 0.34)))

        def px(key: str) -> int:
            return max(10, int(basis * FONT[key]))

        # Each line: its font (FONT) and its row's height (ROW); the notice pill sits in the caption's row.
        for label, font, row in ((self.band, "top", "top"), (self.drill, "top", "top"),
                                 (self.set_label, "top", "top"), (self.phase, "headline", "headline"),
                                 (self.caption, "caption", "caption"), (self.next_up, "bottom", "bottom"),
                                 (self.status, "bottom", "caption"), (self.time_left, "bottom", "bottom")):
            # (The notice may be set smaller still, or wrapped, rather than cut: NoticeLabel.)
            floor = max(10, min(12, px(font) // 2)) if label is self.status else max(10, px(font) // 2)
            label.set_px(px(font), floor)
            label.setFixedHeight(max(14, int(basis * ROW[row])))
        for bar in (self.step_bar, self.progress):
            bar.setFixedHeight(max(6, int(basis * ROW["bar"])))
        self.side.set_px(px("headline"), 10)
        self.reps.set_px(px("top"), 10)
        self._pill_style = (f"background: {theme.PANEL.name()}; color: {theme.NOTICE.name()};"
                            f" border-radius: {px('bottom') // 3}px; padding: 0 8px;")
        self._show_status()

        self._place_buttons(portrait)

        # The number: in landscape its box is as wide as the widest number of a step needs at the height
        # it gets; the picture's place takes the rest.  In portrait it is a band across, the place below.
        if portrait:
            roomy = int((w - 24) / _WIDEST_PER_INK / 0.88)  # the tallest box WIDEST still fits across
            self.number.setFixedSize(max(40, w - 16),
                                     max(40, int(w * PORTRAIT_NUMBER), min(int(h * PORTRAIT_NUMBER_H), roomy)))
        else:
            self.number.setMinimumSize(0, 0)
            self.number.setMaximumSize(16777215, 16777215)
            fixed = (sum(int(basis * ROW[k]) for k in ROW if k != "buttons") + int(basis * ROW["bar"])
                     + self._strip_height + 8 * 4 + 16)
            box_h = max(40, h - fixed)
            self.number.setFixedWidth(max(40, min(w - 16 - 120, int(box_h * 0.96 * _WIDEST_PER_INK) + 16)))
        self.cue.setStyleSheet(f"font-size: {px('cue')}px;")
        self.how.setStyleSheet(f"font-size: {px('how')}px;")
        self._caution_fitted = None
        self._fit_caution()
        if self.snapshot is not None:
            self.on_snapshot_changed(self.snapshot)

    def _place_rows(self, portrait: bool) -> None:
        """The top and bottom rows: side by side in landscape; in portrait the drill and "Next" get a
        line of their own, as wide as the window."""
        if portrait == self._portrait:
            return
        self._portrait = portrait
        top, bottom = self.top, self.bottom
        for grid in (top, bottom):
            for i in range(4):
                grid.setColumnStretch(i, 0)
        stretches: tuple[tuple[QGridLayout, tuple[int, ...]], ...]
        if portrait:
            top.addWidget(self.band, 0, 0)
            top.addWidget(self.set_label, 0, 1)
            top.addWidget(self.drill, 1, 0, 1, 2)
            bottom.addWidget(self.next_up, 0, 0, 1, 2)
            bottom.addWidget(self.time_left, 1, 1)
            stretches = ((top, (1, 1)), (bottom, (1, 1)))
        else:
            top.addWidget(self.band, 0, 0)
            top.addWidget(self.drill, 0, 1)
            top.addWidget(self.set_label, 0, 2)
            bottom.addWidget(self.next_up, 0, 0)
            bottom.addWidget(self.time_left, 0, 1)
            stretches = ((top, (3, 6, 3)), (bottom, (3, 1)))
        for grid, factors in stretches:
            for i, f in enumerate(factors):
                grid.setColumnStretch(i, f)

    @staticmethod
    def _buttons_height(h: int) -> int:
        return max(TOUCH_PX, int(h * ROW["buttons"]))

    def _px(self, key: str) -> int:
        """FONT[key] in pixels for the screen's size (as _apply_sizes sets them)."""
        basis = min(max(1, self.height()), int(max(1, self.width()) * 0.75))
        return max(10, int(basis * FONT[key]))

    def _button_words(self) -> list[list[str]]:
        """Each control button's words, with those it may show instead (Pause's, It hurts' Undo)."""
        out = []
        for b in self.button_list:
            words = [b.text()]
            if b is self.b_pause:
                words += [pgettext("button", "Pause"), _("Resume"), _("End now")]
            elif b is self.b_hurts:
                words.append(self.b_undo.text())
            out.append(words)
        return out

    def _place_buttons(self, portrait: bool) -> None:
        """The control buttons, each as wide as its words need: one row in landscape (the number needs the
        height), two in portrait; all as wide when that fits, else each as wide as its words.  Where the
        words do not fit, they are set smaller, to a fifth less, then to BUTTON_MIN_PX (in landscape to
        BUTTON_FLOOR_PX: a second row would shrink the number), before the buttons take a row more.
        Each row is at least a finger tall."""
        w, h = max(1, self.width()), max(1, self.height())
        words = self._button_words()
        key = (w, h, portrait, tuple(tuple(x) for x in words))
        if key == self._button_fit:
            return
        self._button_fit = key
        across = max(1, w - 16)  # (the screen's margins; the strip has none at the sides)
        spacing = max(0, self.buttons.horizontalSpacing())
        n = len(self.button_list)
        base = QFont(self.b_back.font())

        def needs(px: int, columns: int) -> list[int]:
            font = QFont(base)
            font.setPixelSize(px)
            fm = QFontMetrics(font)
            per = [max(fm.horizontalAdvance(t) for t in ws) + 2 + max(6, px * 3 // 4) for ws in words]  # (a margin)
            return [max(per[i::columns]) for i in range(columns)]

        def want(columns: int) -> int:  # as the words were always set: by the window's size
            return max(BUTTON_MIN_PX, min(theme.scaled_px(self, 0.03, 10), int(w / columns / 7)))

        def fit(rows: int, floor_of: Callable[[int], int]) -> tuple[int, int, list[int] | None] | None:
            columns = -(-n // rows)
            room = across - spacing * (columns - 1)
            top = want(columns)
            for px in range(top, min(top, floor_of(top)) - 1, -1):
                need = needs(px, columns)
                if max(need) * columns <= room:
                    return columns, px, None  # all alike
                if sum(need) <= room:
                    return columns, px, need  # each as its words need
            return None

        def fifth_less(top: int) -> int:
            return max(BUTTON_MIN_PX, int(top * 0.8))

        def least(top: int) -> int:
            return BUTTON_MIN_PX

        def floor(top: int) -> int:
            return BUTTON_FLOOR_PX

        tries = (((2, fifth_less), (2, least), (3, fifth_less), (3, least), (3, floor)) if portrait else
                 ((1, fifth_less), (1, least), (1, floor), (2, fifth_less), (2, least), (2, floor)))
        placed = next((f for rows, floor_of in tries if (f := fit(rows, floor_of)) is not None), None)
        if placed is None:  # too narrow for any: the most rows, the smallest words, each as it needs
            columns = -(-n // tries[-1][0])
            placed = (columns, BUTTON_FLOOR_PX, needs(BUTTON_FLOOR_PX, columns))
        columns, button_px, stretch = placed
        if columns != self._columns:
            self._columns = columns
            for i, b in enumerate(self.button_list):
                self.buttons.addWidget(b, i // columns, i % columns)
                if b is self.b_hurts:
                    self.buttons.addWidget(self.b_undo, i // columns, i % columns)
        for i in range(max(n, self.buttons.columnCount())):
            self.buttons.setColumnStretch(i, 0 if i >= columns else 1 if stretch is None else stretch[i])
        rows = self._button_rows = -(-n // columns)
        button_h = max(TOUCH_PX, self._buttons_height(h) // rows)
        for b in (*self.button_list, self.b_undo):
            style = f"font-size: {button_px}px;"
            if b.styleSheet() != style:
                b.setStyleSheet(style)
            b.setFixedHeight(button_h)
        self._strip_height = rows * button_h + (rows - 1) * max(0, self.buttons.verticalSpacing())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.caution_box and event.type() == QEvent.Type.Resize:
            self._fit_caution()
        return super().eventFilter(watched, event)

    def _fit_caution(self) -> None:
        """The caution's title, warning and buttons in the card's room: its buttons side by side where
        their words fit so (one above the other in portrait, or where they do not), their words set
        smaller only as far as they must; then the title and the warning, wrapped, set smaller step by
        step until both fit the height that is left (never cut off; not below CAUTION_MIN_PX)."""
        box = self.caution_box
        w, h = max(1, self.width()), max(1, self.height())
        portrait = h > w
        cl = self._caution_layout
        m = cl.contentsMargins()
        inner_w = max(1, box.width() - m.left() - m.right())
        inner_h = max(1, box.height() - m.top() - m.bottom())
        figure = self.caution_figure.isVisibleTo(box)
        hint = self.caution_hint.text()
        shown = box.isVisibleTo(self)  # (hidden, it is not laid out: its words at their full size)
        key = (shown, inner_w, inner_h, w, h, figure, self.caution_title.text(), self.caution_text.text(), hint,
               self.ack_button.text(), self.skip_button.text())
        if key == self._caution_fitted:
            return
        self._caution_fitted = key
        spacing = max(0, cl.spacing())

        # The buttons: side by side in landscape if both fit so, else one above the other; smaller words
        # only if one alone does not fit across.
        button_px = max(CAUTION_MIN_PX, min(self._px("cue"), int(w / (1 if portrait else 2) / 22)))
        font = QFont(self.ack_button.font())
        row_spacing = max(0, self.caution_row.spacing())

        def need(px: int) -> list[int]:
            font.setPixelSize(px)
            fm = QFontMetrics(font)
            return [fm.horizontalAdvance(b.text()) + 2 + px for b in (self.ack_button, self.skip_button)]

        across = not portrait and (not shown or sum(need(button_px)) + row_spacing <= inner_w)
        while shown and not across and button_px > CAUTION_MIN_PX and max(need(button_px)) > inner_w:
            button_px -= 1
        button_h = max(TOUCH_PX, int(h * 0.08))
        for b in (self.ack_button, self.skip_button):
            style = f"font-size: {button_px}px; min-height: {button_h}px;"
            if b.styleSheet() != style:
                b.setStyleSheet(style)
        direction = QBoxLayout.Direction.LeftToRight if across else QBoxLayout.Direction.TopToBottom
        if self.caution_row.direction() != direction:
            self.caution_row.setDirection(direction)
        self._caution_buttons_across = across
        buttons_h = button_h + 2 if across else 2 * (button_h + 2) + row_spacing

        # The words: what the card has left, beside the figure in landscape (below it in portrait).
        texts_spacing = max(0, self._caution_texts.spacing())
        words_w, room = inner_w, inner_h - buttons_h - spacing - 4  # (a little to spare)
        if figure and not portrait:
            words_w -= self.caution_figure.width() + max(0, self.caution_words.spacing())
        elif figure:
            room -= self.caution_figure.height() + max(0, self.caution_words.spacing())
        title_font, text_font = QFont(self.caution_title.font()), QFont(self.caution_text.font())
        title_font.setBold(True)
        hint_font = QFont(text_font)
        hint_font.setBold(True)
        title_px, text_px = self._px("headline"), self._px("cue")
        title, text = self.caution_title.text(), self.caution_text.text()
        while True:
            title_font.setPixelSize(title_px)
            text_font.setPixelSize(text_px)
            hint_font.setPixelSize(text_px)
            tall = (_wrapped_height(title_font, words_w, title) + 2 + texts_spacing
                    + _wrapped_height(text_font, words_w, text) + 2)
            # The hint's line: kept when empty, so the words do not move when it comes.
            tall += texts_spacing + (_wrapped_height(hint_font, words_w, hint) if hint
                                     else QFontMetrics(hint_font).height()) + 2
            if not shown or tall <= room or (text_px <= CAUTION_MIN_PX and title_px <= max(CAUTION_MIN_PX, text_px)):
                break
            # A step smaller: the title first while it is much larger than the words, then both.
            if title_px > text_px * 1.5:
                title_px = max(text_px, int(title_px * 0.92))
            else:
                text_px = max(CAUTION_MIN_PX, min(text_px - 1, int(text_px * 0.92)))
                title_px = max(text_px, min(title_px - 1, int(title_px * 0.92)))
        styles = ((self.caution_title, f"color: {theme.ROLE_COLOURS['caution'].lighter(135).name()};"
                                       f" font-size: {title_px}px; font-weight: bold;"),
                  (self.caution_text, f"color: {theme.TEXT.name()}; font-size: {text_px}px;"),
                  (self.caution_hint, f"color: {theme.NOTICE.name()}; font-size: {text_px}px; font-weight: bold;"))
        for label, style in styles:
            if label.styleSheet() != style:
                label.setStyleSheet(style)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._apply_sizes()
