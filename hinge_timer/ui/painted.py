"""Painted widgets: the session screen's big number and fitted lines, and the overlays that sit over a screen.  Apart from the labels
(ui/widgets.py), so that Home's first frame does not wait for the painter's classes."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt, QVariantAnimation, Signal, Slot
from PySide6.QtGui import QAccessible, QColor, QFont, QFontMetrics, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..i18n import _
from . import theme
from .a11y import set_role
from .widgets import plain_label


class BigNumber(QWidget):
    """The one thing that matters now, as large as its box allows: a countdown's seconds, a phase's
    seconds, a rep count, or a word or two (the new side at a switch).

    The text is fitted by its glyphs, not by the font's line height: the digits' ink fills the box's
    height (or its width, if the text is wider than it is tall), so "40 % of the window's height"
    means the digits themselves.  ``template`` is the widest text the current step will show ("888"
    while a 120 s hold counts down), so the size stays put from 100 to 99 and nothing jumps.  The text
    is painted as plain text.

    For screen readers it is a label (not a filler) whose name is what ``set_spoken`` was last given:
    the screen gives it at a pace one can listen to (every 10 s, each of the last 5), not every frame.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main_number")
        self.text = ""
        self.template = ""
        self.ink = QColor(theme.TEXT)
        self._font = QFont(self.font())
        self._font.setBold(True)
        self._font.setStretch(QFont.Stretch.Condensed)  # narrower digits where the font has them
        self._fitted: tuple[tuple[int, int, str], int, float] | None = None  # (box and sample, px, ink height)
        set_role(self, QAccessible.Role.StaticText)
        self.spoken = ""
        # Translators: the session screen's big number, for a screen reader, before it says anything else.
        self.setAccessibleName(_("time left"))

    def set_value(self, text: str, template: str, ink: QColor) -> None:
        if (text, template, ink.name()) == (self.text, self.template, self.ink.name()):
            return
        self.text, self.template, self.ink = text, template, QColor(ink)
        self.update()

    def set_spoken(self, text: str) -> None:
        """What a screen reader reads of it (its accessible name); an event only when it changes."""
        if text != self.spoken:
            self.spoken = text
            self.setAccessibleName(text or _("time left"))

    def glyph_px(self) -> float:
        """The height of the digits' ink at the fitted size (what a test measures on screen, too)."""
        return self._size_for(self.template or self.text)[1]

    def _size_for(self, sample: str) -> tuple[int, float]:
        """The font's pixel size that makes ``sample`` fill the box, and its digits' ink height then."""
        key = (self.width(), self.height(), sample)
        if self._fitted is not None and self._fitted[0] == key:  # painted every second: measured once
            return self._fitted[1], self._fitted[2]
        probe = QFont(self._font)
        probe.setPixelSize(200)
        metrics = QFontMetricsF(probe)
        ink_h = max(1.0, metrics.tightBoundingRect("0123456789" if any(c.isdigit() for c in sample)
                                                   else sample).height())
        wide = max(1.0, metrics.tightBoundingRect(sample or "0").width())  # its ink, not its side bearings
        scale = min(self.height() * 0.96 / ink_h, self.width() * 0.96 / wide)
        px = max(8, int(200 * scale))
        self._fitted = (key, px, self._ink_height(px))
        return px, self._fitted[2]

    def _ink_height(self, px: int) -> float:
        font = QFont(self._font)
        font.setPixelSize(px)
        return QFontMetricsF(font).tightBoundingRect("0123456789").height()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        if not self.text:
            return
        px, _ = self._size_for(self.template if len(self.template) >= len(self.text) else self.text)
        font = QFont(self._font)
        font.setPixelSize(px)
        metrics = QFontMetricsF(font)
        ink = metrics.tightBoundingRect("0123456789" if any(c.isdigit() for c in self.text) else self.text)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        p.setFont(font)
        p.setPen(self.ink)
        tight = metrics.tightBoundingRect(self.text)
        x = (self.width() - tight.width()) / 2 - tight.left()  # the ink centred, side to side
        baseline = (self.height() - ink.height()) / 2 - ink.top()  # the ink centred, top to bottom
        p.drawText(QPointF(x, baseline), self.text)  # drawText with a point: plain text, one line
        p.end()


class FitLabel(QLabel):
    """A one-line plain-text label whose font is as large as ``px`` (set by the screen) but shrinks to
    fit its width, down to ``min_px``; below that the text is cut with "…".  ``text()`` gives the whole
    text.  Its height is fixed by the screen, so a long text never moves what is around it.

    Its accessible name is its whole text, or, once ``set_spoken`` was called, what that was last given
    (a line whose text changes every second is read at a slower pace)."""

    def __init__(self, parent: QWidget | None, name: str, bold: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(False)
        self.px = 16
        self.min_px = 10
        self.bold = bold
        self._full = ""
        self._shown: tuple[str, int, int] | None = None
        self._natural: tuple[tuple[str, int], int] | None = None
        self._spoken: str | None = None

    def set_spoken(self, text: str) -> None:
        """Name it ``text`` for screen readers from now on, whatever it shows; an event only on a change."""
        if text != self._spoken:
            self._spoken = text
            self.setAccessibleName(text)

    def text(self) -> str:  # noqa: D102 (the whole text, not the cut one shown)
        return self._full

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        if text != self._full:
            self._full = text
            if self._spoken is None:
                self.setAccessibleName(text)
            self._refit()

    def natural_width(self) -> int:
        """How wide the whole text is at the full size (for a layout that gives it what it needs); asked on
        every display tick, so measured only when the text or the size changes."""
        key = (self._full, self.px)
        if self._natural is None or self._natural[0] != key:
            font = QFont(self.font())
            font.setBold(self.bold)
            font.setPixelSize(self.px)
            self._natural = (key, QFontMetrics(font).horizontalAdvance(self._full) + 12 if self._full else 0)
        return self._natural[1]

    def set_px(self, px: int, min_px: int) -> None:
        if (px, min_px) != (self.px, self.min_px):
            self.px, self.min_px = px, min_px
            self._refit()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._refit()

    def _refit(self) -> None:
        room = max(1, self.width() - 8)
        key = (self._full, self.px, room)
        if key == self._shown:
            return
        self._shown = key
        font = QFont(self.font())
        font.setBold(self.bold)
        font.setPixelSize(self.px)
        width = QFontMetrics(font).horizontalAdvance(self._full)
        shown = self._full
        if width > room:
            px = max(self.min_px, int(self.px * room / width))
            font.setPixelSize(px)
            shown = QFontMetrics(font).elidedText(self._full, Qt.TextElideMode.ElideRight, room)
        self.setFont(font)
        super().setText(shown)


class Overlay(QWidget):
    """A widget that covers its parent completely and follows its size."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.host = parent
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.hide()
        parent.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if watched is self.host and event.type() == event.Type.Resize:
            self.setGeometry(self.host.rect())
        return False

    def showEvent(self, event) -> None:  # noqa: N802
        self.setGeometry(self.host.rect())
        self.raise_()
        super().showEvent(event)


class FlashOverlay(Overlay):
    """A full-window flash that fades out: a countdown beat you can see across the room."""

    DURATION_MS = 350

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.colour = QColor(theme.FLASH)
        self.flashes = 0
        self._anim = QVariantAnimation(self)
        self._anim.setDuration(self.DURATION_MS)
        self._anim.setStartValue(0.85)
        self._anim.setEndValue(0.0)
        self._anim.valueChanged.connect(self._on_value)
        self._anim.finished.connect(self.hide)
        self._alpha = 0.0

    def flash(self, colour: QColor) -> None:
        self.flashes += 1
        self.colour = QColor(colour)
        self._anim.stop()
        self.show()
        self._anim.start()

    def stop(self) -> None:
        self._anim.stop()
        self.hide()

    @Slot(object)
    def _on_value(self, value: float) -> None:
        self._alpha = float(value)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        c = QColor(self.colour)
        c.setAlphaF(max(0.0, min(1.0, self._alpha)))
        p.fillRect(self.rect(), c)
        p.end()


MIN_FITTED_PX = 9  # the smallest an overlay's body is set to make it fit


class MessageOverlay(Overlay):
    """A dimmed layer with a big title and a few lines (pause, help); a tap or click on it says so.

    For screen readers a dialog, named ``spoken`` (else its title), its lines as its description and
    as its labels' text."""

    clicked = Signal()
    hidden = Signal()

    def __init__(self, parent: QWidget, name: str, background: QColor | None = None, spoken: str = "") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.spoken = spoken
        set_role(self, QAccessible.Role.Dialog)  # before it is first shown: Qt keeps the interface
        if spoken:
            self.setAccessibleName(spoken)
        # Dimmed, so the paused screen shows through; or opaque (the help: text over text is unreadable).
        colour = theme.OVERLAY_DIM if background is None else background
        self.setStyleSheet(f"#{name} {{ background-color: {theme.css(colour)}; }}")
        layout = self._layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = plain_label(self)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body = plain_label(self, wrap=True)  # a drill name or a reason: plain text, lines split by "\n"
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.title)
        layout.addWidget(self.body)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        # The overlay covers the buttons below it, so it must answer a finger itself.
        event.accept()
        self.clicked.emit()

    def hideEvent(self, event) -> None:  # noqa: N802
        super().hideEvent(event)
        if not event.spontaneous():  # hidden by the app, not because the window was minimised
            self.hidden.emit()

    def set_text(self, title: str, body: str) -> None:
        if (title, body) == (self.title.text(), self.body.text()):
            return  # the pause overlay is given its text on every display tick
        self.title.setText(title)
        self.body.setText(body)
        if not self.spoken and self.accessibleName() != title.capitalize():
            self.setAccessibleName(title.capitalize())  # "PAUSED" is read "Paused", not spelt
        # (No description: the body is a label in the dialog, which Orca reads with it; as the description
        # too, it read the help's every key twice.)
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802
        self._fit()
        super().resizeEvent(event)

    def _fit(self) -> None:
        """Title and body sized by the window's height; a body too long for the space under the title
        (the help, in a small or portrait window) is set smaller until it fits, never cut off."""
        h, w = max(1, self.height()), max(1, self.width())
        title_px = max(16, int(h * 0.12))
        self.title.setStyleSheet(f"color: {theme.OVERLAY_TITLE.name()}; font-weight: bold;"
                                 f" font-size: {title_px}px;")
        layout = self._layout
        margins = layout.contentsMargins()
        room_w = max(1, w - margins.left() - margins.right())
        room_h = h - margins.top() - margins.bottom() - layout.spacing() - title_px * 1.4
        size = max(11, int(h * 0.035))
        font = QFont(self.body.font())
        text = self.body.text()
        while True:
            font.setPixelSize(size)
            metrics = QFontMetrics(font)
            # As wide as its longest line, at most the room there is; as tall as that makes it.
            width = min(room_w, metrics.boundingRect(0, 0, 1 << 20, 1 << 20, 0, text).width() + 2)
            need = metrics.boundingRect(0, 0, width, 1 << 20, Qt.TextFlag.TextWordWrap, text).height() + 2
            if need <= room_h or size <= MIN_FITTED_PX:
                break
            size -= 1
        # Sized here, not by the layout: a centred layout gives a wrapping label its size hint, which is
        # worked out for a width of its own choosing and cuts the text off at any other.
        self.body.setFixedSize(width, min(need, max(1, int(room_h))))
        self.body.setStyleSheet(f"color: {theme.OVERLAY_TEXT.name()}; font-size: {size}px;")


class QuestionOverlay(Overlay):
    """A question over the whole screen, large enough to read from across the room, with two big buttons:
    the safe answer first and chosen by any key but one (``yes_key``), so a key meant for the session
    (Enter, Space, a clicker's keys) can never give the other answer by accident.  ``answer(yes)``.
    A button's name for a screen reader is ``yes_spoken`` (``no_spoken``), else its words before the key hint."""

    answered = Signal(bool)

    def __init__(self, parent: QWidget, name: str, yes_key: Qt.Key, yes_label: str, no_label: str,
                 yes_spoken: str = "", no_spoken: str = "") -> None:
        from PySide6.QtWidgets import QHBoxLayout, QPushButton

        super().__init__(parent)
        self.setObjectName(name)
        self.yes_key = yes_key
        self.setStyleSheet(f"#{name} {{ background-color: {theme.BACKGROUND.name()}; }}")
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = plain_label(self, name=f"{name}_title", wrap=True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body = plain_label(self, name=f"{name}_body", wrap=True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row = QHBoxLayout()
        self.no_button = QPushButton(no_label, self)
        self.no_button.setObjectName(f"{name}_no")
        self.yes_button = QPushButton(yes_label, self)
        self.yes_button.setObjectName(f"{name}_yes")
        for b, spoken in ((self.no_button, no_spoken), (self.yes_button, yes_spoken)):
            b.setAccessibleName(spoken or b.text().split("  (")[0])  # the words, not the key hint: "End it"
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # Tab moves between the two (ui/keys.py); a tap never
            row.addWidget(b)
        self.no_button.clicked.connect(lambda: self.answer(False))
        self.yes_button.clicked.connect(lambda: self.answer(True))
        layout.addWidget(self.title)
        layout.addWidget(self.body)
        layout.addLayout(row)

    def ask(self, title: str, body: str) -> None:
        self.title.setText(title)
        self.body.setText(body)
        self._fit()
        self.show()

    def key(self, key: int) -> None:
        """A key while the question is up: ``yes_key`` says yes, every other key the safe answer."""
        self.answer(key == self.yes_key)

    def answer(self, yes: bool) -> None:
        if self.isVisible():
            self.hide()
            self.answered.emit(yes)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        event.accept()  # a tap beside the buttons answers nothing (and reaches nothing behind)

    def resizeEvent(self, event) -> None:  # noqa: N802
        self._fit()
        super().resizeEvent(event)

    def _fit(self) -> None:
        h, w = max(1, self.height()), max(1, self.width())
        title_px = max(16, int(min(h, w * 0.75) * 0.12))
        body_px = max(12, int(min(h, w * 0.75) * 0.055))
        self.title.setStyleSheet(f"color: {theme.OVERLAY_TITLE.name()}; font-weight: bold; font-size: {title_px}px;")
        self.body.setStyleSheet(f"color: {theme.OVERLAY_TEXT.name()}; font-size: {body_px}px;")
        button_h = max(44, int(h * 0.14))
        for b, colour in ((self.no_button, theme.ROLE_COLOURS["work"]), (self.yes_button, theme.PANEL)):
            b.setStyleSheet(f"font-size: {body_px}px; font-weight: bold; min-height: {button_h}px;"
                            f" padding: 0 {body_px}px; background: {colour.name()};"
                            f" color: {theme.ink_on(colour).name()}; border-radius: 8px;")
