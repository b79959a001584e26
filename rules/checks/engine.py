"""The rules engine: run every check over a snapshot of the branch's records.

``check(records, now)`` returns every finding, most serious first, then by
rule id, then by the subject's label. ``now`` is always an argument (the
engine never reads the clock) and must be timezone-aware.

A long history can be judged a slice at a time (``sliced``): the checks of
meetings, tasks, plans, months and years over each year's slice, and the
checks of the organisation alone once (``organisation=True`` on one of
them), find together what one check over the whole history finds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from rules.checks import (
    ALL_CHECKS,
    Check,
    g1_group_size,
    g2_full_member,
    g3_leadership_cadres,
    g4_departments,
    g5_committee_decision,
    l1_leader_eligible,
)
from rules.checks.findings import Finding
from rules.models import BranchRecords, Meeting

CHECKS: tuple[Check, ...] = ALL_CHECKS
"""Every check the engine runs, in SPEC order."""

ORGANISATION_CHECKS: frozenset[Check] = frozenset(
    {
        g1_group_size,
        g2_full_member,
        g3_leadership_cadres,
        g4_departments,
        g5_committee_decision,
        l1_leader_eligible,
    }
)
"""The checks that look at the organisation only (no meeting, task or plan)."""


def _order(finding: Finding) -> tuple[int, str, str]:
    return (finding.severity.rank, finding.rule, finding.subject.label)


def in_order(findings: Iterable[Finding]) -> list[Finding]:
    """Findings sorted (stable) as ``check`` returns them."""
    return sorted(findings, key=_order)


def check(records: BranchRecords, now: datetime, *, organisation: bool = True) -> list[Finding]:
    """All findings about ``records`` as of ``now``, sorted (stable) by
    severity, rule id and subject label. Without ``organisation``, the
    checks of the organisation alone are left out (another slice of the
    same history runs them)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    runs = CHECKS if organisation else [c for c in CHECKS if c not in ORGANISATION_CHECKS]
    return in_order(f for run in runs for f in run(records, now))


def first_days(meetings: Iterable[Meeting]) -> dict[str | None, date]:
    """Each group's (None: the branch's) first meeting day."""
    first: dict[str | None, date] = {}
    for m in meetings:
        day = first.get(m.group_id)
        if day is None or m.held_on < day:
            first[m.group_id] = m.held_on
    return first


def sliced(
    records: BranchRecords,
    since: date | None,
    until: date | None,
    first: Mapping[str | None, date] | None = None,
) -> BranchRecords:
    """The part of ``records`` held from ``since`` up to (not including)
    ``until``: those meetings, their tasks, the plans of those years. A
    slice from None takes the tasks whose meeting is not in the records
    too. ``first`` is each group's first meeting day over the whole history
    (by default, over ``records``)."""
    low = since or date.min
    high = until or date.max
    meetings = tuple(m for m in records.meetings if low <= m.held_on < high)
    ids = {m.id for m in meetings}
    # The last slice takes the tasks of meetings not recorded at all.
    if until is None:
        known = {m.id for m in records.meetings}
        tasks = tuple(t for t in records.tasks if t.meeting_id in ids or t.meeting_id not in known)
    else:
        tasks = tuple(t for t in records.tasks if t.meeting_id in ids)
    plans = tuple(p for p in records.plans if low.year <= p.year < (high.year if until else 10_000))
    return BranchRecords(
        organisation=records.organisation,
        meetings=meetings,
        tasks=tasks,
        plans=plans,
        records_since=records.records_since,
        period_from=since,
        period_until=until,
        first_days=dict(first) if first is not None else first_days(records.meetings),
    )
