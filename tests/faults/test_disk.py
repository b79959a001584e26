"""A disk that fails while members sign in by phone (issue 7, "Faults").

Two ways: the disk is full (every write raises ENOSPC after half the bytes
went into the temporary file or into the sign-in journal, storage.journal),
and the data directory is read-only. As root
(this CI runs as root), chmod does not stop a write, so there the test makes
creating the temporary file fail with EROFS, as a read-only mount does; as any
other user it really makes the directories read-only (chmod 0555).

Either way: the phone gets the "签到未能保存" page, the kiosk says on its
screen why (naming the file), the roster shows what is stored (the member
not signed in), every file keeps its bytes, no temporary file is left and
every file loads.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import aiohttp
import pytest

from storage import FileRepository
from storage.atomic import is_temp_file
from tests.faults.headless import files_of
from tests.tui.conftest import clock, demo_dir, demo_template, make_kiosk_app  # noqa: F401 (fixtures)
from tests.tui.test_signin import (  # noqa: F401 (fixtures)
    MEMBER,
    OTHER,
    app,
    attendance,
    heading,
    meeting_open,
    phone,
    roster_row,
    sign_in_with_pin,
    signin_dir,
)
from tui.app import XiaozuApp

NOT_SAVED = "签到未能保存"


def notes(app: XiaozuApp) -> list[str]:  # noqa: F811
    return [str(n.message) for n in app._notifications]


def whole(data: Path) -> None:
    """No temporary file left; every file loads."""
    assert not [p for p in data.rglob("*") if is_temp_file(p.name)]
    with FileRepository(data, writable=False) as repo:
        repo.records()
        _meetings, damaged = repo.meetings_readable()
        assert not damaged
        repo.signin_pin_versions()
        repo.signin_attempts(MEMBER)


def full_disk(fd: int, payload: bytes) -> None:
    os.write(fd, payload[: len(payload) // 2])
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def full_journal(fd: int, payload: bytes, offset: int) -> None:
    os.pwrite(fd, payload[: len(payload) // 2], offset)
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def read_only(signin_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], str]]:  # noqa: F811
    """Make the data directory read-only (returns how, for the messages)."""
    changed: list[tuple[Path, int]] = []

    def make() -> str:
        if os.geteuid() == 0:

            def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
                raise OSError(errno.EROFS, os.strerror(errno.EROFS))

            monkeypatch.setattr("storage.atomic.tempfile.mkstemp", refuse)
            return "EROFS"
        for directory in [signin_dir, *[p for p in signin_dir.rglob("*") if p.is_dir()]]:
            changed.append((directory, stat.S_IMODE(directory.stat().st_mode)))
            directory.chmod(0o555)
        return "chmod"

    yield make
    for directory, mode in changed:
        directory.chmod(mode)


async def test_a_full_disk_refuses_the_sign_in_and_the_kiosk_says_why(
    app: XiaozuApp,  # noqa: F811
    phone: aiohttp.ClientSession,  # noqa: F811
    signin_dir: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await meeting_open(app, pilot)
        assert app.kiosk is not None and await app.kiosk.writer.flush()
        before = files_of(signin_dir)
        monkeypatch.setattr("storage.atomic._write_all", full_disk)
        monkeypatch.setattr("storage.journal._pwrite_all", full_journal)

        status, page = await sign_in_with_pin(phone, app, MEMBER)
        assert status == 500 and heading(page) == NOT_SAVED
        assert "屏幕上有原因说明" in page
        await pilot.pause()
        said = "\n".join(notes(app))
        # A sign-in is a record in the journal (not a rewrite of the meeting's file).
        assert "磁盘空间已满" in said and "signins.journal" in said, said
        assert "原有文件未被改动" in said
        # The roster shows what is stored: not signed in.
        assert roster_row(app, MEMBER)[2] == "未登记"
        assert MEMBER not in attendance(app)
        assert files_of(signin_dir) == before
        whole(signin_dir)

        # The disk has room again: the next phone signs in and it is kept.
        monkeypatch.undo()
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as own:
            status, page = await sign_in_with_pin(own, app, OTHER)
        assert heading(page) == "签到成功"
    whole(signin_dir)
    with FileRepository(signin_dir, writable=False) as repo:
        stored = repo.meeting("m-g1-2026-12")
    assert stored is not None
    assert {a.person_id for a in stored.attendance} == {OTHER}


async def test_a_read_only_data_directory_refuses_the_sign_in_and_keeps_every_byte(
    app: XiaozuApp,  # noqa: F811
    phone: aiohttp.ClientSession,  # noqa: F811
    signin_dir: Path,  # noqa: F811
    read_only: Callable[[], str],
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await meeting_open(app, pilot)
        assert app.kiosk is not None and await app.kiosk.writer.flush()
        before = files_of(signin_dir)
        how = read_only()

        # A wrong PIN first: its count cannot be written either (org.json).
        status, page = await sign_in_with_pin(phone, app, MEMBER, pin="0000")
        status, page = await sign_in_with_pin(phone, app, MEMBER)
        assert status == 500 and heading(page) == NOT_SAVED, how
        await pilot.pause()
        said = "\n".join(notes(app))
        assert "只读" in said or "没有写入权限" in said, (how, said)
        assert roster_row(app, MEMBER)[2] == "未登记"
        assert MEMBER not in attendance(app)
    assert files_of(signin_dir) == before, how
    whole(signin_dir)
