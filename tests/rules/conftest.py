"""Small builders for rules tests: a fixed clock, people, groups, meetings,
and one small branch that keeps every rule (``compliant_records``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rules.checks.findings import Finding
from rules.models import (
    Attendance,
    AttendanceStatus,
    Branch,
    BranchRecords,
    BranchRole,
    FollowUpTask,
    Group,
    Meeting,
    MemberStatus,
    Opinion,
    Organisation,
    Person,
    Step,
    TaskStatus,
)
from rules.year.plan_template import plan_from_template

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=TZ)
BRANCH = Branch("b1", "机关第一党支部")


def at(year: int, month: int, day: int, hour: int = 14, minute: int = 30) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


def person(
    pid: str,
    name: str,
    status: MemberStatus = MemberStatus.FULL,
    group_id: str | None = "g1",
    **kw: Any,
) -> Person:
    return Person(pid, name, status, group_id=group_id, **kw)


def group(gid: str, name: str, leader_id: str | None, **kw: Any) -> Group:
    kw.setdefault("decided_on", date(2025, 12, 1))
    kw.setdefault("reported_up_on", date(2025, 12, 8))
    return Group(gid, name, leader_id=leader_id, **kw)


def organisation(groups: Iterable[Group], people: Iterable[Person]) -> Organisation:
    return Organisation(branch=BRANCH, groups=tuple(groups), people=tuple(people))


def held_meeting(
    mid: str,
    group_id: str | None,
    when: datetime,
    org: Organisation,
    topics: tuple[str, ...] = ("学习党章",),
    **changes: Any,
) -> Meeting:
    """A meeting held at ``when`` by the book: consulted, noticed two days
    ahead, everyone present, minutes complete, checked and reported."""
    members = org.members_of(group_id) if group_id is not None else org.party_members
    meeting = Meeting(
        id=mid,
        group_id=group_id,
        planned_at=when,
        place="三楼会议室",
        topics=topics,
        recorder_id=members[1].id,
        consulted_branch_at=when - timedelta(days=3),
        notice_sent_at=when - timedelta(days=2),
        step=Step.REPORTED,
        started_at=when,
        ended_at=when + timedelta(hours=1, minutes=30),
        attendance=tuple(Attendance(p.id, AttendanceStatus.PRESENT) for p in members),
        opinions=tuple(Opinion(members[0].id, i, "同意,并提出改进") for i in range(len(topics))),
        summary="统一了认识,明确了分工",
        finalised_at=when + timedelta(hours=2),
        checked_at=when + timedelta(days=1),
        reported_at=when + timedelta(days=2),
    )
    return replace(meeting, **changes)


def compliant_people() -> tuple[Person, ...]:
    return (
        person("zw", "张伟", department="生产科"),
        person("ln", "李娜", department="生产科"),
        person("wf", "王芳", MemberStatus.PROBATIONARY, department="生产科"),
        person(
            "zq",
            "赵强",
            department="生产科",
            leadership_post=True,
            branch_role=BranchRole.SECRETARY,
        ),
        person("ly", "刘洋", group_id="g2", department="财务科", leadership_post=True),
        person("cj", "陈静", group_id="g2", department="财务科"),
        person("yf", "杨帆", MemberStatus.PROBATIONARY, group_id="g2", department="财务科"),
        person("sm", "孙敏", MemberStatus.ACTIVIST, group_id=None, department="生产科"),
    )


def compliant_org() -> Organisation:
    return organisation(
        (group("g1", "第一党小组", "zw"), group("g2", "第二党小组", "ly")),
        compliant_people(),
    )


def monthly_meetings(org: Organisation, gid: str, day: int, months: range) -> list[Meeting]:
    """One meeting a month in 2026; January's reviews 2025 and decides the plan."""
    meetings = []
    for month in months:
        extra: dict[str, Any] = {}
        if month == 1:
            extra = {"reviews_last_year": True, "decides_annual_plan": True}
        meetings.append(
            held_meeting(f"{gid}-2026-{month:02d}", gid, at(2026, month, day), org, **extra)
        )
    return meetings


def compliant_records() -> BranchRecords:
    """Two groups that met every month of 2026 so far, by the book, as of NOW.

    The November meeting of 第一党小组 is still to come (28 November).
    """
    org = compliant_org()
    meetings = [
        *monthly_meetings(org, "g1", 12, range(1, 11)),
        *monthly_meetings(org, "g2", 15, range(1, 11)),
        Meeting(id="g1-2026-11", group_id="g1", planned_at=at(2026, 11, 28), topics=("学习条例",)),
    ]
    plans = tuple(
        replace(plan_from_template(gid, 2026), decided_at_meeting_id=f"{gid}-2026-01")
        for gid in ("g1", "g2")
    )
    tasks = (
        FollowUpTask(
            "t1",
            "g1-2026-10",
            "ln",
            "检查小组党员党费上缴情况",
            date(2026, 10, 31),
            status=TaskStatus.DONE,
            done_at=at(2026, 10, 30),
        ),
        FollowUpTask("t2", "g2-2026-10", "cj", "整理群众意见", date(2026, 12, 10)),
    )
    return BranchRecords(
        organisation=org,
        meetings=tuple(meetings),
        tasks=tasks,
        plans=plans,
        records_since=date(2026, 1, 1),
    )


def replace_meeting(records: BranchRecords, mid: str, **changes: Any) -> BranchRecords:
    meetings = tuple(replace(m, **changes) if m.id == mid else m for m in records.meetings)
    assert meetings != records.meetings or not changes, f"no change to meeting {mid}"
    return replace(records, meetings=meetings)


def drop_meeting(records: BranchRecords, mid: str) -> BranchRecords:
    meetings = tuple(m for m in records.meetings if m.id != mid)
    assert len(meetings) == len(records.meetings) - 1, f"no meeting {mid}"
    return replace(records, meetings=meetings)


def meeting(records: BranchRecords, mid: str) -> Meeting:
    return next(m for m in records.meetings if m.id == mid)


def run(
    check: Callable[[BranchRecords, datetime], Iterable[Finding]],
    records: BranchRecords,
    now: datetime = NOW,
) -> list[Finding]:
    return list(check(records, now))
