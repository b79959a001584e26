"""会后应做事项: A1 (检查会议记录), A2 (向党支部汇报), A3 (组织落实)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from rules.checks.after import a1_minutes_checked, a2_reported, a3_tasks
from rules.checks.findings import Severity, SubjectKind
from rules.models import BranchRecords, FollowUpTask, MeetingKind, Step, TaskStatus

from .conftest import at, compliant_records, meeting, replace_meeting, run

OCTOBER = "g1-2026-10"  # 第一党小组, 12 October 2026


def finalised_on(day: int, **changes: Any) -> BranchRecords:
    """October's meeting finalised on ``day`` November 2026, nothing after."""
    fields: dict[str, Any] = {
        "step": Step.FINALISED,
        "finalised_at": at(2026, 11, day, 17),
        "checked_at": None,
        "reported_at": None,
    }
    return replace_meeting(compliant_records(), OCTOBER, **(fields | changes))


def test_compliant() -> None:
    for check in (a1_minutes_checked, a2_reported, a3_tasks):
        assert run(check, compliant_records()) == []


# -- A1 -----------------------------------------------------------------------


def test_a1_minutes_not_checked_after_three_days() -> None:
    [finding] = run(a1_minutes_checked, finalised_on(20))
    assert (finding.rule, finding.severity) == ("A1", Severity.WARNING)
    assert finding.subject.kind is SubjectKind.MEETING
    assert finding.subject.label == "第一党小组 2026年10月12日会议"
    assert "2026年11月20日" in finding.message_zh
    assert "检查会议记录" in finding.message_zh


def test_a1_within_three_days() -> None:
    assert run(a1_minutes_checked, finalised_on(24)) == []


def test_a1_checked() -> None:
    records = finalised_on(20, checked_at=at(2026, 11, 21, 9), step=Step.CHECKED)
    assert run(a1_minutes_checked, records) == []


def test_a1_unfinalised_minutes_are_r2s_business() -> None:
    records = replace_meeting(
        compliant_records(), OCTOBER, step=Step.RECORD, finalised_at=None, checked_at=None
    )
    assert run(a1_minutes_checked, records) == []


# -- A2 -----------------------------------------------------------------------


def test_a2_not_reported_after_a_week() -> None:
    records = finalised_on(17, checked_at=at(2026, 11, 18, 9), step=Step.CHECKED)
    [finding] = run(a2_reported, records)
    assert (finding.rule, finding.severity, finding.subject.id) == (
        "A2",
        Severity.WARNING,
        OCTOBER,
    )
    assert "向党支部汇报" in finding.message_zh
    assert "2026年11月17日" in finding.message_zh


def test_a2_within_a_week() -> None:
    assert run(a2_reported, finalised_on(20)) == []


def test_a2_reported() -> None:
    records = finalised_on(10, reported_at=at(2026, 11, 12, 9), step=Step.REPORTED)
    assert run(a2_reported, records) == []


def test_a2_a_member_congress_is_the_branchs_own() -> None:
    records = finalised_on(10)
    congress = replace(
        meeting(records, OCTOBER), id="c", group_id=None, kind=MeetingKind.MEMBER_CONGRESS
    )
    records = replace(records, meetings=(*records.meetings, congress))
    assert [f.subject.id for f in run(a2_reported, records)] == [OCTOBER]


# -- A3 -----------------------------------------------------------------------


def with_task(task: FollowUpTask) -> BranchRecords:
    records = compliant_records()
    return replace(records, tasks=(*records.tasks, task))


def test_a3_an_open_task_past_due() -> None:
    task = FollowUpTask("t9", OCTOBER, "wf", "走访困难群众并反映意见", date(2026, 11, 20))
    [finding] = run(a3_tasks, with_task(task))
    assert (finding.rule, finding.severity) == ("A3", Severity.WARNING)
    assert finding.subject.kind is SubjectKind.TASK
    assert finding.subject.id == "t9"
    assert "王芳" in finding.subject.label
    assert "王芳" in finding.message_zh
    assert "走访困难群众并反映意见" in finding.message_zh
    assert "2026年11月20日" in finding.message_zh
    assert "6天" in finding.message_zh


def test_a3_due_today_is_not_late() -> None:
    task = FollowUpTask("t9", OCTOBER, "wf", "走访困难群众", date(2026, 11, 26))
    assert run(a3_tasks, with_task(task)) == []


def test_a3_done_tasks_are_done() -> None:
    task = FollowUpTask(
        "t9", OCTOBER, "wf", "走访困难群众", date(2026, 11, 1), status=TaskStatus.DONE
    )
    assert run(a3_tasks, with_task(task)) == []


def test_a3_the_secretary_gets_tasks_like_anyone() -> None:
    # 党小组长 … 可根据实际情况分配给编在本小组担任支部书记和支委会委员的党员以一定的工作,
    # 并且要像检查党小组的其他党员一样,检查他们完成这些工作的情况.
    task = FollowUpTask("t9", OCTOBER, "zq", "传达支委会决议", date(2026, 11, 1))
    [finding] = run(a3_tasks, with_task(task))
    assert "赵强" in finding.message_zh


def test_a3_task_for_someone_outside_the_organisation() -> None:
    task = FollowUpTask("t9", OCTOBER, "ghost", "整理台账", date(2026, 12, 20))
    [finding] = run(a3_tasks, with_task(task))
    assert (finding.rule, finding.severity) == ("A3", Severity.ERROR)
    assert "ghost" in finding.message_zh and "整理台账" in finding.message_zh
