"""Judging a long history a year at a time finds what judging it whole does
(the kiosk keeps only recent years in memory and judges older ones from
their files, rules.checks.engine.sliced)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from rules.checks.engine import check, first_days, in_order, sliced
from rules.checks.findings import Finding
from rules.models import BranchRecords, FollowUpTask, TaskStatus
from rules.samples.ten_years import ten_year_branch

from .conftest import NOW, compliant_records

TEN_YEARS_NOW = datetime(2026, 5, 14, 9, 30, tzinfo=UTC)


def by_years(records: BranchRecords, now: datetime, window: int) -> list[Finding]:
    """Every year before ``window`` judged on its own, then the years from
    ``window`` on with the organisation's checks."""
    first = first_days(records.meetings)
    years = [m.held_on.year for m in records.meetings] + [p.year for p in records.plans]
    found: list[Finding] = []
    for year in range(min(years, default=window), window):
        part = sliced(records, date(year, 1, 1), date(year + 1, 1, 1), first)
        found += check(part, now, organisation=False)
    found += check(sliced(records, date(window, 1, 1), None, first), now)
    return in_order(found)


def same(records: BranchRecords, now: datetime, window: int) -> None:
    whole = check(records, now)
    parts = by_years(records, now, window)
    assert Counter(parts) == Counter(whole)
    assert parts == in_order(parts)


@pytest.fixture(scope="module")
def ten_years() -> BranchRecords:
    return ten_year_branch(TEN_YEARS_NOW).records


@pytest.mark.parametrize("window", [2017, 2020, 2025, 2026])
def test_ten_years_by_years_find_what_the_whole_finds(
    ten_years: BranchRecords, window: int
) -> None:
    assert check(ten_years, TEN_YEARS_NOW), "a history with something to find"
    same(ten_years, TEN_YEARS_NOW, window)


@pytest.mark.parametrize("window", [2018, 2025])
def test_without_a_known_start_each_group_begins_at_its_first_meeting(
    ten_years: BranchRecords, window: int
) -> None:
    # The first group's first year is not recorded: from its first meeting
    # on, it is answerable; with a known start, the missing months count.
    # The second group missed its first months of 2020: a slice of 2020
    # still counts them, as the group began long before.
    late = tuple(
        m
        for m in ten_years.meetings
        if not (m.group_id == "g1" and m.held_on.year < 2017)
        and not (
            m.group_id == "g2"
            and (m.held_on.year, m.held_on.month) < (2020, 4)
            and m.held_on.year == 2020
        )
    )
    records = replace(ten_years, meetings=late, records_since=None)
    missing = [f for f in check(replace(records, records_since=date(2016, 6, 1)), TEN_YEARS_NOW)]
    assert Counter(missing) - Counter(check(records, TEN_YEARS_NOW))  # the start matters
    same(records, TEN_YEARS_NOW, window)


def test_gaps_in_old_years_are_found_in_their_year(ten_years: BranchRecords) -> None:
    # Drop every meeting of 2019 and the 2018 plans: M1, Y1 and Y2 for those
    # years come from those years' slices.
    records = replace(
        ten_years,
        meetings=tuple(m for m in ten_years.meetings if m.held_on.year != 2019),
        plans=tuple(p for p in ten_years.plans if p.year != 2018),
    )
    new = Counter(check(records, TEN_YEARS_NOW)) - Counter(check(ten_years, TEN_YEARS_NOW))
    assert {"M1", "Y1", "Y2"} <= {f.rule for f in new}
    same(records, TEN_YEARS_NOW, 2024)


def test_tasks_follow_their_meeting_and_unknown_meetings_go_last(
    ten_years: BranchRecords,
) -> None:
    old = next(m for m in ten_years.meetings if m.held_on.year == 2018)
    tasks = (
        FollowUpTask("t-old", old.id, "nobody", "整理学习笔记", date(2018, 9, 1)),
        FollowUpTask("t-lost", "no-such-meeting", "nobody", "走访群众", date(2020, 1, 1)),
        FollowUpTask(
            "t-open", old.id, ten_years.organisation.people[0].id, "交流心得", date(2018, 9, 1)
        ),
    )
    records = replace(ten_years, tasks=ten_years.tasks + tasks)
    a3 = [f for f in check(records, TEN_YEARS_NOW) if f.rule == "A3"]
    assert {f.subject.id for f in a3} >= {"t-old", "t-lost", "t-open"}
    assert all(t.status is TaskStatus.OPEN for t in tasks)
    same(records, TEN_YEARS_NOW, 2024)


def test_a_branch_without_groups_is_judged_by_years_too() -> None:
    records = compliant_records()
    org = records.organisation
    gone = replace(
        org,
        groups=tuple(replace(g, dissolved_on=date(2026, 2, 10)) for g in org.groups),
    )
    records = replace(records, organisation=gone)
    assert any(f.rule == "B1" for f in check(records, NOW))
    same(records, NOW, NOW.year)
    same(records, NOW, NOW.year - 1)
