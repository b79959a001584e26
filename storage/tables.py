"""What every kind of data file shares: the documents' names and tables, and
:class:`Documents`, the document store as the files' modules use it.

Each kind of file has its module (``storage.org_file``, ``meeting_files``,
``year_files``, ``credentials``); each reads a document through
:meth:`Documents.open` (to change it) or :meth:`Documents.cached` (to read
it, decoded once per content), and writes it back whole, in one atomic
write (``storage.atomic``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TypeVar

from storage import codec
from storage.atomic import MarkedJSONStorage, Tables
from storage.documents import DocumentStore
from storage.errors import DataFileError, DataFileProblem, RecordNotFoundError, StorageWriteError
from storage.lock import DataDirLock

T = TypeVar("T")

# Document kinds (the marker's "kind") and names.
ORG: Final = "org"
MEETING: Final = "meeting"
PLANS: Final = "plans"
DUES: Final = "dues"
ORG_NAME: Final = "org"
MEETINGS_PATTERN: Final = "meetings/*/*"
PLANS_PATTERN: Final = "plans/*"
DUES_PATTERN: Final = "dues/*"

# Meeting ids become file names.
_SAFE_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


def check_meeting_id(meeting_id: str) -> None:
    """Meeting ids name files: letters, digits, ``_ . -``; not starting with a dot."""
    if not _SAFE_ID.match(meeting_id):
        raise ValueError(
            f"meeting id {meeting_id!r} cannot be stored: use letters, digits, '_', '.', '-' "
            "(at most 128, not starting with '.')"
        )


def check_year(year: int) -> None:
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is out of range")


def docs(data: Tables, table: str) -> list[tuple[str, dict[str, Any]]]:
    """A table's documents in document-id order."""
    return sorted(data.get(table, {}).items(), key=lambda item: int(item[0]))


def read_table(data: Tables, table: str, cls: type[T], where: Path | str) -> tuple[T, ...]:
    """A table's records as ``cls``, in document-id order."""
    return tuple(
        codec.structure(doc, cls, where=where, label=f"{table}[{doc_id}]")
        for doc_id, doc in docs(data, table)
    )


def invalid(where: Path | str, detail: str) -> DataFileError:
    return DataFileError(DataFileProblem.INVALID, where, detail)


def put(data: Tables, table: str, key: str, value: str | None, document: dict[str, Any]) -> None:
    """Insert or replace the document whose ``key`` is ``value`` (TinyDB's
    upsert, done in memory so that the save is one write)."""
    rows = data.setdefault(table, {})
    for doc_id, existing in rows.items():
        if existing.get(key) == value:
            rows[doc_id] = document
            return
    append(data, table, document)


def append(data: Tables, table: str, document: dict[str, Any]) -> None:
    """Add ``document`` to ``table`` under the next document id."""
    rows = data.setdefault(table, {})
    next_id = max((int(doc_id) for doc_id in rows), default=0) + 1
    rows[str(next_id)] = document


class Documents:
    """The document store with what every kind of file needs: writes
    refused when read-only (or, for a data directory, before its lock is
    held), and documents decoded once per content."""

    def __init__(
        self,
        store: DocumentStore,
        location: Path | str = "<memory>",
        lock: DataDirLock | None = None,
    ) -> None:
        self.store = store
        self.location = location
        self._lock = lock

    def check_can_write(self) -> None:
        if not self.store.writable:
            raise StorageWriteError(self.location, read_only=True)
        if self._lock is not None and not self._lock.held:
            raise RuntimeError("FileRepository: call open() (or use `with`) before saving")

    def open(self, name: str, kind: str) -> tuple[MarkedJSONStorage, Tables | None]:
        """Document ``name``'s storage and its tables (None: not stored)."""
        storage = self.store.storage(name, kind)
        return storage, storage.read()

    def where(self, name: str, kind: str) -> Path | str:
        return self.store.storage(name, kind).where

    def cached(
        self,
        cache: dict[str, tuple[bytes, T]],
        name: str,
        kind: str,
        decode: Callable[[Tables, Path | str], T],
    ) -> T | None:
        """Document ``name`` decoded, or None when it does not exist.

        ``cache`` holds decoded documents by name with a digest of the bytes
        they came from: reading the whole history again only re-decodes files
        whose bytes changed (a digest, not the bytes: ten years of files
        would otherwise stay in memory twice)."""
        storage = self.store.storage(name, kind)
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

    def no_organisation(self) -> RecordNotFoundError:
        where = self.location
        return RecordNotFoundError(
            f"数据目录 {where} 中还没有支部数据。请先导入支部名册,或用 xiaozu demo 创建演示数据。",
            f"The data directory {where} holds no branch yet. Import the branch roster "
            "first, or create demo data with `xiaozu demo`.",
            path=where if isinstance(where, Path) else None,
        )
