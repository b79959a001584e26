"""The repository: the branch's records, read and saved as domain objects.

Layout of a data directory (every file a TinyDB database with a marker, see
``storage.atomic``); each kind of file has its module::

    <data>/
      .lock                         held by the one writer (its pid inside)
      org.json                      branch, groups, people, their history,
                                    settings, seal heads (storage.org_file);
                                    PINs, their throttles, badges, the
                                    set-up code (storage.credentials)
      secret.key                    the kiosk's signing key, owner-only
                                    (storage.secret)
      signins.journal               sign-ins by phone or badge not yet
                                    folded into their meetings' files
                                    (storage.journal): appended with one
                                    fdatasync, folded at the next start
      meetings/<YYYY>/<id>.json     one meeting, its follow-up tasks and the
                                    highest journal record it includes
                                    (storage.meeting_files)
      plans/<YYYY>.json             that year's annual plans
      dues/<YYYY>.json              party dues (storage.year_files)
      history-index.json            what the kiosk found in the older
                                    years, derived from the files above and
                                    never trusted over them
                                    (storage.history_index)

Saving touches exactly one file, so the cost of a write does not grow with
years of history, and each save is atomic.

``FileRepository`` keeps the files; ``MemoryRepository`` is the same code over
an in-memory document store, for tests and demos. Both implement the port,
:class:`storage.port.Repository`; each of their methods is one call into the
module of its kind of file.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self

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
from storage.atomic import clean_temp_files
from storage.credentials import PIN_ATTEMPTS_TABLE, SIGNIN_ATTEMPTS_TABLE, Credentials
from storage.documents import DocumentStore, FileDocumentStore, MemoryDocumentStore
from storage.errors import DataFileError, RecordNotFoundError, StorageError, StorageWriteError
from storage.history_index import HistoryIndex, HistoryIndexFile
from storage.journal import FileJournal, Journal, MemoryJournal
from storage.lock import DataDirLock
from storage.meeting_files import ALL_GROUPS, MUTABLE_AFTER_FINAL, AllGroups, MeetingFiles
from storage.org_file import OrgFile
from storage.port import Repository, YearRecords
from storage.secret import KEY_BYTES, load_or_create_secret, read_secret
from storage.tables import Documents, check_meeting_id, check_year
from storage.year_files import YearFiles

__all__ = [
    "ALL_GROUPS",
    "MUTABLE_AFTER_FINAL",
    "PIN_ATTEMPTS_TABLE",
    "AllGroups",
    "DocumentRepository",
    "FileRepository",
    "MemoryRepository",
    "Repository",
    "check_meeting_id",
    "save_records",
]


class DocumentRepository:
    """The repository over any document store (files or memory)."""

    def __init__(
        self, store: DocumentStore, journal: Journal, documents: Documents | None = None
    ) -> None:
        self._store = store
        self._documents = documents or Documents(store)
        self._org = OrgFile(self._documents)
        self._meetings = MeetingFiles(self._documents, journal, self._org)
        self._years = YearFiles(self._documents)
        self._credentials = Credentials(self._documents, self._org)
        self._history_index = HistoryIndexFile(self._documents)

    # -- organisation (storage.org_file) -------------------------------------

    def organisation(self) -> Organisation | None:
        return self._org.organisation()

    def save_organisation(
        self, org: Organisation, history: Iterable[PersonChange | GroupChange] = ()
    ) -> None:
        self._org.save_organisation(org, history)

    def person_changes(self, person_id: str | None = None) -> list[PersonChange]:
        return self._org.person_changes(person_id)

    def group_changes(self, group_id: str | None = None) -> list[GroupChange]:
        return self._org.group_changes(group_id)

    def seal_heads(self) -> dict[str | None, SealHead]:
        return self._org.seal_heads()

    def records_since(self) -> date | None:
        return self._org.records_since()

    def save_records_since(self, day: date) -> None:
        self._org.save_records_since(day)

    # -- meetings, tasks, sign-ins (storage.meeting_files) -------------------

    def meetings(
        self, group_id: str | AllGroups | None = ALL_GROUPS, year: int | None = None
    ) -> list[Meeting]:
        return self._meetings.meetings(group_id, year)

    def meeting(self, meeting_id: str) -> Meeting | None:
        return self._meetings.meeting(meeting_id)

    def meeting_years(self) -> list[int]:
        return self._meetings.years()

    def year_records(self, year: int, ids: Collection[str] | None = None) -> YearRecords:
        files = self._meetings.year_files(year, ids)
        return YearRecords(
            meetings=tuple(f.meeting for f in files), tasks=tuple(t for f in files for t in f.tasks)
        )

    def meetings_fingerprint(self) -> str | None:
        return self._meetings.fingerprint()

    # -- the history index (storage.history_index) ----------------------------

    def history_index(self) -> HistoryIndex | None:
        return self._history_index.read()

    def save_history_index(self, index: HistoryIndex) -> None:
        self._history_index.save(index)

    def save_meeting(self, meeting: Meeting) -> None:
        self._meetings.save_meeting(meeting)

    def append_signin(self, meeting_id: str, attendance: Attendance) -> None:
        error = self.append_signins([(meeting_id, attendance)])[0]
        if error is not None:
            raise error

    def append_signins(
        self, signins: Sequence[tuple[str, Attendance]]
    ) -> list[StorageError | None]:
        return self._meetings.append_signins(signins)

    def fold_signins(self) -> int:
        return self._meetings.fold_signins()

    def meetings_readable(self) -> tuple[list[Meeting], list[DataFileError]]:
        return self._meetings.meetings_readable()

    def tasks(self, meeting_id: str | None = None) -> list[FollowUpTask]:
        return self._meetings.tasks(meeting_id)

    def save_task(self, task: FollowUpTask) -> None:
        self._meetings.save_task(task)

    def delete_task(self, task: FollowUpTask) -> None:
        self._meetings.delete_task(task)

    # -- plans and dues (storage.year_files) ---------------------------------

    def plans(self, year: int | None = None) -> list[AnnualPlan]:
        return self._years.plans(year)

    def plan_years(self) -> list[int]:
        return self._years.plan_years()

    def plans_fingerprint(self) -> str | None:
        return self._years.plans_fingerprint()

    def save_plan(self, plan: AnnualPlan) -> None:
        self._years.save_plan(plan)

    def dues(self, year: int | None = None) -> DuesBook:
        return self._years.dues(year)

    def dues_fingerprint(self) -> str | None:
        return self._years.dues_fingerprint()

    def dues_years(self) -> list[int]:
        return self._years.dues_years()

    def year_dues(self, year: int) -> DuesBook:
        check_year(year)
        return self._years.dues(year, keep=False)

    def save_dues_rate(self, rate: DuesRate) -> None:
        self._years.save_dues(DuesBook(rates=(rate,)))

    def save_dues_payment(self, payment: DuesPayment) -> None:
        self._years.save_dues(DuesBook(payments=(payment,)))

    def save_dues(self, book: DuesBook) -> None:
        self._years.save_dues(book)

    # -- everything ----------------------------------------------------------

    def records(self, records_since: date | None = None) -> BranchRecords:
        org = self._org.organisation()
        if org is None:
            raise self._documents.no_organisation()
        if records_since is None:
            records_since = self._org.records_since()
        files = list(self._meetings.all_files())
        meetings = sorted((f.meeting for f in files), key=lambda m: (m.planned_at, m.id))
        tasks = sorted((t for f in files for t in f.tasks), key=lambda t: (t.due, t.id))
        return BranchRecords(
            organisation=org,
            meetings=tuple(meetings),
            tasks=tuple(tasks),
            plans=tuple(self._years.plans()),
            records_since=records_since,
        )

    def is_empty(self) -> bool:
        return not (self._org.exists() or self._meetings.names() or self._years.has_plans())

    # -- credentials (storage.credentials) -----------------------------------

    def set_pin(self, person_id: str, pin: str, *, end_setup: bool = False) -> None:
        self._credentials.set_pin(person_id, pin, end_setup=end_setup)

    def issue_setup_code(self, now: datetime) -> str:
        return self._credentials.issue_setup_code(now)

    def setup_code_expires(self, now: datetime) -> datetime | None:
        return self._credentials.setup_code_expires(now)

    def check_setup_code(self, code: str, now: datetime) -> bool:
        return self._credentials.check_setup_code(code, now)

    def verify_pin(self, person_id: str, pin: str) -> bool:
        return self._credentials.verify_pin(person_id, pin)

    def has_pin(self, person_id: str) -> bool:
        return self._credentials.has_pin(person_id)

    def pin_holders(self) -> frozenset[str]:
        return self._credentials.pin_holders()

    def pin_attempts(self, person_id: str) -> PinAttempts:
        return self._credentials.attempts(person_id, PIN_ATTEMPTS_TABLE)

    def save_pin_attempts(self, person_id: str, attempts: PinAttempts) -> None:
        self._credentials.save_attempts(person_id, attempts, PIN_ATTEMPTS_TABLE)

    def set_signin_pin(self, person_id: str, pin: str, *, first: bool = True) -> int:
        return self._credentials.set_signin_pin(person_id, pin, first=first)

    def first_signin_pins(self) -> frozenset[str]:
        return self._credentials.first_signin_pins()

    def verify_signin_pin(self, person_id: str, pin: str) -> bool:
        return self._credentials.verify_signin_pin(person_id, pin)

    def signin_pin_versions(self) -> dict[str, int]:
        return self._credentials.signin_pin_versions()

    def signin_attempts(self, person_id: str) -> PinAttempts:
        return self._credentials.attempts(person_id, SIGNIN_ATTEMPTS_TABLE)

    def save_signin_attempts(self, person_id: str, attempts: PinAttempts) -> None:
        self._credentials.save_attempts(person_id, attempts, SIGNIN_ATTEMPTS_TABLE)

    def badge_versions(self) -> dict[str, int]:
        return self._credentials.badge_versions()

    def issue_badges(self, person_ids: Iterable[str], *, reissue: bool = False) -> dict[str, int]:
        return self._credentials.issue_badges(person_ids, reissue=reissue)

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
        store = FileDocumentStore(self.data_dir, writable=writable)
        documents = Documents(store, self.data_dir, self._lock)
        super().__init__(store, self._file_journal, documents)

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
        self._documents.check_can_write()
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
