"""Signing in (SPEC §3), as stored: members' own sign-in PINs (hashed, with a
version), their runs of wrong sign-in PINs, their badges, and the kiosk's
signing key in ``<data>/secret.key``.

Contract tests run against both repositories on the demo branch; then what a
user sees on disk: the key file's mode and content, damaged files reported
and left alone, nothing written when nothing changes."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import stat
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rules.organisation.access import PinAttempts
from rules.samples.demo import DemoData, demo_branch
from storage import (
    DataFileError,
    DataFileProblem,
    FileRepository,
    MemoryRepository,
    RecordNotFoundError,
    Repository,
    StorageWriteError,
    save_records,
)
from storage.secret import load_or_create_secret, read_secret, secret_path

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SIGNIN_PIN = "730519"  # distinctive: must never show up in a data file
UNLOCK_PIN = "481216"
KEY_FILE = re.compile(rb"xiaozu-secret-v1\n[0-9a-f]{64}\n")
LOCKED = PinAttempts(
    failures=0, lockouts=1, locked_until=datetime(2026, 11, 26, 9, 5, tzinfo=NOW.tzinfo)
)


@functools.cache
def demo() -> DemoData:
    return demo_branch(NOW)


def populate(repository: Repository) -> None:
    save_records(repository, demo().records)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo branch saved once through a FileRepository; tests start from a copy."""
    template = tmp_path_factory.mktemp("demo") / "data"
    with FileRepository(template) as repository:
        populate(repository)
    return template


@pytest.fixture
def demo_dir(demo_template: Path, data_dir: Path) -> Path:
    """``data_dir`` holding the demo branch (and no signing key)."""
    shutil.copytree(demo_template, data_dir, ignore=shutil.ignore_patterns(".lock"))
    return data_dir


@pytest.fixture(params=["memory", "file"])
def branch(
    request: pytest.FixtureRequest, demo_template: Path, tmp_path: Path
) -> Iterator[Repository]:
    """The demo branch in each implementation."""
    repository: Repository
    if request.param == "memory":
        repository = MemoryRepository()
        populate(repository)
    else:
        shutil.copytree(demo_template, tmp_path / "data", ignore=shutil.ignore_patterns(".lock"))
        repository = FileRepository(tmp_path / "data")
    with repository:
        yield repository


@pytest.fixture
def file_branch(demo_dir: Path) -> Iterator[FileRepository]:
    with FileRepository(demo_dir) as repository:
        yield repository


def org_bytes(repository: Repository) -> bytes:
    if isinstance(repository, MemoryRepository):
        return repository._store.cells["org"]
    assert isinstance(repository, FileRepository)
    return (repository.data_dir / "org.json").read_bytes()


def snapshot(path: Path) -> tuple[int, bytes]:
    return path.stat().st_mtime_ns, path.read_bytes()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def replaced(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, int]]:
    """Every file the atomic writes replace from now on, with the mode of the
    temporary file that takes its place."""
    written: list[tuple[Path, int]] = []
    real_replace = os.replace

    def recording_replace(src: str | Path, dst: str | Path) -> None:
        written.append((Path(dst), stat.S_IMODE(os.stat(src).st_mode)))
        real_replace(src, dst)

    monkeypatch.setattr("storage.atomic.os.replace", recording_replace)
    return written


# ---------------------------------------------------------------------------
# Sign-in PINs (contract)


def test_nobody_has_a_signin_pin_or_badge_to_begin_with(branch: Repository) -> None:
    assert branch.signin_pin_versions() == {}
    assert branch.badge_versions() == {}
    assert branch.verify_signin_pin("p01", SIGNIN_PIN) is False
    assert branch.signin_attempts("p01") == PinAttempts()


def test_nothing_is_there_without_an_organisation(repo: Repository) -> None:
    assert repo.signin_pin_versions() == {}
    assert repo.badge_versions() == {}
    assert repo.verify_signin_pin("p01", SIGNIN_PIN) is False
    assert repo.signin_attempts("p01") == PinAttempts()
    with pytest.raises(RecordNotFoundError):
        repo.set_signin_pin("p01", SIGNIN_PIN)
    with pytest.raises(RecordNotFoundError):
        repo.issue_badges(["p01"])
    with pytest.raises(RecordNotFoundError):
        repo.save_signin_attempts("p01", LOCKED)


def test_a_signin_pin_verifies_and_each_reset_gets_a_new_version(branch: Repository) -> None:
    assert branch.set_signin_pin("p01", SIGNIN_PIN) == 1
    assert branch.verify_signin_pin("p01", SIGNIN_PIN)
    assert branch.verify_signin_pin("p01", "７３０５１９")  # full-width, from an input method
    assert not branch.verify_signin_pin("p01", "730518")
    assert not branch.verify_signin_pin("p01", "")
    assert not branch.verify_signin_pin("p02", SIGNIN_PIN)  # only p01 has one
    assert branch.signin_pin_versions() == {"p01": 1}

    assert branch.set_signin_pin("p01", "246813") == 2
    assert not branch.verify_signin_pin("p01", SIGNIN_PIN)  # the old PIN is gone
    assert branch.verify_signin_pin("p01", "246813")
    assert branch.set_signin_pin("p02", SIGNIN_PIN) == 1  # versions are per person
    assert branch.signin_pin_versions() == {"p01": 2, "p02": 1}
    assert branch.set_signin_pin("p01", "246813") == 3  # even the same PIN again


def test_a_signin_pin_is_never_stored_in_clear(branch: Repository) -> None:
    assert SIGNIN_PIN.encode() not in org_bytes(branch)
    branch.set_signin_pin("p01", SIGNIN_PIN)
    branch.set_signin_pin("p02", SIGNIN_PIN)
    stored = org_bytes(branch)
    assert SIGNIN_PIN.encode() not in stored
    assert b"signin_credentials" in stored
    documents = json.loads(stored)["signin_credentials"]
    assert {doc["person_id"] for doc in documents.values()} == {"p01", "p02"}
    assert documents["1"]["salt"] != documents["2"]["salt"]  # same PIN, different hashes
    assert documents["1"]["key"] != documents["2"]["key"]


def test_unlock_and_signin_pins_are_independent(branch: Repository) -> None:
    branch.set_pin("p01", UNLOCK_PIN)
    assert branch.signin_pin_versions() == {}
    assert not branch.verify_signin_pin("p01", UNLOCK_PIN)

    branch.set_signin_pin("p01", SIGNIN_PIN)
    branch.set_signin_pin("p02", SIGNIN_PIN)
    assert branch.verify_pin("p01", UNLOCK_PIN)  # the unlock PIN is unchanged
    assert not branch.verify_pin("p01", SIGNIN_PIN)
    assert not branch.verify_signin_pin("p01", UNLOCK_PIN)
    assert not branch.verify_pin("p02", SIGNIN_PIN)
    assert not branch.has_pin("p02")  # a sign-in PIN does not unlock the kiosk

    branch.set_pin("p01", "135791")  # changing the unlock PIN keeps the sign-in one
    assert branch.verify_signin_pin("p01", SIGNIN_PIN)
    assert branch.signin_pin_versions() == {"p01": 1, "p02": 1}


def test_a_signin_pin_for_someone_not_in_the_roster_is_refused(branch: Repository) -> None:
    before = org_bytes(branch)
    with pytest.raises(RecordNotFoundError) as caught:
        branch.set_signin_pin("p99", SIGNIN_PIN)
    assert "p99" in caught.value.message("en") and "p99" in caught.value.message("zh")
    assert org_bytes(branch) == before
    assert branch.signin_pin_versions() == {}


def test_signin_pins_and_badges_survive_saving_the_roster(branch: Repository) -> None:
    branch.set_signin_pin("p01", SIGNIN_PIN)
    branch.issue_badges(["p01", "p04"])
    branch.save_signin_attempts("p04", LOCKED)
    branch.save_organisation(demo().records.organisation)
    assert branch.verify_signin_pin("p01", SIGNIN_PIN)
    assert branch.signin_pin_versions() == {"p01": 1}
    assert branch.badge_versions() == {"p01": 1, "p04": 1}
    assert branch.signin_attempts("p04") == LOCKED


# ---------------------------------------------------------------------------
# Sign-in attempts (contract)


def test_signin_attempts_round_trip_apart_from_unlock_attempts(branch: Repository) -> None:
    branch.save_signin_attempts("p01", LOCKED)
    assert branch.signin_attempts("p01") == LOCKED
    assert branch.pin_attempts("p01") == PinAttempts()

    branch.save_pin_attempts("p01", PinAttempts(failures=2))
    assert branch.signin_attempts("p01") == LOCKED
    assert branch.pin_attempts("p01") == PinAttempts(failures=2)

    branch.save_signin_attempts("p01", PinAttempts())  # a success forgets the run
    assert branch.signin_attempts("p01") == PinAttempts()
    assert branch.pin_attempts("p01") == PinAttempts(failures=2)

    branch.save_signin_attempts("p01", PinAttempts(failures=1))
    branch.save_pin_attempts("p01", PinAttempts())
    assert branch.signin_attempts("p01") == PinAttempts(failures=1)
    assert branch.pin_attempts("p01") == PinAttempts()


def test_signin_attempts_for_someone_not_in_the_roster_are_refused(branch: Repository) -> None:
    before = org_bytes(branch)
    with pytest.raises(RecordNotFoundError):
        branch.save_signin_attempts("p99", LOCKED)
    assert org_bytes(branch) == before
    assert branch.signin_attempts("p99") == PinAttempts()


def test_forgetting_signin_attempts_never_stored_writes_nothing(
    file_branch: FileRepository, data_dir: Path, replaced: list[tuple[Path, int]]
) -> None:
    file_branch.save_pin_attempts("p01", LOCKED)
    before = snapshot(data_dir / "org.json")
    replaced.clear()
    file_branch.save_signin_attempts("p01", PinAttempts())
    assert replaced == []
    assert snapshot(data_dir / "org.json") == before
    assert file_branch.pin_attempts("p01") == LOCKED


def test_signin_attempts_are_their_own_table(file_branch: FileRepository, data_dir: Path) -> None:
    file_branch.save_signin_attempts("p01", LOCKED)
    org_file = json.loads((data_dir / "org.json").read_text("utf-8"))
    assert org_file["signin_attempts"] == {
        "1": {
            "person_id": "p01",
            "failures": 0,
            "lockouts": 1,
            "locked_until": "2026-11-26T09:05:00+08:00",
        }
    }
    assert org_file.get("pin_attempts", {}) == {}


# ---------------------------------------------------------------------------
# Badges (contract)


def test_a_first_badge_is_version_one_and_is_kept_without_reissue(branch: Repository) -> None:
    assert branch.issue_badges(["p01", "p02"]) == {"p01": 1, "p02": 1}
    assert branch.issue_badges(["p02", "p03"]) == {"p02": 1, "p03": 1}
    assert branch.badge_versions() == {"p01": 1, "p02": 1, "p03": 1}


def test_reissuing_bumps_only_the_people_named(branch: Repository) -> None:
    branch.issue_badges(["p01", "p02", "p03"])
    assert branch.issue_badges(["p02"], reissue=True) == {"p02": 2}
    assert branch.issue_badges(["p02", "p04"], reissue=True) == {"p02": 3, "p04": 1}
    assert branch.badge_versions() == {"p01": 1, "p02": 3, "p03": 1, "p04": 1}


def test_a_person_named_twice_gets_one_badge(branch: Repository) -> None:
    assert branch.issue_badges(["p05", "p05"], reissue=True) == {"p05": 1}
    assert branch.issue_badges(iter(["p05", "p05"]), reissue=True) == {"p05": 2}
    assert branch.badge_versions() == {"p05": 2}


def test_no_badges_for_anyone_when_one_person_is_not_in_the_roster(branch: Repository) -> None:
    branch.issue_badges(["p01"])
    before = org_bytes(branch)
    for reissue in (False, True):
        with pytest.raises(RecordNotFoundError) as caught:
            branch.issue_badges(["p02", "p99", "p01"], reissue=reissue)
        assert "p99" in caught.value.message("en") and "p99" in caught.value.message("zh")
    assert org_bytes(branch) == before
    assert branch.badge_versions() == {"p01": 1}


def test_badges_are_not_signin_pins(branch: Repository) -> None:
    branch.issue_badges(["p01"], reissue=True)
    branch.issue_badges(["p01"], reissue=True)
    assert branch.set_signin_pin("p01", SIGNIN_PIN) == 1
    assert branch.badge_versions() == {"p01": 2}
    assert branch.signin_pin_versions() == {"p01": 1}


def test_issuing_badges_is_one_write_and_keeping_them_is_none(
    file_branch: FileRepository, data_dir: Path, replaced: list[tuple[Path, int]]
) -> None:
    org = data_dir / "org.json"
    replaced.clear()
    file_branch.issue_badges(["p01", "p02", "p03", "p04"])
    assert [path for path, _ in replaced] == [org]

    before = snapshot(org)
    replaced.clear()
    assert file_branch.issue_badges(["p04", "p01"]) == {"p04": 1, "p01": 1}
    assert file_branch.issue_badges([]) == {}
    assert replaced == []
    assert snapshot(org) == before

    file_branch.issue_badges(["p01", "p02", "p03"], reissue=True)
    assert [path for path, _ in replaced] == [org]


def test_a_refused_badge_request_writes_nothing(
    file_branch: FileRepository, data_dir: Path, replaced: list[tuple[Path, int]]
) -> None:
    file_branch.issue_badges(["p01"])
    before = snapshot(data_dir / "org.json")
    replaced.clear()
    with pytest.raises(RecordNotFoundError):
        file_branch.issue_badges(["p02", "nobody"], reissue=True)
    with pytest.raises(RecordNotFoundError):
        file_branch.set_signin_pin("nobody", SIGNIN_PIN)
    assert replaced == []
    assert snapshot(data_dir / "org.json") == before


# ---------------------------------------------------------------------------
# On disk: reopening, read-only use


def test_everything_outlives_the_repository(data_dir: Path) -> None:
    with FileRepository(data_dir) as writer:
        populate(writer)  # the whole way, once
        writer.set_signin_pin("p01", SIGNIN_PIN)
        writer.set_signin_pin("p01", SIGNIN_PIN)
        writer.save_signin_attempts("p02", LOCKED)
        writer.issue_badges(["p01", "p02"])
        writer.issue_badges(["p02"], reissue=True)
        key = writer.kiosk_secret()
    for writable in (True, False):
        with FileRepository(data_dir, writable=writable) as again:
            assert again.verify_signin_pin("p01", SIGNIN_PIN)
            assert again.signin_pin_versions() == {"p01": 2}
            assert again.signin_attempts("p02") == LOCKED
            assert again.badge_versions() == {"p01": 1, "p02": 2}
            assert again.kiosk_secret() == key


def test_a_read_only_repository_refuses_every_signin_change(
    file_branch: FileRepository, data_dir: Path
) -> None:
    file_branch.set_signin_pin("p01", SIGNIN_PIN)
    before = snapshot(data_dir / "org.json")
    with FileRepository(data_dir, writable=False) as reader:
        changes: list[Callable[[], object]] = [
            lambda: reader.set_signin_pin("p01", "111111"),
            lambda: reader.save_signin_attempts("p01", LOCKED),
            lambda: reader.issue_badges(["p01"]),
            lambda: reader.issue_badges(["p01"], reissue=True),
        ]
        for change in changes:
            with pytest.raises(StorageWriteError) as caught:
                change()
            assert "read-only" in caught.value.message("en")
        assert reader.verify_signin_pin("p01", SIGNIN_PIN)
    assert snapshot(data_dir / "org.json") == before


# ---------------------------------------------------------------------------
# The kiosk's signing key


def test_the_key_is_made_owner_only_on_first_use(
    data_dir: Path, replaced: list[tuple[Path, int]]
) -> None:
    old_umask = os.umask(0)  # even a careless umask does not widen it
    try:
        with FileRepository(data_dir) as repository:
            assert not secret_path(data_dir).exists()
            key = repository.kiosk_secret()
    finally:
        os.umask(old_umask)
    path = data_dir / "secret.key"
    assert secret_path(data_dir) == path
    assert mode(path) == 0o600
    assert replaced == [(path, 0o600)]  # the temporary file was owner-only too
    assert isinstance(key, bytes) and len(key) == 32
    raw = path.read_bytes()
    assert KEY_FILE.fullmatch(raw)
    assert raw == b"xiaozu-secret-v1\n" + key.hex().encode() + b"\n"


def test_the_key_is_stable_and_written_once(
    data_dir: Path, replaced: list[tuple[Path, int]]
) -> None:
    with FileRepository(data_dir) as repository:
        key = repository.kiosk_secret()
        before = snapshot(secret_path(data_dir))
        assert repository.kiosk_secret() == key
    with FileRepository(data_dir) as reopened:
        assert reopened.kiosk_secret() == key
    with FileRepository(data_dir, writable=False) as reader:
        assert reader.kiosk_secret() == key
    assert snapshot(secret_path(data_dir)) == before
    assert len(replaced) == 1
    assert mode(secret_path(data_dir)) == 0o600


def test_each_data_directory_has_its_own_key(tmp_path: Path) -> None:
    keys = set()
    for name in ("one", "two"):
        with FileRepository(tmp_path / name) as repository:
            keys.add(repository.kiosk_secret())
    assert len(keys) == 2


def test_the_key_is_not_in_the_meeting_data(file_branch: FileRepository, data_dir: Path) -> None:
    file_branch.set_signin_pin("p01", SIGNIN_PIN)
    file_branch.issue_badges(["p01"])
    key = file_branch.kiosk_secret()
    data_files = list(data_dir.rglob("*.json"))
    assert data_files
    for path in data_files:
        raw = path.read_bytes()
        assert key.hex().encode() not in raw
        assert key not in raw


def test_a_read_only_repository_without_a_key_says_so_and_makes_none(
    file_branch: FileRepository, data_dir: Path
) -> None:
    with FileRepository(data_dir, writable=False) as reader:
        with pytest.raises(RecordNotFoundError) as caught:
            reader.kiosk_secret()
        assert "secret.key" in caught.value.message("en")
        assert "secret.key" in caught.value.message("zh")
    assert not secret_path(data_dir).exists()


def test_a_read_only_look_at_a_missing_directory_creates_nothing(tmp_path: Path) -> None:
    absent = tmp_path / "absent"
    with FileRepository(absent, writable=False) as reader, pytest.raises(RecordNotFoundError):
        reader.kiosk_secret()
    assert read_secret(absent) is None
    assert not absent.exists()


def test_a_writable_repository_must_be_opened_before_making_a_key(data_dir: Path) -> None:
    with pytest.raises(RuntimeError):
        FileRepository(data_dir).kiosk_secret()
    assert not secret_path(data_dir).exists()


def test_the_memory_repository_keeps_its_key_in_memory(tmp_path: Path) -> None:
    first, second = MemoryRepository(), MemoryRepository()
    key = first.kiosk_secret()
    assert isinstance(key, bytes) and len(key) == 32
    assert first.kiosk_secret() == key
    assert second.kiosk_secret() != key
    assert list(tmp_path.iterdir()) == []


DAMAGED_KEYS: dict[str, bytes] = {
    "empty": b"",
    "header only": b"xiaozu-secret-v1\n",
    "short key": b"xiaozu-secret-v1\n" + b"ab" * 31 + b"\n",
    "long key": b"xiaozu-secret-v1\n" + b"ab" * 33 + b"\n",
    "upper-case hex": b"xiaozu-secret-v1\n" + b"AB" * 32 + b"\n",
    "another version": b"xiaozu-secret-v2\n" + b"ab" * 32 + b"\n",
    "no header": b"ab" * 32 + b"\n",
    "trailing junk": b"xiaozu-secret-v1\n" + b"ab" * 32 + b"\nmore\n",
    "windows line ends": b"xiaozu-secret-v1\r\n" + b"ab" * 32 + b"\r\n",
    "an ssh key": b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n",
    "binary": b"\x89PNG\r\n\x1a\n\x00\xff\xfe",
}


@pytest.mark.parametrize("content", DAMAGED_KEYS.values(), ids=DAMAGED_KEYS.keys())
def test_a_damaged_key_is_reported_and_never_replaced(
    file_branch: FileRepository, data_dir: Path, content: bytes
) -> None:
    path = secret_path(data_dir)
    path.write_bytes(content)
    os.chmod(path, 0o600)
    before = snapshot(path)
    readers: list[Callable[[], object]] = [
        file_branch.kiosk_secret,
        file_branch.kiosk_secret,  # asking again does not make a new key either
        lambda: read_secret(data_dir),
        lambda: load_or_create_secret(data_dir),
    ]
    with FileRepository(data_dir, writable=False) as reader:
        readers.append(reader.kiosk_secret)
        for read in readers:
            with pytest.raises(DataFileError) as caught:
                read()
            error = caught.value
            assert error.problem is DataFileProblem.FOREIGN
            assert error.path == path
            for lang in ("zh", "en"):
                assert str(path) in error.message(lang)
            assert "left untouched" in error.message("en")
            assert "未被改动" in error.message("zh")
    assert snapshot(path) == before
    assert sorted(p.name for p in data_dir.iterdir() if p.name.startswith(".secret")) == []


def test_a_damaged_world_readable_key_is_left_exactly_as_it_is(
    file_branch: FileRepository, data_dir: Path
) -> None:
    path = secret_path(data_dir)
    path.write_bytes(DAMAGED_KEYS["short key"])
    os.chmod(path, 0o644)
    with pytest.raises(DataFileError):
        file_branch.kiosk_secret()
    assert mode(path) == 0o644
    assert path.read_bytes() == DAMAGED_KEYS["short key"]


def test_a_directory_in_the_keys_place_is_reported(
    file_branch: FileRepository, data_dir: Path
) -> None:
    secret_path(data_dir).mkdir()
    with pytest.raises(DataFileError) as caught:
        file_branch.kiosk_secret()
    assert str(secret_path(data_dir)) in caught.value.message("en")
    assert secret_path(data_dir).is_dir()


@pytest.mark.parametrize("loose", [0o644, 0o640, 0o604, 0o666])
@pytest.mark.parametrize("writable", [True, False], ids=["writable", "read-only"])
def test_a_key_readable_by_others_is_tightened(
    file_branch: FileRepository, data_dir: Path, loose: int, writable: bool
) -> None:
    key = file_branch.kiosk_secret()
    path = secret_path(data_dir)
    os.chmod(path, loose)
    content = path.read_bytes()
    with FileRepository(data_dir, writable=False) as reader:
        assert (file_branch if writable else reader).kiosk_secret() == key
    assert mode(path) == 0o600
    assert path.read_bytes() == content


def test_a_key_without_a_final_newline_is_still_the_key(data_dir: Path) -> None:
    data_dir.mkdir()
    key = bytes(range(32))
    secret_path(data_dir).write_bytes(b"xiaozu-secret-v1\n" + key.hex().encode())
    os.chmod(secret_path(data_dir), 0o600)
    with FileRepository(data_dir) as repository:
        assert repository.kiosk_secret() == key
    assert read_secret(data_dir) == key


# ---------------------------------------------------------------------------
# Damaged sign-in records in org.json


def _damage(data_dir: Path, table: str, change: Callable[[dict[str, object]], None]) -> bytes:
    path = data_dir / "org.json"
    data = json.loads(path.read_text("utf-8"))
    change(data[table]["1"])
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path.read_bytes()


def _set(field: str, value: object) -> Callable[[dict[str, object]], None]:
    return lambda doc: doc.__setitem__(field, value)


def _drop(field: str) -> Callable[[dict[str, object]], None]:
    return lambda doc: doc.__delitem__(field)


BAD_VERSIONS: dict[str, Callable[[dict[str, object]], None]] = {
    "a string": _set("version", "1"),
    "negative": _set("version", -1),
    "a boolean": _set("version", True),
    "a fraction": _set("version", 1.5),
    "null": _set("version", None),
    "zero": _set("version", 0),
    "missing": _drop("version"),
}


@pytest.mark.parametrize("change", list(BAD_VERSIONS.values()), ids=list(BAD_VERSIONS))
@pytest.mark.usefixtures("demo_dir")
def test_a_damaged_signin_pin_version_is_reported_and_left_alone(
    data_dir: Path, change: Callable[[dict[str, object]], None]
) -> None:
    with FileRepository(data_dir) as repository:
        repository.set_signin_pin("p01", SIGNIN_PIN)
    before = _damage(data_dir, "signin_credentials", change)
    with FileRepository(data_dir) as repository:
        uses: list[Callable[[], object]] = [
            lambda: repository.verify_signin_pin("p01", SIGNIN_PIN),
            lambda: repository.set_signin_pin("p01", "111111"),
            repository.signin_pin_versions,
        ]
        for use in uses:
            with pytest.raises(DataFileError) as caught:
                use()
            assert caught.value.problem is DataFileProblem.INVALID
            message = caught.value.message("en")
            assert str(data_dir / "org.json") in message
            assert "signin_credentials[1]" in message
    assert (data_dir / "org.json").read_bytes() == before


@pytest.mark.parametrize(
    "change",
    [_set("scheme", "md5"), _set("n", 2**30), _set("salt", "not base64!"), _drop("key")],
    ids=["scheme", "huge n", "salt", "no key"],
)
@pytest.mark.usefixtures("demo_dir")
def test_a_tampered_signin_pin_hash_is_reported(
    data_dir: Path, change: Callable[[dict[str, object]], None]
) -> None:
    with FileRepository(data_dir) as repository:
        repository.set_signin_pin("p01", SIGNIN_PIN)
        repository.set_pin("p01", UNLOCK_PIN)
    before = _damage(data_dir, "signin_credentials", change)
    with FileRepository(data_dir) as repository:
        for use in (
            lambda: repository.verify_signin_pin("p01", SIGNIN_PIN),
            lambda: repository.set_signin_pin("p01", "111111"),
        ):
            with pytest.raises(DataFileError) as caught:
                use()
            assert "signin_credentials[1]" in caught.value.message("en")
        assert repository.verify_pin("p01", UNLOCK_PIN)  # the unlock PIN still works
    assert (data_dir / "org.json").read_bytes() == before


@pytest.mark.parametrize(
    "change",
    [_set("version", "2"), _set("version", 0), _drop("version"), _set("person_id", 1)],
    ids=["string", "zero", "missing", "person"],
)
@pytest.mark.usefixtures("demo_dir")
def test_a_damaged_badge_is_reported_and_left_alone(
    data_dir: Path, change: Callable[[dict[str, object]], None]
) -> None:
    with FileRepository(data_dir) as repository:
        repository.issue_badges(["p01"])
    before = _damage(data_dir, "badges", change)
    with FileRepository(data_dir) as repository:
        for use in (
            repository.badge_versions,
            lambda: repository.issue_badges(["p02"]),
            lambda: repository.issue_badges(["p01"], reissue=True),
        ):
            with pytest.raises(DataFileError) as caught:
                use()
            assert caught.value.problem is DataFileProblem.INVALID
            assert "badges[1]" in caught.value.message("en")
    assert (data_dir / "org.json").read_bytes() == before


@pytest.mark.usefixtures("demo_dir")
def test_damaged_signin_attempts_are_reported_and_left_alone(data_dir: Path) -> None:
    with FileRepository(data_dir) as repository:
        repository.save_signin_attempts("p01", LOCKED)
        repository.save_pin_attempts("p01", PinAttempts(failures=2))
    before = _damage(data_dir, "signin_attempts", _set("failures", "3"))
    with FileRepository(data_dir) as repository:
        for use in (
            lambda: repository.signin_attempts("p01"),
            lambda: repository.save_signin_attempts("p01", PinAttempts(failures=1)),
        ):
            with pytest.raises(DataFileError) as caught:
                use()
            assert "signin_attempts[1]" in caught.value.message("en")
        assert repository.pin_attempts("p01") == PinAttempts(failures=2)
    assert (data_dir / "org.json").read_bytes() == before
