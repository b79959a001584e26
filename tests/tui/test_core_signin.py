"""The sign-in use case (tui/core/signin.py) without HTTP or screens: each
way of signing in returns an outcome, and only a sign-in records anything."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from rules.meeting import signin
from rules.models import AttendanceStatus
from tests.faults.headless import G1_NEXT, NUMBER, PINS, SECRET, make_demo, signing_in
from tui.core.kiosk import Kiosk
from tui.core.signin import Ask, Form, PhoneSignin, Refused, SignedIn, Why, by_badge

MEMBER = "p05"


@pytest.fixture
async def kiosk(tmp_path: Path) -> AsyncIterator[Kiosk]:
    async with signing_in(make_demo(tmp_path / "data")) as kiosk:
        yield kiosk


def scan(desk: PhoneSignin, cookie: str | None = None) -> Form:
    token = signin.room_token(SECRET, G1_NEXT, desk.kiosk.now())
    form = desk.scanned(token, cookie)
    assert isinstance(form, Form), form
    return form


async def test_a_member_signs_in_by_number_and_pin_then_with_one_tap(kiosk: Kiosk) -> None:
    signed: list[str] = []
    desk = PhoneSignin(kiosk, signed.append)
    form = scan(desk)
    assert form.remembered is None and form.ask is None
    fields = {"ticket": form.ticket, "number": NUMBER[MEMBER], "pin": PINS[MEMBER]}
    outcome = await desk.submitted(fields, form.cookie)
    assert isinstance(outcome, SignedIn) and outcome.person.id == MEMBER
    assert outcome.status is AttendanceStatus.PRESENT and signed == [G1_NEXT]
    assert kiosk.records.meeting(G1_NEXT).attendance_of(MEMBER) is not None
    # The same form again: refused, nothing more recorded.
    again = await desk.submitted(fields, form.cookie)
    assert isinstance(again, Refused) and again.why is Why.ALREADY_SENT
    # The phone now remembers the member: its next form offers one tap.
    tap = scan(desk, outcome.cookie)
    assert tap.remembered is not None and tap.remembered.id == MEMBER
    assert tap.remembered_is_member
    already = await desk.submitted({"ticket": tap.ticket, "remembered": "1"}, outcome.cookie)
    assert isinstance(already, Refused) and already.why is Why.ALREADY
    assert already.at is not None and already.person is not None


async def test_a_wrong_pin_asks_again_and_counts_toward_the_kiosk_throttle(kiosk: Kiosk) -> None:
    desk = PhoneSignin(kiosk)
    form = scan(desk)
    before = kiosk.credentials.phone_throttle
    fields = {"ticket": form.ticket, "number": NUMBER[MEMBER], "pin": "000000"}
    outcome = await desk.submitted(fields, form.cookie)
    assert isinstance(outcome, Form) and outcome.ask is Ask.WRONG
    assert outcome.number == NUMBER[MEMBER] and outcome.tries_left is not None
    assert kiosk.credentials.phone_throttle != before
    assert not kiosk.records.meeting(G1_NEXT).attendance


async def test_refusals_name_why_and_record_nothing(kiosk: Kiosk) -> None:
    desk = PhoneSignin(kiosk)
    bad = desk.scanned("F1.NOT.A.TOKEN", None)
    assert isinstance(bad, Refused) and bad.why is Why.CODE_INVALID
    form = scan(desk)
    unreadable = await desk.submitted(None, form.cookie)
    assert isinstance(unreadable, Refused) and unreadable.why is Why.FORM_UNREADABLE
    no_cookie = await desk.submitted({"ticket": form.ticket}, None)
    assert isinstance(no_cookie, Refused) and no_cookie.why is Why.NO_COOKIE
    forged = await desk.submitted({"ticket": "x"}, form.cookie)
    assert isinstance(forged, Refused) and forged.why is Why.PAGE_INVALID
    kiosk.signin_meeting_id = None
    closed = desk.scanned(signin.room_token(SECRET, G1_NEXT, kiosk.now()), None)
    assert isinstance(closed, Refused) and closed.why is Why.NOT_OPEN
    assert not kiosk.records.meeting(G1_NEXT).attendance


async def test_a_badge_signs_its_owner_in_once(kiosk: Kiosk) -> None:
    versions = kiosk.credentials.issue_badges([MEMBER], reissue=False)
    token = signin.badge_token(SECRET, MEMBER, versions[MEMBER])
    outcome = by_badge(kiosk, token)
    assert isinstance(outcome, SignedIn) and outcome.person.id == MEMBER
    again = by_badge(kiosk, token)
    assert isinstance(again, Refused) and again.why is Why.ALREADY
    assert again.rule is signin.Refusal.ALREADY and again.person_id == MEMBER
    forged = by_badge(kiosk, re.sub(r"\.[^.]+$", ".AAAA", token))
    assert isinstance(forged, Refused) and forged.why is Why.BADGE_INVALID and forged.rule is None
