"""Helpers shared by the checks: building findings, naming things, months."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta

from rules.checks.findings import Finding, Severity, Subject, SubjectKind
from rules.checks.seed import RULES
from rules.models import (
    BranchRecords,
    Group,
    Meeting,
    MeetingKind,
    Organisation,
    Person,
)

Check = Callable[[BranchRecords, datetime], Iterable[Finding]]
"""A check looks at the records as of ``now`` and reports what is wrong."""

Month = tuple[int, int]  # (year, month)

_EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def finding(rule: str, severity: Severity, subject: Subject, zh: str, en: str) -> Finding:
    return Finding(
        rule=rule,
        severity=severity,
        subject=subject,
        message_zh=zh,
        message_en=en[:1].upper() + en[1:],  # "the 第一党小组 meeting …" opens a sentence
        seed=RULES[rule].seed,
    )


# -- dates and months -------------------------------------------------------


def zh_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def en_date(d: date) -> str:
    return f"{d.day} {_EN_MONTHS[d.month - 1]} {d.year}"


def zh_month(m: Month) -> str:
    return f"{m[0]}年{m[1]}月"


def en_month(m: Month) -> str:
    return f"{_EN_MONTHS[m[1] - 1]} {m[0]}"


def month_of(d: date) -> Month:
    return (d.year, d.month)


def next_month(m: Month) -> Month:
    return (m[0] + 1, 1) if m[1] == 12 else (m[0], m[1] + 1)


def first_full_month(d: date) -> Month:
    """The first calendar month lying wholly on or after ``d``."""
    return month_of(d) if d.day == 1 else next_month(month_of(d))


def months_between(start: Month, stop: Month) -> list[Month]:
    """The months from ``start`` up to but not including ``stop``."""
    months: list[Month] = []
    current = start
    while current < stop:
        months.append(current)
        current = next_month(current)
    return months


def local_date(moment: datetime, like: datetime) -> date:
    """The calendar day of ``moment`` in the time zone of ``like``."""
    return moment.astimezone(like.tzinfo).date()


def days(n: int) -> timedelta:
    return timedelta(days=n)


# -- names ------------------------------------------------------------------


def name_of(org: Organisation, person_id: str) -> str:
    person = org.person(person_id)
    return person.name if person is not None else person_id


def zh_names(names: Iterable[str]) -> str:
    return "、".join(names)


def en_names(names: Iterable[str]) -> str:
    return ", ".join(names)


def person_names(people: Sequence[Person]) -> list[str]:
    return [p.name for p in people]


def branch_subject(org: Organisation) -> Subject:
    return Subject(SubjectKind.BRANCH, org.branch.id, org.branch.name)


def group_subject(group: Group) -> Subject:
    return Subject(SubjectKind.GROUP, group.id, group.name)


def person_subject(person: Person) -> Subject:
    return Subject(SubjectKind.PERSON, person.id, person.name)


_KIND_ZH = {
    MeetingKind.REGULAR: "会议",
    MeetingKind.SPECIAL: "会议",
    MeetingKind.LIFE: "生活会",
    MeetingKind.MEMBER_CONGRESS: "党员大会",
}
_KIND_EN = {
    MeetingKind.REGULAR: "meeting",
    MeetingKind.SPECIAL: "special meeting",
    MeetingKind.LIFE: "life meeting",
    MeetingKind.MEMBER_CONGRESS: "party member congress",
}


def host_name(meeting: Meeting, org: Organisation) -> str:
    """The group holding the meeting, or the branch for a member congress."""
    if meeting.group_id is None:
        return org.branch.name
    group = org.group(meeting.group_id)
    return group.name if group is not None else meeting.group_id


def meeting_label(meeting: Meeting, org: Organisation) -> str:
    """第一党小组 2026年3月12日会议"""
    return f"{host_name(meeting, org)} {zh_date(meeting.held_on)}{_KIND_ZH[meeting.kind]}"


def meeting_label_en(meeting: Meeting, org: Organisation) -> str:
    """the 第一党小组 meeting of 12 March 2026"""
    return f"the {meeting_title_en(meeting, org)}"


def meeting_title_en(meeting: Meeting, org: Organisation) -> str:
    """第一党小组 meeting of 12 March 2026 (meeting_label in English)"""
    kind = _KIND_EN[meeting.kind]
    return f"{host_name(meeting, org)} {kind} of {en_date(meeting.held_on)}"


def meeting_subject(meeting: Meeting, org: Organisation) -> Subject:
    return Subject(
        SubjectKind.MEETING,
        meeting.id,
        meeting_label(meeting, org),
        meeting_title_en(meeting, org),
    )


# -- which records count ----------------------------------------------------


def is_held(meeting: Meeting) -> bool:
    """Started (being or been held) and not postponed."""
    return meeting.step.held and not meeting.postponed


def counts_for_month(meeting: Meeting) -> bool:
    """Held, or put off with the postponement recorded (M1)."""
    return is_held(meeting) or meeting.postponed


def checked_meetings(records: BranchRecords) -> list[Meeting]:
    """Meetings of active groups, and the branch's member congresses."""
    active = {g.id for g in records.organisation.active_groups}
    return [m for m in records.meetings if m.group_id is None or m.group_id in active]


def group_meetings(records: BranchRecords, group_id: str | None) -> list[Meeting]:
    return [m for m in records.meetings if m.group_id == group_id]


def first_meeting_day(records: BranchRecords, group_id: str | None) -> date | None:
    """The day of the group's (None: the branch's) first recorded meeting,
    over the whole history even when ``records`` is a slice of it."""
    if records.first_days is not None:
        return records.first_days.get(group_id)
    return min((m.held_on for m in group_meetings(records, group_id)), default=None)


def records_start(
    records: BranchRecords, group_id: str | None = None, *, any_group: bool = False
) -> Month | None:
    """The first month the records cover: from ``records_since`` or, if that
    is not known, from the first recorded meeting of the group (or, with
    ``any_group``, of anyone in the branch)."""
    if records.records_since is not None:
        return first_full_month(records.records_since)
    if not any_group:
        day = first_meeting_day(records, group_id)
    elif records.first_days is not None:
        day = min(records.first_days.values(), default=None)
    else:
        day = min((m.held_on for m in records.meetings), default=None)
    return month_of(day) if day is not None else None


def in_period(records: BranchRecords, start: Month) -> Month:
    """``start``, or the first month of the slice judged if that is later."""
    if records.period_from is None:
        return start
    return max(start, month_of(records.period_from))


def end_month(records: BranchRecords, now: datetime) -> Month:
    """The month the judged months stop before: the current one, or the end
    of the slice judged if that is sooner."""
    end = now_month(now)
    if records.period_until is not None:
        end = min(end, month_of(records.period_until))
    return end


def last_year(records: BranchRecords, now: datetime) -> int:
    """The last year judged: the current one, or the slice's last."""
    year = now.date().year
    if records.period_until is not None:
        year = min(year, (records.period_until - timedelta(days=1)).year)
    return year


def group_start(records: BranchRecords, group: Group) -> Month | None:
    """The first month a group is answerable for (M1, Y1, Y2).

    The records cover from ``records_since`` (or, if that is not known, from
    the group's first recorded meeting); a group set up mid-month is
    answerable from the next month on. In a slice of the history, months
    before the slice are left to the slice that holds them.
    """
    start = records_start(records, group.id)
    if start is None:
        return None
    if group.decided_on is not None:
        start = max(start, first_full_month(group.decided_on))
    return in_period(records, start)


def now_month(now: datetime) -> Month:
    return month_of(now.date())


def branch_start(records: BranchRecords) -> Month | None:
    """The first month a branch with no groups must hold a member congress
    for (B1): from the start of the records, and once its last group was
    dissolved."""
    start = records_start(records, any_group=True)
    if start is None:
        return None
    dissolved = [g.dissolved_on for g in records.organisation.groups if g.dissolved_on]
    if dissolved:
        start = max(start, first_full_month(max(dissolved)))
    return start
