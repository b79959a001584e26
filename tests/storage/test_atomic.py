"""Crash safety: a write leaves the old file or the new one, never a mixture."""

from __future__ import annotations

import errno
import multiprocessing
import os
import random
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from rules.models import Organisation
from storage import FileRepository, StorageWriteError
from storage.atomic import AtomicJSONStorage, clean_temp_files

from .conftest import make_meeting, make_org


def temp_files(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*.tmp")]


# --------------------------------------------------------------------------
# A failing disk


@pytest.fixture
def saved(file_repo: FileRepository, data_dir: Path) -> bytes:
    """The organisation saved once; its file's bytes."""
    file_repo.save_organisation(make_org())
    return (data_dir / "org.json").read_bytes()


def disk_full(*_args: Any, **_kwargs: Any) -> Any:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("failing", ["os.write", "os.fsync", "os.replace"])
def test_a_full_disk_keeps_the_old_file_and_leaves_no_temp_file(
    file_repo: FileRepository,
    data_dir: Path,
    saved: bytes,
    monkeypatch: pytest.MonkeyPatch,
    failing: str,
) -> None:
    if failing == "os.write":
        real_write = os.write
        calls = 0

        def half_then_full(fd: int, data: Any) -> int:
            # a partial write first, as a disk filling up does, then ENOSPC
            nonlocal calls
            calls += 1
            if calls == 1:
                return real_write(fd, bytes(data[: len(data) // 2]))
            return disk_full()

        monkeypatch.setattr("storage.atomic.os.write", half_then_full)
    else:
        monkeypatch.setattr(f"storage.atomic.{failing}", disk_full)

    changed = Organisation(branch=make_org().branch)
    with pytest.raises(StorageWriteError) as caught:
        file_repo.save_organisation(changed)
    monkeypatch.undo()

    assert (data_dir / "org.json").read_bytes() == saved
    assert temp_files(data_dir) == []
    assert caught.value.path == data_dir / "org.json"
    assert "disk is full" in caught.value.message("en")
    assert "磁盘空间已满" in caught.value.message("zh")
    assert "org.json" in caught.value.message("zh")
    assert file_repo.organisation() == make_org()


def test_a_read_only_directory_refuses_cleanly(
    file_repo: FileRepository, data_dir: Path, saved: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root, for whom chmod 0o555 does not stop writes, so the
    # operating system's refusal is simulated where the temporary file is made.
    def read_only(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr("storage.atomic.tempfile.mkstemp", read_only)
    with pytest.raises(StorageWriteError) as caught:
        file_repo.save_meeting(make_meeting())
    with pytest.raises(StorageWriteError):
        file_repo.save_organisation(make_org())
    monkeypatch.undo()
    assert "read-only" in caught.value.message("en")
    assert (data_dir / "org.json").read_bytes() == saved
    assert file_repo.meetings() == []
    assert temp_files(data_dir) == []


def test_an_interrupted_write_removes_its_temp_file(
    file_repo: FileRepository, data_dir: Path, saved: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_args: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("storage.atomic.os.fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        file_repo.save_organisation(make_org())
    monkeypatch.undo()
    assert (data_dir / "org.json").read_bytes() == saved
    assert temp_files(data_dir) == []


# --------------------------------------------------------------------------
# Leftovers of a crash


def test_leftover_temp_files_are_never_read_and_are_cleaned_by_the_next_writer(
    data_dir: Path,
) -> None:
    with FileRepository(data_dir) as repo:
        repo.save_organisation(make_org())
        repo.save_meeting(make_meeting())
    leftovers = [
        data_dir / ".org.json.k3j9x2ab.tmp",
        data_dir / "meetings" / "2025" / ".m-2025-01.json.q0w9e8r7.tmp",
    ]
    for leftover in leftovers:
        leftover.write_bytes(b'{"_meta": {"1": {"app": "xiaozu", "kind": "org", "sch')
    unrelated = data_dir / "notes.tmp"
    unrelated.write_text("not ours", "utf-8")

    with FileRepository(data_dir, writable=False) as reader:  # a reader leaves them alone
        assert reader.organisation() == make_org()
        assert reader.meetings() == [make_meeting()]
    assert all(leftover.exists() for leftover in leftovers)

    with FileRepository(data_dir) as writer:
        assert writer.organisation() == make_org()
        assert writer.meetings() == [make_meeting()]
    assert not any(leftover.exists() for leftover in leftovers)
    assert unrelated.exists()


# --------------------------------------------------------------------------
# Killing a writer at random moments


PADDING = "党小组会记录" * 20_000  # ~360 KB of UTF-8 per version


def _version(counter: int) -> dict[str, Any]:
    return {"state": {"1": {"counter": counter, "padding": f"{counter}:{PADDING}"}}}


def _writer(path: Path, start: int, acknowledged: Any) -> None:  # pragma: no cover (child)
    """Save ever newer versions; publish each number once its save returned."""
    storage = AtomicJSONStorage(path, "crashtest")
    counter = start
    while True:
        counter += 1
        storage.read()
        storage.write(_version(counter))
        acknowledged.value = counter


def _load(path: Path) -> int:
    data = AtomicJSONStorage(path, "crashtest", writable=False).read()
    assert data is not None
    document = data["state"]["1"]
    counter = document["counter"]
    assert document["padding"].startswith(f"{counter}:")  # the whole of one version
    assert document["padding"].endswith("党小组会记录")
    assert isinstance(counter, int)
    return counter


def test_sigkill_at_random_moments_never_leaves_a_broken_file(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    path = tmp_path / "state.json"
    # Version 0 has the writer's shape: a writer killed before its first
    # write leaves it as it was, and it must load like any other version.
    AtomicJSONStorage(path, "crashtest").write(_version(0))
    rng = random.Random()
    found = 0
    kills = 0
    killed_mid_write = 0
    deadline = time.monotonic() + 8.0
    while kills < 40 and time.monotonic() < deadline:
        # Without a lock: a child killed while holding the lock of a
        # synchronised Value would leave the parent waiting on it for ever
        # (seen once as a hung run). An aligned 8-byte store is atomic anyway.
        acknowledged = context.Value("q", found, lock=False)
        child = context.Process(target=_writer, args=(path, found, acknowledged))
        child.start()
        time.sleep(rng.uniform(0.002, 0.06))
        os.kill(child.pid or 0, signal.SIGKILL)
        child.join()
        assert child.exitcode == -signal.SIGKILL
        child.close()
        kills += 1
        acked = acknowledged.value
        found = _load(path)  # parses, carries the marker, one whole version
        # Nothing acknowledged is lost; at most the one write under way landed.
        assert acked <= found <= acked + 1
        if clean_temp_files(tmp_path):
            killed_mid_write += 1
        assert list(tmp_path.iterdir()) == [path]
    assert kills >= 30
    assert killed_mid_write > 0  # some kills did land in the middle of a write
    assert found > 0  # the writer did get to write
