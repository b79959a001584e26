"""Sign-in tokens (SPEC §3): the rotating room code and the personal badge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.signin import (
    WINDOW,
    BadgeCheck,
    BadgeProblem,
    TokenCheck,
    TokenProblem,
    badge_token,
    check_badge,
    check_room_token,
    room_token,
    window_of,
)

TZ = ZoneInfo("Asia/Shanghai")
SECRET = b"kiosk-secret-0123456789abcdef"
OTHER_SECRET = b"another-kiosk-secret"
MEETING = "m-g1-2026-12"
# The first instant of a window (2026-11-26 01:00:00 UTC is a multiple of 15 s).
START = datetime(2026, 11, 26, 9, 0, tzinfo=TZ)
OK = TokenCheck(True, None)


class Clock:
    """An injected clock moved by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _check(
    token: str, now: datetime, *, secret: bytes = SECRET, meeting: str = MEETING
) -> TokenCheck:
    return check_room_token(secret, meeting, token, now)


def test_window_of_is_floor_of_posix_time_over_15() -> None:
    assert WINDOW == 15
    assert START.timestamp() % 15 == 0
    assert window_of(START) == int(START.timestamp()) // 15
    assert window_of(START + timedelta(seconds=14.999)) == window_of(START)
    assert window_of(START + timedelta(seconds=15)) == window_of(START) + 1
    assert window_of(START - timedelta(microseconds=1)) == window_of(START) - 1
    # The same instant in any zone is the same window.
    assert window_of(START.astimezone(UTC)) == window_of(START)
    assert window_of(datetime(1970, 1, 1, tzinfo=UTC) - timedelta(seconds=1)) == -1


def test_window_of_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        window_of(datetime(2026, 11, 26, 9, 0))


def test_room_token_shape() -> None:
    token = room_token(SECRET, MEETING, START)
    window, _, mac = token.partition(".")
    assert window == str(window_of(START))
    assert len(mac) == 22  # 16 bytes, base64url, no padding
    assert set(mac) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert room_token(SECRET, MEETING, START) == token  # deterministic


def test_token_verifies_in_its_window_and_the_next_only() -> None:
    token = room_token(SECRET, MEETING, START)
    assert _check(token, START) == OK
    assert _check(token, START + timedelta(seconds=14.9)) == OK
    assert _check(token, START + timedelta(seconds=15)) == OK  # one window late
    assert _check(token, START + timedelta(seconds=29.9)) == OK
    late = _check(token, START + timedelta(seconds=30))  # two windows later
    assert late == TokenCheck(False, TokenProblem.EXPIRED)
    assert _check(token, START + timedelta(hours=1)).problem is TokenProblem.EXPIRED


def test_token_from_a_later_window_is_future() -> None:
    token = room_token(SECRET, MEETING, START + timedelta(seconds=15))
    assert _check(token, START) == TokenCheck(False, TokenProblem.FUTURE)
    assert _check(token, START + timedelta(seconds=14.9)).problem is TokenProblem.FUTURE


def test_other_secret_or_meeting_is_forged() -> None:
    token = room_token(SECRET, MEETING, START)
    assert _check(token, START, secret=OTHER_SECRET) == TokenCheck(False, TokenProblem.FORGED)
    assert _check(token, START, meeting="m-g2-2026-12").problem is TokenProblem.FORGED
    # Moving the window number forward does not extend a token's life.
    window, _, mac = token.partition(".")
    moved = f"{int(window) + 2}.{mac}"
    assert _check(moved, START + timedelta(seconds=30)).problem is TokenProblem.FORGED
    # One flipped character of the mac.
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert _check(flipped, START).problem is TokenProblem.FORGED


@pytest.mark.parametrize(
    "token",
    [
        "",
        ".",
        "nodot",
        "123",
        "123.",
        ".AAAAAAAAAAAAAAAAAAAAAA",
        "abc.AAAAAAAAAAAAAAAAAAAAAA",  # window not a number
        "007.AAAAAAAAAAAAAAAAAAAAAA",  # window not canonical
        "-0.AAAAAAAAAAAAAAAAAAAAAA",
        "123.AAAAAAAAAAAAAAAAAAAAA",  # 21 characters
        "123.AAAAAAAAAAAAAAAAAAAAAAA",  # 23 characters
        "123.AAAAAAAAAAAAAAAAAAAAA=",  # padding
        "123.AAAAAAAAAAAAAAAAAAAA+/",  # not the URL-safe alphabet
        "123.AAAAAAAAAAAAAAAAAAAAAB",  # non-canonical trailing bits
        "123.AAAAAAAAAAAAAAAAAAAA!!",  # not base64
        "１２３.AAAAAAAAAAAAAAAAAAAAAA",  # full-width digits
        "123.AAAAAAAAAAAAAAAAAAAAAA.x",
        " 123.AAAAAAAAAAAAAAAAAAAAAA",
        "123.AAAAAAAAAAAAAAAAAAAAAA\n",
        "9" * 5000 + ".AAAAAAAAAAAAAAAAAAAAAA",  # would trip int()'s digit limit
        "1." + "A" * 1_000_000,  # huge
    ],
)
def test_malformed_tokens_are_malformed(token: str) -> None:
    assert _check(token, START) == TokenCheck(False, TokenProblem.MALFORMED)


def test_a_real_token_with_junk_around_it_is_refused() -> None:
    token = room_token(SECRET, MEETING, START)
    for bad in (token + "=", token + "\n", " " + token, token + ".x"):
        assert not _check(bad, START).ok


def test_tokens_rotate_every_15_seconds_with_an_injected_clock() -> None:
    clock = Clock(START)
    seen: list[str] = []
    for _ in range(8):
        seen.append(room_token(SECRET, MEETING, clock()))
        clock.advance(WINDOW)
    assert len(set(seen)) == len(seen)
    # Within a window the code on the screen stays the same.
    clock = Clock(START)
    first = room_token(SECRET, MEETING, clock())
    clock.advance(14.999)
    assert room_token(SECRET, MEETING, clock()) == first
    clock.advance(0.001)
    assert room_token(SECRET, MEETING, clock()) != first
    # A photo of the screen forwarded out of the room stops working.
    photo = room_token(SECRET, MEETING, START)
    clock = Clock(START)
    results = []
    for _ in range(4):
        results.append(_check(photo, clock()).ok)
        clock.advance(WINDOW)
    assert results == [True, True, False, False]


def test_token_check_invariant() -> None:
    with pytest.raises(ValueError):
        TokenCheck(True, TokenProblem.FORGED)
    with pytest.raises(ValueError):
        TokenCheck(False, None)


# --- badges -----------------------------------------------------------------


def test_badge_round_trip() -> None:
    token = badge_token(SECRET, "p04", 1)
    assert token.startswith("B1.p04.1.")
    assert check_badge(SECRET, token, {"p04": 1}) == BadgeCheck("p04", None)
    assert check_badge(SECRET, token, {"p04": 1}).ok
    with_dashes = badge_token(SECRET, "p_0-4", 0)
    assert check_badge(SECRET, with_dashes, {"p_0-4": 0}).ok


def test_badge_revoked_after_a_version_bump() -> None:
    old = badge_token(SECRET, "p04", 1)
    new = badge_token(SECRET, "p04", 2)
    versions = {"p04": 2}
    assert check_badge(SECRET, old, versions) == BadgeCheck("p04", BadgeProblem.REVOKED)
    assert check_badge(SECRET, new, versions).ok
    # No current badge at all for that person.
    assert check_badge(SECRET, new, {}) == BadgeCheck("p04", BadgeProblem.REVOKED)


def test_forged_badges() -> None:
    token = badge_token(SECRET, "p04", 1)
    versions = {"p04": 1, "p05": 1}
    forged = BadgeCheck(None, BadgeProblem.FORGED)
    assert check_badge(OTHER_SECRET, token, versions) == forged
    # Someone else's name on p04's mac.
    assert check_badge(SECRET, token.replace("p04", "p05"), versions) == forged
    # A bumped version on an old mac.
    assert check_badge(SECRET, token.replace(".1.", ".2.", 1), {"p04": 2}) == forged
    # A room token is not a badge.
    room = room_token(SECRET, "p04", START)
    assert not check_badge(SECRET, f"B1.p04.1.{room.partition('.')[2]}", versions).ok


@pytest.mark.parametrize(
    "token",
    [
        "",
        "B1",
        "B1.p04.1",
        "B2.p04.1.AAAAAAAAAAAAAAAAAAAAAA",
        "b1.p04.1.AAAAAAAAAAAAAAAAAAAAAA",
        "B1..1.AAAAAAAAAAAAAAAAAAAAAA",
        "B1.p 04.1.AAAAAAAAAAAAAAAAAAAAAA",
        "B1.p.04.1.AAAAAAAAAAAAAAAAAAAAAA",  # a dot in the id
        "B1.王.1.AAAAAAAAAAAAAAAAAAAAAA",
        "B1.p04.-1.AAAAAAAAAAAAAAAAAAAAAA",
        "B1.p04.01.AAAAAAAAAAAAAAAAAAAAAA",
        "B1.p04.x.AAAAAAAAAAAAAAAAAAAAAA",
        "B1.p04.１.AAAAAAAAAAAAAAAAAAAAAA",
        "B1.p04.9999999999.AAAAAAAAAAAAAAAAAAAAAA",
        "B1.p04.1.AAAAAAAAAAAAAAAAAAAA!!",
        "B1.p04.1.AAAAAAAAAAAAAAAAAAAAAA.",
        "B1.p04.1.AAAAAAAAAAAAAAAAAAAAAA\n",
        "B1." + "p" * 100_000 + ".1.AAAAAAAAAAAAAAAAAAAAAA",
    ],
)
def test_malformed_badges(token: str) -> None:
    assert check_badge(SECRET, token, {"p04": 1}) == BadgeCheck(None, BadgeProblem.MALFORMED)


@pytest.mark.parametrize(("person_id", "version"), [("p.04", 1), ("", 1), ("王", 1), ("p04", -1)])
def test_badge_token_refuses_what_check_badge_could_not_read(person_id: str, version: int) -> None:
    with pytest.raises(ValueError):
        badge_token(SECRET, person_id, version)


# --- never raises -------------------------------------------------------------

_token_text = st.one_of(
    st.text(),
    st.text(alphabet="0123456789.-_=+/ABab B1p\n"),
    st.builds(
        lambda w, mac: f"{w}.{mac}",
        st.integers(),
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="),
    ),
    st.builds(
        lambda p, v, mac: f"B1.{p}.{v}.{mac}",
        st.text(),
        st.integers(),
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="),
    ),
)


@given(token=_token_text, seconds=st.integers(min_value=-(10**9), max_value=10**10))
def test_arbitrary_text_never_raises(token: str, seconds: int) -> None:
    now = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
    room = check_room_token(SECRET, MEETING, token, now)
    assert isinstance(room, TokenCheck)
    assert not room.ok  # nothing random is a valid token
    badge = check_badge(SECRET, token, {"p04": 1})
    assert isinstance(badge, BadgeCheck)
    assert not badge.ok
