"""After the meeting (会后应做事项): A1 A2 A3."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from rules.checks.findings import Finding, Severity, Subject, SubjectKind
from rules.models import BranchRecords, FollowUpTask, Meeting, Organisation, TaskStatus

from ._common import (
    checked_meetings,
    days,
    en_date,
    finding,
    is_held,
    local_date,
    meeting_label,
    meeting_label_en,
    meeting_subject,
    name_of,
    zh_date,
)

# A1: days after finalising by which the leader has checked the minutes.
CHECK_DAYS = 3
# A2: days after finalising by which the meeting is reported to the branch.
REPORT_DAYS = 7


def _finalised(meeting: Meeting) -> datetime:
    return meeting.finalised_at or meeting.ended_at or meeting.started_at or meeting.planned_at


def a1_minutes_checked(records: BranchRecords, now: datetime) -> Iterator[Finding]:
    """A1 — 党小组长要检查会议记录情况 (warning: not checked 3 days after finalising)."""
    org = records.organisation
    for meeting in checked_meetings(records):
        if not is_held(meeting) or not meeting.step.minutes_final:
            continue
        finalised = _finalised(meeting)
        if meeting.checked_at is not None or now <= finalised + days(CHECK_DAYS):
            continue
        on = local_date(finalised, finalised)
        yield finding(
            "A1",
            Severity.WARNING,
            meeting_subject(meeting, org),
            f"{meeting_label(meeting, org)}的会议记录于{zh_date(on)}定稿,"
            f"超过{CHECK_DAYS}天仍未检查:党小组长要检查会议记录情况。",
            f"The minutes of {meeting_label_en(meeting, org)} were finalised on "
            f"{en_date(on)} and, more than {CHECK_DAYS} days later, the leader has not "
            "checked them: check the minutes.",
        )


def a2_reported(records: BranchRecords, now: datetime) -> Iterator[Finding]:
    """A2 — 党小组长应将党小组会议情况及时向党支部汇报.

    Warning: a group meeting not reported to the branch seven days after its
    minutes were finalised. (A member congress is the branch's own meeting.)
    """
    org = records.organisation
    for meeting in checked_meetings(records):
        if meeting.group_id is None or not is_held(meeting) or not meeting.step.minutes_final:
            continue
        finalised = _finalised(meeting)
        if meeting.reported_at is not None or now <= finalised + days(REPORT_DAYS):
            continue
        on = local_date(finalised, finalised)
        yield finding(
            "A2",
            Severity.WARNING,
            meeting_subject(meeting, org),
            f"{meeting_label(meeting, org)}的会议记录于{zh_date(on)}定稿,"
            f"超过{REPORT_DAYS}天仍未向党支部汇报:请及时向党支部汇报会议情况。",
            f"The minutes of {meeting_label_en(meeting, org)} were finalised on "
            f"{en_date(on)} and, more than {REPORT_DAYS} days later, the meeting has not "
            "been reported to the branch: report it.",
        )


def task_subject(task: FollowUpTask, org: Organisation) -> Subject:
    who = name_of(org, task.assignee_id)
    return Subject(SubjectKind.TASK, task.id, f"{task.what}({who})", f"{task.what} ({who})")


def a3_tasks(records: BranchRecords, now: datetime) -> Iterator[Finding]:
    """A3 — 党小组长要抓好会后的组织落实工作.

    Warning: an open follow-up task past its due date. Error: a task assigned
    to someone who is not in the organisation.
    """
    org = records.organisation
    today = now.date()
    for task in records.tasks:
        assignee = org.person(task.assignee_id)
        overdue = task.status is TaskStatus.OPEN and task.due < today
        if assignee is not None and not overdue:
            continue  # most tasks: nothing to name
        subject = task_subject(task, org)
        if assignee is None:
            yield finding(
                "A3",
                Severity.ERROR,
                subject,
                f"任务“{task.what}”的承办人(编号{task.assignee_id})不在本支部人员名单中:"
                "请把任务重新分配给本组的人员。",
                f'The task "{task.what}" is assigned to {task.assignee_id}, who is not in '
                "the branch: assign it to someone who is.",
            )
        if overdue:
            name = name_of(org, task.assignee_id)
            days_late = (today - task.due).days
            yield finding(
                "A3",
                Severity.WARNING,
                subject,
                f"{name}承办的任务“{task.what}”应于{zh_date(task.due)}完成,已逾期{days_late}天:"
                "请督促落实,完成后登记。",
                f'The task "{task.what}" assigned to {name} was due on {en_date(task.due)}, '
                f"{days_late} days ago: follow it up and mark it done when it is.",
            )
