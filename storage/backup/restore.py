"""Restoring a backup: checked completely first, then put in place under the
data directory's lock, what was there moved aside, never deleted."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from storage.atomic import (
    clean_temp_files,
)
from storage.backup.archive import LOGS_DIR, read_archive
from storage.backup.check import Summary, check_data_copy, write_tree
from storage.backup.errors import BackupError, RestoreRefused
from storage.lock import LOCK_NAME, DataDirLock


@dataclasses.dataclass(frozen=True)
class RestoreResult:
    data_dir: Path
    created_at: str
    xiaozu_version: str
    summary: Summary
    set_aside: Path | None  # where the old contents went (None: there were none)


def holds_data(data_dir: Path) -> bool:
    """Anything there but the lock, logs and temporary files."""
    if not data_dir.is_dir():
        return False
    for dirpath, dirnames, filenames in os.walk(data_dir):
        here = Path(dirpath).relative_to(data_dir).as_posix()
        if here == ".":
            dirnames[:] = [d for d in dirnames if d != LOGS_DIR]
            filenames = [f for f in filenames if f != LOCK_NAME]
        if any(not _is_temp(f) for f in filenames):
            return True
    return False


def _is_temp(name: str) -> bool:
    return name.startswith(".") and name.endswith(".tmp")


def restore_backup(
    archive: Path, data_dir: Path, *, now: datetime, force: bool = False
) -> RestoreResult:
    """Check ``archive`` completely, then put its files into ``data_dir``.

    Refusals (:class:`BackupArchiveError`, :class:`RestoreRefused`,
    :class:`DataDirBusy`, :class:`BackupError`) change nothing. With
    ``force``, whatever the directory held is first moved to
    ``<data>.before-restore-<time>`` beside it."""
    checked = read_archive(archive)
    if holds_data(data_dir) and not force:
        raise RestoreRefused(data_dir)
    parent = data_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        # The copy is checked where it is put in place from: beside the data
        # directory, on the same disk, so that putting it in place is renames.
        staging = Path(tempfile.mkdtemp(prefix=f".{data_dir.name}.restore-", dir=parent))
    except OSError as exc:
        raise _cannot_write_beside(data_dir, exc) from exc
    try:
        write_tree(staging, checked.files)
        summary = check_data_copy(staging, archive)
        try:
            data_dir.mkdir(mode=0o700, exist_ok=True)  # a new one: its owner's only
        except OSError as exc:
            raise _cannot_write_beside(data_dir, exc) from exc
        lock = DataDirLock(data_dir)
        lock.acquire()  # DataDirBusy while the kiosk runs: nothing changed yet
        try:
            if holds_data(data_dir) and not force:  # filled since the first look
                raise RestoreRefused(data_dir)
            aside = _put_in_place(staging, data_dir, now)
        finally:
            lock.release()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreResult(
        data_dir=data_dir,
        created_at=str(checked.manifest.get("created_at", "?")),
        xiaozu_version=str(checked.manifest.get("xiaozu_version", "?")),
        summary=summary,
        set_aside=aside,
    )


def _put_in_place(staging: Path, data_dir: Path, now: datetime) -> Path | None:
    """Move the old contents aside (if any), then the restored files in.
    Called with the directory's lock held."""
    try:
        clean_temp_files(data_dir)
        aside = _new_aside(data_dir, now) if holds_data(data_dir) else None
    except OSError as exc:
        raise _cannot_write_beside(data_dir, exc) from exc
    try:
        if aside is not None:
            _move_contents(data_dir, aside, keep=frozenset({LOCK_NAME}))
            _sync_tree(aside)
        _move_contents(staging, data_dir)
        _sync_tree(data_dir)
    except OSError as exc:
        kept_zh = f"原有数据在 {aside},未被删除;" if aside else ""
        kept_en = f"The old data is in {aside}, not deleted; " if aside else ""
        raise BackupError(
            f"恢复中途停止:{exc.strerror or exc}。{kept_zh}数据目录 {data_dir} 中可能只有部分"
            "恢复的文件。请解决问题后再运行一次 xiaozu restore --force。",
            f"The restore stopped part-way: {exc.strerror or exc}. {kept_en}the data directory"
            f" {data_dir} may hold only part of the backup. Fix the problem and run"
            " xiaozu restore --force again.",
            path=data_dir,
        ) from exc
    return aside


def _cannot_write_beside(data_dir: Path, exc: OSError) -> BackupError:
    return BackupError(
        f"无法在 {data_dir.parent} 中写入({exc.strerror or exc}):恢复需要在数据目录旁边"
        "放置检查用的副本和原有数据。没有恢复任何内容,数据目录未被改动。",
        f"Cannot write in {data_dir.parent} ({exc.strerror or exc}): a restore puts the copy"
        " it checks and the old data beside the data directory. Nothing was restored; the"
        " data directory is unchanged.",
        path=data_dir.parent,
    )


def _new_aside(data_dir: Path, now: datetime) -> Path:
    """A new, owner-only folder beside ``data_dir`` for what it held."""
    base = f"{data_dir.name}.before-restore-{now:%Y%m%d-%H%M%S}"
    aside = data_dir.parent / base
    counter = 1
    while aside.exists():
        counter += 1
        aside = data_dir.parent / f"{base}-{counter}"
    aside.mkdir(mode=0o700)
    return aside


def _move_contents(source: Path, target: Path, keep: frozenset[str] = frozenset()) -> None:
    for entry in sorted(source.iterdir()):
        if entry.name in keep:
            continue
        destination = target / entry.name
        if entry.is_dir() and destination.is_dir():
            _move_contents(entry, destination)
            entry.rmdir()
        else:
            # A rename on the same disk; a copy, then removal, across disks.
            shutil.move(entry, destination)


def _sync_tree(root: Path) -> None:
    """Make the moves durable: fsync every folder under ``root``."""
    for dirpath, _dirnames, _filenames in os.walk(root):
        with contextlib.suppress(OSError):
            fd = os.open(dirpath, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    with contextlib.suppress(OSError):
        fd = os.open(root.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
