"""The branch's records in memory (the read model): the organisation, the
meetings, tasks and year plans, party dues, the history of people and
groups, and the head of each group's seal chain.

Screens read from here without touching the disk. It is changed only by the
kiosk's changes (``tui.core.kiosk``), which put the new record here at once
and queue it for the writer; after a failed write it is read again from
storage, so it never shows what is not stored.

Meetings and tasks are held from 1 January of last year on, with every
older one still in use (``tui.core.history``): an older meeting asked for
is read from its file, and older years are judged from their files.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime

import msgspec

from rules.checks.engine import check, in_order, sliced
from rules.checks.findings import Finding
from rules.dues.book import DuesBook, DuesPayment, DuesRate, Month
from rules.dues.history import DuesFold, with_recent
from rules.meeting import seal
from rules.models import (
    AnnualPlan,
    BranchRecords,
    FollowUpTask,
    GroupChange,
    Meeting,
    Organisation,
    Person,
    PersonChange,
    TaskStatus,
)
from storage import FoldedDues, HistoryIndex, Repository, StorageError
from tui.core.history import Entry, History, Newer, dues_key, entry

log = logging.getLogger("xiaozu.history")


def _number_key(member_no: str) -> str:
    """A member number as typed on any phone: full-width digits and letters
    (a Chinese input method) and lower case count as the same number."""
    return unicodedata.normalize("NFKC", member_no).strip().upper()


def _by_time(meeting: Meeting) -> tuple[object, str]:
    return (meeting.planned_at, meeting.id)


class Records:
    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.org: Organisation = self._organisation()
        self._dues = DuesBook()
        self._meetings: dict[str, Meeting] = {}
        self._tasks: dict[str, FollowUpTask] = {}
        self._plans: dict[tuple[str, int], AnnualPlan] = {}
        self._records_since: date | None = None
        self._dropped: set[str] = set()  # tasks deleted since the start
        # Dues changed since the start (their files may not have them yet),
        # and the book last asked for about an older year.
        self._new_rates: dict[tuple[str, Month], DuesRate] = {}
        self._new_payments: dict[str, DuesPayment] = {}
        self._older_dues: tuple[int, DuesBook] | None = None
        self.history = History(window=date.max.year)
        self._seal_heads: dict[str | None, seal.SealHead] = {}
        self._person_changes: list[PersonChange] = []
        self._group_changes: list[GroupChange] = []

    def _organisation(self) -> Organisation:
        org = self.repo.organisation()
        if org is None:
            raise LookupError("no organisation")
        return org

    # -- reading from storage -----------------------------------------------------

    def read_organisation(self) -> None:
        self.org = self._organisation()

    def read(self, now: datetime) -> None:
        """Everything but the organisation (once at start, behind the lock
        screen: ten years of meetings take a second). Years before last are
        judged as they are read, and only what is still in use is kept."""
        self.history = History(window=now.year - 1)
        # What the last start found in the older years, if the files are as
        # they were then (tui.core.history; storage.history_index).
        saved = self.repo.history_index()
        # Dues first: their year files are the biggest, and the memory their
        # parsing frees is taken up again by the meetings read after them.
        self._new_rates, self._new_payments = {}, {}
        files = self.repo.dues_fingerprint()
        key = dues_key(files, self.history.window) if files is not None else None
        folded = saved.dues if saved is not None and saved.dues is not None else None
        if folded is not None and folded.key != key:
            folded = None
        self._dues, older = self._folding(self.history.window, folded)
        self._meetings, self._tasks, self._dropped = {}, {}, set()
        # The recent years' plans; an older year's are read when asked.
        self._plans = {
            (p.group_id, p.year): p
            for year in self.repo.plan_years()
            if year >= self.history.window
            for p in self.repo.plans(year)
        }
        self._plans_files = self.repo.plans_fingerprint()
        self._records_since = self.repo.records_since()

        def keep(meeting: Meeting, tasks: tuple[FollowUpTask, ...]) -> None:
            self._meetings[meeting.id] = meeting
            self._tasks.update((t.id, t) for t in tasks)

        index = self.history.load(self.repo, self._newer(), now, keep, saved)
        if index is not None and key is not None:
            index = msgspec.structs.replace(index, dues=folded or FoldedDues(key, older))
        if index is not None and (index is not saved or folded is None):
            self._save_index(index)
        self._seal_heads = self.repo.seal_heads()
        self._person_changes = self.repo.person_changes()
        self._group_changes = self.repo.group_changes()

    def _save_index(self, index: HistoryIndex) -> None:
        """Write the history index; when it cannot be written (a full disk,
        a read-only directory) the next start reads the files instead."""
        try:
            self.repo.save_history_index(index)
        except StorageError as error:
            log.info("history index not written: %s", error)

    def _newer(self) -> Newer:
        return Newer(
            org=self.org,
            plans=self.plans_of,
            plan_years=sorted(set(self.repo.plan_years()) | {year for _, year in self._plans}),
            plans_files=self._plans_files,
            records_since=self._records_since,
            meetings=self._meetings,
            tasks=self._tasks,
            dropped=self._dropped,
        )

    def _older(self, meeting_id: str) -> bool:
        """An older meeting kept in its file only."""
        return meeting_id not in self._meetings and meeting_id in self.history.index

    # -- people -------------------------------------------------------------------

    def person(self, person_id: str | None) -> Person | None:
        return self.org.person(person_id) if person_id else None

    def name(self, person_id: str | None) -> str:
        person = self.person(person_id)
        return person.name if person else "—"

    def person_by_number(self, member_no: str) -> Person | None:
        """The party member with this member number (党员编号)."""
        wanted = _number_key(member_no)
        if not wanted:
            return None
        for person in self.org.people:
            if person.member_no and _number_key(person.member_no) == wanted:
                return person if person.is_party_member else None
        return None

    def person_changes(self, person_id: str | None = None) -> list[PersonChange]:
        """The history of people's status and discipline, oldest first."""
        return [c for c in self._person_changes if person_id in (None, c.person_id)]

    def group_changes(self, group_id: str | None = None) -> list[GroupChange]:
        """The history of the groups, oldest first."""
        return [c for c in self._group_changes if group_id in (None, c.group_id)]

    # -- meetings, tasks, plans ---------------------------------------------------

    def meeting(self, meeting_id: str) -> Meeting:
        found = self.find_meeting(meeting_id)
        if found is None:
            raise KeyError(meeting_id)
        return found

    def find_meeting(self, meeting_id: str) -> Meeting | None:
        found = self._meetings.get(meeting_id)
        if found is None and self._older(meeting_id):
            return self.repo.meeting(meeting_id)
        return found

    def meetings_of(self, group_id: str | None) -> list[Meeting]:
        """A group's meetings (None: the branch's own), oldest first."""
        return sorted((m for m in self._meetings.values() if m.group_id == group_id), key=_by_time)

    def meetings_all(self) -> list[Meeting]:
        """Every meeting of the branch, whichever group."""
        return list(self._meetings.values())

    def held_meeting_ids(self, group_id: str | None) -> list[str]:
        """The ids of every meeting the group has held, older ones too,
        oldest first."""
        held = {
            m.id: (m.planned_at, m.id)
            for m in self._meetings.values()
            if m.group_id == group_id and m.step.held
        }
        for ident, known in self.history.index.items():
            if ident not in self._meetings and known.group_id == group_id and known.held:
                held[ident] = (known.planned_at, ident)
        return sorted(held, key=held.__getitem__)

    def tasks_of(self, meeting_ids: Iterable[str]) -> list[FollowUpTask]:
        """The tasks set at these meetings: open ones first, by due day."""
        wanted = set(meeting_ids)
        found = [t for t in self._tasks.values() if t.meeting_id in wanted]
        for meeting_id in sorted(wanted):
            if self._older(meeting_id):
                found += [t for t in self.repo.tasks(meeting_id) if t.id not in self._dropped]
        return sorted(found, key=lambda t: (t.status is TaskStatus.DONE, t.due, t.id))

    def plan(self, group_id: str, year: int) -> AnnualPlan | None:
        found = self._plans.get((group_id, year))
        if found is None and year < self.history.window:
            found = next((p for p in self.plans_of(year) if p.group_id == group_id), None)
        return found

    def plans_of(self, year: int) -> tuple[AnnualPlan, ...]:
        """The year's plans: an older year's read from its file, with those
        changed since the start over them."""
        found: dict[tuple[str, int], AnnualPlan] = {}
        if year < self.history.window:
            found = {(p.group_id, p.year): p for p in self.repo.plans(year)}
        found.update((k, p) for k, p in self._plans.items() if k[1] == year)
        return tuple(sorted(found.values(), key=lambda p: p.group_id))

    def seal_head(self, group_id: str | None) -> seal.SealHead | None:
        return self._seal_heads.get(group_id)

    def dues(self, year: int | None = None) -> DuesBook:
        """The branch's dues book: every rate and payment of the recent
        years, the older ones folded in (``rules.dues.history``); it answers
        as the book of every year would. For an older ``year``, a book with
        that year's payments in it too, read from the files."""
        if year is None or self._dues.history_until is None:
            return self._dues
        if year >= self._dues.history_until.year:
            return self._dues
        if self._older_dues is None or self._older_dues[0] != year:
            self._older_dues = (year, self._folded(year))
        return self._older_dues[1]

    def _filed(self, year: int) -> DuesBook:
        """The dues filed under ``year``: its file, with what changed since
        the start over it (a payment is filed under its first month's year)."""
        book = self.repo.year_dues(year)
        for rate in self._new_rates.values():
            if rate.since.year == year:
                book = book.with_rate(rate)
        for payment in self._new_payments.values():
            if min(payment.months).year == year:
                book = book.with_payment(payment)
        return book

    def _folded(self, until: int) -> DuesBook:
        """The book with the years before ``until`` folded, read from the
        files a year at a time (the whole book when there are none)."""
        return self._folding(until)[0]

    def _folding(self, until: int, saved: FoldedDues | None = None) -> tuple[DuesBook, DuesBook]:
        """``_folded``, and the older years' fold alone; from ``saved`` (the
        history index's, for the dues files as they are) instead of the
        older years' files when it is given."""
        years = set(self.repo.dues_years())
        years |= {r.since.year for r in self._new_rates.values()}
        years |= {min(p.months).year for p in self._new_payments.values()}
        recent = DuesBook()
        for year in sorted(y for y in years if y >= until):
            recent = recent.merged(self._filed(year))
        if saved is not None:
            return with_recent(saved.book, recent), saved.book
        older = [y for y in years if y < until]
        if not older:
            return recent, DuesBook()
        fold = DuesFold(Month(until, 1))
        for year in range(min(older), until):
            fold.add_year(year, self._filed(year))
        return fold.book(recent), fold.book(DuesBook())

    def branch_records(self, year: int | None = None) -> BranchRecords:
        """What the rules engine judges, as one value: the records in memory
        and, for an older ``year``, that year's meetings, tasks and plans read
        from their files (a group's months begin at its first meeting ever)."""
        meetings = dict(self._meetings)
        tasks = dict(self._tasks)
        plans = dict(self._plans)
        if year is not None and year < self.history.window:
            for m, own in self._older_of(lambda e: e.held_on.year == year):
                if m.held_on.year == year:
                    meetings[m.id] = m
                    tasks.update((t.id, t) for t in own)
            plans.update(((p.group_id, p.year), p) for p in self.plans_of(year))
        return BranchRecords(
            organisation=self.org,
            meetings=tuple(sorted(meetings.values(), key=_by_time)),
            tasks=tuple(tasks.values()),
            plans=tuple(plans.values()),
            records_since=self._records_since,
            first_days=self.history.first_days(self._meetings.values()),
        )

    def _older_of(
        self, wanted: Callable[[Entry], bool]
    ) -> list[tuple[Meeting, tuple[FollowUpTask, ...]]]:
        """Older meetings kept in their files only, those the index says are
        ``wanted``, read from their files with their tasks."""
        folders = sorted(
            {
                e.folder
                for ident, e in self.history.index.items()
                if ident not in self._meetings and wanted(e)
            }
        )
        found: list[tuple[Meeting, tuple[FollowUpTask, ...]]] = []
        for folder in folders:
            part = self.repo.year_records(folder)
            for m in part.meetings:
                known = self.history.index.get(m.id)
                if m.id in self._meetings or known is None or not wanted(known):
                    continue
                own = tuple(
                    t for t in part.tasks if t.meeting_id == m.id and t.id not in self._dropped
                )
                found.append((m, own))
        return found

    def meetings_to_seal(self, group_id: str | None) -> list[Meeting]:
        """The group's meetings a save may seal: the first seal of a group
        takes its whole archive (rules.meeting.seal), older years read from their
        files; once it has a chain, the meetings in memory."""
        mine = [m for m in self._meetings.values() if m.group_id == group_id]
        if self.seal_head(group_id) is not None:
            return mine
        return mine + [m for m, _ in self._older_of(lambda e: e.group_id == group_id)]

    def findings(self, now: datetime) -> list[Finding]:
        """Everything the rules engine finds, as one check over the whole
        history would: the older years as judged from their files (again,
        if their records changed or the day did), the recent ones now."""
        if self.history.needs_judging(now.date()):
            self.history.judge_again(self.repo, self._newer(), now)
        records = self.branch_records()
        since = date(self.history.window, 1, 1) if self.history.window < date.max.year else None
        recent = sliced(records, since, None, records.first_days)
        return in_order(self.history.findings() + check(recent, now))

    def group_of(self, finding: Finding) -> str | None:
        """The group a finding is about: the group itself, the group holding
        the meeting, the group of the task's meeting or of the person. None
        for the branch as a whole (or a record no longer known)."""
        kind, ident = finding.subject.kind.value, finding.subject.id
        if kind == "group":
            return ident
        if kind == "meeting":
            meeting = self._meetings.get(ident)
            if meeting is not None:
                return meeting.group_id
            known = self.history.index.get(ident)
            return known.group_id if known is not None else None
        if kind == "task":
            task = self._tasks.get(ident)
            held = self._meetings.get(task.meeting_id) if task is not None else None
            if held is not None:
                return held.group_id
            return self.history.group_of(finding)[1]
        if kind == "person":
            person = self.org.person(ident)
            return person.group_id if person is not None else None
        return None

    def knows(self, finding: Finding) -> bool:
        """The record a finding is about is one of the branch's."""
        kind, ident = finding.subject.kind.value, finding.subject.id
        if kind == "meeting":
            return ident in self._meetings or ident in self.history.index
        if kind == "task":
            task = self._tasks.get(ident)
            if task is not None and task.meeting_id in self._meetings:
                return True
            return self.history.group_of(finding)[0]
        if kind == "person":
            return self.org.person(ident) is not None
        return kind == "group"

    # -- changed in memory (by the kiosk's changes, which queue the write) --------

    def put_meeting(self, meeting: Meeting) -> None:
        before = self._meetings.get(meeting.id)
        known = self.history.index.get(meeting.id)
        if before is None and known is not None:
            # An older meeting changed: held in memory from now on, its tasks
            # with it.
            for task in self.repo.tasks(meeting.id):
                if task.id not in self._dropped:
                    self._tasks.setdefault(task.id, task)
        self._meetings[meeting.id] = meeting
        folder = known.folder if known is not None else meeting.planned_at.year
        self.history.index[meeting.id] = entry(meeting, folder)
        years = [meeting.held_on.year]
        if known is not None:
            years.append(known.held_on.year)
        self.history.changed(*years)

    def put_seal_head(self, group_id: str | None, head: seal.SealHead) -> None:
        self._seal_heads[group_id] = head

    def _task_changed(self, task: FollowUpTask) -> None:
        if self._older(task.meeting_id):
            meeting = self.repo.meeting(task.meeting_id)
            if meeting is not None:
                self.put_meeting(meeting)
        held = self._meetings.get(task.meeting_id)
        if held is not None:
            self.history.changed(held.held_on.year)

    def put_task(self, task: FollowUpTask) -> None:
        self._task_changed(task)
        self._tasks[task.id] = task
        self._dropped.discard(task.id)

    def drop_task(self, task: FollowUpTask) -> None:
        self._task_changed(task)
        self._tasks.pop(task.id, None)
        self._dropped.add(task.id)

    def put_plan(self, plan: AnnualPlan) -> None:
        self._plans[(plan.group_id, plan.year)] = plan
        self.history.changed(plan.year)

    def put_organisation(
        self, org: Organisation, history: Iterable[PersonChange | GroupChange]
    ) -> None:
        self.org = org
        self.history.changed_all()
        for change in history:
            if isinstance(change, PersonChange):
                self._person_changes.append(change)
            else:
                self._group_changes.append(change)

    def put_dues_rate(self, rate: DuesRate) -> None:
        self._new_rates[(rate.person_id, rate.since)] = rate
        self._dues_changed(rate.since)
        if self._dues.history_until is None or rate.since >= self._dues.history_until:
            self._dues = self._dues.with_rate(rate)

    def put_dues_payment(self, payment: DuesPayment) -> None:
        self._new_payments[payment.id] = payment
        self._dues_changed(min(payment.months))
        if self._dues.history_until is None or min(payment.months) >= self._dues.history_until:
            self._dues = self._dues.with_payment(payment)

    def _dues_changed(self, first: Month) -> None:
        """A rate or payment from ``first`` on: a change to an older year's
        months folds the older years again."""
        self._older_dues = None
        until = self._dues.history_until
        if until is not None and first < until:
            self._dues = self._folded(until.year)
