"""Kiosk test fixtures: a demo data directory, a fixed clock, and an app that
is loaded (and, where a test wants, unlocked) the way a user would get there.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot

from rules.samples.demo import demo_branch
from storage import FileRepository, save_records
from tui.app import XiaozuApp, make_app
from tui.core.env import KioskEnv

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=TZ)

#: Demo people (rules/samples/demo.py, seed 7, at NOW).
SECRETARY = "p01"  # 王建国, 书记
LEADER_G1 = "p04"  # 李志强, 第一党小组组长
LEADER_G3 = "p15"  # 林晓, 第三党小组组长 (probationary: an L1 finding)


#: The address the test kiosk writes into its code (None in a test: the
#: server's real loopback address and port, to reach it over HTTP).
PHONE_ADDRESS = "HTTP://192.168.1.20:8765"
#: A fixed signing key, so that codes drawn on screen are the same every run.
SECRET_FILE = "xiaozu-secret-v1\n" + "5a" * 32 + "\n"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo branch written once per test session (its files fsynced one
    by one, its PINs hashed at full cost), for ``demo_dir`` to copy."""
    data = tmp_path_factory.mktemp("demo-template") / "data"
    demo = demo_branch(NOW)
    with FileRepository(data) as repo:
        save_records(repo, demo.records)
        repo.save_dues(demo.dues)
        for person_id, pin in demo.pins.items():
            repo.set_pin(person_id, pin)
    (data / "secret.key").write_text(SECRET_FILE, encoding="ascii")
    (data / "secret.key").chmod(0o600)
    return data


@pytest.fixture
def demo_dir(tmp_path: Path, demo_template: Path) -> Path:
    """A test's own copy of the demo data directory (permissions kept)."""
    data = tmp_path / "data"
    shutil.copytree(demo_template, data, ignore=shutil.ignore_patterns(".lock"))
    return data


@pytest.fixture
def demo_pins() -> dict[str, str]:
    return demo_branch(NOW).pins


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_kiosk_app(demo_dir: Path, clock: Clock) -> Callable[..., XiaozuApp]:
    def factory(
        lang: str = "zh",
        idle_seconds: float = 300.0,
        data: Path | None = None,
        phone_address: str | None = PHONE_ADDRESS,
    ) -> XiaozuApp:
        env = KioskEnv(
            data_dir=data or demo_dir,
            lang=lang,
            tz=TZ,
            clock=clock,
            idle_seconds=idle_seconds,
            # The phone page on loopback, on any free port, under a fixed
            # address so that codes (and snapshots) do not depend on either.
            phone_bind="127.0.0.1",
            phone_port=0,
            phone_address=phone_address,
        )
        return make_app(env)

    return factory


async def loaded(app: XiaozuApp, pilot: Pilot[None]) -> None:
    """Wait until the data is loaded and the lock screen is up."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert app.kiosk is not None, "the kiosk did not load"
    # The records are read behind the lock screen, after it is drawn.
    await asyncio.to_thread(app.kiosk.wait_loaded, 60)
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert app.kiosk.loaded, "the records did not load"


async def unlocked(
    app: XiaozuApp, pilot: Pilot[None], person_id: str = LEADER_G1, group_id: str | None = "g1"
) -> None:
    """Load, then unlock as ``person_id`` for ``group_id`` without typing a
    PIN (the lock screen has its own tests), and land on home."""
    await loaded(app, pilot)
    assert app.kiosk is not None
    person = app.kiosk.org.person(person_id)
    assert person is not None
    app.kiosk.start_session(person, group_id)
    app.show_home()
    await pilot.pause()


async def saved(app: XiaozuApp, pilot: Pilot[None]) -> None:
    """Wait until every queued write has reached the disk."""
    assert app.kiosk is not None
    await app.kiosk.writer.flush()
    await pilot.pause()


def stored(data: Path) -> FileRepository:
    """A second, read-only view of the data directory: what is on disk."""
    return FileRepository(data, writable=False)


async def start_meeting(app: XiaozuApp, pilot: Pilot[None]) -> None:
    """Ctrl+O on the meeting screen starts the meeting. More than 30 minutes
    before the planned time (the default test clock is a week early) it asks
    first: the test goes ahead."""
    from tui.screens.meeting_steps.dialogs import ConfirmDialog

    await pilot.press("ctrl+o")
    await pilot.pause()
    if isinstance(app.screen, ConfirmDialog):
        await pilot.press("enter")
        await pilot.pause()
