"""Painted widgets: the countdown ring and the overlays that sit over a screen.  Apart from the labels
(ui/widgets.py), so that Home's first frame does not wait for the painter's classes."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QVariantAnimation, Signal, Slot
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..engine.state import State
from . import theme
from .widgets import plain_label


class CountdownRing(QWidget):
    """A progress ring with very large m:ss digits (or a rep count) in the middle.

    Everything is sized from the widget's own size, so the digits scale with the
    window: the ring fills the smaller side and the digits take about half of it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(120, 120)
        self.text = "0:00"
        self.caption = ""
        self.progress = 0.0
        self.colour = theme.STATE_COLOURS[State.IDLE]
        self.setAccessibleName("countdown")

    def set_value(self, text: str, caption: str, progress: float, colour: QColor) -> None:
        if (text, caption, round(progress, 3), colour.name()) == (
            self.text, self.caption, round(self.progress, 3), self.colour.name()
        ):
            return
        self.text, self.caption, self.progress, self.colour = text, caption, progress, colour
        self.setAccessibleDescription(f"{text} {caption}".strip())
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        side = min(self.width(), self.height())
        pen_w = max(6.0, side * 0.06)
        rect = QRectF((self.width() - side) / 2 + pen_w / 2, (self.height() - side) / 2 + pen_w / 2,
                      side - pen_w, side - pen_w)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(theme.TRACK, pen_w, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        p.drawEllipse(rect)
        if self.progress > 0:
            p.setPen(QPen(self.colour, pen_w, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
            # Qt angles: 1/16 degree, counter-clockwise from 3 o'clock. Run clockwise from 12.
            p.drawArc(rect, 90 * 16, -int(round(min(1.0, self.progress) * 360 * 16)))
        inner = rect.adjusted(pen_w, pen_w, -pen_w, -pen_w)
        font = QFont(self.font())
        font.setBold(True)
        digits = max(1, len(self.text))
        font.setPixelSize(max(10, int(min(inner.height() * 0.42, inner.width() * 1.55 / digits))))
        p.setFont(font)
        p.setPen(theme.TEXT)
        text_rect = QRectF(inner.left(), inner.top() + inner.height() * 0.12, inner.width(), inner.height() * 0.62)
        p.drawText(text_rect, Qt.AlignmentFlag.AlignCenter, self.text)
        if self.caption:
            small = QFont(self.font())
            px = max(8, int(inner.height() * 0.09))
            small.setPixelSize(px)
            # The circle narrows below its middle: keep the caption inside 70% of the width.
            room = inner.width() * 0.7
            width = QFontMetrics(small).horizontalAdvance(self.caption)
            if width > room:
                small.setPixelSize(max(8, int(px * room / width)))
            p.setFont(small)
            p.setPen(theme.MUTED_TEXT)
            cap_rect = QRectF(inner.left(), inner.top() + inner.height() * 0.70, inner.width(), inner.height() * 0.16)
            p.drawText(cap_rect, Qt.AlignmentFlag.AlignCenter, self.caption)
        p.end()


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
    """A dimmed layer with a big title and a few lines (pause, help); a tap or click on it says so."""

    clicked = Signal()

    def __init__(self, parent: QWidget, name: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setStyleSheet(f"#{name} {{ background-color: {theme.css(theme.OVERLAY_DIM)}; }}")
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

    def set_text(self, title: str, body: str) -> None:
        self.title.setText(title)
        self.body.setText(body)
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
