"""The branch's records in memory (the read model): the organisation, the
meetings, tasks and year plans, party dues, the history of people and
groups, and the head of each group's seal chain.

Screens read from here without touching the disk. It is changed only by the
kiosk's changes (``tui.core.kiosk``), which put the new record here at once
and queue it for the writer; after a failed write it is read again from
storage, so it never shows what is not stored.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date

from rules import seal
from rules.dues import DuesBook, DuesPayment, DuesRate
from rules.findings import Finding
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
from storage import Repository


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

    def read(self) -> None:
        """Everything but the organisation (once at start, behind the lock
        screen: ten years of meetings take a second)."""
        # Dues first: their year files are the biggest, and the memory their
        # parsing frees is taken up again by the meetings read after them.
        self._dues = self.repo.dues()
        # One pass over the meeting files (each read and decoded once).
        records = self.repo.records()
        self._meetings = {m.id: m for m in records.meetings}
        self._tasks = {t.id: t for t in records.tasks}
        self._plans = {(p.group_id, p.year): p for p in records.plans}
        self._records_since = records.records_since
        self._seal_heads = self.repo.seal_heads()
        self._person_changes = self.repo.person_changes()
        self._group_changes = self.repo.group_changes()

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
        return self._meetings[meeting_id]

    def find_meeting(self, meeting_id: str) -> Meeting | None:
        return self._meetings.get(meeting_id)

    def meetings_of(self, group_id: str | None) -> list[Meeting]:
        """A group's meetings (None: the branch's own), oldest first."""
        return sorted((m for m in self._meetings.values() if m.group_id == group_id), key=_by_time)

    def meetings_all(self) -> list[Meeting]:
        """Every meeting of the branch, whichever group."""
        return list(self._meetings.values())

    def tasks_of(self, meeting_ids: Iterable[str]) -> list[FollowUpTask]:
        """The tasks set at these meetings: open ones first, by due day."""
        wanted = set(meeting_ids)
        return sorted(
            (t for t in self._tasks.values() if t.meeting_id in wanted),
            key=lambda t: (t.status is TaskStatus.DONE, t.due, t.id),
        )

    def plan(self, group_id: str, year: int) -> AnnualPlan | None:
        return self._plans.get((group_id, year))

    def seal_head(self, group_id: str | None) -> seal.SealHead | None:
        return self._seal_heads.get(group_id)

    def dues(self) -> DuesBook:
        """Every dues rate and payment of the branch."""
        return self._dues

    def branch_records(self) -> BranchRecords:
        """Everything the rules engine judges, as one value."""
        return BranchRecords(
            organisation=self.org,
            meetings=tuple(sorted(self._meetings.values(), key=_by_time)),
            tasks=tuple(self._tasks.values()),
            plans=tuple(self._plans.values()),
            records_since=self._records_since,
        )

    def group_of(self, finding: Finding) -> str | None:
        """The group a finding is about: the group itself, the group holding
        the meeting, the group of the task's meeting or of the person. None
        for the branch as a whole (or a record no longer known)."""
        kind, ident = finding.subject.kind.value, finding.subject.id
        if kind == "group":
            return ident
        if kind == "meeting":
            meeting = self._meetings.get(ident)
            return meeting.group_id if meeting is not None else None
        if kind == "task":
            task = self._tasks.get(ident)
            held = self._meetings.get(task.meeting_id) if task is not None else None
            return held.group_id if held is not None else None
        if kind == "person":
            person = self.org.person(ident)
            return person.group_id if person is not None else None
        return None

    def knows(self, finding: Finding) -> bool:
        """The record a finding is about is one of the branch's."""
        kind, ident = finding.subject.kind.value, finding.subject.id
        if kind == "meeting":
            return ident in self._meetings
        if kind == "task":
            task = self._tasks.get(ident)
            return task is not None and task.meeting_id in self._meetings
        if kind == "person":
            return self.org.person(ident) is not None
        return kind == "group"

    # -- changed in memory (by the kiosk's changes, which queue the write) --------

    def put_meeting(self, meeting: Meeting) -> None:
        self._meetings[meeting.id] = meeting

    def put_seal_head(self, group_id: str | None, head: seal.SealHead) -> None:
        self._seal_heads[group_id] = head

    def put_task(self, task: FollowUpTask) -> None:
        self._tasks[task.id] = task

    def drop_task(self, task: FollowUpTask) -> None:
        self._tasks.pop(task.id, None)

    def put_plan(self, plan: AnnualPlan) -> None:
        self._plans[(plan.group_id, plan.year)] = plan

    def put_organisation(
        self, org: Organisation, history: Iterable[PersonChange | GroupChange]
    ) -> None:
        self.org = org
        for change in history:
            if isinstance(change, PersonChange):
                self._person_changes.append(change)
            else:
                self._group_changes.append(change)

    def put_dues_rate(self, rate: DuesRate) -> None:
        self._dues = self._dues.with_rate(rate)

    def put_dues_payment(self, payment: DuesPayment) -> None:
        self._dues = self._dues.with_payment(payment)
