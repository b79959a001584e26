"""The dues screen (按时收缴党费): the leader records a payment and sets a
monthly amount, both on disk once saved; the October check; unpaid months
beside the roster for the leader, never on the large sign-in code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import DataTable, Input, Static

from rules.dues.book import Month, member_year
from tests.tui.conftest import LEADER_G1, NOW, SECRETARY, saved, stored, unlocked
from tests.tui.test_meeting import HELD_AT
from tui.app import XiaozuApp
from tui.screens.dues import DuesScreen
from tui.screens.dues_dialogs import PaymentDialog, RateDialog
from tui.screens.meeting import MeetingScreen
from tui.screens.signin_code import SigninCodeScreen

LIU = "p06"  # 刘洋, 第一党小组: September to November unpaid in the demo


async def _open_dues(app: XiaozuApp, pilot: object) -> DuesScreen:
    await pilot.press("d")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, DuesScreen)
    return app.screen


def _text(app: XiaozuApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def _row(screen: DuesScreen, person_id: str) -> list[str]:
    table = screen.query_one("#dues-table", DataTable)
    index = [p.id for p in screen.members].index(person_id)
    return [str(cell) for cell in table.get_row_at(index)]


async def _to_member(screen: DuesScreen, pilot: object, person_id: str) -> None:
    ids = [p.id for p in screen.members]
    while screen.selected is None or screen.selected.id != person_id:
        key = "down" if screen.table.cursor_row < ids.index(person_id) else "up"
        await pilot.press(key)  # type: ignore[attr-defined]


async def test_the_leader_records_a_payment_of_the_months_owed(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        screen = await _open_dues(app, pilot)
        assert "2026年" in _text(app, "#dues-title") and "欠缴 1 人" in _text(app, "#dues-title")
        cells = _row(screen, LIU)
        assert cells[0] == "刘洋"
        assert cells[2 + 8 : 2 + 11] == ["✗", "✗", "✗"]  # September to November
        assert cells[2 + 11] == "·"  # December has not come
        assert cells[-1].startswith("3个月")

        await _to_member(screen, pilot, LIU)
        assert "9月、10月、11月" in str(screen.detail.render())
        await pilot.press("r")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PaymentDialog)
        # The months owed and what they come to are filled in; the leader collects.
        assert dialog.months.value == "9-11"
        assert dialog.amount.value == "60.00"
        assert dialog.paid_on.value == "2026-11-26"
        assert dialog.collector.value == LEADER_G1
        await pilot.press("ctrl+s")
        await saved(app, pilot)
        assert isinstance(app.screen, DuesScreen)
        assert "已记录:刘洋 交 9月、10月、11月 60.00 元。已保存。" in _text(app, "#dues-message")
        assert _row(screen, LIU)[2 + 8 : 2 + 11] == ["✓", "✓", "✓"]
        assert "欠缴 0 人" in _text(app, "#dues-title")

    with stored(demo_dir) as repo:
        book = repo.dues()
    payment = next(p for p in book.payments if p.person_id == LIU and p.paid_on == NOW.date())
    assert payment.months == (Month(2026, 9), Month(2026, 10), Month(2026, 11))
    assert payment.amount_fen == 6000
    assert payment.collected_by == LEADER_G1
    assert member_year(book, LIU, 2026, NOW.date()).unpaid == ()


async def test_a_wrong_entry_is_refused_in_the_form_and_nothing_is_saved(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app(lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        screen = await _open_dues(app, pilot)
        await _to_member(screen, pilot, "p05")  # 陈秀英, paid up to November
        await pilot.press("r")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PaymentDialog)
        assert dialog.months.value == "12"  # the next month, ahead of time
        dialog.months.value = "11"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PaymentDialog)
        assert "already paid in full" in str(dialog.error_line.render())
        dialog.months.value = "12"
        dialog.amount.value = "abc"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "is not an amount" in str(dialog.error_line.render())
        await pilot.press("escape")
        await saved(app, pilot)
        assert isinstance(app.screen, DuesScreen)
    with stored(demo_dir) as repo:
        assert not [p for p in repo.dues().payments if p.paid_on == NOW.date()]


async def test_a_new_monthly_amount_applies_from_its_month(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        screen = await _open_dues(app, pilot)
        await _to_member(screen, pilot, "p07")
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RateDialog)
        assert dialog.since.value == "2026-11"
        dialog.query_one("#dues-rate", Input).value = "88.5"
        dialog.since.value = "2026-12"
        await pilot.press("ctrl+s")
        await saved(app, pilot)
        assert "自2026年12月起每月 88.50 元。已保存。" in _text(app, "#dues-message")
    with stored(demo_dir) as repo:
        book = repo.dues()
    assert book.rate_for("p07", Month(2026, 12)) == 8850
    assert book.rate_for("p07", Month(2026, 11)) != 8850  # November keeps its amount


async def test_the_october_check_lists_who_owes_what(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(app, pilot, SECRETARY, "g1")
        screen = await _open_dues(app, pilot)
        await pilot.press("o")
        await pilot.pause()
        report = str(screen.detail.render())
        assert "党费检查(2026年1月至10月)· 第一党小组" in report
        assert "党员 7 人,欠缴 1 人,共欠 2 个月、40.00 元。" in report
        assert "刘洋:欠 9月、10月,40.00 元" in report
        # The secretary sees every group's totals too.
        assert "第二党小组:6 人,欠缴 0 人,0.00 元" in report
        assert "第三党小组:5 人,欠缴 1 人" in report
        await pilot.press("o")
        await pilot.pause()
        assert "党费检查" not in str(screen.detail.render())


async def test_unpaid_dues_show_beside_the_roster_but_not_on_the_large_code(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        assert app.kiosk is not None
        app.kiosk.env.clock.now = HELD_AT  # type: ignore[union-attr]  # 3 December
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        line = app.screen.query_one("#opening-dues", Static)
        assert line.display
        text = str(line.render())
        assert "党费欠缴:刘洋 9月、10月、11月(60.00元)" in text
        assert "本月党费未交:7 人" in text  # December: nobody has paid yet

        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, SigninCodeScreen)
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "刘洋" not in shown and "党费" not in shown
        picture = app.export_screenshot()
        assert "党费" not in picture and "9月、10月" not in picture
