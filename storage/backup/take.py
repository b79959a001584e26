"""Taking a backup while the kiosk runs: every file as they all were at one
moment, checked, written atomically as one archive; older ones pruned."""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

from storage.atomic import (
    write_atomically,
)
from storage.backup.archive import (
    NAME_PATTERN,
    SEAL_TRIES,
    SUFFIX,
    archive_bytes,
    backup_name,
    manifest_for,
    scan,
)
from storage.backup.check import Summary, check_snapshot
from storage.backup.errors import BackupError, BackupUnsettled, NothingToBackUp, SealsDoNotVerify
from storage.errors import DataFileError, DataFileProblem, StorageError


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """The files of a data directory as they all were at one moment."""

    files: Mapping[str, bytes]  # relative POSIX path -> content
    attempts: int  # how many tries it took to see the directory settled


@dataclasses.dataclass(frozen=True)
class BackupResult:
    archive: Path
    size: int
    created_at: datetime
    attempts: int
    summary: Summary | None  # None when the copy does not load (see problem)
    problem: StorageError | None
    removed: tuple[Path, ...] = ()  # older backups removed by ``keep``


def _scan(data_dir: Path) -> list[str]:
    return scan(data_dir)  # (its own name here: the tests change a file between two listings)


_Identity = tuple[int, int, int, int, int]


def _identity(path: Path) -> _Identity:
    """What changes when the kiosk replaces a file (a rename gives a new inode)."""
    st = path.stat()
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def snapshot(
    data_dir: Path,
    *,
    attempts: int = 12,
    pause: float = 0.05,
    sleep: Callable[[float], None] = time.sleep,
) -> Snapshot:
    """Read every backed-up file of ``data_dir`` as they all were at one moment
    (see the module's docstring). Raises :class:`NothingToBackUp` for a
    directory without data, :class:`BackupUnsettled` if it never held still."""
    if not data_dir.is_dir():
        raise NothingToBackUp(data_dir)
    for attempt in range(1, attempts + 1):
        try:
            names = _scan(data_dir)
            before = {name: _identity(data_dir / name) for name in names}
            contents = {name: (data_dir / name).read_bytes() for name in names}
            settled = _scan(data_dir) == names and all(
                _identity(data_dir / name) == before[name] for name in names
            )
        except FileNotFoundError:
            settled = False  # replaced or removed between listing and reading
        except OSError as exc:
            raise DataFileError(
                DataFileProblem.UNREADABLE, Path(exc.filename or data_dir), exc.strerror or ""
            ) from exc
        if settled:
            if not any(name.endswith(".json") for name in names):
                raise NothingToBackUp(data_dir)
            return Snapshot(files=contents, attempts=attempt)
        if attempt < attempts:
            sleep(pause * attempt)
    raise BackupUnsettled(data_dir, attempts)


def create_backup(
    data_dir: Path,
    destination: Path,
    *,
    now: datetime,
    keep: int | None = None,
    attempts: int = 12,
    pause: float = 0.05,
) -> BackupResult:
    """Write a backup of ``data_dir`` to ``destination`` (a file, or an existing
    folder: then ``xiaozu-backup-<time>.tar.gz`` in it, and with ``keep`` only
    the newest ``keep`` of those are kept). The archive is written atomically,
    readable by its owner only. The copy is then checked as a restore would
    check it; a copy that does not load is still written (it may be all there
    is) and the problem is returned for the caller to report."""
    folder = destination.is_dir()
    if not folder and not destination.parent.is_dir():
        raise BackupError(
            f"文件夹 {destination.parent} 不存在,没有写出备份。",
            f"The folder {destination.parent} does not exist; no backup was written.",
            path=destination.parent,
        )
    path = destination / _free_name(destination, now) if folder else destination
    tries = 0
    while True:
        tries += 1
        shot = snapshot(data_dir, attempts=attempts, pause=pause)
        summary, problem = check_snapshot(shot.files, path)
        # Sealing finalised minutes writes the meeting's file, then the chain's
        # head in org.json: a copy taken between the two does not verify.
        # That lasts a moment; a copy that still does not verify is reported.
        if not isinstance(problem, SealsDoNotVerify) or tries >= SEAL_TRIES:
            break
        time.sleep(pause * tries)
    payload = archive_bytes(shot.files, manifest_for(shot.files, now, data_dir))
    write_atomically(path, payload)  # a temporary file made owner-only, renamed
    removed = _prune(destination, keep, path) if folder and keep else ()
    return BackupResult(path, len(payload), now, shot.attempts, summary, problem, removed)


def _free_name(folder: Path, now: datetime) -> str:
    name = backup_name(now)
    counter = 1
    while (folder / name).exists():
        counter += 1
        name = backup_name(now).removesuffix(SUFFIX) + f"-{counter}{SUFFIX}"
    return name


def _prune(folder: Path, keep: int, written: Path) -> tuple[Path, ...]:
    """Remove all but the newest ``keep`` backups xiaozu named in ``folder``
    (never the one just written, never any other file)."""
    ours = sorted(
        (p for p in folder.iterdir() if NAME_PATTERN.match(p.name) and p.is_file()),
        key=lambda p: (p.stat().st_mtime_ns, p.name),
        reverse=True,
    )
    removed = []
    for old in ours[keep:]:
        if old != written:
            with contextlib.suppress(FileNotFoundError):
                old.unlink()
                removed.append(old)
    return tuple(removed)
