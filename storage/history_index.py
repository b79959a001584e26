"""The history index: what the kiosk found in the older years, kept so that
a start does not read every year's files again.

``<data>/history-index.json`` holds, for the meeting files as they were at
the last full read, each meeting's place (its group, its days, the directory
holding its file, whether it is still in use), the findings of each older
year whose findings do not move with the day, and the older years' party
dues folded (under a key of their own, from the dues files). It is derived from the other
files and never trusted over them: it names a ``key`` that the kiosk
computes from the files' fingerprints (``DocumentStore.fingerprint``: size,
times and inode of each file, nothing read), the organisation, the rules'
code and the years held in memory, and it is used only
when the key is the same. Otherwise, or when it cannot be read, the files
are read, and the index is written anew (replaced whatever it held: it has
nothing of its own to lose). Backups leave it out
(``storage.backup.archive.is_backed_up``); a copied index would not be used
anyway, since copied files have new inodes and times.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

import msgspec

from rules.checks.findings import Finding
from rules.dues.book import DuesBook
from storage.errors import DataFileError
from storage.tables import Documents

INDEX_NAME: Final = "history-index"
INDEX_KIND: Final = "history-index"
_TABLE: Final = "index"


class IndexedMeeting(msgspec.Struct, frozen=True, array_like=True):
    """One meeting of the files, as the index knows it."""

    id: str
    group_id: str | None
    held_on: date
    planned_at: datetime
    held: bool  # started (minutes to read)
    folder: int  # the year directory its file is kept under
    in_use: bool  # read at every start (not yet reported, or a task open)


class JudgedYear(msgspec.Struct, frozen=True):
    """An older year's findings, and the group of each that is about one of
    its meetings or tasks (by the finding's place in ``findings``)."""

    findings: tuple[Finding, ...]
    groups: tuple[tuple[int, str | None], ...] = ()


class FoldedDues(msgspec.Struct, frozen=True):
    """The party dues of the years before the recent ones, folded
    (``rules.dues.history.DuesFold``), under the key of the dues files."""

    key: str
    book: DuesBook


class HistoryIndex(msgspec.Struct, frozen=True):
    key: str
    meetings: tuple[IndexedMeeting, ...] = ()
    years: dict[int, JudgedYear] = {}
    dues: FoldedDues | None = None


class HistoryIndexFile:
    def __init__(self, documents: Documents) -> None:
        self._documents = documents

    def read(self) -> HistoryIndex | None:
        """The index, or None when there is none or it cannot be read (then
        the files are read instead)."""
        try:
            _storage, data = self._documents.open(INDEX_NAME, INDEX_KIND)
            if data is None:
                return None
            return msgspec.convert(data.get(_TABLE, {}).get("1"), HistoryIndex, strict=False)
        except (DataFileError, msgspec.ValidationError):
            return None

    def save(self, index: HistoryIndex) -> None:
        """Write the index (raises StorageError when it cannot be written)."""
        self._documents.check_can_write()
        storage = self._documents.store.storage(INDEX_NAME, INDEX_KIND)
        storage.replace({_TABLE: {"1": msgspec.to_builtins(index)}})
