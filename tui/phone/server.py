"""The sign-in page server (SPEC §3), run by the kiosk in its own asyncio loop.

``tui.phone.http`` (h11 on asyncio streams) serves it on the loop Textual
already runs, so a handler reads and changes the kiosk's records exactly as a
screen does — between two awaits, on one thread — and a sign-in shows on the
roster at once. Nothing here imports Textual: the app hands in a callback.

The walk of one member:

1. The phone scans ``<address>/S/<room token>`` (upper case: the whole address
   fits the QR code's compact alphanumeric mode). The token must be the open
   meeting's and fresh (this window or the one before: rules.signin). The
   reply sets a cookie naming the phone and carries a form ticket good for a
   few minutes, bound to that phone.
2. The phone posts the form to ``/S``: its member number and sign-in PIN, or,
   for a phone that remembers its member, one tap. The ticket must be
   authentic, fresh, from this phone and not used before; the PIN is checked
   with its throttles (per person, stored; per kiosk, in memory).
3. ``Kiosk.sign_in`` decides (rules.signin.sign_in): present or late, or a
   refusal. The roster redraws; the phone is told "signed in" only once the
   record is on disk.

Every refusal is a page that says what happened and what to do, and records
nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from ipaddress import ip_address
from logging.handlers import RotatingFileHandler
from pathlib import Path

from rules import access, signin
from rules.minutes import meeting_members
from rules.models import AttendanceStatus, Meeting, Person, RecordedBy
from rules.signin import PhoneCookie, Refusal, SigninRefused, TokenProblem
from storage import StorageError
from tui.core.kiosk import Kiosk
from tui.labels import ATTENDANCE_LABELS
from tui.phone import pages
from tui.phone.http import FormUnreadable, HttpServer, Request, Response

COOKIE = "xiaozu_phone"
COOKIE_MAX_AGE = 400 * 24 * 3600  # browsers keep a cookie at most 400 days
DEFAULT_PORT = 8765
#: Form tickets remembered as used, per meeting, at most (oldest forgotten).
_USED_LIMIT = 5000
_NONCE_EXTRA = 10  # random characters after the device id in a ticket's nonce
#: How far back a code of another meeting is recognised as one (a year).
_OTHER_MEETING_WINDOWS = 366 * 24 * 3600 // signin.WINDOW

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
    # Its children (xiaozu.phone.http, xiaozu.phone.access) log through it.
    for old in list(log.handlers):
        log.removeHandler(old)
        old.close()
    log.addHandler(handler)
    log.propagate = False
    log.setLevel(logging.INFO)
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
        self.on_signed_in = on_signed_in or (lambda meeting_id: None)
        self.base: str | None = None  # set once listening
        self.port: int | None = None
        self.problem: ServerProblem | None = None
        self._http: HttpServer | None = None
        self._used: dict[str, dict[str, None]] = {}  # meeting -> used nonces, in order
        # Sign-in PIN checks under way, and their turns (``_pin_turn_taken``).
        self._pin_checks = 0
        self._pin_turn = asyncio.Condition()

    # -- life cycle ---------------------------------------------------------

    async def start(self, bind: str, port: int, address: str | None = None) -> bool:
        """Listen on ``bind:port`` (port 0: any free port). False, with
        ``problem`` set, when that is not possible (the port in use …)."""
        phone_logger(self.env.data_dir, self.env.tz)
        http = HttpServer(self.handle, self._error_page)
        try:
            self.port = await http.start(bind, port)
        except OSError as error:
            self.problem = _listen_problem(bind, port, error)
            log.warning("cannot listen on %s:%s: %s", bind, port, error)
            return False
        self.base = code_base(bind, self.port, address)
        self._http = http
        log.info("listening on %s:%s, code address %s", bind, self.port, self.base)
        return True

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.stop()
            self._http = None

    async def handle(self, request: Request) -> Response:
        """The page for ``request``: ``/`` (what this is), ``/S/<token>`` (a
        scanned code), ``POST /S`` (the form); ``s`` in lower case too."""
        path, method = request.path, request.method
        get = ("GET", "HEAD")
        if path in ("/S", "/s"):
            if method != "POST":
                return self._wrong_method("POST")
            return await self.submitted(request)
        if path[:3] in ("/S/", "/s/") and len(path) > 3 and "/" not in path[3:]:
            if method not in get:
                return self._wrong_method("GET, HEAD")
            return await self.scanned(request, path[3:])
        if path in ("/", "/favicon.ico"):
            if method not in get:
                return self._wrong_method("GET, HEAD")
            return self.front() if path == "/" else Response(204)
        return self._error_page(404)

    def code_url(self, now: datetime | None = None) -> str | None:
        """What the code on the screen says now, or None when no meeting is
        taking sign-ins (or the server is not listening)."""
        meeting = self.kiosk.signin_meeting()
        secret = self.kiosk.credentials.secret
        if meeting is None or secret is None or self.base is None:
            return None
        token = signin.room_token(secret, meeting.id, now or self.kiosk.now())
        return f"{self.base}/S/{token}"

    # -- pages ------------------------------------------------------------------

    def t(self, zh: str, en: str) -> str:
        return self.env.t(zh, en)

    def _html(self, text: str, status: int = 200) -> Response:
        response = Response.html(text, status)
        response.headers += [
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
            (
                "Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
            ),
        ]
        return response

    def _refused(self, title: str, text: str, status: int, meeting: str = "") -> Response:
        return self._html(pages.refused(self.env.lang, title, text, meeting=meeting), status)

    def _meeting_title(self, meeting: Meeting) -> str:
        org = self.kiosk.org
        group = org.group(meeting.group_id) if meeting.group_id else None
        name = group.name if group else self.t(f"{org.branch.name}党员大会", org.branch.name)
        when = (meeting.started_at or meeting.planned_at).astimezone(self.env.tz)
        title = f"{name} · {self.env.date(when.date())}"
        if meeting.started_at is None:  # sign-in opened before the start
            return title + self.t(f" · 计划 {when:%H:%M} 开始", f" · starts {when:%H:%M}")
        # The real start: a sign-in after it is late (迟到).
        return title + self.t(f" · {when:%H:%M} 已开始", f" · started {when:%H:%M}")

    def front(self) -> Response:
        return self._html(pages.about(self.env.lang))

    def _wrong_method(self, allowed: str) -> Response:
        response = self._error_page(405)
        response.headers.append(("Allow", allowed))
        return response

    def _error_page(self, status: int) -> Response:
        """A request that is not one of the pages', or could not be read."""
        if status == 404:
            title = self.t("没有这个页面", "There is no such page")
        elif status == 413:
            title = self.t("发送的内容太大", "What was sent is too large")
        elif status == 408:
            title = self.t("请求超时", "The request took too long")
        elif status >= 500:
            title = self.t("终端出了问题", "The kiosk ran into a problem")
        else:
            title = self.t("请求无法读取", "The request could not be read")
        text = self.t(
            "请用手机相机扫描会议室屏幕上的二维码签到。",
            "Scan the code on the meeting-room screen with the phone's camera to sign in.",
        )
        if status >= 500:
            text = self.t(
                "请重新扫码;如果仍不行,请党小组长登记您的出席。",
                "Scan the code again; if it still fails, ask the leader to mark you present.",
            )
        return self._refused(title, text, status)

    def _not_open(self) -> Response:
        return self._refused(
            self.t("现在没有正在签到的会议", "No meeting is taking sign-ins now"),
            self.t(
                "会议开始后,请扫描会议室屏幕上的二维码签到。",
                "Once the meeting has started, scan the code on the meeting-room screen.",
            ),
            503,
        )

    def _unavailable(self) -> Response:
        return self._refused(
            self.t("手机签到暂不可用", "Signing in by phone is not available"),
            self.t(
                "终端的签名密钥无法读取。请党小组长登记您的出席。",
                "The kiosk cannot read its signing key. Ask the leader to mark you present.",
            ),
            503,
        )

    def _scan_again(self, problem: TokenProblem, other_meeting: bool, title: str) -> Response:
        if other_meeting:
            return self._refused(
                self.t("这是另一次会议的二维码", "This code belongs to another meeting"),
                self.t(
                    "请扫描本会议室屏幕上当前显示的二维码。",
                    "Scan the code on this meeting-room screen now.",
                ),
                403,
                title,
            )
        if problem in (TokenProblem.EXPIRED, TokenProblem.FUTURE):
            return self._refused(
                self.t("二维码已过期", "This code has expired"),
                self.t(
                    "屏幕上的二维码每 15 秒更新一次,照片或转发的二维码不能签到。"
                    "请在会议室扫描屏幕上当前显示的二维码。",
                    "The code on the screen changes every 15 seconds; a photo or a forwarded"
                    " code does not work. Scan the code on the screen in the meeting room.",
                ),
                410,
                title,
            )
        return self._refused(
            self.t("这不是有效的签到二维码", "This is not a valid sign-in code"),
            self.t("请扫描会议室屏幕上的二维码。", "Scan the code on the meeting-room screen."),
            403,
            title,
        )

    def _other_meeting(self, token: str, secret: bytes, open_id: str) -> bool:
        """Is ``token`` an authentic code of another meeting (any time)?"""
        window, _, _ = token.partition(".")
        if not (window.isascii() and window.isdigit() and len(window) <= 12):
            return False
        current = signin.window_of(self.kiosk.now())
        if abs(int(window) - current) > _OTHER_MEETING_WINDOWS:
            return False
        then = signin.window_start(int(window))
        return any(
            signin.check_room_token(secret, m.id, token, then).ok
            for m in self.kiosk.records.meetings_all()
            if m.id != open_id
        )

    # -- GET /S/<token>: the code was scanned --------------------------------------

    async def scanned(self, request: Request, token: str) -> Response:
        meeting = self.kiosk.signin_meeting()
        secret = self.kiosk.credentials.secret
        if secret is None:
            return self._unavailable()
        token = token.upper()
        if meeting is None:
            return self._not_open()
        title = self._meeting_title(meeting)
        now = self.kiosk.now()
        verdict = signin.check_room_token(secret, meeting.id, token, now)
        if not verdict.ok:
            assert verdict.problem is not None
            other = verdict.problem is TokenProblem.FORGED and self._other_meeting(
                token, secret, meeting.id
            )
            log.info("code refused: %s%s", verdict.problem, " (other meeting)" if other else "")
            return self._scan_again(verdict.problem, other, title)
        cookie = self._cookie(request, secret) or PhoneCookie(_new_device())
        response = self._form_page(meeting, cookie, secret, title)
        self._set_cookie(response, secret, cookie)
        return response

    def _form_page(
        self,
        meeting: Meeting,
        cookie: PhoneCookie,
        secret: bytes,
        title: str,
        *,
        number: str = "",
        error: str = "",
    ) -> Response:
        nonce = cookie.device + secrets.token_urlsafe(8)[:_NONCE_EXTRA]
        ticket = signin.form_ticket(secret, meeting.id, self.kiosk.now(), nonce)
        known = self._remembered(cookie)
        if known is not None and not error:
            if known.id not in {p.id for p in meeting_members(meeting, self.kiosk.org)}:
                # Another group's member: a one-tap button would only be refused.
                return self._html(pages.not_member_here(self.env.lang, title, ticket, known.name))
            return self._html(pages.one_tap(self.env.lang, title, ticket, known.name))
        return self._html(
            pages.signin_form(self.env.lang, title, ticket, number=number, error=error)
        )

    def _remembered(self, cookie: PhoneCookie) -> Person | None:
        """The member this phone remembers, if the PIN it signed in with is
        still their current one."""
        if cookie.person_id is None:
            return None
        person = self.kiosk.records.person(cookie.person_id)
        if person is None or self.kiosk.credentials.signin_version(person.id) != cookie.version:
            return None
        return person

    def _cookie(self, request: Request, secret: bytes) -> PhoneCookie | None:
        value = request.cookies.get(COOKIE)
        return signin.read_phone_cookie(secret, value) if value else None

    def _set_cookie(self, response: Response, secret: bytes, cookie: PhoneCookie) -> None:
        response.set_cookie(
            COOKIE, signin.phone_cookie(secret, cookie), max_age=COOKIE_MAX_AGE, samesite="Lax"
        )

    # -- POST /S: the form was sent --------------------------------------------------

    async def submitted(self, request: Request) -> Response:
        secret = self.kiosk.credentials.secret
        if secret is None:
            return self._unavailable()
        try:
            form = request.form()
        except FormUnreadable:
            # A charset Python does not know, a body that does not decode in
            # its charset, a compressed or multipart body (the page's form
            # is neither), too many fields.
            return self._refused(
                self.t("表单无法读取", "The form could not be read"),
                self.t("请重新扫描屏幕上的二维码。", "Scan the code on the screen again."),
                400,
            )
        meeting = self.kiosk.signin_meeting()
        if meeting is None:
            return self._not_open()
        title = self._meeting_title(meeting)
        now = self.kiosk.now()
        checked = signin.check_form_ticket(secret, meeting.id, form.get("ticket", ""), now)
        cookie = self._cookie(request, secret)
        if not checked.ok or checked.nonce is None:
            return self._form_refused(checked.problem, title)
        if cookie is None or not checked.nonce.startswith(cookie.device):
            return self._refused(
                self.t("请允许此网页使用 Cookie", "Allow this page to use cookies"),
                self.t(
                    "签到需要浏览器保存一个 Cookie 来认出这部手机。请在浏览器设置中允许后,"
                    "重新扫描屏幕上的二维码。",
                    "Signing in needs the browser to keep one cookie that recognises this"
                    " phone. Allow it in the browser's settings, then scan the code again.",
                ),
                400,
                title,
            )
        used = self._used.setdefault(meeting.id, {})
        if checked.nonce in used:
            return self._refused(
                self.t("这份表单已经提交过", "This form was already sent"),
                self.t(
                    "一份表单只能提交一次。请看会议室屏幕上的名单;如需再签,请重新扫码。",
                    "A form is sent only once. Check the roster on the meeting-room screen;"
                    " to try again, scan the code again.",
                ),
                409,
                title,
            )
        used[checked.nonce] = None
        while len(used) > _USED_LIMIT:
            del used[next(iter(used))]

        person, failure = await self._identify(form, cookie, meeting, title)
        if failure is not None:
            return failure
        assert person is not None
        try:
            changed = self.kiosk.sign_in(person.id, RecordedBy.PHONE, phone=cookie.phone)
        except SigninRefused as refusal:
            log.info("sign-in refused: %s", refusal.refusal)
            return self._signin_refused(refusal.refusal, person, meeting, title)
        log.info("signed in %s to %s by phone", person.id, meeting.id)
        self.on_signed_in(meeting.id)
        if not await self.kiosk.writer.flush():
            return self._refused(
                self.t("签到未能保存", "The sign-in could not be saved"),
                self.t(
                    "终端无法写入数据。请告诉党小组长,屏幕上有原因说明。",
                    "The kiosk could not write its data. Tell the leader; the screen says why.",
                ),
                500,
                title,
            )
        record = changed.attendance_of(person.id)
        status = AttendanceStatus.LATE if record is None else record.status
        version = self.kiosk.credentials.signin_version(person.id) or 0
        response = self._html(
            pages.signed_in(
                self.env.lang,
                title,
                person.name,
                self.t(*ATTENDANCE_LABELS[status]),
                f"{now.astimezone(self.env.tz):%H:%M}",
            )
        )
        self._set_cookie(response, secret, PhoneCookie(cookie.device, person.id, version))
        return response

    def _form_refused(self, problem: TokenProblem | None, title: str) -> Response:
        if problem in (TokenProblem.EXPIRED, TokenProblem.FUTURE):
            return self._refused(
                self.t("签到页面已过期", "This sign-in page has expired"),
                self.t(
                    "签到页面打开后 5 分钟内有效。请重新扫描屏幕上的二维码。",
                    "A sign-in page lasts 5 minutes. Scan the code on the screen again.",
                ),
                410,
                title,
            )
        return self._refused(
            self.t("这不是本次会议的签到页面", "This is not this meeting's sign-in page"),
            self.t("请重新扫描屏幕上的二维码。", "Scan the code on the screen again."),
            403,
            title,
        )

    async def _identify(
        self, form: dict[str, str], cookie: PhoneCookie, meeting: Meeting, title: str
    ) -> tuple[Person | None, Response | None]:
        """Who is signing in: the remembered member (one tap), or the one
        whose member number and sign-in PIN were typed."""
        secret = self.kiosk.credentials.secret
        assert secret is not None
        if form.get("remembered") == "1":
            person = self._remembered(cookie)
            if person is not None:
                return person, None
            return None, self._form_page(
                meeting,
                cookie,
                secret,
                title,
                error=self.t(
                    "这部手机不再记得您(PIN 可能已重设)。请输入党员编号和签到 PIN。",
                    "This phone no longer remembers you (the PIN may have been reset)."
                    " Enter your member number and sign-in PIN.",
                ),
            )
        number = form.get("number", "").strip()[:40]
        pin = form.get("pin", "")[:40]
        now = self.kiosk.now()
        person = self.kiosk.records.person_by_number(number)
        blocked = self.kiosk.credentials.phone_throttle.blocked_until(now)
        checking = blocked is None and person is not None and bool(pin)
        if checking:
            blocked = await self._pin_turn_taken()
        if blocked is not None:
            return None, self._form_page(
                meeting,
                cookie,
                secret,
                title,
                number=number,
                error=self.t(
                    f"本终端刚才收到太多错误的 PIN,请于 {self._clock(blocked)} 后再试,"
                    "或请党小组长登记。",
                    f"This kiosk has had too many wrong PINs; try again after"
                    f" {self._clock(blocked)}, or ask the leader to mark you.",
                ),
            )
        verdict = None
        if checking:
            assert person is not None
            try:
                verdict = await asyncio.to_thread(
                    self.kiosk.credentials.check_signin_pin, person, pin, now
                )
                if verdict.outcome is access.PinOutcome.WRONG:  # counted before the turn ends
                    self.kiosk.credentials.phone_pin_failed(now)
            except StorageError as error:
                # The stored PINs cannot be read: nobody signs in by PIN until
                # that is mended; the kiosk's screen says which file and why.
                log.warning("sign-in PIN check failed: %s", error.message("en"))
                if self.kiosk.writer.on_error is not None:
                    self.kiosk.writer.on_error(error, meeting.id)
                return None, self._refused(
                    self.t("签到暂不可用", "Signing in is not available"),
                    self.t(
                        "终端无法读取签到数据。请告诉党小组长(屏幕上有原因说明),"
                        "并请党小组长登记您的出席。",
                        "The kiosk cannot read its sign-in data. Tell the leader (the screen"
                        " says why) and ask them to mark you present.",
                    ),
                    503,
                    title,
                )
            finally:
                await self._pin_turn_over()
        if verdict is not None and verdict.accepted:
            return person, None
        if verdict is None:
            self.kiosk.credentials.phone_pin_failed(now)
        log.info("wrong member number or sign-in PIN")
        if verdict is not None and verdict.outcome is access.PinOutcome.LOCKED_OUT:
            retry = verdict.retry_at
            text = self.t(
                f"PIN 错误次数过多,请于 {self._clock(retry)} 后再试,或请党小组长登记。",
                f"Too many wrong PINs; try again after {self._clock(retry)},"
                " or ask the leader to mark you.",
            )
        else:
            left = verdict.tries_left if verdict is not None else None
            more = (
                self.t(f"还可以再试 {left} 次。", f"{left} tries left. ")
                if left is not None
                else ""
            )
            text = self.t(
                f"党员编号或签到 PIN 不正确。{more}还没有签到 PIN 的,请找党小组长设置。",
                f"Wrong member number or sign-in PIN. {more}No sign-in PIN yet? Ask your"
                " group leader to set one.",
            )
        return None, self._form_page(meeting, cookie, secret, title, number=number, error=text)

    async def _pin_turn_taken(self) -> datetime | None:
        """Wait for a turn to check a sign-in PIN. The wrong PINs of the last
        KIOSK_SPAN and the checks under way (each may be wrong) together stay
        within KIOSK_LIMIT: many phones guessing at once get no more guesses
        than one phone, though a check takes a while (scrypt). A crowd of
        members signing in at once only waits a moment. None when the turn
        is taken (end it with ``_pin_turn_over``); else when the kiosk takes
        PINs again."""
        async with self._pin_turn:
            while True:
                now = self.kiosk.now()
                throttle = self.kiosk.credentials.phone_throttle
                blocked = throttle.blocked_until(now)
                if blocked is not None:
                    return blocked
                for _ in range(self._pin_checks):
                    throttle = throttle.failed(now)
                if throttle.blocked_until(now) is None:
                    self._pin_checks += 1
                    return None
                await self._pin_turn.wait()

    async def _pin_turn_over(self) -> None:
        async with self._pin_turn:
            self._pin_checks -= 1
            self._pin_turn.notify_all()

    def _clock(self, moment: datetime | None) -> str:
        return f"{moment.astimezone(self.env.tz):%H:%M}" if moment else "—"

    def _signin_refused(
        self, refusal: Refusal, person: Person, meeting: Meeting, title: str
    ) -> Response:
        if refusal is Refusal.NOT_OPEN:
            return self._not_open()
        if refusal is Refusal.NOT_MEMBER:
            return self._refused(
                self.t(f"{person.name}不是本次会议的党员", f"{person.name} is not a member here"),
                self.t(
                    "只有本小组的党员用手机签到;列席人员由党小组长登记。",
                    "Only the group's party members sign in by phone; guests are marked by"
                    " the leader.",
                ),
                403,
                title,
            )
        if refusal is Refusal.ALREADY:
            record = meeting.attendance_of(person.id)
            at = self._clock(record.recorded_at) if record else "—"
            return self._refused(
                self.t(f"{person.name}已经签到", f"{person.name} is already signed in"),
                self.t(f"已于 {at} 登记出席,无需再签。", f"Recorded as come at {at}."),
                409,
                title,
            )
        return self._refused(
            self.t("这部手机已为他人签到", "This phone has signed someone else in"),
            self.t(
                "每部手机每次会议只能为一人签到。请用您自己的手机,或请党小组长登记。",
                "One phone signs in one person per meeting. Use your own phone, or ask the"
                " leader to mark you.",
            ),
            409,
            title,
        )


def _new_device() -> str:
    return secrets.token_urlsafe(16)[:22]


def _listen_problem(bind: str, port: int, error: OSError) -> ServerProblem:
    import errno

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
