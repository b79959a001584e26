"""Checking a copy of the data as a restore would: every document's marker
and schema, the key's format, the records loaded by a read-only repository
and the seals verified (where the data carries them)."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from rules.meeting import seal
from rules.models import BranchRecords
from storage.atomic import (
    META_TABLE,
    decode,
    write_atomically,
)
from storage.backup.archive import scan
from storage.backup.errors import BackupArchiveError, SealsDoNotVerify
from storage.errors import _PROBLEM_TEXT, DataFileError, DataFileProblem, StorageError
from storage.repository import FileRepository
from storage.secret import _FORMAT as _SECRET_FORMAT
from storage.secret import SECRET_NAME


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


@contextlib.contextmanager
def _extracted(files: Mapping[str, bytes], parent: Path) -> Iterator[Path]:
    """The files written into a new owner-only folder under ``parent``,
    removed again when done."""
    folder = Path(tempfile.mkdtemp(prefix=".xiaozu-restore-", dir=parent))
    try:
        write_tree(folder, files)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_tree(folder: Path, files: Mapping[str, bytes]) -> None:
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

    names = scan(directory)
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
    """Whether the copy's sealed records verify (rules.meeting.seal, R3); None when
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


def check_snapshot(
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
