"""Reading the history: runs, one run's sets, a run's session hash, days trained, streak, minutes per week,
the dose suggestion, interrupted runs, CSV, and deleting a run (and putting it back).  Qt-free; every
function takes the connection.

A run at a clock speed other than 1 (``--speed``, a demo or a test) is listed, marked with its speed
(``RunRow.speed_word``), and left out of what measures training: the days trained (the calendar and the
streak), the minutes per week, the dose suggestion and the kiosk's count of today.  Its ``seconds`` are
the time it took as lived, like every run's."""

from __future__ import annotations

import csv
import sqlite3
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from typing import IO, Any, Callable, Iterable

from ..engine.reasons import reason_text
from .. import i18n
from ..i18n import N_, _, ngettext
from .recorder import owner_alive

# What a stopped set with no reason stored is shown with (in brackets after the drill's name).
# Translators: a set stopped with no reason given, in brackets after the drill's name ("Jefferson curl (stopped)").
STOPPED = N_("stopped")


@dataclass(frozen=True)
class RunRow:
    id: int
    key: str
    title: str
    dose: str
    started: datetime  # local time
    seconds: float
    status: str  # running, completed, ended, interrupted
    end_reason: str | None
    sets_planned: int  # work steps recorded (done, skipped or stopped)
    sets_done: int
    skipped: int
    stopped: int
    stopped_drills: str | None  # "Jefferson curl (it hurts)": the reasons as their ids (English)
    resume_step: int | None
    resume_label: str | None
    speed: float = 1.0  # the clock's speed (--speed); 1: real time
    # The stopped drills as (drill name, reason id or "" for none), for showing in the user's language.
    stops: tuple[tuple[str, str], ...] = ()

    @property
    def counted(self) -> bool:
        """Run in real time: it counts toward the days trained, the streak, the chart and the advice."""
        return self.speed == 1

    @property
    def speed_word(self) -> str:
        """ "at 10× speed" for a run at another speed than real time; "" for one in real time."""
        if self.counted:
            return ""
        # Translators: a run at another clock speed than real time (--speed); {speed} is a number ("10").
        return _("at {speed}× speed").format(speed=f"{self.speed:g}")

    @property
    def clean(self) -> bool:
        """Reached the end with nothing skipped or stopped."""
        return self.status == "completed" and self.skipped == 0 and self.stopped == 0

    @property
    def stopped_text(self) -> str:
        """The stopped drills with their reasons in the user's language ("Jefferson curl (it hurts)")."""
        if not self.stops:
            return self.stopped_drills or ""
        # Translators: a drill stopped in a run: {drill} its name, {reason} why ("it hurts").
        return ", ".join(_("{drill} ({reason})").format(drill=d, reason=reason_text(r) if r else _(STOPPED))
                         for d, r in self.stops)

    @property
    def outcome(self) -> str:
        """How the run went, in the user's language (the History's Result column, the command line's)."""
        if self.status == "running":
            # Translators: a run's result in the History: still going.
            return _("in progress")
        if self.status == "interrupted":
            # Translators: a run's result in the History: cut off by a crash, a power cut or a kill.
            return _("interrupted")
        if self.stopped:
            # Translators: a run's result in the History; {drills} the drills stopped ("Jefferson curl (it hurts)").
            return _("stopped: {drills}").format(drills=self.stopped_text)
        if self.status == "ended":
            if self.end_reason:
                # Translators: a run's result in the History; {reason} why it ended ("window closed").
                return _("ended early ({reason})").format(reason=reason_text(self.end_reason))
            # Translators: a run's result in the History.
            return _("ended early")
        if self.clean:
            # Translators: a run's result in the History: to the end, nothing skipped or stopped.
            return _("complete")
        # Translators: a run's result in the History: to the end, {n} sets skipped.
        return ngettext("complete, {n} skipped", "complete, {n} skipped", self.skipped).format(n=self.skipped)


@dataclass(frozen=True)
class SetRow:
    step: int
    drill_name: str
    set_no: int
    sets: int
    side: str | None
    planned_reps: int | None
    planned_seconds: float | None
    status: str
    reason: str | None
    reps_done: int | None
    seconds_done: float
    at: datetime
    pauses: int
    paused_seconds: float


def local(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone()


# A set "stopped" with the run's own end reason was cut short by ending the session, not by a stop in the drill.
_STOP = "(s.status = 'stopped' AND s.reason IS NOT r.end_reason)"
_RUNS_SQL = f"""
SELECT r.id, r.session_key, r.title, r.dose, r.started_at, r.seconds, r.status, r.end_reason,
       count(s.step), coalesce(sum(s.status = 'done'), 0), coalesce(sum(s.status = 'skipped'), 0),
       coalesce(sum({_STOP}), 0),
       group_concat(DISTINCT CASE WHEN {_STOP} THEN s.drill_name || ' (' || coalesce(s.reason, 'stopped') || ')' END),
       r.resume_step, r.resume_label, r.speed,
       group_concat(DISTINCT CASE WHEN {_STOP} THEN s.drill_name || char(31) || coalesce(s.reason, '') || char(30) END)
FROM runs r LEFT JOIN sets s ON s.run_id = r.id
{{where}}
GROUP BY r.id
ORDER BY r.started_at DESC, r.id DESC
{{limit}}
"""


def _run_rows(conn: sqlite3.Connection, where: str = "", args: tuple[object, ...] = (), limit: str = "") -> list[RunRow]:
    rows = conn.execute(_RUNS_SQL.format(where=where, limit=limit), args).fetchall()
    return [RunRow(r[0], r[1], r[2], r[3], local(r[4]), float(r[5]), r[6], r[7], r[8], r[9], r[10], r[11],
                   r[12].replace(",", ", ") if r[12] else None, r[13], r[14], float(r[15]), _stops(r[16]))
            for r in rows]


def _stops(text: str | None) -> tuple[tuple[str, str], ...]:
    """The stopped drills as (name, reason id) from their group_concat (each "name\x1freason\x1e")."""
    if not text:
        return ()
    out = []
    for part in text.removesuffix("\x1e").split("\x1e,"):
        name, _sep, reason = part.partition("\x1f")
        out.append((name, reason))
    return tuple(out)


def runs(conn: sqlite3.Connection) -> list[RunRow]:
    """Every run, newest first."""
    return _run_rows(conn)


def run_sets(conn: sqlite3.Connection, run_id: int) -> list[SetRow]:
    rows = conn.execute(
        "SELECT step, drill_name, set_no, sets, side, planned_reps, planned_seconds, status, reason, reps_done,"
        " seconds_done, at, pauses, paused_seconds FROM sets WHERE run_id = ? ORDER BY step", (run_id,)).fetchall()
    return [SetRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], local(r[11]), r[12], r[13])
            for r in rows]


def interrupted(conn: sqlite3.Connection) -> list[RunRow]:
    """Runs left running by a process that is gone (a crash, a power cut, a kill): newest first."""
    found = conn.execute("SELECT id, owner FROM runs WHERE status = 'running' AND resume_step IS NOT NULL"
                         " ORDER BY started_at DESC").fetchall()
    ids = [rid for rid, owner in found if not owner_alive(owner)]
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return _run_rows(conn, f"WHERE r.id IN ({marks})", tuple(ids))


def run_content_hash(conn: sqlite3.Connection, run_id: int) -> str:
    """The SHA-256 of the session file as it was when the run started ("" if the run is not there)."""
    row = conn.execute("SELECT content_hash FROM runs WHERE id = ?", (run_id,)).fetchone()
    return str(row[0]) if row else ""


def kiosk_runs_today(conn: sqlite3.Connection, today: date | None = None) -> int:
    """Kiosk runs started today (local time): all a kiosk's home screen shows of its history.  A run at
    another clock speed (a demo of the kiosk) is not a stranger's session: not counted."""
    today = today or date.today()
    rows = conn.execute("SELECT started_at FROM runs WHERE kiosk = 1 AND speed = 1 AND started_at >= ?",
                        ((datetime.combine(today, datetime.min.time()).astimezone() - timedelta(days=1))
                         .astimezone(timezone.utc).isoformat(),)).fetchall()
    return sum(1 for (started,) in rows if local(started).date() == today)


def discard(conn: sqlite3.Connection, run_id: int) -> None:
    """Give up resuming: the run stays in the history, as interrupted."""
    conn.execute("UPDATE runs SET status = 'interrupted', ended_at = updated_at, resume_step = NULL"
                 " WHERE id = ? AND status = 'running'", (run_id,))


# -- deleting a run, and putting it back -----------------------------------------------------------
Value = str | int | float | bytes | None


class NotDeletable(Exception):
    """The run cannot be deleted (or was deleted already); ``str()`` says why in one sentence."""


@dataclass(frozen=True)
class DeletedRun:
    """A run taken out of the history with everything it held, to be put back exactly (undo)."""

    row: RunRow  # as it was listed
    run: tuple[tuple[str, Value], ...]  # its row of ``runs``: every column, by name
    sets: tuple[tuple[tuple[str, Value], ...], ...]  # its rows of ``sets``, each every column by name


def _named(cur: sqlite3.Cursor) -> list[tuple[tuple[str, Value], ...]]:
    names = [d[0] for d in cur.description]
    return [tuple(zip(names, row)) for row in cur.fetchall()]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def delete_run(conn: sqlite3.Connection, run_id: int) -> DeletedRun:
    """Take the run ``run_id`` and its sets out of the history, in one transaction; what it held comes back
    for :func:`restore_run`.  Raises :class:`NotDeletable` for a run that is not there any more or is
    still running (in progress in a window, or waiting on Home to be resumed), ``sqlite3.Error`` when the
    file cannot be written now (another program's lock: SQLITE_BUSY, at once on a busy timeout of 0)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = _named(conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)))
        if not found:
            raise NotDeletable(_("This run is no longer in the history."))
        run = found[0]
        if dict(run)["status"] == "running":
            raise NotDeletable(_("This run is still going, or waiting on Home to be resumed, so it cannot be "
                                 "deleted yet: finish it, or discard it on Home, first."))
        (listed,) = _run_rows(conn, "WHERE r.id = ?", (run_id,))
        sets = _named(conn.execute("SELECT * FROM sets WHERE run_id = ? ORDER BY step", (run_id,)))
        conn.execute("DELETE FROM sets WHERE run_id = ?", (run_id,))  # (ON DELETE CASCADE would too)
        conn.execute("DELETE FROM runs WHERE id = ?", (run_id,))
        conn.execute("COMMIT")
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    return DeletedRun(listed, run, tuple(sets))


def restore_run(conn: sqlite3.Connection, deleted: DeletedRun) -> RunRow:
    """Put a deleted run back as it was (every column of the run and of each set, the same id), in one
    transaction; the row as listed.  If another window has since recorded a run under that id (SQLite
    reuses the highest), the run comes back, whole, under a new one.  Raises ``sqlite3.Error`` when the
    file cannot be written now (nothing is written then)."""
    run = dict(deleted.run)
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute("SELECT 1 FROM runs WHERE id = ?", (run["id"],)).fetchone() is not None:
            del run["id"]
        cur = conn.execute(f"INSERT INTO runs ({', '.join(map(_ident, run))}) VALUES ({', '.join('?' * len(run))})",
                           list(run.values()))
        run_id = cur.lastrowid
        assert run_id is not None
        for named in deleted.sets:
            row = dict(named, run_id=run_id)
            conn.execute(f"INSERT INTO sets ({', '.join(map(_ident, row))}) VALUES ({', '.join('?' * len(row))})",
                         list(row.values()))
        conn.execute("COMMIT")
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    return deleted.row if run_id == deleted.row.id else replace(deleted.row, id=run_id)


# -- the calendar, the streak and the chart ------------------------------------------------------
def days_trained(rows: Iterable[RunRow]) -> Counter[date]:
    """How many runs were started on each local day (runs in real time only: ``RunRow.counted``).
    The calendar marks these days and the streak counts them."""
    return Counter(r.started.date() for r in rows if r.counted)


def current_streak(days: Iterable[date], today: date) -> int:
    """Days in a row with a run, ending today (or yesterday, when today's run is still to come)."""
    have = set(days)
    day = today if today in have else today - timedelta(days=1)
    n = 0
    while day in have:
        n += 1
        day -= timedelta(days=1)
    return n


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def minutes_per_week(rows: Iterable[RunRow], today: date, weeks: int = 26) -> list[tuple[date, float]]:
    """Minutes trained in each of the last ``weeks`` weeks (Monday first), oldest first (runs in real
    time only: ``RunRow.counted``)."""
    last = week_start(today)
    first = last - timedelta(weeks=weeks - 1)
    totals: dict[date, float] = {first + timedelta(weeks=k): 0.0 for k in range(weeks)}
    for r in rows:
        if not r.counted:
            continue
        w = week_start(r.started.date())
        if w in totals:
            totals[w] += r.seconds / 60
    return sorted(totals.items())


# -- progression ----------------------------------------------------------------------------------
def suggestion(conn: sqlite3.Connection, key: str) -> tuple[str, str] | None:
    """("high" or "low", why) for the session ``key``, from its last runs; None when there is nothing to say.

    Only a person's own runs in real time count, not a kiosk's strangers' nor runs at another clock speed
    (``--speed``: a demo or a test says nothing about how the drills went).  A stop ("it hurts") in the latest run
    says stay at the low dose.  The last two runs at the low
    dose, both to the end with nothing skipped or stopped, say try the high dose.
    """
    recent = _run_rows(conn, "WHERE r.session_key = ? AND r.status != 'running' AND r.kiosk = 0 AND r.speed = 1",
                        (key,), "LIMIT 10")
    if not recent:
        return None
    latest = recent[0]
    if latest.stopped:
        # Translators: in "you stopped {drills}" when the drill's name is not known.
        what = latest.stopped_text or _("a drill")
        # Translators: dose advice on Home: {drills} the drills stopped ("Jefferson curl (it hurts)"), {day} the
        # day of that run ("Mon 05 Jan").
        return "low", _("Stay at the low dose: you stopped {drills} on {day}. Go up only once it feels fine.").format(
            drills=what, day=f"{latest.started:%a %d %b}")
    last_two = recent[:2]
    if len(last_two) == 2 and all(r.dose == "low" and r.clean for r in last_two):
        first, second = (f"{r.started:%a %d %b}" for r in reversed(last_two))
        # Translators: dose advice on Home: {first} and {second} are the days of the last two runs ("Mon 05 Jan").
        return "high", _("Ready for the high dose: your last two runs at the low dose ({first} and {second}) were "
                         "finished with nothing skipped or stopped.").format(first=first, second=second)
    return None


class ShownNames:
    """The words a stored run is shown in.  The history keeps a session's title and drill names as its
    file writes them (``Timeline.original``), whatever language the run was done in; a screen or a CSV
    shows them in the current language, from the session a run's key names (its translation), and as
    stored where that session cannot be found or no longer has those names."""

    def __init__(self, find_entry: Callable[[str], Any] | None) -> None:
        self.find_entry = find_entry
        self._maps: dict[str, tuple[dict[str, str], dict[str, str]]] = {}

    def _of(self, key: str) -> tuple[dict[str, str], dict[str, str]]:
        maps = self._maps.get(key)
        if maps is None:
            maps = ({}, {})
            try:
                entry = self.find_entry(key) if self.find_entry is not None else None
            except Exception:  # noqa: BLE001 - a session that cannot be found or read: its stored words
                entry = None
            session = getattr(entry, "session", None)
            if session is not None and hasattr(session, "localized"):
                shown = session.localized(i18n.language())
                if shown is not session:
                    maps = ({session.title: shown.title},
                            {a.name: b.name for a, b in zip(session.drills, shown.drills)})
            self._maps[key] = maps
        return maps

    def title(self, key: str, title: str) -> str:
        return self._of(key)[0].get(title, title)

    def drill(self, key: str, name: str) -> str:
        return self._of(key)[1].get(name, name)

    def run(self, row: RunRow) -> RunRow:
        """``row`` with its title and stopped drills in the current language."""
        title = self.title(row.key, row.title)
        stops = tuple((self.drill(row.key, d), r) for d, r in row.stops)
        return row if (title, stops) == (row.title, row.stops) else replace(row, title=title, stops=stops)



# -- export ---------------------------------------------------------------------------------------
CSV_COLUMNS = [
    "run", "started", "session", "dose", "run_status", "run_minutes", "speed", "step", "drill", "set", "sets", "side",
    "planned_reps", "reps_done", "planned_seconds", "seconds_done", "status", "reason", "pauses",
    "paused_seconds", "ended",
]


def _q(col: str) -> str:
    """A text column as a CSV field, quoted by SQLite itself (empty when NULL)."""
    return f"""coalesce('"' || replace({col}, '"', '""') || '"', '')"""


def _n(col: str) -> str:
    return f"coalesce({col}, '')"


# CSV lines built by SQLite, the run's part once per run and the set's part once per set: ten years of
# runs export in well under the time Python's csv module takes over the same rows (benchmarks/history.py).
_RUN_FIELDS = [
    _n("id"), _q("started_at"), _q("title"), _q("dose"), _q("status"), _n("round(seconds / 60.0, 2)"),
    _n("speed")]  # run_minutes: as lived; speed: the clock's (1: real time)
_RUN_PART = " || ',' || ".join(_RUN_FIELDS)
_SET_PART = " || ',' || ".join([
    _n("step"), _q("drill_name"), _n("set_no"), _n("sets"), _q("side"), _n("planned_reps"), _n("reps_done"),
    _n("planned_seconds"), _n("seconds_done"), _q("status"), _q("reason"), _n("pauses"), _n("paused_seconds"),
    _q("at")])
_NO_SET = "," * (len(CSV_COLUMNS) - len(_RUN_FIELDS) - 1)


def _never_raising(words: Callable[[str, str], str]) -> Callable[[str, str], str]:
    """``words`` as SQLite calls it: a failure there would end the export as a damaged history, so the
    stored word is written instead (and the failure logged)."""
    def call(key: str, stored: str) -> str:
        try:
            return words(key, stored)
        except Exception:  # noqa: BLE001 - whatever the lookup does wrong, the export goes on
            import logging

            logging.getLogger(__name__).exception("looking up the words of %r failed; stored words used", key)
            return stored
    return call


def export_csv(conn: sqlite3.Connection, out: IO[str], title: Callable[[str, str], str] | None = None,
               drill: Callable[[str, str], str] | None = None) -> int:
    """One row per set and side of every run (a run with no sets yet still gets a row); return the count.
    ``title(key, title)`` and ``drill(key, name)`` give the words a session's title and drill names are
    written in (the current language's: app/history.py ``ShownNames``); as stored without them."""
    csv.writer(out, lineterminator="\n").writerow(CSV_COLUMNS)
    run_part, set_part = _RUN_PART, _SET_PART
    if title is not None and drill is not None:
        # Looked up by SQLite as it builds each line: a run's key and the stored words in, the shown words out.
        conn.create_function("hinge_shown_title", 2, _never_raising(title), deterministic=True)
        conn.create_function("hinge_shown_drill", 2, _never_raising(drill), deterministic=True)
        run_part = _RUN_PART.replace(_q("title"), _q("hinge_shown_title(session_key, title)"))
        set_part = _SET_PART.replace(_q("drill_name"), _q(
            "hinge_shown_drill((SELECT session_key FROM runs WHERE runs.id = sets.run_id), drill_name)"))
    runs = conn.execute(f"SELECT id, {run_part} FROM runs ORDER BY started_at, id").fetchall()
    sets: dict[int, list[str]] = {}
    for run_id, line in conn.execute(f"SELECT run_id, {set_part} FROM sets ORDER BY run_id, step"):
        sets.setdefault(run_id, []).append(line)
    n = 0
    buf: list[str] = []
    for run_id, head in runs:
        lines = sets.get(run_id) or [_NO_SET]
        prefix = head + ","
        buf.extend(prefix + line + "\n" for line in lines)
        n += len(lines)
        if len(buf) > 4000:
            out.write("".join(buf))
            buf.clear()
    out.write("".join(buf))
    return n
