"""One writer per data directory, checked with a real second process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage import DataDirBusy, DataDirLock, FileRepository

from .conftest import make_meeting, make_org

ROOT = Path(__file__).resolve().parents[2]

HOLDER = """
import sys
from pathlib import Path
from storage import FileRepository
with FileRepository(Path(sys.argv[1])) as repo:
    print("locked", flush=True)
    sys.stdin.readline()
"""


@pytest.fixture
def other_xiaozu(data_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the data directory, as a running kiosk would."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "locked"
    yield process
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            pipe.close()


def test_a_second_writer_is_told_who_holds_the_directory(
    other_xiaozu: subprocess.Popen[str], data_dir: Path
) -> None:
    assert (data_dir / ".lock").read_text("ascii").strip() == str(other_xiaozu.pid)
    with pytest.raises(DataDirBusy) as caught:
        FileRepository(data_dir).open()
    error = caught.value
    assert error.pid == other_xiaozu.pid
    assert error.path == data_dir
    assert f"pid {other_xiaozu.pid}" in error.message("en")
    assert f"进程号 {other_xiaozu.pid}" in error.message("zh")
    assert str(data_dir) in error.message("zh")
    with pytest.raises(DataDirBusy):
        DataDirLock(data_dir).acquire()


def test_readers_work_while_another_process_writes(
    other_xiaozu: subprocess.Popen[str], data_dir: Path
) -> None:
    with FileRepository(data_dir, writable=False) as reader:
        assert reader.is_empty()
        assert reader.meetings() == []


def test_the_lock_goes_when_its_process_dies(
    other_xiaozu: subprocess.Popen[str], data_dir: Path
) -> None:
    other_xiaozu.kill()  # no clean exit: the kernel releases the flock
    other_xiaozu.wait(timeout=10)
    with FileRepository(data_dir) as repo:
        repo.save_organisation(make_org())
        assert (data_dir / ".lock").read_text("ascii").strip() == str(os.getpid())
    assert (data_dir / ".lock").read_text("ascii") == ""  # released cleanly


def test_the_lock_goes_when_its_holder_exits_normally(
    other_xiaozu: subprocess.Popen[str], data_dir: Path
) -> None:
    assert other_xiaozu.stdin is not None
    other_xiaozu.stdin.write("\n")
    other_xiaozu.stdin.flush()
    assert other_xiaozu.wait(timeout=10) == 0
    with FileRepository(data_dir) as repo:
        repo.save_meeting(make_meeting())


def test_two_writers_in_one_process_also_exclude_each_other(data_dir: Path) -> None:
    with FileRepository(data_dir), pytest.raises(DataDirBusy) as caught:
        FileRepository(data_dir).open()
    assert caught.value.pid == os.getpid()
    with FileRepository(data_dir):  # free again
        pass


def test_closing_releases_and_reopening_works(data_dir: Path) -> None:
    repo = FileRepository(data_dir).open()
    repo.save_organisation(make_org())
    repo.close()
    repo.close()  # twice is harmless
    with pytest.raises(RuntimeError):
        repo.save_organisation(make_org())
    with repo:
        repo.save_organisation(make_org())
    lock = DataDirLock(data_dir)
    with lock:
        assert lock.held
    assert not lock.held
