"""The meeting notice (会议通知, M5), ready to copy into the group's chat.

"党小组要把会议的时间、地点、议题、要求提前一至三天通知本组党员". The notice
states the time, place, topics and requirements (and how the meeting will
run, and who is invited), names the group and who sends it. Whether it went
out one to three days ahead is counted the way the rules engine counts it
(``rules.checks.cadence.m5_notice``): calendar days, in the meeting's time
zone, from the day the notice went out to the day of the meeting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from rules.checks.cadence import NOTICE_MAX_DAYS, NOTICE_MIN_DAYS
from rules.models import Meeting, MeetingKind, Organisation

_WEEKDAYS_ZH = ("一", "二", "三", "四", "五", "六", "日")
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_KIND_ZH = {
    MeetingKind.REGULAR: "党小组会",
    MeetingKind.SPECIAL: "党小组会",
    MeetingKind.LIFE: "党小组生活会",
    MeetingKind.MEMBER_CONGRESS: "党员大会",
}
_KIND_EN = {
    MeetingKind.REGULAR: "group meeting",
    MeetingKind.SPECIAL: "special group meeting",
    MeetingKind.LIFE: "group life meeting",
    MeetingKind.MEMBER_CONGRESS: "party member congress",
}
_ZH_NUMBERS = ("一", "二", "三", "四", "五", "六")


@dataclass(frozen=True)
class Notice:
    """What the members are told before a meeting (M5)."""

    meeting_id: str
    host: str  # 第一党小组, or the branch for a member congress (B1)
    kind: MeetingKind
    at: datetime
    place: str
    topics: tuple[str, ...]
    method: str  # 开法
    requirements: str  # 要求
    guests: tuple[str, ...]  # names of those invited to sit in (列席)
    sender: str  # who sends it: the group leader, by name
    issued_on: date

    def text(self, lang: str = "zh") -> str:
        """The notice as plain text, in Chinese or English."""
        return self._en() if lang == "en" else self._zh()

    def _zh(self) -> str:
        kind = _KIND_ZH[self.kind]
        day = self.at.date()
        weekday = _WEEKDAYS_ZH[day.weekday()]
        when = f"{day.year}年{day.month}月{day.day}日(星期{weekday}){self.at:%H:%M}"
        audience = "本支部全体党员" if self.kind is MeetingKind.MEMBER_CONGRESS else "本组全体党员"
        place = self.place or "(地点待定)"
        sections: list[tuple[str, list[str]]] = [
            ("会议议题", [f"{i}. {t}" for i, t in enumerate(self.topics, 1)] or ["(议题待定)"]),
            ("会议开法", [self.method or "(未填写)"]),
            ("会议要求", [self.requirements or "(未填写)"]),
        ]
        if self.guests:
            sections.append(("列席人员", ["、".join(self.guests)]))
        lines = [
            f"关于召开{self.host}{kind}的通知",
            "",
            f"{audience}:",
            f"定于{when}在{place}召开{kind}。现将有关事项通知如下:",
        ]
        for number, (title, body) in zip(_ZH_NUMBERS, sections, strict=False):
            lines.append(f"{number}、{title}")
            lines.extend(body)
        lines += [
            "请准时参加;不能参加的,请提前向党小组长请假。",
            "",
            f"{self.host} {self.sender}",
            f"{self.issued_on.year}年{self.issued_on.month}月{self.issued_on.day}日",
        ]
        return "\n".join(lines)

    def _en(self) -> str:
        kind = _KIND_EN[self.kind]
        day = self.at.date()
        when = f"{_WEEKDAYS_EN[day.weekday()]} {day.isoformat()} at {self.at:%H:%M}"
        audience = (
            "all party members of the branch"
            if self.kind is MeetingKind.MEMBER_CONGRESS
            else f"all members of {self.host}"
        )
        topics = [f"  {i}. {t}" for i, t in enumerate(self.topics, 1)] or ["  (to be decided)"]
        lines = [
            f"Notice: {self.host} {kind}",
            "",
            f"To {audience}:",
            f"The {kind} will be held on {when}, in {self.place or '(place to be decided)'}.",
            "Topics:",
            *topics,
            f"How it will run: {self.method or '(not filled in)'}",
            f"Requirements: {self.requirements or '(not filled in)'}",
        ]
        if self.guests:
            lines.append(f"Invited: {', '.join(self.guests)}")
        lines += [
            "Please attend on time; if you cannot, ask the group leader for leave beforehand.",
            "",
            f"{self.host}, {self.sender}",
            self.issued_on.isoformat(),
        ]
        return "\n".join(lines)


def notice_of(
    meeting: Meeting,
    org: Organisation,
    issued_on: date,
    sender_id: str | None = None,
) -> Notice:
    """The notice of ``meeting``, sent by ``sender_id`` (by default the
    group's leader, or the meeting's chair) on ``issued_on``."""
    group = org.group(meeting.group_id) if meeting.group_id is not None else None
    host = group.name if group is not None else org.branch.name
    sender = sender_id or (group.leader_id if group is not None else None) or meeting.chair_id
    person = org.person(sender) if sender else None
    guests = tuple(p.name for g in meeting.guests if (p := org.person(g.person_id)) is not None)
    return Notice(
        meeting_id=meeting.id,
        host=host,
        kind=meeting.kind,
        at=meeting.planned_at,
        place=meeting.place.strip(),
        topics=tuple(t.strip() for t in meeting.topics if t.strip()),
        method=meeting.method.strip(),
        requirements=meeting.requirements.strip(),
        guests=guests,
        sender=person.name if person is not None else "",
        issued_on=issued_on,
    )


class NoticeTiming(StrEnum):
    """How far ahead of the meeting a notice goes out (M5: 提前一至三天)."""

    TOO_LATE = "too_late"  # less than one day ahead
    ON_TIME = "on_time"  # one to three days ahead
    TOO_EARLY = "too_early"  # more than three days ahead


def days_ahead(meeting: Meeting, sent_at: datetime) -> int:
    """Calendar days from the day the notice goes out to the meeting's day,
    both in the meeting's time zone."""
    when = meeting.started_at or meeting.planned_at
    return (meeting.held_on - sent_at.astimezone(when.tzinfo).date()).days


def timing(meeting: Meeting, sent_at: datetime) -> NoticeTiming:
    ahead = days_ahead(meeting, sent_at)
    if ahead < NOTICE_MIN_DAYS:
        return NoticeTiming.TOO_LATE
    if ahead > NOTICE_MAX_DAYS:
        return NoticeTiming.TOO_EARLY
    return NoticeTiming.ON_TIME


class NoticePart(StrEnum):
    """A part of the notice (时间、地点、议题) changed since it went out."""

    TIME = "time"
    PLACE = "place"
    TOPICS = "topics"


def notice_out_of_date(meeting: Meeting) -> tuple[NoticePart, ...]:
    """What the plan changed since the notice went out (empty: the notice
    still says what the meeting is, or nothing is known of what it said)."""
    said = meeting.notice_as_sent
    if meeting.notice_sent_at is None or said is None:
        return ()
    changed: list[NoticePart] = []
    if said.planned_at != meeting.planned_at:
        changed.append(NoticePart.TIME)
    if said.place != meeting.place:
        changed.append(NoticePart.PLACE)
    if said.topics != meeting.topics:
        changed.append(NoticePart.TOPICS)
    return tuple(changed)
