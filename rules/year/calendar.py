"""The year month by month (M1, Y1, Y2), and who came (M6), for the calendar
and the annual-plan screens.

党小组会一般每月召开一次 … 也可推迟召开会议时间 (M1): each calendar month of a
group is held, postponed (with its reason), missing, planned (a meeting in
preparation) or still to come. What counts is decided by the same helpers the
rules engine's M1 and B1 checks use, so a month shown as missing here is
exactly a month the engine reports.

Attendance over a year counts the meetings whose minutes are final (R3): the
roll of a meeting still under way is not yet complete. Late (迟到) counts as
attended; on leave (请假) is counted apart, and is not attended.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from rules.checks._common import (
    Month,
    branch_start,
    counts_for_month,
    group_meetings,
    group_start,
    is_held,
    month_of,
    now_month,
)
from rules.meeting.minutes import meeting_members
from rules.models import AttendanceStatus, BranchRecords, Meeting, MeetingKind, Person

MONTHS = tuple(range(1, 13))
#: December is the group's organisational life meeting (党小组生活会, Y2).
LIFE_MONTH = 12


class MonthState(StrEnum):
    """How a group's calendar month stands (M1)."""

    HELD = "held"  # a meeting was held (or is under way)
    POSTPONED = "postponed"  # put off, the reason recorded: allowed
    MISSING = "missing"  # over, neither held nor postponed: an M1 finding
    PLANNED = "planned"  # a meeting in preparation, not yet held
    UPCOMING = "upcoming"  # this month or later, nothing planned yet
    NOT_COVERED = "not_covered"  # before the records (or the group) begin


#: Labels for screens: (zh, en), short enough for a calendar cell.
STATE_LABELS: dict[MonthState, tuple[str, str]] = {
    MonthState.HELD: ("已召开", "held"),
    MonthState.POSTPONED: ("已推迟", "postponed"),
    MonthState.MISSING: ("缺", "missing"),
    MonthState.PLANNED: ("已安排", "planned"),
    MonthState.UPCOMING: ("待开", "to come"),
    MonthState.NOT_COVERED: ("—", "—"),
}


@dataclass(frozen=True)
class LifeMeeting:
    """December's group life meeting (党小组生活会) and whether opinions were
    gathered before it (要求会前征求好意见, Y2)."""

    meeting: Meeting | None  # the month's life meeting, if one is recorded
    gathered_on: date | None

    @property
    def gathered_in_time(self) -> bool:
        """Opinions were gathered on a day before the meeting."""
        return (
            self.meeting is not None
            and self.gathered_on is not None
            and self.gathered_on < self.meeting.held_on
        )


@dataclass(frozen=True)
class MonthStatus:
    group_id: str | None
    year: int
    month: int
    state: MonthState
    # The meeting the state is about: the one held, the one postponed, the
    # one in preparation (or, for a missing month, one planned but never held).
    meeting: Meeting | None = None
    # December only (Y2).
    life: LifeMeeting | None = None

    @property
    def postponement_reason(self) -> str:
        if self.state is MonthState.POSTPONED and self.meeting is not None:
            postponement = self.meeting.postponement
            return postponement.reason if postponement is not None else ""
        return ""


def _answerable_from(records: BranchRecords, group_id: str | None) -> Month | None:
    """The first month the group (or, None, the branch's member congress,
    B1) must account for — as the engine's M1 and B1 checks count it."""
    org = records.organisation
    if group_id is not None:
        group = org.group(group_id)
        if group is None or not group.active:
            return None
        return group_start(records, group)
    if org.active_groups:
        return None  # a branch with groups holds no monthly congress (B1)
    return branch_start(records)


def _first(meetings: Sequence[Meeting]) -> Meeting | None:
    return min(meetings, key=lambda m: (m.held_on, m.id)) if meetings else None


def month_status(
    records: BranchRecords, group_id: str | None, year: int, month: int, now: datetime
) -> MonthStatus:
    """How ``group_id``'s month stands as of ``now``."""
    start = _answerable_from(records, group_id)
    this_month = now_month(now)
    in_month = [
        m for m in group_meetings(records, group_id) if month_of(m.held_on) == (year, month)
    ]
    held = [m for m in in_month if is_held(m)]
    postponed = [m for m in in_month if m.postponed]
    waiting = [m for m in in_month if not counts_for_month(m)]
    life = _life(in_month) if month == LIFE_MONTH else None
    if held:
        return MonthStatus(group_id, year, month, MonthState.HELD, _first(held), life)
    if postponed:
        latest = max(postponed, key=lambda m: (m.planned_at, m.id))
        return MonthStatus(group_id, year, month, MonthState.POSTPONED, latest, life)
    if (year, month) >= this_month:
        state = MonthState.PLANNED if waiting else MonthState.UPCOMING
        return MonthStatus(group_id, year, month, state, _first(waiting), life)
    if start is None or (year, month) < start:
        return MonthStatus(group_id, year, month, MonthState.NOT_COVERED, _first(waiting), life)
    return MonthStatus(group_id, year, month, MonthState.MISSING, _first(waiting), life)


def _life(in_month: Sequence[Meeting]) -> LifeMeeting:
    lives = [m for m in in_month if m.kind is MeetingKind.LIFE and not m.postponed]
    meeting = _first([m for m in lives if is_held(m)] or lives)
    return LifeMeeting(meeting, meeting.opinions_gathered_on if meeting is not None else None)


def year_statuses(
    records: BranchRecords, group_id: str | None, year: int, now: datetime
) -> tuple[MonthStatus, ...]:
    """The twelve months of ``year`` for one group."""
    return tuple(month_status(records, group_id, year, m, now) for m in MONTHS)


def calendar_rows(
    records: BranchRecords, year: int, now: datetime
) -> dict[str | None, tuple[MonthStatus, ...]]:
    """The whole branch: each active group's twelve months (or, for a branch
    without groups, its member congress's, under None — B1)."""
    groups = records.organisation.active_groups
    if not groups:
        return {None: year_statuses(records, None, year, now)}
    return {g.id: year_statuses(records, g.id, year, now) for g in groups}


# -- attendance ------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceTally:
    """One person's (or one group's) attendance over a year's meetings."""

    expected: int = 0  # meetings they were expected at
    present: int = 0
    late: int = 0  # 迟到: attended
    on_leave: int = 0  # 请假: not attended, counted apart
    absent: int = 0  # 缺席, or no record at all

    @property
    def attended(self) -> int:
        return self.present + self.late

    @property
    def rate(self) -> float | None:
        """Attended over expected; None when nothing was expected."""
        return self.attended / self.expected if self.expected else None

    def __add__(self, other: AttendanceTally) -> AttendanceTally:
        return AttendanceTally(
            self.expected + other.expected,
            self.present + other.present,
            self.late + other.late,
            self.on_leave + other.on_leave,
            self.absent + other.absent,
        )


_ONE = {
    AttendanceStatus.PRESENT: AttendanceTally(1, present=1),
    AttendanceStatus.LATE: AttendanceTally(1, late=1),
    AttendanceStatus.ON_LEAVE: AttendanceTally(1, on_leave=1),
    AttendanceStatus.ABSENT: AttendanceTally(1, absent=1),
}


def counted_meetings(records: BranchRecords, group_id: str | None, year: int) -> list[Meeting]:
    """The group's meetings of ``year`` held with their minutes final."""
    return [
        m
        for m in group_meetings(records, group_id)
        if is_held(m) and m.step.minutes_final and m.held_on.year == year
    ]


@dataclass(frozen=True)
class GroupAttendance:
    group_id: str | None
    meetings: int  # meetings counted
    total: AttendanceTally
    people: tuple[tuple[Person, AttendanceTally], ...]  # in the roster's order


def group_attendance(records: BranchRecords, group_id: str | None, year: int) -> GroupAttendance:
    """Each person expected at the group's meetings of ``year`` (the members
    at the time each meeting started), and the group in total. Current
    members expected at none of them are listed with nothing expected."""
    org = records.organisation
    meetings = counted_meetings(records, group_id, year)
    tallies: dict[str, AttendanceTally] = {}
    for meeting in meetings:
        for person in meeting_members(meeting, org):
            record = meeting.attendance_of(person.id)
            one = _ONE[record.status] if record is not None else _ONE[AttendanceStatus.ABSENT]
            tallies[person.id] = tallies.get(person.id, AttendanceTally()) + one
    current = org.members_of(group_id) if group_id is not None else org.party_members
    for person in current:
        tallies.setdefault(person.id, AttendanceTally())
    people = tuple((p, tallies[p.id]) for p in org.people if p.id in tallies)
    total = AttendanceTally()
    for _, tally in people:
        total = total + tally
    return GroupAttendance(group_id, len(meetings), total, people)


def rate_text(tally: AttendanceTally) -> str:
    """93%, or — when nothing was expected."""
    rate = tally.rate
    return "—" if rate is None else f"{round(rate * 100)}%"
