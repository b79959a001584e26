"""Minutes (会议记录): R1 and R2."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from rules.checks.findings import Finding, Severity
from rules.meeting.minutes import MinutesPart, members_by_group, missing_minutes_parts
from rules.models import BranchRecords

from ._common import (
    checked_meetings,
    days,
    finding,
    is_held,
    meeting_label,
    meeting_label_en,
    meeting_subject,
)

# R2: how long a held meeting may stay open with incomplete minutes.
OPEN_MINUTES_DAYS = 7


def r1_recorder(records: BranchRecords, now: datetime) -> Iterator[Finding]:
    """R1 — 要指定专人做好会议记录 (error: a held meeting without a recorder)."""
    org = records.organisation
    for meeting in checked_meetings(records):
        if not is_held(meeting) or meeting.recorder_id is not None:
            continue
        yield finding(
            "R1",
            Severity.ERROR,
            meeting_subject(meeting, org),
            f"{meeting_label(meeting, org)}没有指定记录人:要指定专人做好会议记录。",
            f"{meeting_label_en(meeting, org)} has no recorder: name the person who keeps "
            "the minutes.",
        )


def _parts(parts: list[MinutesPart], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(p.label(lang) for p in parts)


def r2_minutes_complete(records: BranchRecords, now: datetime) -> Iterator[Finding]:
    """R2 — 记录内容包括时间、地点、参加人员、缺席人员、会议内容和讨论意见等.

    Error: finalised minutes that lack a part. Warning: a meeting still under
    way more than seven days after it started, with parts missing.
    """
    org = records.organisation
    by_group = members_by_group(org)
    for meeting in checked_meetings(records):
        if not is_held(meeting):
            continue
        if meeting.step.minutes_final:
            missing = missing_minutes_parts(meeting, org, by_group)
            if missing:
                label = meeting_label(meeting, org)
                label_en = meeting_label_en(meeting, org)
                yield finding(
                    "R2",
                    Severity.ERROR,
                    meeting_subject(meeting, org),
                    f"{label}的会议记录已定稿,但缺少:{_parts(missing, 'zh')}。"
                    "请以补充说明的方式补记。",
                    f"The finalised minutes of {label_en} lack: {_parts(missing, 'en')}. "
                    "Add them as a dated addendum.",
                )
        elif meeting.step.in_meeting:
            started = meeting.started_at or meeting.planned_at
            if now <= started + days(OPEN_MINUTES_DAYS):
                continue
            missing = missing_minutes_parts(meeting, org, by_group)
            if missing:
                label = meeting_label(meeting, org)
                label_en = meeting_label_en(meeting, org)
                waited = (now - started).days
                yield finding(
                    "R2",
                    Severity.WARNING,
                    meeting_subject(meeting, org),
                    f"{label}已过{waited}天,会议记录仍未完成,缺少:{_parts(missing, 'zh')}。"
                    "请补全记录并定稿。",
                    f"{label_en} was {waited} days ago and its minutes are still "
                    f"incomplete, lacking: {_parts(missing, 'en')}. Complete and finalise "
                    "them.",
                )
