"""R2: what complete minutes contain.

记录内容包括时间、地点、参加人员、缺席人员、会议内容和讨论意见等 — and R1's
named recorder (要指定专人做好会议记录). Incomplete minutes cannot be
finalised; the meeting flow asks ``missing_minutes_parts`` before it closes
them, and the rules engine asks it about meetings already held.
"""

from __future__ import annotations

from enum import StrEnum

from rules.models import AttendanceStatus, Meeting, Organisation, Person


class MinutesPart(StrEnum):
    """A part of the minutes (R2), in the seed's order, and the recorder (R1)."""

    TIME = "time"  # 时间
    PLACE = "place"  # 地点
    ATTENDEES = "attendees"  # 参加人员
    ABSENTEES_REASONS = "absentees_reasons"  # 缺席人员(及原因)
    CONTENT = "content"  # 会议内容
    OPINIONS = "opinions"  # 讨论意见
    RECORDER = "recorder"  # 记录人 (R1)

    @property
    def zh(self) -> str:
        return _LABELS[self][0]

    @property
    def en(self) -> str:
        return _LABELS[self][1]

    def label(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


_LABELS: dict[MinutesPart, tuple[str, str]] = {
    MinutesPart.TIME: ("时间", "time"),
    MinutesPart.PLACE: ("地点", "place"),
    MinutesPart.ATTENDEES: ("参加人员", "attendees"),
    MinutesPart.ABSENTEES_REASONS: ("缺席人员及原因", "absentees and their reasons"),
    MinutesPart.CONTENT: ("会议内容", "content (topics and summary)"),
    MinutesPart.OPINIONS: ("讨论意见", "discussion opinions"),
    MinutesPart.RECORDER: ("记录人", "recorder"),
}

_EXCUSED_OR_ABSENT = (AttendanceStatus.ON_LEAVE, AttendanceStatus.ABSENT)


def meeting_members(meeting: Meeting, org: Organisation) -> tuple[Person, ...]:
    """The party members expected at ``meeting``: the group's members, or for
    a member congress (党员大会, ``group_id`` None) every party member of the
    branch. Once the meeting has started, those it started with."""
    if meeting.expected_ids:
        wanted = set(meeting.expected_ids)
        return tuple(p for p in org.people if p.id in wanted)
    if meeting.group_id is None:
        return org.party_members
    return org.members_of(meeting.group_id)


def unaccounted_members(meeting: Meeting, org: Organisation) -> tuple[Person, ...]:
    """Expected members with no attendance record at all."""
    return tuple(p for p in meeting_members(meeting, org) if meeting.attendance_of(p.id) is None)


def absences_without_reason(meeting: Meeting) -> tuple[str, ...]:
    """Person ids recorded on leave or absent without a reason."""
    return tuple(
        a.person_id
        for a in meeting.attendance
        if a.status in _EXCUSED_OR_ABSENT and not a.reason.strip()
    )


def topics_without_opinion(meeting: Meeting) -> tuple[int, ...]:
    """Indexes of the agenda's topics that have no recorded opinion."""
    discussed = {o.topic_index for o in meeting.opinions if o.text.strip()}
    return tuple(i for i in range(len(meeting.topics)) if i not in discussed)


def missing_minutes_parts(meeting: Meeting, org: Organisation) -> list[MinutesPart]:
    """The parts the minutes of ``meeting`` still lack, in ``MinutesPart`` order.

    Complete minutes have: the time (the meeting started), a place, at least
    one member who attended, an attendance record for every member with a
    reason for each leave or absence, at least one topic and a summary, at
    least one opinion on every topic, and a recorder who is a known person.
    """
    missing: list[MinutesPart] = []
    if meeting.started_at is None:
        missing.append(MinutesPart.TIME)
    if not meeting.place.strip():
        missing.append(MinutesPart.PLACE)
    if not any(a.status.attended for a in meeting.attendance):
        missing.append(MinutesPart.ATTENDEES)
    if unaccounted_members(meeting, org) or absences_without_reason(meeting):
        missing.append(MinutesPart.ABSENTEES_REASONS)
    if not meeting.topics or not meeting.summary.strip():
        missing.append(MinutesPart.CONTENT)
    if not any(o.text.strip() for o in meeting.opinions) or topics_without_opinion(meeting):
        missing.append(MinutesPart.OPINIONS)
    if meeting.recorder_id is None or org.person(meeting.recorder_id) is None:
        missing.append(MinutesPart.RECORDER)
    return missing
