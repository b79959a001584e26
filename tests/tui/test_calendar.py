"""The calendar: held, postponed, missing and upcoming months per group (the
leader's own, or every group for the secretary) and attendance rates; the
missing months are the engine's M1 findings."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from tests.tui.conftest import LEADER_G1, SECRETARY, unlocked
from tui.app import XiaozuApp
from tui.screens.calendar import CalendarScreen
from tui.screens.home import HomeScreen


def text(app: XiaozuApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def table_rows(app: XiaozuApp, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def open_calendar(app: XiaozuApp, pilot: Pilot[None]) -> CalendarScreen:
    await pilot.press("c")
    await pilot.pause()
    assert isinstance(app.screen, CalendarScreen)
    return app.screen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_secretary_sees_every_group_s_year(
    make_kiosk_app: Callable[..., XiaozuApp], size: tuple[int, int]
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=size) as pilot:
        await unlocked(app, pilot, SECRETARY, "g1")
        await open_calendar(app, pilot)
        assert "2026年党小组会日历" in text(app, "#calendar-title")
        assert "全部党小组" in text(app, "#calendar-title")
        grid = {row[0]: row[1:] for row in table_rows(app, "#calendar-grid")}
        assert list(grid) == ["第一党小组", "第二党小组", "第三党小组", "第四党小组"]
        # Months 1–12, then the group's attendance rate.
        assert grid["第一党小组"][6] == "推"  # July put off, the reason recorded
        assert grid["第二党小组"][7] == "缺"  # August: neither (M1)
        assert grid["第三党小组"][:11] == ["●"] * 11
        assert all(row[11] == "○" for row in grid.values())  # December planned
        assert all(row[12].endswith("%") for row in grid.values())
        assert "缺 缺" in text(app, "#calendar-legend")

        summary = text(app, "#calendar-summary")
        assert "第一党小组" in summary and "7月推迟:车间承接紧急订单" in summary
        people = {row[0] for row in table_rows(app, "#calendar-people")}
        assert {"王建国", "李志强", "周涛"} <= people

        # The cursor on 第二党小组: its missing month and its members.
        grid_table = app.screen.query_one("#calendar-grid", DataTable)
        grid_table.move_cursor(row=1)
        await pilot.pause()
        summary = text(app, "#calendar-summary")
        assert "第二党小组" in summary and "缺 8月(M1)" in summary
        people = {row[0] for row in table_rows(app, "#calendar-people")}
        assert {"张海涛", "何静"} <= people and "王建国" not in people

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_the_calendar_s_missing_months_are_the_engine_s_findings(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(app, pilot, SECRETARY, "g1")
        await open_calendar(app, pilot)
        assert app.kiosk is not None
        shown = set()
        for row in table_rows(app, "#calendar-grid"):
            shown |= {f"{row[0]}2026年{m}月" for m in range(1, 13) if row[m] == "缺"}
        found = {f.message_zh.split("没有")[0] for f in app.kiosk.findings() if f.rule == "M1"}
        assert shown == found == {"第二党小组2026年8月"}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_leader_sees_their_group_and_who_came(
    make_kiosk_app: Callable[..., XiaozuApp], size: tuple[int, int]
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=size) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        await open_calendar(app, pilot)
        assert "第一党小组" in text(app, "#calendar-title")
        [row] = table_rows(app, "#calendar-grid")
        assert row[0] == "第一党小组"
        people = table_rows(app, "#calendar-people")
        names = [p[0] for p in people]
        assert names == ["王建国", "李志强", "陈秀英", "刘洋", "赵磊", "孙丽", "周涛"]
        for _name, expected, attended, late, leave, absent, rate in people:
            # Ten meetings with final minutes (July was put off; December is to come).
            assert int(expected) == 10
            assert int(attended) + int(leave) + int(absent) == 10
            assert int(late) <= int(attended)
            assert rate == f"{round(int(attended) * 10)}%"
        leader = people[names.index("李志强")]
        assert leader[2] == "10" and leader[6] == "100%"  # the leader chaired every one
        assert "10 次会议" in text(app, "#calendar-summary")

        # The year before: the records begin in December 2025.
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert "2025年" in text(app, "#calendar-title")
        [row] = table_rows(app, "#calendar-grid")
        assert row[1:12] == [" "] * 11 and row[12] == "●"
        assert "1 次会议" in text(app, "#calendar-summary")


async def test_the_calendar_in_english(make_kiosk_app: Callable[..., XiaozuApp]) -> None:
    app = make_kiosk_app(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, "p10", "g2")
        await open_calendar(app, pilot)
        assert "Group meetings in 2026" in text(app, "#calendar-title")
        [row] = table_rows(app, "#calendar-grid")
        assert row[8] == "X"
        assert "missing: 8 (M1)" in text(app, "#calendar-summary")
        labels = {b.binding.description for b in app.screen.active_bindings.values()}
        assert {"Earlier year", "Later year", "Back"} <= labels
