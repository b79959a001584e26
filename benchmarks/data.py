"""The ten-year branch on disk, for the benchmarks
(``rules.samples.ten_years``).

Written as ``xiaozu demo --years N`` writes it (records, the annual plans,
party dues, the unlock PINs), except the members' sign-in PINs: each is one
scrypt and one rewrite of org.json, and only the sign-in benchmark needs
them (``benchmarks.signin_http`` sets its own group's).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from rules.samples.demo import DemoData
from rules.samples.ten_years import ten_year_branch
from storage import FileRepository, save_records

TZ = ZoneInfo("Asia/Shanghai")


def write_branch(data: Path, years: int, now: datetime | None = None) -> DemoData:
    """Fill the empty directory ``data`` with ``years`` years of the branch."""
    branch = ten_year_branch(now or datetime.now(TZ), years)
    with FileRepository(data, writable=True) as repo:
        if not repo.is_empty():
            raise ValueError(f"{data} already holds data")
        save_records(repo, branch.records)
        repo.save_dues(branch.dues)
        for person_id, pin in branch.pins.items():
            repo.set_pin(person_id, pin)
    return branch


def size_on_disk(data: Path) -> int:
    """Bytes of every JSON document under ``data``."""
    return sum(p.stat().st_size for p in data.rglob("*.json"))
