"""Backup and restore of a data directory (``xiaozu backup`` / ``xiaozu restore``).

A backup is one gzip-compressed tar archive::

    manifest.json          {"app": "xiaozu", "kind": "backup", "format": 1,
                            "xiaozu_version", "schema", "created_at", "source",
                            "files": [{"path", "size", "sha256"}, ...]}
    data/org.json          every ``*.json`` document of the data directory,
    data/meetings/...      found by pattern (meetings, plans and any other
    data/plans/...         document folder), and ``secret.key``;
    data/secret.key        never ``.lock``, ``logs/`` or temporary files
    data/signins.journal   sign-ins not yet folded into their meetings' files

**Taking a backup while the kiosk runs.** The backup is read-only: it takes no
lock and writes nothing in the data directory. Every file is replaced
atomically by rename, so each file read is whole, but files can change between
two reads. So the copy is taken like this: list the files and note each one's
identity (inode, size, modification time in nanoseconds, change time), read
them all, then list and note them again. If nothing changed, every byte read
was on disk at the moment of the second listing: a state the kiosk really
had. If something changed, start again (a few times, with growing pauses; the
kiosk writes at a person's pace, so the second try almost always succeeds).
The copy is then checked as a restore would check it. One real state does
not verify: sealing minutes writes the meeting's file and then the chain's
head in org.json (rules.seal), so a copy taken between the two is taken
again; seals that still do not verify are reported, and the archive is
written all the same (it may be all there is).

**Restoring.** The archive is checked completely before anything changes:
the manifest, every file's SHA-256, every JSON file's marker and schema, and
the records loaded by a read-only ``FileRepository`` over the extracted copy
(and the seals, where the data carries them). A data directory that holds
data is replaced only when asked (``force``); its contents are then first
moved aside to ``<data>.before-restore-<time>`` (never deleted), and the
restored files are put in place, all under the directory's lock, so a running
kiosk makes the restore refuse with :class:`DataDirBusy`.

The archive holds ``secret.key``, the key that signs badges and phone
cookies: a backup is a secret, to be kept like the keys to the room.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any, Final

from rules import seal
from rules.models import BranchRecords
from storage.atomic import (
    APP,
    META_TABLE,
    SCHEMA_VERSION,
    clean_temp_files,
    decode,
    write_atomically,
)
from storage.errors import _PROBLEM_TEXT, DataFileError, DataFileProblem, StorageError
from storage.journal import JOURNAL_NAME
from storage.lock import LOCK_NAME, DataDirLock
from storage.repository import FileRepository
from storage.secret import _FORMAT as _SECRET_FORMAT
from storage.secret import SECRET_NAME

BACKUP_KIND: Final = "backup"
BACKUP_FORMAT: Final = 1  # the layout of the archive itself
MANIFEST_NAME: Final = "manifest.json"
DATA_PREFIX: Final = "data/"
LOGS_DIR: Final = "logs"
SUFFIX: Final = ".tar.gz"
#: ``xiaozu-backup-20261126-090000.tar.gz``: the names a folder of backups holds.
NAME_PATTERN: Final = re.compile(r"^xiaozu-backup-\d{8}-\d{6}(-\d+)?\.tar\.gz$")
#: A data directory of many years is a few megabytes; anything far larger is
#: not one of our backups (and must not fill the disk when checked).
MAX_TOTAL_BYTES: Final = 1 << 30
#: Copies taken when the seals do not verify (a copy between two writes).
SEAL_TRIES: Final = 4

_SAFE_PART = re.compile(r"^[^./\\\x00][^/\\\x00]*$")


# --------------------------------------------------------------------------
# Errors


class BackupError(StorageError):
    """A backup could not be taken, or a restore was refused. Nothing changed."""


class BackupUnsettled(BackupError):
    """The data directory kept changing while it was being copied."""

    def __init__(self, data_dir: Path, attempts: int) -> None:
        super().__init__(
            f"数据目录 {data_dir} 在复制过程中一直在变化(试了 {attempts} 次),"
            "没有写出备份。请稍后再试(例如会议间隙)。",
            f"The data directory {data_dir} kept changing while it was being copied"
            f" ({attempts} tries); no backup was written. Try again in a moment"
            " (between meetings, say).",
            path=data_dir,
        )


class NothingToBackUp(BackupError):
    def __init__(self, data_dir: Path) -> None:
        super().__init__(
            f"数据目录 {data_dir} 中没有数据,没有可备份的内容。请检查 --data 或 XIAOZU_DATA。",
            f"The data directory {data_dir} holds no data, so there is nothing to back up."
            " Check --data or XIAOZU_DATA.",
            path=data_dir,
        )


class BackupArchiveError(BackupError):
    """The archive is damaged, foreign, or from a newer xiaozu. Nothing changed."""

    def __init__(self, archive: Path, zh: str, en: str, *, newer: bool = False) -> None:
        self.archive = archive
        self.newer = newer
        # What is wrong, without what it means for a restore (a backup being
        # checked right after it was taken says it its own way).
        self.what_zh = f"备份 {archive} {zh}"
        self.what_en = f"The backup {archive} {en}"
        zh_full = f"{self.what_zh}。没有恢复任何内容,数据目录未被改动。"
        en_full = f"{self.what_en}. Nothing was restored; the data directory is unchanged."
        if newer:
            zh_full += "请先把 xiaozu 升级到最新版本,再恢复这个备份。"
            en_full += " Upgrade xiaozu to the latest version, then restore this backup."
        else:
            zh_full += "请换一个备份文件(例如前一天的)。"
            en_full += " Use another backup file (the day before's, say)."
        super().__init__(zh_full, en_full, path=archive)


class SealsDoNotVerify(BackupArchiveError):
    """The copy's sealed minutes or addenda do not verify (rules.seal)."""

    def __init__(self, archive: Path, first_zh: str, first_en: str, count: int) -> None:
        more_zh = f"等 {count} 处" if count > 1 else ""
        more_en = f" ({count} problems in all)" if count > 1 else ""
        super().__init__(
            archive,
            f"中的封存记录校验未通过{more_zh}:{first_zh}(可用 xiaozu verify 查看全部)",
            f"holds sealed records that do not verify{more_en}: {first_en}"
            " (xiaozu verify lists them all)",
        )


class RestoreRefused(BackupError):
    """The data directory holds data and ``force`` was not given."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(
            f"数据目录 {data_dir} 中已有数据,没有恢复(没有任何改动)。如确要用备份替换它,"
            "请加 --force:原有数据会先整体移到 "
            f"{data_dir.name}.before-restore-<时间>(与它同一上级目录),不会删除。",
            f"The data directory {data_dir} already holds data; nothing was restored (nothing"
            " changed). To replace it by the backup, add --force: the data there is first moved"
            f" aside, whole, to {data_dir.name}.before-restore-<time> beside it, never deleted.",
            path=data_dir,
        )


# --------------------------------------------------------------------------
# What a backup holds


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """The files of a data directory as they all were at one moment."""

    files: Mapping[str, bytes]  # relative POSIX path -> content
    attempts: int  # how many tries it took to see the directory settled


@dataclasses.dataclass(frozen=True)
class Summary:
    """What a checked copy of the data holds, for the report to the user."""

    files: int
    meetings: int
    plans: int
    people: int
    branch: str
    has_secret: bool
    sealed: bool | None = None  # None: the data carries no seals to verify


@dataclasses.dataclass(frozen=True)
class BackupResult:
    archive: Path
    size: int
    created_at: datetime
    attempts: int
    summary: Summary | None  # None when the copy does not load (see problem)
    problem: StorageError | None
    removed: tuple[Path, ...] = ()  # older backups removed by ``keep``


@dataclasses.dataclass(frozen=True)
class RestoreResult:
    data_dir: Path
    created_at: str
    xiaozu_version: str
    summary: Summary
    set_aside: Path | None  # where the old contents went (None: there were none)


def is_backed_up(relative: str) -> bool:
    """Whether a file (POSIX path relative to the data directory) belongs in a
    backup: ``secret.key``, the sign-in journal (sign-ins not yet folded into
    their meetings, storage.journal) and every ``*.json`` document, but nothing hidden
    (``.lock``, temporary files) and nothing under ``logs/``."""
    parts = relative.split("/")
    if any(part.startswith(".") for part in parts):
        return False
    if parts[0] == LOGS_DIR and len(parts) > 1:
        return False
    return relative in (SECRET_NAME, JOURNAL_NAME) or relative.endswith(".json")


def _scan(data_dir: Path) -> list[str]:
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(data_dir):
        here = Path(dirpath).relative_to(data_dir).as_posix()
        prefix = "" if here == "." else f"{here}/"
        # Not descending into hidden folders (a restore's staging) or logs/.
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and (prefix or d != LOGS_DIR)
        )
        found.extend(f"{prefix}{name}" for name in filenames if is_backed_up(f"{prefix}{name}"))
    return sorted(found)


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


def xiaozu_version() -> str:
    try:
        return metadata.version("xiaozu")
    except metadata.PackageNotFoundError:
        return "unknown"


def manifest_for(files: Mapping[str, bytes], created_at: datetime, source: Path) -> dict[str, Any]:
    return {
        "app": APP,
        "kind": BACKUP_KIND,
        "format": BACKUP_FORMAT,
        "xiaozu_version": xiaozu_version(),
        "schema": SCHEMA_VERSION,
        "created_at": created_at.isoformat(),
        "source": str(source),
        "files": [
            {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in sorted(files.items())
        ],
    }


def archive_bytes(files: Mapping[str, bytes], manifest: Mapping[str, Any]) -> bytes:
    """The .tar.gz: the manifest first, then ``data/<path>`` for each file,
    every member owner-only and owned by nobody in particular."""
    mtime = int(datetime.fromisoformat(str(manifest["created_at"])).timestamp())
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        _add(tar, MANIFEST_NAME, text.encode("utf-8"), mtime)
        for name, data in sorted(files.items()):
            _add(tar, DATA_PREFIX + name, data, mtime)
    return buffer.getvalue()


def _add(tar: tarfile.TarFile, name: str, data: bytes, mtime: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = mtime
    tar.addfile(info, io.BytesIO(data))


def backup_name(created_at: datetime) -> str:
    return f"xiaozu-backup-{created_at:%Y%m%d-%H%M%S}{SUFFIX}"


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
        summary, problem = _check_snapshot(shot.files, path)
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


def _check_snapshot(
    files: Mapping[str, bytes], archive: Path
) -> tuple[Summary | None, StorageError | None]:
    """Check a snapshot as a restore would. The copy is read in a private
    temporary folder; the key is checked in memory, never written there."""
    records = {name: data for name, data in files.items() if name != SECRET_NAME}
    try:
        key = files.get(SECRET_NAME)
        if key is not None:
            _check_secret(key, Path(SECRET_NAME), archive)
        with _extracted(records, Path(tempfile.gettempdir())) as copy:
            summary = check_data_copy(copy, archive)
        return dataclasses.replace(summary, has_secret=key is not None), None
    except StorageError as exc:
        return None, exc


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


# --------------------------------------------------------------------------
# Reading and checking an archive


@dataclasses.dataclass(frozen=True)
class CheckedArchive:
    manifest: Mapping[str, Any]
    files: Mapping[str, bytes]


def read_archive(archive: Path) -> CheckedArchive:
    """The archive's manifest and files, each checked against the manifest.
    Raises :class:`BackupArchiveError` for anything that is not a whole
    xiaozu backup this version can restore."""

    def bad(zh: str, en: str, *, newer: bool = False) -> BackupArchiveError:
        return BackupArchiveError(archive, zh, en, newer=newer)

    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            members = tar.getmembers()
            total = sum(m.size for m in members)
            if total > MAX_TOTAL_BYTES:
                raise bad("太大,不像 xiaozu 的备份", "is far too large to be a xiaozu backup")
            raw: dict[str, bytes] = {}
            for member in members:
                if member.isdir():
                    continue
                if not member.isreg():
                    raise bad(
                        f"含有不应有的条目 {member.name!r}(不是普通文件)",
                        f"holds an unexpected entry {member.name!r} (not a plain file)",
                    )
                if member.name in raw:
                    raise bad(f"中 {member.name!r} 出现了两次", f"holds {member.name!r} twice")
                handle = tar.extractfile(member)
                assert handle is not None  # a regular file
                raw[member.name] = handle.read()
    except FileNotFoundError:
        raise bad("不存在", "does not exist") from None
    except IsADirectoryError:
        raise bad("是一个文件夹,不是备份文件", "is a folder, not a backup file") from None
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        # tarfile's own words ("not a gzip file", "unexpected end of data").
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise bad(
            f"已损坏或不是 xiaozu 的备份文件({detail})",
            f"is damaged or not a xiaozu backup file ({detail})",
        ) from exc
    except OSError as exc:
        raise bad(
            f"无法读取({exc.strerror or exc})", f"cannot be read ({exc.strerror or exc})"
        ) from exc

    manifest = _manifest(raw.pop(MANIFEST_NAME, None), bad)
    files: dict[str, bytes] = {}
    for name, data in raw.items():
        relative = name.removeprefix(DATA_PREFIX)
        if name == relative or not _safe_relative(relative) or not is_backed_up(relative):
            raise bad(f"含有不应有的文件 {name!r}", f"holds an unexpected file {name!r}")
        files[relative] = data

    listed = {entry["path"]: entry for entry in manifest["files"]}
    missing = sorted(set(listed) - set(files))
    extra = sorted(set(files) - set(listed))
    if missing:
        raise bad(
            f"不完整:缺少 {', '.join(missing)}", f"is incomplete: {', '.join(missing)} missing"
        )
    if extra:
        raise bad(
            f"含有清单之外的文件 {', '.join(extra)}",
            f"holds files its manifest does not list: {', '.join(extra)}",
        )
    for name, data in files.items():
        entry = listed[name]
        if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise bad(
                f"已损坏:{name} 的内容与清单中的校验值(SHA-256)不符",
                f"is damaged: {name} does not match its checksum (SHA-256) in the manifest",
            )
    return CheckedArchive(manifest=manifest, files=files)


def _manifest(raw: bytes | None, bad: Callable[..., BackupArchiveError]) -> dict[str, Any]:
    if raw is None:
        raise bad(
            "不是 xiaozu 的备份(没有 manifest.json)",
            "is not a xiaozu backup (it has no manifest.json)",
        )
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise bad(
            f"已损坏:manifest.json 不是有效的 JSON({exc})",
            f"is damaged: manifest.json is not valid JSON ({exc})",
        ) from exc
    if (
        not isinstance(manifest, dict)
        or manifest.get("app") != APP
        or manifest.get("kind") != BACKUP_KIND
    ):
        raise bad("不是 xiaozu 的备份", "is not a xiaozu backup")
    fmt, schema = manifest.get("format"), manifest.get("schema")
    version = manifest.get("xiaozu_version", "?")
    if type(fmt) is not int or type(schema) is not int:
        raise bad("已损坏:清单缺少格式版本", "is damaged: its manifest has no format version")
    if fmt > BACKUP_FORMAT or schema > SCHEMA_VERSION:
        raise bad(
            f"由更新版本的 xiaozu({version},数据格式 {schema})写成,"
            f"本版本只能读到数据格式 {SCHEMA_VERSION}",
            f"was written by a newer xiaozu ({version}, data format {schema});"
            f" this one reads up to data format {SCHEMA_VERSION}",
            newer=True,
        )
    files = manifest.get("files")
    if not isinstance(files, list) or not all(
        isinstance(entry, dict)
        and isinstance(entry.get("path"), str)
        and type(entry.get("size")) is int
        and isinstance(entry.get("sha256"), str)
        for entry in files
    ):
        raise bad(
            "已损坏:清单中的文件列表有误", "is damaged: its manifest's file list is malformed"
        )
    return manifest


def _safe_relative(relative: str) -> bool:
    """A path that stays inside the directory it is extracted into."""
    parts = PurePosixPath(relative).parts
    return (
        bool(parts)
        and all(_SAFE_PART.match(part) for part in parts)
        and "/".join(parts) == relative
    )


@contextlib.contextmanager
def _extracted(files: Mapping[str, bytes], parent: Path) -> Iterator[Path]:
    """The files written into a new owner-only folder under ``parent``,
    removed again when done."""
    folder = Path(tempfile.mkdtemp(prefix=".xiaozu-restore-", dir=parent))
    try:
        _write_tree(folder, files)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _write_tree(folder: Path, files: Mapping[str, bytes]) -> None:
    for name, data in sorted(files.items()):
        write_atomically(folder / name, data)


def check_data_copy(directory: Path, archive: Path) -> Summary:
    """Check an extracted copy as the kiosk would read it: every JSON file is
    one of ours, of a schema this xiaozu reads; the signing key is a key; the
    records load through a read-only repository; the seals verify (where the
    data carries them). Raises :class:`BackupArchiveError` naming the file."""

    def problem(exc: DataFileError) -> BackupArchiveError:
        where = Path(exc.where)
        with contextlib.suppress(ValueError):
            where = where.relative_to(directory)
        what_zh, what_en = _PROBLEM_TEXT[exc.problem]
        detail = f"({exc.detail})" if exc.detail else ""
        return BackupArchiveError(
            archive,
            f"中的文件 {where} {what_zh}{detail}",
            f"holds a file {where} that {what_en.removeprefix('is ')}"
            + (f" ({exc.detail})" if exc.detail else ""),
            newer=exc.problem is DataFileProblem.NEWER_SCHEMA,
        )

    names = _scan(directory)
    try:
        for name in names:
            if name.endswith(".json"):
                _check_document(directory / name)
        secret = directory / SECRET_NAME
        has_secret = secret.exists()
        if has_secret:
            _check_secret(secret.read_bytes(), Path(SECRET_NAME), archive)
        repo = FileRepository(directory, writable=False)
        if repo.organisation() is None:
            raise BackupArchiveError(
                archive,
                "中没有党支部的基本数据(org.json),不能用来恢复",
                "holds no branch data (org.json), so it cannot be restored",
            )
        records = repo.records()
        # Everything else the kiosk reads at start must load too.
        repo.dues()
        repo.signin_pin_versions()
        repo.badge_versions()
    except DataFileError as exc:
        raise problem(exc) from exc
    sealed = verify_seals(repo, records, archive)
    return Summary(
        files=len(names),
        meetings=len(records.meetings),
        plans=len(records.plans),
        people=len(records.organisation.people),
        branch=records.organisation.branch.name,
        has_secret=has_secret,
        sealed=sealed,
    )


def _check_secret(raw: bytes, name: Path, archive: Path) -> None:
    if not _SECRET_FORMAT.fullmatch(raw.decode("ascii", "replace")):
        raise BackupArchiveError(
            archive,
            f"中的 {name} 不是 xiaozu 的签名密钥",
            f"holds a {name} that is not a xiaozu signing key",
        )


def _check_document(path: Path) -> None:
    """The file is one of ours (marker, schema), whatever its kind."""
    raw = path.read_bytes()
    kind: object = None
    with contextlib.suppress(ValueError, AttributeError, StopIteration, TypeError):
        kind = next(iter(json.loads(raw)[META_TABLE].values()))["kind"]
    decode(raw, kind if isinstance(kind, str) else "?", path)


def verify_seals(repo: FileRepository, records: BranchRecords, archive: Path) -> bool | None:
    """Whether the copy's sealed records verify (rules.seal, R3); None when
    nothing in it is sealed. Raises :class:`SealsDoNotVerify` naming the
    first record changed, removed or inserted after sealing."""
    result = seal.verify(records.meetings, repo.seal_heads())
    if result.ok:
        return True if result.sealed else None
    org = records.organisation
    first = result.problems[0]
    group = org.group(first.group_id) if first.group_id is not None else None
    name = group.name if group is not None else org.branch.name
    zh, en = first.describe(name, name)
    raise SealsDoNotVerify(archive, zh, en, len(result.problems))


# --------------------------------------------------------------------------
# Restoring


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
        _write_tree(staging, checked.files)
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
