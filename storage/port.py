"""The storage port: what the kiosk and the commands need from storage.

``storage.repository`` has its two implementations, over files and in
memory (the same code over two document stores, as TinyDB's storages).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self

from rules.dues.book import DuesBook, DuesPayment, DuesRate
from rules.meeting.seal import SealHead
from rules.models import (
    AnnualPlan,
    Attendance,
    BranchRecords,
    FollowUpTask,
    GroupChange,
    Meeting,
    Organisation,
    PersonChange,
)
from rules.organisation.access import PinAttempts
from storage.errors import DataFileError, StorageError
from storage.history_index import HistoryIndex
from storage.meeting_files import ALL_GROUPS, AllGroups

__all__ = ["ALL_GROUPS", "AllGroups", "Repository", "YearRecords"]


@dataclass(frozen=True, slots=True)
class YearRecords:
    """The meetings whose files are in one year's directory, and their tasks."""

    meetings: tuple[Meeting, ...] = ()
    tasks: tuple[FollowUpTask, ...] = ()


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

    def meeting_years(self) -> list[int]:
        """The years meeting files are kept under, oldest first (a meeting's
        file stays in the year it was first saved with)."""
        ...

    def year_records(self, year: int, ids: Collection[str] | None = None) -> YearRecords:
        """The meetings (with their sign-ins) and tasks of the files kept
        under ``year`` (only the meetings of ``ids``, when given), read
        without keeping them: a long history read a year at a time takes the
        memory of a year."""
        ...

    def meetings_fingerprint(self) -> str | None:
        """A digest of the meeting files that changes whenever one is added,
        removed or changed, taken without reading them; None when it cannot
        tell (a file changed a moment ago, sign-ins not yet folded)."""
        ...

    def dues_fingerprint(self) -> str | None:
        """A digest of the dues files, as ``meetings_fingerprint`` is of the
        meeting files."""
        ...

    def history_index(self) -> HistoryIndex | None:
        """What the kiosk last found in the older years
        (storage.history_index); None when there is none or it cannot be
        read. Never trusted over the files: see its ``key``."""
        ...

    def save_history_index(self, index: HistoryIndex) -> None:
        """Replace the history index (StorageError when it cannot be written)."""
        ...

    def save_meeting(self, meeting: Meeting) -> None:
        """Raises FinalisedRecordError when finalised minutes would change.
        A sealed meeting moves its group's chain head forward (rules.meeting.seal).
        The meeting given includes every sign-in appended so far."""
        ...

    def append_signin(self, meeting_id: str, attendance: Attendance) -> None:
        """A sign-in by phone or badge (its whole attendance record), durable
        when this returns, with one sync (storage.journal); read back with
        the meeting at once, folded into the meeting's file later. Raises
        RecordNotFoundError for a meeting that is not stored."""
        ...

    def append_signins(
        self, signins: Sequence[tuple[str, Attendance]]
    ) -> list[StorageError | None]:
        """Sign-ins that arrived together, (meeting id, attendance) each, all
        durable with one sync (group commit, storage.journal). Raises
        nothing: says, in order, what became of each (None: durable; else why
        not, as ``append_signin`` would raise it). One that cannot be written
        does not hold back the others, but a failed sync fails them all."""
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

    def plan_years(self) -> list[int]:
        """The years with annual plans stored, oldest first (nothing read)."""
        ...

    def plans_fingerprint(self) -> str | None:
        """A digest of the plans files, as ``meetings_fingerprint`` is of the
        meeting files."""
        ...

    def save_plan(self, plan: AnnualPlan) -> None: ...

    def dues(self, year: int | None = None) -> DuesBook:
        """Party dues: every rate and payment, or those filed under ``year``."""
        ...

    def dues_years(self) -> list[int]:
        """The years with a dues file, oldest first."""
        ...

    def year_dues(self, year: int) -> DuesBook:
        """The rates and payments filed under ``year``, read without keeping
        them (a payment is filed under the year of its first month)."""
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

    def records_since(self) -> date | None:
        """The stored first day the records cover (None: not known)."""
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
