"""The branch view: the secretary sees every group and what the rules engine
finds in each, with the seed's words for the finding selected."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from tests.tui.conftest import SECRETARY, unlocked
from tui.app import XiaozuApp
from tui.screens.home import HomeScreen
from tui.screens.overview import OverviewScreen
from tui.widgets.findings import FindingsView


def text(app: XiaozuApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_branch(app: XiaozuApp, pilot: Pilot[None]) -> OverviewScreen:
    await unlocked(app, pilot, SECRETARY, "g1")
    await pilot.press("b")
    await pilot.pause()
    assert isinstance(app.screen, OverviewScreen)
    return app.screen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_secretary_sees_every_group_s_findings(
    make_kiosk_app: Callable[..., XiaozuApp], size: tuple[int, int]
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=size) as pilot:
        screen = await open_branch(app, pilot)
        branch = text(app, "#branch")
        assert "江南重工集团生产运营部第一党支部" in branch and "2026年11月26日" in branch
        assert "4 个党小组" in branch and "发现 7 项(错误 3)" in branch

        groups = screen.query_one("#groups", DataTable)
        by_group = {
            str(groups.get_row_at(i)[0]): [str(c) for c in groups.get_row_at(i)]
            for i in range(groups.row_count)
        }
        assert set(by_group) == {"第一党小组", "第二党小组", "第三党小组", "第四党小组"}
        assert by_group["第三党小组"][1:] == ["林晓", "5", "1", "2", "0"]

        view = screen.query_one(FindingsView)
        found = {(f.rule, row[2]) for f, row in zip(view.findings, _rows(view), strict=True)}
        # Findings of several groups, each named.
        assert {
            ("G1", "第四党小组"),
            ("L1", "第三党小组"),
            ("M1", "第二党小组"),
            ("M5", "第一党小组"),
        } <= found

        view.table.focus()
        index = next(i for i, f in enumerate(view.findings) if f.rule == "M1")
        view.table.move_cursor(row=index)
        await pilot.pause()
        detail = str(view.detail.render())
        assert "依据" in detail and "一般每月召开一次" in detail

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


def _rows(view: FindingsView) -> list[list[str]]:
    table = view.table
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_branch_view_in_english(make_kiosk_app: Callable[..., XiaozuApp]) -> None:
    app = make_kiosk_app(lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_branch(app, pilot)
        assert "7 findings (3 errors)" in text(app, "#branch")
        rows = _rows(screen.query_one(FindingsView))
        assert any(row[0] == "G1" and row[1] == "error" for row in rows)
        labels = {b.binding.description for b in app.screen.active_bindings.values()}
        assert "Back" in labels


async def test_home_shows_only_the_group_s_own_findings_for_the_secretary(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, SECRETARY, "g1")
        view = app.screen.query_one(FindingsView)
        assert {f.rule for f in view.findings} == {"M5"}
