"""The seed's 12-month plan for a state-owned enterprise, as a template."""

from __future__ import annotations

import itertools

import pytest

from rules.year.plan_template import SOE_TEMPLATE, TemplateMonth, plan_from_template, template_month
from tests.seed_text import SEED


def test_twelve_months_in_order() -> None:
    assert [m.month for m in SOE_TEMPLATE] == list(range(1, 13))


@pytest.mark.parametrize("entry", SOE_TEMPLATE, ids=lambda m: f"{m.month}月")
def test_each_month_is_the_seeds_own_text(entry: TemplateMonth) -> None:
    assert f"{entry.month}月份,{entry.text}" in SEED
    assert entry.title_zh and entry.title_en


def test_the_months_end_where_the_next_begins() -> None:
    # Each text runs up to the next month's "N月份," (or the slide's page break).
    for entry, following in itertools.pairwise(SOE_TEMPLATE):
        start = SEED.index(f"{entry.month}月份,{entry.text}")
        end = SEED.index(f"{following.month}月份,")
        between = SEED[start + len(f"{entry.month}月份,{entry.text}") : end]
        assert between in (";", ";13如何坚持党小组会制度"), (entry.month, between)
    december = SOE_TEMPLATE[-1]
    assert f"12月份,{december.text}。" in SEED


def test_january_decides_every_month_and_december_is_the_life_meeting() -> None:
    assert "全年每月" in template_month(1).text
    assert "生活会" in template_month(12).text
    assert "缺钙" in template_month(2).text
    assert "党费" in template_month(10).text


def test_template_month_rejects_a_bad_month() -> None:
    with pytest.raises(ValueError):
        template_month(13)


def test_plan_from_template() -> None:
    plan = plan_from_template("g1", 2027)
    assert plan.group_id == "g1"
    assert plan.year == 2027
    assert [p.month for p in plan.months] == list(range(1, 13))
    assert plan.topic_for(5) == template_month(5).text
    assert plan.decided_at_meeting_id is None
    assert all(p.meeting_id is None for p in plan.months)
