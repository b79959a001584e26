"""The rules engine (``engine``), what it reports (``findings``), every rule
with the seed's words (``seed``), and its checks, one module per area of
SPEC §2.

Each check is a function ``(records, now) -> Iterable[Finding]`` whose
docstring quotes the seed's line it enforces. ``rules.checks.engine`` runs them all.
"""

from __future__ import annotations

from ._common import Check
from .after import a1_minutes_checked, a2_reported, a3_tasks
from .cadence import m1_monthly, m2_topics, m3_branch_consulted, m5_notice, m6_attendance_and_chair
from .composition import (
    b1_member_congress,
    g1_group_size,
    g2_full_member,
    g3_leadership_cadres,
    g4_departments,
    g5_committee_decision,
)
from .leader import l1_leader_eligible, l3_committee_capacity
from .records import r1_recorder, r2_minutes_complete
from .year import y1_january, y2_december

ALL_CHECKS: tuple[Check, ...] = (
    g1_group_size,
    g2_full_member,
    g3_leadership_cadres,
    g4_departments,
    g5_committee_decision,
    b1_member_congress,
    l1_leader_eligible,
    l3_committee_capacity,
    m1_monthly,
    m2_topics,
    m3_branch_consulted,
    m5_notice,
    m6_attendance_and_chair,
    r1_recorder,
    r2_minutes_complete,
    a1_minutes_checked,
    a2_reported,
    a3_tasks,
    y1_january,
    y2_december,
)

__all__ = [
    "ALL_CHECKS",
    "Check",
    "a1_minutes_checked",
    "a2_reported",
    "a3_tasks",
    "b1_member_congress",
    "g1_group_size",
    "g2_full_member",
    "g3_leadership_cadres",
    "g4_departments",
    "g5_committee_decision",
    "l1_leader_eligible",
    "l3_committee_capacity",
    "m1_monthly",
    "m2_topics",
    "m3_branch_consulted",
    "m5_notice",
    "m6_attendance_and_chair",
    "r1_recorder",
    "r2_minutes_complete",
    "y1_january",
    "y2_december",
]
