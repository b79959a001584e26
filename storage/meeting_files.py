"""Meeting files, and the sign-in journal folded into them.

``meetings/<YYYY>/<id>.json``: one meeting (table ``meeting``), its follow-up
tasks (table ``tasks``) and the highest journal record it includes (table
``journal``). A meeting's file is in the directory of the year it was first
saved with; it stays there even if the meeting is later moved into another
year (filters look at ``planned_at``).

Sign-ins by phone or badge go to the journal (``storage.journal``, one
``fdatasync``), are read back with their meeting at once, and are folded into
the meeting's file later: by the next save of the meeting, at a clean stop
and at the next start.

Finalised minutes do not change (R3) except in what may still change
afterwards (``MUTABLE_AFTER_FINAL``); sealing them is the one other change,
once, and it moves the group's chain head in org.json forward.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import Final

from rules.meeting import flow
from rules.meeting.seal import newest_link
from rules.models import Addendum, Attendance, FollowUpTask, Meeting
from storage import codec
from storage.atomic import Tables
from storage.errors import (
    DataFileError,
    FinalisedRecordError,
    RecordNotFoundError,
    StorageError,
)
from storage.journal import (
    FOLDED_TABLE,
    Journal,
    JournalEntry,
    JournalState,
    is_fresh,
    pending_by_meeting,
)
from storage.org_file import OrgFile
from storage.tables import (
    MEETING,
    MEETINGS_PATTERN,
    Documents,
    check_meeting_id,
    check_year,
    docs,
    invalid,
    put,
    read_table,
)

MEETING_TABLE: Final = "meeting"
TASKS_TABLE: Final = "tasks"

# What may still change once a meeting's minutes are final (R3): how far the
# meeting has gone afterwards (checked, reported), and addenda, appended only.
MUTABLE_AFTER_FINAL: Final = frozenset({"step", "checked_at", "reported_at", "addenda"})
# (rules.meeting.seal.MUTABLE_AFTER_FINAL must be the same: what is kept out of a seal.)


class AllGroups(Enum):
    ALL_GROUPS = "all groups"


#: ``meetings(group_id=ALL_GROUPS)``: every meeting, whichever group (the
#: default). ``group_id=None`` means the branch's own member congresses.
ALL_GROUPS: Final = AllGroups.ALL_GROUPS

Pending = dict[str, tuple[JournalEntry, ...]]


@dataclasses.dataclass(frozen=True, slots=True)
class MeetingFile:
    meeting: Meeting
    tasks: tuple[FollowUpTask, ...]
    folded: int = 0  # the highest journal record the meeting includes


def decode_meeting_file(data: Tables, meeting_id: str, where: Path | str) -> MeetingFile:
    records = docs(data, MEETING_TABLE)
    if len(records) != 1:
        raise invalid(where, f"expected one meeting record, found {len(records)}")
    meeting = codec.structure(records[0][1], Meeting, where=where, label=MEETING_TABLE)
    if meeting.id != meeting_id:
        raise invalid(where, f"holds meeting {meeting.id!r}, its name says {meeting_id!r}")
    tasks = read_table(data, TASKS_TABLE, FollowUpTask, where)
    for task in tasks:
        if task.meeting_id != meeting_id:
            raise invalid(where, f"task {task.id!r} belongs to meeting {task.meeting_id!r}")
    return MeetingFile(meeting, tasks, _decode_folded(data, where))


def _decode_folded(data: Tables, where: Path | str) -> int:
    """The highest journal record a meeting's file includes (0: none)."""
    records = docs(data, FOLDED_TABLE)
    if not records:
        return 0
    seq = records[0][1].get("seq")
    if type(seq) is not int or seq < 0:
        raise invalid(where, f"{FOLDED_TABLE}[{records[0][0]}].seq: {seq!r}")
    return seq


def _with_entries(file: MeetingFile, entries: Iterable[JournalEntry]) -> MeetingFile:
    """The meeting with the journal's sign-ins it does not include yet
    (final minutes include every sign-in: the save that finalised them came
    after the sign-ins, rules.meeting.flow)."""
    meeting = file.meeting
    if meeting.step.minutes_final:
        return file
    for entry in entries:
        if entry.seq > file.folded:
            meeting = flow.with_attendance(meeting, entry.attendance)
    return file if meeting is file.meeting else dataclasses.replace(file, meeting=meeting)


def _finalised_changes(old: Meeting, new: Meeting) -> tuple[str, ...]:
    """The fields in which ``new`` would change ``old``'s finalised minutes."""
    changed = [
        field.name
        for field in dataclasses.fields(Meeting)
        if field.name not in MUTABLE_AFTER_FINAL
        and getattr(old, field.name) != getattr(new, field.name)
    ]
    if not new.step.minutes_final:
        changed.append("step")
    if not _appended_only(old.addenda, new.addenda):
        changed.append("addenda")
    if "seal" in changed and old.seal is None:
        changed.remove("seal")  # sealing finalised minutes, once (rules.meeting.seal)
    return tuple(changed)


def _appended_only(old: tuple[Addendum, ...], new: tuple[Addendum, ...]) -> bool:
    """Addenda are only appended; one kept from before sealing began may be
    given its seal (rules.meeting.seal), nothing else of it changes."""
    if len(new) < len(old):
        return False
    return all(
        before == after or (before.seal is None and dataclasses.replace(after, seal=None) == before)
        for before, after in zip(old, new, strict=False)
    )


def _path(where: Path | str) -> Path | None:
    return where if isinstance(where, Path) else None


class MeetingFiles:
    """The meetings' files, their tasks, and the sign-in journal."""

    def __init__(self, documents: Documents, journal: Journal, org: OrgFile) -> None:
        self._documents = documents
        self._journal = journal
        self._org = org
        self._files: dict[str, tuple[bytes, MeetingFile]] = {}
        # The journal's records by meeting, for the state they came from.
        self._pending_of: tuple[JournalState | None, Pending] = (None, {})
        # Meetings signed in to: their document names (a file never moves).
        self._signin_names: dict[str, str] = {}

    def names(self) -> list[str]:
        return self._documents.store.names(MEETINGS_PATTERN)

    def _name(self, meeting_id: str) -> str | None:
        check_meeting_id(meeting_id)
        names = self._documents.store.names(f"meetings/*/{meeting_id}")
        if len(names) > 1:
            where = self._documents.where(names[1], MEETING)
            raise invalid(where, f"meeting {meeting_id!r} is also stored as {names[0]!r}")
        return names[0] if names else None

    def _pending(self) -> Pending:
        """The journal's sign-ins by meeting. Read before the meetings' files:
        a file read afterwards is as new as the journal or newer (a fold
        writes the files, then starts an empty journal)."""
        state = self._journal.state()
        if state is not self._pending_of[0]:
            grouped = pending_by_meeting(state.entries) if state is not None else {}
            self._pending_of = (state, grouped)
        return self._pending_of[1]

    def file(
        self, name: str, pending: Pending | None = None, *, keep: bool = True
    ) -> MeetingFile | None:
        """A meeting's file, with the journal's sign-ins it does not include
        yet (``pending``: read now when not given). Kept decoded for the next
        read of the whole history unless ``keep`` is false (a file read once,
        or a year read on its own: memory does not grow with the years)."""
        if pending is None:
            pending = self._pending()
        meeting_id = name.rsplit("/", 1)[-1]
        found = self._documents.cached(
            self._files if keep else {},
            name,
            MEETING,
            lambda data, where: decode_meeting_file(data, meeting_id, where),
        )
        entries = pending.get(meeting_id)
        return _with_entries(found, entries) if found is not None and entries else found

    def all_files(self) -> Iterator[MeetingFile]:
        pending = self._pending()
        for name in self.names():
            found = self.file(name, pending)
            if found is not None:
                yield found

    def years(self) -> list[int]:
        """The years of the meeting directories, oldest first (a meeting's
        file stays in the year it was first saved with)."""
        return sorted({int(name.split("/")[1]) for name in self.names()})

    def year_files(self, year: int, ids: Collection[str] | None = None) -> list[MeetingFile]:
        """The meeting files in one year's directory (only those of ``ids``,
        when given), read without keeping them."""
        check_year(year)
        pending = self._pending()
        if ids is None:
            names = self._documents.store.names(f"meetings/{year:04d}/*")
        else:
            for meeting_id in ids:
                check_meeting_id(meeting_id)
            names = [f"meetings/{year:04d}/{meeting_id}" for meeting_id in sorted(ids)]
        return [f for name in names if (f := self.file(name, pending, keep=False)) is not None]

    def fingerprint(self) -> str | None:
        """A digest of every meeting file that changes when one is added,
        removed or changed, nothing read (``DocumentStore.fingerprint``);
        None when it cannot tell, or when the journal holds sign-ins not yet
        in the files."""
        if self._pending():
            return None
        return self._documents.store.fingerprint(MEETINGS_PATTERN)

    def meetings(
        self, group_id: str | AllGroups | None = ALL_GROUPS, year: int | None = None
    ) -> list[Meeting]:
        found = [
            file.meeting
            for file in self.all_files()
            if (group_id is ALL_GROUPS or file.meeting.group_id == group_id)
            and (year is None or file.meeting.planned_at.year == year)
        ]
        return sorted(found, key=lambda meeting: (meeting.planned_at, meeting.id))

    def meeting(self, meeting_id: str) -> Meeting | None:
        name = self._name(meeting_id)
        found = self.file(name, keep=False) if name is not None else None
        return found.meeting if found is not None else None

    def save_meeting(self, meeting: Meeting) -> None:
        self._documents.check_can_write()
        check_meeting_id(meeting.id)
        name = self._name(meeting.id)
        if name is None:
            year = meeting.planned_at.year
            check_year(year)
            name = f"meetings/{year:04d}/{meeting.id}"
        storage, data = self._documents.open(name, MEETING)
        data = data or {}
        if data:
            old = decode_meeting_file(data, meeting.id, storage.where).meeting
            if old.step.minutes_final:
                changed = _finalised_changes(old, meeting)
                if changed:
                    raise FinalisedRecordError(meeting.id, changed, _path(storage.where))
        link = newest_link(meeting)
        if link is not None and not self._org.exists():
            raise self._documents.no_organisation()  # nowhere to keep the chain's head
        data[MEETING_TABLE] = {"1": codec.unstructure(meeting)}
        data.setdefault(TASKS_TABLE, {})
        # The meeting given includes every sign-in appended so far: a
        # journal record is never applied over it again.
        state = self._journal.state()
        folded = max(
            state.last_seq if state is not None else 0, _decode_folded(data, storage.where)
        )
        if folded:  # (no table: 0, as in files from before the journal)
            data[FOLDED_TABLE] = {"1": {"seq": folded}}
        storage.write(data)
        if link is not None:
            self._org.advance_seal_head(link)

    def meetings_readable(self) -> tuple[list[Meeting], list[DataFileError]]:
        """Every meeting that can be read, and why each other file cannot
        (verify names them and goes on with the rest; a damaged sign-in
        journal among them, the meetings then read without it)."""
        found: list[Meeting] = []
        problems: list[DataFileError] = []
        try:
            pending = self._pending()
        except DataFileError as error:
            problems.append(error)
            pending = {}
        for name in self.names():
            try:
                file = self.file(name, pending)
            except DataFileError as error:
                problems.append(error)
                continue
            if file is not None:
                found.append(file.meeting)
        found.sort(key=lambda meeting: (meeting.planned_at, meeting.id))
        return found, problems

    # -- sign-ins by phone or badge (storage.journal) --------------------------

    def append_signins(
        self, signins: Sequence[tuple[str, Attendance]]
    ) -> list[StorageError | None]:
        try:
            self._documents.check_can_write()
        except StorageError as error:
            return [error] * len(signins)
        outcomes: list[StorageError | None] = [None] * len(signins)
        known: list[int] = []
        for index, (meeting_id, _) in enumerate(signins):
            name = self._signin_names.get(meeting_id) or self._name(meeting_id)
            if name is None:
                outcomes[index] = RecordNotFoundError(
                    f"会议 {meeting_id} 不存在,签到未保存。",
                    f"The meeting {meeting_id} does not exist; the sign-in was not saved.",
                )
                continue
            self._signin_names[meeting_id] = name
            known.append(index)
        if not known:
            return outcomes
        try:
            if self._journal.state() is None:
                # A first journal: numbered on from every record already folded.
                self._journal.reset(self._highest_folded() + 1)
            self._journal.append([signins[index] for index in known])
        except StorageError as error:
            for index in known:  # none of them was added
                outcomes[index] = error
        return outcomes

    def _highest_folded(self) -> int:
        return max(
            (
                file.folded
                for name in self.names()
                if (file := self.file(name, {}, keep=False)) is not None
            ),
            default=0,
        )

    def fold_signins(self) -> int:
        self._documents.check_can_write()
        state = self._journal.state()
        if state is None:
            return 0
        applied = 0
        for meeting_id, entries in pending_by_meeting(state.entries).items():
            name = self._name(meeting_id)
            if name is None:
                continue  # not stored (a sign-in is appended after its meeting)
            storage, data = self._documents.open(name, MEETING)
            if data is None:
                continue
            file = decode_meeting_file(data, meeting_id, storage.where)
            newer = [e for e in entries if e.seq > file.folded]
            if not newer or file.meeting.step.minutes_final:
                continue  # already in the file (final minutes include theirs)
            meeting = _with_entries(file, newer).meeting
            data[MEETING_TABLE] = {"1": codec.unstructure(meeting)}
            data[FOLDED_TABLE] = {"1": {"seq": state.last_seq}}
            storage.write(data)
            applied += len(newer)
        if not is_fresh(state):
            self._journal.reset(state.last_seq + 1)
        return applied

    # -- tasks -------------------------------------------------------------

    def tasks(self, meeting_id: str | None = None) -> list[FollowUpTask]:
        if meeting_id is None:
            found = [task for file in self.all_files() for task in file.tasks]
        else:
            name = self._name(meeting_id)
            file = self.file(name, keep=False) if name is not None else None
            found = list(file.tasks) if file is not None else []
        return sorted(found, key=lambda task: (task.due, task.id))

    def save_task(self, task: FollowUpTask) -> None:
        self._documents.check_can_write()
        name = self._name(task.meeting_id)
        storage, data = self._documents.open(name, MEETING) if name is not None else (None, None)
        if storage is None or data is None:
            raise RecordNotFoundError(
                f"任务 {task.id} 所属的会议 {task.meeting_id} 不存在,任务未保存。",
                f"Task {task.id} belongs to meeting {task.meeting_id}, which does not exist; "
                "the task was not saved.",
            )
        decode_meeting_file(data, task.meeting_id, storage.where)
        put(data, TASKS_TABLE, "id", task.id, codec.unstructure(task))
        storage.write(data)

    def delete_task(self, task: FollowUpTask) -> None:
        self._documents.check_can_write()
        name = self._name(task.meeting_id)
        storage, data = self._documents.open(name, MEETING) if name is not None else (None, None)
        if storage is None or data is None:
            return
        file = decode_meeting_file(data, task.meeting_id, storage.where)
        if file.meeting.step.minutes_final:
            raise FinalisedRecordError(task.meeting_id, ("tasks",), _path(storage.where))
        rows = data.get(TASKS_TABLE, {})
        kept = {doc_id: doc for doc_id, doc in rows.items() if doc.get("id") != task.id}
        if len(kept) != len(rows):
            data[TASKS_TABLE] = kept
            storage.write(data)
