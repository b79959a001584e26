"""The repository: the branch's records, read and saved as domain objects.

Layout of a data directory (every file a TinyDB database with a marker, see
``storage.atomic``)::

    <data>/
      .lock                         held by the one writer (its pid inside)
      org.json                      branch, groups, people, credentials,
                                    pin_attempts (runs of wrong PINs, so a
                                    lockout survives a restart), settings
                                    (records_since), signin_credentials
                                    (members' sign-in PINs, hashed, with a
                                    version), signin_attempts, badges
                                    (each member's current badge version),
                                    person_changes and group_changes (the
                                    history of people's status and
                                    discipline, and of the groups: appended
                                    in the same write as the change),
                                    seal_heads (each group's newest sealed
                                    record, rules.seal: moved forward when a
                                    sealed meeting is saved)
      secret.key                    the kiosk's signing key, owner-only
                                    (storage.secret)
      signins.journal               sign-ins by phone or badge not yet
                                    folded into their meetings' files
                                    (storage.journal): appended with one
                                    fdatasync, folded at the next start
      meetings/<YYYY>/<id>.json     one meeting (table "meeting"), its
                                    follow-up tasks (table "tasks") and the
                                    highest journal record it includes
                                    (table "journal")
      plans/<YYYY>.json             that year's annual plans (table "plans")
      dues/<YYYY>.json              party dues (rules.dues): monthly amounts
                                    set from a month of that year (table
                                    "rates") and payments whose first month
                                    covered is in it (table "payments")

Saving touches exactly one file, so the cost of a write does not grow with
years of history, and each save is atomic: an organisation import (branch,
groups and people together) is all or nothing. A meeting's file is in the
directory of the year it was first saved with; it stays there even if the
meeting is later moved into another year (filters look at ``planned_at``).

``FileRepository`` keeps the files; ``MemoryRepository`` is the same code over
an in-memory document store, for tests and demos.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Protocol, Self, TypeVar

from rules import access
from rules.access import PinAttempts
from rules.models import (
    Addendum,
    AnnualPlan,
    Attendance,
    Branch,
    BranchRecords,
    FollowUpTask,
    Group,
    GroupChange,
    Meeting,
    Organisation,
    Person,
    PersonChange,
)
from storage import codec, pins
from storage.atomic import MarkedJSONStorage, Tables, clean_temp_files
from storage.documents import DocumentStore, FileDocumentStore, MemoryDocumentStore
from storage.errors import (
    DataFileError,
    DataFileProblem,
    FinalisedRecordError,
    RecordNotFoundError,
    StorageError,
    StorageWriteError,
)
from storage.journal import (
    FOLDED_TABLE,
    FileJournal,
    Journal,
    JournalEntry,
    JournalState,
    MemoryJournal,
    is_fresh,
    pending_by_meeting,
)
from storage.lock import DataDirLock
from storage.secret import KEY_BYTES, load_or_create_secret, read_secret

if TYPE_CHECKING:
    # Imported where used: the kiosk's lock screen reads org.json only, and is
    # up sooner without them (rules.dues, rules.seal).
    from rules.dues import DuesBook, DuesPayment, DuesRate
    from rules.seal import SealHead

T = TypeVar("T")

# Document kinds (the marker's "kind") and names.
ORG: Final = "org"
MEETING: Final = "meeting"
PLANS: Final = "plans"
ORG_NAME: Final = "org"
MEETINGS_PATTERN: Final = "meetings/*/*"
PLANS_PATTERN: Final = "plans/*"
DUES: Final = "dues"
DUES_PATTERN: Final = "dues/*"
DUES_RATES_TABLE: Final = "rates"
DUES_PAYMENTS_TABLE: Final = "payments"

# Tables.
BRANCH_TABLE: Final = "branch"
GROUPS_TABLE: Final = "groups"
PEOPLE_TABLE: Final = "people"
CREDENTIALS_TABLE: Final = "credentials"
PIN_ATTEMPTS_TABLE: Final = "pin_attempts"
SIGNIN_CREDENTIALS_TABLE: Final = "signin_credentials"
SIGNIN_ATTEMPTS_TABLE: Final = "signin_attempts"
BADGES_TABLE: Final = "badges"
# The one-time set-up code of ``xiaozu init`` (hashed, with its expiry).
SETUP_CODE_TABLE: Final = "setup_code"
SETTINGS_TABLE: Final = "settings"
MEETING_TABLE: Final = "meeting"
TASKS_TABLE: Final = "tasks"
PLANS_TABLE: Final = "plans"
PERSON_CHANGES_TABLE: Final = "person_changes"
GROUP_CHANGES_TABLE: Final = "group_changes"

# What may still change once a meeting's minutes are final (R3): how far the
# meeting has gone afterwards (checked, reported), and addenda, appended only.
MUTABLE_AFTER_FINAL: Final = frozenset({"step", "checked_at", "reported_at", "addenda"})
# (rules.seal.MUTABLE_AFTER_FINAL must be the same: what is kept out of a seal.)
# Each group's newest sealed record (rules.seal.SealHead), in org.json, so
# that removing the newest sealed meeting file is caught.
SEAL_HEADS_TABLE: Final = "seal_heads"

# Meeting ids become file names.
_SAFE_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


class AllGroups(Enum):
    ALL_GROUPS = "all groups"


#: ``meetings(group_id=ALL_GROUPS)``: every meeting, whichever group (the
#: default). ``group_id=None`` means the branch's own member congresses.
ALL_GROUPS: Final = AllGroups.ALL_GROUPS


class Repository(Protocol):
    """What the kiosk and the commands need from storage."""

    def organisation(self) -> Organisation | None:
        """The branch, or None when nothing has been imported yet."""
        ...

    def save_organisation(
        self, org: Organisation, history: Iterable[PersonChange | GroupChange] = ()
    ) -> None:
        """Replace branch, groups and people together, in one atomic write;
        ``history`` (the changes that led there) is appended in the same write."""
        ...

    def person_changes(self, person_id: str | None = None) -> list[PersonChange]:
        """The history of people's status and discipline, oldest first."""
        ...

    def group_changes(self, group_id: str | None = None) -> list[GroupChange]:
        """The history of the groups, oldest first."""
        ...

    def meetings(
        self, group_id: str | AllGroups | None = ALL_GROUPS, year: int | None = None
    ) -> list[Meeting]:
        """Meetings sorted by ``planned_at``; ``year`` filters on it."""
        ...

    def meeting(self, meeting_id: str) -> Meeting | None: ...

    def save_meeting(self, meeting: Meeting) -> None:
        """Raises FinalisedRecordError when finalised minutes would change.
        A sealed meeting moves its group's chain head forward (rules.seal).
        The meeting given includes every sign-in appended so far."""
        ...

    def append_signin(self, meeting_id: str, attendance: Attendance) -> None:
        """A sign-in by phone or badge (its whole attendance record), durable
        when this returns, with one sync (storage.journal); read back with
        the meeting at once, folded into the meeting's file later. Raises
        RecordNotFoundError for a meeting that is not stored."""
        ...

    def fold_signins(self) -> int:
        """Write the journal's sign-ins into their meetings' files and start
        an empty journal; returns how many were applied."""
        ...

    def seal_heads(self) -> dict[str | None, SealHead]:
        """Each group's newest sealed record (None: the branch's own)."""
        ...

    def meetings_readable(self) -> tuple[list[Meeting], list[DataFileError]]:
        """Every meeting that can be read, and the files that cannot."""
        ...

    def tasks(self, meeting_id: str | None = None) -> list[FollowUpTask]:
        """Follow-up tasks sorted by due date."""
        ...

    def save_task(self, task: FollowUpTask) -> None:
        """Stored with its meeting, which must exist."""
        ...

    def delete_task(self, task: FollowUpTask) -> None:
        """Take back a task set at a meeting whose minutes are not final
        (a correction before sealing); nothing when it is not stored."""
        ...

    def plans(self, year: int | None = None) -> list[AnnualPlan]: ...

    def save_plan(self, plan: AnnualPlan) -> None: ...

    def dues(self, year: int | None = None) -> DuesBook:
        """Party dues: every rate and payment, or those filed under ``year``."""
        ...

    def save_dues_rate(self, rate: DuesRate) -> None:
        """Store a monthly amount (replacing one for the same person and month)."""
        ...

    def save_dues_payment(self, payment: DuesPayment) -> None:
        """Store a payment (replacing one with the same id)."""
        ...

    def save_dues(self, book: DuesBook) -> None:
        """Store many rates and payments (a demo, an import): one write per
        year's file, each atomic."""
        ...

    def save_records_since(self, day: date) -> None:
        """The first day the records cover (e.g. when xiaozu was taken into
        use); stored with the organisation."""
        ...

    def records(self, records_since: date | None = None) -> BranchRecords:
        """Everything, for the rules engine; ``records_since`` defaults to the
        stored day. Raises RecordNotFoundError when there is no organisation."""
        ...

    def is_empty(self) -> bool:
        """No data at all (no organisation, meetings or plans)."""
        ...

    def set_pin(self, person_id: str, pin: str, *, end_setup: bool = False) -> None:
        """Store a hash of the person's unlock PIN; ``end_setup``: and use up
        the set-up code in the same write."""
        ...

    def issue_setup_code(self, now: datetime) -> str:
        """A new one-time set-up code (replacing any earlier one), stored
        hashed with its expiry; returned once, to be printed."""
        ...

    def setup_code_expires(self, now: datetime) -> datetime | None:
        """When the set-up code not yet used expires (None: there is none, or
        it has expired)."""
        ...

    def check_setup_code(self, code: str, now: datetime) -> bool:
        """Whether ``code`` is the set-up code and still good. Blocking (scrypt)."""
        ...

    def verify_pin(self, person_id: str, pin: str) -> bool: ...

    def has_pin(self, person_id: str) -> bool: ...

    def pin_holders(self) -> frozenset[str]:
        """Who has an unlock PIN (one read of the roster, for the lock screen)."""
        ...

    def pin_attempts(self, person_id: str) -> PinAttempts:
        """The person's run of wrong PINs (an empty run when none is stored)."""
        ...

    def save_pin_attempts(self, person_id: str, attempts: PinAttempts) -> None:
        """Store the run of wrong PINs; an empty run removes the record (and
        writes nothing when there was none). Raises RecordNotFoundError for a
        person who is not in the roster."""
        ...

    # Signing in (SPEC §3): members' own sign-in PINs, their badges, the key.

    def set_signin_pin(self, person_id: str, pin: str, *, first: bool = True) -> int:
        """Store a hash of a member's sign-in PIN; returns its new version
        (every phone remembered with an older version is forgotten).
        ``first``: a PIN the leader or the secretary issued, which the member
        is to replace with their own."""
        ...

    def first_signin_pins(self) -> frozenset[str]:
        """Whose sign-in PIN is still the first one issued to them."""
        ...

    def verify_signin_pin(self, person_id: str, pin: str) -> bool: ...

    def signin_pin_versions(self) -> dict[str, int]:
        """Who has a sign-in PIN, and its version."""
        ...

    def signin_attempts(self, person_id: str) -> PinAttempts: ...

    def save_signin_attempts(self, person_id: str, attempts: PinAttempts) -> None: ...

    def badge_versions(self) -> dict[str, int]:
        """Each badged person's current badge version."""
        ...

    def issue_badges(self, person_ids: Iterable[str], *, reissue: bool = False) -> dict[str, int]:
        """Give each person a badge version (1 for a first badge); with
        ``reissue``, a new version for everyone named, which revokes their
        older badges. One write; returns the versions of the people named."""
        ...

    def kiosk_secret(self) -> bytes:
        """The kiosk's signing key, made the first time it is needed."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


def check_meeting_id(meeting_id: str) -> None:
    """Meeting ids name files: letters, digits, ``_ . -``; not starting with a dot."""
    if not _SAFE_ID.match(meeting_id):
        raise ValueError(
            f"meeting id {meeting_id!r} cannot be stored: use letters, digits, '_', '.', '-' "
            "(at most 128, not starting with '.')"
        )


def _check_year(year: int) -> None:
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is out of range")


def _docs(data: Tables, table: str) -> list[tuple[str, dict[str, Any]]]:
    """A table's documents in document-id order."""
    return sorted(data.get(table, {}).items(), key=lambda item: int(item[0]))


def _invalid(where: Path | str, detail: str) -> DataFileError:
    return DataFileError(DataFileProblem.INVALID, where, detail)


def _put(data: Tables, table: str, key: str, value: str, document: dict[str, Any]) -> None:
    """Insert or replace the document whose ``key`` is ``value`` (TinyDB's
    upsert, done in memory so that the save is one write)."""
    rows = data.setdefault(table, {})
    for doc_id, existing in rows.items():
        if existing.get(key) == value:
            rows[doc_id] = document
            return
    next_id = max((int(doc_id) for doc_id in rows), default=0) + 1
    rows[str(next_id)] = document


@dataclasses.dataclass(frozen=True, slots=True)
class _MeetingFile:
    meeting: Meeting
    tasks: tuple[FollowUpTask, ...]
    folded: int = 0  # the highest journal record the meeting includes


def _decode_org(data: Tables, where: Path | str) -> Organisation:
    branches = _docs(data, BRANCH_TABLE)
    if len(branches) != 1:
        raise _invalid(where, f"expected one branch record, found {len(branches)}")
    branch = codec.structure(branches[0][1], Branch, where=where, label=BRANCH_TABLE)
    groups = tuple(
        codec.structure(doc, Group, where=where, label=f"{GROUPS_TABLE}[{doc_id}]")
        for doc_id, doc in _docs(data, GROUPS_TABLE)
    )
    people = tuple(
        codec.structure(doc, Person, where=where, label=f"{PEOPLE_TABLE}[{doc_id}]")
        for doc_id, doc in _docs(data, PEOPLE_TABLE)
    )
    _decode_records_since(data, where)
    return Organisation(branch=branch, groups=groups, people=people)


def _decode_history(
    data: Tables, where: Path | str
) -> tuple[tuple[PersonChange, ...], tuple[GroupChange, ...]]:
    """The organisation's history tables, in the order they were appended."""
    people = tuple(
        codec.structure(doc, PersonChange, where=where, label=f"{PERSON_CHANGES_TABLE}[{doc_id}]")
        for doc_id, doc in _docs(data, PERSON_CHANGES_TABLE)
    )
    groups = tuple(
        codec.structure(doc, GroupChange, where=where, label=f"{GROUP_CHANGES_TABLE}[{doc_id}]")
        for doc_id, doc in _docs(data, GROUP_CHANGES_TABLE)
    )
    return people, groups


def _append_history(data: Tables, history: Iterable[PersonChange | GroupChange]) -> None:
    """Append changes to the history tables (in memory: the caller writes)."""
    for change in history:
        table = PERSON_CHANGES_TABLE if isinstance(change, PersonChange) else GROUP_CHANGES_TABLE
        rows = data.setdefault(table, {})
        next_id = max((int(doc_id) for doc_id in rows), default=0) + 1
        rows[str(next_id)] = codec.unstructure(change)


def _decode_records_since(data: Tables, where: Path | str) -> date | None:
    settings = _docs(data, SETTINGS_TABLE)
    if not settings:
        return None
    value = settings[0][1].get("records_since")
    label = f"{SETTINGS_TABLE}[{settings[0][0]}].records_since"
    return codec.structure(value, date | None, where=where, label=label)  # type: ignore[arg-type]


def _find_pin_attempts(
    data: Tables, person_id: str, where: Path | str, table: str = PIN_ATTEMPTS_TABLE
) -> tuple[str, PinAttempts] | None:
    """The document id and the run of wrong PINs stored for ``person_id``."""
    for doc_id, doc in _docs(data, table):
        if doc.get("person_id") != person_id:
            continue
        fields = {key: value for key, value in doc.items() if key != "person_id"}
        label = f"{table}[{doc_id}]"
        return doc_id, codec.structure(fields, PinAttempts, where=where, label=label)
    return None


def _decode_meeting_file(data: Tables, meeting_id: str, where: Path | str) -> _MeetingFile:
    records = _docs(data, MEETING_TABLE)
    if len(records) != 1:
        raise _invalid(where, f"expected one meeting record, found {len(records)}")
    meeting = codec.structure(records[0][1], Meeting, where=where, label=MEETING_TABLE)
    if meeting.id != meeting_id:
        raise _invalid(where, f"holds meeting {meeting.id!r}, its name says {meeting_id!r}")
    tasks = tuple(
        codec.structure(doc, FollowUpTask, where=where, label=f"{TASKS_TABLE}[{doc_id}]")
        for doc_id, doc in _docs(data, TASKS_TABLE)
    )
    for task in tasks:
        if task.meeting_id != meeting_id:
            raise _invalid(where, f"task {task.id!r} belongs to meeting {task.meeting_id!r}")
    return _MeetingFile(meeting, tasks, _decode_folded(data, where))


def _decode_folded(data: Tables, where: Path | str) -> int:
    """The highest journal record a meeting's file includes (0: none)."""
    records = _docs(data, FOLDED_TABLE)
    if not records:
        return 0
    seq = records[0][1].get("seq")
    if type(seq) is not int or seq < 0:
        raise _invalid(where, f"{FOLDED_TABLE}[{records[0][0]}].seq: {seq!r}")
    return seq


def _with_entries(file: _MeetingFile, entries: Iterable[JournalEntry]) -> _MeetingFile:
    """The meeting with the journal's sign-ins it does not include yet
    (final minutes include every sign-in: the save that finalised them came
    after the sign-ins, rules.flow)."""
    from rules import flow  # where used: the lock screen needs none of it

    meeting = file.meeting
    if meeting.step.minutes_final:
        return file
    for entry in entries:
        if entry.seq > file.folded:
            meeting = flow.with_attendance(meeting, entry.attendance)
    return file if meeting is file.meeting else dataclasses.replace(file, meeting=meeting)


def _decode_plans(data: Tables, where: Path | str, *, year: int) -> tuple[AnnualPlan, ...]:
    plans = tuple(
        codec.structure(doc, AnnualPlan, where=where, label=f"{PLANS_TABLE}[{doc_id}]")
        for doc_id, doc in _docs(data, PLANS_TABLE)
    )
    for plan in plans:
        if plan.year != year:
            raise _invalid(where, f"a {plan.year} plan in the file for {year}")
    return plans


def _decode_dues(data: Tables, where: Path | str, *, year: int) -> DuesBook:
    from rules.dues import DuesBook, DuesPayment, DuesRate

    rates = tuple(
        codec.structure(doc, DuesRate, where=where, label=f"{DUES_RATES_TABLE}[{doc_id}]")
        for doc_id, doc in _docs(data, DUES_RATES_TABLE)
    )
    payments = tuple(
        codec.structure(doc, DuesPayment, where=where, label=f"{DUES_PAYMENTS_TABLE}[{doc_id}]")
        for doc_id, doc in _docs(data, DUES_PAYMENTS_TABLE)
    )
    for rate in rates:
        if rate.since.year != year:
            raise _invalid(where, f"a rate from {rate.since} in the file for {year}")
    for payment in payments:
        if not payment.months:
            raise _invalid(where, f"payment {payment.id!r} covers no month")
        if min(payment.months).year != year:
            raise _invalid(where, f"payment {payment.id!r} belongs to {min(payment.months).year}")
    return DuesBook(rates, payments)


def _dues_year(payment: DuesPayment) -> int:
    """A payment is filed under the year of the first month it covers."""
    if not payment.months:
        raise ValueError(f"payment {payment.id!r} covers no month")
    return min(payment.months).year


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
        changed.remove("seal")  # sealing finalised minutes, once (rules.seal)
    return tuple(changed)


def _appended_only(old: tuple[Addendum, ...], new: tuple[Addendum, ...]) -> bool:
    """Addenda are only appended; one kept from before sealing began may be
    given its seal (rules.seal), nothing else of it changes."""
    if len(new) < len(old):
        return False
    return all(
        before == after or (before.seal is None and dataclasses.replace(after, seal=None) == before)
        for before, after in zip(old, new, strict=False)
    )


class DocumentRepository:
    """The repository over any document store (files or memory)."""

    def __init__(self, store: DocumentStore, journal: Journal) -> None:
        self._store = store
        self._journal = journal
        # The journal's records by meeting, for the state they came from.
        self._pending_of: tuple[JournalState | None, dict[str, tuple[JournalEntry, ...]]] = (
            None,
            {},
        )
        # Meetings signed in to: their document names (a file never moves).
        self._signin_names: dict[str, str] = {}
        # Decoded documents by name, with a digest of the bytes they came
        # from: reading the whole history again only re-decodes files whose
        # bytes changed (a digest, not the bytes: ten years of files would
        # otherwise stay in memory twice).
        self._orgs: dict[str, tuple[bytes, Organisation]] = {}
        self._meeting_files: dict[str, tuple[bytes, _MeetingFile]] = {}
        self._plan_files: dict[str, tuple[bytes, tuple[AnnualPlan, ...]]] = {}
        self._dues_files: dict[str, tuple[bytes, DuesBook]] = {}

    # -- plumbing ----------------------------------------------------------

    def _check_can_write(self) -> None:
        if not self._store.writable:
            raise StorageWriteError(self._location(), read_only=True)

    def _location(self) -> Path | str:
        return "<memory>"

    def _open(self, name: str, kind: str) -> tuple[MarkedJSONStorage, Tables | None]:
        storage = self._store.storage(name, kind)
        return storage, storage.read()

    def _meeting_name(self, meeting_id: str) -> str | None:
        check_meeting_id(meeting_id)
        names = self._store.names(f"meetings/*/{meeting_id}")
        if len(names) > 1:
            where = self._store.storage(names[1], MEETING).where
            raise _invalid(where, f"meeting {meeting_id!r} is also stored as {names[0]!r}")
        return names[0] if names else None

    def _cached(
        self,
        cache: dict[str, tuple[bytes, T]],
        name: str,
        kind: str,
        decode: Callable[[Tables, Path | str], T],
    ) -> T | None:
        """Document ``name`` decoded, or None when it does not exist."""
        storage = self._store.storage(name, kind)
        raw = storage.load()
        if raw is None:
            return None
        digest = hashlib.blake2b(raw, digest_size=16).digest()
        hit = cache.get(name)
        if hit is not None and hit[0] == digest:
            return hit[1]
        data = storage.parse(raw)
        assert data is not None
        value = decode(data, storage.where)
        cache[name] = (digest, value)
        return value

    def _pending(self) -> dict[str, tuple[JournalEntry, ...]]:
        """The journal's sign-ins by meeting. Read before the meetings' files:
        a file read afterwards is as new as the journal or newer (a fold
        writes the files, then starts an empty journal)."""
        state = self._journal.state()
        if state is not self._pending_of[0]:
            grouped = pending_by_meeting(state.entries) if state is not None else {}
            self._pending_of = (state, grouped)
        return self._pending_of[1]

    def _meeting_file(
        self, name: str, pending: dict[str, tuple[JournalEntry, ...]] | None = None
    ) -> _MeetingFile | None:
        """A meeting's file, with the journal's sign-ins it does not include
        yet (``pending``: read now when not given)."""
        if pending is None:
            pending = self._pending()
        meeting_id = name.rsplit("/", 1)[-1]
        found = self._cached(
            self._meeting_files,
            name,
            MEETING,
            lambda data, where: _decode_meeting_file(data, meeting_id, where),
        )
        entries = pending.get(meeting_id)
        return _with_entries(found, entries) if found is not None and entries else found

    def _all_meeting_files(self) -> Iterator[_MeetingFile]:
        pending = self._pending()
        for name in self._store.names(MEETINGS_PATTERN):
            found = self._meeting_file(name, pending)
            if found is not None:
                yield found

    def _plans_in(self, pattern: str) -> Iterator[AnnualPlan]:
        for name in self._store.names(pattern):
            year_text = name.rsplit("/", 1)[-1]
            if not year_text.isdigit():
                where = self._store.storage(name, PLANS).where
                raise _invalid(where, "a plans file must be named after its year")
            yield from (
                self._cached(
                    self._plan_files,
                    name,
                    PLANS,
                    functools.partial(_decode_plans, year=int(year_text)),
                )
                or ()
            )

    # -- organisation ------------------------------------------------------

    def organisation(self) -> Organisation | None:
        return self._cached(self._orgs, ORG_NAME, ORG, _decode_org)

    def save_organisation(
        self, org: Organisation, history: Iterable[PersonChange | GroupChange] = ()
    ) -> None:
        self._check_can_write()
        storage, data = self._open(ORG_NAME, ORG)
        data = data or {}
        if data:
            _decode_org(data, storage.where)  # never write over what we cannot read
            _decode_history(data, storage.where)
        _append_history(data, history)
        data[BRANCH_TABLE] = {"1": codec.unstructure(org.branch)}
        data[GROUPS_TABLE] = {
            str(number): codec.unstructure(group) for number, group in enumerate(org.groups, 1)
        }
        data[PEOPLE_TABLE] = {
            str(number): codec.unstructure(person) for number, person in enumerate(org.people, 1)
        }
        data.setdefault(CREDENTIALS_TABLE, {})
        storage.write(data)

    def person_changes(self, person_id: str | None = None) -> list[PersonChange]:
        people, _ = self._history()
        return [c for c in people if person_id is None or c.person_id == person_id]

    def group_changes(self, group_id: str | None = None) -> list[GroupChange]:
        _, groups = self._history()
        return [c for c in groups if group_id is None or c.group_id == group_id]

    def _history(self) -> tuple[tuple[PersonChange, ...], tuple[GroupChange, ...]]:
        storage, data = self._open(ORG_NAME, ORG)
        return ((), ()) if data is None else _decode_history(data, storage.where)

    def _no_organisation(self) -> RecordNotFoundError:
        where = self._location()
        return RecordNotFoundError(
            f"数据目录 {where} 中还没有支部数据。请先导入支部名册,或用 xiaozu demo 创建演示数据。",
            f"The data directory {where} holds no branch yet. Import the branch roster "
            "first, or create demo data with `xiaozu demo`.",
            path=where if isinstance(where, Path) else None,
        )

    # -- meetings ----------------------------------------------------------

    def meetings(
        self, group_id: str | AllGroups | None = ALL_GROUPS, year: int | None = None
    ) -> list[Meeting]:
        found = [
            file.meeting
            for file in self._all_meeting_files()
            if (group_id is ALL_GROUPS or file.meeting.group_id == group_id)
            and (year is None or file.meeting.planned_at.year == year)
        ]
        return sorted(found, key=lambda meeting: (meeting.planned_at, meeting.id))

    def meeting(self, meeting_id: str) -> Meeting | None:
        name = self._meeting_name(meeting_id)
        found = self._meeting_file(name) if name is not None else None
        return found.meeting if found is not None else None

    def save_meeting(self, meeting: Meeting) -> None:
        from rules.seal import newest_link

        self._check_can_write()
        check_meeting_id(meeting.id)
        name = self._meeting_name(meeting.id)
        if name is None:
            year = meeting.planned_at.year
            _check_year(year)
            name = f"meetings/{year:04d}/{meeting.id}"
        storage, data = self._open(name, MEETING)
        data = data or {}
        if data:
            old = _decode_meeting_file(data, meeting.id, storage.where).meeting
            if old.step.minutes_final:
                changed = _finalised_changes(old, meeting)
                if changed:
                    where = storage.where
                    raise FinalisedRecordError(
                        meeting.id, changed, where if isinstance(where, Path) else None
                    )
        link = newest_link(meeting)
        if link is not None and not self._store.exists(ORG_NAME):
            raise self._no_organisation()  # nowhere to keep the chain's head
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
            self._advance_seal_head(link)

    # -- sign-ins by phone or badge (storage.journal) --------------------------

    def append_signin(self, meeting_id: str, attendance: Attendance) -> None:
        self._check_can_write()
        name = self._signin_names.get(meeting_id) or self._meeting_name(meeting_id)
        if name is None:
            raise RecordNotFoundError(
                f"会议 {meeting_id} 不存在,签到未保存。",
                f"The meeting {meeting_id} does not exist; the sign-in was not saved.",
            )
        self._signin_names[meeting_id] = name
        if self._journal.state() is None:
            # A first journal: numbered on from every record already folded.
            self._journal.reset(self._highest_folded() + 1)
        self._journal.append(meeting_id, attendance)

    def _highest_folded(self) -> int:
        return max(
            (
                file.folded
                for name in self._store.names(MEETINGS_PATTERN)
                if (file := self._meeting_file(name, {})) is not None
            ),
            default=0,
        )

    def fold_signins(self) -> int:
        self._check_can_write()
        state = self._journal.state()
        if state is None:
            return 0
        applied = 0
        for meeting_id, entries in pending_by_meeting(state.entries).items():
            name = self._meeting_name(meeting_id)
            if name is None:
                continue  # not stored (a sign-in is appended after its meeting)
            storage, data = self._open(name, MEETING)
            if data is None:
                continue
            file = _decode_meeting_file(data, meeting_id, storage.where)
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

    # -- sealed records (R3, rules.seal) -------------------------------------

    def seal_heads(self) -> dict[str | None, SealHead]:
        from rules.seal import SealHead

        storage, data = self._open(ORG_NAME, ORG)
        if data is None:
            return {}
        heads: dict[str | None, SealHead] = {}
        for doc_id, doc in _docs(data, SEAL_HEADS_TABLE):
            label = f"{SEAL_HEADS_TABLE}[{doc_id}]"
            head = codec.structure(doc, SealHead, where=storage.where, label=label)
            if head.group_id in heads:
                raise _invalid(storage.where, f"{label}: a second head for {head.group_id!r}")
            heads[head.group_id] = head
        return heads

    def _advance_seal_head(self, link: SealHead) -> None:
        """Keep the group's newest link in org.json, written after the
        meeting's file (a crash between the two shows as a record sealed
        after the head, which verify names)."""
        current = self.seal_heads().get(link.group_id)
        if current is not None and current.index >= link.index:
            return
        storage, data = self._open(ORG_NAME, ORG)
        if data is None:
            raise self._no_organisation()
        _decode_org(data, storage.where)  # never write over what we cannot read
        _put(data, SEAL_HEADS_TABLE, "group_id", link.group_id, codec.unstructure(link))  # type: ignore[arg-type]
        storage.write(data)

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
        for name in self._store.names(MEETINGS_PATTERN):
            try:
                file = self._meeting_file(name, pending)
            except DataFileError as error:
                problems.append(error)
                continue
            if file is not None:
                found.append(file.meeting)
        found.sort(key=lambda meeting: (meeting.planned_at, meeting.id))
        return found, problems

    # -- tasks -------------------------------------------------------------

    def tasks(self, meeting_id: str | None = None) -> list[FollowUpTask]:
        if meeting_id is None:
            found = [task for file in self._all_meeting_files() for task in file.tasks]
        else:
            name = self._meeting_name(meeting_id)
            file = self._meeting_file(name) if name is not None else None
            found = list(file.tasks) if file is not None else []
        return sorted(found, key=lambda task: (task.due, task.id))

    def save_task(self, task: FollowUpTask) -> None:
        self._check_can_write()
        name = self._meeting_name(task.meeting_id)
        storage, data = self._open(name, MEETING) if name is not None else (None, None)
        if storage is None or data is None:
            raise RecordNotFoundError(
                f"任务 {task.id} 所属的会议 {task.meeting_id} 不存在,任务未保存。",
                f"Task {task.id} belongs to meeting {task.meeting_id}, which does not exist; "
                "the task was not saved.",
            )
        _decode_meeting_file(data, task.meeting_id, storage.where)
        _put(data, TASKS_TABLE, "id", task.id, codec.unstructure(task))
        storage.write(data)

    def delete_task(self, task: FollowUpTask) -> None:
        self._check_can_write()
        name = self._meeting_name(task.meeting_id)
        storage, data = self._open(name, MEETING) if name is not None else (None, None)
        if storage is None or data is None:
            return
        file = _decode_meeting_file(data, task.meeting_id, storage.where)
        if file.meeting.step.minutes_final:
            where = storage.where
            raise FinalisedRecordError(
                task.meeting_id, ("tasks",), where if isinstance(where, Path) else None
            )
        rows = data.get(TASKS_TABLE, {})
        kept = {doc_id: doc for doc_id, doc in rows.items() if doc.get("id") != task.id}
        if len(kept) != len(rows):
            data[TASKS_TABLE] = kept
            storage.write(data)

    # -- plans -------------------------------------------------------------

    def plans(self, year: int | None = None) -> list[AnnualPlan]:
        pattern = PLANS_PATTERN if year is None else f"plans/{year:04d}"
        found = list(self._plans_in(pattern))
        return sorted(found, key=lambda plan: (plan.year, plan.group_id))

    def save_plan(self, plan: AnnualPlan) -> None:
        self._check_can_write()
        _check_year(plan.year)
        storage, data = self._open(f"plans/{plan.year:04d}", PLANS)
        data = data or {}
        _decode_plans(data, storage.where, year=plan.year)
        _put(data, PLANS_TABLE, "group_id", plan.group_id, codec.unstructure(plan))
        storage.write(data)

    # -- party dues (按时收缴党费) ---------------------------------------------

    def dues(self, year: int | None = None) -> DuesBook:
        from rules.dues import DuesBook

        pattern = DUES_PATTERN if year is None else f"dues/{year:04d}"
        book = DuesBook()
        for name in self._store.names(pattern):
            year_text = name.rsplit("/", 1)[-1]
            if not year_text.isdigit():
                where = self._store.storage(name, DUES).where
                raise _invalid(where, "a dues file must be named after its year")
            decode = functools.partial(_decode_dues, year=int(year_text))
            found = self._cached(self._dues_files, name, DUES, decode)
            if found is not None:
                book = book.merged(found)
        return book

    def _dues_file(self, year: int) -> tuple[MarkedJSONStorage, Tables]:
        self._check_can_write()
        _check_year(year)
        storage, data = self._open(f"dues/{year:04d}", DUES)
        data = data or {}
        _decode_dues(data, storage.where, year=year)  # never write over what we cannot read
        data.setdefault(DUES_RATES_TABLE, {})
        data.setdefault(DUES_PAYMENTS_TABLE, {})
        return storage, data

    def save_dues_rate(self, rate: DuesRate) -> None:
        from rules.dues import DuesBook

        self.save_dues(DuesBook(rates=(rate,)))

    def save_dues_payment(self, payment: DuesPayment) -> None:
        from rules.dues import DuesBook

        self.save_dues(DuesBook(payments=(payment,)))

    def save_dues(self, book: DuesBook) -> None:
        years = {r.since.year for r in book.rates} | {_dues_year(p) for p in book.payments}
        for year in sorted(years):
            storage, data = self._dues_file(year)
            rows = data[DUES_RATES_TABLE]
            for rate in (r for r in book.rates if r.since.year == year):
                document = codec.unstructure(rate)
                same = [
                    doc_id
                    for doc_id, existing in rows.items()
                    if (existing.get("person_id"), existing.get("since"))
                    == (rate.person_id, document["since"])
                ]
                rows[same[0] if same else str(max(map(int, rows), default=0) + 1)] = document
            for payment in (p for p in book.payments if _dues_year(p) == year):
                _put(data, DUES_PAYMENTS_TABLE, "id", payment.id, codec.unstructure(payment))
            storage.write(data)

    # -- everything --------------------------------------------------------

    def save_records_since(self, day: date) -> None:
        self._check_can_write()
        storage, data = self._open(ORG_NAME, ORG)
        if data is None:
            raise self._no_organisation()
        _decode_org(data, storage.where)
        data[SETTINGS_TABLE] = {"1": {"records_since": codec.unstructure_as(day, date)}}
        storage.write(data)

    def _records_since(self) -> date | None:
        storage, data = self._open(ORG_NAME, ORG)
        return None if data is None else _decode_records_since(data, storage.where)

    def records(self, records_since: date | None = None) -> BranchRecords:
        org = self.organisation()
        if org is None:
            raise self._no_organisation()
        if records_since is None:
            records_since = self._records_since()
        files = list(self._all_meeting_files())
        meetings = sorted((f.meeting for f in files), key=lambda m: (m.planned_at, m.id))
        tasks = sorted((t for f in files for t in f.tasks), key=lambda t: (t.due, t.id))
        return BranchRecords(
            organisation=org,
            meetings=tuple(meetings),
            tasks=tuple(tasks),
            plans=tuple(self.plans()),
            records_since=records_since,
        )

    def is_empty(self) -> bool:
        return not (
            self._store.exists(ORG_NAME)
            or self._store.names(MEETINGS_PATTERN)
            or self._store.names(PLANS_PATTERN)
        )

    # -- credentials -------------------------------------------------------

    def _credential(
        self, person_id: str, table: str = CREDENTIALS_TABLE
    ) -> tuple[pins.PinHash, int] | None:
        """The stored hash of the person's PIN (unlock or sign-in) and its
        version (0 for unlock PINs, which have none)."""
        storage, data = self._open(ORG_NAME, ORG)
        if data is None:
            return None
        org = _decode_org(data, storage.where)
        if org.person(person_id) is None:
            return None
        for doc_id, doc in _docs(data, table):
            if doc.get("person_id") == person_id:
                label = f"{table}[{doc_id}]"
                # Unlock PINs have no version; a sign-in PIN's starts at 1.
                least = 1 if table == SIGNIN_CREDENTIALS_TABLE else 0
                version = doc.get("version", 0)
                if not isinstance(version, int) or isinstance(version, bool) or version < least:
                    raise _invalid(storage.where, f"{label}: bad version {version!r}")
                try:
                    return pins.PinHash.from_document(doc), version
                except ValueError as exc:
                    raise _invalid(storage.where, f"{label}: {exc}") from exc
        return None

    def _person_data(self, person_id: str, zh_what: str, en_what: str) -> tuple[Any, Tables]:
        """org.json's storage and tables, for a change about a person who
        must be in the roster."""
        self._check_can_write()
        storage, data = self._open(ORG_NAME, ORG)
        if data is None or _decode_org(data, storage.where).person(person_id) is None:
            raise RecordNotFoundError(
                f"名册中没有人员 {person_id},{zh_what}。",
                f"There is no person {person_id} in the roster; {en_what}.",
            )
        return storage, data

    def set_pin(self, person_id: str, pin: str, *, end_setup: bool = False) -> None:
        """Store a salted scrypt hash of ``pin`` (never the PIN itself)."""
        storage, data = self._person_data(person_id, "无法设置 PIN", "the PIN was not set")
        document = {"person_id": person_id, **pins.hash_pin(pin).to_document()}
        _put(data, CREDENTIALS_TABLE, "person_id", person_id, document)
        if end_setup:
            data.pop(SETUP_CODE_TABLE, None)
        storage.write(data)

    # -- putting a branch into service (xiaozu init) ---------------------------

    def issue_setup_code(self, now: datetime) -> str:
        self._check_can_write()
        storage, data = self._open(ORG_NAME, ORG)
        if data is None:
            raise self._no_organisation()
        code = pins.new_setup_code()
        expires = now + access.SETUP_CODE_LIFETIME
        document = {
            "issued_at": codec.unstructure_as(now, datetime),
            "expires_at": codec.unstructure_as(expires, datetime),
            **pins.hash_pin(code).to_document(),
        }
        data[SETUP_CODE_TABLE] = {"1": document}
        storage.write(data)
        return code

    def _setup_code(self) -> tuple[pins.PinHash, datetime] | None:
        storage, data = self._open(ORG_NAME, ORG)
        if data is None:
            return None
        found = _docs(data, SETUP_CODE_TABLE)
        if not found:
            return None
        doc_id, doc = found[0]
        label = f"{SETUP_CODE_TABLE}[{doc_id}]"
        try:
            expires = datetime.fromisoformat(doc["expires_at"])
            if expires.utcoffset() is None:
                raise ValueError("expires_at has no UTC offset")
            return pins.PinHash.from_document(doc), expires
        except (KeyError, ValueError, TypeError) as exc:
            raise _invalid(storage.where, f"{label}: {exc}") from exc

    def setup_code_expires(self, now: datetime) -> datetime | None:
        found = self._setup_code()
        if found is None or now >= found[1]:
            return None
        return found[1]

    def check_setup_code(self, code: str, now: datetime) -> bool:
        found = self._setup_code()
        stored = found[0] if found is not None and now < found[1] else None
        return pins.check_pin(code, stored)

    def verify_pin(self, person_id: str, pin: str) -> bool:
        found = self._credential(person_id)
        return pins.check_pin(pin, found[0] if found else None)

    def has_pin(self, person_id: str) -> bool:
        return self._credential(person_id) is not None

    def pin_holders(self) -> frozenset[str]:
        org = self.organisation()
        if org is None:
            return frozenset()
        _, data = self._open(ORG_NAME, ORG)
        return frozenset(
            person_id
            for _, doc in _docs(data or {}, CREDENTIALS_TABLE)
            if isinstance(person_id := doc.get("person_id"), str) and org.person(person_id)
        )

    def pin_attempts(self, person_id: str) -> PinAttempts:
        return self._attempts(person_id, PIN_ATTEMPTS_TABLE)

    def save_pin_attempts(self, person_id: str, attempts: PinAttempts) -> None:
        self._save_attempts(person_id, attempts, PIN_ATTEMPTS_TABLE)

    def _attempts(self, person_id: str, table: str) -> PinAttempts:
        storage, data = self._open(ORG_NAME, ORG)
        if data is None:
            return PinAttempts()
        found = _find_pin_attempts(data, person_id, storage.where, table)
        return found[1] if found is not None else PinAttempts()

    def _save_attempts(self, person_id: str, attempts: PinAttempts, table: str) -> None:
        storage, data = self._person_data(
            person_id, "无法记录 PIN 尝试", "the PIN attempts were not stored"
        )
        found = _find_pin_attempts(data, person_id, storage.where, table)
        if attempts == PinAttempts():
            if found is None:
                return  # nothing to forget: no write, no fsync
            del data[table][found[0]]
        else:
            document = {"person_id": person_id, **codec.unstructure(attempts)}
            _put(data, table, "person_id", person_id, document)
        storage.write(data)

    # -- signing in ----------------------------------------------------------

    def set_signin_pin(self, person_id: str, pin: str, *, first: bool = True) -> int:
        storage, data = self._person_data(
            person_id, "无法设置签到 PIN", "the sign-in PIN was not set"
        )
        found = self._credential(person_id, SIGNIN_CREDENTIALS_TABLE)
        version = (found[1] if found else 0) + 1
        document: dict[str, Any] = {
            "person_id": person_id,
            "version": version,
            **pins.hash_pin(pin).to_document(),
        }
        if first:
            document["first"] = True
        _put(data, SIGNIN_CREDENTIALS_TABLE, "person_id", person_id, document)
        storage.write(data)
        return version

    def verify_signin_pin(self, person_id: str, pin: str) -> bool:
        found = self._credential(person_id, SIGNIN_CREDENTIALS_TABLE)
        return pins.check_pin(pin, found[0] if found else None)

    def signin_pin_versions(self) -> dict[str, int]:
        return self._versions(SIGNIN_CREDENTIALS_TABLE)

    def first_signin_pins(self) -> frozenset[str]:
        _, data = self._open(ORG_NAME, ORG)
        return frozenset(
            person_id
            for _, doc in _docs(data or {}, SIGNIN_CREDENTIALS_TABLE)
            if doc.get("first") is True and isinstance(person_id := doc.get("person_id"), str)
        )

    def signin_attempts(self, person_id: str) -> PinAttempts:
        return self._attempts(person_id, SIGNIN_ATTEMPTS_TABLE)

    def save_signin_attempts(self, person_id: str, attempts: PinAttempts) -> None:
        self._save_attempts(person_id, attempts, SIGNIN_ATTEMPTS_TABLE)

    def _versions(self, table: str) -> dict[str, int]:
        storage, data = self._open(ORG_NAME, ORG)
        if data is None:
            return {}
        versions: dict[str, int] = {}
        for doc_id, doc in _docs(data, table):
            person_id, version = doc.get("person_id"), doc.get("version")
            if (
                not isinstance(person_id, str)
                or not isinstance(version, int)
                or isinstance(version, bool)
                or version < 1
            ):
                raise _invalid(storage.where, f"{table}[{doc_id}]: bad person or version")
            versions[person_id] = version
        return versions

    def badge_versions(self) -> dict[str, int]:
        return self._versions(BADGES_TABLE)

    def issue_badges(self, person_ids: Iterable[str], *, reissue: bool = False) -> dict[str, int]:
        self._check_can_write()
        wanted = list(dict.fromkeys(person_ids))
        storage, data = self._open(ORG_NAME, ORG)
        org = _decode_org(data, storage.where) if data is not None else None
        unknown = [p for p in wanted if org is None or org.person(p) is None]
        if unknown or data is None:
            raise RecordNotFoundError(
                f"名册中没有人员 {'、'.join(unknown)},未制作胸卡。",
                f"There is no person {', '.join(unknown)} in the roster; no badge was made.",
            )
        current = self.badge_versions()
        changed = False
        for person_id in wanted:
            if reissue or person_id not in current:
                current[person_id] = current.get(person_id, 0) + 1
                document = {"person_id": person_id, "version": current[person_id]}
                _put(data, BADGES_TABLE, "person_id", person_id, document)
                changed = True
        if changed:
            storage.write(data)
        return {p: current[p] for p in wanted}

    def kiosk_secret(self) -> bytes:
        raise NotImplementedError

    # -- life cycle --------------------------------------------------------

    def open(self) -> Self:
        return self

    def close(self) -> None:
        pass

    def __enter__(self) -> Self:
        return self.open()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class MemoryRepository(DocumentRepository):
    """The same repository, in memory. Nothing touches the disk."""

    def __init__(self) -> None:
        super().__init__(MemoryDocumentStore(), MemoryJournal())
        self._secret = secrets.token_bytes(KEY_BYTES)

    def kiosk_secret(self) -> bytes:
        return self._secret


class FileRepository(DocumentRepository):
    """The repository in a data directory.

    Writable (the default): ``open()`` (or ``with``) takes the directory's lock
    (:class:`DataDirBusy` if another xiaozu holds it) and removes temporary
    files a crash left behind; saving before ``open()`` is a programming error.
    Read-only (``writable=False``, for ``xiaozu check`` while the kiosk runs):
    takes no lock, creates nothing, and every save raises StorageWriteError.
    """

    def __init__(self, data_dir: Path, writable: bool = True) -> None:
        self.data_dir = Path(data_dir)
        self.writable = writable
        self._lock = DataDirLock(self.data_dir) if writable else None
        self._file_journal = FileJournal(self.data_dir, writable=writable)
        super().__init__(FileDocumentStore(self.data_dir, writable=writable), self._file_journal)

    def _location(self) -> Path | str:
        return self.data_dir

    def _check_can_write(self) -> None:
        super()._check_can_write()
        if self._lock is not None and not self._lock.held:
            raise RuntimeError("FileRepository: call open() (or use `with`) before saving")

    def open(self) -> Self:
        if self._lock is not None and not self._lock.held:
            self._lock.acquire()
            try:
                clean_temp_files(self.data_dir)
            except OSError as exc:
                self._lock.release()
                raise StorageWriteError(self.data_dir, exc) from exc
            try:
                # Sign-ins a stop left in the journal go into their meetings'
                # files; a damaged journal stops here, named, untouched.
                self._file_journal.load()
                self.fold_signins()
            except BaseException:
                self._lock.release()
                raise
        return self

    def close(self) -> None:
        if self._lock is not None:
            if self._lock.held and self._file_journal.state() is not None:
                # A clean stop leaves no sign-in in the journal (the next
                # start would fold them all the same).
                with contextlib.suppress(StorageError):
                    self.fold_signins()
            self._file_journal.close()
            self._lock.release()

    def kiosk_secret(self) -> bytes:
        if not self.writable:
            found = read_secret(self.data_dir)
            if found is None:
                raise RecordNotFoundError(
                    f"数据目录 {self.data_dir} 中还没有签名密钥(secret.key)。",
                    f"The data directory {self.data_dir} has no signing key (secret.key) yet.",
                )
            return found
        self._check_can_write()
        return load_or_create_secret(self.data_dir)


if TYPE_CHECKING:  # both implementations satisfy the protocol (checked by mypy)
    _file_repository: Repository = FileRepository(Path())
    _memory_repository: Repository = MemoryRepository()


def save_records(repo: Repository, records: BranchRecords) -> None:
    """Store a whole branch's records (a demo, a restore): the organisation,
    the day they start, every meeting with its tasks, and the plans."""
    repo.save_organisation(records.organisation)
    if records.records_since is not None:
        repo.save_records_since(records.records_since)
    for meeting in records.meetings:
        repo.save_meeting(meeting)
    for task in records.tasks:
        repo.save_task(task)
    for plan in records.plans:
        repo.save_plan(plan)
