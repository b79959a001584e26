"""The notice (M5): its text to copy or print, recording "sent now", and the
warning, right there, when it goes out less than one or more than three days
ahead."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static, TextArea

from rules.meeting import flow
from tests.tui.conftest import LEADER_G1, TZ, Clock, saved, stored, unlocked
from tui.app import XiaozuApp
from tui.screens.home import HomeScreen
from tui.screens.meeting_steps.dialogs import ConfirmDialog
from tui.screens.notice import NoticeScreen

G1_NEXT = "m-g1-2026-12"  # 3 December 2026, 16:30, 生产一车间二楼会议室


def text(app: XiaozuApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_notice(app: XiaozuApp, pilot: Pilot[None]) -> NoticeScreen:
    await unlocked(app, pilot, LEADER_G1, "g1")
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(app.screen, NoticeScreen)
    assert app.screen.meeting_id == G1_NEXT
    return app.screen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_notice_states_time_place_topics_and_requirements(
    make_kiosk_app: Callable[..., XiaozuApp], size: tuple[int, int]
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=size) as pilot:
        screen = await open_notice(app, pilot)
        notice = screen.text_area.text
        assert "2026年12月3日(星期四)16:30" in notice
        assert "生产一车间二楼会议室" in notice
        assert "党小组生活会:党员应当勇于履行监督义务、行使监督权利" in notice
        assert "会议要求" in notice and "每人准备对照检查材料" in notice
        assert "第一党小组 李志强" in notice  # the group, and who sends it
        assert "尚未发出通知" in text(app, "#notice-status")
        # Read-only: it can be selected and copied, not changed.
        await pilot.press("x", "y")
        assert screen.text_area.text == notice


async def test_the_notice_in_english(make_kiosk_app: Callable[..., XiaozuApp]) -> None:
    app = make_kiosk_app(lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_notice(app, pilot)
        notice = screen.text_area.text
        assert "Thursday 2026-12-03 at 16:30" in notice
        assert "in 生产一车间二楼会议室" in notice
        assert "Topics:" in notice and "Requirements: 每人准备对照检查材料" in notice
        assert "Not sent yet" in text(app, "#notice-status")
        labels = {b.binding.description for b in app.screen.active_bindings.values()}
        assert {"Copy", "Sent now", "Back"} <= labels


async def test_c_copies_the_notice(make_kiosk_app: Callable[..., XiaozuApp]) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_notice(app, pilot)
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == screen.text_area.text
        assert "生产一车间二楼会议室" in app.clipboard


async def test_sent_five_days_ahead_is_recorded_with_the_m5_warning(
    make_kiosk_app: Callable[..., XiaozuApp], clock: Clock, demo_dir: Path
) -> None:
    clock.now = datetime(2026, 11, 28, 10, 0, tzinfo=TZ)
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_notice(app, pilot)
        assert "现在发出将提前5天" in screen.timing_note.text  # said before sending, too
        await pilot.press("s")
        await pilot.pause()
        assert "通知已于2026年11月28日 10:00发出(提前5天)" in text(app, "#notice-status")
        warning = screen.timing_note.text
        assert "提前5天发出,超过三天" in warning and "提前一至三天通知本组党员" in warning
        assert screen.timing_note.has_class("-warning")
        await saved(app, pilot)
        with stored(demo_dir) as repo:
            on_disk = repo.meeting(G1_NEXT)
        assert on_disk is not None and on_disk.notice_sent_at == clock.now
        # Home says the notice went out.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "通知:已于2026年11月28日发出" in text(app, "#home-next")


async def test_sent_two_days_ahead_needs_no_warning(
    make_kiosk_app: Callable[..., XiaozuApp], clock: Clock
) -> None:
    clock.now = datetime(2026, 12, 1, 8, 0, tzinfo=TZ)
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_notice(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        assert "提前2天" in screen.timing_note.text
        assert not screen.timing_note.has_class("-warning")


async def test_sent_on_the_day_is_less_than_a_day_ahead(
    make_kiosk_app: Callable[..., XiaozuApp], clock: Clock
) -> None:
    clock.now = datetime(2026, 12, 3, 8, 0, tzinfo=TZ)
    app = make_kiosk_app(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_notice(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        warning = screen.timing_note.text
        assert "less than one" in warning and "提前一至三天通知本组党员" in warning


async def test_a_notice_without_a_place_cannot_be_recorded_as_sent(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        assert app.kiosk is not None
        app.kiosk.update_meeting(G1_NEXT, place="")
        app.open_screen(NoticeScreen, G1_NEXT)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NoticeScreen)
        assert "(地点待定)" in screen.query_one(TextArea).text
        await pilot.press("s")
        await pilot.pause()
        assert "请先填写地点和议题" in screen.error_note.text
        assert app.kiosk.records.meeting(G1_NEXT).notice_sent_at is None


async def test_recording_sent_again_asks_and_a_changed_plan_makes_the_notice_out_of_date(
    make_kiosk_app: Callable[..., XiaozuApp], clock: Clock, demo_dir: Path
) -> None:
    clock.now = datetime(2026, 11, 30, 10, 0, tzinfo=TZ)
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_notice(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        first = datetime(2026, 11, 30, 10, 0, tzinfo=TZ)
        assert screen.meeting.notice_sent_at == first
        # Again, a day later: it asks; Escape keeps the first time.
        clock.now = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.meeting.notice_sent_at == first
        assert not screen.stale_note.display
        # The topics change after the notice went out: out of date, here …
        kiosk = app.kiosk
        assert kiosk is not None
        kiosk.save_meeting(flow.plan(screen.meeting, topics=("学习党章",)))
        screen.show()
        assert screen.stale_note.display and "议题已改动" in screen.stale_note.text
        # … and confirmed, the notice is recorded as sent now and up to date.
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and screen.meeting.notice_sent_at == clock.now
        assert not screen.stale_note.display
        await saved(app, pilot)
        with stored(demo_dir) as repo:
            on_disk = repo.meeting(G1_NEXT)
        assert on_disk is not None and on_disk.notice_sent_at == clock.now
        assert on_disk.notice_as_sent is not None
        assert on_disk.notice_as_sent.topics == ("学习党章",)
