"""Signing in (SPEC §3): the tokens behind the kiosk's QR code and the badges.

Every token is an HMAC-SHA256 under the kiosk's secret, truncated to 16
bytes:

* the **room token** in the code on the kiosk screen. It names a 15-second
  window and is accepted in that window and the one after it, so a photo of
  the screen forwarded out of the room stops working within 15-30 seconds.
  Its mac is written in upper-case base32 (16 characters, 80 bits) so that the whole
  sign-in address fits the QR code's compact alphanumeric mode;
* the **form ticket** the phone page hands out for a fresh room token: the
  member may take a few minutes to type a PIN, and the ticket, not the room
  token, is what the form sends back. Each ticket carries a random nonce, so
  a form sent twice is recognised;
* the **phone cookie** that remembers a phone: a random device id and, once
  the member has signed in with a PIN, who they are and which PIN version
  they signed in with (setting a new PIN forgets every remembered phone);
* the **badge token** a member's personal badge carries, read by a USB
  scanner at the kiosk. It names the person and a version; reissuing a badge
  bumps the version, which revokes every older badge of that person.

Pure: no clock, no randomness, no IO. The secret and ``now`` are arguments.
The check functions never raise, whatever text they are given.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from rules.meeting.flow import mark_attendance
from rules.meeting.minutes import meeting_members
from rules.models import AttendanceStatus, Meeting, Organisation, RecordedBy, Step

#: Seconds a room token's window lasts.
WINDOW = 15

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAC_BYTES = 16
_MAC_CHARS = 22  # len(b64url(16 bytes)) without padding
#: A room token's mac: 10 bytes (80 bits) — plenty for a code that lives 30
#: seconds and can only be guessed online — in exactly 16 base32 characters,
#: so the whole address fits a version 3 code (37x37 with its quiet zone,
#: 19 terminal lines) beside the roster at 80x24.
_ROOM_MAC_BYTES = 10
# Windows of any date the kiosk will see; the bound also keeps int() cheap.
_WINDOW_RE = re.compile(r"-?[0-9]{1,15}", re.ASCII)
_MAC_RE = re.compile(r"[A-Za-z0-9_-]{22}", re.ASCII)
_B32_RE = re.compile(r"[A-Z2-7]{16}", re.ASCII)
#: Person ids in this project; nothing else can appear in a badge.
PERSON_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)
_VERSION_RE = re.compile(r"0|[1-9][0-9]{0,8}", re.ASCII)
_BADGE_PREFIX = "B1"
_MAX_TOKEN_CHARS = 256


class TokenProblem(StrEnum):
    """Why a room token was refused."""

    MALFORMED = "malformed"  # not a token at all
    FORGED = "forged"  # the mac does not match (other secret, other meeting, edited)
    EXPIRED = "expired"  # older than one window before now's
    FUTURE = "future"  # from a window after now's


class BadgeProblem(StrEnum):
    """Why a badge token was refused."""

    MALFORMED = "malformed"
    FORGED = "forged"
    REVOKED = "revoked"  # not the person's current badge version (or no badge at all)


@dataclass(frozen=True)
class TokenCheck:
    ok: bool
    problem: TokenProblem | None

    def __post_init__(self) -> None:
        if self.ok != (self.problem is None):
            raise ValueError("a check is ok exactly when it has no problem")


@dataclass(frozen=True)
class BadgeCheck:
    """``person_id`` is set when the badge is authentic: when accepted, and
    also when REVOKED (so the kiosk can say whose old badge it was)."""

    person_id: str | None
    problem: BadgeProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _mac(secret: bytes, message: str) -> bytes:
    return hmac.new(secret, message.encode("utf-8"), hashlib.sha256).digest()[:_MAC_BYTES]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes | None:
    """The 16 bytes behind a canonical 22-character mac, else None."""
    if _MAC_RE.fullmatch(text) is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "==")
    except (binascii.Error, ValueError):
        return None
    if len(raw) != _MAC_BYTES or _b64(raw) != text:
        return None  # non-canonical trailing bits
    return raw


def _b32(raw: bytes) -> str:
    return base64.b32encode(raw).rstrip(b"=").decode("ascii")


def _unb32(text: str) -> bytes | None:
    """The 10 bytes behind a 16-character base32 mac, else None."""
    if _B32_RE.fullmatch(text) is None:
        return None
    try:
        raw = base64.b32decode(text)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == _ROOM_MAC_BYTES else None


def _room_mac(secret: bytes, meeting_id: str, window: int) -> bytes:
    return _mac(secret, _room_message(meeting_id, window))[:_ROOM_MAC_BYTES]


def window_of(now: datetime) -> int:
    """The number of the 15-second window ``now`` falls in (floor of POSIX
    time / 15). ``now`` must be timezone-aware."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return (now - _EPOCH) // timedelta(seconds=WINDOW)


def window_start(window: int) -> datetime:
    """The first instant of a window (the inverse of ``window_of``)."""
    return _EPOCH + timedelta(seconds=WINDOW * window)


def _room_message(meeting_id: str, window: int) -> str:
    return f"room|{meeting_id}|{window}"


def room_token(secret: bytes, meeting_id: str, now: datetime) -> str:
    """The token for the code on the kiosk screen at ``now``:
    ``"<window>.<MAC>"``, digits, a dot and upper-case base32 only."""
    window = window_of(now)
    return f"{window}.{_b32(_room_mac(secret, meeting_id, window))}"


def check_room_token(secret: bytes, meeting_id: str, token: str, now: datetime) -> TokenCheck:
    """Accept ``token`` if it was made for this meeting with this secret in
    now's window or the one before it. Never raises on any ``token``."""
    if not isinstance(token, str) or len(token) > _MAX_TOKEN_CHARS:
        return TokenCheck(False, TokenProblem.MALFORMED)
    window_text, dot, mac_text = token.partition(".")
    if not dot or _WINDOW_RE.fullmatch(window_text) is None:
        return TokenCheck(False, TokenProblem.MALFORMED)
    given = _unb32(mac_text)
    if given is None:
        return TokenCheck(False, TokenProblem.MALFORMED)
    window = int(window_text)
    if str(window) != window_text:  # "-0", "007": one window, one spelling
        return TokenCheck(False, TokenProblem.MALFORMED)
    if not hmac.compare_digest(given, _room_mac(secret, meeting_id, window)):
        return TokenCheck(False, TokenProblem.FORGED)
    current = window_of(now)
    if window > current:
        return TokenCheck(False, TokenProblem.FUTURE)
    if window < current - 1:
        return TokenCheck(False, TokenProblem.EXPIRED)
    return TokenCheck(True, None)


def _badge_message(person_id: str, version: int) -> str:
    return f"badge|{person_id}|{version}"


def badge_token(secret: bytes, person_id: str, version: int) -> str:
    """The text on a member's badge: ``"B1.<person_id>.<version>.<mac>"``."""
    if PERSON_ID_RE.fullmatch(person_id) is None:
        raise ValueError(f"not a person id: {person_id!r}")
    if _VERSION_RE.fullmatch(str(version)) is None:
        raise ValueError(f"not a badge version: {version!r}")
    mac = _b64(_mac(secret, _badge_message(person_id, version)))
    return f"{_BADGE_PREFIX}.{person_id}.{version}.{mac}"


def check_badge(secret: bytes, token: str, current_versions: Mapping[str, int]) -> BadgeCheck:
    """Accept a badge if it is authentic and carries the person's current
    version. A person with no entry in ``current_versions`` has no valid
    badge (REVOKED). Never raises on any ``token``."""
    if not isinstance(token, str) or len(token) > _MAX_TOKEN_CHARS:
        return BadgeCheck(None, BadgeProblem.MALFORMED)
    parts = token.split(".")
    if len(parts) != 4:
        return BadgeCheck(None, BadgeProblem.MALFORMED)
    prefix, person_id, version_text, mac_text = parts
    given = _unb64(mac_text)
    if (
        prefix != _BADGE_PREFIX
        or PERSON_ID_RE.fullmatch(person_id) is None
        or _VERSION_RE.fullmatch(version_text) is None
        or given is None
    ):
        return BadgeCheck(None, BadgeProblem.MALFORMED)
    version = int(version_text)
    if not hmac.compare_digest(given, _mac(secret, _badge_message(person_id, version))):
        return BadgeCheck(None, BadgeProblem.FORGED)
    if current_versions.get(person_id) != version:
        return BadgeCheck(person_id, BadgeProblem.REVOKED)
    return BadgeCheck(person_id, None)


# --------------------------------------------------------------------------
# Form tickets: what the phone's form sends back


#: Windows a form ticket stays good for after it was handed out (5 minutes):
#: time enough to type a member number and a PIN.
FORM_WINDOWS = 20
_NONCE_RE = re.compile(r"[A-Za-z0-9_-]{8,64}", re.ASCII)
_TICKET_PREFIX = "F1"


@dataclass(frozen=True)
class TicketCheck:
    """A form ticket's verdict; ``nonce`` is set when the ticket is
    authentic (so a ticket sent twice can be told from a forged one)."""

    nonce: str | None
    problem: TokenProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _ticket_message(meeting_id: str, window: int, nonce: str) -> str:
    return f"form|{meeting_id}|{window}|{nonce}"


def form_ticket(secret: bytes, meeting_id: str, now: datetime, nonce: str) -> str:
    """A ticket for one form on one phone: ``"F1.<window>.<nonce>.<mac>"``.
    ``nonce`` is random, made by the caller (8-64 URL-safe characters)."""
    if _NONCE_RE.fullmatch(nonce) is None:
        raise ValueError("a nonce is 8-64 URL-safe characters")
    window = window_of(now)
    mac = _b64(_mac(secret, _ticket_message(meeting_id, window, nonce)))
    return f"{_TICKET_PREFIX}.{window}.{nonce}.{mac}"


def check_form_ticket(secret: bytes, meeting_id: str, ticket: str, now: datetime) -> TicketCheck:
    """Accept a ticket made for this meeting within the last FORM_WINDOWS
    windows. Never raises on any ``ticket``."""
    if not isinstance(ticket, str) or len(ticket) > _MAX_TOKEN_CHARS:
        return TicketCheck(None, TokenProblem.MALFORMED)
    parts = ticket.split(".")
    if len(parts) != 4 or parts[0] != _TICKET_PREFIX:
        return TicketCheck(None, TokenProblem.MALFORMED)
    _, window_text, nonce, mac_text = parts
    given = _unb64(mac_text)
    if (
        _WINDOW_RE.fullmatch(window_text) is None
        or str(int(window_text)) != window_text
        or _NONCE_RE.fullmatch(nonce) is None
        or given is None
    ):
        return TicketCheck(None, TokenProblem.MALFORMED)
    window = int(window_text)
    expected = _mac(secret, _ticket_message(meeting_id, window, nonce))
    if not hmac.compare_digest(given, expected):
        return TicketCheck(None, TokenProblem.FORGED)
    current = window_of(now)
    if window > current:
        return TicketCheck(nonce, TokenProblem.FUTURE)
    if window < current - FORM_WINDOWS:
        return TicketCheck(nonce, TokenProblem.EXPIRED)
    return TicketCheck(nonce, None)


# --------------------------------------------------------------------------
# The phone cookie: a phone remembered for one member


_PHONE_PREFIX = "P1"
_DEVICE_RE = re.compile(r"[A-Za-z0-9_-]{22}", re.ASCII)
_NOBODY = "-"


@dataclass(frozen=True)
class PhoneCookie:
    """What a phone's cookie says, once its mac is checked: the phone's own
    random id and, if it signed in before, for whom and with which PIN
    version."""

    device: str
    person_id: str | None = None
    version: int = 0

    @property
    def phone(self) -> str:
        """The phone as an attendance record names it: a digest of the device
        id, so a meeting file never holds a cookie's parts."""
        return hashlib.sha256(f"phone|{self.device}".encode()).hexdigest()[:16]


def _phone_message(device: str, person: str, version: int) -> str:
    return f"phone|{device}|{person}|{version}"


def phone_cookie(secret: bytes, cookie: PhoneCookie) -> str:
    """The cookie's value: ``"P1.<device>.<person or ->.<version>.<mac>"``."""
    if _DEVICE_RE.fullmatch(cookie.device) is None:
        raise ValueError("a device id is 22 URL-safe characters")
    person = cookie.person_id or _NOBODY
    if cookie.person_id is not None and (
        PERSON_ID_RE.fullmatch(cookie.person_id) is None or cookie.person_id == _NOBODY
    ):
        raise ValueError(f"not a person id: {cookie.person_id!r}")
    if _VERSION_RE.fullmatch(str(cookie.version)) is None:
        raise ValueError(f"not a version: {cookie.version!r}")
    mac = _b64(_mac(secret, _phone_message(cookie.device, person, cookie.version)))
    return f"{_PHONE_PREFIX}.{cookie.device}.{person}.{cookie.version}.{mac}"


def read_phone_cookie(secret: bytes, value: str) -> PhoneCookie | None:
    """The cookie behind ``value`` if it is authentic, else None (a phone
    with a damaged or forged cookie is treated as a new phone). Never
    raises."""
    if not isinstance(value, str) or len(value) > _MAX_TOKEN_CHARS:
        return None
    parts = value.split(".")
    if len(parts) != 5 or parts[0] != _PHONE_PREFIX:
        return None
    _, device, person, version_text, mac_text = parts
    given = _unb64(mac_text)
    if (
        _DEVICE_RE.fullmatch(device) is None
        or (person != _NOBODY and PERSON_ID_RE.fullmatch(person) is None)
        or _VERSION_RE.fullmatch(version_text) is None
        or given is None
    ):
        return None
    version = int(version_text)
    if not hmac.compare_digest(given, _mac(secret, _phone_message(device, person, version))):
        return None
    return PhoneCookie(device, None if person == _NOBODY else person, version)


# --------------------------------------------------------------------------
# The kiosk-wide throttle on wrong sign-in PINs


#: Wrong PINs (or unknown member numbers) the whole kiosk takes in one
#: KIOSK_SPAN before it stops taking PINs until the oldest of them is a
#: KIOSK_SPAN old: someone trying one PIN on every member number is slowed
#: down as much as someone trying every PIN on one member.
KIOSK_LIMIT = 10
KIOSK_SPAN = timedelta(minutes=1)


@dataclass(frozen=True)
class KioskThrottle:
    """The kiosk's recent wrong sign-in PINs, oldest first."""

    failures: tuple[datetime, ...] = ()

    def _recent(self, now: datetime) -> tuple[datetime, ...]:
        return tuple(f for f in self.failures if now - KIOSK_SPAN < f <= now)

    def blocked_until(self, now: datetime) -> datetime | None:
        """When the kiosk takes PINs again, or None if it takes them now."""
        recent = self._recent(now)
        if len(recent) < KIOSK_LIMIT:
            return None
        return recent[-KIOSK_LIMIT] + KIOSK_SPAN

    def failed(self, now: datetime) -> KioskThrottle:
        """After one more wrong PIN at ``now``."""
        return KioskThrottle((*self._recent(now), now)[-KIOSK_LIMIT:])


# --------------------------------------------------------------------------
# Signing in: the decision


class Refusal(StrEnum):
    """Why a sign-in by phone or badge was refused (nothing is recorded)."""

    NOT_OPEN = "not open"  # the meeting is not taking sign-ins
    NOT_MEMBER = "not member"  # not a member expected at this meeting
    ALREADY = "already"  # already signed in (or marked present)
    PHONE_USED = "phone used"  # this phone signed someone else in


class SigninRefused(Exception):
    def __init__(self, refusal: Refusal, person_id: str | None = None) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal
        self.person_id = person_id


#: The steps in which members sign themselves in. At the record step the
#: attendance is closed (rules.meeting.flow).
SIGNIN_STEPS = frozenset({Step.ABSENTEE_REPORT, Step.AGENDA, Step.DISCUSSION, Step.SUMMARY})


def open_for_signin(meeting: Meeting) -> bool:
    """Sign-in is open: from its opening (before the start, or with it)
    until the record step."""
    if meeting.postponement is not None:
        return False
    return meeting.step in SIGNIN_STEPS or (
        meeting.step is Step.PREPARATION and meeting.signin_opened_at is not None
    )


def sign_in(
    meeting: Meeting,
    org: Organisation,
    person_id: str,
    now: datetime,
    *,
    by: RecordedBy,
    phone: str = "",
) -> Meeting:
    """Record that ``person_id`` came, by phone or badge: present, or late
    after the real start or once the opening is over (rules.meeting.flow).

    Raises SigninRefused (and changes nothing) when the meeting is not open,
    the person is not a member expected at it (guests are marked by the
    leader), they are already recorded as come, or this phone already signed
    someone else in to this meeting. A member the leader had marked away who
    turns up after all is recorded as come.
    """
    if by is RecordedBy.LEADER:
        raise ValueError("the leader marks attendance through rules.meeting.flow")
    if not open_for_signin(meeting):
        raise SigninRefused(Refusal.NOT_OPEN, person_id)
    if person_id not in {p.id for p in meeting_members(meeting, org)}:
        raise SigninRefused(Refusal.NOT_MEMBER, person_id)
    record = meeting.attendance_of(person_id)
    if record is not None and record.status.attended:
        raise SigninRefused(Refusal.ALREADY, person_id)
    if phone and any(a.phone == phone and a.person_id != person_id for a in meeting.attendance):
        raise SigninRefused(Refusal.PHONE_USED, person_id)
    return mark_attendance(
        meeting, org, person_id, AttendanceStatus.PRESENT, now, by=by, phone=phone
    )
