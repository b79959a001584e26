"""The sign-in pages (SPEC §3), served by the kiosk in its own asyncio loop.

uvicorn serves them on the loop Textual already runs (tui/phone/http.py), so
a page reads and changes the kiosk's records exactly as a screen does —
between two awaits, on one thread — and a sign-in shows on the roster at
once. Nothing here imports Textual: the app hands in a callback.

The pages are the routes table (``routes``): one line per page and a thin
handler, which reads the request, asks the sign-in use case
(tui/core/signin.py: the walk of one member is told there) and renders its
outcome (tui/phone/replies.py). Limits, refusals and the access log are
around every page (tui/phone/http.py, guard.py). A new page is a line in
``routes`` and a handler.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from ipaddress import ip_address
from logging.handlers import RotatingFileHandler
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from tui.core.kiosk import Kiosk
from tui.core.signin import Form, PhoneSignin, Refused
from tui.phone import forms, http
from tui.phone.replies import Replies

COOKIE = "xiaozu_phone"
COOKIE_MAX_AGE = 400 * 24 * 3600  # browsers keep a cookie at most 400 days
DEFAULT_PORT = 8765

log = logging.getLogger("xiaozu.phone")


# --------------------------------------------------------------------------
# Where the server listens and what address the code carries


def detect_address() -> str:
    """This machine's address on the room's network: the source address of
    the default route (a UDP "connect" sends no packet). 127.0.0.1 if there
    is no network."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere
        address: str = probe.getsockname()[0]
        if address and not address.startswith("0."):
            return address
    return "127.0.0.1"


def code_base(bind: str, port: int, address: str | None) -> str:
    """The start of the address in the code: the configured one, else
    ``HTTP://<host>:<port>`` with the host the server is bound to (when it is
    one address) or the detected one. Scheme and host are written in upper
    case (they are case-insensitive), to keep the code small."""
    if address:
        return address.rstrip("/")
    host = bind
    with contextlib.suppress(ValueError):
        if ip_address(bind).is_unspecified:
            host = detect_address()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return f"HTTP://{host.upper()}:{port}"


class KioskTimeFormatter(logging.Formatter):
    """Log times in the kiosk's time zone (``KioskEnv.tz``), with the offset,
    not the process's: the kiosk may run with TZ unset (UTC) while its
    meetings are in Beijing time, and a log read against the roster must
    agree with it."""

    def __init__(self, fmt: str, tz: tzinfo) -> None:
        super().__init__(fmt)
        self.tz = tz

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, self.tz).isoformat(timespec="milliseconds")


def phone_logger(data_dir: Path, tz: tzinfo = UTC) -> logging.Logger:
    """The server's log: ``<data>/logs/phone.log`` (rotated), never the
    terminal, which belongs to the kiosk's screens, its times in ``tz``. No
    PIN, cookie or form field is ever logged."""
    handler: logging.Handler
    try:
        (data_dir / "logs").mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            data_dir / "logs" / "phone.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(KioskTimeFormatter("%(asctime)s %(levelname)s %(name)s %(message)s", tz))
    # Its children (xiaozu.phone.http, xiaozu.phone.access) log through it;
    # uvicorn's own logger too (it would otherwise reach the terminal).
    for logger in (log, logging.getLogger("uvicorn")):
        for old in list(logger.handlers):
            logger.removeHandler(old)
            old.close()
        logger.addHandler(handler)
        logger.propagate = False
    log.setLevel(logging.INFO)
    logging.getLogger("uvicorn").setLevel(logging.WARNING)
    return log


# --------------------------------------------------------------------------
# The server


@dataclass(frozen=True)
class ServerProblem:
    """Why the server could not start, for the kiosk to show."""

    zh: str
    en: str

    def message(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class PhoneServer:
    """The sign-in pages of one kiosk."""

    def __init__(self, kiosk: Kiosk, on_signed_in: Callable[[str], None] | None = None) -> None:
        self.kiosk = kiosk
        self.env = kiosk.env
        self.signin = PhoneSignin(kiosk, on_signed_in)
        self.replies = Replies(kiosk)
        self.base: str | None = None  # set once listening
        self.port: int | None = None
        self.problem: ServerProblem | None = None
        self._http: http.HttpServer | None = None

    async def start(self, bind: str, port: int, address: str | None = None) -> bool:
        """Listen on ``bind:port`` (port 0: any free port). False, with
        ``problem`` set, when that is not possible (the port in use …)."""
        phone_logger(self.env.data_dir, self.env.tz)
        pages = Router(routes(self), redirect_slashes=False)
        server = http.HttpServer(pages, self.replies.error_page)
        try:
            self.port = await server.start(bind, port)
        except OSError as error:
            self.problem = _listen_problem(bind, port, error)
            log.warning("cannot listen on %s:%s: %s", bind, port, error)
            return False
        self.base = code_base(bind, self.port, address)
        self._http = server
        log.info("listening on %s:%s, code address %s", bind, self.port, self.base)
        return True

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.stop()
            self._http = None

    def code_url(self, now: datetime | None = None) -> str | None:
        """What the code on the screen says now, or None when no meeting is
        taking sign-ins (or the server is not listening)."""
        return None if self.base is None else self.signin.code(self.base, now)

    # -- the pages (``routes``) --------------------------------------------------------

    async def front(self, request: Request) -> Response:
        """``/``: what this is."""
        return self.replies.about()

    async def no_icon(self, request: Request) -> Response:
        return Response(status_code=204)

    async def scanned(self, request: Request) -> Response:
        """``/S/<room token>``: the code was scanned."""
        phone = forms.cookies(request).get(COOKIE)
        outcome = self.signin.scanned(request.path_params["token"], phone)
        if isinstance(outcome, Refused):
            return self.replies.refused(outcome)
        response = self.replies.form(outcome)
        forms.set_cookie(response, COOKIE, outcome.cookie, max_age=COOKIE_MAX_AGE)
        return response

    async def submitted(self, request: Request) -> Response:
        """``POST /S``: the form was sent."""
        try:
            fields: dict[str, str] | None = await forms.form(request)
        except forms.FormUnreadable:
            # A charset Python does not know, a body that does not decode in
            # its charset, a compressed or multipart body (the page's form
            # is neither), too many fields.
            fields = None
        outcome = await self.signin.submitted(fields, forms.cookies(request).get(COOKIE))
        if isinstance(outcome, Refused):
            return self.replies.refused(outcome)
        if isinstance(outcome, Form):
            return self.replies.form(outcome)
        response = self.replies.signed_in(outcome)
        forms.set_cookie(response, COOKIE, outcome.cookie, max_age=COOKIE_MAX_AGE)
        return response


def routes(server: PhoneServer) -> list[Route]:
    """Every page: path, handler, methods (GET answers HEAD too). ``s`` in
    lower case as well: a phone's keyboard may send it so."""
    get, post = ["GET"], ["POST"]
    return [
        Route("/", server.front, methods=get),
        Route("/favicon.ico", server.no_icon, methods=get),
        Route("/S/{token}", server.scanned, methods=get),
        Route("/s/{token}", server.scanned, methods=get),
        Route("/S", server.submitted, methods=post),
        Route("/s", server.submitted, methods=post),
    ]


def _listen_problem(bind: str, port: int, error: OSError) -> ServerProblem:
    if error.errno == errno.EADDRINUSE:
        return ServerProblem(
            f"手机签到不可用:端口 {port} 已被其他程序占用。请用胸卡签到或由党小组长登记;"
            f"要恢复手机签到,请用 --port(或 XIAOZU_PORT)换一个端口后重启终端。",
            f"Phone sign-in is off: port {port} is in use by another program. Use badges"
            " or mark by hand; to bring phones back, restart the kiosk with another"
            " --port (or XIAOZU_PORT).",
        )
    if error.errno == errno.EADDRNOTAVAIL:
        return ServerProblem(
            f"手机签到不可用:本机没有地址 {bind}。请检查 --bind(或 XIAOZU_BIND)。",
            f"Phone sign-in is off: this machine has no address {bind}. Check --bind"
            " (or XIAOZU_BIND).",
        )
    return ServerProblem(
        f"手机签到不可用:无法在 {bind}:{port} 上监听({error.strerror})。",
        f"Phone sign-in is off: cannot listen on {bind}:{port} ({error.strerror}).",
    )
