"""The history index (storage.history_index, tui.core.history): a start on
files as the last start left them reads neither the older years' meetings
nor their dues, and finds, shows and owes exactly what a start that reads
every file would; any change to the files, the organisation or the plans
behind the index's back, a damaged index, or one that cannot be written,
and the kiosk reads the files instead."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Collection
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from rules.checks.engine import check
from rules.dues.book import DuesBook, Month
from rules.dues.history import DuesFold, with_recent
from rules.models import AnnualPlan, BranchRecords, FollowUpTask, Step
from rules.samples.ten_years import ten_year_branch
from storage import (
    FileRepository,
    MemoryRepository,
    Repository,
    StorageWriteError,
    YearRecords,
    save_records,
)
from storage import documents as documents_module
from tests.tui.conftest import NOW, TZ, Clock
from tui.core.env import KioskEnv
from tui.core.kiosk import Kiosk

YEARS = 6
WINDOW = NOW.year - 1


class Counting(MemoryRepository):
    """A repository that notes which meeting and dues files are read."""

    def __init__(self) -> None:
        super().__init__()
        self.meeting_reads: list[tuple[int, frozenset[str] | None]] = []
        self.dues_reads: list[int] = []
        self.plan_reads: list[int | None] = []

    def year_records(self, year: int, ids: Collection[str] | None = None) -> YearRecords:
        self.meeting_reads.append((year, None if ids is None else frozenset(ids)))
        return super().year_records(year, ids)

    def year_dues(self, year: int) -> DuesBook:
        self.dues_reads.append(year)
        return super().year_dues(year)

    def plans(self, year: int | None = None) -> list[AnnualPlan]:
        self.plan_reads.append(year)
        return super().plans(year)

    def forget(self) -> None:
        self.meeting_reads.clear()
        self.dues_reads.clear()
        self.plan_reads.clear()


@pytest.fixture(scope="module")
def branch() -> BranchRecords:
    return ten_year_branch(NOW, years=YEARS).records


@pytest.fixture
def indexed(branch: BranchRecords, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory of the branch that one start has indexed."""
    monkeypatch.setattr(documents_module, "SETTLE_NS", 0)  # no waiting for the clock
    with FileRepository(tmp_path) as repo:
        fill(repo, branch)
        start(repo).close()
    assert (tmp_path / "history-index.json").exists()
    return tmp_path


def fill(repo: Repository, records: BranchRecords) -> None:
    save_records(repo, records)
    repo.save_dues(ten_year_branch(NOW, years=YEARS).dues)


def start(repo: Repository, clock: Clock | None = None) -> Kiosk:
    """The kiosk started anew on ``repo``: everything read as at a start."""
    kiosk = Kiosk(KioskEnv(data_dir=Path("memory"), tz=TZ, clock=clock or Clock()), repo)
    kiosk.start_session(kiosk.org.people[0], None)
    return kiosk


def seen(kiosk: Kiosk) -> tuple[object, ...]:
    """What a start gives the screens: findings, the meetings in memory and
    every group's list of held meetings, the dues book."""
    records = kiosk.records
    return (
        Counter(kiosk.findings()),
        sorted(m.id for m in records.meetings_all()),
        {g.id: records.held_meeting_ids(g.id) for g in kiosk.org.groups},
        records.dues(),
    )


def test_a_second_start_reads_no_older_file_and_sees_what_the_first_did(
    branch: BranchRecords,
) -> None:
    repo = Counting()
    fill(repo, branch)
    first = start(repo)
    assert any(year < WINDOW and ids is None for year, ids in repo.meeting_reads)
    assert any(year < WINDOW for year in repo.dues_reads)
    before = seen(first)
    first.close()

    repo.forget()
    second = start(repo)
    # Older meeting files are read one by one, only those still in use;
    # older dues files not at all.
    assert all(ids is not None for year, ids in repo.meeting_reads if year < WINDOW)
    older = sum(len(ids or ()) for year, ids in repo.meeting_reads if year < WINDOW)
    assert older < 5
    assert [year for year in repo.dues_reads if year < WINDOW] == []
    assert [y for y in repo.plan_reads if y is None or y < WINDOW] == []
    assert seen(second) == before
    # An older year's plan is read when asked.
    old = next(p for p in branch.plans if p.group_id == "g1" and p.year == WINDOW - 3)
    assert second.records.plan("g1", WINDOW - 3) == old
    assert old in second.records.branch_records(WINDOW - 3).plans
    # As one check over every year on disk finds.
    assert Counter(second.findings()) == Counter(check(repo.records(), NOW))
    second.close()


def test_an_older_meeting_file_gone_behind_the_index_is_missed_at_the_next_start(
    branch: BranchRecords, indexed: Path
) -> None:
    # Another program takes an older meeting's file away: that month has no
    # meeting any more (M1).
    gone = next(m for m in branch.meetings if m.group_id == "g2" and m.held_on.year == WINDOW - 2)
    (indexed / "meetings" / str(gone.planned_at.year) / f"{gone.id}.json").unlink()
    with FileRepository(indexed) as repo:
        kiosk = start(repo)
        found = kiosk.findings()
        assert Counter(found) == Counter(check(repo.records(), NOW))
        assert any(f.rule == "M1" and f.subject.id == "g2" for f in found)
        assert gone.id not in kiosk.records.held_meeting_ids("g2")
        kiosk.close()


def test_a_renamed_group_is_named_anew_in_the_older_years_findings(
    branch: BranchRecords,
) -> None:
    repo = MemoryRepository()
    fill(repo, branch)
    first = start(repo)
    old = [f for f in first.findings() if f.subject.kind.value == "meeting"]
    assert any("第三党小组" in f.subject.label for f in old)
    first.close()
    org = repo.organisation()
    assert org is not None
    renamed = tuple(replace(g, name="第三小组(新)") if g.id == "g3" else g for g in org.groups)
    repo.save_organisation(replace(org, groups=renamed))
    second = start(repo)
    labels = [f.subject.label for f in second.findings() if f.subject.kind.value == "meeting"]
    assert any("第三小组(新)" in label for label in labels)
    assert not any("第三党小组" in label for label in labels)
    second.close()


def test_an_overdue_task_of_an_older_year_counts_its_days_at_every_start(
    branch: BranchRecords,
) -> None:
    """A year whose findings move with the day is judged again from its
    files, at a start as in a running kiosk."""
    meeting = next(
        m
        for m in branch.meetings
        if m.group_id == "g1" and m.held_on.year == WINDOW - 3 and m.step is Step.REPORTED
    )
    late = FollowUpTask("t-late", meeting.id, branch.organisation.people[0].id, "补交心得",
                        date(WINDOW - 3, 12, 1))  # fmt: skip
    repo = MemoryRepository()
    fill(repo, replace(branch, tasks=(*branch.tasks, late)))
    start(repo).close()  # the index is written
    for days in (0, 1, 30):
        clock = Clock(NOW + timedelta(days=days))
        kiosk = start(repo, clock)
        overdue = [f for f in kiosk.findings() if f.subject.id == "t-late"]
        waited = (clock().date() - late.due).days
        assert len(overdue) == 1 and str(waited) in overdue[0].message_zh
        assert Counter(kiosk.findings()) == Counter(check(repo.records(), clock()))
        # And in the running kiosk, the next day.
        clock.now += timedelta(days=1)
        again = [f for f in kiosk.findings() if f.subject.id == "t-late"]
        assert str(waited + 1) in again[0].message_zh
        kiosk.close()


def test_a_damaged_index_is_read_past_and_written_anew(indexed: Path) -> None:
    with FileRepository(indexed) as repo:
        before = seen(start(repo))
    (indexed / "history-index.json").write_bytes(b'{"_meta": {"1": {"app": "xiaozu", "kind": "hist')
    with FileRepository(indexed) as repo:
        assert repo.history_index() is None
        assert seen(start(repo)) == before
        assert repo.history_index() is not None  # rebuilt


def test_the_index_of_other_files_is_not_used(indexed: Path) -> None:
    """A meeting file put back as it was (a restore, a copy) has a new inode
    and times: the index made before it is not trusted."""
    with FileRepository(indexed) as repo:
        files = repo.meetings_fingerprint()
    some = sorted((indexed / "meetings" / str(WINDOW - 2)).glob("*.json"))[0]
    raw = some.read_bytes()
    some.unlink()
    some.write_bytes(raw)
    with FileRepository(indexed) as repo:
        assert files is not None and repo.meetings_fingerprint() != files


def test_files_changed_a_moment_ago_are_not_fingerprinted(
    branch: BranchRecords, tmp_path: Path
) -> None:
    with FileRepository(tmp_path) as repo:
        fill(repo, branch)
        assert repo.meetings_fingerprint() is None  # just written
        start(repo).close()
    assert not (tmp_path / "history-index.json").exists()
    past = (datetime.now().timestamp() - 60) * 1e9
    for path in tmp_path.rglob("*.json"):
        os.utime(path, ns=(int(past), int(past)))
    # (ctime cannot be set back: the files stay too new to fingerprint.)
    with FileRepository(tmp_path) as repo:
        assert repo.meetings_fingerprint() is None


def test_an_index_that_cannot_be_written_leaves_the_start_as_it_was(
    branch: BranchRecords, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = MemoryRepository()
    fill(repo, branch)

    def full(index: object) -> None:
        raise StorageWriteError(Path("history-index.json"), OSError(28, "No space left on device"))

    monkeypatch.setattr(repo, "save_history_index", full)
    kiosk = start(repo)
    assert repo.history_index() is None
    assert Counter(kiosk.findings()) == Counter(check(repo.records(), NOW))
    kiosk.close()


def test_the_older_years_folded_once_give_the_book_of_every_year() -> None:
    book = ten_year_branch(NOW, years=YEARS).dues
    until = Month(NOW.year, 1)
    older = DuesBook(
        rates=tuple(r for r in book.rates if r.since < until),
        payments=tuple(p for p in book.payments if min(p.months) < until),
    )
    recent = DuesBook(
        rates=tuple(r for r in book.rates if r.since >= until),
        payments=tuple(p for p in book.payments if min(p.months) >= until),
    )
    fold = DuesFold(until)
    first = min([r.since.year for r in older.rates] + [min(p.months).year for p in older.payments])
    assert first < until.year - 1 and recent.payments  # years to fold, and a recent year
    for year in range(first, until.year):
        fold.add_year(
            year,
            DuesBook(
                rates=tuple(r for r in older.rates if r.since.year == year),
                payments=tuple(p for p in older.payments if min(p.months).year == year),
            ),
        )
    assert with_recent(fold.book(DuesBook()), recent) == fold.book(recent)
