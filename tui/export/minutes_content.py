"""The minutes as they are filed (会议记录), part by part, in order.

Built from ``rules.meeting.minutes.minutes_of`` so that whatever the minutes hold is
exported: title; 时间, 地点, 主持人, 记录人, 应到/实到/缺席人员 (with reasons,
and who came late), 列席人员; then 议题, 讨论情况 (each speaker's opinion per
topic, with the capacity they spoke in, L3), 小结, 决定事项, 会后任务 (who,
what, by when) and 补充说明 — the dated addenda (R3), kept apart after the
record, never merged into it.

The Word and Markdown writers draw the same ``MinutesDocument``, so the two
never disagree about what the minutes say.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from rules.meeting.minutes import AttendeeLine, Minutes, minutes_of
from rules.models import (
    AttendanceStatus,
    FollowUpTask,
    Meeting,
    MeetingKind,
    Organisation,
)
from rules.organisation.changes import STATUS_LABELS
from tui.labels import ATTENDANCE_LABELS, CAPACITY_LABELS

ATTENDANCE = ATTENDANCE_LABELS
CAPACITY = CAPACITY_LABELS

KIND: dict[MeetingKind, tuple[str, str]] = {
    MeetingKind.REGULAR: ("党小组会", "group meeting"),
    MeetingKind.SPECIAL: ("党小组会(特殊任务)", "group meeting (special task)"),
    MeetingKind.LIFE: ("党小组生活会", "group life meeting"),
    MeetingKind.MEMBER_CONGRESS: ("党员大会", "party member congress"),
}

#: The parts of the minutes in the order they are filed: (zh, en) headings.
#: The first six are the record's head (a form table in Word); the rest are
#: sections.
HEAD_LABELS: tuple[tuple[str, str], ...] = (
    ("时间", "Time"),
    ("地点", "Place"),
    ("主持人", "Chair"),
    ("记录人", "Recorder"),
    ("应到人数", "Expected"),
    ("实到人数", "Present"),
    ("出席人员", "Attendees"),
    ("缺席人员及原因", "Absent, with reasons"),
    ("列席人员", "Also present (guests)"),
)
SECTION_LABELS: tuple[tuple[str, str], ...] = (
    ("议题", "Topics"),
    ("讨论情况", "Discussion"),
    ("小结", "Summary"),
    ("决定事项", "Decisions"),
    ("会后任务", "Follow-up tasks"),
    ("补充说明", "Addenda"),
)

#: Headings of parts another feature adds to ``Minutes`` (a field name: its
#: zh/en heading). A field of ``Minutes`` not drawn below is still exported,
#: under this heading or its own name, before the addenda.
EXTRA_HEADINGS: dict[str, tuple[str, str]] = {
    "elections": ("选举党小组长", "Election of the group leader"),
}

_DRAWN = frozenset(
    {
        "title",
        "title_en",  # the title in English (title_of draws it in the file's language)
        "started_at",
        "ended_at",
        "place",
        "chair",
        "recorder",
        "expected",
        "attendees",
        "absentees",
        "topics",
        "summary",
        "decisions",
        "tasks",
        "addenda",
        "missing",
    }
)

_ORDINALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1: a part of the minutes; 2: a topic under 讨论情况


@dataclass(frozen=True)
class Para:
    """A paragraph; ``lead`` is set in bold before the text (a speaker)."""

    text: str
    lead: str = ""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Para | Table


@dataclass(frozen=True)
class MinutesDocument:
    title: str
    draft: bool
    notes: tuple[str, ...]  # under the title: draft warning, finalised/checked/reported
    head: tuple[tuple[str, str], ...]  # (label, value), in HEAD_LABELS order
    blocks: tuple[Block, ...]
    lang: str = "zh"


class _Words:
    def __init__(self, lang: str, tz: ZoneInfo) -> None:
        self.lang = lang
        self.tz = tz

    def t(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh

    def pick(self, pair: tuple[str, str]) -> str:
        return pair[1] if self.lang == "en" else pair[0]

    def day(self, day: date) -> str:
        if self.lang == "en":
            return day.isoformat()
        return f"{day.year}年{day.month}月{day.day}日"

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def moment_day(self, moment: datetime) -> str:
        return self.day(self.local(moment).date())

    def join(self, items: Sequence[str]) -> str:
        return self.t("、", ", ").join(items)

    def none(self) -> str:
        return self.t("无", "none")


def title_of(meeting: Meeting, org: Organisation, lang: str = "zh") -> str:
    """第一党小组党小组会会议记录; 江南…第一党支部党员大会会议记录 (B1)."""
    group = org.group(meeting.group_id) if meeting.group_id else None
    kind_zh, kind_en = KIND[meeting.kind]
    kind_zh = kind_zh.split("(")[0]
    owner = group.name if group else org.branch.name
    if lang == "en":
        return f"Minutes of the {kind_en.split(' (')[0]} — {owner}"
    return f"{owner}{kind_zh}会议记录"


def minutes_document(
    meeting: Meeting,
    org: Organisation,
    tasks: Sequence[FollowUpTask],
    *,
    lang: str = "zh",
    tz: ZoneInfo,
) -> MinutesDocument:
    """The minutes of ``meeting`` as filed; a draft when not yet finalised."""
    w = _Words(lang, tz)
    minutes = minutes_of(meeting, org, tasks)
    draft = not meeting.step.minutes_final
    title = title_of(meeting, org, lang)
    if draft:
        title += w.t("(草稿)", " (DRAFT)")
    return MinutesDocument(
        title=title,
        draft=draft,
        notes=tuple(_notes(meeting, minutes, w)),
        head=tuple(_head(meeting, org, minutes, w)),
        blocks=tuple(_blocks(meeting, org, minutes, w)),
        lang=lang,
    )


def _notes(meeting: Meeting, minutes: Minutes, w: _Words) -> list[str]:
    notes: list[str] = []
    if not meeting.step.minutes_final:
        notes.append(
            w.t(
                "草稿:本记录尚未定稿,不作为存档记录。",
                "DRAFT: these minutes are not finalised and are not the filed record.",
            )
        )
        if minutes.missing:
            missing = w.join([p.label(w.lang) for p in minutes.missing])
            notes.append(w.t(f"尚缺:{missing}", f"Still missing: {missing}"))
        return notes
    done: list[str] = []
    if meeting.finalised_at is not None:
        done.append(
            w.t(
                f"{w.moment_day(meeting.finalised_at)}定稿",
                f"finalised {w.moment_day(meeting.finalised_at)}",
            )
        )
    if meeting.checked_at is not None:
        done.append(
            w.t(
                f"{w.moment_day(meeting.checked_at)}经党小组长检查",
                f"checked by the group leader {w.moment_day(meeting.checked_at)}",
            )
        )
    if meeting.reported_at is not None:
        done.append(
            w.t(
                f"{w.moment_day(meeting.reported_at)}已向党支部汇报",
                f"reported to the branch {w.moment_day(meeting.reported_at)}",
            )
        )
    if done:
        text = w.t(";", "; ").join(done)
        notes.append(w.t(f"本记录{text}。", text[0].upper() + text[1:] + "."))
    return notes


def _span(start: datetime | None, end: datetime | None, planned: datetime, w: _Words) -> str:
    if start is None:
        local = w.local(planned)
        return w.t(
            f"{w.day(local.date())} {local:%H:%M}(计划)",
            f"{w.day(local.date())} {local:%H:%M} (planned)",
        )
    begin = w.local(start)
    text = f"{w.day(begin.date())} {begin:%H:%M}"
    if end is not None:
        finish = w.local(end)
        same_day = finish.date() == begin.date()
        text += "—" + (f"{finish:%H:%M}" if same_day else f"{w.day(finish.date())} {finish:%H:%M}")
    return text


def _person_line(line: AttendeeLine, w: _Words) -> str:
    if line.status is AttendanceStatus.LATE:
        return w.t(f"{line.name}(迟到)", f"{line.name} (late)")
    return line.name


def _away_line(line: AttendeeLine, w: _Words) -> str:
    status = w.pick(ATTENDANCE[line.status])
    reason = line.reason.strip()
    if reason == "未登记":
        reason = w.t("未登记", "not recorded")
    if reason:
        return w.t(f"{line.name}({status}:{reason})", f"{line.name} ({status}: {reason})")
    return w.t(f"{line.name}({status})", f"{line.name} ({status})")


def _head(
    meeting: Meeting, org: Organisation, minutes: Minutes, w: _Words
) -> list[tuple[str, str]]:
    members = [a for a in minutes.attendees if not a.guest]
    late = [a for a in members if a.status is AttendanceStatus.LATE]
    away = [a for a in minutes.absentees if not a.guest]
    present = w.t(f"{len(members)}人", str(len(members)))
    if late:
        present += w.t(f"(其中迟到{len(late)}人)", f" ({len(late)} late)")
    values = [
        _span(minutes.started_at, minutes.ended_at, meeting.planned_at, w),
        minutes.place or "—",
        minutes.chair or "—",
        minutes.recorder or "—",
        w.t(f"{minutes.expected}人", str(minutes.expected)),
        present,
        w.join([_person_line(a, w) for a in members]) or w.none(),
        w.join([_away_line(a, w) for a in away]) or w.none(),
        _guests(meeting, org, minutes, w),
    ]
    return [(w.pick(label), value) for label, value in zip(HEAD_LABELS, values, strict=True)]


def _guests(meeting: Meeting, org: Organisation, minutes: Minutes, w: _Words) -> str:
    delegated = {
        (person.name if (person := org.person(g.person_id)) else g.person_id)
        for g in meeting.guests
        if g.delegated_by_committee
    }
    status_of = {p.name: p.status for p in org.people}
    lines = []
    for guest in (a for a in (*minutes.attendees, *minutes.absentees) if a.guest):
        notes = []
        status = status_of.get(guest.name)
        if status is not None:
            notes.append(w.pick(STATUS_LABELS[status]))
        if guest.name in delegated:
            notes.append(w.t("受支委会委托", "delegated by the branch committee"))
        if not guest.status.attended:
            notes.append(w.t("未到", "did not come"))
        sep = w.t(",", ", ")
        lines.append(
            w.t(f"{guest.name}({sep.join(notes)})", f"{guest.name} ({sep.join(notes)})")
            if notes
            else guest.name
        )
    return w.join(lines) or w.none()


def _ordinal(index: int, w: _Words) -> str:
    if w.lang == "en":
        return str(index + 1)
    return _ORDINALS[index] if index < len(_ORDINALS) else str(index + 1)


def _blocks(meeting: Meeting, org: Organisation, minutes: Minutes, w: _Words) -> list[Block]:
    heads = [w.pick(label) for label in SECTION_LABELS]
    out: list[Block] = [Heading(heads[0])]
    if minutes.topics:
        for index, topic in enumerate(minutes.topics):
            out.append(
                Para(w.t(f"{_ordinal(index, w)}、{topic.topic}", f"{index + 1}. {topic.topic}"))
            )
    else:
        out.append(Para(w.none()))
    if meeting.method.strip():
        out.append(Para(meeting.method.strip(), lead=w.t("开法:", "How it runs: ")))
    if meeting.requirements.strip():
        out.append(Para(meeting.requirements.strip(), lead=w.t("要求:", "Asked of members: ")))

    out.append(Heading(heads[1]))
    for index, topic in enumerate(minutes.topics):
        out.append(
            Heading(
                w.t(f"议题{_ordinal(index, w)}:{topic.topic}", f"Topic {index + 1}: {topic.topic}"),
                level=2,
            )
        )
        if not topic.opinions:
            out.append(Para(w.t("(无发言记录)", "(no opinion recorded)")))
        for opinion in topic.opinions:
            capacity = w.pick(CAPACITY[opinion.capacity])
            out.append(
                Para(
                    opinion.text,
                    lead=w.t(
                        f"{opinion.speaker}({capacity}):", f"{opinion.speaker} ({capacity}): "
                    ),
                )
            )
    if not minutes.topics:
        out.append(Para(w.none()))

    out.append(Heading(heads[2]))
    out.append(Para(minutes.summary.strip() or w.none()))

    out.append(Heading(heads[3]))
    if minutes.decisions:
        for index, decision in enumerate(minutes.decisions):
            out.append(Para(f"{index + 1}. {decision}"))
    else:
        out.append(Para(w.none()))

    out.append(Heading(heads[4]))
    if minutes.tasks:
        out.append(
            Table(
                (
                    w.t("序号", "No."),
                    w.t("负责人", "Who"),
                    w.t("任务", "What"),
                    w.t("完成期限", "Due"),
                ),
                tuple(
                    (str(i + 1), _name(org, task.assignee_id), task.what, w.day(task.due))
                    for i, task in enumerate(minutes.tasks)
                ),
            )
        )
    else:
        out.append(Para(w.none()))

    out.extend(_extra_parts(minutes, w))

    out.append(Heading(heads[5]))
    if minutes.addenda:
        out.append(
            Para(
                w.t(
                    "以下为定稿后注明日期的补充说明,原记录未作改动。",
                    "Dated addenda made after the minutes were finalised; the record above"
                    " is unchanged.",
                )
            )
        )
        for addendum in minutes.addenda:
            local = w.local(addendum.at)
            author = _name(org, addendum.author_id) if addendum.author_id else "—"
            out.append(
                Para(
                    addendum.text,
                    lead=w.t(
                        f"{w.day(local.date())} {local:%H:%M} {author}:",
                        f"{w.day(local.date())} {local:%H:%M} {author}: ",
                    ),
                )
            )
    else:
        out.append(Para(w.none()))
    return out


def _extra_parts(minutes: Minutes, w: _Words) -> list[Block]:
    """Parts another feature added to ``Minutes`` (e.g. an election's
    result): drawn as plain text so nothing the minutes hold is left out."""
    out: list[Block] = []
    for field in dataclasses.fields(minutes):
        if field.name in _DRAWN:
            continue
        value = getattr(minutes, field.name)
        if value in (None, "", (), []):
            continue
        heading = EXTRA_HEADINGS.get(field.name, (field.name, field.name.replace("_", " ")))
        out.append(Heading(w.pick(heading)))
        items = value if isinstance(value, tuple | list) else (value,)
        for item in items:
            out.extend(Para(line) for line in _plain(item, w))
    return out


def _plain(value: object, w: _Words) -> list[str]:
    """An added part's text: its own ``lines(lang)`` if it has them."""
    lines = getattr(value, "lines", None)
    if callable(lines):
        return [str(line) for line in lines(w.lang)]
    text = getattr(value, "text", None)
    if isinstance(text, str):
        return [text]
    return [str(value)]


def _name(org: Organisation, person_id: str) -> str:
    person = org.person(person_id)
    return person.name if person else person_id
