"""Shared fixtures: a small branch with Chinese names, and both repositories."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rules.models import (
    Addendum,
    AnnualPlan,
    Attendance,
    AttendanceStatus,
    Branch,
    BranchRole,
    Capacity,
    Discipline,
    FollowUpTask,
    Group,
    Guest,
    Meeting,
    MeetingKind,
    MemberStatus,
    Opinion,
    Organisation,
    Person,
    PlannedMonth,
    Postponement,
    ProgressNote,
    RecordedBy,
    Step,
)
from storage import FileRepository, MemoryRepository, Repository

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 19, minute: int = 30) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def make_org() -> Organisation:
    return Organisation(
        branch=Branch(id="b1", name="机关第一党支部"),
        groups=(
            Group(
                id="g1",
                name="第一党小组",
                leader_id="p1",
                decided_on=date(2024, 12, 2),
                reported_up_on=date(2024, 12, 5),
            ),
            Group(id="g2", name="第二党小组", leader_id="p3", dissolved_on=date(2025, 6, 30)),
        ),
        people=(
            Person(
                id="p1",
                name="王建国",
                status=MemberStatus.FULL,
                member_no="0001",
                department="办公室",
                branch_role=BranchRole.ORGANISATION,
                group_id="g1",
                phone="13800000000",
            ),
            Person(
                id="p2",
                name="李红",
                status=MemberStatus.PROBATIONARY,
                group_id="g1",
                discipline=Discipline.WARNING,
            ),
            Person(id="p3", name="张伟", status=MemberStatus.FULL, group_id="g2"),
            Person(id="p4", name="赵敏", status=MemberStatus.ACTIVIST, leadership_post=True),
        ),
    )


def make_meeting(
    meeting_id: str = "m-2025-01",
    group_id: str | None = "g1",
    planned_at: datetime | None = None,
    **changes: object,
) -> Meeting:
    meeting = Meeting(
        id=meeting_id,
        group_id=group_id,
        planned_at=planned_at or at(2025, 1, 7),
        place="三楼会议室",
        kind=MeetingKind.REGULAR,
        topics=("通报上一年党小组工作情况", "研究全年每月党小组会议内容"),
        method="集中学习,逐人发言",
        requirements="每人准备发言提纲",
        recorder_id="p2",
        guests=(Guest(person_id="p4"), Guest(person_id="p3", delegated_by_committee=True)),
        consulted_branch_at=at(2025, 1, 2, 9, 0),
        notice_sent_at=at(2025, 1, 4, 10, 15),
        postponement=Postponement(
            reason="支部集中学习", decided_at=at(2025, 1, 3, 8, 0), new_date=date(2025, 1, 7)
        ),
        reviews_last_year=True,
        decides_annual_plan=True,
        opinions_gathered_on=date(2025, 1, 5),
        step=Step.RECORD,
        started_at=at(2025, 1, 7, 19, 31),
        ended_at=at(2025, 1, 7, 21, 0),
        attendance=(
            Attendance(
                "p1",
                AttendanceStatus.PRESENT,
                recorded_by=RecordedBy.PHONE,
                recorded_at=at(2025, 1, 7, 19, 25),
            ),
            Attendance(
                "p2", AttendanceStatus.ON_LEAVE, reason="出差", recorded_by=RecordedBy.LEADER
            ),
        ),
        current_topic=1,
        opinions=(
            Opinion("p1", 0, "全年工作完成良好。", at=at(2025, 1, 7, 19, 40)),
            Opinion("p3", 1, "建议增加学习内容。", capacity=Capacity.COMMITTEE),
        ),
        summary="会议通报了工作情况,决定了全年计划。",
        decisions=("三月开展发展党员工作", "十月检查党费收缴"),
    )
    return replace(meeting, **changes)


def make_task(
    task_id: str = "t1", meeting_id: str = "m-2025-01", **changes: object
) -> FollowUpTask:
    task = FollowUpTask(
        id=task_id,
        meeting_id=meeting_id,
        assignee_id="p1",
        what="整理学习笔记并上报支部",
        due=date(2025, 1, 31),
        notes=(ProgressNote(at=at(2025, 1, 10, 9, 0), text="已完成一半"),),
    )
    return replace(task, **changes)


def make_plan(group_id: str = "g1", year: int = 2025) -> AnnualPlan:
    return AnnualPlan(
        group_id=group_id,
        year=year,
        months=(
            PlannedMonth(1, "通报上一年工作,制定本年计划", meeting_id="m-2025-01"),
            PlannedMonth(2, "理想信念学习"),
            PlannedMonth(12, "党小组生活会"),
        ),
        decided_at_meeting_id="m-2025-01",
    )


def finalise(meeting: Meeting) -> Meeting:
    return replace(meeting, step=Step.FINALISED, finalised_at=at(2025, 1, 8, 9, 0))


ADDENDUM = Addendum(at=at(2025, 1, 9, 9, 0), author_id="p1", text="更正:李红因出差请假。")


@pytest.fixture(params=["memory", "file"])
def repo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Repository]:
    """Each contract test runs against both implementations."""
    repository: Repository
    if request.param == "memory":
        repository = MemoryRepository()
    else:
        repository = FileRepository(tmp_path / "data")
    with repository:
        yield repository


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def file_repo(data_dir: Path) -> Iterator[FileRepository]:
    with FileRepository(data_dir) as repository:
        yield repository
