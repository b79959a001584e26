"""Years before the recent ones, judged from their files: the kiosk's memory
does not grow with the years of history.

The records in memory (``tui.core.records``) are the meetings held from 1
January of last year on (the window) and every older record still in use:
a meeting not yet reported to the branch, an open task and its meeting, and
any older record changed since the start. Older years are read one meeting
directory at a time, judged by the rules engine a year at a time
(``rules.checks.engine.sliced``), and only what was found is kept, with an index of
every meeting (its group, its days, and the directory holding its file).

The index and what was found in each older year are kept between starts in
the history index (``storage.history_index``), under a key computed from the
meeting files' fingerprints (nothing read), the organisation, the plans, the
rules' code and the window. A start whose key is the index's reads only the
files of the records it keeps, and judges from their files only the older
years whose findings move with the day; any other start reads every file and
writes the index anew. So the index is never trusted over the files: a year
is judged again from its files (with what is newer in memory over them) when
one of its records changes, when the organisation or a year plan changes,
and, unless its findings are the same at the end of this year as today
(``_judge``), when the day changes.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import msgspec

import rules
from rules.checks.engine import check
from rules.checks.findings import Finding
from rules.models import (
    AnnualPlan,
    BranchRecords,
    FollowUpTask,
    Meeting,
    Organisation,
    Step,
    TaskStatus,
)
from storage import HistoryIndex, IndexedMeeting, JudgedYear, Repository

#: Bumped when what the history index holds, or how a year is judged, changes.
INDEX_FORMAT = 1

Keep = Callable[[Meeting, tuple[FollowUpTask, ...]], None]


@dataclass(frozen=True, slots=True)
class Entry:
    """One meeting of the files, as the index knows it."""

    group_id: str | None
    held_on: date
    planned_at: datetime
    held: bool  # started (minutes to read)
    folder: int  # the year directory its file is kept under


@dataclass(frozen=True, slots=True)
class Newer:
    """What the records in memory hold over the files (newer, or not yet
    written): the files are read under it."""

    org: Organisation
    plans: Callable[[int], tuple[AnnualPlan, ...]]  # a year's, memory over the files
    plan_years: Iterable[int]
    plans_files: str | None  # the plans files' fingerprint
    records_since: date | None
    meetings: Mapping[str, Meeting]
    tasks: Mapping[str, FollowUpTask]
    dropped: AbstractSet[str]  # tasks deleted


def in_use(meeting: Meeting, tasks: Iterable[FollowUpTask]) -> bool:
    """A record the kiosk still works on: not yet reported to the branch, or
    with a task still open."""
    return meeting.step is not Step.REPORTED or any(t.status is TaskStatus.OPEN for t in tasks)


@functools.cache
def code_fingerprint() -> str:
    """The code an older year's findings come from (the rules, and this
    module), by each source file's path, size and time: nothing read."""
    digest = hashlib.blake2b(digest_size=16)
    for path in [*sorted(Path(rules.__file__).parent.rglob("*.py")), Path(__file__)]:
        st = path.stat()
        digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def dues_key(files: str, until: int) -> str:
    """What the older years' dues folded in the history index were made
    from: the dues files (their fingerprint), the year they are folded up
    to, and the code."""
    payload = msgspec.json.encode([INDEX_FORMAT, code_fingerprint(), until, files])
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


def index_key(newer: Newer, window: int, files: str) -> str:
    """What the history index was made from: the meeting files (their
    fingerprint), the organisation, the plans (their files' fingerprint),
    the day the records start, the window and the code."""
    payload = msgspec.json.encode(
        [
            INDEX_FORMAT,
            code_fingerprint(),
            window,
            files,
            newer.plans_files,
            newer.org,
            newer.records_since,
        ]
    )
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


def entry(meeting: Meeting, folder: int) -> Entry:
    return Entry(
        meeting.group_id,
        meeting.held_on,
        meeting.planned_at,
        meeting.step.held,
        folder,
    )


def _by_meeting(tasks: Iterable[FollowUpTask]) -> dict[str, list[FollowUpTask]]:
    found: dict[str, list[FollowUpTask]] = {}
    for task in tasks:
        found.setdefault(task.meeting_id, []).append(task)
    return found


class History:
    """The years before ``window``: what the engine found in them, and the
    index of every meeting in the files."""

    def __init__(self, window: int) -> None:
        self.window = window  # the first year held whole in memory
        self.index: dict[str, Entry] = {}
        self._found: dict[int, list[Finding]] = {}
        # The group of each finding about an older meeting or task, by year.
        self._groups: dict[int, dict[Finding, str | None]] = {}
        self._first_used: dict[int, dict[str | None, date]] = {}
        self._stale: set[int] = set()
        # The years whose findings are the same at the end of this year as
        # on the day they were judged: not judged again when the day changes.
        self._stable: set[int] = set()
        self._judged_on: date | None = None

    # -- what the index tells -------------------------------------------------

    def first_days(self, memory: Iterable[Meeting] = ()) -> dict[str | None, date]:
        """Each group's (None: the branch's) first meeting day, over the files
        and what memory holds over them."""
        first: dict[str | None, date] = {}
        for group_id, day in [(e.group_id, e.held_on) for e in self.index.values()] + [
            (m.group_id, m.held_on) for m in memory
        ]:
            if group_id not in first or day < first[group_id]:
                first[group_id] = day
        return first

    def group_of(self, finding: Finding) -> tuple[bool, str | None]:
        """Whether ``finding`` is about a meeting or task of the older years,
        and the group holding it."""
        for groups in self._groups.values():
            if finding in groups:
                return True, groups[finding]
        return False, None

    def findings(self) -> list[Finding]:
        return [f for year in sorted(self._found) for f in self._found[year]]

    def needs_judging(self, today: date) -> set[int]:
        """The years to judge again before their findings are shown."""
        if today != self._judged_on:
            if today.year > self.window + 1:  # past the year they were judged for
                return set(self._found)
            return (set(self._found) - self._stable) | self._stale
        return set(self._stale)

    def changed(self, *years: int) -> None:
        """Records of these years changed (in memory): judge them again."""
        self._stale.update(y for y in years if y < self.window)

    def changed_all(self) -> None:
        self._stale.update(self._found)

    # -- reading and judging --------------------------------------------------

    def load(
        self,
        repo: Repository,
        newer: Newer,
        now: datetime,
        keep: Keep,
        saved: HistoryIndex | None = None,
    ) -> HistoryIndex | None:
        """Read the history: from the history index ``saved`` when its key
        is the files' and the organisation's as they are now
        (``_load_index``), else from every file (``_load_files``). Returns
        the index as it now stands (``saved`` itself when it was used; None
        when the files cannot be fingerprinted), its ``dues`` left for the
        caller."""
        self.index.clear()
        self._found.clear()
        self._groups.clear()
        self._first_used.clear()
        self._stale.clear()
        self._stable.clear()
        self._judged_on = now.date()
        files = repo.meetings_fingerprint()
        key = None
        if files is not None and newer.plans_files is not None:
            key = index_key(newer, self.window, files)
        if key is not None and saved is not None and saved.key == key:
            self._load_index(repo, saved, newer, now, keep)
            return saved
        used = self._load_files(repo, newer, now, keep)
        if self._stale:  # a late file changed a group's first day
            self.judge_again(repo, newer, now)
        return self._index(key, used) if key is not None else None

    def _load_index(
        self, repo: Repository, saved: HistoryIndex, newer: Newer, now: datetime, keep: Keep
    ) -> None:
        """The index as saved: ``keep`` is given each meeting of the window
        or still in use, read from its file with its tasks; the older years'
        findings are the saved ones, but for those that move with the day,
        judged again from their files."""
        wanted: dict[int, set[str]] = {}
        earliest = self._earliest(newer)
        for known in saved.meetings:
            self.index[known.id] = Entry(
                known.group_id, known.held_on, known.planned_at, known.held, known.folder
            )
            earliest = min(earliest, known.held_on.year)
            if known.in_use or known.held_on.year >= self.window:
                wanted.setdefault(known.folder, set()).add(known.id)
        for folder in sorted(wanted):
            part = repo.year_records(folder, wanted[folder])
            tasks = _by_meeting(part.tasks)
            for meeting in part.meetings:
                self.index[meeting.id] = entry(meeting, folder)
                keep(meeting, tuple(tasks.get(meeting.id, ())))
        first = self.first_days()
        for year in range(earliest, self.window):
            self._first_used[year] = first
            judged = saved.years.get(year)
            if judged is None:
                self._found[year] = []
                self._stale.add(year)
                continue
            found = list(judged.findings)
            self._found[year] = found
            self._groups[year] = {found[n]: group for n, group in judged.groups}
            self._stable.add(year)
        if self._stale:
            self.judge_again(repo, newer, now)

    def _index(self, key: str, used: AbstractSet[str]) -> HistoryIndex:
        """The history index of what was read: every meeting's entry, and
        the findings of the years that do not move with the day."""
        meetings = tuple(
            IndexedMeeting(i, e.group_id, e.held_on, e.planned_at, e.held, e.folder, i in used)
            for i, e in sorted(self.index.items())
        )
        years = {}
        for year in sorted(self._stable & set(self._found)):
            found, groups = self._found[year], self._groups.get(year, {})
            years[year] = JudgedYear(
                tuple(found), tuple((n, groups[f]) for n, f in enumerate(found) if f in groups)
            )
        return HistoryIndex(key, meetings, years)

    def _load_files(self, repo: Repository, newer: Newer, now: datetime, keep: Keep) -> set[str]:
        """Read every meeting directory, oldest first: ``keep`` is given each
        meeting of the window or still in use, with its tasks; each older
        year is judged as soon as the directories that can hold it are read
        (a meeting's file is under the year it was first saved with: a
        meeting moved to another year is judged with it, late). Returns the
        ids of the meetings in use."""
        used: set[str] = set()
        buckets: dict[int, tuple[list[Meeting], list[FollowUpTask]]] = {}
        earliest = self._earliest(newer)
        for folder in repo.meeting_years():
            part = repo.year_records(folder)
            tasks = _by_meeting(part.tasks)
            for meeting in part.meetings:
                own = tuple(tasks.get(meeting.id, ()))
                self.index[meeting.id] = entry(meeting, folder)
                year = meeting.held_on.year
                earliest = min(earliest, year)
                if in_use(meeting, own):
                    used.add(meeting.id)
                if year >= self.window or meeting.id in used:
                    keep(meeting, own)
                if year >= self.window:
                    continue
                if year in self._found:
                    self._stale.add(year)  # a late file: that year again, later
                    continue
                bucket = buckets.setdefault(year, ([], []))
                bucket[0].append(meeting)
                bucket[1].extend(own)
            for year in range(earliest, min(folder, self.window)):
                if year not in self._found:
                    self._judge(year, *buckets.pop(year, ([], [])), newer, now)
        for year in range(earliest, self.window):
            if year not in self._found:
                self._judge(year, *buckets.pop(year, ([], [])), newer, now)
        first = self.first_days()
        self._stale.update(y for y, days in self._first_used.items() if days != first)
        return used

    def judge_again(self, repo: Repository, newer: Newer, now: datetime) -> None:
        """Judge the years that need it from their files, with what memory
        holds over them."""
        years = self.needs_judging(now.date())
        self._judged_on = now.date()
        self._stale.clear()
        if not years:
            return
        folders = sorted({e.folder for e in self.index.values() if e.held_on.year in years})
        buckets: dict[int, tuple[list[Meeting], list[FollowUpTask]]] = {y: ([], []) for y in years}
        for folder in folders:
            part = repo.year_records(folder)
            tasks = _by_meeting(part.tasks)
            for meeting in part.meetings:
                self.index[meeting.id] = entry(meeting, folder)
                year = meeting.held_on.year
                if year not in buckets or meeting.id in newer.meetings:
                    continue
                bucket = buckets[year]
                bucket[0].append(meeting)
                bucket[1].extend(t for t in tasks.get(meeting.id, ()) if t.id not in newer.dropped)
        ids_by_year: dict[int, set[str]] = {}
        for meeting in newer.meetings.values():
            year = meeting.held_on.year
            if year in buckets:
                buckets[year][0].append(meeting)
                ids_by_year.setdefault(year, set()).add(meeting.id)
        for task in newer.tasks.values():
            for year, ids in ids_by_year.items():
                if task.meeting_id in ids:
                    buckets[year][1].append(task)
        for year in sorted(years):
            self._judge(year, *buckets[year], newer, now)

    def _earliest(self, newer: Newer) -> int:
        years = list(newer.plan_years)
        if newer.records_since is not None:
            years.append(newer.records_since.year)
        return min(years, default=self.window)

    def _judge(
        self,
        year: int,
        meetings: list[Meeting],
        tasks: list[FollowUpTask],
        newer: Newer,
        now: datetime,
    ) -> None:
        first = self.first_days(newer.meetings.values())
        records = BranchRecords(
            organisation=newer.org,
            meetings=tuple(sorted(meetings, key=lambda m: (m.planned_at, m.id))),
            tasks=tuple(tasks),
            plans=newer.plans(year),
            records_since=newer.records_since,
            period_from=date(year, 1, 1),
            period_until=date(year + 1, 1, 1),
            first_days=first,
        )
        found = check(records, now, organisation=False)
        # Judged again as at the end of this year (the history index holds
        # for this window only): the same, the year is not judged again when
        # the day changes (no task of it overdue, no minutes waiting).
        end = datetime(self.window + 1, 12, 31, 23, 59, tzinfo=now.tzinfo)
        if end > now and check(records, end, organisation=False) == found:
            self._stable.add(year)
        else:
            self._stable.discard(year)
        groups = {m.id: m.group_id for m in meetings}
        task_groups = {t.id: groups.get(t.meeting_id) for t in tasks}
        self._groups[year] = {
            f: (groups if f.subject.kind.value == "meeting" else task_groups).get(f.subject.id)
            for f in found
            if f.subject.kind.value in ("meeting", "task")
        }
        self._found[year] = found
        self._first_used[year] = first
