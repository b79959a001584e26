"""The engine runs every check and orders what they find."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from rules.checks.engine import CHECKS, check
from rules.checks.findings import Severity
from rules.checks.seed import RULES
from rules.models import BranchRecords, Discipline, FollowUpTask

from .conftest import (
    NOW,
    at,
    compliant_people,
    compliant_records,
    drop_meeting,
    held_meeting,
    organisation,
    replace_meeting,
)


def test_a_compliant_branch_has_no_errors_or_warnings() -> None:
    findings = check(compliant_records(), NOW)
    assert [f for f in findings if f.severity is not Severity.ADVICE] == []


def troubled() -> BranchRecords:
    records = compliant_records()
    records = drop_meeting(records, "g2-2026-03")  # M1 第二党小组
    records = replace_meeting(records, "g1-2026-05", notice_sent_at=None)  # M5
    june = held_meeting(
        "g1-2026-06", "g1", at(2026, 6, 12), records.organisation, topics=("学习", "党费", "群众")
    )  # M2: three topics (each discussed, so the minutes are complete)
    records = replace(
        records, meetings=tuple(june if m.id == june.id else m for m in records.meetings)
    )
    records = replace_meeting(records, "g1-2026-07", consulted_branch_at=None)  # M3
    org = records.organisation
    people = tuple(
        replace(p, discipline=Discipline.PROBATION) if p.id == "ly" else p for p in org.people
    )  # L1: 第二党小组's leader 刘洋 under 留党察看
    people = tuple(replace(p, department="财务科") if p.id == "ln" else p for p in people)  # G4
    task = FollowUpTask("t9", "g1-2026-10", "wf", "走访群众", date(2026, 11, 1))  # A3
    return replace(
        records,
        organisation=replace(org, people=people),
        tasks=(*records.tasks, task),
    )


def test_findings_are_sorted_by_severity_rule_and_subject() -> None:
    findings = check(troubled(), NOW)
    assert [(f.rule, f.severity) for f in findings] == [
        ("L1", Severity.ERROR),
        ("M1", Severity.ERROR),
        ("M5", Severity.ERROR),
        ("A3", Severity.WARNING),
        ("M2", Severity.WARNING),
        ("M3", Severity.WARNING),
        ("G4", Severity.ADVICE),
    ]
    keys = [(f.severity.rank, f.rule, f.subject.label) for f in findings]
    assert keys == sorted(keys)
    by_rule = {f.rule: f for f in findings}
    assert by_rule["L1"].subject.label == "第二党小组"
    assert "刘洋" in by_rule["L1"].message_zh
    assert "2026年3月" in by_rule["M1"].message_zh
    assert by_rule["M5"].subject.label == "第一党小组 2026年5月12日会议"


def test_every_finding_quotes_its_rule() -> None:
    for finding in check(troubled(), NOW):
        assert finding.seed == RULES[finding.rule].seed
        assert finding.message_zh and finding.message_en
        assert finding.message("en") == finding.message_en
        assert finding.message() == finding.message_zh


def test_within_a_rule_subjects_are_ordered_by_label() -> None:
    records = drop_meeting(drop_meeting(compliant_records(), "g2-2026-04"), "g1-2026-08")
    m1 = [f for f in check(records, NOW) if f.rule == "M1"]
    assert [f.subject.label for f in m1] == ["第一党小组", "第二党小组"]


def test_time_is_an_argument() -> None:
    records = compliant_records()
    assert check(records, NOW) == []
    later = check(records, at(2026, 12, 2, 9))
    # November has ended without 第二党小组 meeting; 第一党小组's 28 November meeting was
    # never held either.
    assert {(f.rule, f.subject.label) for f in later if f.rule == "M1"} == {
        ("M1", "第一党小组"),
        ("M1", "第二党小组"),
    }


def test_now_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        check(compliant_records(), datetime(2026, 11, 26, 9, 0))


def test_a_branch_without_groups_meets_as_a_member_congress() -> None:
    people = tuple(replace(p, group_id=None) for p in compliant_people())
    org = organisation((), people)
    meetings = tuple(held_meeting(f"c-{m}", None, at(2026, m, 10), org) for m in (9, 11))
    records = BranchRecords(organisation=org, meetings=meetings, records_since=date(2026, 9, 1))
    findings = check(records, NOW)
    # No group to judge: only the month without a member congress is reported.
    assert [(f.rule, f.severity, f.subject.label) for f in findings] == [
        ("B1", Severity.ERROR, "机关第一党支部")
    ]
    assert "2026年10月" in findings[0].message_zh


def test_checks_are_the_engines() -> None:
    assert len(CHECKS) == 20
    assert all(callable(c) for c in CHECKS)
