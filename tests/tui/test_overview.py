"""The kiosk opens on the branch overview: its groups and its findings, with
the seed's words for the finding under the cursor."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.widgets import DataTable, Static

from tui.app import make_app
from tui.cli import main
from tui.env import KioskEnv

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=TZ)


@pytest.fixture
def demo_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XIAOZU_NOW", NOW.isoformat())
    data = tmp_path / "data"
    assert main(["--data", str(data), "demo"]) == 0
    return data


def _text(widget: Static) -> str:
    return str(widget.render())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_overview_shows_the_branch_and_its_findings(
    demo_dir: Path, size: tuple[int, int]
) -> None:
    app = make_app(KioskEnv(data_dir=demo_dir, tz=TZ, clock=lambda: NOW))
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        branch = _text(app.screen.query_one("#branch", Static))
        assert "党支部" in branch and "2026年11月26日" in branch
        findings = app.screen.query_one("#findings", DataTable)
        assert findings.row_count > 0
        rules = {str(findings.get_row_at(i)[0]) for i in range(findings.row_count)}
        assert "G1" in rules
        findings.focus()
        await pilot.press("home")
        await pilot.pause()
        assert "依据" in _text(app.screen.query_one("#seed", Static))


async def test_overview_in_english(demo_dir: Path) -> None:
    app = make_app(KioskEnv(data_dir=demo_dir, lang="en", tz=TZ, clock=lambda: NOW))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "findings" in _text(app.screen.query_one("#branch", Static))


async def test_overview_on_an_empty_directory_says_what_to_do(tmp_path: Path) -> None:
    app = make_app(KioskEnv(data_dir=tmp_path / "empty", tz=TZ, clock=lambda: NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "xiaozu demo" in _text(app.screen.query_one("#branch", Static))
