"""Meeting cadence and preparation (党小组会概况、会前准备工作): M1 M2 M3 M5 M6."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from rules.checks.findings import Finding, Severity
from rules.meeting.minutes import members_by_group, unaccounted_members
from rules.models import AttendanceStatus, BranchRecords, Meeting, Organisation

from ._common import (
    checked_meetings,
    counts_for_month,
    en_date,
    en_month,
    en_names,
    end_month,
    finding,
    group_meetings,
    group_start,
    group_subject,
    is_held,
    local_date,
    meeting_label,
    meeting_label_en,
    meeting_subject,
    month_of,
    months_between,
    name_of,
    person_names,
    zh_date,
    zh_month,
    zh_names,
)

# M2: 每次解决一两个问题.
MAX_TOPICS = 2
# M5: 提前一至三天, in calendar days between the notice and the meeting.
NOTICE_MIN_DAYS = 1
NOTICE_MAX_DAYS = 3


def m1_monthly(records: BranchRecords, now: datetime) -> Iterator[Finding]:
    """M1 — 一般每月召开一次,如有特殊任务,次数可增加,也可推迟召开会议时间.

    Error, one per group and month: a full calendar month covered by the
    records, before the current one, with neither a held meeting nor a
    recorded postponement. The current month is never reported.
    """
    org = records.organisation
    for group in org.active_groups:
        start = group_start(records, group)
        if start is None:
            continue
        covered = {
            month_of(m.held_on) for m in group_meetings(records, group.id) if counts_for_month(m)
        }
        for month in months_between(start, end_month(records, now)):
            if month in covered:
                continue
            yield finding(
                "M1",
                Severity.ERROR,
                group_subject(group),
                f"{group.name}{zh_month(month)}没有召开党小组会,也没有记录推迟原因:"
                "党小组会一般每月召开一次;请补记该月的会议,或记录推迟的原因。",
                f"{group.name} held no meeting in {en_month(month)} and recorded no "
                "postponement: a group meets about once a month; record that month's "
                "meeting or the reason it was put off.",
            )


def m2_topics(records: BranchRecords, now: datetime) -> Iterator[Finding]:
    """M2 — 每次解决一两个问题.

    Warning: more than two topics on a meeting's agenda. Error: a held meeting
    with no topic at all.
    """
    org = records.organisation
    for meeting in checked_meetings(records):
        if meeting.postponed:
            continue
        count = len(meeting.topics)
        if count > MAX_TOPICS or (count == 0 and is_held(meeting)):
            # Named only when there is something to say (most meetings are fine).
            label = meeting_label(meeting, org)
            label_en = meeting_label_en(meeting, org)
        if count > MAX_TOPICS:
            yield finding(
                "M2",
                Severity.WARNING,
                meeting_subject(meeting, org),
                f"{label}有{count}个议题({zh_names(f'“{t}”' for t in meeting.topics)}):"
                "每次解决一两个问题,"
                "请把其余议题留到以后的会议。",
                f"{label_en} has {count} topics; a meeting settles one or two matters: "
                "move the others to later meetings.",
            )
        elif count == 0 and is_held(meeting):
            yield finding(
                "M2",
                Severity.ERROR,
                meeting_subject(meeting, org),
                f"{label}没有议题:请记录本次会议讨论解决的一两个问题。",
                f"{label_en} has no topic: record the one or two matters it dealt with.",
            )


def m3_branch_consulted(records: BranchRecords, now: datetime) -> Iterator[Finding]:
    """M3 — 党小组要在会前与党支部进行沟通.

    Warning: a held group meeting with no record of consulting the branch, or
    consulted only after the meeting started. (A member congress is the
    branch's own meeting.)
    """
    org = records.organisation
    for meeting in checked_meetings(records):
        if meeting.group_id is None or not is_held(meeting):
            continue
        consulted = meeting.consulted_branch_at
        start = meeting.started_at or meeting.planned_at
        if consulted is not None and consulted <= start:
            continue
        label = meeting_label(meeting, org)
        label_en = meeting_label_en(meeting, org)
        if consulted is None:
            yield finding(
                "M3",
                Severity.WARNING,
                meeting_subject(meeting, org),
                f"{label}没有会前与党支部沟通的记录:请在会前与党支部沟通议题,并记录沟通时间。",
                f"{label_en} has no record of consulting the branch beforehand: consult the "
                "branch on the topics before a meeting and record when.",
            )
        else:
            yield finding(
                "M3",
                Severity.WARNING,
                meeting_subject(meeting, org),
                f"{label}与党支部沟通的时间({zh_date(local_date(consulted, start))})"
                "在会议开始之后:党小组要在会前与党支部进行沟通。",
                f"{label_en} consulted the branch ({en_date(local_date(consulted, start))}) "
                "only after the meeting started: the branch is consulted before it.",
            )


def _notice_days(meeting: Meeting, sent: datetime) -> int:
    when = meeting.started_at or meeting.planned_at
    return (meeting.held_on - local_date(sent, when)).days


def _notice_in_order(meeting: Meeting, now: datetime) -> bool:
    """Nothing for M5 to say about ``meeting`` (asked first: most meetings are
    in order, and naming a meeting costs more than this)."""
    sent = meeting.notice_sent_at
    if sent is None:
        if is_held(meeting):
            return False
        days_left = (meeting.planned_at.date() - local_date(now, meeting.planned_at)).days
        return days_left not in (0, 1)
    return NOTICE_MIN_DAYS <= _notice_days(meeting, sent) <= NOTICE_MAX_DAYS


def m5_notice(records: BranchRecords, now: datetime) -> Iterator[Finding]:
    """M5 — 党小组要把会议的时间、地点、议题、要求提前一至三天通知本组党员.

    Counted in calendar days from the day the notice went out to the day of
    the meeting: one to three is right. Error: a held meeting with no notice.
    Warning: a notice less than one or more than three days ahead; a planned
    meeting today or tomorrow with no notice sent yet.
    """
    org = records.organisation
    for meeting in checked_meetings(records):
        if meeting.postponed or _notice_in_order(meeting, now):
            continue
        label = meeting_label(meeting, org)
        label_en = meeting_label_en(meeting, org)
        subject = meeting_subject(meeting, org)
        sent = meeting.notice_sent_at
        if sent is None:
            if is_held(meeting):
                yield finding(
                    "M5",
                    Severity.ERROR,
                    subject,
                    f"{label}没有发出会议通知的记录:会议的时间、地点、议题、要求应提前一至三天"
                    "通知本组党员。",
                    f"{label_en} has no record of a notice: members are told the time, "
                    "place, topics and requirements one to three days ahead.",
                )
                continue
            days_left = (meeting.planned_at.date() - local_date(now, meeting.planned_at)).days
            if days_left == 1:
                yield finding(
                    "M5",
                    Severity.WARNING,
                    subject,
                    f"{label}定于明天召开,还没有发出通知:请今天把会议的时间、地点、议题、要求"
                    "通知本组党员。",
                    f"{label_en} is tomorrow and no notice has gone out: send members the "
                    "time, place, topics and requirements today.",
                )
            elif days_left == 0:
                yield finding(
                    "M5",
                    Severity.WARNING,
                    subject,
                    f"{label}定于今天召开,还没有发出通知,已不足一天:请立即通知本组党员,"
                    "或推迟会议并记录原因。",
                    f"{label_en} is today and no notice has gone out, less than a day "
                    "ahead: notify members at once, or postpone and record why.",
                )
            continue
        ahead = _notice_days(meeting, sent)
        sent_on = local_date(sent, meeting.started_at or meeting.planned_at)
        sent_zh = zh_date(sent_on)
        sent_en = en_date(sent_on)
        if ahead < NOTICE_MIN_DAYS:
            yield finding(
                "M5",
                Severity.WARNING,
                subject,
                f"{label}的通知于{sent_zh}发出,提前不足一天:应提前一至三天通知本组党员,"
                "以便党员做好准备。",
                f"The notice for {label_en} went out on {sent_en}, less than a day "
                "ahead: notify members one to three days ahead so they can prepare.",
            )
        elif ahead > NOTICE_MAX_DAYS:
            yield finding(
                "M5",
                Severity.WARNING,
                subject,
                f"{label}的通知于{sent_zh}发出,提前了{ahead}天,超过三天:"
                "应提前一至三天通知本组党员。",
                f"The notice for {label_en} went out on {sent_en}, {ahead} days ahead, "
                "more than three: notify members one to three days ahead.",
            )


def _leader_not_chairing(meeting: Meeting, org: Organisation) -> str | None:
    """The group leader's id when someone else chaired the group meeting."""
    if meeting.group_id is None or meeting.chair_id is None:
        return None
    group = org.group(meeting.group_id)
    if group is None or group.leader_id is None or meeting.chair_id == group.leader_id:
        return None
    return group.leader_id


def m6_attendance_and_chair(records: BranchRecords, now: datetime) -> Iterator[Finding]:
    """M6 — 会议由小组全体党员参加,由党小组长主持.

    Error: a held meeting where a member has no attendance record. Warning: a
    member marked absent without a reason; a group meeting chaired by someone
    other than the group's leader.
    """
    org = records.organisation
    by_group = members_by_group(org)
    for meeting in checked_meetings(records):
        if not is_held(meeting):
            continue
        missing = person_names(unaccounted_members(meeting, org, by_group))
        no_reason = [
            name_of(org, a.person_id)
            for a in meeting.attendance
            if a.status is AttendanceStatus.ABSENT and not a.reason.strip()
        ]
        leader_id = _leader_not_chairing(meeting, org)
        if not missing and not no_reason and leader_id is None:
            continue
        label = meeting_label(meeting, org)
        label_en = meeting_label_en(meeting, org)
        subject = meeting_subject(meeting, org)
        if missing:
            yield finding(
                "M6",
                Severity.ERROR,
                subject,
                f"{label}没有{zh_names(missing)}的出席记录:全体党员应参加会议,"
                "请记录其出席、迟到、请假或缺席(及原因)。",
                f"{label_en} has no attendance record for {en_names(missing)}: every "
                "member attends; record them as present, late, on leave or absent (with "
                "the reason).",
            )
        if no_reason:
            yield finding(
                "M6",
                Severity.WARNING,
                subject,
                f"{label}记录{zh_names(no_reason)}缺席但没有写明原因:请补记缺席原因。",
                f"{label_en} records {en_names(no_reason)} as absent without a reason: record why.",
            )
        if meeting.chair_id is None or leader_id is None:
            continue
        chair = name_of(org, meeting.chair_id)
        leader = name_of(org, leader_id)
        yield finding(
            "M6",
            Severity.WARNING,
            subject,
            f"{label}由{chair}主持,而不是党小组长{leader}:党小组会由党小组长主持。",
            f"{label_en} was chaired by {chair}, not by the group leader {leader}: the "
            "leader chairs the group meeting.",
        )
