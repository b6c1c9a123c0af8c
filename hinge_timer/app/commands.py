"""Every user command, declared once: its name, where and when it is enabled, its keys, its button, its menu
entry and its help text.

The window's key router (ui/keys.py), each screen's ``handle_key``, the session screen's and Home's buttons (and
the pause overlay's tap), the menus and the help overlay are all built from ``TABLE``, so what the help says is what the keys do.  A later remote control
or voice command calls the same entries by name: ``Commands.run(name)``.

No widgets here: a command names its button by the button's object name and its menu by its title; the
screens and the window bind each name to what it does (``Commands.handlers``, ``press``).

The words (help texts, menu entries, the help's section titles, the menus' titles) are English ids marked
with ``N_``: the table is built at import, before the language is chosen.  They are translated where they
are shown: the help here (``help_lines``, ``Key.shown``), the menus in ui/menus.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import Qt

from ..engine.state import State
from ..i18n import LANGUAGES, N_, _, pgettext

K = Qt.Key

# The screens, by their widgets' object names.
HOME = "home_screen"
KIOSK_HOME = "kiosk_home"
SESSION = "session_screen"
DONE = "done_screen"
HISTORY = "history_screen"
EDITOR = "editor_screen"  # the session editor (ui/editor.py): a form, so no one-letter keys there
EVERYWHERE = frozenset({HOME, KIOSK_HOME, SESSION, DONE, HISTORY})

# The help's sections: the keys that work everywhere (and in a session) first, then each screen's own.
SECTIONS = (("", ""), (HOME, N_("On Home")), (KIOSK_HOME, N_("On the tiles")), (DONE, N_("After a session")),
            (HISTORY, N_("In History")), (EDITOR, N_("In the editor")))
# The menus' titles: the parts of ``Command.menu`` ("&View/Sound &output" is the submenu "Sound &output" of
# "&View"), each translated where the menus are built (ui/menus.py).  "&" marks the letter Alt+ opens it with.
MENU_TITLES = (N_("&File"), N_("&Session"), N_("&View"), N_("Sound &output"), N_("Screen &reader"), N_("Lan&guage"),
               N_("&Help"))

Handler = Callable[..., object]


def key_name(label: str) -> str:
    """A key as the help writes it, in the current language: the keys written as words (Space, Page Down)
    translated, a letter, a digit or a sign ("→", "1–9", "F1") as it is."""
    words = {
        # Translators: the names of keys in the help (the one that is the "Space" key), as the keys are
        # labelled on keyboards in your language (German: "Leertaste", "Bild ab", "Entf").
        "Space": pgettext("key", "Space"),
        "Enter": pgettext("key", "Enter"),
        "Backspace": pgettext("key", "Backspace"),
        "Esc": pgettext("key", "Esc"),
        "Delete": pgettext("key", "Delete"),
        "Page Up": pgettext("key", "Page Up"),
        "Page Down": pgettext("key", "Page Down"),
    }
    return words.get(label, label)


@dataclass(frozen=True)
class Key:
    """One key of a command.  ``text``: the character it types also matches (a clicker's '.', '+' on any
    layout).  ``label``: how the help writes it; an ``alias`` is a second code for a key already written
    (keypad Enter, '=' for '+').  ``fullscreen``: only in (True) or out of (False) full screen.  ``on``: only
    on these of the command's screens.  ``arg``: passed to the command (the tile a digit starts)."""

    key: Qt.Key
    label: str = ""
    ctrl: bool = False
    text: str = ""
    alias: bool = False
    fullscreen: bool | None = None
    on: frozenset[str] | None = None
    arg: int | None = None

    def matches(self, ctx: Context, key: int, text: str, ctrl: bool) -> bool:
        if self.ctrl != ctrl or (self.fullscreen is not None and self.fullscreen != ctx.fullscreen):
            return False
        if self.on is not None and ctx.screen not in self.on:
            return False
        return key == self.key or (bool(self.text) and text == self.text)

    @property
    def shown(self) -> str:
        """How the help writes the key, in the current language ("Ctrl+O", "Page Down")."""
        name = key_name(self.label)
        # Translators: a key pressed with Ctrl, in the help ({key}: the key, e.g. "O"); German: "Strg+{key}".
        return pgettext("key", "Ctrl+{key}").format(key=name) if self.ctrl else name


@dataclass(frozen=True)
class Context:
    """Where the user is: the screen shown, the session's state on the session screen, full screen or not,
    and what the session offers for a moment (``offers``: the names of the ``offered`` commands it takes
    now, e.g. "undo_hurts" for a few seconds after "it hurts"; ``session_context`` reads them from a
    Snapshot)."""

    screen: str
    state: State | None = None
    fullscreen: bool = False
    offers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Command:
    name: str
    help: str  # what the help says it does ("" for an entry only in a menu); marked N_, translated when shown
    keys: tuple[Key, ...] = ()
    screens: frozenset[str] = EVERYWHERE
    states: frozenset[State] | None = None  # enabled only in these states of a session (None: in any)
    not_states: frozenset[State] = frozenset()
    button: str = ""  # the object name of the button that runs it, on the screen ``button_on``
    button_on: str = SESSION
    tap: str = ""  # the object name of an overlay whose tap runs it (on ``button_on``)
    menu: str = ""  # "&View", or "&View/Sound &output" for a submenu (its parts: MENU_TITLES)
    label: str = ""  # its menu entry (marked N_, translated in ui/menus.py)
    checkable: bool = False
    group: str = ""  # checkable entries of one group exclude each other
    section: str = ""  # where the help lists it (SECTIONS)
    line: str = ""  # commands with the same line are written on one line of the help
    offered: bool = False  # enabled only while the session offers it (Context.offers), on top of the rest

    def enabled(self, ctx: Context) -> bool:
        if ctx.screen not in self.screens:
            return False
        if self.states is not None and ctx.state not in self.states:
            return False
        if self.offered and self.name not in ctx.offers:
            return False
        return ctx.state not in self.not_states

    def key_for(self, ctx: Context, key: int, text: str, ctrl: bool) -> Key | None:
        return next((k for k in self.keys if k.matches(ctx, key, text, ctrl)), None)

    @property
    def keys_shown(self) -> str:
        """Its keys as the help writes them, in the current language."""
        return ", ".join(k.shown for k in self.keys if not k.alias)

    @property
    def help_shown(self) -> str:
        """What the help says it does, in the current language ("" for an entry only in a menu)."""
        return _(self.help) if self.help else ""

    @property
    def label_shown(self) -> str:
        """Its menu entry, in the current language."""
        return _(self.label) if self.label else ""

    @property
    def shortcut(self) -> str:
        """The menu entry's shortcut ("Ctrl+O"): its first Ctrl key, in QKeySequence's words."""
        key = next((k for k in self.keys if k.ctrl), None)
        return f"Ctrl+{key.key.name.removeprefix('Key_')}" if key is not None else ""


def _cmd(name: str, help: str, *keys: Key, **options: object) -> Command:
    return Command(name, help, tuple(keys), **options)  # type: ignore[arg-type]


S = frozenset({SESSION})
CAUTION = frozenset({State.CAUTION})
ESC = K.Key_Escape

TABLE: tuple[Command, ...] = (
    # -- a session (the session screen) -----------------------------------------------------------
    # Translators: the help texts (in lower case) follow their keys in the help: "Space, B, .  —  pause /
    # resume"; the commands of one line are joined with " · " ("louder / quieter").
    _cmd("pause", N_("pause / resume"), Key(K.Key_Space, "Space"), Key(K.Key_B, "B"),
         Key(K.Key_Period, ".", text="."), screens=S, button="pause", tap="pause_overlay"),
    # At a caution a clicker has no Enter: "next" pressed twice within 2 s confirms it (engine/runner.py).
    _cmd("next", N_("next: skip the rest of this step; at a caution, press twice within 2 s to confirm it"),
         Key(K.Key_Right, "→"), Key(K.Key_PageDown, "Page Down"), screens=S, button="next"),
    _cmd("back", N_("back to the start of this step; twice: the step before"), Key(K.Key_Left, "←"),
         Key(K.Key_PageUp, "Page Up"), screens=S, button="back"),
    _cmd("count_rep", N_("count a rep (sets you count)"), Key(K.Key_Return, "Enter"), Key(K.Key_Enter, alias=True),
         screens=S, not_states=CAUTION, button="rep", line="enter"),
    _cmd("acknowledge", N_("confirm a caution (a clicker: Page Down twice)"), Key(K.Key_Return, "Enter"),
         Key(K.Key_Enter, alias=True),
         screens=S, states=CAUTION, button="acknowledge", line="enter"),
    _cmd("undo_rep", N_("undo a rep"), Key(K.Key_Backspace, "Backspace"), screens=S),
    _cmd("set_done", N_("set done"), Key(K.Key_D, "D"), screens=S, button="set_done"),
    _cmd("add_time", N_("add or remove 10 s"), Key(K.Key_Plus, "+", text="+"), Key(K.Key_Equal, alias=True),
         screens=S, button="plus", line="time"),
    _cmd("remove_time", N_("add or remove 10 s"), Key(K.Key_Minus, "−", text="-"),
         Key(K.Key_Underscore, alias=True), screens=S, button="minus", line="time"),
    _cmd("hurts", N_("stop this drill: it hurts"), Key(K.Key_H, "H"), screens=S, button="hurts", line="hurts"),
    # For 8 s after "it hurts" (Snapshot.undo_left; the runner's message names this key: UNDO_STOP_KEY).
    _cmd("undo_hurts", N_("undo that stop, within 8 s"), Key(K.Key_U, "U"), screens=S, offered=True, line="hurts",
         button="undo_hurts"),
    _cmd("skip", N_("skip the drill (at a caution)"), Key(K.Key_S, "S"), screens=S, states=CAUTION,
         button="skip_drill"),
    _cmd("how", N_("how to do this drill"), Key(K.Key_I, "I"), screens=S, button="how_button"),
    # -- everywhere ------------------------------------------------------------------------------
    # Translators: a menu entry; "&" marks its Alt+ letter, "(M)" names its key (the letter M whatever the
    # language): keep it.
    _cmd("mute", N_("mute / unmute"), Key(K.Key_M, "M"), menu="&View", label=N_("&Mute  (M)"), checkable=True),
    _cmd("louder", N_("louder / quieter"), Key(K.Key_Up, "↑", ctrl=True), menu="&View", label=N_("&Louder"),
         line="volume"),
    _cmd("quieter", N_("louder / quieter"), Key(K.Key_Down, "↓", ctrl=True), menu="&View", label=N_("&Quieter"),
         line="volume"),
    _cmd("fullscreen", N_("full screen"), Key(K.Key_F, "F"), menu="&View", label=N_("&Full screen  (F)")),
    _cmd("leave_fullscreen", N_("leave full screen"), Key(ESC, "Esc", fullscreen=True),
         screens=EVERYWHERE - {HISTORY}, line="esc"),
    _cmd("end", N_("end the session (asks first)"), Key(ESC, "Esc", fullscreen=False), screens=S, button="end",
         line="esc"),
    _cmd("help", N_("this help"), Key(K.Key_Question, "?", text="?"), Key(K.Key_F1, "F1"), menu="&Help",
         label=N_("&Keys  (?)")),
    _cmd("quit", N_("quit"), Key(K.Key_Q, "Q", ctrl=True), menu="&File", label=N_("&Quit")),
    # The version, the licence and the drills' sources (ui/dialogs.py about_dialog); the clock holds while open.
    _cmd("about", "", menu="&Help", label=N_("&About Hinge Timer")),
    # -- menu entries without a key ------------------------------------------------------------------
    _cmd("audio_qt", "", menu="&View/Sound &output", label=N_("&Qt Multimedia"), checkable=True, group="output"),
    _cmd("audio_simpleaudio", "", menu="&View/Sound &output", label=N_("&simpleaudio (optional extra)"),
         checkable=True, group="output"),
    _cmd("audio_none", "", menu="&View/Sound &output", label=N_("&No sound (captions only)"), checkable=True,
         group="output"),
    _cmd("flash", "", menu="&View", label=N_("Flash on &countdown"), checkable=True),
    _cmd("motion", "", menu="&View", label=N_("Mo&ving figure (off: still poses)"), checkable=True),
    # What a screen reader (Orca) is told during a session: ui/a11y.py, Preferences.screen_reader.
    _cmd("reader_auto", "", menu="&View/Screen &reader", label=N_("Say what the sound does not (&automatic)"),
         checkable=True, group="reader"),
    _cmd("reader_always", "", menu="&View/Screen &reader", label=N_("Say &every change, with the sound too"),
         checkable=True, group="reader"),
    _cmd("reader_off", "", menu="&View/Screen &reader", label=N_("&Nothing (the sound only)"), checkable=True,
         group="reader"),
    # The language of every word (i18n.py, ui/language.py): only where no session or edit is under way, as
    # the window starts again in it.  The languages are named in their own words, never translated.
    _cmd("language_system", "", menu="&View/Lan&guage", label=N_("&System language"), checkable=True,
         group="language", screens=frozenset({HOME, HISTORY})),
    *(_cmd(f"language_{code}", "", menu="&View/Lan&guage", label=name, checkable=True, group="language",
           screens=frozenset({HOME, HISTORY})) for code, name in LANGUAGES.items()),
    # -- Home ------------------------------------------------------------------------------------
    _cmd("choose_previous", N_("choose a session"), Key(K.Key_Up, "↑"), Key(K.Key_PageUp, "Page Up"),
         screens=frozenset({HOME}), section=HOME, line="choose"),
    _cmd("choose_next", N_("choose a session"), Key(K.Key_Down, "↓"), Key(K.Key_PageDown, "Page Down"),
         screens=frozenset({HOME}), section=HOME, line="choose"),
    _cmd("dose_low", N_("low or high dose"), Key(K.Key_Left, "←"), screens=frozenset({HOME}), section=HOME,
         line="dose"),
    _cmd("dose_high", N_("low or high dose"), Key(K.Key_Right, "→"), screens=frozenset({HOME}), section=HOME,
         line="dose"),
    _cmd("start", N_("start"), Key(K.Key_Return, "Enter"), Key(K.Key_Enter, alias=True), screens=frozenset({HOME}),
         section=HOME, button="start", button_on=HOME),
    _cmd("open", N_("open a file"), Key(K.Key_O, "O", on=frozenset({HOME})), Key(K.Key_O, "O", ctrl=True),
         screens=EVERYWHERE - {KIOSK_HOME}, section=HOME, menu="&File", label=N_("&Open session…"),
         button="open_file", button_on=HOME),
    _cmd("resume", N_("resume an interrupted run"), Key(K.Key_R, "R"), screens=frozenset({HOME}), section=HOME,
         button="resume", button_on=HOME),
    _cmd("history", N_("history"), Key(K.Key_H, "H", ctrl=True), screens=frozenset({HOME, DONE, HISTORY}),
         section=HOME, menu="&View", label=N_("&History"), button="history", button_on=HOME),
    # -- Home: the user's own sessions (session/library.py; none of them in a kiosk: ui/kiosk.py ALLOWED) ----
    _cmd("new_session", N_("make a new session"), Key(K.Key_N, "N", ctrl=True), screens=frozenset({HOME}),
         section=HOME, menu="&Session", label=N_("&New session"), button="new_session", button_on=HOME),
    _cmd("duplicate_session", N_("make a copy of the chosen session to change"), Key(K.Key_D, "D", ctrl=True),
         screens=frozenset({HOME}), section=HOME, menu="&Session", label=N_("&Duplicate session"),
         button="duplicate_session", button_on=HOME),
    _cmd("edit_session", N_("change the chosen session (your own)"), Key(K.Key_E, "E", ctrl=True),
         screens=frozenset({HOME}), section=HOME, menu="&Session", label=N_("&Edit session"),
         button="edit_session", button_on=HOME),
    _cmd("delete_session", N_("delete the chosen session (your own; asks first)"), Key(K.Key_Delete, "Delete"),
         screens=frozenset({HOME}), section=HOME, menu="&Session", label=N_("De&lete session…"),
         button="delete_session", button_on=HOME),
    _cmd("undo_delete_session", N_("bring a deleted session back, within 10 s"), Key(K.Key_Z, "Z", ctrl=True),
         screens=frozenset({HOME}), section=HOME, button="undo_delete_session", button_on=HOME),
    _cmd("export_session", N_("save a copy of the chosen session anywhere, to share it"), screens=frozenset({HOME}),
         section=HOME, menu="&Session", label=N_("E&xport session…"), button="export_session", button_on=HOME),
    # -- the editor (ui/editor.py: EditorScreen.command_handlers; its keys work in any of its fields) -----
    _cmd("editor_save", N_("save"), Key(K.Key_S, "S", ctrl=True), screens=frozenset({EDITOR}), section=EDITOR),
    _cmd("editor_undo", N_("undo"), Key(K.Key_Z, "Z", ctrl=True), screens=frozenset({EDITOR}), section=EDITOR,
         line="undo"),
    _cmd("editor_redo", N_("redo"), Key(K.Key_Y, "Y", ctrl=True), screens=frozenset({EDITOR}), section=EDITOR,
         line="undo"),  # Ctrl+Shift+Z too: the editor's own key handling (the table has no Shift)
    _cmd("editor_back", N_("back to Home (asks if there are unsaved changes)"), Key(ESC, "Esc"),
         screens=frozenset({EDITOR}), section=EDITOR),
    _cmd("editor_try_drill", "", screens=frozenset({EDITOR})),  # its buttons (a remote: by name)
    _cmd("editor_try_session", "", screens=frozenset({EDITOR})),
    # -- the kiosk's tiles ----------------------------------------------------------------------------
    _cmd("start_tile", N_("start that tile's session"), Key(K.Key_1, "1–9", arg=1),
         *(Key(getattr(K, f"Key_{n}"), alias=True, arg=n) for n in range(2, 10)),
         screens=frozenset({KIOSK_HOME}), section=KIOSK_HOME),
    # -- after a session ----------------------------------------------------------------------------
    _cmd("done_home", N_("back to Home"), Key(K.Key_Return, "Enter"), Key(K.Key_Enter, alias=True),
         Key(K.Key_Space, "Space"), screens=frozenset({DONE}), section=DONE),
    # -- History ----------------------------------------------------------------------------------
    _cmd("run_previous", N_("choose a run"), Key(K.Key_Up, "↑"), screens=frozenset({HISTORY}), section=HISTORY,
         line="runs"),
    _cmd("run_next", N_("choose a run"), Key(K.Key_Down, "↓"), screens=frozenset({HISTORY}), section=HISTORY,
         line="runs"),
    _cmd("page_up", N_("ten runs up or down"), Key(K.Key_PageUp, "Page Up"), screens=frozenset({HISTORY}),
         section=HISTORY, line="pages"),
    _cmd("page_down", N_("ten runs up or down"), Key(K.Key_PageDown, "Page Down"), screens=frozenset({HISTORY}),
         section=HISTORY, line="pages"),
    _cmd("history_back", N_("back to Home"), Key(ESC, "Esc"), Key(K.Key_Backspace, "Backspace"),
         screens=frozenset({HISTORY}), section=HISTORY),
    _cmd("run_delete", N_("remove the chosen run (asks first)"), Key(K.Key_Delete, "Delete"),
         screens=frozenset({HISTORY}), section=HISTORY, button="delete_run", button_on=HISTORY),
    _cmd("run_undo", N_("bring a removed run back (until you leave History)"), Key(K.Key_Z, "Z", ctrl=True),
         screens=frozenset({HISTORY}), section=HISTORY, button="undo_delete", button_on=HISTORY),
)

BY_NAME: dict[str, Command] = {c.name: c for c in TABLE}
assert len(BY_NAME) == len(TABLE), "two commands with one name"


class _Shown(Protocol):
    """What ``session_context`` reads of a Snapshot (engine/events.py)."""

    @property
    def state(self) -> State: ...

    @property
    def undo_left(self) -> float | None: ...


def session_context(screen: str, snap: _Shown | None, fullscreen: bool) -> Context:
    """Where the user is, with what the session on screen offers now (``snap``: its last Snapshot)."""
    if snap is None:
        return Context(screen, None, fullscreen)
    offers = frozenset({"undo_hurts"}) if snap.undo_left else frozenset()
    return Context(screen, snap.state, fullscreen, offers)


def command(name: str) -> Command:
    return BY_NAME[name]


def for_key(ctx: Context, key: int, text: str, ctrl: bool = False,
            table: Iterable[Command] = TABLE) -> tuple[Command, Key] | None:
    """The command a key runs where the user is, and the key as declared; None if it runs none."""
    for c in table:
        if c.enabled(ctx):
            k = c.key_for(ctx, key, text, ctrl)
            if k is not None:
                return c, k
    return None


def press(handlers: Mapping[str, Handler], ctx: Context, key: int, text: str, ctrl: bool = False) -> bool:
    """A screen's ``handle_key``: run the command the key names, if this screen does it; True if it ran."""
    found = for_key(ctx, key, text, ctrl)
    if found is None or found[0].name not in handlers:
        return False
    c, k = found
    return handlers[c.name](*(() if k.arg is None else (k.arg,))) is not False


def buttons(screen: str) -> list[Command]:
    """The commands that have a button (or an overlay's tap) on ``screen``."""
    return [c for c in TABLE if (c.button or c.tap) and c.button_on == screen]


# The order of the menus' entries (the help's order differs: a session's keys first).
MENU_ORDER = ("open", "quit", "new_session", "duplicate_session", "edit_session", "delete_session",
              "export_session", "fullscreen", "history", "mute", "louder", "quieter", "audio_qt", "audio_simpleaudio",
              "audio_none", "flash", "motion", "reader_auto", "reader_always", "reader_off", "language_system",
              *(f"language_{code}" for code in LANGUAGES), "help", "about")
assert sorted(MENU_ORDER) == sorted(c.name for c in TABLE if c.menu), "MENU_ORDER must name every menu entry once"


def menu_entries() -> list[Command]:
    """The commands with a menu entry, in the menus' order (File, Session, View, Help)."""
    return [BY_NAME[name] for name in MENU_ORDER]


def help_lines(screens: Iterable[str] = EVERYWHERE,
               allowed: Callable[[Command], bool] = lambda _c: True) -> list[tuple[str, str]]:
    """The help overlay's lines (keys, what they do), built from the table: for the screens there are
    (``screens``) and the commands ``allowed`` there (a kiosk refuses some); in the current language."""
    present = frozenset(screens)
    lines: list[tuple[str, str]] = []
    for section, title in SECTIONS:
        if section and section not in present:
            continue
        groups: dict[str, tuple[list[str], list[str]]] = {}
        for c in TABLE:
            if c.section != section or not c.keys or not c.help or not (c.screens & present) or not allowed(c):
                continue
            keys, helps = groups.setdefault(c.line or c.name, ([], []))
            for part, into in ((c.keys_shown, keys), (c.help_shown, helps)):
                if part not in into:
                    into.append(part)
        rows = [(" / ".join(keys), " · ".join(helps)) for keys, helps in groups.values()]
        if not section:
            lines.extend(rows)
        elif rows:
            lines.append((_(title), " · ".join(f"{k} {h}" for k, h in rows)))
    return lines


def help_text(screens: Iterable[str] = EVERYWHERE, allowed: Callable[[Command], bool] = lambda _c: True) -> str:
    return "\n".join(f"{k}  —  {v}" for k, v in help_lines(screens, allowed))


class Commands:
    """The table bound to one window: ``handlers(ctx)`` gives what runs each name where the user is (the
    window's own and the current screen's), ``context()`` where that is.  ``run(name)`` is how anything
    that is not a key (a menu, a remote control) runs a command: only where and when it is enabled."""

    def __init__(self, context: Callable[[], Context],
                 handlers: Callable[[Context], Mapping[str, Handler]]) -> None:
        self.context = context
        self.handlers = handlers

    def enabled(self, name: str) -> bool:
        ctx = self.context()
        return command(name).enabled(ctx) and name in self.handlers(ctx)

    def run(self, name: str, *args: object) -> bool:
        ctx = self.context()
        handlers = self.handlers(ctx)
        if not command(name).enabled(ctx) or name not in handlers:
            return False
        return handlers[name](*args) is not False
