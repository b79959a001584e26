"""Sixty members sign in by phone within ten seconds, over real HTTP.

    .venv/bin/python -m benchmarks.signin_http [--members 60] [--seconds 10]
                                               [--years N] [--json]

The set-up (not timed): a temporary data directory with the demo branch as
``xiaozu demo`` makes it (records, unlock PINs, sign-in PINs) plus extra full
members in 第一党小组 (g1), so that the group has ``--members`` party members,
each with a sign-in PIN. With ``--years N`` the branch is the big one of
``rules.samples.ten_years`` instead (8 groups of 12, N years of monthly
meetings, as ``xiaozu demo --years N`` makes it), and only g1's members get
sign-in PINs.
A kiosk (``tui.core.kiosk.Kiosk``: the real clock, no Textual) plans and starts
g1's next meeting through ``rules.flow`` and takes sign-ins for it; its
``PhoneServer`` serves the phone pages on 127.0.0.1, on a free port, in this
process's asyncio loop, as the kiosk serves them in Textual's.

The phones are another process (this module with ``--phones``), as phones
are other machines: their own work (building requests, reading pages, cookie
jars; their garbage collection, which waits until a pass is over) never
takes the kiosk's interpreter lock nor counts as its time. That matters: the
kiosk writes on a thread, and a thread that gives up the GIL at every system
call of an atomic write waits up to the 5 ms switch interval to get it back
while another thread of the process is busy, so phones in the kiosk's
process would slow the sign-in far more than the static page. The kiosk hands the phones
the code on its screen (``server.code_url()``) over the pipe between them,
outside every timing.

The run: five passes of ``--members`` phones each. A phone is one aiohttp
session with its own cookie jar (a browser keeps cookies); phone ``i``
arrives at ``i * seconds / members`` after the pass begins, so arrivals are
spread evenly over the window:

1. static: each phone fetches the server's static front page (``GET /``)
   twice: on a new connection, then on the kept-alive one;
2. first time: new phones scan the code (not timed), ``GET`` it (a form with
   a ticket, and the phone cookie) and ``POST`` member number and sign-in PIN;
3. static, again;
4. one tap: the same phones with their cookies, on new connections (a month
   later), scan the code of a new meeting of g1 and ``POST`` ``remembered=1``;
5. static, a third time.

The **round trip** is the second request of a walk: the ``POST``, or the
second ``GET /``, both on a kept-alive connection. The **walk** is both
requests, from the first byte sent to the last read. Each sign-in pass is
compared with the static passes just before and after it, pooled, which
cancels most drift of a shared, noisy machine: the ratios are the result,
not the bare times. With 60 samples p99 is, in effect, the slowest one or two.

Every member must be recorded in each sign-in pass, in the kiosk's memory and
in the meeting read back from disk by a fresh read-only ``FileRepository``
(as ``xiaozu check`` reads while the kiosk runs). A pass meets "N in S
seconds" when every member was recorded and it was over within ``--seconds``
plus the walk of the phone that arrived last.

Why the first-time sign-in cannot be within 3x of a static page: it checks a
sign-in PIN, and that is one scrypt (``storage.pins``: N=2**14, r=8, 16 MiB),
some 50-100 ms of work on purpose, so that a copied ``org.json`` cannot be
brute-forced over all 10 000 four-digit PINs in moments. The kiosk checks
one PIN at a time (``Kiosk._pin_lock``), so phones arriving together queue
for it. Against a static page of about a millisecond that is a ratio of tens,
by design; the run times one ``verify_signin_pin`` apart and reports it
beside the first-time figures. The like-for-like comparison is the one-tap
pass: a remembered phone's sign-in checks only HMACs (ticket, cookie), so
what it adds to a static page is the sign-in itself and its record appended
to the sign-in journal (``storage.journal``: one fdatasync, then the phone
is told). The aim, p99 within 3x of the static page, applies to it. The
durable write alone is timed by ``benchmarks.signin_write``.

Exit status: 0 when every member was recorded in both sign-in passes, in
memory and on disk; 1 when not (correctness: no timing decides the status);
2 for bad arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import html
import json
import logging
import math
import os
import random
import re
import sys
import tempfile
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from yarl import URL

from benchmarks.signin_write import start_for_signin
from rules.models import Meeting, MemberStatus, Person, RecordedBy, Step
from rules.samples.demo import DemoData, demo_branch
from rules.samples.ten_years import ten_year_branch
from storage import FileRepository, save_records
from tui.core.env import KioskEnv
from tui.core.kiosk import Kiosk
from tui.phone.server import PhoneServer

TZ = ZoneInfo("Asia/Shanghai")
GROUP = "g1"
#: Where ``python -m benchmarks...`` finds this package (for the phones).
ROOT = Path(__file__).resolve().parents[1]
#: The first phone arrives this long after a pass is set up.
_LEAD = 0.05
#: No request of a healthy run takes anywhere near this long.
_TIMEOUT = aiohttp.ClientTimeout(total=60)
_CALLS = 5  # scrypt, timed this often, twice
_LINE_LIMIT = 1 << 24

_TICKET = re.compile(r'name="ticket" value="([^"]+)"')
_ACTION = re.compile(r'<form method="post" action="([^"]+)"')
_HEADING = re.compile(r"<h2>(.*?)</h2>", re.DOTALL)
#: The pages' headings (the kiosk speaks Chinese: KioskEnv's default).
_STATIC_HEADING = "扫码签到"
_SIGNED_IN = "签到成功"
_ONE_TAP = 'id="one-tap"'

# Names for the extra members (any will do; they only make the roster real).
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"

#: The kinds of pass the phones walk.
STATIC, FIRST_TIME, ONE_TAP = "static", "first time", "one tap"


# --------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Stats:
    """Timings of one kind of request, in milliseconds."""

    n: int
    p50_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Stats:
        if not seconds:
            return cls(0, 0.0, 0.0, 0.0, 0.0)
        ms = sorted(s * 1000 for s in seconds)
        return cls(
            n=len(ms),
            p50_ms=round(percentile(ms, 0.50), 3),
            p99_ms=round(percentile(ms, 0.99), 3),
            mean_ms=round(sum(ms) / len(ms), 3),
            max_ms=round(ms[-1], 3),
        )


def percentile(ordered: Sequence[float], q: float) -> float:
    """The ``q`` quantile of sorted values, linearly interpolated (numpy's
    default; ``statistics.quantiles(method="inclusive")``)."""
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b > 0 else None


@dataclass
class Sample:
    """One phone's walk in one pass. Times in seconds."""

    index: int
    ok: bool
    first_s: float = 0.0  # GET the code (or the static page, on a new connection)
    round_trip_s: float = 0.0  # POST the form (or the static page again)
    walk_s: float = 0.0  # both, from the first byte sent to the last read
    start_lag_s: float = 0.0  # how late the phone set off against its schedule
    end_s: float = 0.0  # when its walk was over, since the pass began
    problem: str = ""


@dataclass(frozen=True)
class PassResult:
    name: str
    phones: int
    answered: int  # walks that got the pages they expect
    wall_s: float  # from the first arrival to the last answer
    last_walk_s: float  # the walk of the phone that arrived last
    max_start_lag_ms: float
    first: Stats
    round_trip: Stats
    walk: Stats
    problems: list[str] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list, repr=False)

    @classmethod
    def of(cls, name: str, samples: Sequence[Sample]) -> PassResult:
        good = [s for s in samples if s.ok]
        return cls(
            name=name,
            phones=len(samples),
            answered=len(good),
            wall_s=round(max(s.end_s for s in samples), 3),
            last_walk_s=round(samples[-1].walk_s, 4),
            max_start_lag_ms=round(max(s.start_lag_s for s in samples) * 1000, 2),
            first=Stats.of([s.first_s for s in good]),
            round_trip=Stats.of([s.round_trip_s for s in good]),
            walk=Stats.of([s.walk_s for s in good]),
            problems=[s.problem for s in samples if not s.ok],
            samples=list(samples),
        )


@dataclass(frozen=True)
class SigninResult:
    run: PassResult
    meeting_id: str
    expected: int  # members the meeting expects (those it started with)
    recorded_kiosk: int  # of the phones' members: recorded as come, by phone
    recorded_disk: int
    all_recorded: bool
    n_in_seconds: bool  # all recorded, and over within seconds + the last walk
    baseline: str  # the static passes pooled as this pass's baseline
    baseline_round_trip: Stats
    baseline_walk: Stats
    ratios: dict[str, float | None]
    window_s: float = 0.0  # the arrival window of this pass
    syncs: int = 0  # fsync and fdatasync calls of the kiosk's process in the pass
    batches: int = 0  # journal appends (group commit: one sync each)

    @property
    def syncs_per_signin(self) -> float | None:
        return round(self.syncs / self.recorded_disk, 3) if self.recorded_disk else None


@dataclass(frozen=True)
class Report:
    members: int
    seconds: float
    setup_s: float
    pins_hashed: int
    scrypt: Stats  # one verify_signin_pin: an org.json read and one scrypt
    static: dict[str, PassResult]
    first_time: SigninResult
    one_tap: SigninResult
    one_tap_p99_within_3x: bool
    ok: bool  # every member recorded in both passes, in memory and on disk
    years: int | None = None  # the ten-year branch's years (None: the demo)
    pin_seconds: float | None = None  # the first-time pass's window (None: seconds)
    addresses: int = 1  # loopback addresses the phones come from
    burst: SigninResult | None = None  # one tap again, all within a moment

    def to_json(self) -> dict[str, Any]:
        def clean(value: Any) -> Any:
            if isinstance(value, dict):
                # Each phone's samples: too much for a summary.
                return {k: clean(v) for k, v in value.items() if k != "samples"}
            if isinstance(value, list):
                return [clean(v) for v in value]
            return value

        result: dict[str, Any] = clean(asdict(self))
        return result


class Problem(Exception):
    """A page that is not what the walk expects."""


# --------------------------------------------------------------------------
# The data directory


@dataclass(frozen=True)
class Member:
    person_id: str
    number: str  # 党员编号
    pin: str  # sign-in PIN


def _branch(years: int | None) -> DemoData:
    now = datetime.now(TZ)
    return demo_branch(now) if years is None else ten_year_branch(now, years)


def demo_group_size(years: int | None = None) -> int:
    """g1's party members in the demo branch (or the ten-year branch): the
    fewest a run can have."""
    return len(_branch(years).records.organisation.members_of(GROUP))


def prepare_data(data: Path, members: int, years: int | None = None) -> tuple[list[Member], int]:
    """The demo branch, as ``xiaozu demo`` makes it (``xiaozu demo --years``
    with ``years``), with g1 grown to ``members`` party members, each with a
    sign-in PIN. Returns g1's members and how many PINs were hashed."""
    demo = _branch(years)
    org = demo.records.organisation
    existing = org.members_of(GROUP)
    if members < len(existing):
        raise ValueError(f"g1 has {len(existing)} members in the demo, more than {members}")
    numbers = {p.member_no for p in org.people if p.member_no}
    taken = {p.id for p in org.people}
    serial = max(int(p.id[1:]) for p in org.people if p.id[1:].isdigit())
    rng = random.Random(members)
    extra: list[Person] = []
    extra_pins: dict[str, str] = {}
    while len(existing) + len(extra) < members:
        serial += 1
        person_id, number = f"p{serial:02d}", f"DY{3300100 + serial:07d}"
        if person_id in taken or number in numbers:
            continue
        k = len(extra)
        name = _SURNAMES[k % len(_SURNAMES)] + _GIVEN[(k * 7 + k // 20) % len(_GIVEN)]
        extra.append(
            Person(
                id=person_id,
                name=name,
                status=MemberStatus.FULL,
                member_no=number,
                department="生产一车间",
                group_id=GROUP,
            )
        )
        extra_pins[person_id] = f"{rng.randrange(10_000):04d}"
    org = replace(org, people=(*org.people, *extra))
    records = replace(demo.records, organisation=org)
    signin_pins = {**demo.signin_pins, **extra_pins}
    if years is not None:
        # Only those who sign in: each PIN is a scrypt and an org.json write.
        signin_pins = {p.id: signin_pins[p.id] for p in org.members_of(GROUP)}
    with FileRepository(data) as repo:
        save_records(repo, records)
        if years is not None:
            repo.save_dues(demo.dues)
        for person_id, pin in demo.pins.items():
            repo.set_pin(person_id, pin)
        # One at a time: each call reads, changes and rewrites org.json.
        for person_id, pin in signin_pins.items():
            repo.set_signin_pin(person_id, pin)
    group = [Member(p.id, p.member_no or "", signin_pins[p.id]) for p in org.members_of(GROUP)]
    return group, len(demo.pins) + len(signin_pins)


def recorded_by_phone(meeting: Meeting | None, wanted: set[str]) -> int:
    """How many of ``wanted`` the meeting records as come, by phone."""
    if meeting is None:
        return 0
    return sum(
        1
        for a in meeting.attendance
        if a.person_id in wanted and a.status.attended and a.recorded_by is RecordedBy.PHONE
    )


def recorded_on_disk(data: Path, meeting_id: str, wanted: set[str]) -> int:
    """The same, from the meeting read back by a fresh read-only repository
    (its file and the sign-in journal; it takes no lock: as ``xiaozu check``
    reads while the kiosk runs)."""
    with FileRepository(data, writable=False) as repo:
        return recorded_by_phone(repo.meeting(meeting_id), wanted)


# --------------------------------------------------------------------------
# The kiosk


class KioskSide:
    """The kiosk, its meetings and its phone server, on the running loop."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.kiosk: Kiosk | None = None
        self.server: PhoneServer | None = None
        self.syncs = SyncCount()

    def _kiosk(self) -> Kiosk:
        assert self.kiosk is not None, "the kiosk is not open"
        return self.kiosk

    async def open(self) -> str:
        """Open the kiosk and start its server; the static page's address."""
        self.kiosk = Kiosk(KioskEnv(self.data, tz=TZ), FileRepository(self.data).open())
        self.server = PhoneServer(self.kiosk)
        if not await self.server.start("127.0.0.1", 0):
            problem = self.server.problem
            raise RuntimeError(problem.en if problem else "the phone server did not start")
        return f"http://127.0.0.1:{self.server.port}/"

    async def open_next_meeting(self) -> Meeting:
        """Plan and start g1's next meeting (the earliest in preparation, not
        postponed), and take sign-ins for it."""
        kiosk = self._kiosk()
        ready = [
            m
            for m in kiosk.meetings(GROUP)
            if m.step is Step.PREPARATION and m.postponement is None
        ]
        if not ready:
            raise RuntimeError("g1 has no meeting in preparation")
        return await self._start(min(ready, key=lambda m: (m.planned_at, m.id)))

    async def open_another_meeting(self, after: Meeting) -> Meeting:
        """A new meeting of g1 four weeks after ``after``: planned, started,
        taking sign-ins."""
        planned_at = after.planned_at + timedelta(weeks=4)
        meeting = Meeting(
            id=f"m-{GROUP}-{planned_at:%Y%m%d}-bench",
            group_id=GROUP,
            planned_at=planned_at,
            topics=after.topics,
            chair_id=after.chair_id,
        )
        return await self._start(meeting)

    async def _start(self, meeting: Meeting) -> Meeting:
        return await start_for_signin(self._kiosk(), meeting, "生产一车间二楼会议室")

    def code_url(self) -> str | None:
        """The code on the screen now."""
        assert self.server is not None
        return self.server.code_url()

    async def recorded(self, meeting_id: str, wanted: set[str]) -> tuple[int, int]:
        """Once every write is on disk: (members the meeting expects, how many
        of ``wanted`` the kiosk holds as signed in by phone)."""
        kiosk = self._kiosk()
        if not await kiosk.writer.flush():
            raise RuntimeError(f"the meeting {meeting_id} could not be saved")
        meeting = kiosk.records.meeting(meeting_id)
        return len(meeting.expected_ids), recorded_by_phone(meeting, wanted)

    def writes(self) -> tuple[int, int]:
        """(syncs so far, journal batches so far), for a pass to difference."""
        return self.syncs.count, self._kiosk().writer.batches

    async def time_scrypt(self, member: Member) -> list[float]:
        """Seconds of single ``verify_signin_pin`` calls (org.json read, one
        scrypt), each on a worker thread as the server runs them."""
        repo = self._kiosk().repo

        def one() -> float:
            began = time.perf_counter()
            if not repo.verify_signin_pin(member.person_id, member.pin):
                raise RuntimeError(f"the sign-in PIN of {member.person_id} does not verify")
            return time.perf_counter() - began

        return [await asyncio.to_thread(one) for _ in range(_CALLS)]

    async def close(self) -> None:
        if self.server is not None:
            await self.server.stop()
        if self.kiosk is not None:
            await self.kiosk.writer.flush()
            self.kiosk.close()
        self.syncs.stop()
        close_phone_log(self.data)


class SyncCount:
    """Every ``os.fsync`` and ``os.fdatasync`` of this process (the kiosk's)
    while it is installed, counted (the storage modules look both up on
    ``os`` when they call them)."""

    NAMES = ("fsync", "fdatasync")

    def __init__(self) -> None:
        self.count = 0
        self._real = {name: getattr(os, name) for name in self.NAMES}
        for name, real in self._real.items():
            setattr(os, name, self._counted(real))

    def _counted(self, real: Callable[[Any], None]) -> Callable[[Any], None]:
        def sync(fd: Any) -> None:
            self.count += 1
            real(fd)

        return sync

    def stop(self) -> None:
        for name, real in self._real.items():
            setattr(os, name, real)


def close_phone_log(data: Path) -> None:
    """Close the log files the server opened in the data directory (it is
    about to be removed)."""
    logger = logging.getLogger("xiaozu.phone")
    for handler in list(logger.handlers):
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename).is_relative_to(
            data
        ):
            logger.removeHandler(handler)
            handler.close()


# --------------------------------------------------------------------------
# The phones' process, seen from the kiosk: JSON lines on its stdin and stdout


class Phones:
    """``python -m benchmarks.signin_http --phones``, driven pass by pass."""

    def __init__(self, process: asyncio.subprocess.Process, side: KioskSide) -> None:
        self.process = process
        self.side = side

    @classmethod
    async def start(cls, side: KioskSide) -> Phones:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks.signin_http",
            "--phones",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            cwd=ROOT,
            limit=_LINE_LIMIT,
        )
        return cls(process, side)

    async def _send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message).encode() + b"\n")
        await self.process.stdin.drain()

    async def _receive(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await self.process.stdout.readline()
        if not line:
            status = await self.process.wait()
            raise RuntimeError(f"the phones' process ended (exit status {status})")
        message: dict[str, Any] = json.loads(line)
        return message

    async def walk(self, op: str, **fields: Any) -> list[Sample]:
        """Have the phones walk; answer their scans of the code meanwhile."""
        await self._send({"op": op, **fields})
        while True:
            message = await self._receive()
            if message["op"] == "code?":
                await self._send({"op": "code", "url": self.side.code_url()})
            elif message["op"] == "done":
                return [Sample(**s) for s in message["samples"]]
            elif message["op"] == "failed":
                raise RuntimeError(f"the phones failed: {message['error']}")
            else:
                raise RuntimeError(f"the phones said {message!r}")

    async def run_pass(self, name: str, kind: str, seconds: float, **fields: Any) -> PassResult:
        samples = await self.walk("pass", name=name, kind=kind, seconds=seconds, **fields)
        return PassResult.of(name, samples)

    async def close(self) -> None:
        if self.process.returncode is None:
            try:
                await self._send({"op": "quit"})
                await asyncio.wait_for(self.process.wait(), 10)
            except (OSError, TimeoutError):
                self.process.kill()
                await self.process.wait()


# --------------------------------------------------------------------------
# The phones' process


def _heading(page: str) -> str:
    found = _HEADING.search(page)
    return html.unescape(found.group(1)) if found else ""


async def _get(phone: aiohttp.ClientSession, url: str | URL) -> tuple[int, str]:
    async with phone.get(url) as response:
        return response.status, await response.text()


async def _post(
    phone: aiohttp.ClientSession, url: str | URL, fields: dict[str, str]
) -> tuple[int, str]:
    async with phone.post(url, data=fields) as response:
        return response.status, await response.text()


#: One phone's walk: (first request, round trip, whole walk) in seconds.
Walk = Callable[[int, aiohttp.ClientSession], Awaitable[tuple[float, float, float]]]


def static_walk(base: str) -> Walk:
    """``GET /`` on a new connection, then again on the kept-alive one."""

    async def walk(index: int, phone: aiohttp.ClientSession) -> tuple[float, float, float]:
        began = time.perf_counter()
        status, page = await _get(phone, base)
        middle = time.perf_counter()
        again, page_again = await _get(phone, base)
        done = time.perf_counter()
        for code, text in ((status, page), (again, page_again)):
            if code != 200 or _heading(text) != _STATIC_HEADING:
                raise Problem(f"GET /: {code} {_heading(text)!r}")
        return middle - began, done - middle, done - began

    return walk


def signin_walk(
    scan: Callable[[], Awaitable[str]], fields: Callable[[int], dict[str, str]], one_tap: bool
) -> Walk:
    """Scan the code (not timed), GET it, POST the form it holds."""

    async def walk(index: int, phone: aiohttp.ClientSession) -> tuple[float, float, float]:
        url = URL(await scan())
        began = time.perf_counter()
        status, page = await _get(phone, url)
        middle = time.perf_counter()
        ticket, action = _TICKET.search(page), _ACTION.search(page)
        if status != 200 or ticket is None or action is None:
            raise Problem(f"GET code: {status} {_heading(page)!r}")
        if one_tap and _ONE_TAP not in page:
            raise Problem(f"GET code: the phone is not remembered ({_heading(page)!r})")
        form = {"ticket": html.unescape(ticket.group(1)), **fields(index)}
        target = url.join(URL(html.unescape(action.group(1))))
        sent = time.perf_counter()
        status, page = await _post(phone, target, form)
        done = time.perf_counter()
        if status != 200 or _heading(page) != _SIGNED_IN:
            raise Problem(f"POST {target.path}: {status} {_heading(page)!r}")
        return middle - began, done - sent, done - began

    return walk


async def arrivals(
    phones: Sequence[aiohttp.ClientSession], seconds: float, walk: Walk
) -> list[Sample]:
    """Phone ``i`` sets off at ``i * seconds / len(phones)``; walks overlap."""
    loop = asyncio.get_running_loop()
    spacing = seconds / len(phones)
    began = loop.time() + _LEAD

    async def arrive(index: int, phone: aiohttp.ClientSession) -> Sample:
        due = began + index * spacing
        await asyncio.sleep(max(0.0, due - loop.time()))
        lag = max(0.0, loop.time() - due)
        try:
            first, round_trip, whole = await walk(index, phone)
        except (aiohttp.ClientError, TimeoutError, Problem) as error:
            problem = f"phone {index}: {type(error).__name__}: {error}"
            return Sample(index, False, start_lag_s=lag, end_s=loop.time() - began, problem=problem)
        return Sample(index, True, first, round_trip, whole, lag, loop.time() - began)

    return list(await asyncio.gather(*(arrive(i, p) for i, p in enumerate(phones))))


class PhonesProcess:
    """The phones, in their own process: they take passes from stdin, ask
    for the code on the kiosk's screen on stdout, and answer with samples."""

    def __init__(self) -> None:
        # The first-time phones' cookie jars: the one-tap pass reuses them.
        self.jars: list[aiohttp.CookieJar] = []
        self.codes: deque[asyncio.Future[str | None]] = deque()

    def _say(self, message: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    async def scan(self) -> str:
        """The code on the kiosk's screen now (asked over the pipe)."""
        code: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        self.codes.append(code)
        self._say({"op": "code?"})
        url = await code
        if url is None:
            raise Problem("no code on the screen: no meeting takes sign-ins")
        return url

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=_LINE_LIMIT)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        tasks: set[asyncio.Task[None]] = set()
        while line := await reader.readline():
            message = json.loads(line)
            if message["op"] == "code":
                self.codes.popleft().set_result(message["url"])
            elif message["op"] in ("pass", "warm"):
                task = asyncio.create_task(self._walk(message))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            elif message["op"] == "quit":
                break
        for task in list(tasks):
            task.cancel()

    async def _walk(self, message: dict[str, Any]) -> None:
        try:
            if message["op"] == "warm":
                samples = await self._warm(message["base"])
            else:
                samples = await self._pass(message)
        except Exception as error:  # the kiosk's side says it and stops
            self._say({"op": "failed", "error": f"{type(error).__name__}: {error}"})
            return
        self._say({"op": "done", "samples": [asdict(s) for s in samples]})

    async def _warm(self, base: str) -> list[Sample]:
        """What a long-running kiosk has warm: its pages, on a throwaway
        phone (no sign-in)."""
        async with aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=_TIMEOUT
        ) as phone:
            for _ in range(3):
                await _get(phone, base)
            await _get(phone, await self.scan())
        return []

    async def _pass(self, message: dict[str, Any]) -> list[Sample]:
        kind, seconds = message["kind"], float(message["seconds"])
        walk: Walk
        if kind == STATIC:
            jars = [aiohttp.CookieJar(unsafe=True) for _ in range(message["phones"])]
            walk = static_walk(message["base"])
        elif kind == FIRST_TIME:
            members = message["members"]
            jars = self.jars = [aiohttp.CookieJar(unsafe=True) for _ in members]
            walk = signin_walk(
                self.scan, lambda i: {"number": members[i][0], "pin": members[i][1]}, False
            )
        elif kind == ONE_TAP:
            jars = self.jars
            walk = signin_walk(self.scan, lambda i: {"remembered": "1"}, True)
        else:
            raise ValueError(f"no such pass: {kind!r}")
        # New sessions (new connections); a jar outlives its session. Phone i
        # comes from 127.0.0.(2 + i mod addresses) when there are several.
        addresses = int(message.get("addresses", 1))
        phones = [
            aiohttp.ClientSession(
                cookie_jar=jar,
                timeout=_TIMEOUT,
                connector=aiohttp.TCPConnector(local_addr=(phone_address(i, addresses), 0))
                if addresses > 1
                else None,
            )
            for i, jar in enumerate(jars)
        ]
        # The phones' own garbage collection waits for the end of the pass: a
        # full collection here takes 30-40 ms, and would be timed as the
        # kiosk's answer. (The kiosk's own collections are its own: kept.)
        gc.collect()
        gc.disable()
        try:
            return await arrivals(phones, seconds, walk)
        finally:
            gc.enable()
            await asyncio.gather(*(phone.close() for phone in phones))


def phone_address(index: int, addresses: int) -> str:
    """The loopback address phone ``index`` comes from (127.0.0.0/8)."""
    return f"127.0.0.{2 + index % addresses}"


def phones_main() -> int:
    asyncio.run(PhonesProcess().serve())
    return 0


# --------------------------------------------------------------------------
# The run


def judge(
    run: PassResult,
    meeting_id: str,
    counts: tuple[int, int],
    on_disk: int,
    members: int,
    seconds: float,
    statics: Sequence[PassResult],
    writes: tuple[int, int] = (0, 0),
) -> SigninResult:
    expected, in_memory = counts
    every = expected == members and in_memory == members and on_disk == members
    baseline = [s for p in statics for s in p.samples if s.ok]
    base_rt = Stats.of([s.round_trip_s for s in baseline])
    base_walk = Stats.of([s.walk_s for s in baseline])
    return SigninResult(
        run=run,
        meeting_id=meeting_id,
        expected=expected,
        recorded_kiosk=in_memory,
        recorded_disk=on_disk,
        all_recorded=every,
        n_in_seconds=every and run.wall_s <= seconds + run.last_walk_s,
        baseline=" + ".join(p.name for p in statics),
        baseline_round_trip=base_rt,
        baseline_walk=base_walk,
        ratios={
            "round_trip_p50": ratio(run.round_trip.p50_ms, base_rt.p50_ms),
            "round_trip_p99": ratio(run.round_trip.p99_ms, base_rt.p99_ms),
            "walk_p50": ratio(run.walk.p50_ms, base_walk.p50_ms),
            "walk_p99": ratio(run.walk.p99_ms, base_walk.p99_ms),
        },
        window_s=seconds,
        syncs=writes[0],
        batches=writes[1],
    )


async def measure(
    members: int = 60,
    seconds: float = 10.0,
    years: int | None = None,
    *,
    pin_seconds: float | None = None,
    addresses: int = 1,
    burst_seconds: float | None = None,
    side: Callable[[Path], KioskSide] = KioskSide,
) -> Report:
    """``pin_seconds``: the first-time pass's window (None: ``seconds``);
    ``addresses``: loopback addresses the phones come from; ``burst_seconds``:
    a last one-tap pass, to a third meeting, within this window (None:
    none); ``side``: the kiosk (``benchmarks.signin_room`` mounts the
    sign-in screen)."""
    with tempfile.TemporaryDirectory(prefix="xiaozu-bench-") as tmp:
        data = Path(tmp) / "data"
        began = time.perf_counter()
        group, hashed = await asyncio.to_thread(prepare_data, data, members, years)
        setup_s = time.perf_counter() - began
        kiosk = side(data)
        phones: Phones | None = None
        try:
            base = await kiosk.open()
            phones = await Phones.start(kiosk)
            windows = Windows(seconds, pin_seconds or seconds, addresses, burst_seconds)
            report = await _measure(kiosk, phones, base, data, group, windows, setup_s, hashed)
            return replace(report, years=years)
        finally:
            if phones is not None:
                await phones.close()
            await kiosk.close()


@dataclass(frozen=True)
class Windows:
    """How the phones arrive: over ``seconds`` (static and one-tap passes),
    over ``pin_seconds`` (the first-time pass), from ``addresses`` loopback
    addresses."""

    seconds: float
    pin_seconds: float
    addresses: int
    burst_seconds: float | None = None


async def _measure(
    side: KioskSide,
    phones: Phones,
    base: str,
    data: Path,
    group: list[Member],
    windows: Windows,
    setup_s: float,
    hashed: int,
) -> Report:
    members = len(group)
    wanted = {m.person_id for m in group}
    seconds, pin_seconds = windows.seconds, windows.pin_seconds
    addresses = windows.addresses
    first_meeting = await side.open_next_meeting()
    await phones.walk("warm", base=base)
    scrypt = await side.time_scrypt(group[0])

    async def static(name: str) -> PassResult:
        return await phones.run_pass(
            name, STATIC, seconds, base=base, phones=members, addresses=addresses
        )

    def since(before: tuple[int, int]) -> tuple[int, int]:
        now = side.writes()
        return now[0] - before[0], now[1] - before[1]

    before = await static("static before")
    writes = side.writes()
    first_run = await phones.run_pass(
        FIRST_TIME,
        FIRST_TIME,
        pin_seconds,
        members=[(m.number, m.pin) for m in group],
        addresses=addresses,
    )
    first_counts = await side.recorded(first_meeting.id, wanted)
    first_writes = since(writes)
    first_disk = await asyncio.to_thread(recorded_on_disk, data, first_meeting.id, wanted)
    second_meeting = await side.open_another_meeting(first_meeting)

    between = await static("static between")
    writes = side.writes()
    tap_run = await phones.run_pass(ONE_TAP, ONE_TAP, seconds, addresses=addresses)
    tap_counts = await side.recorded(second_meeting.id, wanted)
    tap_writes = since(writes)
    tap_disk = await asyncio.to_thread(recorded_on_disk, data, second_meeting.id, wanted)
    after = await static("static after")
    burst = None
    if windows.burst_seconds is not None:
        third_meeting = await side.open_another_meeting(second_meeting)
        writes = side.writes()
        burst_run = await phones.run_pass(
            "one tap, burst", ONE_TAP, windows.burst_seconds, addresses=addresses
        )
        burst_counts = await side.recorded(third_meeting.id, wanted)
        burst_writes = since(writes)
        burst_disk = await asyncio.to_thread(recorded_on_disk, data, third_meeting.id, wanted)
        burst = judge(
            burst_run,
            third_meeting.id,
            burst_counts,
            burst_disk,
            members,
            windows.burst_seconds,
            (between, after),
            burst_writes,
        )

    scrypt += await side.time_scrypt(group[0])
    first_time = judge(
        first_run,
        first_meeting.id,
        first_counts,
        first_disk,
        members,
        pin_seconds,
        (before, between),
        first_writes,
    )
    one_tap = judge(
        tap_run,
        second_meeting.id,
        tap_counts,
        tap_disk,
        members,
        seconds,
        (between, after),
        tap_writes,
    )
    tap_p99 = one_tap.ratios["round_trip_p99"]
    return Report(
        members=members,
        seconds=seconds,
        setup_s=round(setup_s, 2),
        pins_hashed=hashed,
        scrypt=Stats.of(scrypt),
        static={p.name: p for p in (before, between, after)},
        first_time=first_time,
        one_tap=one_tap,
        one_tap_p99_within_3x=tap_p99 is not None and tap_p99 <= 3.0,
        ok=first_time.all_recorded
        and one_tap.all_recorded
        and (burst is None or burst.all_recorded),
        pin_seconds=pin_seconds,
        addresses=addresses,
        burst=burst,
    )


def run(members: int = 60, seconds: float = 10.0, years: int | None = None) -> Report:
    return asyncio.run(measure(members, seconds, years))


# --------------------------------------------------------------------------
# Output


def _pair(stats: Stats) -> str:
    return f"{stats.p50_ms:8.2f} {stats.p99_ms:8.2f}"


def _times(value: float | None) -> str:
    return f"{value:.1f}x" if value is not None else "—"


def table(report: Report) -> str:
    spacing_ms = report.seconds / report.members * 1000
    data_name = "demo data" if report.years is None else f"{report.years} years of data"
    passes = [
        report.static["static before"],
        report.first_time.run,
        report.static["static between"],
        report.one_tap.run,
        report.static["static after"],
        *([report.burst.run] if report.burst is not None else []),
    ]
    pin_seconds = report.pin_seconds or report.seconds
    first_time = f" (first time: over {pin_seconds:g} s)" if pin_seconds != report.seconds else ""
    source = f", from {report.addresses} loopback addresses" if report.addresses > 1 else ""
    lines = [
        f"Sign-in over HTTP: {report.members} members of {GROUP}, one arriving every"
        f" {spacing_ms:.0f} ms over {report.seconds:g} s{first_time}{source}",
        f"set-up, not timed ({data_name}, {report.pins_hashed} PINs hashed):"
        f" {report.setup_s:.1f} s",
        f"one verify_signin_pin (org.json read, one scrypt): p50 {report.scrypt.p50_ms:.1f} ms,"
        f" max {report.scrypt.max_ms:.1f} ms ({report.scrypt.n} calls)",
        "",
        f"{'pass':<15} {'answered':>8} {'wall s':>7} {'lag ms':>7}"
        f"  {'first GET p50 p99':>17}  {'round trip p50 p99':>17}  {'walk p50 p99':>17}",
    ]
    for p in passes:
        lines.append(
            f"{p.name:<15} {f'{p.answered}/{p.phones}':>8} {p.wall_s:7.2f}"
            f" {p.max_start_lag_ms:7.1f}  {_pair(p.first)}  {_pair(p.round_trip)}  {_pair(p.walk)}"
        )
    lines += [
        "(times in ms; lag: the latest a phone set off against its schedule)",
        "",
        f"{'sign-in pass':<15} {'recorded mem/disk':>17} {'in window':>14}"
        f"  {'round trip ÷ static p50 p99':>27}  {'walk ÷ static p50 p99':>21}"
        f"  {'syncs/sign-in':>13}",
    ]
    signins = [report.first_time, report.one_tap, *([report.burst] if report.burst else [])]
    for s in signins:
        r = s.ratios
        recorded = f"{s.recorded_kiosk}/{s.recorded_disk} of {s.expected}"
        window = f"{'yes' if s.n_in_seconds else 'NO'} ({s.window_s:g} s)"
        per = f"{s.syncs_per_signin:.2f}" if s.syncs_per_signin is not None else "—"
        lines.append(
            f"{s.run.name:<15} {recorded:>17} {window:>14}"
            f"  {_times(r['round_trip_p50']):>13} {_times(r['round_trip_p99']):>13}"
            f"  {_times(r['walk_p50']):>10} {_times(r['walk_p99']):>10}"
            f"  {per:>13}"
        )
    lines += [
        "",
        "baselines: first time ÷ (static before + between); one tap ÷ (static between + after)",
        "first time includes one scrypt, by design; one tap is the like-for-like comparison",
        "aim, one-tap round trip p99 within 3x of the static page's:"
        f" {'met' if report.one_tap_p99_within_3x else 'NOT met'}",
    ]
    for p in passes:
        lines += [f"problem ({p.name}): {problem}" for problem in p.problems]
    for s in signins:
        if not s.all_recorded:
            lines.append(
                f"NOT EVERY MEMBER RECORDED ({s.run.name}): {report.members} phones, the"
                f" meeting expects {s.expected}, the kiosk holds {s.recorded_kiosk},"
                f" the disk {s.recorded_disk}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.signin_http",
        description="Members of one group sign in by phone over real HTTP; the same"
        " server's static page, in the same run, is the baseline.",
    )
    parser.add_argument(
        "--years",
        type=int,
        metavar="N",
        help="the ten-year branch (rules.samples.ten_years) with N years of data, not the demo",
    )
    parser.add_argument(
        "--members",
        type=int,
        default=60,
        help="party members of g1 (at least g1's own: 7 in the demo, 12 with --years)",
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="the arrival window")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--phones", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phones:
        return phones_main()
    if args.years is not None and args.years < 1:
        parser.error("--years must be at least 1")
    least = demo_group_size(args.years)
    if args.members < least:
        parser.error(f"--members must be at least {least}, g1's members in the branch")
    if not (0 < args.seconds < math.inf):
        parser.error("--seconds must be a positive number")
    report = run(args.members, args.seconds, args.years)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(table(report))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
