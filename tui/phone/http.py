"""HTTP/1.1 for the sign-in pages: h11 on asyncio streams.

h11 (python-hyper) parses and frames HTTP/1.1: request lines, headers,
Content-Length and chunked bodies, keep-alive, HTTP/1.0, and it refuses what
is malformed. This module adds what a server needs around it, and nothing
more: listening, one task per connection, limits (head, body, time,
connections), the query string and the cookie header, form bodies, and an
access log. The kiosk serves a handful of small pages to the phones in one
room, on the asyncio loop its screens already run; a full web framework
(aiohttp took 12 MiB of the kiosk's memory, about a third of a bare Textual
app) would buy nothing here.

Everything a client sends is untrusted: every fault of the client's is
answered with a 4xx page and logged in one line, never with a 5xx or a
traceback. Only an exception in a handler (a bug of ours) is a 500, logged
with its traceback.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qsl, unquote

import h11

#: A request's head (request line and headers), bytes at most.
MAX_HEAD = 16 * 1024
#: A request's body, bytes at most (the sign-in form is under 1 KiB).
MAX_BODY = 16 * 1024
#: Fields of a form, at most.
MAX_FIELDS = 64
#: Connections open at once, at most (sixty phones at a time is a big room).
MAX_CONNECTIONS = 256
#: Seconds for one whole request to arrive, from the connection or the last
#: answer on it (also how long an idle kept-alive connection stays open).
REQUEST_SECONDS = 30.0
#: Seconds for one answer to be taken by the client.
SEND_SECONDS = 30.0
#: After refusing a request: how long, and how many bytes, the rest of what
#: the client sends is read and dropped before the connection is closed.
LINGER_SECONDS = 2.0
LINGER_BYTES = 1024 * 1024

log = logging.getLogger("xiaozu.phone.http")
access_log = logging.getLogger("xiaozu.phone.access")


class FormUnreadable(ValueError):
    """The body is not a form this server reads (its charset is unknown, it
    does not decode, it is compressed or multipart, it has too many fields)."""


@dataclass
class Request:
    method: str  # upper case, as sent
    target: str  # the request target as sent (path and query)
    path: str  # the target's path, percent-decoded
    version: str  # "1.1", "1.0"
    headers: dict[str, str]  # names in lower case; repeats joined
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    @property
    def logged_target(self) -> str:
        """The target for the access log: its path, and "?…" for a query
        (nothing of ours sends one; whatever one carries stays out of it)."""
        path, query, _ = self.target.partition("?")
        return path + ("?…" if query else "")

    @property
    def cookies(self) -> dict[str, str]:
        """The Cookie header's pairs (the first of each name)."""
        found: dict[str, str] = {}
        for part in self.header("cookie").split(";"):
            name, equals, value = part.partition("=")
            name, value = name.strip(), value.strip()
            if not equals or not name or name in found:
                continue
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            found[name] = value
        return found

    def form(self) -> dict[str, str]:
        """The fields of an ``application/x-www-form-urlencoded`` body (the
        first value of each name; its ``charset``, UTF-8 if none is named).
        Any other type of body has no fields. Raises FormUnreadable."""
        if self.header("content-encoding").strip().lower() not in ("", "identity"):
            raise FormUnreadable("compressed body")
        kind, params = _content_type(self.header("content-type"))
        if kind == "multipart/form-data":
            # The page's form is never sent so (it has no enctype).
            raise FormUnreadable("multipart body")
        if kind not in ("", "application/x-www-form-urlencoded"):
            return {}
        charset = params.get("charset") or "utf-8"
        try:
            codecs.lookup(charset)
            pairs = parse_qsl(
                self.body.decode(charset),
                keep_blank_values=True,
                encoding=charset,
                errors="strict",
                max_num_fields=MAX_FIELDS,
            )
        except (LookupError, ValueError) as error:  # UnicodeDecodeError is a ValueError
            raise FormUnreadable(type(error).__name__) from None
        form: dict[str, str] = {}
        for name, value in pairs:
            form.setdefault(name, value)
        return form


def _content_type(value: str) -> tuple[str, dict[str, str]]:
    """``text/html; charset=utf-8`` -> ("text/html", {"charset": "utf-8"})."""
    kind, _, rest = value.partition(";")
    params: dict[str, str] = {}
    for part in rest.split(";"):
        name, equals, param = part.partition("=")
        if equals:
            params.setdefault(name.strip().lower(), param.strip().strip('"'))
    return kind.strip().lower(), params


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def html(cls, text: str, status: int = 200) -> Response:
        return cls(status, text.encode("utf-8"), "text/html; charset=utf-8")

    def set_cookie(
        self, name: str, value: str, *, max_age: int, path: str = "/", samesite: str = "Lax"
    ) -> None:
        """An HttpOnly cookie (the value must be a cookie-safe token)."""
        self.headers.append(
            (
                "Set-Cookie",
                f"{name}={value}; Max-Age={max_age}; Path={path}; HttpOnly; SameSite={samesite}",
            )
        )


Handler = Callable[[Request], Awaitable[Response]]
#: The page for a refused request of this status (400, 408, 413, 431 …).
ErrorPage = Callable[[int], Response]


class _TooLarge(Exception):
    pass


class _Gone(Exception):
    """The client closed the connection, or took too long."""


class HttpServer:
    """Serves ``handle`` on one address until ``stop``."""

    def __init__(self, handle: Handler, error_page: ErrorPage) -> None:
        self.handle = handle
        self.error_page = error_page
        self.port: int | None = None
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    async def start(self, bind: str, port: int) -> int:
        """Listen on ``bind:port`` (0: a free port); the port. Raises OSError."""
        self._server = await asyncio.start_server(
            self._connection, bind, port, reuse_address=True, limit=MAX_HEAD
        )
        sockets = self._server.sockets
        self.port = int(sockets[0].getsockname()[1]) if sockets else port
        return self.port

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        for task in list(self._connections):
            task.cancel()
        if self._connections:
            await asyncio.gather(*self._connections, return_exceptions=True)
        await server.wait_closed()

    # -- one connection ------------------------------------------------------------

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        peername = writer.get_extra_info("peername")
        peer = str(peername[0]) if isinstance(peername, tuple) and peername else "-"
        try:
            if len(self._connections) > MAX_CONNECTIONS:
                log.info("too many connections: %s turned away", peer)
                return
            await _Exchange(self, reader, writer, peer).serve()
        except (_Gone, ConnectionError, OSError, TimeoutError):
            pass  # the client went away, or stopped reading: nothing to answer
        except asyncio.CancelledError:
            # ``stop``: ended here, as asyncio's server would otherwise log
            # a cancelled connection as an error.
            pass
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError, OSError, asyncio.CancelledError):
                await writer.wait_closed()


class _Exchange:
    """One client's connection: h11's state for it, its streams, and the
    method of the request being read (a HEAD is answered without a body)."""

    def __init__(
        self,
        server: HttpServer,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        peer: str,
    ) -> None:
        self.server = server
        self.reader, self.writer, self.peer = reader, writer, peer
        self.conn = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD)
        self.method = ""

    async def serve(self) -> None:
        conn = self.conn
        while True:
            began = time.perf_counter()
            self.method = ""
            try:
                async with asyncio.timeout(REQUEST_SECONDS):
                    request = await self._read()
            except h11.RemoteProtocolError as error:
                # Malformed: 400, or what h11 hints if that is a client error
                # (431 for a head too large); never a 5xx for the client's fault.
                hint = error.error_status_hint
                await self._refuse(hint if 400 <= hint < 500 else 400, error)
                return
            except _TooLarge as error:
                await self._refuse(413, error)
                return
            except TimeoutError as error:
                if conn.their_state is h11.IDLE and not conn.trailing_data[0]:
                    return  # an idle connection kept alive: closed quietly
                await self._refuse(408, error)
                return
            if request is None:
                return
            try:
                response = await self.server.handle(request)
            except Exception:
                log.exception("error handling %s %s", request.method, request.path)
                response = self.server.error_page(500)
            await self._send(response)
            access_log.info(
                '%s "%s %s HTTP/%s" %d %d %.6fs',
                self.peer,
                request.method,
                request.logged_target,
                request.version,
                response.status,
                len(response.body),
                time.perf_counter() - began,
            )
            if conn.our_state is not h11.DONE or conn.their_state is not h11.DONE:
                return  # h11 says this connection ends here (HTTP/1.0, "close" …)
            conn.start_next_cycle()

    async def _next(self) -> object:
        conn = self.conn
        while True:
            event = conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            if conn.they_are_waiting_for_100_continue:
                continue_ = h11.InformationalResponse(status_code=100, headers=[])
                await _write(self.writer, conn.send(continue_))
            conn.receive_data(await self.reader.read(65536))  # b"": the client closed

    async def _read(self) -> Request | None:
        event = await self._next()
        if isinstance(event, h11.ConnectionClosed):
            return None
        if not isinstance(event, h11.Request):
            raise _Gone(repr(event))
        self.method = event.method.decode("ascii")
        headers: dict[str, str] = {}
        for raw_name, raw_value in event.headers:
            name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
            if name in headers:
                value = headers[name] + ("; " if name == "cookie" else ", ") + value
            headers[name] = value
        length = headers.get("content-length", "").strip()
        if length.isdigit() and int(length) > MAX_BODY:
            raise _TooLarge(f"Content-Length {length}")
        body = bytearray()
        while True:
            part = await self._next()
            if isinstance(part, h11.Data):
                body += part.data
                if len(body) > MAX_BODY:
                    raise _TooLarge(f"body over {MAX_BODY} bytes")
            elif isinstance(part, h11.EndOfMessage):
                break
            else:  # the connection closed half-way through the body
                raise _Gone(repr(part))
        target = event.target.decode("ascii")  # h11 lets only visible ASCII through
        return Request(
            method=self.method,
            target=target,
            path=unquote(target.partition("?")[0]),
            version=event.http_version.decode("ascii"),
            headers=headers,
            body=bytes(body),
        )

    async def _send(self, response: Response, *, close: bool = False) -> None:
        headers = list(response.headers)
        if response.status != 204 and not 100 <= response.status < 200:
            if response.content_type:
                headers.insert(0, ("Content-Type", response.content_type))
            headers.append(("Content-Length", str(len(response.body))))
        if close:
            headers.append(("Connection", "close"))
        reason = HTTPStatus(response.status).phrase if response.status in _PHRASES else ""
        conn = self.conn
        try:
            data = conn.send(
                h11.Response(status_code=response.status, headers=headers, reason=reason)
            )
            if response.body and self.method != "HEAD":
                data += conn.send(h11.Data(data=response.body)) or b""
            data += conn.send(h11.EndOfMessage()) or b""
        except h11.LocalProtocolError as error:
            log.info("cannot answer (%s): %s", response.status, error)
            raise _Gone(str(error)) from None
        assert data is not None
        async with asyncio.timeout(SEND_SECONDS):
            await _write(self.writer, data)

    async def _refuse(self, status: int, why: object) -> None:
        """Answer a request that could not be read, if the connection still
        can be answered, and log it in one line. Then what the client still
        sends is read and dropped for a moment before the connection closes
        (closing on unread data resets the connection, and the client would
        lose the answer: a phone would show its own error, not this page)."""
        kind, reason = type(why).__name__, _reason(why)
        log.info("bad request refused (%s %s) from %s: %s", status, kind, self.peer, reason)
        if self.conn.our_state not in (h11.IDLE, h11.SEND_RESPONSE):
            return
        with contextlib.suppress(_Gone, ConnectionError, OSError, TimeoutError):
            await self._send(self.server.error_page(status), close=True)
            if self.writer.can_write_eof():
                self.writer.write_eof()
            async with asyncio.timeout(LINGER_SECONDS):
                dropped = 0
                while dropped < LINGER_BYTES:
                    chunk = await self.reader.read(65536)
                    if not chunk:
                        break
                    dropped += len(chunk)


_PHRASES = {status.value for status in HTTPStatus}


def _reason(why: object) -> str:
    """What was wrong, without what was sent: h11 quotes the bad line or
    value ("Illegal header value b'…'"), which may be a phone's cookie."""
    text = str(why)
    for quote_starts in (" b'", ' b"', ": ", "'", '"', "\\"):
        text = text.split(quote_starts, 1)[0]
    return text[:80]


async def _write(writer: asyncio.StreamWriter, data: bytes | None) -> None:
    if data:
        writer.write(data)
        await writer.drain()
