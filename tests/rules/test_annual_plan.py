"""The annual plan (Y1): started from the seed's template, edited month by
month, recorded as decided at the January meeting once it was held."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from rules.meeting.flow import FlowError
from rules.models import BranchRecords, Meeting, PlannedMonth, Postponement, Step
from rules.year.annual_plan import (
    edit_topic,
    january_meeting,
    plan_or_template,
    record_decision,
    set_topic,
    taken_up_by,
)
from rules.year.plan_template import plan_from_template, template_month

from .conftest import at, compliant_records, drop_meeting, replace_meeting


def undecided(records: BranchRecords) -> BranchRecords:
    return replace(
        records, plans=tuple(replace(p, decided_at_meeting_id=None) for p in records.plans)
    )


def test_a_year_without_a_plan_starts_from_the_template() -> None:
    records = compliant_records()
    stored, is_stored = plan_or_template(records, "g1", 2026)
    assert is_stored and stored.decided_at_meeting_id == "g1-2026-01"
    fresh, is_stored = plan_or_template(records, "g1", 2027)
    assert not is_stored
    assert fresh == plan_from_template("g1", 2027)
    assert fresh.topic_for(12) == template_month(12).text


def test_setting_a_month_s_topic() -> None:
    plan = plan_from_template("g1", 2027)
    changed = set_topic(plan, 4, "  学习《条例》\n 交流心得 ")
    assert changed.topic_for(4) == "学习《条例》 交流心得"
    assert [pm.month for pm in changed.months] == list(range(1, 13))
    assert changed.topic_for(5) == plan.topic_for(5)
    # A plan missing a month gains it.
    partial = replace(plan, months=plan.months[:3])
    assert set_topic(partial, 9, "群众工作").topic_for(9) == "群众工作"


def test_a_month_needs_a_topic() -> None:
    with pytest.raises(FlowError) as refused:
        set_topic(plan_from_template("g1", 2027), 3, "   ")
    assert refused.value.rule == "Y1" and "3月" in refused.value.message("zh")


def test_a_held_month_keeps_its_topic() -> None:
    records = compliant_records()
    plan, _ = plan_or_template(records, "g1", 2026)
    taken = taken_up_by(records, plan, 3)
    assert taken is not None and taken.id == "g1-2026-03"
    with pytest.raises(FlowError) as refused:
        edit_topic(records, plan, 3, "另一个议题")
    assert refused.value.rule == "R3" and "2026年3月12日" in refused.value.message("zh")
    # December is still to come: its topic may change.
    assert edit_topic(records, plan, 12, "生活会").topic_for(12) == "生活会"


def test_a_postponed_month_s_topic_taken_up_later() -> None:
    records = replace_meeting(
        compliant_records(),
        "g1-2026-07",
        step=Step.PREPARATION,
        started_at=None,
        postponement=Postponement("防汛", at(2026, 7, 10), date(2026, 8, 3)),
    )
    plan, _ = plan_or_template(records, "g1", 2026)
    assert taken_up_by(records, plan, 7) is None
    plan = replace(
        plan,
        months=tuple(
            replace(pm, meeting_id="g1-2026-08") if pm.month == 7 else pm for pm in plan.months
        ),
    )
    taken = taken_up_by(records, plan, 7)
    assert taken is not None and taken.id == "g1-2026-08"


def test_recording_the_plan_as_decided_at_the_january_meeting() -> None:
    records = undecided(compliant_records())
    plan, _ = plan_or_template(records, "g1", 2026)
    assert plan.decided_at_meeting_id is None
    decided = record_decision(records, plan)
    assert decided.decided_at_meeting_id == "g1-2026-01"
    assert decided.months[0] == PlannedMonth(1, plan.months[0].topic, "g1-2026-01")
    assert decided.months[1:] == plan.months[1:]


def test_no_january_meeting_no_decision() -> None:
    records = undecided(drop_meeting(compliant_records(), "g1-2026-01"))
    plan, _ = plan_or_template(records, "g1", 2026)
    with pytest.raises(FlowError) as refused:
        record_decision(records, plan)
    assert "没有2026年1月" in refused.value.message("zh")
    assert "no January 2026 meeting" in refused.value.message("en")
    # A January meeting that does not decide the plan does not count either.
    records = replace_meeting(
        undecided(compliant_records()), "g1-2026-01", decides_annual_plan=False
    )
    assert january_meeting(records, "g1", 2026) is None
    with pytest.raises(FlowError):
        record_decision(records, plan)


def test_a_january_meeting_not_yet_held_or_postponed_decides_nothing() -> None:
    base = undecided(compliant_records())
    plan, _ = plan_or_template(base, "g1", 2026)
    waiting = replace_meeting(base, "g1-2026-01", step=Step.PREPARATION, started_at=None)
    with pytest.raises(FlowError) as refused:
        record_decision(waiting, plan)
    assert "还没有召开" in refused.value.message("zh")
    postponed = replace_meeting(
        waiting, "g1-2026-01", postponement=Postponement("年终结算", at(2026, 1, 10))
    )
    with pytest.raises(FlowError) as refused:
        record_decision(postponed, plan)
    assert "已推迟" in refused.value.message("zh")
    assert "was postponed" in refused.value.message("en")


def test_the_held_january_meeting_is_preferred() -> None:
    records = undecided(compliant_records())
    earlier: Meeting = replace(
        next(m for m in records.meetings if m.id == "g1-2026-01"),
        id="g1-2026-01-off",
        planned_at=at(2026, 1, 5),
        step=Step.PREPARATION,
        started_at=None,
        postponement=Postponement("大雪", at(2026, 1, 4)),
    )
    records = replace(records, meetings=(earlier, *records.meetings))
    meeting = january_meeting(records, "g1", 2026)
    assert meeting is not None and meeting.id == "g1-2026-01"
