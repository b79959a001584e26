"""Signing in (SPEC §3): the tokens behind the kiosk's QR code and the badges.

Two kinds of token, both HMAC-SHA256 under a kiosk secret, truncated to 16
bytes and written in URL-safe base64 without padding (22 characters):

* the **room token** in the code on the kiosk screen. It names a 15-second
  window and is accepted in that window and the one after it, so a photo of
  the screen forwarded out of the room stops working within 15-30 seconds;
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

#: Seconds a room token's window lasts.
WINDOW = 15

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAC_BYTES = 16
_MAC_CHARS = 22  # len(b64url(16 bytes)) without padding
# Windows of any date the kiosk will see; the bound also keeps int() cheap.
_WINDOW_RE = re.compile(r"-?[0-9]{1,15}", re.ASCII)
_MAC_RE = re.compile(r"[A-Za-z0-9_-]{22}", re.ASCII)
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


def window_of(now: datetime) -> int:
    """The number of the 15-second window ``now`` falls in (floor of POSIX
    time / 15). ``now`` must be timezone-aware."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return (now - _EPOCH) // timedelta(seconds=WINDOW)


def _room_message(meeting_id: str, window: int) -> str:
    return f"room|{meeting_id}|{window}"


def room_token(secret: bytes, meeting_id: str, now: datetime) -> str:
    """The token for the code on the kiosk screen at ``now``: ``"<window>.<mac>"``."""
    window = window_of(now)
    return f"{window}.{_b64(_mac(secret, _room_message(meeting_id, window)))}"


def check_room_token(secret: bytes, meeting_id: str, token: str, now: datetime) -> TokenCheck:
    """Accept ``token`` if it was made for this meeting with this secret in
    now's window or the one before it. Never raises on any ``token``."""
    if not isinstance(token, str) or len(token) > _MAX_TOKEN_CHARS:
        return TokenCheck(False, TokenProblem.MALFORMED)
    window_text, dot, mac_text = token.partition(".")
    if not dot or _WINDOW_RE.fullmatch(window_text) is None:
        return TokenCheck(False, TokenProblem.MALFORMED)
    given = _unb64(mac_text)
    if given is None:
        return TokenCheck(False, TokenProblem.MALFORMED)
    window = int(window_text)
    if str(window) != window_text:  # "-0", "007": one window, one spelling
        return TokenCheck(False, TokenProblem.MALFORMED)
    if not hmac.compare_digest(given, _mac(secret, _room_message(meeting_id, window))):
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
