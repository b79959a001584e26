"""党小组长的产生 (L1) and 党小组长同支部书记和支委会委员的关系 (L3)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from rules.checks.findings import Severity, SubjectKind
from rules.checks.leader import l1_leader_eligible, l3_committee_capacity
from rules.models import (
    BranchRecords,
    BranchRole,
    Capacity,
    Discipline,
    Guest,
    Opinion,
)

from .conftest import compliant_records, meeting, replace_meeting, run


def with_person(records: BranchRecords, pid: str, **changes: Any) -> BranchRecords:
    org = records.organisation
    people = tuple(replace(p, **changes) if p.id == pid else p for p in org.people)
    return replace(records, organisation=replace(org, people=people))


def with_leader(records: BranchRecords, leader_id: str | None) -> BranchRecords:
    org = records.organisation
    groups = tuple(replace(g, leader_id=leader_id) if g.id == "g1" else g for g in org.groups)
    return replace(records, organisation=replace(org, groups=groups))


# -- L1 -----------------------------------------------------------------------


def test_l1_a_full_member_leads() -> None:
    assert run(l1_leader_eligible, compliant_records()) == []


@pytest.mark.parametrize("discipline", [Discipline.WARNING, Discipline.SERIOUS_WARNING])
def test_l1_lesser_discipline_does_not_bar(discipline: Discipline) -> None:
    records = with_person(compliant_records(), "zw", discipline=discipline)
    assert run(l1_leader_eligible, records) == []


def test_l1_no_leader() -> None:
    [finding] = run(l1_leader_eligible, with_leader(compliant_records(), None))
    assert (finding.rule, finding.severity) == ("L1", Severity.ERROR)
    assert finding.subject.kind is SubjectKind.GROUP
    assert finding.subject.label == "第一党小组"
    assert "没有党小组长" in finding.message_zh


def test_l1_probationary_member_cannot_lead() -> None:
    records = with_leader(compliant_records(), "wf")  # 王芳, 预备党员 in 第一党小组
    [finding] = run(l1_leader_eligible, records)
    assert (finding.rule, finding.severity, finding.subject.label) == (
        "L1",
        Severity.ERROR,
        "第一党小组",
    )
    assert "王芳" in finding.message_zh
    assert "预备党员不能担任党小组长" in finding.message_zh
    assert "probationary" in finding.message_en


def test_l1_member_under_probation_within_the_party_cannot_lead() -> None:
    records = with_person(compliant_records(), "zw", discipline=Discipline.PROBATION)
    [finding] = run(l1_leader_eligible, records)
    assert finding.severity is Severity.ERROR
    assert "张伟" in finding.message_zh
    assert "受留党察看处分的党员不能担任党小组长" in finding.message_zh


def test_l1_leader_from_another_group() -> None:
    records = with_leader(compliant_records(), "cj")  # 陈静 is in 第二党小组
    [finding] = run(l1_leader_eligible, records)
    assert finding.severity is Severity.ERROR
    assert "陈静" in finding.message_zh and "不是本组党员" in finding.message_zh


def test_l1_leader_who_is_no_party_member() -> None:
    records = with_leader(compliant_records(), "sm")  # 孙敏, an activist
    [finding] = run(l1_leader_eligible, records)
    assert "孙敏" in finding.message_zh and "不是党员" in finding.message_zh


def test_l1_leader_unknown() -> None:
    [finding] = run(l1_leader_eligible, with_leader(compliant_records(), "ghost"))
    assert "ghost" in finding.message_zh


def test_l1_probationary_and_under_probation_both_reported() -> None:
    records = with_person(
        with_leader(compliant_records(), "wf"), "wf", discipline=Discipline.PROBATION
    )
    findings = run(l1_leader_eligible, records)
    assert len(findings) == 2
    assert {f.rule for f in findings} == {"L1"}


# -- L3 -----------------------------------------------------------------------

MID = "g1-2026-10"


def with_opinion(
    records: BranchRecords, speaker: str, capacity: Capacity, guests: tuple[Guest, ...] = ()
) -> BranchRecords:
    m = meeting(records, MID)
    opinion = Opinion(speaker, 0, "支委会要求本月完成党费检查", capacity=capacity)
    return replace_meeting(records, MID, opinions=(*m.opinions, opinion), guests=guests)


def test_l3_delegated_secretary_speaks_for_the_committee() -> None:
    # 赵强 is branch secretary and a member of 第一党小组; the delegation is recorded.
    records = with_opinion(
        compliant_records(), "zq", Capacity.COMMITTEE, (Guest("zq", delegated_by_committee=True),)
    )
    assert run(l3_committee_capacity, records) == []


def test_l3_undelegated_secretary_speaks_only_personally() -> None:
    records = with_opinion(compliant_records(), "zq", Capacity.COMMITTEE)
    [finding] = run(l3_committee_capacity, records)
    assert (finding.rule, finding.severity) == ("L3", Severity.ERROR)
    assert finding.subject.kind is SubjectKind.MEETING
    assert finding.subject.id == MID
    assert finding.subject.label == "第一党小组 2026年10月12日会议"
    assert "赵强" in finding.message_zh
    assert "个人意见" in finding.message_zh


def test_l3_a_guest_entry_without_delegation_is_not_one() -> None:
    records = with_opinion(compliant_records(), "zq", Capacity.COMMITTEE, (Guest("zq"),))
    assert len(run(l3_committee_capacity, records)) == 1


def test_l3_undelegated_secretary_speaking_personally_is_fine() -> None:
    records = with_opinion(compliant_records(), "zq", Capacity.PERSONAL)
    assert run(l3_committee_capacity, records) == []


def test_l3_an_ordinary_member_cannot_speak_for_the_committee() -> None:
    records = with_opinion(
        compliant_records(), "ln", Capacity.COMMITTEE, (Guest("ln", delegated_by_committee=True),)
    )
    [finding] = run(l3_committee_capacity, records)
    assert "李娜" in finding.message_zh and "不是支委会成员" in finding.message_zh


def test_l3_committee_member_from_outside_the_group_delegated() -> None:
    records = with_person(compliant_records(), "ly", branch_role=BranchRole.COMMITTEE)
    records = with_opinion(
        records, "ly", Capacity.COMMITTEE, (Guest("ly", delegated_by_committee=True),)
    )
    assert run(l3_committee_capacity, records) == []
    records = replace_meeting(records, MID, guests=())
    [finding] = run(l3_committee_capacity, records)
    assert "刘洋" in finding.message_zh


def test_l3_one_finding_per_speaker_naming_the_topics() -> None:
    records = with_opinion(compliant_records(), "zq", Capacity.COMMITTEE)
    m = meeting(records, MID)
    records = replace_meeting(
        records,
        MID,
        topics=("学习党费政策", "检查党费"),
        opinions=(*m.opinions, Opinion("zq", 1, "再强调一次", capacity=Capacity.COMMITTEE)),
    )
    [finding] = run(l3_committee_capacity, records)
    assert "议题1、2" in finding.message_zh
