"""Exporting the minutes from the after screen (A2): ``x`` writes a Word
document to <data>/exports/, says where, and — when the leader says so —
records the minutes as reported to the branch."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from docx import Document
from textual.pilot import Pilot
from textual.widgets import Static

from rules.models import Step
from tests.tui.conftest import NOW, saved, stored, unlocked
from tui.app import XiaozuApp
from tui.screens.after import AfterScreen
from tui.screens.export_dialog import ExportDialog

LEADER_G2 = "p10"
CHECKED = "m-g2-2026-10"  # checked, not yet reported (the demo's A2)
REPORTED = "m-g2-2026-11"


def _message(app: XiaozuApp) -> str:
    return str(app.screen.query_one("#after-message", Static).render())


async def _after(app: XiaozuApp, pilot: Pilot[None], meeting_id: str) -> None:
    await unlocked(app, pilot, LEADER_G2, "g2")
    app.open_screen(AfterScreen, meeting_id)
    await pilot.pause()
    assert isinstance(app.screen, AfterScreen)


async def _finish(app: XiaozuApp, pilot: Pilot[None]) -> None:
    await app.workers.wait_for_complete()
    await saved(app, pilot)


async def test_x_exports_and_marks_the_minutes_reported_when_the_leader_says_so(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    path = demo_dir / "exports" / f"xiaozu-minutes-{CHECKED}.docx"
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _after(app, pilot, CHECKED)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        shown = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "同时记为已向支部汇报?" in shown
        assert str(path) in shown.replace("\n", "")
        await pilot.press("y")
        await _finish(app, pilot)
        assert isinstance(app.screen, AfterScreen)
        message = _message(app).replace("\n", "")
        assert str(path) in message
        assert "已记录于2026年11月26日向党支部汇报" in message and "已保存" in message
        assert "A2 已向党支部汇报:2026年11月26日" in str(
            app.screen.query_one("#after-status", Static).render()
        )
    with stored(demo_dir) as repo:
        meeting = repo.meeting(CHECKED)
    assert meeting is not None
    assert meeting.step is Step.REPORTED and meeting.reported_at == NOW
    document = Document(BytesIO(path.read_bytes()))
    assert document.paragraphs[0].text == "第二党小组党小组会会议记录"
    assert "2026年11月26日已向党支部汇报" in document.paragraphs[1].text


async def test_n_exports_only_and_escape_writes_nothing(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    path = demo_dir / "exports" / f"xiaozu-minutes-{CHECKED}.docx"
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _after(app, pilot, CHECKED)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("escape")
        await _finish(app, pilot)
        assert isinstance(app.screen, AfterScreen)
        assert not path.exists()

        await pilot.press("x")
        await pilot.pause()
        await pilot.press("n")
        await _finish(app, pilot)
        assert path.exists()
        assert f"已导出:{path}" in _message(app).replace("\n", "")
    with stored(demo_dir) as repo:
        meeting = repo.meeting(CHECKED)
    assert meeting is not None and meeting.step is Step.CHECKED and meeting.reported_at is None


async def test_reported_minutes_export_in_english_without_the_question(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    path = demo_dir / "exports" / f"xiaozu-minutes-{REPORTED}.docx"
    app = make_kiosk_app(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await _after(app, pilot, REPORTED)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        shown = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "Reported to the branch on" in shown and "Also record" not in shown
        await pilot.press("y")  # not offered: nothing happens
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("enter")
        await _finish(app, pilot)
        assert f"Exported: {path}" in _message(app).replace("\n", "")
    document = Document(BytesIO(path.read_bytes()))
    assert document.paragraphs[0].text == "Minutes of the group meeting — 第二党小组"
