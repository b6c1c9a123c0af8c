"""Command line: ``hinge-timer [validate|plan|schema|run|resume|history|audio-check|desktop-entry] ...``.

``build_parser()`` is separate from ``main(argv) -> int`` so both can be tested
without a process.  A user's mistake (a bad file, a bad option) ends with a
message and exit code 1 or 2, never a traceback.

Text from a file, a setting or the history is data: it never reaches the terminal raw.  Titles,
cues and names go through :func:`~hinge_timer.plaintext.printable`; messages (which may name a
file or hold an already escaped problem) through :func:`~hinge_timer.plaintext.controls_escaped`.
Either way an escape sequence cannot change the terminal's title, clear it or write the clipboard,
and a line break in a value cannot forge another line.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import TYPE_CHECKING, Sequence, TextIO

from . import i18n, timefmt
from .i18n import _, ngettext, pgettext
from .plaintext import controls_escaped, printable
from .session.errors import SessionError

# session.load and session.model (pydantic) are imported where they are used, so that the window's
# first paint does not wait for them (docs/PERFORMANCE.md).

if TYPE_CHECKING:
    from .session.catalogue import Catalogue
    from .session.timeline import Timeline

log = logging.getLogger(__name__)

DEFAULT_SESSION = "hip-hinge-mobility"


def say(message: object, *, err: bool = False) -> None:
    """Print one message line (or a few) with every control character escaped."""
    print(controls_escaped(message), file=sys.stderr if err else sys.stdout)


def say_problems(exc: SessionError) -> None:
    """Every problem of a session file on its own line, on stderr (a value's line break stays escaped)."""
    for line in str(exc).split("\n"):
        say(line, err=True)


def json_text(data: object, indent: int) -> str:
    """JSON for a terminal or a pipe: non-ASCII text kept readable, but C1 controls, line separators and
    bidi overrides written as \\u escapes (``json`` escapes only the C0 controls)."""
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    # Outside strings json.dumps writes only ASCII, so every such character is inside a string.
    return "".join(
        ch if ord(ch) < 0x7F or controls_escaped(ch) == ch
        else "".join(f"\\u{unit:04x}" for unit in _utf16_units(ch))
        for ch in text
    )


def _utf16_units(ch: str) -> list[int]:
    data = ch.encode("utf-16-be", "surrogatepass")
    return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]


def _common(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """Options accepted both before and after the subcommand."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--data-dir", metavar="DIR", default=default,
                        help=_("where settings live (default: the platform's user data folder, "
                               "or $HINGE_TIMER_DATA_DIR)"))
    parser.add_argument("--sessions-dir", metavar="DIR", default=default,
                        help=_("your own session files, listed on Home (default: DATA_DIR/sessions)"))
    parser.add_argument(
        "--speed", metavar="FACTOR", type=_speed, default=argparse.SUPPRESS if suppress else 1.0,
        help=_("run the session clock this many times faster (demos and tests)"),
    )
    parser.add_argument(
        "--event-log", metavar="FILE", default=default,
        help=_("write every cue and command as JSON Lines with scheduled and actual times"),
    )
    parser.add_argument("--audio", choices=("qt", "simpleaudio", "none"), default=default,
                        # Translators: qt, simpleaudio and none are the option's values: keep them as they are.
                        help=_("how sound is played: Qt Multimedia (default), simpleaudio (the optional extra) "
                               "or none (overrides the audio setting for this run)"))
    parser.add_argument("--kiosk", action="store_true", default=argparse.SUPPRESS if suppress else False,
                        # Translators: "[kiosk] enabled = true" is written in a file as it is: do not translate it.
                        help=_("kiosk mode for a shared PC: full screen, large tiles, cannot be closed by accident "
                               "(also [kiosk] enabled = true in the site config file; docs/kiosk.md)"))
    parser.add_argument("--lang", metavar="CODE", type=_language, default=default,
                        # Translators: {codes} is the list of language codes ("en, de, fr, es, pt").
                        help=_("the language of the window, the spoken prompts and the messages: {codes} "
                               "(default: View → Language, else the system's)").format(
                            codes=", ".join(i18n.LANGUAGES)))
    parser.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS if suppress else False)


def _language(text: str) -> str:
    code = i18n.normalise_code(text)
    if code is None:
        # Translators: {value} is what was typed after --lang; {codes} the codes there are ("en, de, ...").
        raise argparse.ArgumentTypeError(_("no language {value}: one of {codes}").format(
            value=repr(text), codes=", ".join(i18n.LANGUAGES)))
    return code


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        # Translators: {value} is what was typed after --speed, in quotes.
        raise argparse.ArgumentTypeError(
            _("expected a number such as 2 or 0.5, got {value}").format(value=repr(text))) from None
    if not 0.01 <= value <= 1000:
        # Translators: {value} is what was typed after --speed.
        raise argparse.ArgumentTypeError(_("must be between 0.01 and 1000, got {value}").format(value=text))
    return value


# The options before a command that take a value (see _common): the token after them is not a command.
_VALUED = frozenset({"--data-dir", "--sessions-dir", "--speed", "--event-log", "--audio", "--lang"})


def names_no_command(argv: Sequence[str]) -> bool:
    """True when ``argv`` is options (and their values) only: the window is opened, and no subcommand's
    parser is needed.  Anything else (a positional, ``--``, ``-h``, an abbreviated option) says False."""
    tokens = iter(argv)
    for token in tokens:
        if token in ("-h", "--help", "--", "--version") or not token.startswith("-"):
            return False
        if token in _VALUED:
            next(tokens, None)
    return True


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser.  Given ``argv`` that names no command (how the window is started), only
    the options are built: the subcommands' parsers cost about 10 ms of start-up, before Home's first frame."""
    parser = argparse.ArgumentParser(
        prog="hinge-timer",
        description=_("A guided-session timer for hip-hinge mobility training."),
    )
    from .appinfo import VERSION

    parser.add_argument("--version", action="version", version=f"hinge-timer {VERSION}",
                        help=_("print the version and exit"))
    _common(parser, suppress=False)
    if argv is not None and names_no_command(argv):
        parser.set_defaults(command=None)
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("validate", help=_("check session files and report every problem"))
    p.add_argument("files", nargs="+", metavar="FILE")
    _common(p, suppress=True)

    p = sub.add_parser("plan", help=_("print the timed plan of a session"))
    p.add_argument("file", metavar="NAME",
                   # Translators: {name} is the name of a built-in session (hip-hinge-mobility).
                   help=_("a session file, the name of a built-in one ({name}), or the file name or "
                          "title of one in your sessions folder").format(name=DEFAULT_SESSION))
    p.add_argument("--dose", choices=("low", "high"),
                   help=_("low or high end of every range (default: the file's)"))
    p.add_argument("--json", action="store_true", help=_("print the whole timeline as JSON"))
    _common(p, suppress=True)

    p = sub.add_parser("schema", help=_("print the JSON Schema of session files"))
    _common(p, suppress=True)

    p = sub.add_parser("audio-check", help=_("play each tone and a spoken prompt once (or every line of a session "
                                              "FILE); print backend, device, problems"))
    p.add_argument("file", metavar="FILE", nargs="?",
                   help=_("a session: render and play each of its lines, and say which are recorded prompts, "
                          "which were rendered (from the cache or just now) and which have no voice"))
    p.add_argument("--dose", choices=("low", "high"), help=_("with FILE: the low or high end of every range"))
    p.add_argument("--all", action="store_true", help=_("play every spoken prompt too (a few minutes)"))
    _common(p, suppress=True)

    p = sub.add_parser("history", help=_("print every run (newest first), or export them all as CSV"))
    p.add_argument("--csv", metavar="FILE",
                   help=_("write one row per set and side of every run to FILE ('-': stdout)"))
    _common(p, suppress=True)

    p = sub.add_parser("resume", help=_("open the window and resume the run a crash or power cut interrupted"))
    p.add_argument("--fullscreen", action="store_true", help=_("start in full screen"))
    _common(p, suppress=True)

    p = sub.add_parser("kiosk-pin", help=_("make the salted hash of an administrator PIN for the kiosk config file"))
    _common(p, suppress=True)

    p = sub.add_parser("desktop-entry", help=_("add Hinge Timer to your desktop's application menu, with its icon "
                                                "(for a pip or pipx install), or take it out again"))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--install", action="store_true",
                       help=_("write the launcher entry, the AppStream data and the icons to your user data folder"))
    which.add_argument("--remove", action="store_true", help=_("remove what --install wrote, and nothing else"))
    _common(p, suppress=True)

    p = sub.add_parser("run", help=_("open a session and start it at once"))
    p.add_argument("file", metavar="NAME", nargs="?", default=DEFAULT_SESSION,
                   # Translators: {name} is the name of a built-in session (hip-hinge-mobility).
                   help=_("a session file, a built-in name, or the file name or title of one in your sessions "
                          "folder (default: {name})").format(name=DEFAULT_SESSION))
    p.add_argument("--dose", choices=("low", "high"))
    p.add_argument("--fullscreen", action="store_true", help=_("start in full screen"))
    p.add_argument("--terminal", action="store_true", help=_("run in this terminal, with captions, no window"))
    p.add_argument(
        "--accept-cautions", action="store_true",
        # Translators: `plan` is the command's name: keep it as it is.
        help=_("with --terminal: confirm every caution without asking (you have read them: see `plan`)"),
    )
    _common(p, suppress=True)
    return parser


def session_catalogue(args: argparse.Namespace) -> Catalogue:
    """The sessions a name on the command line can mean: the built-in ones, and those in the user's
    folder (``--sessions-dir``, else DATA_DIR/sessions)."""
    from .session.catalogue import Catalogue
    from .settings import data_dir, sessions_dir

    return Catalogue(sessions_dir(data_dir(getattr(args, "data_dir", None)), getattr(args, "sessions_dir", None)))


def load_timeline(name: str, dose: str | None, catalogue: Catalogue | None = None) -> Timeline:
    """The timeline of the session ``name`` means (a path or a built-in's name; with ``catalogue``, also
    one in the user's folder).  Raises ``SessionError``."""
    from .session.catalogue import Catalogue
    from .session.timeline import compile_timeline

    entry = (catalogue if catalogue is not None else Catalogue()).open(name)
    assert entry.session is not None
    return compile_timeline(entry.session, dose)  # type: ignore[arg-type]


def print_plan(timeline: Timeline, out: TextIO) -> None:
    from .session.draft import plan_lines  # the step lines, as the editor's plan shows them

    s = timeline.session
    # Translators: the plan's first line; {title} is the session's title.
    heading = _("{title}: high dose") if timeline.dose == "high" else _("{title}: low dose")
    out.write(heading.format(title=printable(s.title)) + "\n")
    # Translators: the plan's column headings: "start" at most 8 characters, "length" at most 7 (the columns'
    # widths); the step lines below them are aligned to those widths.
    start, length, step = (pgettext("plan column", "start"), pgettext("plan column", "length"),
                           pgettext("plan column", "step"))
    out.write(f"{start:>8} {length:>7}  {step}\n")
    for line in plan_lines(timeline):
        out.write(printable(line) + "\n")  # drill, side and phase names are data
    total = timefmt.clock(timeline.total, hours=True)
    if timeline.has_open:
        # Translators: {time} is the session's length, e.g. 0:24:30 (an estimate).
        out.write(_("Total: about {time}").format(time=total))
        out.write("  " + _("(~ marks estimates: sets you count yourself are planned at 4 s a rep)"))
    else:
        # Translators: {time} is the session's length, e.g. 0:24:30.
        out.write(_("Total: {time}").format(time=total))
    out.write("\n")


def cmd_validate(args: argparse.Namespace) -> int:
    catalogue = session_catalogue(args)
    bad = 0
    for name in args.files:
        try:
            session = catalogue.open(name).session
        except SessionError as exc:
            bad += 1
            say_problems(exc)
        else:
            assert session is not None
            n = len(session.drills)
            # Translators: {file} is the file named on the command line, {title} its session's title.
            say(ngettext("{file}: ok ({title}, {n} drill)", "{file}: ok ({title}, {n} drills)", n).format(
                file=name, title=printable(session.title), n=n))
    return 1 if bad else 0


def cmd_plan(args: argparse.Namespace) -> int:
    try:
        timeline = load_timeline(args.file, args.dose, session_catalogue(args))
    except SessionError as exc:
        say_problems(exc)
        return 1
    if args.json:
        sys.stdout.write(json_text(timeline.to_json(), indent=1) + "\n")
    else:
        print_plan(timeline, sys.stdout)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .session.model import json_schema

    sys.stdout.write(json_text(json_schema(), indent=2) + "\n")
    return 0


def cmd_audio_check(args: argparse.Namespace) -> int:
    from .audio_check import audio_check

    return audio_check(args)


def cmd_history(args: argparse.Namespace) -> int:
    from .settings import data_dir
    from .store import history
    from .store.db import FILE_NAME, open_history

    folder = data_dir(args.data_dir)
    if not (folder / FILE_NAME).exists():
        say(_("No history yet ({file} does not exist).").format(file=folder / FILE_NAME), err=True)
        return 0 if args.csv is None else 1
    h = open_history(folder)
    if h.problem:
        say(f"hinge-timer: {h.problem}", err=True)
    if h.conn is None:
        return 1
    if h.writable:
        from .store.writer import import_pending

        kept = import_pending(h.path, h.conn).message  # runs kept out while another program held the lock
        if kept:
            say(f"hinge-timer: {kept}", err=True)
    # Titles and drill names in the current language, from the session each run's key names.
    catalogue = session_catalogue(args)

    def find(key: str) -> object:
        try:
            return catalogue.open(key)
        except SessionError:
            return None

    names = history.ShownNames(find)
    words = {"title": names.title, "drill": names.drill}
    try:
        if args.csv is not None:
            if args.csv == "-" and sys.stdout.isatty():
                # A person reads it: titles and reasons with their control characters escaped.  Piped or
                # written to a file, the CSV is exact.
                import csv
                import io

                buf = io.StringIO(newline="")
                n = history.export_csv(h.conn, buf, **words)
                buf.seek(0)
                shown = csv.writer(sys.stdout, lineterminator="\n")
                for row in csv.reader(buf):
                    shown.writerow([controls_escaped(field) for field in row])
            elif args.csv == "-":
                n = history.export_csv(h.conn, sys.stdout, **words)
            else:
                with open(args.csv, "w", encoding="utf-8", newline="") as fh:
                    n = history.export_csv(h.conn, fh, **words)
                # Translators: {n} rows of the CSV file {file} (the English says "rows" even for one).
                say(ngettext("{n} rows written to {file}", "{n} rows written to {file}", n).format(
                    n=n, file=args.csv), err=True)
            return 0
        rows = [names.run(r) for r in history.runs(h.conn)]
        days = history.days_trained(rows)
        from datetime import date

        streak = history.current_streak(days, date.today())
        other = sum(1 for r in rows if not r.counted)
        runs = ngettext("{n} run", "{n} runs", len(rows)).format(n=len(rows))
        # Translators: days in a row with a session, up to today.
        streak_text = ngettext("current streak {n} day", "current streak {n} days", streak).format(n=streak)
        # Translators: the history's first line: {runs} is "5 runs", {streak} is "current streak 3 days".
        summary = _("{runs} · {streak}").format(runs=runs, streak=streak_text)
        if other:
            # Translators: {summary} is the line so far ("5 runs · current streak 3 days"); {n} runs were at
            # another --speed (the English says the same for one).
            summary = ngettext("{summary} · {n} at another speed (marked; not in the streak)",
                               "{summary} · {n} at another speed (marked; not in the streak)", other).format(
                summary=summary, n=other)
        print(summary)
        if rows:
            # min: as lived; speed: the clock's (--speed), blank for real time.
            # Translators: the history's column headings, each at most as wide as its column: started 17
            # characters, session 30, dose 4, min 4 (minutes), speed 6, sets 5; result is the last column.
            started, session, dose, minutes, speed, sets, result = (
                pgettext("history column", "started"), pgettext("history column", "session"),
                pgettext("history column", "dose"), pgettext("history column", "min"),
                pgettext("history column", "speed"), pgettext("history column", "sets"),
                pgettext("history column", "result"))
            print(f"{started:<17} {session:<30} {dose:<4} {minutes:>4} {speed:>6}  {sets:>5}  {result}")
        for r in rows:
            sets = f"{r.sets_done}/{r.sets_planned}"
            title = printable(r.title)
            title = title if len(title) <= 30 else title[:29] + "…"
            speed = "" if r.counted else f"{r.speed:g}×"
            # Translators: a run's dose in the history ("high", "low").
            dose = _("high") if r.dose == "high" else _("low") if r.dose == "low" else printable(r.dose)
            print(f"{r.started:%Y-%m-%d %H:%M} {title:<30} {dose:<4} {r.seconds / 60:>4.0f} {speed:>6}  "
                  f"{sets:>5}  {printable(r.outcome)}")
        return 0
    finally:
        h.close()


def cmd_kiosk_pin(args: argparse.Namespace) -> int:
    """Ask for a PIN twice (not echoed) and print the line for the [kiosk] section; the PIN itself is never stored."""
    import getpass

    from .kiosk.config import site_config_file
    from .kiosk.pin import hash_pin

    first = getpass.getpass(_("New kiosk PIN (4 or more characters): "))
    if len(first) < 4:
        print(_("hinge-timer: the PIN needs at least 4 characters"), file=sys.stderr)
        return 1
    if getpass.getpass(_("The same PIN again: ")) != first:
        print(_("hinge-timer: the two PINs differ; nothing was made"), file=sys.stderr)
        return 1
    # Translators: a comment line of the config file ("#" first); [kiosk] is the file's section: keep it.
    say(_("# put this line in the [kiosk] section of {file}").format(file=site_config_file()))
    print(f'pin_hash = "{hash_pin(first)}"')
    return 0


def cmd_desktop_entry(args: argparse.Namespace) -> int:
    from . import desktop_entry

    try:
        outcome = desktop_entry.install() if args.install else desktop_entry.remove()
    except desktop_entry.EntryError as exc:
        say(f"hinge-timer: {exc}", err=True)
        return 1
    for path in outcome.written:
        # Translators: printed by `desktop-entry --install`, one line per file written.
        say(_("wrote {file}").format(file=path))
    for path in outcome.removed:
        # Translators: printed by `desktop-entry --remove`, one line per file removed.
        say(_("removed {file}").format(file=path))
    for note in outcome.notes:
        say(f"hinge-timer: {note}", err=True)
    if args.install:
        say(_("Hinge Timer is in your desktop's application menu now (if it is not there yet, log out and in "
              "again). `hinge-timer desktop-entry --remove` takes it out."))
    elif not outcome.removed:
        say(_("There was no launcher entry of Hinge Timer to remove."))
    return 0


def cmd_resume(args: argparse.Namespace) -> int:
    from .ui.app import run_gui

    return run_gui(args, resume=True, fullscreen=args.fullscreen)


def cmd_home(args: argparse.Namespace) -> int:
    """No subcommand: open the window on Home."""
    from .ui.app import run_gui

    return run_gui(args)


def cmd_run(args: argparse.Namespace) -> int:
    from .session.timeline import compile_timeline

    try:
        entry = session_catalogue(args).open(args.file)
    except SessionError as exc:
        say_problems(exc)
        return 1
    assert entry.session is not None
    timeline = compile_timeline(entry.session, args.dose)
    if args.terminal:
        from .settings import data_dir
        from .terminal import run_in_terminal

        return run_in_terminal(
            entry, args.dose, speed=args.speed, event_log=args.event_log, accept_cautions=args.accept_cautions,
            history_dir=data_dir(args.data_dir),
        )
    from .ui.app import run_gui

    # The window finds it by the same key: a built-in's stem among Home's entries, else the file's path.
    return run_gui(args, start_file=entry.key, dose=args.dose or timeline.dose, fullscreen=args.fullscreen)


class EscapingFormatter(logging.Formatter):
    """Log lines on stderr: a logged title or path cannot send escape sequences to the terminal."""

    def format(self, record: logging.LogRecord) -> str:
        return controls_escaped(super().format(record), keep_newlines=True)


# The options of every command (``_common``): an abbreviation argparse takes ("--lan de") is one of these.
_GLOBAL = ("--data-dir", "--sessions-dir", "--speed", "--event-log", "--audio", "--lang", "--kiosk", "--verbose")


def _spelled(token: str) -> str:
    """The option ``token`` names, as argparse reads it: itself, or the one option it abbreviates."""
    if not token.startswith("--") or token in _GLOBAL:
        return token
    matches = [o for o in _GLOBAL if o.startswith(token)]
    return matches[0] if len(matches) == 1 else token


def _option(argv: Sequence[str], name: str) -> str | None:
    """The value of option ``name`` in ``argv`` ("--lang de", "--lang=de" or an abbreviation such as
    "--lan de"; the last one wins), before parsing."""
    value = None
    for i, token in enumerate(argv):
        if token == "--":
            break
        option, has_value, rest = token.partition("=")
        if _spelled(option) != name:
            continue
        if has_value:
            value = rest
        elif i + 1 < len(argv):
            value = argv[i + 1]
    return value


def choose_language(argv: Sequence[str], environ: dict[str, str] | None = None) -> str:
    """The language to speak in, chosen before the parser is built (its help is in it too): ``--lang``,
    else View → Language's setting in the data folder, else the system's locale, else English."""
    from .settings import data_dir, saved_language

    env = os.environ if environ is None else environ
    asked = _option(argv, "--lang")
    try:
        folder = data_dir(_option(argv, "--data-dir"))
    except (OSError, ValueError, RuntimeError):  # ("~nosuchuser/x": argparse says so, in the language chosen)
        saved = None
    else:
        saved = saved_language(folder)
    return i18n.choose(asked, saved, env)


# The options a restart in another language keeps: where things are and how the run is set up (the
# language comes from the setting just saved; a command, a session file or kiosk mode are not repeated).
_KEPT_ON_RESTART = ("--data-dir", "--sessions-dir", "--speed", "--event-log", "--audio")


def restart_argv(argv: Sequence[str]) -> list[str]:
    """The command line that opens the window afresh after View → Language: Home, with ``argv``'s
    folders and sound options, in the language now saved."""
    kept: list[str] = []
    for name in _KEPT_ON_RESTART:
        value = _option(argv, name)
        if value is not None:
            kept.append(f"{name}={value}")  # (one token: a folder named "-x" stays a value)
    if any(token == "-v" or _spelled(token) == "--verbose" for token in argv):
        kept.append("--verbose")
    if getattr(sys, "frozen", False):  # a bundle (PyInstaller): the executable is the app
        return [sys.executable, *kept]
    return [sys.executable, "-m", "hinge_timer", *kept]


def _restart_code() -> int:
    from .ui.language import RESTART

    return RESTART


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    i18n.set_language(choose_language(argv))
    args = build_parser(argv).parse_args(argv)
    handler = logging.StreamHandler()
    handler.setFormatter(EscapingFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, handlers=[handler])
    commands = {
        None: cmd_home,
        "validate": cmd_validate,
        "plan": cmd_plan,
        "schema": cmd_schema,
        "run": cmd_run,
        "audio-check": cmd_audio_check,
        "history": cmd_history,
        "kiosk-pin": cmd_kiosk_pin,
        "resume": cmd_resume,
        "desktop-entry": cmd_desktop_entry,
    }
    try:
        code = commands[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        say(f"hinge-timer: {exc}", err=True)
        return 1
    if "hinge_timer.ui.language" in sys.modules and code == _restart_code():  # only a window asks to restart
        again = restart_argv(argv)
        logging.getLogger(__name__).info("starting again in the language chosen: %s", again)
        import atexit

        atexit._run_exitfuncs()  # what exit would do first (the sound engine and speech children reaped)
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        if os.name == "nt":  # Windows' exec starts another process and quotes nothing: start it properly
            import subprocess

            subprocess.Popen(again)
            return 0
        os.execv(again[0], again)
    return code


def entry() -> None:
    sys.exit(main())


def gui_entry() -> None:
    """The windowed script (``hinge-timer-gui``): on Windows ``pythonw`` gives it no console, so there is
    no stdout or stderr to print to; what would be printed goes nowhere rather than ending the app."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (for the process's life)
    entry()
