"""The phone page's HTTP layer (tui/phone/http.py and guard.py: uvicorn's h11
protocol with the kiosk's limits, in the kiosk's loop),
as phones and hostile clients on the room's network meet it: kept-alive
connections, pages for what is not a page, limits on size, time and
connections, forms in a GBK phone's charset, and a bug of ours answered
with a page rather than a dropped connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route, Router

from rules.meeting import signin
from tests.faults.headless import (
    G1_NEXT,
    NUMBER,
    PINS,
    Served,
    files_of,
    heading,
    make_demo,
    served,
    ticket_of,
)
from tui.phone import http
from tui.phone.http import HttpServer

MEMBER = "p05"


@pytest.fixture
async def page(tmp_path: Path) -> AsyncIterator[Served]:
    async with served(make_demo(tmp_path / "data")) as running:
        yield running


async def raw(port: int, message: bytes, *, close: bool = True) -> bytes:
    """Send ``message`` on a new connection; all the server answers until it
    closes (``close``: after saying that nothing more comes)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(message)
        await writer.drain()
        if close:
            writer.write_eof()
        return await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


def statuses(answer: bytes) -> list[int]:
    """The status of each answer in ``answer`` (a body need not end a line)."""
    return [int(status) for status in re.findall(rb"HTTP/1\.[01] (\d{3}) ", answer)]


async def test_one_connection_carries_several_requests(page: Served) -> None:
    get = b"GET / HTTP/1.1\r\nHost: kiosk\r\n\r\n"
    answer = await raw(page.port, get + get + b"GET /favicon.ico HTTP/1.1\r\nHost: k\r\n\r\n")
    assert statuses(answer) == [200, 200, 204]
    assert answer.count("<h2>扫码签到</h2>".encode()) == 2


async def test_what_is_not_a_page_gets_a_page_that_says_what_to_do(page: Served) -> None:
    async with aiohttp.ClientSession(f"http://127.0.0.1:{page.port}") as phone:
        async with phone.get("/nothing/here") as response:
            assert response.status == 404
            text = await response.text()
            assert heading(text) == "没有这个页面" and "扫描会议室屏幕上的二维码" in text
        async with phone.get("/S") as response:
            assert response.status == 405 and response.headers["Allow"] == "POST"
        async with phone.put("/S/ABC") as response:
            assert response.status == 405 and response.headers["Allow"] == "GET, HEAD"
        async with phone.head("/") as response:
            assert response.status == 200 and int(response.headers["Content-Length"]) > 0
            assert await response.read() == b""


async def test_a_body_too_large_is_refused_before_it_is_read(page: Served) -> None:
    before = files_of(page.data)
    async with (
        aiohttp.ClientSession(f"http://127.0.0.1:{page.port}") as phone,
        phone.post("/S", data={"ticket": "x", "pin": "1" * 20_000}) as response,
    ):
        assert response.status == 413
        assert heading(await response.text()) == "发送的内容太大"
    # A Content-Length that promises too much is answered at once.
    answer = await raw(
        page.port, b"POST /S HTTP/1.1\r\nHost: k\r\nContent-Length: 99999999\r\n\r\n", close=False
    )
    assert statuses(answer) == [413]
    assert files_of(page.data) == before


async def test_a_broken_request_gets_400_and_a_one_line_log(page: Served) -> None:
    answer = await raw(page.port, b"GET / HTTP/1.1\r\nHost: k\r\nContent-Length: abc\r\n\r\n")
    assert statuses(answer) == [400] and "请求无法读取".encode() in answer
    answer = await raw(page.port, b"GET / HTTP/1.1\r\nHost: k\r\nTransfer-Encoding: gzip\r\n\r\n")
    assert statuses(answer) and statuses(answer)[0] < 500
    assert not page.log.bad()
    assert any("bad request refused (400" in r.getMessage() for r in page.log.records)


async def test_a_refused_request_is_logged_without_what_was_sent(page: Served) -> None:
    """h11 quotes a bad header line in its error; the log must not (a
    phone's cookie, a typed PIN in a broken request line)."""
    bad = [
        b"GET / HTTP/1.1\r\nHost: k\r\nCookie: xiaozu_phone=S3CR3TCOOKIE\x00\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: k\r\nX\x00pin=S3CR3TCOOKIE\r\n\r\n",
        b"GET /S?pin=S3CR3TCOOKIE \x01HTTP/1.1\r\nHost: k\r\n\r\n",
    ]
    for message in bad:
        assert statuses(await raw(page.port, message)) == [400]
    answer = await raw(page.port, b"GET /?pin=S3CR3TCOOKIE HTTP/1.1\r\nHost: k\r\n\r\n")
    assert statuses(answer) == [200]
    said = [r.getMessage() for r in page.log.records]
    assert any("bad request refused (400" in line for line in said)
    assert any('"GET /?… HTTP/1.1" 200' in line for line in said)
    assert not any("S3CR3TCOOKIE" in line for line in said), said
    log_file = (page.data / "logs" / "phone.log").read_text(encoding="utf-8")
    assert "S3CR3TCOOKIE" not in log_file


async def test_a_form_in_a_gbk_phones_charset_signs_in(page: Served) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(f"http://127.0.0.1:{page.port}", cookie_jar=jar) as phone:
        token = signin.room_token(page.kiosk.credentials.secret or b"", G1_NEXT, page.clock())
        async with phone.get(f"/S/{token}") as response:
            ticket = ticket_of(await response.text())
        body = f"ticket={ticket}&number={NUMBER[MEMBER]}&pin={PINS[MEMBER]}&x=%C7%A9".encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=gbk"}
        async with phone.post("/S", data=body, headers=headers) as response:
            assert response.status == 200
            assert heading(await response.text()) == "签到成功"
    assert page.kiosk.records.meeting(G1_NEXT).attendance_of(MEMBER) is not None


async def test_a_multipart_or_undecodable_form_is_refused_and_records_nothing(
    page: Served,
) -> None:
    async with aiohttp.ClientSession(f"http://127.0.0.1:{page.port}") as phone:
        multipart = (
            b'--xyz\r\nContent-Disposition: form-data; name="number"\r\n\r\n'
            + NUMBER[MEMBER].encode()
            + b"\r\n--xyz--\r\n"
        )
        headers = {"Content-Type": "multipart/form-data; boundary=xyz"}
        async with phone.post("/S", data=multipart, headers=headers) as response:
            assert response.status == 400
            assert heading(await response.text()) == "表单无法读取"
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        async with phone.post("/S", data=b"number=\xff\xfe", headers=headers) as response:
            assert response.status == 400
    assert not page.kiosk.records.meeting(G1_NEXT).attendance


async def test_a_request_that_stalls_is_cut_off(
    page: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "REQUEST_SECONDS", 0.3)
    # Half a head, then nothing: 408, and the connection is closed.
    answer = await raw(page.port, b"GET / HTTP/1.1\r\nHost: k\r\n", close=False)
    assert statuses(answer) == [408]
    # A kept-alive connection with nothing more to ask is closed quietly.
    answer = await raw(page.port, b"GET / HTTP/1.1\r\nHost: k\r\n\r\n", close=False)
    assert statuses(answer) == [200]


async def test_too_many_connections_are_turned_away_and_the_rest_served(
    page: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "MAX_CONNECTIONS", 2)
    held = [await asyncio.open_connection("127.0.0.1", page.port) for _ in range(2)]
    try:
        await asyncio.sleep(0.05)
        try:
            turned_away = await raw(page.port, b"GET / HTTP/1.1\r\nHost: k\r\n\r\n")
        except ConnectionResetError:
            turned_away = b""  # closed with the request unread
        assert turned_away == b""
        reader, writer = held[0]
        writer.write(b"GET / HTTP/1.1\r\nHost: k\r\nConnection: close\r\n\r\n")
        assert statuses(await asyncio.wait_for(reader.read(), 10)) == [200]
    finally:
        for _, writer in held:
            writer.close()


async def test_stopping_closes_connections_kept_alive() -> None:
    async def hello(request: Request) -> Response:
        return HTMLResponse("<h2>hello</h2>")

    server = HttpServer(Router([Route("/", hello)]), lambda status: Response(status_code=status))
    port = await server.start("127.0.0.1", 0)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.1\r\nHost: k\r\n\r\n")
    assert b"hello" in await asyncio.wait_for(reader.readuntil(b"</h2>"), 10)
    await asyncio.wait_for(server.stop(), 10)
    assert await asyncio.wait_for(reader.read(), 10) == b""  # closed by the server
    writer.close()


async def test_a_bug_in_a_page_is_a_500_page_with_its_traceback_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(request: Request) -> Response:
        raise KeyError("a bug")

    server = HttpServer(
        Router([Route("/", broken)]), lambda status: HTMLResponse(f"<h2>{status}</h2>", status)
    )
    port = await server.start("127.0.0.1", 0)
    logger = logging.getLogger("xiaozu.phone")
    logger.addHandler(caplog.handler)
    try:
        answer = await raw(port, b"GET / HTTP/1.1\r\nHost: k\r\n\r\n")
    finally:
        logger.removeHandler(caplog.handler)
        await server.stop()
    assert statuses(answer) == [500] and b"<h2>500</h2>" in answer
    assert b"Traceback" not in answer and b"a bug" not in answer
    assert any(r.exc_info and "error handling GET /" in r.getMessage() for r in caplog.records)


async def test_a_head_trickled_a_byte_at_a_time_is_cut_off_by_its_deadline(
    page: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """uvicorn's own keep-alive timeout is reset by every byte (encode/uvicorn
    #157): a byte every so often would hold the connection for ever. The
    deadline counts from the connection, whatever trickles in."""
    monkeypatch.setattr(http, "REQUEST_SECONDS", 0.5)
    reader, writer = await asyncio.open_connection("127.0.0.1", page.port)
    head = b"GET / HTTP/1.1\r\nHost: k\r\nX-Slow: " + b"a" * 200
    loop = asyncio.get_running_loop()
    began = loop.time()
    answer = b""
    try:
        for byte in head:
            if reader.at_eof() or loop.time() - began > 5:
                break
            writer.write(bytes([byte]))
            with contextlib.suppress(OSError):
                await writer.drain()
            with contextlib.suppress(TimeoutError):
                answer += await asyncio.wait_for(reader.read(65536), 0.05)
        answer += await asyncio.wait_for(reader.read(), 10)
    except ConnectionError:
        pass
    finally:
        writer.close()
    took = loop.time() - began
    assert statuses(answer) == [408] and "请求超时".encode() in answer
    assert took < 0.5 + http.LINGER_SECONDS + 2, took  # not the 200 bytes' 10 s
    assert any("bad request refused (408" in r.getMessage() for r in page.log.records)


async def test_a_body_trickled_after_its_head_is_cut_off_by_the_same_deadline(
    page: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "REQUEST_SECONDS", 0.5)
    before = files_of(page.data)
    reader, writer = await asyncio.open_connection("127.0.0.1", page.port)
    writer.write(b"POST /S HTTP/1.1\r\nHost: k\r\nContent-Length: 500\r\n\r\nticket=")
    loop = asyncio.get_running_loop()
    began = loop.time()
    answer = b""
    try:
        while not reader.at_eof() and loop.time() - began < 5:
            writer.write(b"a")
            with contextlib.suppress(OSError):
                await writer.drain()
            with contextlib.suppress(TimeoutError):
                answer += await asyncio.wait_for(reader.read(65536), 0.1)
    except ConnectionError:
        pass
    finally:
        writer.close()
    assert statuses(answer) == [408]
    assert loop.time() - began < 0.5 + http.LINGER_SECONDS + 2
    assert files_of(page.data) == before
