"""A finalised demo meeting with everything R2 asks of minutes: late and
absent members with reasons, a guest, opinions in both capacities (L3),
decisions, a task and a dated addendum (R3)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.models import (
    Addendum,
    Attendance,
    AttendanceStatus,
    BranchRecords,
    Capacity,
    FollowUpTask,
    Guest,
    Meeting,
    Opinion,
    Organisation,
)
from rules.samples.demo import demo_branch

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=TZ)
MEETING_ID = "m-g2-2026-04"  # 第二党小组, 2026-04-07: late, on leave, absent
GUEST_ID = "p25"
GUEST_WORDS = "希望党员多到一线听听职工的想法。"
COMMITTEE_WORDS = "受支委会委托,通报支部对一季度工作的意见。"
ADDENDUM = "会后核实:黄晓东已于4月9日补学会议内容。"


@dataclass(frozen=True)
class Example:
    records: BranchRecords
    meeting: Meeting

    @property
    def org(self) -> Organisation:
        return self.records.organisation

    @property
    def tasks(self) -> tuple[FollowUpTask, ...]:
        return self.records.tasks


def example_records() -> Example:
    records = demo_branch(NOW).records
    meeting = next(m for m in records.meetings if m.id == MEETING_ID)
    assert meeting.step.minutes_final
    assert meeting.started_at is not None and meeting.finalised_at is not None
    meeting = replace(
        meeting,
        guests=(Guest(GUEST_ID),),
        attendance=(
            *meeting.attendance,
            Attendance(GUEST_ID, AttendanceStatus.PRESENT, recorded_at=meeting.started_at),
        ),
        opinions=(
            *meeting.opinions,
            Opinion(GUEST_ID, 0, GUEST_WORDS),
            Opinion("p03", 0, COMMITTEE_WORDS, Capacity.COMMITTEE),
        ),
        addenda=(Addendum(meeting.finalised_at + timedelta(days=2), "p10", ADDENDUM),),
    )
    meetings = tuple(meeting if m.id == MEETING_ID else m for m in records.meetings)
    return Example(replace(records, meetings=meetings), meeting)


@pytest.fixture
def example() -> Example:
    return example_records()
