"""R2: 记录内容包括时间、地点、参加人员、缺席人员、会议内容和讨论意见等 (+ R1's recorder)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from rules.meeting.minutes import (
    MinutesPart,
    decision_text,
    meeting_members,
    missing_minutes_parts,
    unaccounted_members,
)
from rules.models import Attendance, AttendanceStatus, Meeting, Opinion

from .conftest import at, compliant_org, held_meeting

ORG = compliant_org()
TOPICS = ("学习党章", "讨论预备党员转正")


def complete() -> Meeting:
    return held_meeting("m", "g1", at(2026, 3, 12), ORG, topics=TOPICS)


def attendance_with(person_id: str, record: Attendance | None) -> tuple[Attendance, ...]:
    rest = tuple(a for a in complete().attendance if a.person_id != person_id)
    return rest if record is None else (*rest, record)


def test_complete_minutes_miss_nothing() -> None:
    assert missing_minutes_parts(complete(), ORG) == []


# Each part of the minutes missing in turn.
CASES: list[tuple[str, dict[str, Any], MinutesPart]] = [
    ("no start time", {"started_at": None}, MinutesPart.TIME),
    ("no place", {"place": "  "}, MinutesPart.PLACE),
    (
        "nobody attended",
        {
            "attendance": tuple(
                Attendance(p.id, AttendanceStatus.ON_LEAVE, reason="出差")
                for p in ORG.members_of("g1")
            )
        },
        MinutesPart.ATTENDEES,
    ),
    (
        "a member unaccounted",
        {"attendance": attendance_with("wf", None)},
        MinutesPart.ABSENTEES_REASONS,
    ),
    (
        "leave without reason",
        {"attendance": attendance_with("wf", Attendance("wf", AttendanceStatus.ON_LEAVE))},
        MinutesPart.ABSENTEES_REASONS,
    ),
    (
        "absent without reason",
        {"attendance": attendance_with("wf", Attendance("wf", AttendanceStatus.ABSENT, " "))},
        MinutesPart.ABSENTEES_REASONS,
    ),
    ("no topics", {"topics": ()}, MinutesPart.CONTENT),
    ("no summary", {"summary": ""}, MinutesPart.CONTENT),
    ("no opinions", {"opinions": ()}, MinutesPart.OPINIONS),
    (
        "second topic undiscussed",
        {"opinions": (Opinion("zw", 0, "同意"),)},
        MinutesPart.OPINIONS,
    ),
    ("no recorder", {"recorder_id": None}, MinutesPart.RECORDER),
    ("unknown recorder", {"recorder_id": "nobody"}, MinutesPart.RECORDER),
]


@pytest.mark.parametrize(("changes", "part"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_part_missing_in_turn(changes: dict[str, Any], part: MinutesPart) -> None:
    meeting = replace(complete(), **changes)
    assert missing_minutes_parts(meeting, ORG) == [part]


def test_reasons_given_for_leave_and_absence_are_complete() -> None:
    attendance = (
        *attendance_with("wf", None),
        Attendance("wf", AttendanceStatus.ABSENT, reason="值班"),
    )
    attendance = tuple(
        Attendance("ln", AttendanceStatus.ON_LEAVE, reason="出差") if a.person_id == "ln" else a
        for a in attendance
    )
    assert missing_minutes_parts(replace(complete(), attendance=attendance), ORG) == []


def test_late_counts_as_attending() -> None:
    late = AttendanceStatus.LATE
    attendance = tuple(Attendance(a.person_id, late) for a in complete().attendance)
    assert missing_minutes_parts(replace(complete(), attendance=attendance), ORG) == []


def test_parts_come_in_order_and_a_bare_meeting_misses_them_all() -> None:
    bare = Meeting(id="m", group_id="g1", planned_at=at(2026, 3, 12))
    assert missing_minutes_parts(bare, ORG) == list(MinutesPart)


def test_a_guest_is_not_a_member() -> None:
    # 孙敏 (an activist) has no attendance record: that is fine, she is no member.
    assert "sm" not in {p.id for p in meeting_members(complete(), ORG)}
    assert unaccounted_members(complete(), ORG) == ()


def test_member_congress_expects_every_party_member() -> None:
    congress = held_meeting("c", None, at(2026, 3, 12), ORG)
    assert {p.id for p in meeting_members(congress, ORG)} == {p.id for p in ORG.party_members}
    assert missing_minutes_parts(congress, ORG) == []
    dropped = replace(congress, attendance=congress.attendance[1:])
    assert missing_minutes_parts(dropped, ORG) == [MinutesPart.ABSENTEES_REASONS]


def test_labels() -> None:
    assert [p.zh for p in MinutesPart] == [
        "时间",
        "地点",
        "参加人员",
        "缺席人员及原因",
        "会议内容",
        "讨论意见",
        "记录人",
    ]
    assert all(p.en and p.label("en") == p.en and p.label() == p.zh for p in MinutesPart)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("一、按时收缴党费", "按时收缴党费"),
        ("1. 按时收缴党费", "按时收缴党费"),
        ("2、按时收缴党费", "按时收缴党费"),
        ("（一）按时收缴党费", "按时收缴党费"),
        ("(3) 按时收缴党费", "按时收缴党费"),
        ("十二、年度总结", "年度总结"),
        ("按时收缴党费", "按时收缴党费"),
        ("2026年起按时收缴党费", "2026年起按时收缴党费"),
        ("一、", "一、"),
    ],
)
def test_a_decision_typed_with_its_number_is_not_numbered_twice(typed: str, shown: str) -> None:
    assert decision_text(typed) == shown
