"""Signing in (SPEC §3): the rotating room code, the form ticket, the phone
cookie, the personal badge, the kiosk's PIN throttle and the sign-in itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.meeting import flow
from rules.meeting.signin import (
    FORM_WINDOWS,
    KIOSK_LIMIT,
    KIOSK_SPAN,
    WINDOW,
    BadgeCheck,
    BadgeProblem,
    KioskThrottle,
    PhoneCookie,
    Refusal,
    SigninRefused,
    TicketCheck,
    TokenCheck,
    TokenProblem,
    badge_token,
    check_badge,
    check_form_ticket,
    check_room_token,
    form_ticket,
    open_for_signin,
    phone_cookie,
    read_phone_cookie,
    room_token,
    sign_in,
    window_of,
)
from rules.models import AttendanceStatus, Guest, Meeting, RecordedBy, Step
from rules.samples.demo import demo_branch

TZ = ZoneInfo("Asia/Shanghai")
SECRET = b"kiosk-secret-0123456789abcdef"
OTHER_SECRET = b"another-kiosk-secret"
MEETING = "m-g1-2026-12"
# The first instant of a window (2026-11-26 01:00:00 UTC is a multiple of 15 s).
START = datetime(2026, 11, 26, 9, 0, tzinfo=TZ)
OK = TokenCheck(True, None)
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
# A well-formed 16-character base32 mac (10 zero bytes): only the part of the
# token around it is wrong in the malformed cases.
MAC = "A" * 16


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
    # 10 bytes, upper-case base32, no padding: the QR code's alphanumeric mode.
    assert len(mac) == 16
    assert set(mac) <= set(B32)
    assert set(token) <= set("0123456789.-" + B32)
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
        "." + MAC,
        "abc." + MAC,  # window not a number
        "007." + MAC,  # window not canonical
        "-0." + MAC,
        "123." + MAC[:-1],  # 15 characters
        "123." + MAC + "A",  # 17 characters
        "123." + MAC + "======",  # padding
        "123." + MAC[:-1] + "=",
        "123." + MAC.lower(),  # lower case
        "123." + MAC[:-2] + "01",  # not the base32 alphabet
        "123." + MAC[:-2] + "!!",
        "123." + "A" * 22,  # the old base64url shape
        "１２３." + MAC,  # full-width digits
        "123." + MAC + ".x",
        " 123." + MAC,
        "123." + MAC + "\n",
        "9" * 5000 + "." + MAC,  # would trip int()'s digit limit
        "1." + "A" * 1_000_000,  # huge
    ],
)
def test_malformed_tokens_are_malformed(token: str) -> None:
    assert _check(token, START) == TokenCheck(False, TokenProblem.MALFORMED)


def test_a_real_mac_spelled_otherwise_is_malformed() -> None:
    token = room_token(SECRET, MEETING, START)
    window, _, mac = token.partition(".")
    # 80 bits are exactly 16 base32 characters: no spare bits, one spelling,
    # and lower case is not it.
    assert _check(f"{window}.{mac.lower()}", START).problem is TokenProblem.MALFORMED


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
    st.builds(lambda w, mac: f"{w}.{mac}", st.integers(), st.text(alphabet=B32 + "=a")),
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


# --- form tickets -------------------------------------------------------------

NONCE = "n0nce-_Abc123"


def _ticket_check(
    ticket: str, now: datetime, *, secret: bytes = SECRET, meeting: str = MEETING
) -> TicketCheck:
    return check_form_ticket(secret, meeting, ticket, now)


def test_form_ticket_is_good_for_form_windows_after_it_was_handed_out() -> None:
    ticket = form_ticket(SECRET, MEETING, START, NONCE)
    assert ticket.startswith(f"F1.{window_of(START)}.{NONCE}.")
    assert _ticket_check(ticket, START) == TicketCheck(NONCE, None)
    last = START + timedelta(seconds=WINDOW * (FORM_WINDOWS + 1) - 0.001)
    assert window_of(last) == window_of(START) + FORM_WINDOWS
    assert _ticket_check(ticket, last).ok
    expired = _ticket_check(ticket, START + timedelta(seconds=WINDOW * (FORM_WINDOWS + 1)))
    assert expired == TicketCheck(NONCE, TokenProblem.EXPIRED)


def test_form_ticket_from_a_later_window_is_future() -> None:
    ticket = form_ticket(SECRET, MEETING, START + timedelta(seconds=WINDOW), NONCE)
    assert _ticket_check(ticket, START) == TicketCheck(NONCE, TokenProblem.FUTURE)


def test_form_ticket_of_another_meeting_or_secret_or_edited_is_forged() -> None:
    forged = TicketCheck(None, TokenProblem.FORGED)
    ticket = form_ticket(SECRET, MEETING, START, NONCE)
    assert _ticket_check(ticket, START, meeting="m-g2-2026-12") == forged
    assert _ticket_check(ticket, START, secret=OTHER_SECRET) == forged
    # Another nonce on this ticket's mac.
    assert _ticket_check(ticket.replace(NONCE, "another-nonce"), START) == forged
    # A later window on an old ticket's mac does not extend its life.
    window = str(window_of(START))
    later = ticket.replace(window, str(int(window) + FORM_WINDOWS), 1)
    assert _ticket_check(later, START + timedelta(hours=1)) == forged
    # A room token's mac is not a ticket's.
    room_mac = room_token(SECRET, MEETING, START).partition(".")[2]
    assert not _ticket_check(f"F1.{window}.{NONCE}.{room_mac}", START).ok


MAC64 = "A" * 22  # a canonical base64url mac, so only one part is wrong below


@pytest.mark.parametrize(
    "ticket",
    [
        "",
        "F1",
        f"F1.123.{NONCE}",
        f"F1.123.{NONCE}.{MAC64}.x",
        f"F2.123.{NONCE}.{MAC64}",
        f"f1.123.{NONCE}.{MAC64}",
        f"F1.abc.{NONCE}.{MAC64}",  # window not a number
        f"F1.007.{NONCE}.{MAC64}",  # window not canonical
        f"F1.-0.{NONCE}.{MAC64}",
        f"F1.123.short.{MAC64}",  # nonce under 8 characters
        f"F1.123.{'n' * 65}.{MAC64}",
        f"F1.123.nonce+/=.{MAC64}",
        f"F1.123.{NONCE}.{MAC64[:-1]}",  # 21 characters
        f"F1.123.{NONCE}.{MAC64[:-1]}B",  # non-canonical trailing bits
        f"F1.123.{NONCE}.{MAC}",  # a room token's base32 mac
        f"F1.123.{NONCE}.{MAC64}\n",
    ],
)
def test_malformed_form_tickets(ticket: str) -> None:
    assert _ticket_check(ticket, START) == TicketCheck(None, TokenProblem.MALFORMED)


@pytest.mark.parametrize("nonce", ["", "short", "a" * 65, "has.dot.inside", "空白nonce12"])
def test_form_ticket_refuses_a_nonce_it_could_not_read_back(nonce: str) -> None:
    with pytest.raises(ValueError):
        form_ticket(SECRET, MEETING, START, nonce)


@given(ticket=st.text())
def test_check_form_ticket_never_raises(ticket: str) -> None:
    assert not _ticket_check(ticket, START).ok


@given(window=st.integers(), nonce=st.text(), mac=st.text())
def test_check_form_ticket_never_raises_on_ticket_shaped_text(
    window: int, nonce: str, mac: str
) -> None:
    assert not _ticket_check(f"F1.{window}.{nonce}.{mac}", START).ok


# --- phone cookies ------------------------------------------------------------

DEVICE = "dev1ce-id_0123456789ab"  # 22 URL-safe characters
OTHER_DEVICE = "another-device_0123456"


def test_phone_cookie_round_trips_with_and_without_a_person() -> None:
    new_phone = PhoneCookie(DEVICE)
    assert read_phone_cookie(SECRET, phone_cookie(SECRET, new_phone)) == new_phone
    known = PhoneCookie(DEVICE, "p05", 3)
    value = phone_cookie(SECRET, known)
    assert value.startswith(f"P1.{DEVICE}.p05.3.")
    assert read_phone_cookie(SECRET, value) == known


def test_an_edited_or_foreign_phone_cookie_reads_as_none() -> None:
    value = phone_cookie(SECRET, PhoneCookie(DEVICE, "p05", 3))
    assert read_phone_cookie(SECRET, value.replace(".p05.", ".p06.")) is None
    assert read_phone_cookie(SECRET, value.replace(".3.", ".4.")) is None
    assert read_phone_cookie(SECRET, value.replace(DEVICE, OTHER_DEVICE)) is None
    assert read_phone_cookie(OTHER_SECRET, value) is None
    # A cookie that names nobody cannot be made to name someone.
    nobody = phone_cookie(SECRET, PhoneCookie(DEVICE))
    assert read_phone_cookie(SECRET, nobody.replace(".-.", ".p05.")) is None


@pytest.mark.parametrize(
    "cookie",
    [PhoneCookie("short"), PhoneCookie(DEVICE, "p.05"), PhoneCookie(DEVICE, "p05", -1)],
)
def test_phone_cookie_refuses_what_it_could_not_read_back(cookie: PhoneCookie) -> None:
    with pytest.raises(ValueError):
        phone_cookie(SECRET, cookie)


def test_phone_digest_is_stable_short_and_hides_the_device() -> None:
    phone = PhoneCookie(DEVICE, "p05", 3).phone
    assert phone == PhoneCookie(DEVICE).phone  # the device alone decides
    assert len(phone) == 16 and set(phone) <= set("0123456789abcdef")
    assert phone != PhoneCookie(OTHER_DEVICE).phone
    assert DEVICE not in phone and phone not in DEVICE


@given(value=st.text())
def test_read_phone_cookie_never_raises(value: str) -> None:
    assert read_phone_cookie(SECRET, value) is None


@given(device=st.text(), person=st.text(), version=st.integers(), mac=st.text())
def test_read_phone_cookie_never_raises_on_cookie_shaped_text(
    device: str, person: str, version: int, mac: str
) -> None:
    assert read_phone_cookie(SECRET, f"P1.{device}.{person}.{version}.{mac}") is None


# --- the kiosk's PIN throttle -------------------------------------------------


def _failures(count: int, every: float = 1.0) -> tuple[KioskThrottle, datetime]:
    """``count`` wrong PINs from START, ``every`` seconds apart; and the last one's time."""
    throttle, now = KioskThrottle(), START
    for i in range(count):
        now = START + timedelta(seconds=i * every)
        throttle = throttle.failed(now)
    return throttle, now


def test_nine_wrong_pins_in_a_minute_do_not_block_the_kiosk() -> None:
    assert KIOSK_LIMIT == 10 and timedelta(minutes=1) == KIOSK_SPAN
    throttle, last = _failures(KIOSK_LIMIT - 1)
    assert throttle.blocked_until(last) is None


def test_the_tenth_blocks_until_the_oldest_of_the_ten_is_a_span_old() -> None:
    throttle, last = _failures(KIOSK_LIMIT + 3)  # 13 wrong PINs, 1 s apart
    oldest_of_last_ten = START + timedelta(seconds=3)
    until = oldest_of_last_ten + KIOSK_SPAN
    assert throttle.blocked_until(last) == until
    assert throttle.blocked_until(until - timedelta(microseconds=1)) == until
    assert throttle.blocked_until(until) is None


def test_wrong_pins_older_than_the_span_are_forgotten() -> None:
    throttle, last = _failures(KIOSK_LIMIT - 1)
    later = last + KIOSK_SPAN
    throttle = throttle.failed(later)
    assert throttle.failures == (later,)
    assert throttle.blocked_until(later) is None
    # Spread out over more than a span, no number of wrong PINs blocks.
    slow, last = _failures(3 * KIOSK_LIMIT, every=KIOSK_SPAN.total_seconds() / 9)
    assert slow.blocked_until(last) is None


# --- signing in ---------------------------------------------------------------

DEMO = demo_branch(START).records
ORG = DEMO.organisation
PLANNED = datetime(2026, 12, 3, 16, 30, tzinfo=TZ)  # g1's next meeting, MEETING
PHONE = PhoneCookie(DEVICE).phone
OTHER_PHONE = PhoneCookie(OTHER_DEVICE).phone
# 第一党小组: p04 leads it; p05 and p06 are members; p10 is in 第二党小组;
# p22 is an activist, invited below as a guest.
G1 = tuple(p.id for p in ORG.members_of("g1"))


def _at(minutes: float) -> datetime:
    return PLANNED + timedelta(minutes=minutes)


def _planned() -> Meeting:
    meeting = next(m for m in DEMO.meetings if m.id == MEETING)
    assert meeting.step is Step.PREPARATION and meeting.planned_at == PLANNED
    return flow.plan(meeting, guests=(Guest("p22"),))


def _started() -> Meeting:
    # Sign-in opens a quarter hour ahead; the meeting starts on time, so a
    # sign-in before it is present (changed with the two moments: the start
    # was at -15 and late was after the planned time).
    return flow.start(flow.open_signin(_planned(), _at(-15)), ORG, _at(0))


def _at_step(step: Step) -> Meeting:
    """The meeting run on to ``step``; everyone but p09 is marked present by
    the leader, p09 on leave."""
    m = _started()
    for pid in G1:
        if pid == "p09":
            m = flow.mark_attendance(
                m, ORG, pid, AttendanceStatus.ON_LEAVE, _at(-10), reason="出差"
            )
        else:
            m = flow.mark_attendance(m, ORG, pid, AttendanceStatus.PRESENT, _at(-10))
    while m.step is not step:
        if m.step is Step.DISCUSSION:
            m = flow.add_opinion(m, ORG, "p05", "同意", _at(20))
        if m.step is Step.SUMMARY:
            m = flow.write_summary(m, "统一了认识")
        m = flow.advance(m, ORG)
    return m


def _refused(meeting: Meeting, person_id: str, now: datetime, phone: str = "") -> Refusal:
    """Why ``sign_in`` refused; a refusal records nothing."""
    before = meeting.attendance
    with pytest.raises(SigninRefused) as exc:
        sign_in(meeting, ORG, person_id, now, by=RecordedBy.PHONE, phone=phone)
    assert exc.value.person_id == person_id
    assert meeting.attendance == before
    return exc.value.refusal


def test_signing_in_before_the_start_is_present_with_the_phone() -> None:
    # Changed with the two moments: present is before the real start (it was
    # before the planned one); sign-in opens before the meeting starts.
    opened = flow.open_signin(_planned(), _at(-15))
    assert open_for_signin(opened)
    m = sign_in(opened, ORG, "p05", _at(-5), by=RecordedBy.PHONE, phone=PHONE)
    record = m.attendance_of("p05")
    assert record is not None
    assert record.status is AttendanceStatus.PRESENT
    assert record.recorded_by is RecordedBy.PHONE
    assert record.recorded_at == _at(-5)
    assert record.phone == PHONE


def test_signing_in_after_the_start_is_late() -> None:
    m = sign_in(_started(), ORG, "p05", _at(1), by=RecordedBy.PHONE, phone=PHONE)
    record = m.attendance_of("p05")
    assert record is not None and record.status is AttendanceStatus.LATE
    # Started a quarter hour early: a sign-in after the start is late even
    # before the planned time.
    started = flow.start(_planned(), ORG, _at(-15))
    early = sign_in(started, ORG, "p05", _at(-5), by=RecordedBy.PHONE, phone=PHONE)
    record = early.attendance_of("p05")
    assert record is not None and record.status is AttendanceStatus.LATE


def test_signing_in_with_a_badge_records_no_phone() -> None:
    m = sign_in(_started(), ORG, "p05", _at(-5), by=RecordedBy.BADGE)
    record = m.attendance_of("p05")
    assert record is not None
    assert record.recorded_by is RecordedBy.BADGE and record.phone == ""


def test_a_member_on_leave_who_turns_up_is_recorded_as_come() -> None:
    m = flow.mark_attendance(
        _planned(), ORG, "p09", AttendanceStatus.ON_LEAVE, _at(-600), reason="出差"
    )
    m = flow.start(m, ORG, _at(0))
    m = sign_in(m, ORG, "p09", _at(-5), by=RecordedBy.PHONE, phone=PHONE)
    record = m.attendance_of("p09")
    assert record is not None and record.status is AttendanceStatus.PRESENT
    # Once the opening is over, turning up is arriving late.
    m = sign_in(_at_step(Step.SUMMARY), ORG, "p09", _at(40), by=RecordedBy.BADGE)
    record = m.attendance_of("p09")
    assert record is not None and record.status is AttendanceStatus.LATE


def test_the_leader_does_not_mark_attendance_through_sign_in() -> None:
    with pytest.raises(ValueError):
        sign_in(_started(), ORG, "p05", _at(-5), by=RecordedBy.LEADER)


def test_sign_in_is_open_from_the_opening_to_the_summary_only() -> None:
    assert _refused(_planned(), "p05", _at(-5)) is Refusal.NOT_OPEN
    assert not open_for_signin(_planned())
    for step in (Step.ABSENTEE_REPORT, Step.AGENDA, Step.DISCUSSION, Step.SUMMARY):
        assert open_for_signin(_at_step(step))
    assert _refused(_at_step(Step.RECORD), "p09", _at(60)) is Refusal.NOT_OPEN


def test_only_members_expected_at_the_meeting_sign_in() -> None:
    m = _started()
    assert "p22" in {g.person_id for g in m.guests}
    assert _refused(m, "p22", _at(-5)) is Refusal.NOT_MEMBER  # a guest
    assert _refused(m, "p10", _at(-5)) is Refusal.NOT_MEMBER  # 第二党小组
    assert _refused(m, "nobody", _at(-5)) is Refusal.NOT_MEMBER


def test_someone_already_come_is_refused() -> None:
    m = sign_in(_started(), ORG, "p05", _at(-5), by=RecordedBy.PHONE, phone=PHONE)
    assert _refused(m, "p05", _at(-4), PHONE) is Refusal.ALREADY
    assert _refused(m, "p05", _at(-4), OTHER_PHONE) is Refusal.ALREADY
    # Marked present or late by the leader.
    m = flow.mark_attendance(m, ORG, "p06", AttendanceStatus.PRESENT, _at(-3))
    assert _refused(m, "p06", _at(-2)) is Refusal.ALREADY
    m = flow.mark_attendance(m, ORG, "p07", AttendanceStatus.LATE, _at(5))
    assert _refused(m, "p07", _at(6)) is Refusal.ALREADY


def test_a_phone_stays_used_when_the_leader_marks_its_member_again() -> None:
    m = sign_in(_started(), ORG, "p05", _at(-5), by=RecordedBy.PHONE, phone=PHONE)
    m = flow.mark_attendance(m, ORG, "p05", AttendanceStatus.LATE, _at(-4))
    record = m.attendance_of("p05")
    assert record is not None and record.recorded_by is RecordedBy.LEADER
    assert record.status is AttendanceStatus.LATE and record.phone == PHONE
    assert _refused(m, "p06", _at(-3), PHONE) is Refusal.PHONE_USED


def test_one_phone_signs_in_one_person() -> None:
    m = sign_in(_started(), ORG, "p05", _at(-5), by=RecordedBy.PHONE, phone=PHONE)
    assert _refused(m, "p06", _at(-4), PHONE) is Refusal.PHONE_USED
    # Another phone, or a badge, still signs p06 in.
    by_phone = sign_in(m, ORG, "p06", _at(-4), by=RecordedBy.PHONE, phone=OTHER_PHONE)
    by_badge = sign_in(m, ORG, "p06", _at(-4), by=RecordedBy.BADGE)
    for signed in (by_phone, by_badge):
        record = signed.attendance_of("p06")
        assert record is not None and record.status is AttendanceStatus.PRESENT
