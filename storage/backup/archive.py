"""The backup archive: a gzip-compressed tar of a manifest and the data
files, written and read back, every file checked against the manifest."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import re
import tarfile
import zlib
from collections.abc import Callable, Mapping
from datetime import datetime
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any, Final

from storage.atomic import (
    APP,
    SCHEMA_VERSION,
)
from storage.backup.errors import BackupArchiveError
from storage.history_index import INDEX_NAME
from storage.journal import JOURNAL_NAME
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


def is_backed_up(relative: str) -> bool:
    """Whether a file (POSIX path relative to the data directory) belongs in a
    backup: ``secret.key``, the sign-in journal (sign-ins not yet folded into
    their meetings, storage.journal) and every ``*.json`` document, but nothing hidden
    (``.lock``, temporary files), nothing under ``logs/``, and not the history
    index (derived from the others, rebuilt by the next start:
    storage.history_index)."""
    if relative == f"{INDEX_NAME}.json":
        return False
    parts = relative.split("/")
    if any(part.startswith(".") for part in parts):
        return False
    if parts[0] == LOGS_DIR and len(parts) > 1:
        return False
    return relative in (SECRET_NAME, JOURNAL_NAME) or relative.endswith(".json")


def scan(data_dir: Path) -> list[str]:
    """The backed-up files of ``data_dir`` (POSIX paths relative to it), sorted."""
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
