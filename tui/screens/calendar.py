"""The calendar (日历): a year of meetings month by month (M1), and who came.

A group leader sees their own group; the branch secretary and the
organisation member see every group of the branch, one row each, months as
columns. Each month is held, postponed (with its reason recorded), missing
(an M1 finding), planned or still to come. Below, the attendance of the group
under the cursor over the year's meetings with final minutes: per person and
for the group (late counts as attended; on leave is counted apart). [ and ]
change the year; Escape goes back home. The logic is in ``rules.year.calendar``.
"""

from __future__ import annotations

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from rules.models import BranchRecords
from rules.year.calendar import (
    MONTHS,
    STATE_LABELS,
    GroupAttendance,
    MonthState,
    MonthStatus,
    calendar_rows,
    group_attendance,
    rate_text,
    year_statuses,
)
from tui.core.kiosk import Kiosk
from tui.messages import RecordsChanged
from tui.widgets.bindings import localise_bindings
from tui.widgets.footer import KeysFooter

_ENGLISH = {
    "calendar.previous": "Earlier year",
    "calendar.next": "Later year",
    "calendar.back": "Back",
}

#: A month's cell: a mark in the kiosk's language, and its colour.
MARKS: dict[MonthState, tuple[str, str, str]] = {
    MonthState.HELD: ("●", "●", "green"),
    MonthState.POSTPONED: ("推", "P", "yellow"),
    MonthState.MISSING: ("缺", "X", "bold red"),
    MonthState.PLANNED: ("○", "○", "cyan"),
    MonthState.UPCOMING: ("·", "·", ""),
    MonthState.NOT_COVERED: (" ", " ", "dim"),
}

_LEGEND_ORDER = (
    MonthState.HELD,
    MonthState.POSTPONED,
    MonthState.MISSING,
    MonthState.PLANNED,
    MonthState.UPCOMING,
)


class CalendarScreen(Screen[None]):
    """Held, postponed, missing and upcoming months, and attendance rates."""

    CSS_PATH = "year.tcss"

    BINDINGS = [
        Binding("left_square_bracket", "previous", "上一年", id="calendar.previous"),
        Binding("right_square_bracket", "next", "下一年", id="calendar.next"),
        Binding("escape", "back", "返回", id="calendar.back"),
    ]

    title_line = getters.query_one("#calendar-title", Static)
    grid = getters.query_one("#calendar-grid", DataTable)
    legend = getters.query_one("#calendar-legend", Static)
    summary_line = getters.query_one("#calendar-summary", Static)
    people_table = getters.query_one("#calendar-people", DataTable)

    def __init__(self, kiosk: Kiosk, year: str = "") -> None:
        super().__init__()
        self.kiosk = kiosk
        self.env = kiosk.env
        self.year = int(year) if year else kiosk.today().year
        session = kiosk.session
        self.whole_branch = session is not None and session.branch_admin
        self.rows: list[tuple[str | None, tuple[MonthStatus, ...]]] = []
        localise_bindings(self, self.env.lang, _ENGLISH)

    def compose(self) -> ComposeResult:
        t = self.env.t
        yield Header()
        yield Static("", id="calendar-title")
        grid: DataTable[Text] = DataTable(id="calendar-grid", cursor_type="row")
        grid.add_column(t("党小组", "Group"), key="group")
        for month in MONTHS:
            # Numbers only: twelve months fit in 80 columns.
            grid.add_column(f"{month:>2}", key=f"m{month}")
        grid.add_column(t("出席率", "Rate"), key="rate")
        yield grid
        yield Static("", id="calendar-legend")
        yield Static("", id="calendar-summary")
        people: DataTable[Text] = DataTable(
            id="calendar-people", cursor_type="none", zebra_stripes=True
        )
        people.add_columns(
            t("姓名", "Name"),
            t("应到", "Expected"),
            t("出席", "Attended"),
            t("其中迟到", "of them late"),
            t("请假", "Leave"),
            t("缺席", "Absent"),
            t("出席率", "Rate"),
        )
        yield people
        yield KeysFooter()

    # -- showing ----------------------------------------------------------------

    def on_mount(self) -> None:
        self.refresh_content()
        self.grid.focus()

    @on(RecordsChanged)
    def _records_changed(self) -> None:
        self.refresh_content()

    def refresh_content(self) -> None:
        kiosk, t = self.kiosk, self.env.t
        records = kiosk.records.branch_records(self.year)
        now = kiosk.now()
        if self.whole_branch:
            self.rows = list(calendar_rows(records, self.year, now).items())
            scope = t(
                f"{kiosk.org.branch.name} · 全部党小组", f"{kiosk.org.branch.name} · all groups"
            )
        else:
            gid = kiosk.session.group_id if kiosk.session else None
            self.rows = [(gid, year_statuses(records, gid, self.year, now))]
            scope = kiosk.group_name()
        title = Text()
        heading = t(f"{self.year}年党小组会日历", f"Group meetings in {self.year}")
        title.append(heading, style="bold")
        title.append(f" · {scope}")
        self.title_line.update(title)

        row = self.grid.cursor_row
        self.grid.clear()
        for gid, months in self.rows:
            attendance = group_attendance(records, gid, self.year)
            self.grid.add_row(
                Text(self._group_name(gid)),
                *(self._mark(status) for status in months),
                Text(rate_text(attendance.total)),
                key=gid or "",
            )
        if 0 <= row < len(self.rows):
            self.grid.move_cursor(row=row, animate=False)
        self.legend.update(self._legend())
        self._show_group(records)

    def _group_name(self, gid: str | None) -> str:
        group = self.kiosk.org.group(gid) if gid is not None else None
        if group is not None:
            return group.name
        return self.env.t("党员大会", "Congress")

    def _mark(self, status: MonthStatus) -> Text:
        zh, en, style = MARKS[status.state]
        return Text(self.env.t(zh, en), style=style, justify="center")

    def _legend(self) -> Text:
        legend = Text()
        for state in _LEGEND_ORDER:
            zh, en, style = MARKS[state]
            legend.append(self.env.t(zh, en), style=style)
            legend.append(f" {self.env.t(*STATE_LABELS[state])}  ")
        return legend

    @on(DataTable.RowHighlighted, "#calendar-grid")
    def _highlighted(self) -> None:
        self._show_group(self.kiosk.records.branch_records(self.year))

    def _show_group(self, records: BranchRecords) -> None:
        """The group under the cursor: its months counted, and attendance."""
        row = self.grid.cursor_row if self.rows else -1
        if not 0 <= row < len(self.rows):
            self.summary_line.update("")
            self.people_table.clear()
            return
        gid, months = self.rows[row]
        attendance = group_attendance(records, gid, self.year)
        self.summary_line.update(self._summary(gid, months, attendance))
        table = self.people_table
        table.clear()
        for person, tally in attendance.people:
            rate = Text(rate_text(tally))
            if tally.rate is not None and tally.rate < 0.8:
                rate.stylize("bold yellow")
            table.add_row(
                Text(person.name),
                Text(str(tally.expected), justify="right"),
                Text(str(tally.attended), justify="right"),
                Text(str(tally.late), justify="right"),
                Text(str(tally.on_leave), justify="right"),
                Text(str(tally.absent), justify="right"),
                rate,
            )

    def _summary(
        self, gid: str | None, months: tuple[MonthStatus, ...], attendance: GroupAttendance
    ) -> Text:
        t = self.env.t
        count = {state: sum(1 for s in months if s.state is state) for state in MonthState}
        text = Text()
        text.append(self._group_name(gid), style="bold")
        text.append(
            t(
                f" · 召开 {count[MonthState.HELD]} · 推迟 {count[MonthState.POSTPONED]}"
                f" · 出席率 {rate_text(attendance.total)}"
                f"({attendance.meetings} 次会议,应到 {attendance.total.expected} 人次,"
                f"出席 {attendance.total.attended},请假 {attendance.total.on_leave})",
                f" · held {count[MonthState.HELD]} · postponed {count[MonthState.POSTPONED]}"
                f" · attendance {rate_text(attendance.total)} ({attendance.meetings} meetings, "
                f"{attendance.total.attended} of {attendance.total.expected} attended, "
                f"{attendance.total.on_leave} on leave)",
            )
        )
        missing = [s.month for s in months if s.state is MonthState.MISSING]
        if missing:
            text.append(" · ")
            text.append(
                t(
                    f"缺 {'、'.join(f'{m}月' for m in missing)}(M1)",
                    f"missing: {', '.join(str(m) for m in missing)} (M1)",
                ),
                style="bold red",
            )
        postponed = [s for s in months if s.state is MonthState.POSTPONED]
        for status in postponed:
            text.append(
                t(
                    f" · {status.month}月推迟:{status.postponement_reason}",
                    f" · {status.month}: postponed, {status.postponement_reason}",
                ),
                style="yellow",
            )
        return text

    # -- keys ---------------------------------------------------------------------

    def action_previous(self) -> None:
        self.year -= 1
        self.refresh_content()

    def action_next(self) -> None:
        self.year += 1
        self.refresh_content()

    def action_back(self) -> None:
        self.dismiss()
