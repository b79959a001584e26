"""会议记录: R1 (要指定专人做好会议记录) and R2 (记录内容包括 …)."""

from __future__ import annotations

from typing import Any

import pytest

from rules.checks.findings import Severity, SubjectKind
from rules.checks.records import r1_recorder, r2_minutes_complete
from rules.models import Attendance, AttendanceStatus, BranchRecords, Postponement, Step

from .conftest import at, compliant_records, meeting, replace_meeting, run

MARCH = "g1-2026-03"  # 第一党小组, 12 March 2026
NOVEMBER = "g1-2026-11"  # planned for 28 November 2026


def test_compliant_minutes() -> None:
    assert run(r1_recorder, compliant_records()) == []
    assert run(r2_minutes_complete, compliant_records()) == []


# -- R1 -----------------------------------------------------------------------


def test_r1_held_meeting_without_recorder() -> None:
    records = replace_meeting(compliant_records(), MARCH, recorder_id=None)
    [finding] = run(r1_recorder, records)
    assert (finding.rule, finding.severity) == ("R1", Severity.ERROR)
    assert finding.subject.kind is SubjectKind.MEETING
    assert finding.subject.label == "第一党小组 2026年3月12日会议"
    assert "记录人" in finding.message_zh


def test_r1_planned_meeting_may_name_the_recorder_later() -> None:
    assert meeting(compliant_records(), NOVEMBER).recorder_id is None
    assert run(r1_recorder, compliant_records()) == []


# -- R2 -----------------------------------------------------------------------

ATTENDANCE_NO_REASON = tuple(
    Attendance(a.person_id, AttendanceStatus.ON_LEAVE) if a.person_id == "wf" else a
    for a in meeting(compliant_records(), MARCH).attendance
)

# Each part missing in turn, from finalised minutes, and the label it is named by.
PARTS: list[tuple[str, dict[str, Any], str, str]] = [
    ("time", {"started_at": None}, "时间", "time"),
    ("place", {"place": ""}, "地点", "place"),
    (
        "attendees",
        {
            "attendance": tuple(
                Attendance(a.person_id, AttendanceStatus.ON_LEAVE, "出差")
                for a in meeting(compliant_records(), MARCH).attendance
            )
        },
        "参加人员",
        "attendees",
    ),
    ("absentees", {"attendance": ATTENDANCE_NO_REASON}, "缺席人员及原因", "absentees"),
    ("content", {"summary": ""}, "会议内容", "content"),
    ("opinions", {"opinions": ()}, "讨论意见", "discussion opinions"),
    ("recorder", {"recorder_id": None}, "记录人", "recorder"),
]


@pytest.mark.parametrize(("changes", "zh", "en"), [p[1:] for p in PARTS], ids=[p[0] for p in PARTS])
def test_r2_finalised_minutes_missing_a_part(changes: dict[str, Any], zh: str, en: str) -> None:
    records = replace_meeting(compliant_records(), MARCH, **changes)
    [finding] = run(r2_minutes_complete, records)
    assert (finding.rule, finding.severity) == ("R2", Severity.ERROR)
    assert finding.subject.id == MARCH
    assert f"缺少:{zh}。" in finding.message_zh
    assert en in finding.message_en


def test_r2_names_every_missing_part() -> None:
    records = replace_meeting(compliant_records(), MARCH, place="", summary="")
    [finding] = run(r2_minutes_complete, records)
    assert "缺少:地点、会议内容。" in finding.message_zh


def in_meeting(started_days_ago: int, **changes: Any) -> BranchRecords:
    started = at(2026, 11, 26 - started_days_ago, 8)
    return replace_meeting(
        compliant_records(),
        "g1-2026-10",
        step=Step.DISCUSSION,
        planned_at=started,
        started_at=started,
        finalised_at=None,
        checked_at=None,
        reported_at=None,
        **changes,
    )


def test_r2_minutes_left_open_for_over_a_week() -> None:
    [finding] = run(r2_minutes_complete, in_meeting(9, summary=""))
    assert (finding.rule, finding.severity) == ("R2", Severity.WARNING)
    assert "9天" in finding.message_zh and "会议内容" in finding.message_zh
    assert finding.subject.label == "第一党小组 2026年11月17日会议"


def test_r2_a_meeting_under_way_has_a_week() -> None:
    assert run(r2_minutes_complete, in_meeting(3, summary="")) == []


def test_r2_open_but_complete_minutes_are_no_finding() -> None:
    assert run(r2_minutes_complete, in_meeting(9)) == []


def test_r2_a_postponed_meeting_has_no_minutes() -> None:
    records = replace_meeting(
        compliant_records(),
        MARCH,
        summary="",
        postponement=Postponement("停电", at(2026, 3, 11)),
    )
    assert run(r2_minutes_complete, records) == []
