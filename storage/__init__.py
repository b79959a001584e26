"""Persistence for xiaozu: TinyDB JSON documents in one data directory.

Imports ``rules`` (the domain), never ``tui`` or Textual.
"""

from storage.datadir import resolve_data_dir
from storage.errors import (
    DataDirBusy,
    DataFileError,
    DataFileProblem,
    FinalisedRecordError,
    RecordNotFoundError,
    StorageError,
    StorageWriteError,
)
from storage.history_index import FoldedDues, HistoryIndex, IndexedMeeting, JudgedYear
from storage.lock import DataDirLock
from storage.port import YearRecords
from storage.repository import (
    ALL_GROUPS,
    FileRepository,
    MemoryRepository,
    Repository,
    save_records,
)

__all__ = [
    "ALL_GROUPS",
    "DataDirBusy",
    "DataDirLock",
    "DataFileError",
    "DataFileProblem",
    "FileRepository",
    "FinalisedRecordError",
    "FoldedDues",
    "HistoryIndex",
    "IndexedMeeting",
    "JudgedYear",
    "MemoryRepository",
    "RecordNotFoundError",
    "Repository",
    "StorageError",
    "StorageWriteError",
    "YearRecords",
    "resolve_data_dir",
    "save_records",
]
