"""Home: the unlocked group's next meeting, what the rules find for it, tasks
due or overdue, minutes awaiting a check or report, and the keys to the rest
of the kiosk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from rules.meeting import flow
from tests.tui.conftest import LEADER_G1, LEADER_G3, SECRETARY, saved, stored, unlocked
from tui.app import XiaozuApp
from tui.messages import RecordsChanged
from tui.screens.after import AfterScreen
from tui.screens.home import HomeScreen
from tui.screens.meeting import MeetingScreen
from tui.screens.notice import NoticeScreen
from tui.screens.plan import PlanScreen
from tui.screens.tasks import TasksScreen
from tui.widgets.findings import FindingsView

LEADER_G2 = "p10"  # 张海涛, 第二党小组组长


def text(app: XiaozuApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def rows(table: DataTable[str]) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def rules_shown(app: XiaozuApp) -> set[str]:
    view = app.screen.query_one(FindingsView)
    return {f.rule for f in view.findings}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_home_shows_the_group_its_next_meeting_and_its_findings(
    make_kiosk_app: Callable[..., XiaozuApp], size: tuple[int, int]
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=size) as pilot:
        await unlocked(app, pilot, LEADER_G3, "g3")
        assert isinstance(app.screen, HomeScreen)
        title = text(app, "#home-title")
        assert "第三党小组" in title and "林晓" in title and "2026年11月26日" in title
        upcoming = text(app, "#home-next")
        assert "2026年12月4日 14:30" in upcoming and "技术科小会议室" in upcoming
        assert "党小组生活会" in upcoming and "会前准备" in upcoming
        assert "通知:未发出" in upcoming and "已沟通(2026年11月25日)" in upcoming
        # L1: a probationary member leads 第三党小组; only g3's findings show.
        shown = rules_shown(app)
        assert "L1" in shown and "M2" in shown and "G1" not in shown
        table = app.screen.query_one("#home-findings DataTable", DataTable)
        assert "L1" in {row[0] for row in rows(table)}


async def test_the_seed_s_words_show_for_the_selected_finding(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G3, "g3")
        view = app.screen.query_one(FindingsView)
        assert not view.detail.display  # the seed's words on demand only
        view.table.focus()
        await pilot.pause()
        index = next(i for i, f in enumerate(view.findings) if f.rule == "L1")
        view.table.move_cursor(row=index)
        await pilot.pause()
        detail = str(view.detail.render())
        assert "依据" in detail and "必须是中共正式党员" in detail
        assert view.detail.region.height > 0


async def test_overdue_tasks_show_on_home(make_kiosk_app: Callable[..., XiaozuApp]) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G3, "g3")
        assert "1 项" in text(app, "#home-tasks-head")
        [row] = rows(app.screen.query_one("#home-tasks", DataTable))
        assert row[1] == "更新党员联系群众台账" and row[2] == "高峰" and "已逾期64天" in row[3]


async def test_minutes_checked_but_not_reported_show_and_open_after(
    make_kiosk_app: Callable[..., XiaozuApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(app, pilot, LEADER_G2, "g2")
        assert "1 次" in text(app, "#home-awaiting-head")
        [row] = rows(app.screen.query_one("#home-awaiting", DataTable))
        assert row[0] == "2026年10月7日" and "A2" in row[2]
        opened: list[tuple[object, ...]] = []
        monkeypatch.setattr(app, "open_screen", lambda *args: opened.append(args))
        await pilot.press("a", "t", "m", "n")
        assert opened == [
            (AfterScreen, "m-g2-2026-10"),
            (TasksScreen,),
            (MeetingScreen, "m-g2-2026-12"),
            (NoticeScreen, "m-g2-2026-12"),
        ]


async def test_branch_key_is_for_branch_admins_only(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.check_action("branch", ()) is False


async def test_home_in_english(make_kiosk_app: Callable[..., XiaozuApp]) -> None:
    app = make_kiosk_app(lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(app, pilot, SECRETARY, "g1")
        assert "2026-11-26" in text(app, "#home-title")
        upcoming = text(app, "#home-next")
        assert upcoming.startswith("Next meeting · 2026-12-03 16:30")
        assert "Notice: not sent" in upcoming
        labels = {b.binding.description for b in app.screen.active_bindings.values()}
        assert {"Plan", "Notice", "Meeting", "Tasks", "Branch", "Lock"} <= labels


async def test_lock_key_goes_back_to_the_lock_screen(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert not isinstance(app.screen, HomeScreen)
        assert app.kiosk is not None and app.kiosk.session is None


async def test_with_no_meeting_planned_p_plans_one_from_the_year_plan(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        kiosk = app.kiosk
        assert kiosk is not None
        current = kiosk.current_meeting()
        assert current is not None
        # The December meeting is put off (M1, no new date): nothing planned.
        kiosk.save_meeting(flow.postpone(current, "全组参加抢修", kiosk.now()))
        app.screen.post_message(RecordsChanged(current.id))
        await pilot.pause()
        assert "尚未安排下次会议" in text(app, "#home-next")
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        new = kiosk.records.meeting(app.screen.meeting_id)
        # Three days ahead by default; its topic is the year plan's for November (Y1).
        assert new.id != current.id and new.planned_at.date() == date(2026, 11, 29)
        assert new.topics == ("学习《中国共产党党内监督条例》,制定履行监督责任措施",)
        await saved(app, pilot)
        with stored(demo_dir) as repo:
            assert repo.meeting(new.id) == new
        await pilot.press("escape")
        await pilot.pause()
        assert "2026年11月29日" in text(app, "#home-next")
