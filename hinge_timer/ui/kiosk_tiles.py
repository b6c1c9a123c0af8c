"""The kiosk's Home: large tiles, one per built-in session, each started with one tap or its digit key."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ..app import commands
from ..engine.state import State
from ..i18n import _, ngettext
from ..session.catalogue import SessionEntry
from . import theme
from .widgets import plain_label


class KioskHome(QWidget):
    """Large tiles: what each session is, how long, and one tap to start it."""

    start_requested = Signal(object, str)  # SessionEntry, dose

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kiosk_home")
        self.entries: list[SessionEntry] = []
        self.tiles: list[QPushButton] = []
        self._columns = 0
        root = QVBoxLayout(self)
        root.setContentsMargins(40, 28, 40, 28)
        root.setSpacing(18)
        self.heading = plain_label(self, _("Choose a session. Tap to start."))
        self.heading.setObjectName("kiosk_heading")
        self.heading.setWordWrap(True)
        self.heading.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # where the focus lands (ui/keys.py)
        self.today = plain_label(self)
        self.today.setObjectName("kiosk_today")
        root.addWidget(self.heading)
        root.addWidget(self.today)
        self.grid = QGridLayout()
        self.grid.setSpacing(18)
        root.addLayout(self.grid, 1)
        # Translators: under the kiosk's tiles; "Space" is the key.
        self.hint = plain_label(self, _("The screen follows you through every drill: words, countdowns and sounds. "
                                        "Space pauses. Each session starts gently."))
        self.hint.setWordWrap(True)
        root.addWidget(self.hint)
        # For the administrator: why this kiosk cannot be left (a site config that cannot be trusted).
        self.admin = plain_label(self, name="kiosk_admin", wrap=True)
        self.admin.hide()
        root.addWidget(self.admin)

    def set_admin_notice(self, text: str) -> None:
        """A line for the administrator under the tiles (plain text; empty: hidden)."""
        self.admin.setText(text)
        self.admin.setVisible(bool(text))

    def set_entries(self, entries: list[SessionEntry]) -> None:
        for tile in self.tiles:
            self.grid.removeWidget(tile)
            tile.deleteLater()
        self.tiles = []
        self.entries = [e for e in entries if e.session is not None and e.builtin]
        from ..session.timeline import compile_timeline

        for i, e in enumerate(self.entries):
            assert e.session is not None
            shown = e.shown  # the session in the current language's words
            assert shown is not None
            t = compile_timeline(e.session, "low")
            tile = QPushButton(self)
            tile.setObjectName(f"tile_{e.key}")
            minutes = round(t.total / 60)
            # Translators: a kiosk tile's name for a screen reader: {session} the session's title, {minutes} its length.
            tile.setAccessibleName(ngettext("Start {session}, about {minutes} minute",
                                            "Start {session}, about {minutes} minutes",
                                            minutes).format(session=shown.title, minutes=minutes))
            tile.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # from Tab, never a tap (ui/keys.py)
            tile.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            box = QVBoxLayout(tile)
            box.setContentsMargins(22, 22, 22, 22)
            parts = []
            # Translators: a kiosk tile: the session's length in minutes ("14 min").
            length = _("{minutes} min").format(minutes=minutes)
            # Translators: the last line of a kiosk tile (a button that starts the session).
            go = _("Tap to start ▶")
            for name, text in (("title", shown.title), ("minutes", length),
                               ("drills", " · ".join(d.name for d in shown.drills)), ("go", go)):
                label = plain_label(tile, text)  # titles and drill names: plain text
                label.setObjectName(f"tile_{name}")
                label.setWordWrap(True)
                label.setAlignment(Qt.AlignmentFlag.AlignCenter)
                label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # the tile takes the tap
                parts.append(label)
            box.addWidget(parts[0])
            box.addWidget(parts[1])
            box.addWidget(parts[2], 1)
            box.addWidget(parts[3])
            tile.clicked.connect(lambda _c=False, entry=e: self.start_requested.emit(entry, "low"))
            self.tiles.append(tile)
        self._columns = 0
        self._place()
        self._style()

    def _place(self) -> None:
        """Tiles side by side on a landscape screen, one above the other on a portrait one."""
        cols = 1 if self.height() > self.width() else max(1, min(3, len(self.tiles)))
        if cols == self._columns:
            return
        self._columns = cols
        for tile in self.tiles:
            self.grid.removeWidget(tile)
        for i, tile in enumerate(self.tiles):
            self.grid.addWidget(tile, i // cols, i % cols)

    def set_today(self, count: int | None) -> None:
        if count is None:
            self.today.setText("")
        else:
            # Translators: on the kiosk's tiles: how many sessions were done on this computer today.
            self.today.setText(_("Sessions done here today: {count}").format(count=count))

    def command_handlers(self) -> dict[str, commands.Handler]:
        """What the tiles do of the command table (app/commands.py)."""
        return {"start_tile": self.start_tile}

    def start_tile(self, n: int) -> bool:
        """Start the session of tile ``n`` (from 1), if there is one."""
        if not 1 <= n <= len(self.entries):
            return False
        self.start_requested.emit(self.entries[n - 1], "low")
        return True

    def handle_key(self, key: int, text: str) -> bool:
        """The digit keys 1-9 start the tile with that number (a keyboard-only kiosk)."""
        return commands.press(self.command_handlers(), commands.Context(commands.KIOSK_HOME), key, text)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place()
        self._style()

    def _style(self) -> None:
        def px(fraction: float, minimum: int) -> int:
            return theme.scaled_px(self, fraction, minimum)

        self.heading.setStyleSheet(f"color: {theme.TEXT.name()}; font-size: {px(0.065, 22)}px;"
                                   " font-weight: bold;")
        self.today.setStyleSheet(f"color: {theme.MUTED_TEXT.name()}; font-size: {px(0.03, 14)}px;")
        self.hint.setStyleSheet(f"color: {theme.MUTED_TEXT.name()}; font-size: {px(0.026, 13)}px;")
        self.admin.setStyleSheet(f"color: {theme.TEXT.name()}; background: {theme.PANEL.name()};"
                                 f" font-size: {px(0.024, 13)}px; padding: 8px;")
        colour = theme.STATE_COLOURS[State.WORK]
        text, muted = theme.TEXT.name(), theme.MUTED_TEXT.name()
        for tile in self.tiles:
            tile.setStyleSheet(
                f"QPushButton {{ background: {theme.PANEL.name()}; border: 3px solid {colour.name()};"
                f" border-radius: 14px; }}"
                f" QPushButton:pressed {{ background: {theme.TRACK.name()}; }}"
                f" QLabel {{ background: transparent; border: none; }}"
                f" QLabel#tile_title {{ color: {text}; font-size: {px(0.05, 18)}px; font-weight: bold; }}"
                f" QLabel#tile_minutes {{ color: {colour.name()}; font-size: {px(0.08, 22)}px;"
                f" font-weight: bold; }}"
                f" QLabel#tile_drills {{ color: {muted}; font-size: {px(0.026, 13)}px; }}"
                f" QLabel#tile_go {{ color: {text}; font-size: {px(0.032, 15)}px; }}")
