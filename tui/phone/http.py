"""HTTP for the sign-in pages: uvicorn (its pure-Python h11 protocol) on
the kiosk's own asyncio loop, with the kiosk's limits.

uvicorn serves any ASGI application (the pages are a Starlette routes
table, tui/phone/server.py). What this module adds is what a kiosk on a
room's network needs and uvicorn does not give:

* a deadline for a request (``PhoneProtocol``): uvicorn has none for the
  head, and its keep-alive timeout is reset by every byte (encode/uvicorn
  #157), so a client sending a byte every few seconds would hold a
  connection for ever. Middleware cannot do this: it runs once the head is
  in;
* at most MAX_CONNECTIONS connections, the rest turned away;
* the refusal pages (Chinese first) for what could not be read, and a
  moment's reading of what the client still sends after a refusal, so the
  client sees the page rather than a reset connection;
* around every page, ``Guard`` (tui/phone/guard.py): the body read whole
  within its limit, a bug of ours a 500 page, our 404 and 405 pages, the
  access log;
* no signal handlers of uvicorn's (``HttpServer``): Ctrl+C belongs to the
  kiosk's screens.

Everything a client sends is untrusted: every fault of the client's is
answered with a 4xx page and logged in one line, never with a 5xx or a
traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import sys
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import h11
from starlette.types import ASGIApp
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import STATUS_PHRASES, H11Protocol
from uvicorn.server import Server

from tui.phone.guard import ErrorPage, Guard, log, refused

#: A request's head (request line and headers), bytes at most.
MAX_HEAD = 16 * 1024
#: Connections open at once, at most (a room of 200 phones, each with one open).
MAX_CONNECTIONS = 256
#: Seconds for one whole request (head and body) to arrive, from the
#: connection or the last answer on it, however it trickles in (also how
#: long an idle kept-alive connection stays open).
REQUEST_SECONDS = 30.0
#: Seconds for one answer to be taken by the client.
SEND_SECONDS = 30.0
#: After refusing a request: how long, and how many bytes, the rest of what
#: the client sends is read and dropped before the connection is closed.
LINGER_SECONDS = 2.0
LINGER_BYTES = 1024 * 1024
#: Seconds ``HttpServer.stop`` waits for answers under way.
STOP_SECONDS = 5

# uvicorn's own warnings ("Invalid HTTP request received.") say less than
# our one line per refusal; its errors (a bug) still reach the phone log.
_uvicorn_log = logging.getLogger("xiaozu.phone.http.uvicorn")
_uvicorn_log.setLevel(logging.ERROR)


# -- the connection: deadline, limits, refusals ----------------------------------------


class _Transport:
    """The connection's transport as uvicorn sees it, but closing it goes
    through ``PhoneProtocol.close`` (which may linger first)."""

    def __init__(self, transport: asyncio.Transport, protocol: PhoneProtocol) -> None:
        self._transport = transport
        self._protocol = protocol

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)

    def close(self) -> None:
        self._protocol.close()

    def is_closing(self) -> bool:
        return self._protocol.lingering or self._transport.is_closing()


class PhoneProtocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request (REQUEST_SECONDS
    from the connection, or from the last answer, to the request's last byte,
    however slowly it trickles: 408, or closed quietly when nothing of a
    next request came), at most MAX_CONNECTIONS connections, our refusal
    pages for what h11 cannot read (400, 431), and a linger after a refusal.
    ``HttpServer`` makes a subclass naming the refusal page."""

    error_page: ClassVar[ErrorPage]  # a staticmethod (``answering``)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.logger = _uvicorn_log
        self.peer = "-"
        self.lingering = False
        self._real: asyncio.Transport | None = None
        self._deadline: asyncio.TimerHandle | None = None
        self._dropped = 0
        self._eof = False
        self._stopping = False

    @classmethod
    def answering(cls, error_page: ErrorPage) -> type[PhoneProtocol]:
        return type("PhoneProtocol", (cls,), {"error_page": staticmethod(error_page)})

    # -- the connection's life ------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._real = transport
        super().connection_made(_Transport(transport, self))  # type: ignore[arg-type]
        self.peer = self.client[0] if self.client else "-"
        if len(self.connections) > MAX_CONNECTIONS:
            log.info("too many connections: %s turned away", self.peer)
            self.connections.discard(self)
            self._linger()  # closed at once, it could be reset before the client has written
            return
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        with contextlib.suppress(h11.LocalProtocolError):
            super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.lingering:
            self._dropped += len(data)
            if self._dropped > LINGER_BYTES:
                self._close_now()
            return
        super().data_received(data)  # the deadline is not moved by a byte

    def eof_received(self) -> bool | None:  # type: ignore[override]
        """The client said it sends nothing more (it may still read): the
        answers to what it sent are still given, then the connection ends."""
        if self.lingering:
            return None  # asyncio closes the connection
        self._eof = True
        self._after_eof()
        return True

    def handle_events(self) -> None:
        if self.lingering:
            return
        super().handle_events()
        cycle = self.cycle
        if cycle is not None and not cycle.more_body and not cycle.response_complete:
            self._disarm()  # the whole request is in: the page may take its time

    def on_response_complete(self) -> None:
        self._arm()  # for the next request on this connection
        super().on_response_complete()
        if self._eof:
            self._after_eof()

    def timeout_keep_alive_handler(self) -> None:
        pass  # the deadline (``_timed_out``) closes an idle connection

    def shutdown(self) -> None:
        self._stopping = True
        if self.lingering:
            self._close_now()
            return
        with contextlib.suppress(h11.LocalProtocolError):
            super().shutdown()

    def pause_writing(self) -> None:
        # The client does not take its answer: it has SEND_SECONDS.
        super().pause_writing()
        self._arm(SEND_SECONDS)

    def resume_writing(self) -> None:
        super().resume_writing()
        if not self._idle():
            self._disarm()  # re-armed once the answer is given

    # -- closing ------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection; first linger, when the client may still be
        sending (closing on unread data resets the connection, and the client
        would lose the answer: a phone would show its own error, not ours)."""
        conn = self.conn
        unread = conn.their_state in (h11.SEND_BODY, h11.ERROR) or (
            conn.their_state is h11.IDLE and bool(conn.trailing_data[0])
        )
        if unread and not self._stopping and not self._eof:
            self._linger()
        else:
            self._close_now()

    def _close_now(self) -> None:
        self._disarm()
        real = self._real
        if real is None or real.is_closing():
            return
        real.close()
        if real.get_write_buffer_size():  # an answer not yet taken
            self.loop.call_later(SEND_SECONDS, real.abort)

    def _linger(self) -> None:
        real = self._real
        if self._eof:
            self._close_now()  # the client sends nothing more: nothing to drop
            return
        if self.lingering or real is None or real.is_closing():
            return
        self.lingering = True
        with contextlib.suppress(OSError, RuntimeError):
            if real.can_write_eof():
                real.write_eof()
        real.resume_reading()
        self._arm(LINGER_SECONDS, self._close_now)

    # -- the deadline ------------------------------------------------------------

    def _arm(self, seconds: float | None = None, then: Callable[[], None] | None = None) -> None:
        self._disarm()
        wait = REQUEST_SECONDS if seconds is None else seconds
        self._deadline = self.loop.call_later(wait, then or self._timed_out)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _timed_out(self) -> None:
        self._deadline = None
        if self._idle() and self.conn.their_state is h11.IDLE:
            self._close_now()  # a connection kept alive, nothing more asked: closed quietly
            return
        if self.cycle is not None and self.cycle.response_started:
            self._close_now()  # an answer the client does not take
            return
        self._refuse(408, TimeoutError(f"request not in within {REQUEST_SECONDS} s"))

    def _idle(self) -> bool:
        """No request under way, and nothing of a next one has come."""
        cycle = self.cycle
        return (cycle is None or cycle.response_complete) and not self.conn.trailing_data[0]

    def _after_eof(self) -> None:
        """Once the client has said it sends no more and every answer is
        given: the end; a request it left half-sent is refused (400)."""
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete and not cycle.more_body:
            return  # a page is answering: this runs again once it has
        state = self.conn.their_state
        if state is h11.IDLE and self.conn.trailing_data[0]:
            if self.conn.our_state is h11.DONE:
                return  # pipelined requests are still being answered
            self._refuse(400, h11.RemoteProtocolError("peer unexpectedly closed connection"))
        elif state is h11.SEND_BODY:
            self._refuse(400, h11.RemoteProtocolError("peer closed before the whole body"))
        elif cycle is None or cycle.response_complete:
            self._close_now()

    # -- refusing ----------------------------------------------------------------

    def send_400_response(self, msg: str) -> None:
        # uvicorn calls this while handling h11's RemoteProtocolError; its
        # hint names the status (431 for a head over MAX_HEAD).
        error = sys.exception()
        hint = getattr(error, "error_status_hint", 400)
        self._refuse(hint if 400 <= hint < 500 else 400, error or msg)

    def _refuse(self, status: int, why: object) -> None:
        """Answer a request that could not be read with its refusal page, if
        the connection still can be answered, log it in one line, and linger."""
        refused(status, why, self.peer)
        cycle, conn = self.cycle, self.conn
        if cycle is not None and not cycle.response_complete:
            if cycle.response_started:
                self._close_now()
                return
            cycle.disconnected = True  # the page waiting for the body gives up
            cycle.message_event.set()
        if conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
            page = type(self).error_page(status)
            headers = [*page.raw_headers, (b"connection", b"close")]
            head = (
                cycle is not None
                and not cycle.response_complete
                and cycle.scope["method"] == "HEAD"
            )
            try:
                data = conn.send(
                    h11.Response(status_code=status, headers=headers, reason=STATUS_PHRASES[status])
                )
                if page.body and not head:
                    body = bytes(page.body)
                    data = (data or b"") + (conn.send(h11.Data(data=body)) or b"")
                data = (data or b"") + (conn.send(h11.EndOfMessage()) or b"")
            except h11.LocalProtocolError as error:
                log.info("cannot answer (%s): %s", status, error)
                self._close_now()
                return
            if self._real is not None and not self._real.is_closing():
                self._real.write(data)
        self._linger()


# -- the server ----------------------------------------------------------------------


class _Uvicorn(Server):
    """uvicorn's server inside the kiosk's loop: no signal handlers (the
    kiosk's screens own Ctrl+C and the terminal), and word when listening."""

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self.listening = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.listening.set()


class HttpServer:
    """Serves ``app`` (through ``Guard``) on one address until ``stop``."""

    def __init__(self, app: ASGIApp, error_page: ErrorPage) -> None:
        self.config = Config(
            Guard(app, error_page),
            # h11 in pure Python: httptools and uvloop are C extensions a
            # kiosk need not build, and the protocol class is ours to extend.
            http=PhoneProtocol.answering(error_page),
            ws="none",
            lifespan="off",
            log_config=None,
            access_log=False,  # Guard logs each answer, without the query
            proxy_headers=False,  # no proxy in front: a phone names no other address
            server_header=False,
            date_header=False,
            h11_max_incomplete_event_size=MAX_HEAD,
            timeout_graceful_shutdown=STOP_SECONDS,
        )
        self.port: int | None = None
        self._server: _Uvicorn | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self, bind: str, port: int) -> int:
        """Listen on ``bind:port`` (0: a free port); the port. Raises OSError."""
        sock = _listening_socket(bind, port)
        server = _Uvicorn(self.config)
        task = asyncio.create_task(server.serve(sockets=[sock]), name="xiaozu-phone-http")
        listening = asyncio.create_task(server.listening.wait())
        await asyncio.wait({task, listening}, return_when=asyncio.FIRST_COMPLETED)
        if not listening.done():
            listening.cancel()
            sock.close()
            task.result()  # raises what stopped it
            raise OSError("the phone server stopped at once")
        self._server, self._task = server, task
        self.port = int(sock.getsockname()[1])
        return self.port

    async def stop(self) -> None:
        server, task = self._server, self._task
        self._server = self._task = None
        if server is None or task is None:
            return
        server.should_exit = True
        await task


def _listening_socket(bind: str, port: int) -> socket.socket:
    """A socket listening on ``bind:port`` (a name, IPv4 or IPv6)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        bind or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:  # as asyncio's servers: IPv6 only on an IPv6 address
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(address)
        sock.listen(2048)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock
