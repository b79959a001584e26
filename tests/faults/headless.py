"""The kiosk's records and its phone page without Textual, for tests that
speak HTTP to the page many times over: a demo data directory, a ``Kiosk``
on it with a fixed clock, g1's December meeting started and taking sign-ins,
and the ``PhoneServer`` listening on a free port of 127.0.0.1, with an aiohttp
client session (a real HTTP client, not the server's code) that speaks to it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import aiohttp

from rules.meeting import flow
from rules.samples.demo import demo_branch
from storage import FileRepository, save_records
from tests.tui.conftest import NOW, SECRET_FILE, TZ
from tui.core.env import KioskEnv
from tui.core.kiosk import Kiosk
from tui.phone.server import PhoneServer

G1_NEXT = "m-g1-2026-12"  # 第一党小组's December meeting, in preparation in the demo
SECRET = bytes.fromhex(SECRET_FILE.split("\n")[1])
PINS = demo_branch(NOW).signin_pins
#: 第一党小组's members given a sign-in PIN here, and their member numbers.
NUMBER = {"p05": "DY3300105", "p06": "DY3300106", "p07": "DY3300107", "p08": "DY3300108"}
LOGGERS = ("xiaozu.phone",)  # and its children: xiaozu.phone.http, xiaozu.phone.access

_HEADING = re.compile(r"<h2>(.*?)</h2>", re.DOTALL)
_TICKET = re.compile(r'name="ticket" value="([^"]+)"')
_ERROR = re.compile(r'class="error"[^>]*>(.*?)</p>', re.DOTALL)


def heading(page: str) -> str:
    found = _HEADING.search(page)
    return found.group(1) if found else ""


def ticket_of(page: str) -> str:
    found = _TICKET.search(page)
    assert found, page
    return found.group(1)


def form_error(page: str) -> str:
    found = _ERROR.search(page)
    return found.group(1) if found else ""


def make_demo(data: Path, signin_people: tuple[str, ...] = tuple(NUMBER)) -> Path:
    """The demo branch as the kiosk tests have it, and sign-in PINs."""
    demo = demo_branch(NOW)
    with FileRepository(data) as repo:
        save_records(repo, demo.records)
        for person_id, pin in demo.pins.items():
            repo.set_pin(person_id, pin)
        for person_id in signin_people:
            repo.set_signin_pin(person_id, demo.signin_pins[person_id])
    (data / "secret.key").write_text(SECRET_FILE, encoding="ascii")
    (data / "secret.key").chmod(0o600)
    return data


def files_of(data: Path) -> dict[str, bytes]:
    """Every data file's bytes (not the log, not the lock)."""
    return {
        str(p.relative_to(data)): p.read_bytes()
        for p in sorted(data.rglob("*"))
        if p.is_file() and p.name != ".lock" and "logs" not in p.relative_to(data).parts
    }


class Clock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Caught(logging.Handler):
    """Every record the page's loggers emit."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def bad(self) -> list[str]:
        """Tracebacks, errors and "Error handling request" lines."""
        return [
            self.format(r)
            for r in self.records
            if r.exc_info is not None
            or r.levelno >= logging.ERROR
            or "Error handling request" in r.getMessage()
        ]


@dataclass
class Served:
    data: Path
    clock: Clock
    kiosk: Kiosk
    server: PhoneServer
    client: aiohttp.ClientSession  # relative URLs go to the page server
    log: Caught
    saved: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        port = self.server.port
        assert port is not None
        return port


@asynccontextmanager
async def signing_in(data: Path, clock: Clock | None = None) -> AsyncIterator[Kiosk]:
    """A kiosk on ``data`` (no Textual, no page), g1's December meeting
    started and taking sign-ins."""
    clock = clock or Clock()
    kiosk = Kiosk(KioskEnv(data, tz=TZ, clock=clock), FileRepository(data).open())
    try:
        meeting = kiosk.records.meeting(G1_NEXT)
        group = kiosk.org.group("g1")
        assert group is not None
        planned = flow.plan(meeting, place="会议室", recorder_id=group.leader_id)
        kiosk.save_meeting(flow.start(planned, kiosk.org, clock()))
        assert await kiosk.writer.flush()
        kiosk.signin_meeting_id = G1_NEXT
        yield kiosk
    finally:
        await kiosk.writer.flush()
        kiosk.close()


@asynccontextmanager
async def served(
    data: Path, clock: Clock | None = None, on_signed_in: Callable[[str], None] | None = None
) -> AsyncIterator[Served]:
    """The kiosk on ``data``, g1's December meeting started, its page served."""
    clock = clock or Clock()
    async with signing_in(data, clock) as kiosk:
        server = PhoneServer(kiosk, on_signed_in)
        assert await server.start("127.0.0.1", 0), server.problem
        caught = Caught()  # after start, which sets up the page's log file
        for name in LOGGERS:
            logger = logging.getLogger(name)
            logger.addHandler(caught)
            logger.setLevel(logging.DEBUG)
        client = aiohttp.ClientSession(f"http://127.0.0.1:{server.port}")
        try:
            yield Served(data, clock, kiosk, server, client, caught)
        finally:
            await client.close()
            await server.stop()
            for name in LOGGERS:
                logging.getLogger(name).removeHandler(caught)
