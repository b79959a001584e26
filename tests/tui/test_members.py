"""Sign-in setup: a group leader (or the branch secretary) sets members'
sign-in PINs, typed twice and stored hashed, and issues or reissues their
badges, a new badge revoking the old one (SPEC §3, §4)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from rules.meeting.signin import BadgeProblem, badge_token, check_badge
from rules.organisation.access import new_pin
from storage import StorageWriteError
from tests.tui.conftest import LEADER_G1, SECRETARY, saved, stored, unlocked
from tui.app import XiaozuApp
from tui.screens.home import HomeScreen
from tui.screens.members import MembersScreen
from tui.screens.pin_dialog import PinDialog

PIN = "739153"  # not a run of digits found elsewhere on screen or on disk
G1_MEMBERS = {"王建国", "李志强", "陈秀英", "刘洋", "赵磊", "孙丽", "周涛"}


def _message(app: XiaozuApp) -> str:
    return str(app.screen.query_one("#members-message", Static).render())


def _title(app: XiaozuApp) -> str:
    return str(app.screen.query_one("#members-title", Static).render())


def _table(app: XiaozuApp) -> DataTable[str]:
    table: DataTable[str] = app.screen.query_one("#members-table", DataTable)
    return table


def _cells(app: XiaozuApp, row: int) -> list[str]:
    return [str(cell) for cell in _table(app).get_row_at(row)]


def _names(app: XiaozuApp) -> set[str]:
    table = _table(app)
    return {_cells(app, row)[0] for row in range(table.row_count)}


async def _open_members(app: XiaozuApp, pilot: Pilot[None]) -> MembersScreen:
    assert isinstance(app.screen, HomeScreen)
    await pilot.press("s")
    await pilot.pause()
    assert isinstance(app.screen, MembersScreen)
    return app.screen


async def _select(pilot: Pilot[None], screen: MembersScreen, person_id: str) -> None:
    """Move the cursor down to the member, as a user would with the arrows."""
    for _ in range(next(i for i, r in enumerate(screen.rows) if r.person.id == person_id)):
        await pilot.press("down")
    await pilot.pause()
    assert screen.selected is not None and screen.selected.id == person_id


def _no_pin_anywhere(app: XiaozuApp, data: Path, pin: str) -> None:
    assert pin not in app.export_screenshot()
    for widget in app.screen.query(Static):
        assert pin not in str(widget.render())
    for path in data.rglob("*"):
        if path.is_file():
            assert pin.encode() not in path.read_bytes(), path


def test_a_new_pin_is_six_to_twelve_digits_full_width_or_not() -> None:
    assert new_pin("123456") == "123456"
    assert new_pin("１２３４５６") == "123456"  # a Chinese input method
    assert new_pin("123456789012") == "123456789012"
    for bad in ("", "1234", "12345", "1234567890123", "12a456", "123 456", "١٢٣٤٥٦"):
        assert new_pin(bad) is None, bad


async def test_the_leader_sets_a_members_pin(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        screen = await _open_members(app, pilot)
        await _select(pilot, screen, "p05")  # 陈秀英
        assert _cells(app, screen.table.cursor_row) == ["陈秀英", "DY3300105", "未设置", "未制作"]

        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PinDialog)
        assert all(field.password for field in dialog.query(Input))
        await pilot.press(*PIN, "enter", *PIN)
        await pilot.pause()
        _no_pin_anywhere(app, demo_dir, PIN)  # typed, but shown as dots
        await pilot.press("enter")
        await saved(app, pilot)

        assert app.screen is screen
        assert _message(app) == (
            "已保存:陈秀英 的签到 PIN 已设置(第1版)。这部手机之前记住的登录已失效。"
        )
        # A PIN the leader issues is the member's first, to be replaced by their own.
        assert _cells(app, screen.table.cursor_row)[2] == "初始·第1版"
        assert "已设 PIN 1 人" in _title(app)
        with stored(demo_dir) as repo:
            assert repo.verify_signin_pin("p05", PIN)
            assert not repo.verify_signin_pin("p05", "0000")
            assert repo.signin_pin_versions() == {"p05": 1}
            assert repo.first_signin_pins() == {"p05"}
        _no_pin_anywhere(app, demo_dir, PIN)

        # A second PIN (full-width digits, Enter on the row, Ctrl+S) replaces it.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PinDialog)
        app.screen.first.value = "２４６８１３"
        app.screen.again.value = "246813"
        await pilot.press("ctrl+s")
        await saved(app, pilot)
        assert "(第2版)" in _message(app)
        assert _cells(app, screen.table.cursor_row)[2] == "初始·第2版"
        with stored(demo_dir) as repo:
            assert repo.verify_signin_pin("p05", "246813")
            assert not repo.verify_signin_pin("p05", PIN)
            assert repo.signin_pin_versions() == {"p05": 2}
        _no_pin_anywhere(app, demo_dir, "246813")


async def test_mismatched_or_bad_pins_are_refused_and_nothing_is_saved(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        screen = await _open_members(app, pilot)
        await _select(pilot, screen, "p06")
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PinDialog)
        error = dialog.query_one("#pin-error", Static)

        await pilot.press(*"123456", "enter", *"123465", "ctrl+s")
        await pilot.pause()
        assert app.screen is dialog
        assert "两次输入的 PIN 不一致" in str(error.render())
        assert dialog.first.value == dialog.again.value == ""  # typed again from the start

        await pilot.press(*"12ab3456", "enter", *"12ab3456", "enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "6–12 位数字" in str(error.render())

        await pilot.press(*"1234", "enter", *"1234", "enter")  # too short for a new PIN
        await pilot.pause()
        assert app.screen is dialog and "6–12 位数字" in str(error.render())

        await pilot.press("escape")
        await saved(app, pilot)
        assert app.screen is screen
        assert _cells(app, screen.table.cursor_row)[2] == "未设置"
        assert app.kiosk is not None and app.kiosk.credentials.signin_version("p06") is None
        with stored(demo_dir) as repo:
            assert repo.signin_pin_versions() == {}
            assert not repo.verify_signin_pin("p06", "123456")


async def test_a_failed_write_is_said_and_never_called_saved(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_kiosk_app(lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        screen = await _open_members(app, pilot)
        assert app.kiosk is not None

        def disk_full(person_id: str, pin: str, **_: object) -> int:
            time.sleep(0.05)  # as long as hashing takes: the screen waits for it
            raise StorageWriteError(demo_dir / "org.json", OSError(28, "No space left on device"))

        monkeypatch.setattr(app.kiosk.repo, "set_signin_pin", disk_full)
        await pilot.press("e", *PIN, "enter", *PIN, "enter")
        await saved(app, pilot)
        assert app.screen is screen
        message = _message(app)
        assert message.startswith("The sign-in PIN was not saved: ")
        assert "org.json" in message and "Saved" not in message
        # The screen shows what is stored: no PIN.
        assert _cells(app, screen.table.cursor_row)[2] == "not set"


async def test_a_leader_sees_only_their_groups_members(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        await _open_members(app, pilot)
        assert _names(app) == G1_MEMBERS
        assert "张海涛" not in _names(app)  # g2's leader
        assert len(_table(app).columns) == 4  # no group column
        assert "第一党小组" in _title(app)

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_the_secretary_sees_every_groups_members_in_english(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app(lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(app, pilot, SECRETARY, "g1")
        labels = {b.binding.description for b in app.screen.active_bindings.values()}
        assert "Sign-in setup" in labels
        await _open_members(app, pilot)
        assert app.kiosk is not None
        org = app.kiosk.org
        assert _names(app) == {p.name for p in org.party_members}
        assert _names(app) > G1_MEMBERS and "张海涛" in _names(app)
        assert "宋佳" not in _names(app)  # not a party member
        headers = [str(c.label) for c in _table(app).columns.values()]
        assert headers == ["Name", "Group", "Member no.", "Sign-in PIN", "Badge"]
        rows = [_cells(app, r) for r in range(_table(app).row_count)]
        assert ["张海涛", "第二党小组", "DY3300110", "not set", "none"] in rows
        assert "whole branch" in _title(app) and "20 members" in _title(app)


async def test_a_badge_is_made_and_reissued_revoking_the_old(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        screen = await _open_members(app, pilot)
        await _select(pilot, screen, "p07")  # 赵磊
        assert app.kiosk is not None and app.kiosk.credentials.secret is not None
        secret = app.kiosk.credentials.secret

        await pilot.press("b")
        await app.workers.wait_for_complete()
        await saved(app, pilot)
        first = demo_dir / "badges" / "p07-v1.html"
        assert first.is_file() and "赵磊" in first.read_text(encoding="utf-8")
        assert first.stat().st_mode & 0o077 == 0  # readable by its owner only
        assert str(first) in _message(app)
        assert _cells(app, screen.table.cursor_row)[3] == "第1版"
        old = badge_token(secret, "p07", 1)
        with stored(demo_dir) as repo:
            versions = repo.badge_versions()
        assert versions == {"p07": 1}
        assert check_badge(secret, old, versions).ok

        # A badge that works is only reissued when B is pressed again.
        await pilot.press("b")
        await app.workers.wait_for_complete()
        assert "再按 B" in _message(app)
        assert app.kiosk.credentials.badge_versions() == {"p07": 1}
        await pilot.press("b")
        await app.workers.wait_for_complete()
        await saved(app, pilot)
        second = demo_dir / "badges" / "p07-v2.html"
        assert second.is_file() and str(second) in _message(app)
        assert "第1版旧卡已失效" in _message(app)
        assert _cells(app, screen.table.cursor_row)[3] == "第2版"
        with stored(demo_dir) as repo:
            versions = repo.badge_versions()
        assert versions == {"p07": 2}
        revoked = check_badge(secret, old, versions)
        assert revoked.problem is BadgeProblem.REVOKED and revoked.person_id == "p07"
        assert check_badge(secret, badge_token(secret, "p07", 2), versions).ok


async def test_moving_away_cancels_a_reissue(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        screen = await _open_members(app, pilot)
        await _select(pilot, screen, "p05")
        await pilot.press("b")
        await app.workers.wait_for_complete()
        await saved(app, pilot)
        await pilot.press("b", "down", "up", "b")  # asked, moved away and back: asked again
        await app.workers.wait_for_complete()
        await saved(app, pilot)
        assert "再按 B" in _message(app)
        with stored(demo_dir) as repo:
            assert repo.badge_versions() == {"p05": 1}


async def test_no_badge_without_the_signing_key(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    (demo_dir / "secret.key").write_text("not a key\n", encoding="ascii")
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        await _open_members(app, pilot)
        await pilot.press("b")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.kiosk is not None and app.kiosk.credentials.secret_problem is not None
        message = _message(app)
        assert message.startswith("无法制作胸卡")
        assert app.kiosk.credentials.secret_problem.message("zh") in message
        assert app.kiosk.credentials.badge_versions() == {}
        assert not (demo_dir / "badges").exists()


async def test_issue_badges_shows_at_once_and_is_written_in_order(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        kiosk = app.kiosk
        assert kiosk is not None
        assert kiosk.credentials.issue_badges(["p05", "p06"], reissue=False) == {"p05": 1, "p06": 1}
        assert kiosk.credentials.badge_versions() == {"p05": 1, "p06": 1}  # before it is written
        assert kiosk.credentials.issue_badges(["p05", "p08"], reissue=False) == {"p05": 1, "p08": 1}
        assert kiosk.credentials.issue_badges(["p06"], reissue=True) == {"p06": 2}
        assert await kiosk.writer.flush()
        with stored(demo_dir) as repo:
            assert repo.badge_versions() == {"p05": 1, "p06": 2, "p08": 1}
