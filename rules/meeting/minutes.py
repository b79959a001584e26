"""R2: what complete minutes contain.

记录内容包括时间、地点、参加人员、缺席人员、会议内容和讨论意见等 — and R1's
named recorder (要指定专人做好会议记录). Incomplete minutes cannot be
finalised; the meeting flow asks ``missing_minutes_parts`` before it closes
them, and the rules engine asks it about meetings already held.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from rules.meeting.election import ElectionMinutes, election_minutes
from rules.meeting.expected import MembersByGroup as MembersByGroup  # re-exported, as before
from rules.meeting.expected import meeting_members as meeting_members
from rules.meeting.expected import members_by_group as members_by_group
from rules.models import (
    Addendum,
    AttendanceStatus,
    Capacity,
    FollowUpTask,
    Meeting,
    MeetingKind,
    Organisation,
    Person,
)


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


def unaccounted_members(
    meeting: Meeting, org: Organisation, by_group: MembersByGroup | None = None
) -> tuple[Person, ...]:
    """Expected members with no attendance record at all."""
    recorded = {record.person_id for record in meeting.attendance}
    return tuple(p for p in meeting_members(meeting, org, by_group) if p.id not in recorded)


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


def missing_minutes_parts(
    meeting: Meeting, org: Organisation, by_group: MembersByGroup | None = None
) -> list[MinutesPart]:
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
    if unaccounted_members(meeting, org, by_group) or absences_without_reason(meeting):
        missing.append(MinutesPart.ABSENTEES_REASONS)
    if not meeting.topics or not meeting.summary.strip():
        missing.append(MinutesPart.CONTENT)
    if not any(o.text.strip() for o in meeting.opinions) or topics_without_opinion(meeting):
        missing.append(MinutesPart.OPINIONS)
    if meeting.recorder_id is None or org.person(meeting.recorder_id) is None:
        missing.append(MinutesPart.RECORDER)
    return missing


# --------------------------------------------------------------------------
# The minutes as a record (会议记录): what the record step shows for review
# and what a report to the branch carries, in the seed's order.


@dataclass(frozen=True)
class AttendeeLine:
    name: str
    status: AttendanceStatus
    reason: str = ""
    guest: bool = False


@dataclass(frozen=True)
class OpinionLine:
    speaker: str
    text: str
    capacity: Capacity


@dataclass(frozen=True)
class TopicMinutes:
    topic: str
    opinions: tuple[OpinionLine, ...]


@dataclass(frozen=True)
class Minutes:
    """时间、地点、参加人员、缺席人员、会议内容和讨论意见 — with the chair,
    the recorder, the summary, decisions, tasks and any dated addenda."""

    title: str
    started_at: datetime | None
    ended_at: datetime | None
    place: str
    chair: str
    recorder: str
    expected: int
    attendees: tuple[AttendeeLine, ...]
    absentees: tuple[AttendeeLine, ...]
    topics: tuple[TopicMinutes, ...]
    summary: str
    decisions: tuple[str, ...]
    tasks: tuple[FollowUpTask, ...]
    addenda: tuple[Addendum, ...]
    missing: tuple[MinutesPart, ...]
    # 选举党小组长 at this meeting (L2): method, counts of each round, result.
    elections: tuple[ElectionMinutes, ...] = ()
    #: ``title`` in English (``heading``).
    title_en: str = ""

    def heading(self, lang: str = "zh") -> str:
        """The title in ``lang``."""
        return self.title_en if lang == "en" and self.title_en else self.title

    @property
    def complete(self) -> bool:
        return not self.missing


#: What a meeting is called in a title, in English (the Chinese titles name
#: the group or the branch only: 第一党小组会议记录).
_KIND_EN: dict[MeetingKind, str] = {
    MeetingKind.REGULAR: "group meeting",
    MeetingKind.SPECIAL: "special group meeting",
    MeetingKind.LIFE: "group life meeting",
    MeetingKind.MEMBER_CONGRESS: "party member congress",
}


def minutes_title(meeting: Meeting, org: Organisation, lang: str = "zh") -> str:
    """第一党小组会议记录 / Minutes of the group meeting — 第一党小组; a branch
    without groups: …党员大会会议记录 / Minutes of the party member congress —
    the branch (B1). Shared by the kiosk and the exports."""
    group = org.group(meeting.group_id) if meeting.group_id else None
    if lang == "en":
        owner = group.name if group else org.branch.name
        return f"Minutes of the {_KIND_EN[meeting.kind]} — {owner}"
    return f"{group.name}会议记录" if group else f"{org.branch.name}党员大会会议记录"


def _name(org: Organisation, person_id: str | None) -> str:
    if person_id is None:
        return ""
    person = org.person(person_id)
    return person.name if person else person_id


#: A number the leader typed before a decision: "一、", "1.", "2、",
#: "（一）", "(1)", "①" … The minutes number decisions themselves.
_TYPED_NUMBER = re.compile(
    r"^\s*(?:[（(]\s*[0-9一二三四五六七八九十百]+\s*[)）]|[0-9一二三四五六七八九十百]+\s*[、.．:：)）]"
    r"|[①②③④⑤⑥⑦⑧⑨⑩])\s*"
)


def decision_text(decision: str) -> str:
    """A decision without the number typed before it (so it is not
    numbered twice); a decision that is only a number stays as typed."""
    bare = _TYPED_NUMBER.sub("", decision, count=1).strip()
    return bare or decision


def tasks_in_minutes(meeting: Meeting, tasks: Sequence[FollowUpTask]) -> tuple[FollowUpTask, ...]:
    """The follow-up tasks (会后任务) as the minutes list them: for minutes
    finalised with their tasks frozen in (``Meeting.tasks_set``), who, what
    and when as set at the meeting, with the task's state today; otherwise
    (older minutes, or not yet final) the tasks as they stand."""
    own = [t for t in tasks if t.meeting_id == meeting.id]
    if not meeting.tasks_set:
        return tuple(own)
    live = {t.id: t for t in own}
    out: list[FollowUpTask] = []
    for set_ in meeting.tasks_set:
        now = live.get(set_.task_id)
        base = now or FollowUpTask(set_.task_id, meeting.id, set_.assignee_id, set_.what, set_.due)
        out.append(replace(base, assignee_id=set_.assignee_id, what=set_.what, due=set_.due))
    return tuple(out)


def minutes_of(meeting: Meeting, org: Organisation, tasks: Sequence[FollowUpTask] = ()) -> Minutes:
    """The minutes of ``meeting`` as they stand, complete or not."""
    group = org.group(meeting.group_id) if meeting.group_id else None
    title, title_en = minutes_title(meeting, org), minutes_title(meeting, org, "en")
    chair_id = meeting.chair_id or (group.leader_id if group else None)
    guests = {g.person_id for g in meeting.guests}
    attended: list[AttendeeLine] = []
    away: list[AttendeeLine] = []
    members = meeting_members(meeting, org)
    member_ids = {p.id for p in members}
    # A committee member of the group who was delegated is listed among the
    # guests too (L3); they appear once, as a member.
    outsiders = (org.person(g) for g in guests if g not in member_ids)
    for person in (*members, *outsiders):
        if person is None:
            continue
        record = meeting.attendance_of(person.id)
        if record is None:
            if person.id not in guests:
                away.append(AttendeeLine(person.name, AttendanceStatus.ABSENT, "未登记"))
            continue
        line = AttendeeLine(person.name, record.status, record.reason, person.id not in member_ids)
        (attended if record.status.attended else away).append(line)
    topics = tuple(
        TopicMinutes(
            topic,
            tuple(
                OpinionLine(_name(org, o.speaker_id), o.text, o.capacity)
                for o in meeting.opinions
                if o.topic_index == index
            ),
        )
        for index, topic in enumerate(meeting.topics)
    )
    return Minutes(
        title=title,
        title_en=title_en,
        started_at=meeting.started_at,
        ended_at=meeting.ended_at,
        place=meeting.place,
        chair=_name(org, chair_id),
        recorder=_name(org, meeting.recorder_id),
        expected=len(meeting_members(meeting, org)),
        attendees=tuple(attended),
        absentees=tuple(away),
        topics=topics,
        summary=meeting.summary,
        decisions=tuple(decision_text(d) for d in meeting.decisions),
        tasks=tasks_in_minutes(meeting, tasks),
        addenda=meeting.addenda,
        missing=tuple(missing_minutes_parts(meeting, org)),
        elections=tuple(election_minutes(e, org) for e in meeting.elections),
    )
