"""How the main screens look, at 80x24 and 120x40, in Chinese and English.

Deterministic: a fixed clock, time zone and language, the demo branch made
from a fixed seed, no blinking cursor. After a deliberate change of look,
review the report and update with ``pytest --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tests.tui.conftest import LEADER_G1, loaded, unlocked
from tui.app import XiaozuApp
from tui.navigation import ScreenFactory
from tui.screens.after import AfterScreen
from tui.screens.notice import NoticeScreen
from tui.screens.plan import PlanScreen
from tui.screens.tasks import TasksScreen

SIZES = [(80, 24), (120, 40)]
LANGS = ["zh", "en"]


async def _steady(pilot: Pilot[Any]) -> None:
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
    await pilot.pause()


def _then(*steps: Callable[[XiaozuApp, Pilot[Any]], Awaitable[None]]):  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, XiaozuApp)
        for step in steps:
            await step(app, pilot)
        await _steady(pilot)

    return run_before


async def _home(app: XiaozuApp, pilot: Pilot[Any]) -> None:
    await unlocked(app, pilot, LEADER_G1, "g1")


def _open(screen: ScreenFactory, pick: Callable[[XiaozuApp], tuple[str, ...]]):  # type: ignore[no-untyped-def]
    async def step(app: XiaozuApp, pilot: Pilot[Any]) -> None:
        app.open_screen(screen, *pick(app))
        await pilot.pause()

    return step


def _last_finalised(app: XiaozuApp) -> tuple[str, ...]:
    assert app.kiosk is not None
    held = [m for m in app.kiosk.meetings() if m.step.minutes_final]
    return (held[-1].id,)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_lock_screen(
    snap_compare: Any, make_kiosk_app: Any, lang: str, size: tuple[int, int]
) -> None:
    app = make_kiosk_app(lang=lang)
    assert snap_compare(app, terminal_size=size, run_before=_then(loaded))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home(snap_compare: Any, make_kiosk_app: Any, lang: str, size: tuple[int, int]) -> None:
    app = make_kiosk_app(lang=lang)
    assert snap_compare(app, terminal_size=size, run_before=_then(_home))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_after_the_meeting(
    snap_compare: Any, make_kiosk_app: Any, lang: str, size: tuple[int, int]
) -> None:
    app = make_kiosk_app(lang=lang)
    steps = _then(_home, _open(AfterScreen, _last_finalised))
    assert snap_compare(app, terminal_size=size, run_before=steps)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_tasks(snap_compare: Any, make_kiosk_app: Any, lang: str, size: tuple[int, int]) -> None:
    app = make_kiosk_app(lang=lang)
    assert snap_compare(
        app, terminal_size=size, run_before=_then(_home, _open(TasksScreen, lambda a: ()))
    )


async def _meeting_started(app: XiaozuApp, pilot: Pilot[Any]) -> None:
    """The December meeting of 第一党小组 opened at its planned time, three
    members marked."""
    from tests.tui.test_meeting import HELD_AT, mark

    assert app.kiosk is not None
    app.kiosk.env.clock.now = HELD_AT  # type: ignore[union-attr]
    await pilot.press("m")
    await pilot.pause()
    await pilot.press("ctrl+o")
    await pilot.pause()
    await mark(app, pilot, "p01", "p")
    await mark(app, pilot, "p04", "p")
    await mark(app, pilot, "p06", "v", "出差")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_meeting_sign_in_and_absentee_report(
    snap_compare: Any, make_kiosk_app: Any, lang: str, size: tuple[int, int]
) -> None:
    app = make_kiosk_app(lang=lang)
    assert snap_compare(app, terminal_size=size, run_before=_then(_home, _meeting_started))


def _current(app: XiaozuApp) -> tuple[str, ...]:
    assert app.kiosk is not None
    meeting = app.kiosk.current_meeting()
    assert meeting is not None
    return (meeting.id,)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_plan(snap_compare: Any, make_kiosk_app: Any, lang: str, size: tuple[int, int]) -> None:
    app = make_kiosk_app(lang=lang)
    assert snap_compare(
        app, terminal_size=size, run_before=_then(_home, _open(PlanScreen, _current))
    )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_notice(snap_compare: Any, make_kiosk_app: Any, lang: str, size: tuple[int, int]) -> None:
    app = make_kiosk_app(lang=lang)
    steps = _then(_home, _open(NoticeScreen, _current))
    assert snap_compare(app, terminal_size=size, run_before=steps)
