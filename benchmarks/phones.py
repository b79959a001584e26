"""The phones of a sign-in run, in a process of their own
(``python -m benchmarks.phones``), and the kiosk's side of the pipe to them.

Phones are other machines: their own work (building requests, reading
pages, cookie jars, their garbage collection) never takes the kiosk's
interpreter lock nor counts as its time (see ``benchmarks.signin_http``).
The kiosk drives them pass by pass with JSON lines on the process's stdin
and stdout, and hands them the code on its screen when they scan it.
"""

from __future__ import annotations

import asyncio
import gc
import html
import json
import re
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import aiohttp
from yarl import URL

from benchmarks.signin_report import PassResult, Sample

#: Where ``python -m benchmarks.phones`` finds this package.
ROOT = Path(__file__).resolve().parents[1]
#: The first phone arrives this long after a pass is set up.
_LEAD = 0.05
#: No request of a healthy run takes anywhere near this long.
_TIMEOUT = aiohttp.ClientTimeout(total=60)
_LINE_LIMIT = 1 << 24

_TICKET = re.compile(r'name="ticket" value="([^"]+)"')
_ACTION = re.compile(r'<form method="post" action="([^"]+)"')
_HEADING = re.compile(r"<h2>(.*?)</h2>", re.DOTALL)
#: The pages' headings (the kiosk speaks Chinese: KioskEnv's default).
_STATIC_HEADING = "扫码签到"
_SIGNED_IN = "签到成功"
_ONE_TAP = 'id="one-tap"'

#: The kinds of pass the phones walk.
STATIC, FIRST_TIME, ONE_TAP = "static", "first time", "one tap"


class Problem(Exception):
    """A page that is not what the walk expects."""


# --------------------------------------------------------------------------
# The phones' process, seen from the kiosk: JSON lines on its stdin and stdout


class Phones:
    """``python -m benchmarks.phones``, driven pass by pass; ``code`` is
    the code on the kiosk's screen now (None: no meeting takes sign-ins)."""

    def __init__(self, process: asyncio.subprocess.Process, code: Callable[[], str | None]) -> None:
        self.process = process
        self.code = code

    @classmethod
    async def start(cls, code: Callable[[], str | None]) -> Phones:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks.phones",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            cwd=ROOT,
            limit=_LINE_LIMIT,
        )
        return cls(process, code)

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
                await self._send({"op": "code", "url": self.code()})
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


if __name__ == "__main__":
    sys.exit(phones_main())
