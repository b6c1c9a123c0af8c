"""The history screen: the calendar of days trained and the streak, every run, one run's sets,
and a chart of minutes per week (Qt Charts); deleting the chosen run (Delete, asks first) and Undo
(Ctrl+Z) while the screen is open.

A run at another clock speed (``--speed``) is listed and marked ("at 10× speed, not counted"); the
calendar, the streak and the chart leave it out (store/history.py).

Built the first time it is opened (Qt Charts takes ~0.1 s to load).  Its data comes from the history
service as plain rows (app/history.HistoryPage): the run list is a model over the rows already read, so
ten years of daily runs open as fast as ten (benchmarks/history.py), and one run's sets are read when it
is chosen.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QFont, QFontMetrics, QGuiApplication, QPainter, QTextCharFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QCalendarWidget,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..app import commands
from ..app.history import DAY, DAY_MONTH, WHEN_LONG, WHEN_ROW, when
from ..engine.reasons import reason_text
from ..engine.state import State
from ..i18n import N_, _, ngettext
from ..store import history
from ..store.errors import HistoryFault
from ..store.history import RunRow
from . import theme
from .widgets import plain_label, scrolled, side_by_side_if_room

if TYPE_CHECKING:
    from ..app.history import HistoryPage

WEEKS_SHOWN = 26
TABLE_PX = 14
# Translators: the column headings of the History's table of runs.
COLUMNS = (N_("Date"), N_("Session"), N_("Dose"), N_("Minutes"), N_("Result"))
# Translators: a run's dose in the History ("high", "low").
DOSES = {"high": N_("high"), "low": N_("low")}


def dose_word(dose: str) -> str:
    """A dose id in the user's language (one this version does not know: as stored)."""
    return _(DOSES[dose]) if dose in DOSES else dose


def result_text(r: RunRow) -> str:
    """The Result column: the outcome, and the clock's speed when it was not real time (the details and
    the streak line say that such a run is not counted)."""
    if r.counted:
        return r.outcome
    # Translators: the History's Result column for a run at another clock speed: {outcome} how it went
    # ("complete"), {speed} the speed, a number ("10").
    return _("{outcome} · {speed}× speed").format(outcome=r.outcome, speed=f"{r.speed:g}")


class RunsModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[RunRow] = []

    def set_rows(self, rows: list[RunRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (when(r.started, _(WHEN_ROW)), r.title, dose_word(r.dose), f"{r.seconds / 60:.0f}",
                    result_text(r))[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 4:
            if r.stopped:
                return QBrush(theme.NOTICE)
            if r.clean:
                return QBrush(theme.STATE_COLOURS[State.WORK])
            return QBrush(theme.MUTED_TEXT)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(COLUMNS[section])
        return None


class WeeksModel(QAbstractTableModel):
    """The chart's text alternative: its minutes per week as a table (week, minutes), this week first."""

    # Translators: the column headings of the table of minutes per week beside the History's chart.
    HEADERS = (N_("Week of"), N_("Minutes"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.weeks: list[tuple[date, float]] = []  # newest first

    def set_weeks(self, weeks: list[tuple[date, float]]) -> None:
        """``weeks`` as the chart has them, oldest first."""
        self.beginResetModel()
        self.weeks = list(reversed(weeks))
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.weeks)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        week, minutes = self.weeks[index.row()]
        if index.column() == 0:
            return _("This week") if index.row() == 0 else when_day(week, DAY)
        return f"{minutes:.0f}"

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(self.HEADERS[section])
        return None


def when_day(day: date, pattern: str) -> str:
    """A day in the QLocale ``pattern`` (a msgid: translated here), with the user's language's month names."""
    from datetime import datetime

    return when(datetime(day.year, day.month, day.day), _(pattern))


# Translators: what became of a set, in a run's details on the History ("done", "skipped", "stopped").
SET_STATUSES = {"done": N_("done"), "skipped": N_("skipped"), "stopped": N_("stopped")}


def _status_word(status: str) -> str:
    return _(SET_STATUSES[status]) if status in SET_STATUSES else status


def describe_sets(run: RunRow, sets: list[history.SetRow]) -> str:
    """One run's sets, one line each: what was planned and what was done (plain text: names are data)."""
    lines = []
    for s in sets:
        what = s.drill_name
        if s.sets > 1:
            # Translators: a set in a run's details: {drill} the drill's name, {set} which set, {sets} how many.
            what = _("{drill}, set {set} of {sets}").format(drill=what, set=s.set_no, sets=s.sets)
        if s.side:
            from ..session.kinds import side_leg

            # Translators: a set in a run's details: {what} the drill (and set), {side} the side ("left leg").
            what = _("{what}, {side}").format(what=what, side=side_leg(s.side))
        if s.planned_reps is not None:
            # Translators: reps planned or done in a set (the English says "reps" even for one).
            planned = ngettext("{n} reps", "{n} reps", s.planned_reps).format(n=s.planned_reps)
            # Translators: reps planned or done in a set.
            done = ngettext("{n} reps", "{n} reps", s.reps_done or 0).format(n=s.reps_done or 0)
        else:
            # Translators: seconds planned or done in a set ("30 s").
            planned = _("{seconds} s").format(seconds=f"{s.planned_seconds or 0:.0f}")
            # Translators: seconds planned or done in a set ("30 s").
            done = _("{seconds} s").format(seconds=f"{s.seconds_done:.0f}")
        status = _status_word(s.status)
        if s.status != "done" and s.reason:
            # Translators: what became of a set, and why ("stopped (it hurts)", "skipped (skip drill)").
            result = _("{status} ({reason})").format(status=status, reason=reason_text(s.reason))
        else:
            result = status
        if s.status == "stopped":
            # Translators: a set stopped: {done} what was done ("12 s"), {seconds} after how many seconds,
            # {time} at what time ("07:31").
            done = _("{done} — stopped {seconds} s in, {time}").format(
                done=done, seconds=f"{s.seconds_done:.0f}", time=when(s.at, "HH:mm"))
        if s.pauses:
            # Translators: a set paused: {done} what was done ("30 s"), {n} how many times, {seconds} for how long.
            done = ngettext("{done}, paused {n}× ({seconds} s)", "{done}, paused {n}× ({seconds} s)", s.pauses).format(
                done=done, n=s.pauses, seconds=f"{s.paused_seconds:.0f}")
        # Translators: a set in a run's details: {what} the drill and set, {planned} what was planned ("30 s",
        # "8 reps"), {done} what was done, {result} what became of it ("done", "stopped (it hurts)").
        lines.append(_("{what}: planned {planned}, done {done} · {result}").format(
            what=what, planned=planned, done=done, result=result))
    minutes = f"{run.seconds / 60:.0f}"
    if run.dose in DOSES:
        # Translators: a run's details: {title} its session's title, {dose} its dose ("high", "low").
        dose_line = _("{title} · {dose} dose").format(title=run.title, dose=dose_word(run.dose))
    else:
        dose_line = _("{title} · {dose} dose").format(title=run.title, dose=run.dose)
    # Translators: a run's details: {started} when it started ("Monday 05 January 2026, 07:30"), {minutes} how
    # long it took, {outcome} how it went ("complete").
    head = [dose_line, _("{started} · {minutes} min · {outcome}").format(
        started=when(run.started, _(WHEN_LONG)), minutes=minutes, outcome=run.outcome)]
    if run.speed_word:
        # Translators: a run's details; {speed} says its clock's speed ("at 10× speed"), {minutes} how long it
        # really took.
        head.append(_("Run {speed}: the seconds of each set below are on the session's clock; "
                      "{minutes} min is the time it really took. It is left out of the streak, the "
                      "calendar, the chart and the dose advice.").format(speed=run.speed_word, minutes=minutes))
    return "\n".join([*head, ""] + (lines or [_("No set was finished.")]))


class HistoryScreen(QWidget):
    home_requested = Signal()
    export_requested = Signal()
    delete_requested = Signal(object)  # RunRow: the run chosen (the view asks, then deletes)
    undo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("history_screen")
        self.page: HistoryPage | None = None
        self.rows: list[RunRow] = []
        self._marked: list[date] = []
        root = QVBoxLayout(self)
        root.setContentsMargins(16, 12, 16, 12)
        top = QHBoxLayout()
        self.heading = plain_label(self, _("History"), name="history_heading")
        self.streak = plain_label(self, name="streak", wrap=True)  # (long in some languages)
        top.addWidget(self.heading)
        top.addWidget(self.streak, 1)
        root.addLayout(top)

        grid = QGridLayout()
        self.calendar = QCalendarWidget(self)
        self.calendar.setObjectName("calendar")
        self.calendar.setAccessibleName(_("Days trained"))
        self.calendar.setGridVisible(False)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.clicked.connect(self.on_day_clicked)
        for child, spoken in (("qt_calendar_prevmonth", _("Previous month")), ("qt_calendar_nextmonth", _("Next month"))):
            arrow = self.calendar.findChild(QToolButton, child)
            if arrow is not None:  # Qt's own children: an arrow icon and no words
                arrow.setAccessibleName(spoken)
        days = self.calendar.findChild(QTableView, "qt_calendar_calendarview")
        if days is not None:  # the month's grid of days, a table of its own
            days.setAccessibleName(_("Days of the month, days trained marked"))
        self.table = QTableView(self)
        self.table.setObjectName("runs")
        self.table.setAccessibleName(_("Runs"))
        self.model = RunsModel(self.table)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self.show_run(cur.row()))
        self.details = plain_label(self, name="run_details", wrap=True)  # titles and drill names are data
        self.details.setAccessibleName(_("Run details"))
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # A long run (many sets, a long language) scrolls its details rather than cutting them off.
        self.details_scroll = scrolled(self, self.details, "run_details_scroll")

        self.chart = QChart()
        self.chart.setBackgroundBrush(QBrush(theme.PANEL))
        self.chart.legend().hide()
        self.chart.setTitle(_("Minutes per week"))
        self.chart.setTitleBrush(QBrush(theme.TEXT))
        self.chart_view = QChartView(self.chart, self)
        self.chart_view.setObjectName("minutes_chart")
        self.chart_view.setAccessibleName(_("Minutes per week"))
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setBackgroundBrush(QBrush(theme.BACKGROUND))
        self.chart.setBackgroundRoundness(0)
        self.chart_view.setMinimumHeight(160)
        # The chart's numbers as a table beside it, for everyone and for screen readers (a chart is a picture).
        self.weeks_table = QTableView(self)
        self.weeks_table.setObjectName("minutes_table")
        self.weeks_table.setAccessibleName(_("Minutes per week, as a table"))
        self.weeks = WeeksModel(self.weeks_table)
        self.weeks_table.setModel(self.weeks)
        self.weeks_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.weeks_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.weeks_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.weeks_table.verticalHeader().hide()
        self.weeks_table.verticalHeader().setDefaultSectionSize(24)
        self.weeks_table.horizontalHeader().setStretchLastSection(True)
        chart_row = self.chart_row = QBoxLayout(QBoxLayout.Direction.LeftToRight)  # the table under it in portrait
        chart_row.addWidget(self.chart_view, 3)
        chart_row.addWidget(self.weeks_table, 2)

        grid.addWidget(self.calendar, 0, 0)
        grid.addWidget(self.table, 0, 1)
        grid.addWidget(self.details_scroll, 1, 1)
        grid.addLayout(chart_row, 1, 0)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        root.addLayout(grid, 1)

        # The buttons side by side, or one above the other when their words are too long for one row.
        bottom = self.buttons_row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.notice = plain_label(self, name="history_notice", wrap=True)  # may name a file
        self.export_button = QPushButton(_("Export CSV…"), self)
        self.export_button.setObjectName("export_csv")
        self.export_button.clicked.connect(self.export_requested.emit)
        # Their commands' buttons (app/commands.py): a click does what the key does.
        # Translators: a button; {key} is its key ("Delete"). Keep the two spaces before the key.
        self.delete_button = QPushButton(_("Delete run…  ({key})").format(key=commands.key_name("Delete")), self)
        self.delete_button.setObjectName(commands.command("run_delete").button)
        self.delete_button.clicked.connect(self.request_delete)
        # Translators: a button; {key} is its key ("Ctrl+Z"). Keep the two spaces before the key.
        self.undo_button = QPushButton(_("Undo delete  ({key})").format(key=commands.key_name("Ctrl+Z")), self)
        self.undo_button.setObjectName(commands.command("run_undo").button)
        self.undo_button.clicked.connect(self.request_undo)
        self.undo_button.hide()  # shown while a deleted run can be put back
        # Translators: a button; {key} is its key ("Esc"). Keep the two spaces before the key.
        self.home_button = QPushButton(_("Back to home  ({key})").format(key=commands.key_name("Esc")), self)
        self.home_button.setObjectName("history_home")
        self.home_button.clicked.connect(self.home_requested.emit)
        root.addWidget(self.notice)
        bottom.addStretch(1)
        bottom.addWidget(self.undo_button)
        bottom.addWidget(self.delete_button)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.home_button)
        root.addLayout(bottom)
        # Tab walks the calendar (its month arrows too), the runs, the details and the buttons; a click
        # on a button never moves the focus (ui/keys.py).  Tab leaves the table: it does not walk its cells.
        self.table.setTabKeyNavigation(False)
        for w in (self.undo_button, self.delete_button, self.export_button, self.home_button, self.details,
                  *(self.calendar.findChild(QWidget, n) for n in ("qt_calendar_prevmonth", "qt_calendar_monthbutton",
                                                                  "qt_calendar_yearbutton", "qt_calendar_nextmonth"))):
            if w is not None:
                w.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._style()
        font = QFont(self.table.font())
        font.setPixelSize(TABLE_PX)  # the style sheet's size: the columns fit their longest usual text
        metrics = QFontMetrics(font)
        from datetime import datetime

        longest = when(datetime(2026, 9, 30, 23, 59), _(WHEN_ROW))
        for col, sample in enumerate((longest, "Quick warm-up before lift", dose_word("high"), _("Minutes"))):
            header.resizeSection(col, metrics.horizontalAdvance(sample) + 20)
        week_w = metrics.horizontalAdvance(when_day(date(2026, 9, 30), DAY)) + 24
        minutes_w = metrics.horizontalAdvance(_("Minutes")) + 32
        self.weeks_table.horizontalHeader().resizeSection(0, week_w)
        self.weeks_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.weeks_table.setFixedWidth(week_w + minutes_w + self.weeks_table.verticalScrollBar().sizeHint().width() + 4)

    # -- filling it ------------------------------------------------------------------------
    def load(self, page: HistoryPage, today: date | None = None, select: int = 0) -> None:
        """Fill every part from the runs read; ``page.notice`` says why the history may be incomplete.
        ``select``: the row chosen (the first, newest, by default)."""
        self.page = page
        self.notice.setText(page.notice if page.readable or page.notice else _("No history yet."))
        self.set_undo(False)
        self._fill(page.runs, today, select)

    def _fill(self, rows: list[RunRow], today: date | None = None, select: int = 0) -> None:
        today = today or date.today()
        self.rows = rows
        self.model.set_rows(self.rows)
        days = history.days_trained(self.rows)
        streak = history.current_streak(days, today)
        week = history.minutes_per_week(self.rows, today, weeks=1)[0][1]
        other = sum(1 for r in self.rows if not r.counted)
        # Translators: days in a row with a session, up to today ("Current streak: 3 days").
        streak_text = ngettext("Current streak: {n} day", "Current streak: {n} days", streak).format(n=streak)
        if other:
            # Translators: all the runs in the history, {other} of them at another clock speed (--speed).
            runs = ngettext("{n} run in all ({other} at another speed, not counted)",
                            "{n} runs in all ({other} at another speed, not counted)", len(self.rows)).format(
                n=len(self.rows), other=other)
        else:
            # Translators: all the runs in the history.
            runs = ngettext("{n} run in all", "{n} runs in all", len(self.rows)).format(n=len(self.rows))
        # Translators: the History's top line: {streak} "Current streak: 3 days", {runs} "5 runs in all",
        # {minutes} the minutes trained this week.
        self.streak.setText(_("{streak} · {runs} · {minutes} min this week").format(
            streak=streak_text, runs=runs, minutes=f"{week:.0f}"))
        self._mark_days(days)
        self._fill_chart(history.minutes_per_week(self.rows, today, WEEKS_SHOWN))
        readable = self.page is not None and self.page.readable
        self.export_button.setEnabled(readable and bool(self.rows))
        self.delete_button.setEnabled(readable and self.page is not None and self.page.writable and bool(self.rows))
        if self.rows:
            row = max(0, min(len(self.rows) - 1, select))
            self.table.selectRow(row)
            self.show_run(row)
        else:
            self._show_details(_("No runs yet. Finish a set and it shows here."))

    # -- deleting a run, and undo ------------------------------------------------------------
    @property
    def selected_run(self) -> RunRow | None:
        row = self.table.currentIndex().row()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def request_delete(self) -> bool:
        """Delete (the key or the button): ask the view to delete the chosen run; False if none is chosen."""
        run = self.selected_run
        if run is None or not self.delete_button.isEnabled():
            return False
        self.delete_requested.emit(run)
        return True

    def request_undo(self) -> bool:
        """Undo (Ctrl+Z or the button): False when there is nothing to put back."""
        if self.undo_button.isHidden():
            return False
        self.undo_requested.emit()
        return True

    def remove_run(self, run_id: int) -> None:
        """The run is out of the history: out of the list, the calendar, the streak and the chart at once;
        the run that took its place is chosen."""
        at = next((i for i, r in enumerate(self.rows) if r.id == run_id), None)
        if at is None:
            return
        self._fill([r for r in self.rows if r.id != run_id], select=at)

    def put_back(self, run: RunRow) -> None:
        """A deleted run is back in the history: in its place in the list (newest first), and chosen."""
        rows = [r for r in self.rows if r.id != run.id] + [run]
        rows.sort(key=lambda r: (r.started, r.id), reverse=True)
        self._fill(rows, select=rows.index(run))

    def set_undo(self, can: bool, what: str = "") -> None:
        """Show Undo while a deleted run can be put back; ``what`` says which (plain text: names are data)."""
        self.undo_button.setVisible(can)
        self._place_buttons()
        if what:
            self.notice.setText(what)

    def _mark_days(self, days: dict[date, int]) -> None:
        plain = QTextCharFormat()
        for d in self._marked:
            self.calendar.setDateTextFormat(QDate(d.year, d.month, d.day), plain)
        trained = QTextCharFormat()
        trained.setBackground(QBrush(theme.STATE_COLOURS[State.WORK]))
        trained.setForeground(QBrush(theme.ink_on(theme.STATE_COLOURS[State.WORK])))
        trained.setFontWeight(700)
        for d in days:
            self.calendar.setDateTextFormat(QDate(d.year, d.month, d.day), trained)
        self._marked = list(days)

    def _fill_chart(self, weeks: list[tuple[date, float]]) -> None:
        self.weeks.set_weeks(weeks)  # the same numbers, as a table
        if weeks:
            most = max(weeks, key=lambda w: w[1])
            # Translators: the chart described for a screen reader: {weeks} how many weeks, {first} the first
            # week's Monday ("05 Jan 2026"), {now} the minutes this week, {most} the most minutes in a week,
            # {best} that week's Monday.
            self.chart_view.setAccessibleDescription(
                ngettext("A bar a week for {weeks} week, from {first} to this week: {now} min this week, the most "
                         "{most} min in the week of {best}. The table beside it lists every week.",
                         "A bar a week for {weeks} weeks, from {first} to this week: {now} min this week, the most "
                         "{most} min in the week of {best}. The table beside it lists every week.", len(weeks)).format(
                    weeks=len(weeks), first=when_day(weeks[0][0], DAY), now=f"{weeks[-1][1]:.0f}",
                    most=f"{most[1]:.0f}", best=when_day(most[0], DAY)))
        chart = self.chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        bars = QBarSet(_("Minutes"))
        bars.setColor(theme.STATE_COLOURS[State.WORK])
        for _week, minutes in weeks:
            bars.append(round(minutes, 1))
        series = QBarSeries()
        series.append(bars)
        chart.addSeries(series)
        x = QBarCategoryAxis()
        # One category per week (an axis keeps one bar per distinct label); 26 dates do not fit under
        # the bars, so the title gives the span and the weeks run left to right up to this one.
        x.append([when_day(w, DAY) for w, _minutes in weeks])
        x.setLabelsVisible(False)
        if weeks:
            # Translators: the chart's title; {first} is the first week's Monday ("05 Jan").
            chart.setTitle(_("Minutes per week, {first} to this week").format(first=when_day(weeks[0][0], DAY_MONTH)))
        y = QValueAxis()
        top = max([m for _, m in weeks] + [10.0])
        y.setRange(0, top * 1.1)
        y.setLabelFormat("%.0f")
        y.setLabelsBrush(QBrush(theme.MUTED_TEXT))
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)

    @property
    def chart_values(self) -> list[float]:
        series = self.chart.series()
        if not series:
            return []
        bars = series[0].barSets()[0]  # type: ignore[attr-defined]
        return [bars.at(i) for i in range(bars.count())]

    def show_run(self, row: int) -> None:
        if self.page is None or not self.page.readable or not 0 <= row < len(self.rows):
            return
        run = self.rows[row]
        try:
            sets = self.page.sets(run.id)
        except HistoryFault as exc:  # a lock or damage since the screen was filled
            # Translators: {problem} is one sentence on what went wrong with the history's file.
            self._show_details(_("The sets of this run cannot be read. {problem}").format(problem=exc))
            return
        self._show_details(describe_sets(run, sets))

    def _show_details(self, text: str) -> None:
        """The chosen run's details; their whole text is the label's description for screen readers, and
        its name after "Run details: " (Orca reads a focused label's name only).  An event only when it
        changes."""
        self.details.setText(text)
        if self.details.accessibleDescription() != text:
            self.details.setAccessibleDescription(text)
            # Translators: the run details' name for a screen reader; {details} is what they say, whole.
            self.details.setAccessibleName(_("Run details: {details}").format(details=text) if text
                                           else _("Run details"))

    @Slot(QDate)
    def on_day_clicked(self, qdate: QDate) -> None:
        day = date(qdate.year(), qdate.month(), qdate.day())
        for i, r in enumerate(self.rows):
            if r.started.date() == day:
                self.table.selectRow(i)
                self.table.scrollTo(self.model.index(i, 0))
                return

    def command_handlers(self) -> dict[str, commands.Handler]:
        """What History does of the command table (app/commands.py)."""
        return {"history_back": self.home_requested.emit, "run_next": lambda: self.move_selection(1),
                "run_previous": lambda: self.move_selection(-1), "page_down": lambda: self.move_selection(10),
                "page_up": lambda: self.move_selection(-10), "run_delete": self.request_delete,
                "run_undo": self.request_undo}

    def move_selection(self, step: int) -> bool:
        """Select the run ``step`` rows down (up if negative), within the table; False if there are none."""
        if not self.rows:
            return False
        self.table.selectRow(max(0, min(len(self.rows) - 1, self.table.currentIndex().row() + step)))
        return True

    def handle_key(self, key: int, text: str, ctrl: bool | None = None) -> bool:
        """History's keys, from the command table; True if the key was used.  ``ctrl``: Ctrl was held
        (None: as the key event being handled says, Ctrl+Z being one of History's keys)."""
        if ctrl is None:
            ctrl = bool(QGuiApplication.keyboardModifiers() & Qt.KeyboardModifier.ControlModifier)
        return commands.press(self.command_handlers(), commands.Context(commands.HISTORY), key, text, ctrl)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        portrait = self.height() > self.width()
        self.chart_row.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)
        self._place_buttons()

    def _place_buttons(self) -> None:
        margins = self.layout().contentsMargins()  # type: ignore[union-attr]
        room = self.width() - margins.left() - margins.right()
        side_by_side_if_room(self.buttons_row, [b for b in (self.undo_button, self.delete_button, self.export_button,
                                                            self.home_button) if not b.isHidden()], room)

    def _style(self) -> None:
        text, panel, muted = theme.TEXT.name(), theme.PANEL.name(), theme.MUTED_TEXT.name()
        self.heading.setStyleSheet(f"color: {text}; font-size: 26px; font-weight: bold;")
        self.streak.setStyleSheet(f"color: {text}; font-size: 17px; padding-left: 18px;")
        self.details.setStyleSheet(f"color: {text}; font-size: 14px; background: {panel}; padding: 8px;")
        self.details_scroll.setStyleSheet(f"QScrollArea {{ background: {panel}; border: none; }}")
        self.notice.setStyleSheet(f"color: {theme.NOTICE.name()}; font-size: 13px;")
        self.weeks_table.setStyleSheet(
            f"QTableView {{ background: {panel}; color: {text}; font-size: {TABLE_PX}px; gridline-color: {theme.TRACK.name()};"
            f" selection-background-color: {theme.STATE_COLOURS[State.IDLE].name()}; }}"
            f" QHeaderView::section {{ background: {theme.TRACK.name()}; color: {muted}; padding: 4px; border: none; }}")
        self.table.setStyleSheet(
            f"QTableView {{ background: {panel}; color: {text}; font-size: {TABLE_PX}px; gridline-color: {theme.TRACK.name()};"
            f" selection-background-color: {theme.STATE_COLOURS[State.IDLE].name()}; }}"
            f" QHeaderView::section {{ background: {theme.TRACK.name()}; color: {muted}; padding: 4px; border: none; }}")
        self.calendar.setStyleSheet(
            f"QCalendarWidget QWidget {{ alternate-background-color: {panel}; }}"
            f" QCalendarWidget QAbstractItemView:enabled {{ background: {panel}; color: {text};"
            f" selection-background-color: {theme.STATE_COLOURS[State.IDLE].name()}; }}"
            f" QCalendarWidget QToolButton {{ color: {text}; font-size: 15px; }}"
            f" QCalendarWidget QWidget#qt_calendar_navigationbar {{ background: {theme.TRACK.name()}; }}")
        for b in (self.undo_button, self.delete_button, self.export_button, self.home_button):
            b.setStyleSheet("font-size: 15px; min-height: 40px; padding: 0 16px;")
