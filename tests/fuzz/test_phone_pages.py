"""The phone sign-in pages under hostile input (issue 7, "Hostile input").

Hypothesis sends the page server (``PhoneServer`` on a free port of
127.0.0.1, a ``Kiosk`` on a demo data directory whose g1
meeting takes sign-ins) EXAMPLES malformed requests in all:

* well-formed HTTP with odd methods, paths, cookies, content types and
  bodies (random bytes, forms in UTF-8, GBK, latin-1, UTF-16, huge fields,
  fields repeated);
* raw bytes on a socket: broken request lines, headers that are too long or
  not ASCII (cookies in UTF-8, GBK, latin-1, invalid UTF-8), lying
  Content-Length, bad chunked bodies, no HTTP at all;
* forms carrying a *valid* ticket for the phone that sends them, so that the
  fuzzing reaches the member number and PIN checks, with every other field
  hostile (never the number of a real member: that would be a real wrong
  PIN, which is counted on disk, by design).

Never a server error (5xx), never a traceback in a page or in the server's
log (no "Error handling request"), never a byte of the data changed.
Derandomized, so that CI runs the same examples every time.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_from_bytes

import aiohttp
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from rules.meeting import signin
from tests.faults.headless import (
    G1_NEXT,
    NUMBER,
    SECRET,
    Served,
    files_of,
    make_demo,
    served,
)
from tests.tui.conftest import NOW
from tui.phone.server import COOKIE

#: Malformed requests in all, across the three fuzz tests (at least 10,000).
EXAMPLES = {"requests": 4000, "raw": 3000, "forms": 3000}
assert sum(EXAMPLES.values()) >= 10_000

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.function_scoped_fixture,
    ],
)

# Fuzz, kill, browser and benchmark tests: the slow tier (README's test command runs it).
pytestmark = pytest.mark.slow

_counter = itertools.count()


class Page:
    """The served page and the loop it runs on (hypothesis tests are plain
    functions: each example runs its request to completion on this loop)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, served: Served) -> None:
        self.loop = loop
        self.served = served
        self.before = files_of(served.data)
        self.stamps = self.stamp()

    def stamp(self) -> dict[Path, tuple[int, int, int]]:
        """Each file's inode, size and time: an atomic write changes the
        inode, any write the time (cheap to take after every request; the
        bytes themselves are compared at the end)."""
        return {
            p: (s.st_ino, s.st_size, s.st_mtime_ns)
            for p in self.served.data.rglob("*")
            if p.is_file() and "logs" not in p.parts and p.name != ".lock"
            for s in [p.stat()]
        }

    def __repr__(self) -> str:
        return f"Page({self.served.data})"

    def run(self, coroutine: object) -> object:
        return self.loop.run_until_complete(coroutine)  # type: ignore[arg-type]

    def check(self, status: int | None, body: bytes, what: object) -> None:
        assert status is None or status < 500, (status, what, body[:300])
        assert b"Traceback" not in body, what
        bad = self.served.log.bad()
        assert not bad, (what, bad[:2])
        assert self.stamp() == self.stamps, f"the data changed: {what!r}"[:500]

    def fresh_phone(self) -> tuple[signin.PhoneCookie, str]:
        """A new phone's cookie and a valid ticket of the open meeting for it."""
        device = secrets.token_urlsafe(16)[:22]
        nonce = device + f"{next(_counter):010d}"
        ticket = signin.form_ticket(SECRET, G1_NEXT, NOW, nonce)
        return signin.PhoneCookie(device), ticket


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    data = make_demo(tmp_path_factory.mktemp("fuzz") / "data")
    loop = asyncio.new_event_loop()
    context = served(data)
    try:
        running = loop.run_until_complete(context.__aenter__())
        yield Page(loop, running)
    finally:
        loop.run_until_complete(context.__aexit__(None, None, None))
        loop.close()


# -- strategies ---------------------------------------------------------------------

_printable = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
ascii_text = st.text(_printable, max_size=80)
any_text = st.text(max_size=60)
#: A huge field: one character many times (cheap to make, costly to mishandle).
huge = st.builds(
    lambda c, n: c * n,
    st.sampled_from(["A", "签", "%", "\x00", "é", "&", "=", ";", '"']),
    st.integers(1000, 40_000),
)
#: Things that look more or less like a ticket, a room token or a cookie.
lookalike = st.builds(
    lambda parts, sep: sep.join(parts),
    st.lists(
        st.one_of(st.sampled_from(["F1", "P1", "B1", "-", "0", "99999999999"]), ascii_text),
        max_size=6,
    ),
    st.sampled_from([".", "..", "|", ""]),
)
hostile_text = st.one_of(any_text, ascii_text, huge, lookalike, st.just(""))
encodings = st.sampled_from(["utf-8", "gbk", "latin-1", "utf-16", "utf-8-sig", "cp1252"])
content_types = st.one_of(
    st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=gbk",
            "application/x-www-form-urlencoded; charset=latin-1",
            "application/x-www-form-urlencoded; charset=no-such-charset",
            "application/x-www-form-urlencoded; charset=utf-16",
            "multipart/form-data",
            "multipart/form-data; boundary=xyz",
            "multipart/form-data; boundary=",
            "text/plain",
            "application/json",
            "application/octet-stream",
            "",
            ";;;",
        ]
    ),
    ascii_text,
)


def _form_bytes(fields: list[tuple[str, str]], encoding: str, quoted: bool) -> bytes:
    parts = []
    for key, value in fields:
        k, v = key.encode(encoding, "replace"), value.encode(encoding, "replace")
        if quoted:
            parts.append(quote_from_bytes(k).encode() + b"=" + quote_from_bytes(v).encode())
        else:
            parts.append(k + b"=" + v)
    return b"&".join(parts)


field_names = st.one_of(st.sampled_from(["ticket", "number", "pin", "remembered"]), any_text)
forms = st.builds(
    _form_bytes,
    st.lists(st.tuples(field_names, hostile_text), max_size=8),
    encodings,
    st.booleans(),
)
bodies = st.one_of(
    st.binary(max_size=2000), forms, st.builds(lambda n: b"A" * n, st.integers(16_000, 70_000))
)


# -- 1. well-formed HTTP, hostile everything else ----------------------------------------

paths = st.one_of(
    st.sampled_from(
        ["/", "/S", "/s", "/S/", "/favicon.ico", "/S/a/b", "/S?x=1", "/%53/x", "/S/%00"]
    ),
    st.builds(lambda t: "/S/" + quote(t, safe=""), hostile_text),
    st.builds(lambda t: "/s/" + quote(t, safe="."), lookalike),
    st.builds(lambda t: "/" + quote(t, safe="/"), any_text.filter(lambda t: not t.startswith("/"))),
)
methods = st.sampled_from(
    ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND", "XYZ"]
)
headers = st.fixed_dictionaries(
    {},
    optional={
        "Cookie": st.one_of(
            ascii_text.map(lambda v: f"{COOKIE}={v}"),
            lookalike.map(lambda v: f"{COOKIE}={v}"),
            st.builds(lambda n: f"{COOKIE}=" + "P1." * n, st.integers(100, 2500)),
            ascii_text,
        ),
        "Content-Type": content_types,
        "Accept": st.sampled_from(["text/html", "*/*", ""]),
        "Accept-Language": ascii_text,
        "Content-Encoding": st.sampled_from(["gzip", "deflate", "br", "identity", "x"]),
    },
)


@settings(FUZZ, max_examples=EXAMPLES["requests"])
@given(method=methods, path=paths, headers=headers, body=bodies)
def test_odd_requests_never_break_the_page(
    page: Page, method: str, path: str, headers: dict[str, str], body: bytes
) -> None:
    async def ask() -> tuple[int | None, bytes]:
        client = page.served.client
        try:
            async with client.request(
                method, path, headers=headers, data=body, allow_redirects=False
            ) as response:
                return response.status, await response.read()
        except aiohttp.ClientResponseError as error:
            # The client could not read the answer (a HEAD answered with a
            # body, as aiohttp's parser does for a request it refuses): the
            # status it saw still counts.
            return error.status or None, b""
        except (aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError):
            return None, b""

    status, answer = page.run(ask())  # type: ignore[misc]
    page.check(status, answer, (method, path, headers, body[:200]))


# -- 2. raw bytes: not quite HTTP ----------------------------------------------------------

_cookie_value = st.one_of(
    any_text.flatmap(lambda t: encodings.map(lambda e: t.encode(e, "replace"))),
    st.binary(max_size=200).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b"")),
    st.just(b"\xff\xfe\xfd"),
    st.just("签到=一".encode("gbk")),
    st.builds(lambda n: b"\xe7\xad\xbe" * n, st.integers(100, 4000)),
)
_header_lines = st.lists(
    st.one_of(
        _cookie_value.map(lambda v: b"Cookie: " + COOKIE.encode() + b"=" + v),
        _cookie_value.map(lambda v: b"Cookie: " + v),
        content_types.map(lambda v: b"Content-Type: " + v.encode()),
        st.sampled_from([b"0", b"5", b"-1", b"abc", b"99999999999999999999", b"10", b" 3"]).map(
            lambda v: b"Content-Length: " + v
        ),
        st.just(b"Transfer-Encoding: chunked"),
        st.just(b"Transfer-Encoding: gzip, chunked"),
        st.just(b"Host: "),
        st.builds(lambda n: b"X-Long: " + b"a" * n, st.integers(4000, 20_000)),
        st.binary(max_size=100).map(lambda b: b.replace(b"\r\n", b"")),
    ),
    max_size=8,
)
_request_lines = st.one_of(
    st.builds(
        lambda m, p, v: m + b" " + p + b" " + v,
        st.sampled_from([b"GET", b"POST", b"get", b"P\xc3\x96ST", b"", b"CONNECT", b"PRI"]),
        st.one_of(
            st.sampled_from([b"/", b"/S", b"/S/", b"*", b"//S", b"http://x/S", b"/S/\xff", b""]),
            st.binary(max_size=60).map(lambda b: b"/S/" + b.replace(b" ", b"").replace(b"\r", b"")),
        ),
        st.sampled_from([b"HTTP/1.1", b"HTTP/1.0", b"HTTP/2.0", b"HTTP/9", b"HTTP/1.1x", b""]),
    ),
    st.binary(max_size=120),
)
_chunked = st.sampled_from(
    [b"5\r\nhello\r\n0\r\n\r\n", b"zz\r\nx\r\n", b"ffffffffffff\r\n", b"0\r\n"]
)


async def _raw(port: int, message: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(message)
        await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
        return await asyncio.wait_for(reader.read(), 20)
    except (ConnectionError, OSError):
        return b""  # the server hung up on it: fine
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await writer.wait_closed()


@settings(FUZZ, max_examples=EXAMPLES["raw"])
@given(
    line=_request_lines,
    header_lines=_header_lines,
    body=st.one_of(bodies, _chunked),
)
def test_raw_bytes_never_break_the_page(
    page: Page, line: bytes, header_lines: list[bytes], body: bytes
) -> None:
    message = line + b"\r\n" + b"".join(h + b"\r\n" for h in header_lines) + b"\r\n" + body
    answer: bytes = page.run(_raw(page.served.port, message))  # type: ignore[assignment]
    status = None
    if answer.startswith(b"HTTP/"):
        status = int(answer.split(b" ", 2)[1])
    page.check(status, answer, message[:300])


# -- 3. a valid ticket, everything else hostile --------------------------------------------

#: Never a real member's number: a wrong PIN for one is a real wrong PIN.
_numbers = hostile_text.filter(
    lambda t: not any(n in t.upper() for n in NUMBER) and "DY33" not in t.upper()
)
_values = {
    "number": _numbers,
    "pin": st.one_of(hostile_text, st.from_regex(r"[0-9]{1,8}", fullmatch=True)),
    "remembered": st.sampled_from(["1", "0", "", "１", "1 ", "true", "on"]),
}
_fields = st.lists(
    st.sampled_from(list(_values)).flatmap(lambda k: _values[k].map(lambda v: (k, v))),
    max_size=6,
)


@settings(FUZZ, max_examples=EXAMPLES["forms"])
@given(
    fields=_fields,
    ticket_at=st.integers(0, 6),
    extra_ticket=st.one_of(st.none(), hostile_text),
    encoding=encodings,
    quoted=st.booleans(),
    content_type=st.one_of(st.none(), content_types),
    cookie=st.sampled_from(["own", "none", "other"]),
    multipart=st.booleans(),
)
def test_forms_with_a_valid_ticket_never_break_the_page(
    page: Page,
    fields: list[tuple[str, str]],
    ticket_at: int,
    extra_ticket: str | None,
    encoding: str,
    quoted: bool,
    content_type: str | None,
    cookie: str,
    multipart: bool,
) -> None:
    phone, ticket = page.fresh_phone()
    other, _ = page.fresh_phone()
    fields = list(fields)
    fields.insert(min(ticket_at, len(fields)), ("ticket", ticket))
    if extra_ticket is not None:
        fields.append(("ticket", extra_ticket))
    kiosk = page.served.kiosk
    kiosk.credentials.forgive_phone_pins()  # so every PIN reaches the check
    headers = {}
    if cookie != "none":
        value = signin.phone_cookie(SECRET, phone if cookie == "own" else other)
        headers["Cookie"] = f"{COOKIE}={value}"

    async def ask() -> tuple[int, bytes]:
        client = page.served.client
        data: aiohttp.FormData | bytes
        if multipart:
            data = aiohttp.FormData()  # a browser's multipart is UTF-8
            for key, value in fields:
                data.add_field(key, value)
            data = data()  # type: ignore[assignment]
        else:
            data = _form_bytes(fields, encoding, quoted)
            headers["Content-Type"] = (
                content_type
                if content_type is not None
                else f"application/x-www-form-urlencoded; charset={encoding}"
            )
        async with client.post("/S", headers=headers, data=data) as response:
            return response.status, await response.read()

    status, answer = page.run(ask())  # type: ignore[misc]
    page.check(status, answer, (fields, encoding, quoted, content_type, cookie, multipart))
    assert not kiosk.records.meeting(G1_NEXT).attendance, "someone was signed in"


def test_the_fuzzed_data_directory_is_whole(page: Page) -> None:
    """After every fuzz test (this runs last in the module): same bytes."""
    assert files_of(page.served.data) == page.before
    assert isinstance(page.served.data, Path)
