"""Crash-safe TinyDB storages that refuse to touch files they cannot read.

A TinyDB storage reads and writes the whole database as one JSON object of
tables (``{"people": {"1": {...}, "2": {...}}, ...}``). Ours add two things:

* **A marker.** Every file carries a table ``_meta`` with one document
  ``{"app": "xiaozu", "kind": <kind>, "schema": N}``. Reading checks that the
  file is complete JSON in TinyDB's shape, that the marker is there, names the
  expected kind (an ``org`` file is not a ``meeting`` file) and a schema this
  xiaozu knows. Anything else raises :class:`DataFileError` and the file is
  never written over: ``write`` refuses unless the current file was read and
  understood first. The marker is hidden from TinyDB (``read`` strips it,
  ``write`` puts it back).
* **Atomic replacement** (``AtomicJSONStorage``): a write goes to a temporary
  file in the same directory, which is flushed, ``fsync``-ed and renamed over
  the target with ``os.replace``; then the directory is ``fsync``-ed. A crash
  at any moment leaves either the old or the new file, never a mixture.
  Leftover temporary files (``.<name>.<random>.tmp``) are never read as data
  and :func:`clean_temp_files` removes them.

``MemoryJSONStorage`` is the in-memory twin: it keeps the same JSON bytes in a
dictionary, so the marker, the checks and the serialisation are the same code.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import tempfile
from abc import abstractmethod
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import msgspec
from tinydb.storages import Storage

from storage.errors import DataFileError, DataFileProblem, StorageWriteError

APP = "xiaozu"
META_TABLE = "_meta"
SCHEMA_VERSION = 1  # what this xiaozu writes
KNOWN_SCHEMAS = frozenset({1})  # what this xiaozu reads

TEMP_SUFFIX = ".tmp"
# ``tempfile.mkstemp(prefix=".org.json.", suffix=".tmp")`` → ".org.json.k3j_9x2a.tmp"
# (and ".signins.journal.k3j_9x2a.tmp" for the sign-in journal, storage.journal)
_TEMP_NAME = re.compile(r"^\..+\.(json|journal)\.[A-Za-z0-9_]+\.tmp$")

Tables = dict[str, dict[str, Any]]


# --------------------------------------------------------------------------
# The marker and the JSON text


def encode(data: Tables, kind: str, *, indent: int | None = 2) -> bytes:
    """The file's bytes: UTF-8 JSON, Chinese kept literal, indented (unless
    ``indent`` is None), marker first."""
    tables: dict[str, Any] = {
        META_TABLE: {"1": {"app": APP, "kind": kind, "schema": SCHEMA_VERSION}}
    }
    for name, table in data.items():
        if name != META_TABLE:
            tables[name] = table
    text = json.dumps(tables, ensure_ascii=False, indent=indent, allow_nan=False)
    return (text + "\n").encode("utf-8")


def _parse(raw: bytes, where: Path | str) -> Any:
    """The JSON value in ``raw``.

    msgspec first: it reads ten years of meetings in a third of the time the
    standard library takes, integers of any length exactly. It accepts only
    strict UTF-8 JSON, which the standard library reads as the same values;
    anything it refuses (a damaged file, but also NaN or a lone surrogate,
    which the standard library accepts) is read again by the standard
    library, whose errors say what is wrong and where.
    """
    try:
        return msgspec.json.decode(raw)
    except msgspec.DecodeError:
        pass  # the standard library says what is wrong, or reads it
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(DataFileProblem.NOT_JSON, where, "not UTF-8 text") from exc
    stripped = text.strip()
    if not stripped:
        raise DataFileError(DataFileProblem.TRUNCATED, where, "empty file")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        cut_off = stripped[0] in "{[" and (
            exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        )
        problem = DataFileProblem.TRUNCATED if cut_off else DataFileProblem.NOT_JSON
        detail = f"{exc.msg}, line {exc.lineno} column {exc.colno}"
        raise DataFileError(problem, where, detail) from exc
    except (ValueError, RecursionError) as exc:
        raise DataFileError(DataFileProblem.NOT_JSON, where, str(exc)) from exc
    return data


def decode(raw: bytes, kind: str, where: Path | str) -> Tables:
    """Check ``raw`` is one of our files of ``kind`` and return its tables
    (without the marker). Raises :class:`DataFileError` naming ``where``."""
    data = _parse(raw, where)
    if not isinstance(data, dict):
        detail = f"top level is a {type(data).__name__}, not an object"
        raise DataFileError(DataFileProblem.FOREIGN, where, detail)
    meta = data.get(META_TABLE)
    marker = next(iter(meta.values()), None) if isinstance(meta, dict) else None
    if not isinstance(marker, dict) or marker.get("app") != APP:
        raise DataFileError(DataFileProblem.FOREIGN, where, "no xiaozu marker")
    schema = marker.get("schema")
    if type(schema) is not int:
        raise DataFileError(DataFileProblem.UNKNOWN_SCHEMA, where, f"schema {schema!r}")
    if schema > SCHEMA_VERSION:
        detail = f"format {schema}; this xiaozu reads up to {SCHEMA_VERSION}"
        raise DataFileError(DataFileProblem.NEWER_SCHEMA, where, detail)
    if schema not in KNOWN_SCHEMAS:
        raise DataFileError(DataFileProblem.UNKNOWN_SCHEMA, where, f"schema {schema!r}")
    if marker.get("kind") != kind:
        detail = f"a {marker.get('kind')!r} file where a {kind!r} file belongs"
        raise DataFileError(DataFileProblem.WRONG_KIND, where, detail)
    for name, table in data.items():
        if not isinstance(table, dict) or not all(
            isinstance(doc_id, str) and doc_id.isdigit() and isinstance(doc, dict)
            for doc_id, doc in table.items()
        ):
            raise DataFileError(DataFileProblem.INVALID, where, f"table {name!r} is malformed")
    del data[META_TABLE]
    return data


class MarkedJSONStorage(Storage):
    """A TinyDB storage holding one marked JSON document of a given kind.

    Subclasses only move bytes (``_load`` / ``_store``). ``write`` is refused
    when the storage is read-only, and it never replaces existing content that
    was not first read and understood.
    """

    def __init__(self, kind: str, where: Path | str, *, writable: bool = True) -> None:
        super().__init__()
        self.kind = kind
        self.where = where
        self.writable = writable
        self._understood = False  # the current content was read and checked

    @abstractmethod
    def _load(self) -> bytes | None:
        """The stored bytes, or None when nothing is stored yet."""

    @abstractmethod
    def _store(self, payload: bytes) -> None:
        """Replace the stored bytes, all or nothing."""

    def read(self) -> Tables | None:
        return self.parse(self.load())

    def load(self) -> bytes | None:
        """The stored bytes as they are (None: nothing stored yet), unchecked."""
        return self._load()

    def parse(self, raw: bytes | None) -> Tables | None:
        """Check bytes from :meth:`load` and return their tables."""
        data = None if raw is None else decode(raw, self.kind, self.where)
        self._understood = True
        return data

    def write(self, data: Tables) -> None:
        if not self.writable:
            raise StorageWriteError(self.where, read_only=True)
        if not self._understood:
            self.read()  # raises DataFileError for a file we cannot read
        self._store(encode(data, self.kind))

    def replace(self, data: Tables) -> None:
        """Write ``data`` whatever is stored now: only for a document derived
        from the others and rebuilt from them (the history index,
        ``storage.history_index``), which holds nothing to lose. Not
        indented: no person reads it."""
        if not self.writable:
            raise StorageWriteError(self.where, read_only=True)
        self._store(encode(data, self.kind, indent=None))


# --------------------------------------------------------------------------
# Files


class AtomicJSONStorage(MarkedJSONStorage):
    """One JSON file, replaced atomically on every write."""

    def __init__(self, path: Path, kind: str, *, writable: bool = True) -> None:
        super().__init__(kind, path, writable=writable)
        self.path = path

    def _load(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            detail = exc.strerror or str(exc)
            raise DataFileError(DataFileProblem.UNREADABLE, self.path, detail) from exc

    def _store(self, payload: bytes) -> None:
        write_atomically(self.path, payload)


def write_atomically(path: Path, payload: bytes) -> None:
    """Replace ``path`` by ``payload`` so that a crash leaves the old or the new
    content, never a mixture. Raises :class:`StorageWriteError` on OSError;
    then the old file is intact and no temporary file is left behind."""
    directory = path.parent
    temp: str | None = None
    try:
        _make_dirs(directory)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=directory)
        try:
            _write_all(fd, payload)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
        temp = None
        _fsync_dir(directory)
    except OSError as exc:
        raise StorageWriteError(path, exc) from exc
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_dir(directory: Path) -> None:
    """Make a rename or a new entry in ``directory`` durable."""
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError as exc:
        # Some file systems cannot sync a directory; there is nothing more to do.
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _make_dirs(directory: Path) -> None:
    """Create ``directory`` and its missing parents, each made durable."""
    missing: list[Path] = []
    current = directory
    while not current.exists():
        missing.append(current)
        current = current.parent
    for created in reversed(missing):
        with contextlib.suppress(FileExistsError):
            created.mkdir()
        _fsync_dir(created.parent)


def is_temp_file(name: str) -> bool:
    """Whether a file name is one of our temporary files."""
    return _TEMP_NAME.match(name) is not None


def clean_temp_files(root: Path) -> list[Path]:
    """Remove temporary files a crashed writer left under ``root``.

    Only call this while holding the data directory's lock: another writer's
    temporary file is then impossible. Returns the paths removed.
    """
    removed: list[Path] = []
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            if is_temp_file(name):
                path = Path(dirpath) / name
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed.append(path)
    return removed


# --------------------------------------------------------------------------
# Memory


class MemoryJSONStorage(MarkedJSONStorage):
    """The in-memory twin: the same bytes, kept in a dictionary under ``name``."""

    def __init__(
        self,
        cells: MutableMapping[str, bytes],
        name: str,
        kind: str,
        *,
        writable: bool = True,
    ) -> None:
        super().__init__(kind, f"<memory>/{name}.json", writable=writable)
        self._cells = cells
        self._name = name

    def _load(self) -> bytes | None:
        return self._cells.get(self._name)

    def _store(self, payload: bytes) -> None:
        self._cells[self._name] = payload
