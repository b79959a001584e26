"""The middleware around every phone page (``Guard``) and the one log line
of each refused request.

The body is read whole within MAX_BODY before a page runs (so a page never
waits on a slow client, and the request's deadline, tui/phone/http.py, covers
it); a bug of ours is a 500 page with its traceback logged; a path or method
the routes table has not gets our 404 or 405 page; each answer is one
access-log line without the query string.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: A request's body, bytes at most (the sign-in form is under 1 KiB).
MAX_BODY = 16 * 1024

log = logging.getLogger("xiaozu.phone.http")
access_log = logging.getLogger("xiaozu.phone.access")

#: The page for a refused request of this status (400, 404, 408, 413, 431, 500 …).
ErrorPage = Callable[[int], Response]


def _reason(why: object) -> str:
    """What was wrong, without what was sent: h11 quotes the bad line or
    value ("Illegal header value b'…'"), which may be a phone's cookie."""
    text = str(why)
    for quote_starts in (" b'", ' b"', ": ", "'", '"', "\\"):
        text = text.split(quote_starts, 1)[0]
    return text[:80]


def refused(status: int, why: object, peer: str) -> None:
    """The one log line of a request refused before any page saw it."""
    log.info(
        "bad request refused (%s %s) from %s: %s", status, type(why).__name__, peer, _reason(why)
    )


def _peer(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "-"


class _TooLarge(Exception):
    pass


class Guard:
    """Every request passes here before its page: the body is read whole
    (at most MAX_BODY, else 413 and the connection closed), then the page
    runs; a bug in it is a 500 page with its traceback logged; a path or
    method the routes table does not have gets our 404 or 405 page; each
    answer is logged in one access-log line."""

    def __init__(self, app: ASGIApp, error_page: ErrorPage) -> None:
        self.app = app
        self.error_page = error_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return  # lifespan is off; no websockets
        began = time.perf_counter()
        peer = _peer(scope)
        try:
            body = await _whole_body(scope, receive)
        except _TooLarge as error:
            refused(413, error, peer)
            response = self.error_page(413)
            response.headers["Connection"] = "close"
            await response(scope, receive, send)
            return
        if body is None:
            return  # the client went away, or took too long (PhoneProtocol)
        sent = {"status": 0, "bytes": 0}

        async def replay() -> Message:
            if not sent.get("replayed"):
                sent["replayed"] = 1
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent["status"] = message["status"]
            elif message["type"] == "http.response.body":
                sent["bytes"] += len(message.get("body", b""))
            await send(message)

        # Starlette's router raises HTTPException for a path or method it
        # has not (rather than answering in plain English) when it sees an app.
        scope["app"] = self
        try:
            await self.app(scope, replay, sending)
        except HTTPException as error:
            response = self.error_page(error.status_code)
            if error.status_code == 405 and error.headers:
                # Starlette lists the methods from a set: in a stable order here.
                allowed = error.headers.get("Allow", "").split(", ")
                response.headers["Allow"] = ", ".join(sorted(allowed))
            await response(scope, replay, sending)
        except Exception:
            log.exception("error handling %s %s", scope["method"], scope["path"])
            if sent["status"]:
                raise  # answer under way: uvicorn closes the connection
            await self.error_page(500)(scope, replay, sending)
        path = scope["raw_path"].decode("latin-1")
        access_log.info(
            '%s "%s %s HTTP/%s" %d %d %.6fs',
            peer,
            scope["method"],
            # Nothing of ours sends a query; whatever one carries stays out.
            path + ("?…" if scope["query_string"] else ""),
            scope["http_version"],
            sent["status"],
            sent["bytes"],
            time.perf_counter() - began,
        )


async def _whole_body(scope: Scope, receive: Receive) -> bytes | None:
    """The request's body (None: the client went away). Raises _TooLarge at
    once for a Content-Length over MAX_BODY, else once more has come."""
    for name, value in scope["headers"]:
        if name == b"content-length" and value.strip().isdigit() and int(value) > MAX_BODY:
            raise _TooLarge(f"Content-Length {int(value)}")
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        body += message.get("body", b"")
        if len(body) > MAX_BODY:
            raise _TooLarge(f"body over {MAX_BODY} bytes")
        if not message.get("more_body", False):
            return bytes(body)
