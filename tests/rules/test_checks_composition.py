"""划分党小组的五条基本原则 (G1–G5) and the branch without groups (B1)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from rules.checks.composition import (
    b1_member_congress,
    g1_group_size,
    g2_full_member,
    g3_leadership_cadres,
    g4_departments,
    g5_committee_decision,
)
from rules.checks.findings import Severity, SubjectKind
from rules.models import BranchRecords, MemberStatus, Person, Postponement, Step

from .conftest import (
    at,
    compliant_people,
    compliant_records,
    group,
    held_meeting,
    organisation,
    person,
    run,
)

PROBATIONARY = MemberStatus.PROBATIONARY


def records_of(*people: Person, groups: tuple[str, ...] = ("g1", "g2")) -> BranchRecords:
    names = {"g1": "第一党小组", "g2": "第二党小组", "g3": "第三党小组"}
    leaders = {g: next((p.id for p in people if p.group_id == g), None) for g in groups}
    org = organisation((group(g, names[g], leaders[g]) for g in groups), people)
    return BranchRecords(organisation=org)


def test_compliant_branch_keeps_the_five_principles() -> None:
    records = compliant_records()
    for check in (g1_group_size, g2_full_member, g3_leadership_cadres, g4_departments):
        assert run(check, records) == []
    assert run(g5_committee_decision, records) == []
    assert run(b1_member_congress, records) == []


# -- G1: 每个党小组至少有三名党员 --------------------------------------------


def test_g1_three_members_with_a_probationary_one_is_enough() -> None:
    records = records_of(
        person("a", "张伟"), person("b", "李娜"), person("c", "王芳", PROBATIONARY), groups=("g1",)
    )
    assert run(g1_group_size, records) == []


def test_g1_two_members_is_too_few() -> None:
    records = records_of(
        person("a", "张伟"),
        person("b", "李娜"),
        person("x", "孙敏", MemberStatus.ACTIVIST),  # an activist is no party member
        groups=("g1",),
    )
    [finding] = run(g1_group_size, records)
    assert finding.rule == "G1"
    assert finding.severity is Severity.ERROR
    assert finding.subject.kind is SubjectKind.GROUP
    assert finding.subject.id == "g1"
    assert finding.subject.label == "第一党小组"
    assert "只有2名党员" in finding.message_zh
    assert "张伟" in finding.message_zh and "李娜" in finding.message_zh
    assert "孙敏" not in finding.message_zh
    assert "only 2 party member" in finding.message_en
    assert finding.seed == "每个党小组一般不得少于三名党员"


def test_g1_ignores_dissolved_groups() -> None:
    records = records_of(person("a", "张伟"), groups=("g1",))
    org = records.organisation
    dissolved = replace(org, groups=(replace(org.groups[0], dissolved_on=date(2026, 6, 30)),))
    assert run(g1_group_size, replace(records, organisation=dissolved)) == []


# -- G2: 其中至少有位正式党员 -------------------------------------------------


def test_g2_one_full_member_is_enough() -> None:
    records = records_of(
        person("a", "张伟"),
        person("b", "李娜", PROBATIONARY),
        person("c", "王芳", PROBATIONARY),
        groups=("g1",),
    )
    assert run(g2_full_member, records) == []


def test_g2_only_probationary_members() -> None:
    records = records_of(
        person("a", "张伟", PROBATIONARY),
        person("b", "李娜", PROBATIONARY),
        person("c", "王芳", PROBATIONARY),
        groups=("g1",),
    )
    [finding] = run(g2_full_member, records)
    assert (finding.rule, finding.severity, finding.subject.label) == (
        "G2",
        Severity.ERROR,
        "第一党小组",
    )
    assert "没有正式党员" in finding.message_zh
    assert "张伟、李娜、王芳" in finding.message_zh


# -- G3: 领导干部不单独成组、不集中编组 ---------------------------------------


def test_g3_cadres_forming_a_group_of_their_own() -> None:
    records = records_of(
        person("a", "张伟", leadership_post=True),
        person("b", "李娜", leadership_post=True),
        person("c", "王芳", leadership_post=True),
        person("d", "刘洋", group_id="g2"),
        person("e", "陈静", group_id="g2"),
        person("f", "杨帆", group_id="g2", leadership_post=True),
    )
    findings = run(g3_leadership_cadres, records)
    assert {(f.rule, f.severity, f.subject.label) for f in findings} == {
        ("G3", Severity.WARNING, "第一党小组")
    }
    messages = " ".join(f.message_zh for f in findings)
    assert "全部是担任领导工作的党员干部" in messages  # a group of their own
    assert "4名担任领导工作的党员干部中有3名" in messages  # and concentrated
    assert "张伟、李娜、王芳" in messages


def test_g3_cadres_concentrated_in_one_group() -> None:
    records = records_of(
        person("a", "张伟", leadership_post=True),
        person("b", "李娜", leadership_post=True),
        person("c", "王芳", leadership_post=True),
        person("d", "赵强"),
        person("e", "刘洋", group_id="g2"),
        person("f", "陈静", group_id="g2"),
        person("g", "杨帆", group_id="g2"),
    )
    [finding] = run(g3_leadership_cadres, records)
    assert (finding.rule, finding.severity, finding.subject.id) == ("G3", Severity.WARNING, "g1")
    assert "3名担任领导工作的党员干部中有3名" in finding.message_zh
    assert "集中" in finding.message_zh


def test_g3_cadres_spread_over_the_groups() -> None:
    # Three cadres, two groups: two of them must share a group; that is no concentration.
    records = records_of(
        person("a", "张伟", leadership_post=True),
        person("b", "李娜", leadership_post=True),
        person("c", "王芳"),
        person("e", "刘洋", group_id="g2", leadership_post=True),
        person("f", "陈静", group_id="g2"),
        person("g", "杨帆", group_id="g2"),
    )
    assert run(g3_leadership_cadres, records) == []


def test_g3_a_single_group_branch_cannot_concentrate() -> None:
    records = records_of(
        person("a", "张伟", leadership_post=True),
        person("b", "李娜", leadership_post=True),
        person("c", "王芳", leadership_post=True),
        person("d", "赵强"),
        groups=("g1",),
    )
    assert run(g3_leadership_cadres, records) == []


# -- G4: 所在的行政、生产、科室、班组及相邻部门的党员划分在一个党小组内 -----


def test_g4_a_department_split_over_two_groups() -> None:
    records = records_of(
        person("a", "张伟", department="生产科"),
        person("b", "李娜", department="生产科"),
        person("c", "王芳", department="生产科"),
        person("d", "刘洋", group_id="g2", department="财务科"),
        person("e", "陈静", group_id="g2", department="财务科"),
        person("f", "杨帆", group_id="g2", department="生产科"),
        person("g", "赵强", group_id="g2", department=""),
        person("h", "钱亮", group_id="g1", department=""),
    )
    [finding] = run(g4_departments, records)
    assert finding.rule == "G4"
    assert finding.severity is Severity.ADVICE
    assert finding.subject.kind is SubjectKind.BRANCH
    assert finding.subject.label == "机关第一党支部"
    assert "生产科的党员分在2个党小组" in finding.message_zh
    assert "第一党小组(张伟、李娜、王芳)" in finding.message_zh
    assert "第二党小组(杨帆)" in finding.message_zh
    assert "财务科" not in finding.message_zh


def test_g4_departments_kept_together() -> None:
    assert run(g4_departments, compliant_records()) == []


# -- G5: 由支委会决定 … 及时向上级报告 ---------------------------------------


def g5_records(**changes: Any) -> BranchRecords:
    records = compliant_records()
    org = records.organisation
    g1 = replace(org.groups[0], **changes)
    return replace(records, organisation=replace(org, groups=(g1, *org.groups[1:])))


def test_g5_no_committee_decision() -> None:
    [finding] = run(g5_committee_decision, g5_records(decided_on=None, reported_up_on=None))
    assert (finding.rule, finding.severity, finding.subject.label) == (
        "G5",
        Severity.ERROR,
        "第一党小组",
    )
    assert "支委会" in finding.message_zh


def test_g5_not_reported_upward_after_a_month() -> None:
    # Decided 1 October 2026; by 26 November 56 days have passed.
    [finding] = run(
        g5_committee_decision, g5_records(decided_on=date(2026, 10, 1), reported_up_on=None)
    )
    assert finding.severity is Severity.WARNING
    assert "2026年10月1日" in finding.message_zh
    assert "56天" in finding.message_zh
    assert "及时向上级报告" in finding.message_zh


def test_g5_recently_decided_has_time_to_report() -> None:
    records = g5_records(decided_on=date(2026, 11, 10), reported_up_on=None)
    assert run(g5_committee_decision, records) == []


def test_g5_reported_before_the_decision() -> None:
    records = g5_records(decided_on=date(2025, 12, 1), reported_up_on=date(2025, 11, 20))
    [finding] = run(g5_committee_decision, records)
    assert finding.severity is Severity.ERROR
    assert "2025年11月20日" in finding.message_zh and "2025年12月1日" in finding.message_zh


def test_g5_no_approval_from_above_needed_just_the_report() -> None:
    records = g5_records(decided_on=date(2026, 10, 1), reported_up_on=date(2026, 10, 9))
    assert run(g5_committee_decision, records) == []


# -- B1: 没有党小组的党支部,应当每月召开一次党员大会 -------------------------


def no_group_records() -> BranchRecords:
    people = tuple(replace(p, group_id=None) for p in compliant_people())
    org = organisation((), people)
    sep = held_meeting("c-09", None, at(2026, 9, 10), org)
    october = held_meeting("c-10", None, at(2026, 10, 10), org)
    return BranchRecords(organisation=org, meetings=(sep, october), records_since=date(2026, 9, 1))


def test_b1_monthly_member_congress_kept() -> None:
    assert run(b1_member_congress, no_group_records()) == []


def test_b1_a_postponement_recorded_is_enough() -> None:
    records = no_group_records()
    postponed = replace(
        records.meetings[1],
        step=Step.PREPARATION,
        started_at=None,
        postponement=Postponement("书记出差", at(2026, 10, 8), date(2026, 11, 3)),
    )
    records = replace(records, meetings=(records.meetings[0], postponed))
    assert run(b1_member_congress, records) == []


def test_b1_missing_month() -> None:
    records = no_group_records()
    records = replace(records, meetings=records.meetings[:1])
    [finding] = run(b1_member_congress, records)
    assert (finding.rule, finding.severity) == ("B1", Severity.ERROR)
    assert finding.subject.kind is SubjectKind.BRANCH
    assert "2026年10月" in finding.message_zh
    assert "October 2026" in finding.message_en
    assert "党员大会" in finding.message_zh


def test_b1_one_finding_per_missing_month_from_records_since() -> None:
    records = replace(no_group_records(), meetings=(), records_since=date(2026, 7, 15))
    findings = run(b1_member_congress, records)
    # July is not a full month of records; November is not over.
    assert [f.message_en.split(" in ")[1].split(",")[0] for f in findings] == [
        "August 2026",
        "September 2026",
        "October 2026",
    ]


def test_b1_a_branch_with_groups_is_exempt() -> None:
    assert run(b1_member_congress, compliant_records()) == []


def test_b1_without_records_since_counting_starts_at_the_first_meeting() -> None:
    records = replace(no_group_records(), records_since=None)
    assert run(b1_member_congress, records) == []
    only_october = replace(records, meetings=records.meetings[1:])
    assert run(b1_member_congress, only_october) == []
    only_september = replace(records, meetings=records.meetings[:1])
    [finding] = run(b1_member_congress, only_september)
    assert "2026年10月" in finding.message_zh


def test_b1_after_the_last_group_was_dissolved() -> None:
    records = no_group_records()
    old = group("g9", "原第一党小组", "zw", dissolved_on=date(2026, 10, 1))
    org = replace(records.organisation, groups=(old,))
    # The dissolved group's own meeting in October is no member congress.
    group_meeting = replace(records.meetings[1], id="g9-10", group_id="g9")
    records = replace(
        records,
        organisation=org,
        meetings=(*records.meetings[:1], group_meeting),
        records_since=date(2026, 1, 1),
    )
    findings = run(b1_member_congress, records)
    # Counting starts when the group was dissolved, not at records_since.
    [finding] = findings
    assert "2026年10月" in finding.message_zh
