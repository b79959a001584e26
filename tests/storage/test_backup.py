"""Backup and restore of a data directory (storage/backup.py).

A backup taken while the kiosk writes restores to a state the kiosk really
had; a restore refuses anything it cannot fully check, and never deletes data.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import stat
import tarfile
import threading
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rules.meeting.seal import seal_meeting
from rules.models import Meeting, Step
from rules.samples.demo import demo_branch
from storage import DataDirBusy, FileRepository, save_records
from storage.atomic import encode, write_atomically
from storage.backup import (
    BackupArchiveError,
    BackupUnsettled,
    NothingToBackUp,
    RestoreRefused,
    SealsDoNotVerify,
    archive_bytes,
    create_backup,
    read_archive,
    restore_backup,
    snapshot,
)
from storage.backup import take as backup_module
from tests.storage.conftest import at, make_meeting

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=TZ)
KEY = "xiaozu-secret-v1\n" + "5a" * 32 + "\n"


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (the lock included) with its content."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The demo branch, its key, a log, a crash's leftover temporary file and a
    document folder of a kind this module has never heard of."""
    data = tmp_path / "data"
    with FileRepository(data) as repo:
        save_records(repo, demo_branch(NOW).records)
    (data / "secret.key").write_text(KEY, encoding="ascii")
    (data / "secret.key").chmod(0o600)
    (data / "logs").mkdir()
    (data / "logs" / "phone.log").write_text("GET /s 200\n", encoding="utf-8")
    (data / ".org.json.k3j9x2a.tmp").write_text("half a file", encoding="utf-8")
    write_atomically(data / "dues" / "2026.json", encode({"dues": {}}, "dues"))
    return data


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        out = {}
        for member in tar.getmembers():
            handle = tar.extractfile(member)
            assert handle is not None
            out[member.name] = handle.read()
        return out


def rewrite(archive: Path, entries: dict[str, bytes]) -> None:
    """Write ``entries`` as the archive's members, as they are (no checks)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    archive.write_bytes(buffer.getvalue())


# --------------------------------------------------------------------------
# Taking a backup


def test_a_backup_holds_every_document_and_the_key_and_nothing_else(
    data: Path, tmp_path: Path
) -> None:
    result = create_backup(data, tmp_path / "b.tar.gz", now=NOW)

    assert result.problem is None
    assert result.summary is not None and result.summary.has_secret
    inside = members(result.archive)
    assert next(iter(inside)) == "manifest.json"  # first, so a reader finds it at once
    names = sorted(inside)
    assert "data/org.json" in names
    assert "data/secret.key" in names
    assert "data/dues/2026.json" in names  # a folder found by pattern, not by a list
    assert any(n.startswith("data/meetings/2026/") for n in names)
    assert any(n.startswith("data/plans/") for n in names)
    assert not any("logs" in n or ".lock" in n or n.endswith(".tmp") for n in names)

    manifest = json.loads(inside["manifest.json"])
    assert manifest["app"] == "xiaozu" and manifest["kind"] == "backup"
    assert manifest["schema"] == 1 and manifest["xiaozu_version"]
    assert datetime.fromisoformat(manifest["created_at"]) == NOW
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert [*sorted(f"data/{p}" for p in listed), "manifest.json"] == names
    for path, entry in listed.items():
        assert entry["size"] == len(inside[f"data/{path}"])
        assert entry["sha256"] == hashlib.sha256(inside[f"data/{path}"]).hexdigest()
    assert inside["data/org.json"] == (data / "org.json").read_bytes()
    # The archive holds the signing key: only its owner may read it.
    assert stat.S_IMODE(result.archive.stat().st_mode) == 0o600


def test_the_history_index_is_left_out_even_damaged(data: Path, tmp_path: Path) -> None:
    """The index is derived from the other files (storage.history_index):
    a backup neither carries it nor fails on it; the next start rebuilds it."""
    (data / "history-index.json").write_bytes(b'{"_meta": {"1": {"app": "xiaozu", "ki')
    result = create_backup(data, tmp_path / "b.tar.gz", now=NOW)
    assert result.problem is None
    assert "data/history-index.json" not in members(result.archive)


def test_a_backup_reads_only_and_runs_while_the_kiosk_holds_the_lock(
    data: Path, tmp_path: Path
) -> None:
    with FileRepository(data) as kiosk:  # the kiosk's lock, held
        before = tree(data)
        stamps = {p: p.stat().st_mtime_ns for p in data.rglob("*")}
        result = create_backup(data, tmp_path / "b.tar.gz", now=NOW)
        # Nothing written, made or removed in the data directory.
        assert tree(data) == before
        assert {p: p.stat().st_mtime_ns for p in data.rglob("*")} == stamps
        kiosk.save_meeting(make_meeting("m-later", planned_at=at(2026, 12, 8)))  # still writes
    assert result.problem is None


def test_a_folder_gets_dated_names_and_keep_removes_only_older_xiaozu_backups(
    data: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a backup", encoding="utf-8")
    written = []
    for day in (20, 21, 22, 23):
        result = create_backup(data, folder, now=NOW.replace(day=day), keep=2)
        written.append(result.archive)
    assert written[0].name == "xiaozu-backup-20261120-090000.tar.gz"
    left = sorted(p.name for p in folder.iterdir())
    assert left == [
        "notes.txt",
        "xiaozu-backup-20261122-090000.tar.gz",
        "xiaozu-backup-20261123-090000.tar.gz",
    ]
    # Two backups in the same second do not overwrite each other.
    again = create_backup(data, folder, now=NOW.replace(day=23))
    assert again.archive.name == "xiaozu-backup-20261123-090000-2.tar.gz"


def test_an_empty_or_missing_directory_is_not_backed_up(tmp_path: Path) -> None:
    with pytest.raises(NothingToBackUp):
        create_backup(tmp_path / "nowhere", tmp_path / "b.tar.gz", now=NOW)
    (tmp_path / "empty" / "logs").mkdir(parents=True)
    with pytest.raises(NothingToBackUp) as caught:
        create_backup(tmp_path / "empty", tmp_path / "b.tar.gz", now=NOW)
    assert "没有数据" in caught.value.message("zh")
    assert not (tmp_path / "b.tar.gz").exists()


def test_a_backup_of_damaged_data_is_still_written_and_says_what_is_wrong(
    data: Path, tmp_path: Path
) -> None:
    meeting = next((data / "meetings" / "2026").iterdir())
    meeting.write_bytes(meeting.read_bytes()[:100])
    result = create_backup(data, tmp_path / "b.tar.gz", now=NOW)
    assert result.archive.exists()  # it may be all there is
    assert isinstance(result.problem, BackupArchiveError)
    assert meeting.name in result.problem.message("en")


# --------------------------------------------------------------------------
# A consistent copy while files change


def test_a_file_replaced_during_the_copy_makes_it_start_again(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_identity = backup_module._identity
    plan = data / "plans" / "2026.json"
    replaced = False

    def note_then_replace(path: Path) -> tuple[int, int, int, int, int]:
        nonlocal replaced
        identity = real_identity(path)
        if path == plan and not replaced:  # noted, not read yet: the kiosk saves
            replaced = True
            write_atomically(plan, encode({"plans": {}}, "plans"))
        return identity

    monkeypatch.setattr(backup_module, "_identity", note_then_replace)
    shot = snapshot(data, sleep=lambda _: None)
    assert shot.attempts == 2
    assert shot.files["plans/2026.json"] == plan.read_bytes()


def test_a_directory_that_never_holds_still_gives_no_backup(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_scan = backup_module._scan
    counter = 0

    def scan_and_add(directory: Path) -> list[str]:
        nonlocal counter
        counter += 1
        write_atomically(directory / "meetings" / "2026" / f"x{counter}.json", b"{}")
        return real_scan(directory)

    monkeypatch.setattr(backup_module, "_scan", scan_and_add)
    with pytest.raises(BackupUnsettled) as caught:
        snapshot(data, attempts=3, sleep=lambda _: None)
    assert "一直在变化" in caught.value.message("zh")


def test_backups_taken_while_a_writer_saves_meetings_restore_to_a_real_state(
    data: Path, tmp_path: Path
) -> None:
    """A kiosk-like writer makes meeting k, then finalises and seals meeting
    k-1 (its file, then the chain's head in org.json), over and over. Any
    state it left on disk has meetings 0..n, every one but the last two sealed,
    and seals that verify; a copy mixing two moments would break that."""
    stop = threading.Event()
    failures: list[BaseException] = []

    def draft(k: int) -> Meeting:
        return make_meeting(f"w-{k:04d}", planned_at=at(2026, 12, 1) + timedelta(minutes=k))

    def writer() -> None:
        try:
            with FileRepository(data) as repo:
                k = 0
                while not stop.is_set():
                    repo.save_meeting(draft(k))
                    if k:
                        final = replace(draft(k - 1), step=Step.FINALISED, finalised_at=NOW)
                        sealed, _ = seal_meeting(final, repo.seal_heads().get("g1"), NOW)
                        repo.save_meeting(sealed)  # the meeting's file, then the head
                    k += 1
                    stop.wait(0.02)  # a busy kiosk: dozens of saves a second
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    archives = []
    try:
        for n in range(4):
            result = create_backup(data, tmp_path / f"b{n}.tar.gz", now=NOW, pause=0.01)
            assert result.problem is None, result.problem
            assert result.summary is not None and result.summary.sealed
            archives.append(result.archive)
    finally:
        stop.set()
        thread.join()
    assert not failures

    seen = set()
    for n, archive in enumerate(archives):
        target = tmp_path / f"restored{n}"
        restored = restore_backup(archive, target, now=NOW)  # checks the seals too
        assert restored.summary.sealed
        records = FileRepository(target, writable=False).records()
        written = {int(m.id[2:]): m for m in records.meetings if m.id.startswith("w-")}
        count = len(written)
        assert sorted(written) == list(range(count)), "meetings appear in the order made"
        for k, meeting in written.items():
            if k < count - 2:
                assert meeting.seal is not None, f"meeting {k} lost its seal in backup {n}"
        if count:
            assert written[count - 1].seal is None
        assert (target / "secret.key").read_text(encoding="ascii") == KEY
        seen.add(count)
    assert len(seen) > 1, "the backups were taken while the writer was writing"


def test_a_copy_between_a_seal_and_its_head_is_taken_again(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sealing writes the meeting's file, then the chain's head: a copy taken
    between the two does not verify, so the backup copies again."""
    draft = make_meeting("m-sealed", planned_at=at(2026, 12, 1))
    with FileRepository(data) as repo:
        repo.save_meeting(draft)
        head_before = (data / "org.json").read_bytes()
        final = replace(draft, step=Step.FINALISED, finalised_at=NOW)
        sealed, _ = seal_meeting(final, repo.seal_heads().get("g1"), NOW)
        repo.save_meeting(sealed)
    head_after = (data / "org.json").read_bytes()
    write_atomically(data / "org.json", head_before)  # the head not written yet

    def the_kiosk_writes_the_head(_: float) -> None:
        write_atomically(data / "org.json", head_after)

    monkeypatch.setattr(backup_module.time, "sleep", the_kiosk_writes_the_head)
    result = create_backup(data, tmp_path / "b.tar.gz", now=NOW)
    assert result.problem is None
    assert members(result.archive)["data/org.json"] == head_after


def sealed_meeting_file(data: Path) -> Path:
    for path in sorted((data / "meetings").rglob("*.json")):
        if json.loads(path.read_bytes())["meeting"]["1"].get("seal"):
            return path
    raise AssertionError("the demo has sealed minutes")


def test_minutes_changed_after_sealing_are_backed_up_with_a_warning_and_not_restored(
    data: Path, tmp_path: Path
) -> None:
    path = sealed_meeting_file(data)
    document = json.loads(path.read_bytes())
    document["meeting"]["1"]["summary"] += "(事后改动)"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    result = create_backup(data, tmp_path / "b.tar.gz", now=NOW, pause=0.001)
    assert result.archive.exists()  # written all the same: it may be all there is
    assert isinstance(result.problem, SealsDoNotVerify)
    assert path.stem in result.problem.message("en")

    target = tmp_path / "new"
    with pytest.raises(SealsDoNotVerify) as caught:
        restore_backup(result.archive, target, now=NOW)
    assert "封存记录校验未通过" in caught.value.message("zh")
    assert not target.exists()
    before = tree(data)
    with pytest.raises(SealsDoNotVerify):
        restore_backup(result.archive, data, now=NOW, force=True)
    assert tree(data) == before


# --------------------------------------------------------------------------
# Restoring


@pytest.fixture
def archive(data: Path, tmp_path: Path) -> Path:
    return create_backup(data, tmp_path / "b.tar.gz", now=NOW).archive


def test_a_restore_into_a_new_directory_gives_back_the_same_records(
    data: Path, archive: Path, tmp_path: Path
) -> None:
    target = tmp_path / "new" / "data"
    result = restore_backup(archive, target, now=NOW)
    assert result.set_aside is None
    assert result.summary.meetings == len(FileRepository(data, writable=False).meetings())
    assert FileRepository(target, writable=False).records() == (
        FileRepository(data, writable=False).records()
    )
    restored = tree(target)
    assert restored["secret.key"] == KEY.encode()
    assert restored["dues/2026.json"] == (data / "dues" / "2026.json").read_bytes()
    assert stat.S_IMODE((target / "secret.key").stat().st_mode) == 0o600
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["data"]  # no staging left
    with FileRepository(target) as repo:  # the kiosk can open it and write
        repo.save_meeting(make_meeting("m-later", planned_at=at(2026, 12, 8)))


def test_a_directory_with_only_logs_and_the_lock_takes_a_restore_without_force(
    archive: Path, tmp_path: Path
) -> None:
    target = tmp_path / "fresh"
    with FileRepository(target):
        pass  # leaves .lock
    (target / "logs").mkdir()
    (target / "logs" / "phone.log").write_text("kept\n", encoding="utf-8")
    result = restore_backup(archive, target, now=NOW)
    assert result.set_aside is None
    assert (target / "logs" / "phone.log").read_text(encoding="utf-8") == "kept\n"
    assert (target / "org.json").exists()


def test_a_directory_that_holds_data_is_not_replaced_without_force(
    data: Path, archive: Path, tmp_path: Path
) -> None:
    before = tree(data)
    with pytest.raises(RestoreRefused) as caught:
        restore_backup(archive, data, now=NOW)
    assert "--force" in caught.value.message("en")
    assert tree(data) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.tar.gz", "data"]


def test_force_moves_the_old_data_aside_whole_then_restores(
    data: Path, archive: Path, tmp_path: Path
) -> None:
    with FileRepository(data) as repo:  # a meeting planned after the backup
        repo.save_meeting(make_meeting("m-later", planned_at=at(2026, 12, 8)))
    before = tree(data)
    result = restore_backup(archive, data, now=NOW, force=True)

    aside = tmp_path / "data.before-restore-20261126-090000"
    assert result.set_aside == aside
    kept = tree(aside)
    assert kept == {name: content for name, content in before.items() if name != ".lock"}
    assert stat.S_IMODE(aside.stat().st_mode) == 0o700
    restored = FileRepository(data, writable=False)
    assert restored.meeting("m-later") is None
    assert FileRepository(aside, writable=False).meeting("m-later") is not None
    assert not (data / "logs").exists()  # went aside with the rest

    # Once more: a second folder, the first one untouched.
    again = restore_backup(archive, data, now=NOW, force=True)
    assert again.set_aside == tmp_path / "data.before-restore-20261126-090000-2"
    assert tree(aside) == kept


def test_a_running_kiosk_makes_the_restore_refuse(
    data: Path, archive: Path, tmp_path: Path
) -> None:
    with FileRepository(data):
        before = tree(data)
        with pytest.raises(DataDirBusy):
            restore_backup(archive, data, now=NOW, force=True)
        assert tree(data) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.tar.gz", "data"]


def damage_bytes(archive: Path) -> None:
    raw = bytearray(archive.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    archive.write_bytes(bytes(raw))


def truncate(archive: Path) -> None:
    archive.write_bytes(archive.read_bytes()[:-200])


def change_a_file(archive: Path) -> None:
    entries = members(archive)
    entries["data/org.json"] = entries["data/org.json"].replace("王".encode(), "汪".encode())
    rewrite(archive, entries)


def drop_the_manifest(archive: Path) -> None:
    entries = members(archive)
    del entries["manifest.json"]
    rewrite(archive, entries)


def escape_the_folder(archive: Path) -> None:
    entries = members(archive)
    entries["data/../../evil.json"] = b"{}"
    rewrite(archive, entries)


def a_link(archive: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in members(archive).items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
        link = tarfile.TarInfo("data/plans/2027.json")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tar.addfile(link)
    archive.write_bytes(buffer.getvalue())


def a_zip_of_something_else(archive: Path) -> None:
    archive.write_bytes(gzip.compress(b"just some text, not a tar archive"))


@pytest.mark.parametrize(
    ("spoil", "words"),
    [
        (damage_bytes, "damaged"),
        (truncate, "damaged"),
        (change_a_file, "checksum"),
        (drop_the_manifest, "not a xiaozu backup"),
        (escape_the_folder, "unexpected file"),
        (a_link, "not a plain file"),
        (a_zip_of_something_else, "not a xiaozu backup"),
    ],
)
def test_a_damaged_or_foreign_archive_is_refused_and_nothing_changes(
    data: Path, archive: Path, tmp_path: Path, spoil: object, words: str
) -> None:
    assert callable(spoil)
    spoil(archive)
    before = tree(data)
    for target, force in ((data, True), (tmp_path / "new", False)):
        with pytest.raises(BackupArchiveError) as caught:
            restore_backup(archive, target, now=NOW, force=force)
        assert words in caught.value.message("en")
        assert "没有恢复任何内容" in caught.value.message("zh")
    assert tree(data) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.tar.gz", "data"]
    assert not (tmp_path.parent / "evil.json").exists()


def test_an_archive_of_a_newer_schema_is_refused_with_upgrade_advice(
    data: Path, archive: Path, tmp_path: Path
) -> None:
    checked = read_archive(archive)
    manifest = dict(checked.manifest, schema=2, xiaozu_version="9.0")
    archive.write_bytes(archive_bytes(checked.files, manifest))
    before = tree(data)
    with pytest.raises(BackupArchiveError) as caught:
        restore_backup(archive, data, now=NOW, force=True)
    assert caught.value.newer
    assert "升级" in caught.value.message("zh") and "9.0" in caught.value.message("en")
    assert tree(data) == before


def test_a_file_of_a_newer_schema_inside_is_refused_before_anything_changes(
    data: Path, archive: Path, tmp_path: Path
) -> None:
    checked = read_archive(archive)
    files = dict(checked.files)
    newer = json.loads(files["plans/2026.json"])
    newer["_meta"]["1"]["schema"] = 2
    files["plans/2026.json"] = json.dumps(newer).encode()
    archive.write_bytes(archive_bytes(files, backup_module.manifest_for(files, NOW, data)))
    before = tree(data)
    with pytest.raises(BackupArchiveError) as caught:
        restore_backup(archive, data, now=NOW, force=True)
    assert caught.value.newer
    assert "plans/2026.json" in caught.value.message("en")
    assert tree(data) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.tar.gz", "data"]


def test_records_that_do_not_load_are_refused_naming_the_file(
    data: Path, archive: Path, tmp_path: Path
) -> None:
    checked = read_archive(archive)
    files = dict(checked.files)
    name = next(n for n in files if n.startswith("meetings/2026/"))
    document = json.loads(files[name])
    del document["meeting"]["1"]["planned_at"]
    files[name] = json.dumps(document, ensure_ascii=False).encode()
    archive.write_bytes(archive_bytes(files, backup_module.manifest_for(files, NOW, data)))
    with pytest.raises(BackupArchiveError) as caught:
        restore_backup(archive, tmp_path / "new", now=NOW)
    assert name in caught.value.message("en")
    assert not (tmp_path / "new").exists()
