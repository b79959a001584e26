"""The year: the January meeting decides the plan (Y1); December is the life
meeting (Y2) — the seed's case plan, slides 12–13."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from rules.checks.findings import Severity, SubjectKind
from rules.checks.year import y1_january, y2_december
from rules.models import BranchRecords, MeetingKind, Postponement, Step
from rules.year.plan_template import plan_from_template

from .conftest import (
    at,
    compliant_records,
    drop_meeting,
    held_meeting,
    meeting,
    replace_meeting,
    run,
)

JANUARY = "g1-2026-01"  # 第一党小组, 12 January 2026


def test_compliant_year() -> None:
    assert run(y1_january, compliant_records()) == []
    assert run(y2_december, compliant_records()) == []


# -- Y1 -----------------------------------------------------------------------


def test_y1_no_january_meeting() -> None:
    [finding] = run(y1_january, drop_meeting(compliant_records(), JANUARY))
    assert (finding.rule, finding.severity) == ("Y1", Severity.ERROR)
    assert finding.subject.kind is SubjectKind.GROUP
    assert finding.subject.label == "第一党小组"
    assert "2026年1月" in finding.message_zh
    assert "全年每月党小组会议内容" in finding.message_zh


def test_y1_january_postponed_with_reason() -> None:
    records = replace_meeting(
        compliant_records(),
        JANUARY,
        step=Step.PREPARATION,
        started_at=None,
        postponement=Postponement("年终结算", at(2026, 1, 10), date(2026, 2, 3)),
    )
    assert run(y1_january, records) == []


def test_y1_january_meeting_that_decided_no_plan() -> None:
    records = replace_meeting(compliant_records(), JANUARY, decides_annual_plan=False)
    [finding] = run(y1_january, records)
    assert (finding.severity, finding.subject.kind) == (Severity.WARNING, SubjectKind.MEETING)
    assert finding.subject.label == "第一党小组 2026年1月12日会议"
    assert "2026年全年每月党小组会议内容" in finding.message_zh


def test_y1_january_meeting_without_review_of_last_year() -> None:
    records = replace_meeting(compliant_records(), JANUARY, reviews_last_year=False)
    [finding] = run(y1_january, records)
    assert finding.severity is Severity.ADVICE
    assert "2025年" in finding.message_zh


def test_y1_no_plan_recorded() -> None:
    records = compliant_records()
    records = replace(records, plans=tuple(p for p in records.plans if p.group_id != "g1"))
    [finding] = run(y1_january, records)
    assert (finding.severity, finding.subject.label) == (Severity.WARNING, "第一党小组")
    assert "2026年" in finding.message_zh


def test_y1_a_plan_missing_months() -> None:
    records = compliant_records()
    plan = plan_from_template("g1", 2026)
    short = replace(plan, months=tuple(m for m in plan.months if m.month not in (7, 12)))
    records = replace(records, plans=(short, *records.plans[1:]))
    [finding] = run(y1_january, records)
    assert finding.severity is Severity.WARNING
    assert "缺少7月、12月" in finding.message_zh


def test_y1_not_before_january_is_over() -> None:
    records = drop_meeting(compliant_records(), JANUARY)
    records = replace(records, plans=())
    assert run(y1_january, records, at(2026, 1, 31, 20)) == []
    findings = run(y1_january, records, at(2026, 2, 1, 8))
    # 第一党小组: no January meeting and no plan; 第二党小组: no plan.
    assert [(f.severity, f.subject.label) for f in findings] == [
        (Severity.ERROR, "第一党小组"),
        (Severity.WARNING, "第一党小组"),
        (Severity.WARNING, "第二党小组"),
    ]


def test_y1_a_group_set_up_after_january() -> None:
    records = drop_meeting(compliant_records(), JANUARY)
    org = records.organisation
    g1 = replace(org.groups[0], decided_on=date(2026, 3, 20))
    records = replace(records, organisation=replace(org, groups=(g1, org.groups[1])))
    assert run(y1_january, records) == []


def test_y1_each_year_counts() -> None:
    # In February 2027, the 2027 January meeting and plan are due too.
    findings = run(y1_january, compliant_records(), at(2027, 2, 10, 9))
    assert [(f.severity, f.subject.label) for f in findings] == [
        (Severity.ERROR, "第一党小组"),
        (Severity.WARNING, "第一党小组"),
        (Severity.ERROR, "第二党小组"),
        (Severity.WARNING, "第二党小组"),
    ]
    assert all("2027年" in f.message_zh for f in findings)


# -- Y2 -----------------------------------------------------------------------


def with_december(kind: MeetingKind = MeetingKind.LIFE, **changes: Any) -> BranchRecords:
    records = compliant_records()
    org = records.organisation
    december = held_meeting(
        "g1-2026-12",
        "g1",
        at(2026, 12, 12),
        org,
        topics=("党员应当勇于履行监督义务、行使监督权利",),
        kind=kind,
        opinions_gathered_on=date(2026, 12, 5),
    )
    return replace(records, meetings=(*records.meetings, replace(december, **changes)))


JAN_2027 = at(2027, 1, 5, 9)


def test_y2_life_meeting_in_december() -> None:
    findings = run(y2_december, with_december(), JAN_2027)
    # Only 第二党小组, which held no December meeting, is reported.
    assert [f.subject.label for f in findings] == ["第二党小组"]


def test_y2_december_meeting_that_is_not_the_life_meeting() -> None:
    records = with_december(MeetingKind.REGULAR)
    findings = run(y2_december, records, JAN_2027)
    [finding] = [f for f in findings if f.subject.kind is SubjectKind.MEETING]
    assert (finding.rule, finding.severity) == ("Y2", Severity.WARNING)
    assert finding.subject.label == "第一党小组 2026年12月12日会议"
    assert "生活会" in finding.message_zh
    # 第二党小组 held no December meeting at all
    [other] = [f for f in findings if f.subject.kind is SubjectKind.GROUP]
    assert other.subject.label == "第二党小组"
    assert "2026年12月" in other.message_zh


def test_y2_a_held_december_meeting_is_judged_before_december_ends() -> None:
    records = with_december(MeetingKind.REGULAR)
    findings = run(y2_december, records, at(2026, 12, 20, 9))
    assert [f.subject.label for f in findings] == ["第一党小组 2026年12月12日会议"]


def test_y2_a_life_meeting_still_planned_for_later_in_december() -> None:
    records = with_december(
        MeetingKind.REGULAR, planned_at=at(2026, 12, 3), started_at=at(2026, 12, 3)
    )
    life = replace(
        meeting(compliant_records(), "g1-2026-11"),
        id="life",
        kind=MeetingKind.LIFE,
        planned_at=at(2026, 12, 22),
    )
    records = replace(records, meetings=(*records.meetings, life))
    assert run(y2_december, records, at(2026, 12, 10, 9)) == []


def test_y2_december_not_over_and_nothing_held_yet() -> None:
    assert run(y2_december, compliant_records(), at(2026, 12, 28, 9)) == []


def test_y2_opinions_not_gathered_before_the_life_meeting() -> None:
    [finding] = run(y2_december, with_december(opinions_gathered_on=None), at(2026, 12, 20))
    assert (finding.severity, finding.subject.id) == (Severity.WARNING, "g1-2026-12")
    assert "会前征求" in finding.message_zh
    [finding] = run(
        y2_december, with_december(opinions_gathered_on=date(2026, 12, 12)), at(2026, 12, 20)
    )
    assert "2026年12月12日" in finding.message_zh
