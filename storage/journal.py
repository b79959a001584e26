"""The sign-in journal: a member signed in by phone or badge, on disk with one
``fdatasync``.

Rewriting a meeting's file (``storage.atomic``) costs two syncs: the new
file, then the folder that was renamed in. A sign-in is instead appended to
``<data>/signins.journal`` and folded into the meeting's file later (by the
next save of that meeting, at a clean stop, and at the next start).

The file::

    header   32 bytes: magic "xiaozu-signins\\n\\0", format (u32), crc32 of
             format and first_seq (u32), first_seq (u64), little-endian
    records  one after the other from byte 32, each:
             magic (4 bytes), payload length (u32), crc32 of seq and
             payload (u32), seq (u64), then the payload: UTF-8 JSON
             {"meeting_id": ..., "attendance": {...}} (storage.codec)
    zeros    the rest of the file

The file is made (atomically, with ``write_atomically``) already filled with
zeros, so an append writes over blocks that are already allocated and the
file's size does not change: ``fdatasync`` then writes the record and no
metadata. When the zeros run out, another ``CHUNK`` of them is added first
(one ``fsync``, once in a few hundred sign-ins).

Group commit: sign-ins that arrive together are appended as one batch, one
write and one ``fdatasync`` for all of them (``tui.core.writer`` gathers
them; each phone is told only once the batch is durable). Every record of a
batch but the last has the magic ``b"\\xa5xzb"`` ("more of the batch
follow"); the last, as a sign-in appended alone, has ``b"\\xa5xz1"``. A
batch counts only with its last record: a power cut during the sync may
leave any of a batch's pages on the disk and not others, so the records of a
batch whose last record is missing are none of them confirmed, and are
ignored. (Format 1 journals, from before group commit, hold only ``xz1``
records: batches of one.)

Sequence numbers grow by one from record to record and on from one journal
to the next: a meeting's file notes the highest sequence number it already
holds (``FOLDED_TABLE``), so a record is applied only over an older state of
the meeting, never over a change the leader made afterwards.

Reading stops at the first all-zero record header. A record that does not
check (a power cut in the middle of an append, which was never confirmed) is
the end of the journal when nothing valid follows it but the rest of its own
batch; a damaged record with other valid ones after it, or a header that is
not ours, is a :class:`DataFileError` and the file is never written over.
"""

from __future__ import annotations

import contextlib
import json
import os
import struct
import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol

import msgspec

from rules.models import Attendance
from storage import codec
from storage.atomic import write_atomically
from storage.errors import DataFileError, DataFileProblem, StorageWriteError

JOURNAL_NAME: Final = "signins.journal"
#: The meeting file's table holding the highest journal sequence number the
#: meeting already includes: ``{"1": {"seq": N}}`` (none: 0).
FOLDED_TABLE: Final = "journal"
#: 2: batches (``BATCH_MAGIC``); 1 (read too): every record on its own.
FORMAT: Final = 2
MAGIC: Final = b"xiaozu-signins\n\x00"
#: A record that ends its batch (a sign-in appended alone is a batch of one).
RECORD_MAGIC: Final = b"\xa5xz1"
#: A record with more of its batch after it.
BATCH_MAGIC: Final = b"\xa5xzb"
_MAGIC_PREFIX: Final = b"\xa5xz"
_HEADER = struct.Struct("<16sIIQ")  # magic, format, crc, first_seq
_RECORD = struct.Struct("<4sIIQ")  # magic, length, crc, seq
HEADER_SIZE: Final = _HEADER.size  # 32
RECORD_HEADER_SIZE: Final = _RECORD.size  # 20
#: The file grows by this many zero bytes at a time.
CHUNK: Final = 256 * 1024
#: No sign-in is anywhere near this long; a longer length is damage.
MAX_PAYLOAD: Final = 64 * 1024
_ZERO_RECORD_HEADER = bytes(RECORD_HEADER_SIZE)


@dataclass(frozen=True)
class JournalEntry:
    """One sign-in: the person's whole attendance record at a meeting."""

    seq: int
    meeting_id: str
    attendance: Attendance


@dataclass(frozen=True)
class JournalState:
    """What a journal file holds: its first sequence number, its records,
    where the next record goes and whether a torn record follows."""

    first_seq: int
    entries: tuple[JournalEntry, ...]
    end: int  # byte offset of the next record
    size: int  # the file's size
    torn: bool = False  # a record that does not check, at the end
    version: int = FORMAT  # the file's format

    @property
    def last_seq(self) -> int:
        """The highest sequence number used (first_seq - 1 when empty)."""
        return self.entries[-1].seq if self.entries else self.first_seq - 1


# --------------------------------------------------------------------------
# Bytes


def header_bytes(first_seq: int) -> bytes:
    crc = zlib.crc32(struct.pack("<IQ", FORMAT, first_seq))
    return _HEADER.pack(MAGIC, FORMAT, crc, first_seq)


def fresh_journal(first_seq: int) -> bytes:
    """An empty journal's bytes: the header, then zeros (``CHUNK`` in all)."""
    header = header_bytes(first_seq)
    return header + bytes(max(CHUNK, 2 * HEADER_SIZE) - len(header))


def is_fresh(state: JournalState) -> bool:
    """Nothing to fold and nothing to clear: as ``fresh_journal`` made it
    (in this format: an older one is started again before it takes a batch)."""
    return (
        not state.entries
        and not state.torn
        and state.version == FORMAT
        and state.size == len(fresh_journal(1))
    )


def record_bytes(seq: int, meeting_id: str, attendance: Attendance, *, more: bool = False) -> bytes:
    """One record's bytes; ``more``: not the last of its batch."""
    document = {"meeting_id": meeting_id, "attendance": codec.unstructure(attendance)}
    # msgspec: compact UTF-8, as json.dumps(ensure_ascii=False, separators=(",",
    # ":")) writes it, in a fraction of the time (it refuses a lone surrogate
    # as that would); an attendance record holds no float.
    payload = msgspec.json.encode(document)
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"a sign-in record of {len(payload)} bytes is too long")
    crc = zlib.crc32(payload, zlib.crc32(struct.pack("<Q", seq)))
    magic = BATCH_MAGIC if more else RECORD_MAGIC
    return _RECORD.pack(magic, len(payload), crc, seq) + payload


@dataclass(frozen=True)
class _Record:
    seq: int
    payload: bytes
    last: bool  # the last record of its batch
    end: int  # the byte after it


def _record_at(raw: bytes, offset: int, version: int) -> _Record | None:
    """The record that checks at ``offset``, or None."""
    if offset + RECORD_HEADER_SIZE > len(raw):
        return None
    magic, length, crc, seq = _RECORD.unpack_from(raw, offset)
    batched = magic == BATCH_MAGIC and version >= 2
    if (magic != RECORD_MAGIC and not batched) or length > MAX_PAYLOAD:
        return None
    start = offset + RECORD_HEADER_SIZE
    payload = raw[start : start + length]
    if len(payload) != length or zlib.crc32(payload, zlib.crc32(struct.pack("<Q", seq))) != crc:
        return None
    return _Record(seq, payload, not batched, start + length)


def _valid_records_after(raw: bytes, offset: int, version: int) -> list[tuple[int, _Record]]:
    """Every record that checks beginning after ``offset``, with where."""
    found: list[tuple[int, _Record]] = []
    at = raw.find(_MAGIC_PREFIX, offset + 1)
    while at != -1:
        record = _record_at(raw, at, version)
        if record is not None:
            found.append((at, record))
        at = raw.find(_MAGIC_PREFIX, at + 1)
    return found


def _torn_batch(raw: bytes, offset: int, version: int, expected: int) -> str | None:
    """Why the record at ``offset``, which does not check, is damage rather
    than a batch cut short by a power cut (None: cut short). Cut short, it
    is followed by nothing that checks but the rest of its batch: records
    that say more of the batch follow, numbered on from it, and at most one
    last record, after which nothing checks."""
    later = _valid_records_after(raw, offset, version)
    if not later:
        return None
    magic = raw[offset : offset + len(BATCH_MAGIC)]
    damage = f"the record at byte {offset} is damaged, records follow at {later[0][0]}"
    if version < 2 or magic not in (BATCH_MAGIC, bytes(len(BATCH_MAGIC))):
        return damage  # a record that ends its batch (or is unreadable) with more after it
    seq = expected
    for index, (_, record) in enumerate(later):
        if record.seq <= seq or (record.last and index != len(later) - 1):
            return damage
        seq = record.seq
    return None


def parse(raw: bytes, where: Path | str) -> JournalState:
    """Check a journal's bytes and return what it holds. Raises
    :class:`DataFileError` naming ``where`` for a file that is not a journal
    or is damaged other than by an append cut short."""
    if len(raw) < HEADER_SIZE:
        raise DataFileError(DataFileProblem.TRUNCATED, where, f"{len(raw)} bytes")
    magic, version, crc, first_seq = _HEADER.unpack_from(raw, 0)
    if magic != MAGIC:
        raise DataFileError(DataFileProblem.FOREIGN, where, "not a xiaozu sign-in journal")
    if zlib.crc32(struct.pack("<IQ", version, first_seq)) != crc:
        raise DataFileError(DataFileProblem.INVALID, where, "the journal's header does not check")
    if version > FORMAT:
        detail = f"format {version}; this xiaozu reads up to {FORMAT}"
        raise DataFileError(DataFileProblem.NEWER_SCHEMA, where, detail)
    if version < 1:
        raise DataFileError(DataFileProblem.UNKNOWN_SCHEMA, where, f"format {version}")
    if first_seq < 1:
        raise DataFileError(DataFileProblem.INVALID, where, f"first record {first_seq}")
    entries: list[JournalEntry] = []
    offset = committed = HEADER_SIZE  # the next record; the end of the last whole batch
    whole = 0  # how many entries the whole batches hold
    expected = first_seq
    torn = False
    while offset + RECORD_HEADER_SIZE <= len(raw):
        if raw[offset : offset + RECORD_HEADER_SIZE] == _ZERO_RECORD_HEADER:
            break
        record = _record_at(raw, offset, version)
        if record is None:
            damage = _torn_batch(raw, offset, version, expected)
            if damage is not None:
                raise DataFileError(DataFileProblem.INVALID, where, damage)
            torn = True  # an append cut short: never confirmed, ignored
            break
        if record.seq != expected:
            detail = f"record {record.seq} at byte {offset} where record {expected} belongs"
            raise DataFileError(DataFileProblem.INVALID, where, detail)
        entries.append(_entry(record.seq, record.payload, where, offset))
        offset = record.end
        expected += 1
        if record.last:
            committed, whole = offset, len(entries)
    if whole < len(entries):
        torn = True  # a batch without its last record: none of it was confirmed
    return JournalState(first_seq, tuple(entries[:whole]), committed, len(raw), torn, version)


def _entry(seq: int, payload: bytes, where: Path | str, offset: int) -> JournalEntry:
    label = f"record {seq} (byte {offset})"
    try:
        document = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DataFileError(DataFileProblem.INVALID, where, f"{label}: {exc}") from exc
    meeting_id = document.get("meeting_id") if isinstance(document, dict) else None
    if not isinstance(meeting_id, str) or not meeting_id:
        raise DataFileError(DataFileProblem.INVALID, where, f"{label}: no meeting")
    attendance = codec.structure(
        document.get("attendance"), Attendance, where=where, label=f"{label}.attendance"
    )
    return JournalEntry(seq, meeting_id, attendance)


def pending_by_meeting(
    entries: Iterable[JournalEntry],
) -> dict[str, tuple[JournalEntry, ...]]:
    """Entries grouped by meeting, each group in sequence order."""
    grouped: dict[str, list[JournalEntry]] = {}
    for entry in entries:
        grouped.setdefault(entry.meeting_id, []).append(entry)
    return {meeting_id: tuple(found) for meeting_id, found in grouped.items()}


# --------------------------------------------------------------------------
# Journals


class Journal(Protocol):
    def state(self) -> JournalState | None:
        """What the journal holds now (None: there is no journal)."""
        ...

    def append(self, signins: Sequence[tuple[str, Attendance]]) -> tuple[JournalEntry, ...]:
        """Add a record for each (meeting id, attendance), in order, all
        durable when this returns with one sync (group commit: sign-ins that
        arrive together share it); raises StorageWriteError, and then none of
        them was added (the journal is as it was)."""
        ...

    def reset(self, first_seq: int) -> None:
        """Start an empty journal whose first record will be ``first_seq``."""
        ...


class MemoryJournal:
    """The in-memory twin, for MemoryRepository."""

    def __init__(self) -> None:
        self._state: JournalState | None = None

    def state(self) -> JournalState | None:
        return self._state

    def append(self, signins: Sequence[tuple[str, Attendance]]) -> tuple[JournalEntry, ...]:
        state = self._state or JournalState(1, (), HEADER_SIZE, CHUNK)
        entries, records = _records(state, signins)
        self._state = JournalState(
            state.first_seq, (*state.entries, *entries), state.end + len(records), state.size
        )
        return entries

    def reset(self, first_seq: int) -> None:
        self._state = JournalState(first_seq, (), HEADER_SIZE, CHUNK)


def _records(
    state: JournalState, signins: Sequence[tuple[str, Attendance]]
) -> tuple[tuple[JournalEntry, ...], bytes]:
    """The entries ``signins`` become after ``state``, and their bytes."""
    entries = tuple(
        JournalEntry(state.last_seq + 1 + offset, meeting_id, attendance)
        for offset, (meeting_id, attendance) in enumerate(signins)
    )
    last = len(entries) - 1
    records = b"".join(
        record_bytes(e.seq, e.meeting_id, e.attendance, more=index < last)
        for index, e in enumerate(entries)
    )
    return entries, records


def _open_for_append(path: Path) -> int:
    """The journal's file, opened for one append (a test makes it refuse)."""
    return os.open(path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))


def _pwrite_all(fd: int, payload: bytes, offset: int) -> None:
    view = memoryview(payload)
    while view:
        written = os.pwrite(fd, view, offset)
        view = view[written:]
        offset += written


class FileJournal:
    """``<data>/signins.journal``. Writable: the one writer (holding the
    data directory's lock) appends; read-only: read afresh when it changed."""

    def __init__(self, data_dir: Path, *, writable: bool) -> None:
        self.path = data_dir / JOURNAL_NAME
        self.writable = writable
        self._state: JournalState | None = None
        self._raw: bytes | None = None  # the bytes the state was read from
        self._fd: int | None = None  # the writer's, open from the first append
        self._lock = threading.Lock()

    def load(self) -> JournalState | None:
        """Read the file (None: there is none). Raises DataFileError."""
        with self._lock:
            try:
                raw = self.path.read_bytes()
            except FileNotFoundError:
                self._state, self._raw = None, None
                return None
            except OSError as exc:
                detail = exc.strerror or str(exc)
                raise DataFileError(DataFileProblem.UNREADABLE, self.path, detail) from exc
            if raw != self._raw:
                # (Compared by bytes, not by modification time: two appends
                # can fall within one tick of the file system's clock.)
                self._state, self._raw = parse(raw, self.path), raw
            return self._state

    def state(self) -> JournalState | None:
        if self.writable:
            # The writer's own appends are all it needs to know of; the file
            # was read when the repository was opened.
            return self._state
        return self.load()

    def append(self, signins: Sequence[tuple[str, Attendance]]) -> tuple[JournalEntry, ...]:
        if not self.writable:
            raise StorageWriteError(self.path, read_only=True)
        with self._lock:
            state = self._state
            if state is None:
                raise RuntimeError("FileJournal: no journal to append to (open the repository)")
            if state.version != FORMAT or state.torn:
                # (Opening the repository folds such a journal and starts a
                # new one: nothing is appended after a torn record, nor in
                # an older format.)
                raise RuntimeError("FileJournal: start a new journal before appending")
            entries, records = _records(state, signins)
            if not entries:
                return entries
            size = state.size
            if self._fd is None:
                try:
                    self._fd = _open_for_append(self.path)
                except OSError as exc:
                    raise StorageWriteError(self.path, exc) from exc
            fd = self._fd
            if state.end + len(records) > size:
                size = self._grow(fd, size, state.end + len(records))
            try:
                # Every record in one write and one sync (a power cut in it
                # leaves a batch without its last record: ignored, as none of
                # it was confirmed).
                _pwrite_all(fd, records, state.end)
                os.fdatasync(fd)
            except OSError as exc:
                # Put the zeros back: the file is as it was, and no part of a
                # record that was not confirmed is left to be read.
                with contextlib.suppress(OSError):
                    os.pwrite(fd, bytes(len(records)), state.end)
                    os.fdatasync(fd)
                raise StorageWriteError(self.path, exc) from exc
            self._state = JournalState(
                state.first_seq, (*state.entries, *entries), state.end + len(records), size
            )
            return entries

    def _grow(self, fd: int, size: int, needed: int) -> int:
        """Add zeros (whole chunks) to the end, durable, for ``needed`` bytes."""
        new_size = size + CHUNK * (1 + (needed - size) // CHUNK)
        try:
            _pwrite_all(fd, bytes(new_size - size), size)
            os.fsync(fd)  # the size changes: metadata too
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, size)
                os.fsync(fd)
            raise StorageWriteError(self.path, exc) from exc
        return new_size

    def reset(self, first_seq: int) -> None:
        if not self.writable:
            raise StorageWriteError(self.path, read_only=True)
        with self._lock:
            payload = fresh_journal(first_seq)
            write_atomically(self.path, payload)
            self._close_fd()  # the file it had open was replaced
            self._state = JournalState(first_seq, (), HEADER_SIZE, len(payload))
            self._raw = None

    def _close_fd(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def close(self) -> None:
        with self._lock:
            self._close_fd()
