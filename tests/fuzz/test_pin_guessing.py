"""Guessing sign-in PINs over HTTP, from one phone and from many (each its
own cookie jar), at the page server without Textual: five wrong PINs lock
that member out (kept on disk); KIOSK_LIMIT wrong PINs within KIOSK_SPAN stop
the kiosk taking any PIN, for everyone, until the span is over. Phones
guessing *at the same moment* get no more guesses than one phone would.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from rules.meeting import signin
from storage import FileRepository
from tests.faults.headless import (
    G1_NEXT,
    NUMBER,
    PINS,
    Served,
    form_error,
    heading,
    make_demo,
    served,
    ticket_of,
)
from tests.tui.conftest import NOW

# Fuzz, kill, browser and benchmark tests: the slow tier (README's test command runs it).
pytestmark = pytest.mark.slow

LOCKED = "PIN 错误次数过多"
KIOSK_BLOCKED = "本终端刚才收到太多错误的 PIN"
WRONG = "党员编号或签到 PIN 不正确"


@pytest.fixture
async def page(tmp_path: Path) -> AsyncIterator[Served]:
    async with served(make_demo(tmp_path / "data")) as running:
        yield running


def phone() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def guess(page: Served, number: str, pin: str) -> str:
    """A new phone scans the code and sends one member number and PIN; the
    error the form shows, or the heading of the page."""
    base = f"http://127.0.0.1:{page.port}"
    token = signin.room_token(page.kiosk.credentials.secret or b"", G1_NEXT, page.clock())
    async with phone() as session:
        async with session.get(f"{base}/S/{token}") as response:
            form = await response.text()
        fields = {"ticket": ticket_of(form), "number": number, "pin": pin}
        async with session.post(f"{base}/S", data=fields) as response:
            answer = await response.text()
    return form_error(answer) or heading(answer)


def attempts_on_disk(data: Path, person_id: str) -> tuple[int, bool]:
    with FileRepository(data, writable=False) as repo:
        attempts = repo.signin_attempts(person_id)
    return attempts.failures, attempts.locked_until is not None


async def test_many_phones_guessing_one_members_pin_lock_that_member_out(page: Served) -> None:
    wrong = [f"{n:04d}" for n in range(20) if f"{n:04d}" != PINS["p05"]][:8]
    answers = await asyncio.gather(*(guess(page, NUMBER["p05"], pin) for pin in wrong))
    assert all(LOCKED in a or WRONG in a for a in answers), answers
    assert sum(LOCKED in a for a in answers) >= len(wrong) - 4, answers
    # The right PIN, on yet another phone, waits too; nobody is signed in.
    assert LOCKED in await guess(page, NUMBER["p05"], PINS["p05"])
    assert not page.kiosk.records.meeting(G1_NEXT).attendance
    assert await page.kiosk.writer.flush()
    assert attempts_on_disk(page.data, "p05")[1], "the lockout is not kept across a restart"
    # Another member is not held up by it (five wrong PINs are not the kiosk's ten).
    assert heading_of_success(await guess(page, NUMBER["p06"], PINS["p06"]))


def heading_of_success(answer: str) -> bool:
    return answer == "签到成功"


async def test_many_phones_guessing_many_numbers_stop_the_kiosk_for_everyone(
    page: Served,
) -> None:
    # The branch's real member numbers (DY3300101-DY3300120), one PIN each,
    # from thirty phones at once, then numbers that do not exist.
    numbers = [f"DY33001{n:02d}" for n in range(1, 21)] + [f"DY99{n:05d}" for n in range(10)]
    guesses = [(number, "1234") for number in numbers if number not in NUMBER.values()]
    guesses += [(number, PINS[p][::-1]) for p, number in NUMBER.items()]
    answers = await asyncio.gather(*(guess(page, n, pin) for n, pin in guesses))
    assert not page.kiosk.records.meeting(G1_NEXT).attendance
    refused = [a for a in answers if KIOSK_BLOCKED in a]
    # A member's PIN really checked (and wrong) says how many tries are left.
    checked = [a for a in answers if "还可以再试" in a]
    # Never more PINs checked than the limit, however many phones at once
    # (a number that is nobody's counts too, and needs no check).
    assert 0 < len(checked) <= signin.KIOSK_LIMIT, answers
    assert refused and len(answers) - len(refused) <= 2 * signin.KIOSK_LIMIT, answers
    assert await page.kiosk.writer.flush()
    with FileRepository(page.data, writable=False) as repo:
        counted = sum(repo.signin_attempts(p.id).failures for p in repo.organisation().people)  # type: ignore[union-attr]
    assert counted <= signin.KIOSK_LIMIT

    # A member with the right PIN waits too, on their own phone ...
    assert KIOSK_BLOCKED in await guess(page, NUMBER["p07"], PINS["p07"])
    # ... until the span is over.
    page.clock.now = NOW + signin.KIOSK_SPAN + timedelta(seconds=1)
    assert heading_of_success(await guess(page, NUMBER["p07"], PINS["p07"]))


async def test_a_crowd_of_members_with_the_right_pins_all_sign_in_at_once(page: Served) -> None:
    """The turns that hold guessers back do not refuse members: all of them,
    at the same moment, get in."""
    answers = await asyncio.gather(*(guess(page, NUMBER[p], PINS[p]) for p in NUMBER))
    assert answers == ["签到成功"] * len(NUMBER)
    assert {a.person_id for a in page.kiosk.records.meeting(G1_NEXT).attendance} == set(NUMBER)
