"""The year's group-meeting ledger (党小组会台账) as an Excel workbook.

One summary sheet, then for each group three sheets: its meetings (date,
kind, topics, place, chair, recorder, expected / present / late / on leave /
absent, status — held, postponed with the reason, planned, or a month with
no meeting at all (M1) — and the dates the minutes were checked (A1) and
reported (A2)); attendance, person by meeting (a grid, each person's status
— 正式党员, 预备党员, or 列席 for a guest — and totals); the follow-up tasks
(后续任务, A3, named as the kiosk's tasks screen names them: meeting, who,
task, due, state, closed, last progress).

Another part of xiaozu adds its own sheets (party dues: 按时收缴党费) by
putting a writer in ``EXTRA_SHEET_WRITERS``: a function given the workbook and
the ``Ledger`` that appends its sheet(s) after the groups' sheets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from rules.meeting.minutes import meeting_members
from rules.models import (
    AttendanceStatus,
    BranchRecords,
    FollowUpTask,
    Meeting,
    Person,
    TaskStatus,
)
from rules.organisation.changes import STATUS_LABELS
from tui.export.minutes_content import ATTENDANCE, KIND


@dataclass(frozen=True)
class Ledger:
    """What a sheet writer is given: the records, the year, the groups (None:
    the branch's own member congress, B1), the clock and the language."""

    records: BranchRecords
    year: int
    group_ids: tuple[str | None, ...]
    now: datetime
    tz: ZoneInfo
    lang: str = "zh"
    # Styles shared by every sheet, so added sheets look like the others.
    title_font: Font = field(default_factory=lambda: Font(bold=True, size=14))
    header_font: Font = field(default_factory=lambda: Font(bold=True))
    header_fill: PatternFill = field(
        default_factory=lambda: PatternFill("solid", start_color="DDE4EE")
    )

    def t(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh

    def group_name(self, group_id: str | None) -> str:
        org = self.records.organisation
        group = org.group(group_id) if group_id else None
        if group is not None:
            return group.name
        return self.t("党员大会", "Member congress") if group_id is None else group_id

    def meetings(self, group_id: str | None) -> list[Meeting]:
        """The group's meetings in the year, by date."""
        return sorted(
            (
                m
                for m in self.records.meetings
                if m.group_id == group_id and m.held_on.year == self.year
            ),
            key=lambda m: (m.started_at or m.planned_at, m.id),
        )

    def name(self, person_id: str | None) -> str:
        if person_id is None:
            return ""
        person = self.records.organisation.person(person_id)
        return person.name if person else person_id

    def day(self, moment: datetime | None) -> date | None:
        return moment.astimezone(self.tz).date() if moment is not None else None

    def sheet(self, book: Workbook, title: str, heading: str, header: Sequence[str]) -> Worksheet:
        """A new sheet: a title row, a header row (row 2, frozen), data from row 3."""
        sheet = book.create_sheet(sheet_title(book, title))
        sheet.cell(1, 1, heading).font = self.title_font
        for column, text in enumerate(header, start=1):
            cell = sheet.cell(2, column, text)
            cell.font = self.header_font
            cell.fill = self.header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.freeze_panes = "A3"
        return sheet


LedgerSheetWriter = Callable[[Workbook, Ledger], None]

#: Writers of further sheets, called in order after the groups' sheets.
EXTRA_SHEET_WRITERS: list[LedgerSheetWriter] = []

#: What the kiosk's tasks screen calls a follow-up task (A3), so that the
#: ledger's sheets and columns say the same (tui/screens/tasks.py).
TASKS = ("后续任务", "Follow-up tasks")

HEADER_ROW = 2
FIRST_ROW = 3
DATE_FORMAT = "yyyy-mm-dd"
_BAD_TITLE = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_title(book: Workbook, wanted: str) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\), unique."""
    base = wanted.translate(_BAD_TITLE)[:31]
    title, n = base, 2
    while title in book.sheetnames:
        suffix = f"({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    return title


def ledger_xlsx(ledger: Ledger, extra: Sequence[LedgerSheetWriter] | None = None) -> bytes:
    """The workbook's bytes."""
    book = ledger_workbook(ledger, extra)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def ledger_workbook(ledger: Ledger, extra: Sequence[LedgerSheetWriter] | None = None) -> Workbook:
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    _summary(book, ledger)
    for group_id in ledger.group_ids:
        _meetings_sheet(book, ledger, group_id)
        _attendance_sheet(book, ledger, group_id)
        _tasks_sheet(book, ledger, group_id)
    for writer in EXTRA_SHEET_WRITERS if extra is None else extra:
        writer(book, ledger)
    return book


# -- counting ------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    expected: int
    present: int  # came (on time or late)
    late: int
    on_leave: int
    absent: int  # absent, or never recorded
    guests: int


def counts(meeting: Meeting, ledger: Ledger) -> Counts:
    members = meeting_members(meeting, ledger.records.organisation)
    member_ids = {p.id for p in members}
    statuses = [record.status if (record := meeting.attendance_of(p.id)) else None for p in members]
    guests = sum(
        1 for a in meeting.attendance if a.person_id not in member_ids and a.status.attended
    )
    return Counts(
        expected=len(members),
        present=sum(1 for s in statuses if s is not None and s.attended),
        late=statuses.count(AttendanceStatus.LATE),
        on_leave=statuses.count(AttendanceStatus.ON_LEAVE),
        absent=statuses.count(AttendanceStatus.ABSENT) + statuses.count(None),
        guests=guests,
    )


def status_of(meeting: Meeting, ledger: Ledger) -> str:
    t = ledger.t
    if meeting.postponement is not None:
        return t("已推迟", "postponed")
    if not meeting.step.held:
        return t("计划", "planned")
    if not meeting.step.minutes_final:
        return t("进行中(记录未定稿)", "under way (minutes not final)")
    return t("已召开", "held")


def _tasks_of(ledger: Ledger, meetings: Sequence[Meeting]) -> list[FollowUpTask]:
    ids = {m.id: m for m in meetings}
    return sorted(
        (t for t in ledger.records.tasks if t.meeting_id in ids),
        key=lambda t: (ids[t.meeting_id].held_on, t.due, t.id),
    )


def _missing_months(ledger: Ledger, meetings: Sequence[Meeting]) -> list[int]:
    """Past months of the year with neither a meeting nor a postponement (M1),
    from the month the records begin."""
    today = ledger.now.astimezone(ledger.tz).date()
    since = ledger.records.records_since
    covered = {m.held_on.month for m in meetings}
    covered |= {m.planned_at.date().month for m in meetings if m.postponement is not None}
    out = []
    for month in range(1, 13):
        if (ledger.year, month) >= (today.year, today.month):
            break  # the month under way may still have its meeting
        if since is not None and (ledger.year, month) < (since.year, since.month):
            continue
        if month not in covered:
            out.append(month)
    return out


# -- sheets --------------------------------------------------------------------


def _summary(book: Workbook, ledger: Ledger) -> None:
    t = ledger.t
    branch = ledger.records.organisation.branch.name
    sheet = ledger.sheet(
        book,
        t("汇总", "Summary"),
        t(f"{branch} {ledger.year}年党小组会台账", f"{branch} — group meetings {ledger.year}"),
        [
            t("党小组", "Group"),
            t("已召开", "Held"),
            t("已推迟", "Postponed"),
            t("计划中", "Planned"),
            t("无会议的月份", "Months without a meeting"),
            t("应到人次", "Expected (person-meetings)"),
            t("实到人次", "Present (person-meetings)"),
            t("出席率", "Attendance"),
            t(*TASKS),
            t("已完成", "Done"),
            t("未完成", "Open"),
        ],
    )
    for row, group_id in enumerate(ledger.group_ids, start=FIRST_ROW):
        meetings = ledger.meetings(group_id)
        held = [m for m in meetings if m.step.held]
        totals = [counts(m, ledger) for m in held]
        expected = sum(c.expected for c in totals)
        present = sum(c.present for c in totals)
        tasks = _tasks_of(ledger, meetings)
        done = sum(1 for task in tasks if task.status is TaskStatus.DONE)
        missing = _missing_months(ledger, meetings)
        values: list[object] = [
            ledger.group_name(group_id),
            len(held),
            sum(1 for m in meetings if m.postponement is not None),
            sum(1 for m in meetings if not m.step.held and m.postponement is None),
            t("、", ", ").join(t(f"{m}月", f"{m:02d}") for m in missing) or "—",
            expected,
            present,
            present / expected if expected else None,
            len(tasks),
            done,
            len(tasks) - done,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row, column, value)
            if column == 8:
                cell.number_format = "0.0%"
    _widths(sheet, [16, 8, 8, 8, 18, 10, 10, 8, 8, 8, 8])


def _meetings_sheet(book: Workbook, ledger: Ledger, group_id: str | None) -> None:
    t = ledger.t
    name = ledger.group_name(group_id)
    sheet = ledger.sheet(
        book,
        t(f"{name}-会议", f"{name} meetings"),
        t(f"{name} {ledger.year}年党小组会议", f"{name} — meetings {ledger.year}"),
        [
            t("日期", "Date"),
            t("类型", "Kind"),
            t("议题", "Topics"),
            t("地点", "Place"),
            t("主持人", "Chair"),
            t("记录人", "Recorder"),
            t("应到", "Expected"),
            t("实到", "Present"),
            t("迟到", "Late"),
            t("请假", "On leave"),
            t("缺席", "Absent"),
            t("列席", "Guests"),
            t("状态", "Status"),
            t("推迟原因/改期", "Postponed: reason / new date"),
            t("记录检查日期(A1)", "Minutes checked (A1)"),
            t("向支部汇报日期(A2)", "Reported to the branch (A2)"),
        ],
    )
    meetings = ledger.meetings(group_id)
    rows: list[tuple[date, list[object]]] = []
    for meeting in meetings:
        day = (meeting.started_at or meeting.planned_at).astimezone(ledger.tz).date()
        values: list[object] = [
            day,
            t(*KIND[meeting.kind]),
            "\n".join(f"{i + 1}. {topic}" for i, topic in enumerate(meeting.topics)),
            meeting.place,
            ledger.name(meeting.chair_id or _leader(ledger, group_id)),
            ledger.name(meeting.recorder_id),
        ]
        c = counts(meeting, ledger)
        if meeting.step.held:
            values += [c.expected, c.present, c.late, c.on_leave, c.absent, c.guests]
        else:
            values += [c.expected, None, None, None, None, None]
        values.append(status_of(meeting, ledger))
        postponed = meeting.postponement
        if postponed is not None:
            new = (
                t(f";改期至{postponed.new_date.isoformat()}", f"; moved to {postponed.new_date}")
                if postponed.new_date
                else ""
            )
            values.append(postponed.reason + new)
        else:
            values.append(None)
        values += [ledger.day(meeting.checked_at), ledger.day(meeting.reported_at)]
        rows.append((day, values))
    for month in _missing_months(ledger, meetings):
        gap: list[object] = [date(ledger.year, month, 1), None, None, None, None, None]
        gap += [None] * 6
        gap += [t("本月未开会,也无推迟记录(M1)", "no meeting and no postponement this month (M1)")]
        gap += [None, None, None]
        rows.append((date(ledger.year, month, 1), gap))
    rows.sort(key=lambda r: r[0])
    for row, (_day, values) in enumerate(rows, start=FIRST_ROW):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row, column, value)
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            if column in (3, 14):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    _widths(sheet, [12, 12, 40, 18, 10, 10, 6, 6, 6, 6, 6, 6, 16, 30, 14, 14])


def _leader(ledger: Ledger, group_id: str | None) -> str | None:
    group = ledger.records.organisation.group(group_id) if group_id else None
    return group.leader_id if group else None


def _attendance_sheet(book: Workbook, ledger: Ledger, group_id: str | None) -> None:
    """Rows: everyone expected at, or recorded at, a meeting held; columns: the
    meetings; a cell: 出席 / 迟到 / 请假:reason / 缺席:reason / 未登记, or empty
    when the person was not expected (not yet, or no longer, in the group)."""
    t = ledger.t
    name = ledger.group_name(group_id)
    org = ledger.records.organisation
    held = [m for m in ledger.meetings(group_id) if m.step.held]
    people: dict[str, Person | None] = {}
    for meeting in held:
        for member in meeting_members(meeting, org):
            people.setdefault(member.id, member)
        for recorded in meeting.attendance:
            people.setdefault(recorded.person_id, org.person(recorded.person_id))
    header = [t("姓名", "Name"), t("身份", "Status")]
    header += [(m.started_at or m.planned_at).astimezone(ledger.tz).strftime("%m-%d") for m in held]
    header += [t("出席", "Present"), t("迟到", "Late"), t("请假", "On leave"), t("缺席", "Absent")]
    sheet = ledger.sheet(
        book,
        t(f"{name}-出勤", f"{name} attendance"),
        t(f"{name} {ledger.year}年出勤情况", f"{name} — attendance {ledger.year}"),
        header,
    )
    for row, (person_id, person) in enumerate(people.items(), start=FIRST_ROW):
        sheet.cell(row, 1, person.name if person else person_id)
        tally = dict.fromkeys(AttendanceStatus, 0)
        roles = set()
        for column, meeting in enumerate(held, start=3):
            member_ids = {p.id for p in meeting_members(meeting, org)}
            record = meeting.attendance_of(person_id)
            roles.add("member" if person_id in member_ids else "guest")
            if record is None:
                text = t("未登记", "not recorded") if person_id in member_ids else None
                if text is not None:
                    tally[AttendanceStatus.ABSENT] += 1
            else:
                tally[record.status] += 1
                text = t(*ATTENDANCE[record.status])
                if record.reason.strip():
                    text += t(":", ": ") + record.reason.strip()
            if person_id not in member_ids and record is None:
                text = None
            sheet.cell(row, column, text)
        sheet.cell(row, 2, _role(ledger, person, member="member" in roles))
        end = 3 + len(held)
        sheet.cell(row, end, tally[AttendanceStatus.PRESENT] + tally[AttendanceStatus.LATE])
        sheet.cell(row, end + 1, tally[AttendanceStatus.LATE])
        sheet.cell(row, end + 2, tally[AttendanceStatus.ON_LEAVE])
        sheet.cell(row, end + 3, tally[AttendanceStatus.ABSENT])
    _widths(sheet, [10, 8] + [12] * len(held) + [6, 6, 6, 6])


def _role(ledger: Ledger, person: Person | None, *, member: bool) -> str:
    """正式党员 / 预备党员 for a member, 列席·群众 … for a guest, as the kiosk's
    roster writes them."""
    status = ledger.t(*STATUS_LABELS[person.status]) if person is not None else ""
    if member:
        return status or ledger.t("党员", "member")
    guest = ledger.t("列席", "guest")
    return f"{guest}{ledger.t('·', ' · ')}{status}" if status else guest


def _tasks_sheet(book: Workbook, ledger: Ledger, group_id: str | None) -> None:
    t = ledger.t
    name = ledger.group_name(group_id)
    today = ledger.now.astimezone(ledger.tz).date()
    sheet = ledger.sheet(
        book,
        t(f"{name}-{TASKS[0]}", f"{name} {TASKS[1].lower()}"),
        t(
            f"{name} {ledger.year}年{TASKS[0]}落实情况(A3)",
            f"{name} — {TASKS[1].lower()} {ledger.year} (A3)",
        ),
        [
            t("会议", "Meeting"),
            t("负责人", "Who"),
            t("任务", "Task"),
            t("期限", "Due"),
            t("状态", "State"),
            t("完成日期", "Closed"),
            t("最新进展", "Last progress"),
        ],
    )
    meetings = ledger.meetings(group_id)
    by_id = {m.id: m for m in meetings}
    for row, task in enumerate(_tasks_of(ledger, meetings), start=FIRST_ROW):
        if task.status is TaskStatus.DONE:
            status = t("已完成", "done")
        elif task.due < today:
            days = (today - task.due).days
            status = t(f"已逾期{days}天", f"{days} days overdue")
        else:
            status = t("未完成", "open")
        latest = task.notes[-1].text if task.notes else None
        values: list[object] = [
            (by_id[task.meeting_id].started_at or by_id[task.meeting_id].planned_at)
            .astimezone(ledger.tz)
            .date(),
            ledger.name(task.assignee_id),
            task.what,
            task.due,
            status,
            ledger.day(task.done_at),
            latest,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row, column, value)
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            if column in (3, 7):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    _widths(sheet, [12, 10, 40, 12, 12, 12, 40])


def _widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
