"""The ten-year branch: its size, the same branch every time, within the
rules, its seals whole, and the demo's building blocks reused."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from rules.checks import engine
from rules.checks.findings import Severity
from rules.meeting.seal import chain_heads, verify
from rules.models import AttendanceStatus, MeetingKind, Step, TaskStatus
from rules.samples.demo import DemoData
from rules.samples.ten_years import GROUPS, MEMBERS_PER_GROUP, meetings_held, ten_year_branch

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=TZ)


@pytest.fixture(scope="module")
def two_years() -> DemoData:
    return ten_year_branch(NOW, years=2)


def test_eight_groups_of_twelve_members_each_with_a_full_member_as_leader(
    two_years: DemoData,
) -> None:
    org = two_years.records.organisation
    assert len(org.active_groups) == GROUPS == 8
    for group in org.active_groups:
        members = org.members_of(group.id)
        assert len(members) == MEMBERS_PER_GROUP == 12
        leader = org.person(group.leader_id)
        assert leader is not None and leader.group_id == group.id
        assert leader.status.value == "full"
    numbers = [p.member_no for p in org.party_members]
    assert len(set(numbers)) == len(numbers) == 96
    # Everyone who may unlock the kiosk has a PIN, every member a sign-in PIN.
    assert {g.leader_id for g in org.groups} <= set(two_years.pins)
    assert set(two_years.signin_pins) == {p.id for p in org.party_members}


def test_every_group_meets_every_month_of_the_years_and_plans_the_next(two_years: DemoData) -> None:
    records = two_years.records
    for group in records.organisation.groups:
        own = [m for m in records.meetings if m.group_id == group.id]
        held = [m for m in own if m.step.held and not m.postponed]
        put_off = [m for m in own if m.postponed]
        assert len(held) + len(put_off) == 24  # one a month
        assert all(m.postponement and m.postponement.reason for m in put_off)
        assert [m.step for m in own if not m.step.held and not m.postponed] == [Step.PREPARATION]
        assert sum(m.kind is MeetingKind.LIFE for m in held) == 2  # December (Y2)
        assert sum(m.decides_annual_plan for m in held) == 2  # January (Y1)
    assert len(records.plans) == GROUPS * 3  # two years held, and the next year's


def test_attendance_is_mostly_present_with_reasons_for_leave_and_absence(
    two_years: DemoData,
) -> None:
    held = meetings_held(two_years.records)
    statuses = Counter(a.status for m in held for a in m.attendance)
    total = sum(statuses.values())
    assert statuses[AttendanceStatus.PRESENT] / total > 0.7
    for status in (AttendanceStatus.LATE, AttendanceStatus.ON_LEAVE, AttendanceStatus.ABSENT):
        assert statuses[status] > 0
    for meeting in held:
        assert meeting.opinions and meeting.summary and meeting.decisions
        for record in meeting.attendance:
            if record.status in (AttendanceStatus.ON_LEAVE, AttendanceStatus.ABSENT):
                assert record.reason


def test_most_tasks_are_done_and_the_dues_are_paid(two_years: DemoData) -> None:
    tasks = two_years.records.tasks
    done = sum(t.status is TaskStatus.DONE for t in tasks)
    assert done / len(tasks) > 0.9
    members = len(two_years.records.organisation.party_members)
    # Most members pay every month (the demo's few who do not included).
    assert len(two_years.dues.payments) > members * 24 * 0.9


def test_no_error_level_finding_and_the_seals_verify(two_years: DemoData) -> None:
    findings = engine.check(two_years.records, NOW)
    assert not [f for f in findings if f.severity is Severity.ERROR]
    # Only the demo pattern's three-topic September (M2) is warned about.
    assert {f.rule for f in findings} <= {"M2"}
    meetings = two_years.records.meetings
    final = [m for m in meetings if m.step.minutes_final]
    assert final and all(m.seal is not None for m in final)
    report = verify(meetings, chain_heads(final))
    assert report.ok and report.sealed == len(final)


def test_the_same_seed_gives_the_same_branch_and_another_seed_another() -> None:
    first = ten_year_branch(NOW, years=1, seed=3)
    again = ten_year_branch(NOW, years=1, seed=3)
    other = ten_year_branch(NOW, years=1, seed=4)
    assert first == again
    assert first.records.meetings != other.records.meetings


def test_years_below_one_are_refused() -> None:
    with pytest.raises(ValueError):
        ten_year_branch(NOW, years=0)


def test_ten_years_of_monthly_meetings_stay_within_the_rules() -> None:
    data = ten_year_branch(NOW)
    records = data.records
    assert len(records.meetings) == GROUPS * (12 * 10 + 1)
    assert records.records_since is not None and records.records_since.year == 2016
    findings = engine.check(records, NOW)
    assert not [f for f in findings if f.severity is Severity.ERROR]
    # The dues of ten years: most members, every month.
    assert len(data.dues.payments) > 96 * 120 * 0.9
