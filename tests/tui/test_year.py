"""The annual plan screen (Y1, Y2, M1): what a group leader sees month by
month, editing a month (on disk once flushed), and recording the plan as
decided at the January meeting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from rules.year.plan_template import template_month
from tests.tui.conftest import LEADER_G1, saved, stored, unlocked
from tui.app import XiaozuApp
from tui.core.kiosk import Kiosk
from tui.screens.home import HomeScreen
from tui.screens.year import TopicDialog, YearScreen
from tui.widgets.minutes_view import WrappedText

LEADER_G2 = "p10"  # 张海涛, 第二党小组 (no August meeting: M1)


def kiosk_of(app: XiaozuApp) -> Kiosk:
    assert app.kiosk is not None
    return app.kiosk


def text(app: XiaozuApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def rows(app: XiaozuApp) -> list[list[str]]:
    table = app.screen.query_one("#year-table", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def detail(app: XiaozuApp) -> str:
    view = app.screen.query_one("#year-detail", WrappedText)
    return "\n".join(p.text.plain for p in view.paragraphs)


async def open_year(app: XiaozuApp, pilot: Pilot[None]) -> YearScreen:
    await pilot.press("y")
    await pilot.pause()
    assert isinstance(app.screen, YearScreen)
    return app.screen


async def go_to_month(app: XiaozuApp, pilot: Pilot[None], month: int) -> None:
    table = app.screen.query_one("#year-table", DataTable)
    table.focus()
    table.move_cursor(row=month - 1)
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_leader_sees_the_year_month_by_month(
    make_kiosk_app: Callable[..., XiaozuApp], size: tuple[int, int]
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=size) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        await open_year(app, pilot)
        title = text(app, "#year-title")
        assert "2026年度党小组会议计划" in title and "第一党小组" in title
        assert "已在2026年1月7日的1月份会议上决定" in title
        table = rows(app)
        assert len(table) == 12
        assert table[0][0] == "1月" and "1月7日 已向支部汇报" in table[0][2]
        # July was put off with its reason recorded (M1), and its topic taken up in August.
        assert table[6][2].startswith("已推迟:车间承接紧急订单")
        await go_to_month(app, pilot, 7)
        assert "原因:车间承接紧急订单" in detail(app)
        assert "本月议题由2026年8月" in detail(app)
        # December is the group life meeting (Y2), planned, opinions not yet gathered.
        assert table[11][0] == "12月 生活会"
        assert "已安排 12月3日" in table[11][2] and "尚未征求意见" in table[11][2]
        await go_to_month(app, pilot, 12)
        assert "会前征求好意见" in detail(app)

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_a_month_that_was_missed_says_so(make_kiosk_app: Callable[..., XiaozuApp]) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G2, "g2")
        await open_year(app, pilot)
        table = rows(app)
        assert table[7][2] == "缺(M1)"
        assert all("缺" not in row[2] for i, row in enumerate(table) if i != 7)
        await go_to_month(app, pilot, 8)
        assert "没有记录推迟原因(M1)" in detail(app)


async def test_a_new_year_starts_from_the_template_and_an_edit_is_saved(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        await open_year(app, pilot)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert "2027年度" in text(app, "#year-title") and "尚无计划" in text(app, "#year-title")
        table = rows(app)
        assert table[0][1] == template_month(1).title_zh
        assert table[3][2] == "待安排"
        with stored(demo_dir) as repo:
            assert repo.plans(2027) == []  # looking is not saving

        await go_to_month(app, pilot, 4)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, TopicDialog)
        field = app.screen.query_one("#topic-input", Input)
        assert field.value == template_month(4).text
        field.value = ""
        await pilot.press(*"学习二十大报告", "enter")
        await pilot.pause()
        assert isinstance(app.screen, YearScreen)
        await saved(app, pilot)
        assert "4月的会议内容已修改。已保存。" in text(app, "#year-message")
        assert rows(app)[3][1] == "学习二十大报告"
        assert "尚未记为在1月份会议上决定" in text(app, "#year-title")
        with stored(demo_dir) as repo:
            [plan] = [p for p in repo.plans(2027) if p.group_id == "g1"]
        assert plan.topic_for(4) == "学习二十大报告"
        assert plan.topic_for(5) == template_month(5).text
        assert len(plan.months) == 12 and plan.decided_at_meeting_id is None

        # An empty topic is refused, and nothing changes.
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#topic-input", Input).value = "  "
        await pilot.press("enter")
        await pilot.pause()
        assert "不能为空" in text(app, "#year-message")
        assert rows(app)[3][1] == "学习二十大报告"

        # Escape in the dialog leaves the topic as it was.
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("x", "escape")
        await pilot.pause()
        assert isinstance(app.screen, YearScreen)
        assert rows(app)[3][1] == "学习二十大报告"


async def test_a_held_month_keeps_its_topic(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        screen = await open_year(app, pilot)
        before = screen.plan
        await go_to_month(app, pilot, 3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, YearScreen)  # no dialog
        assert "3月的议题已由2026年3月" in text(app, "#year-message")
        assert "不能再修改" in text(app, "#year-message")
        assert kiosk_of(app).records.plan("g1", 2026) == before


async def test_recording_the_plan_as_decided_at_the_january_meeting(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        kiosk = kiosk_of(app)
        plan = kiosk.records.plan("g1", 2026)
        assert plan is not None
        kiosk.save_plan(replace(plan, decided_at_meeting_id=None))
        await saved(app, pilot)

        await open_year(app, pilot)
        assert "尚未记为在1月份会议上决定" in text(app, "#year-title")
        await pilot.press("d")
        await saved(app, pilot)
        assert "已记为在2026年1月7日的1月份会议上决定。已保存。" in text(app, "#year-message")
        assert "已在2026年1月7日的1月份会议上决定" in text(app, "#year-title")
        with stored(demo_dir) as repo:
            [on_disk] = [p for p in repo.plans(2026) if p.group_id == "g1"]
        assert on_disk.decided_at_meeting_id == "m-g1-2026-01"

        # 2027 has no January meeting yet: refused, and nothing is written.
        await pilot.press("right_square_bracket")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        message = text(app, "#year-message")
        assert "没有2027年1月研究决定全年计划的党小组会" in message
        await saved(app, pilot)
        with stored(demo_dir) as repo:
            assert repo.plans(2027) == []


async def test_a_january_meeting_in_preparation_cannot_have_decided(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        january = kiosk_of(app).new_meeting(date(2027, 1, 6))
        assert january.decides_annual_plan
        await open_year(app, pilot)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert "已安排 1月6日" in rows(app)[0][2]
        await pilot.press("d")
        await pilot.pause()
        assert "还没有召开" in text(app, "#year-message")
        assert kiosk_of(app).records.plan("g1", 2027) is None


async def test_the_year_plan_in_english(make_kiosk_app: Callable[..., XiaozuApp]) -> None:
    app = make_kiosk_app(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        await open_year(app, pilot)
        assert "Plan for 2026" in text(app, "#year-title")
        assert "decided at the January meeting, 2026-01-07" in text(app, "#year-title")
        table = rows(app)
        assert table[6][2].startswith("postponed:")
        assert table[11][0] == "12 life mtg"
        labels = {b.binding.description for b in app.screen.active_bindings.values()}
        assert {"Edit month", "Decided in January", "Back"} <= labels
