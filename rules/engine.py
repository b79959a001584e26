"""The rules engine: run every check over a snapshot of the branch's records.

``check(records, now)`` returns every finding, most serious first, then by
rule id, then by the subject's label. ``now`` is always an argument (the
engine never reads the clock) and must be timezone-aware.
"""

from __future__ import annotations

from datetime import datetime

from rules.checks import ALL_CHECKS, Check
from rules.findings import Finding
from rules.models import BranchRecords

CHECKS: tuple[Check, ...] = ALL_CHECKS
"""Every check the engine runs, in SPEC order."""


def _order(finding: Finding) -> tuple[int, str, str]:
    return (finding.severity.rank, finding.rule, finding.subject.label)


def check(records: BranchRecords, now: datetime) -> list[Finding]:
    """All findings about ``records`` as of ``now``, sorted (stable) by
    severity, rule id and subject label."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    findings = [f for run in CHECKS for f in run(records, now)]
    return sorted(findings, key=_order)
