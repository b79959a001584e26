"""Sealed records at the kiosk (R3: 认真保管,存档备查): finalising seals the
minutes, an addendum is sealed after them, the after screen shows the seal,
and the verify screen (V on home) names what was changed on disk."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from rules.models import Step
from tests.tui.conftest import LEADER_G1, SECRETARY, Clock, saved, stored, unlocked
from tests.tui.test_meeting import G1_NEXT, HELD_AT, run_to_record
from tui.app import XiaozuApp
from tui.screens.after import AfterScreen, NoteDialog
from tui.screens.home import HomeScreen
from tui.screens.verify import VerifyScreen
from tui.verify_report import verify_repository

LEADER_G2 = "p10"


def _text(app: XiaozuApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def _verified(app: XiaozuApp, pilot: Pilot[None]) -> str:
    """Open the verify screen from home and wait for its result."""
    assert isinstance(app.screen, HomeScreen)
    await pilot.press("v")
    return await _result(app, pilot)


async def _result(app: XiaozuApp, pilot: Pilot[None]) -> str:
    screen = app.screen
    assert isinstance(screen, VerifyScreen)
    for _ in range(50):  # the check runs in a worker, then a thread
        await app.workers.wait_for_complete()
        await pilot.pause()
        if "核验…" not in _text(app, "#verify-result"):
            break
    return _text(app, "#verify-result")


def _edit_opinion(data: Path, meeting_id: str) -> None:
    path = data / "meetings" / "2026" / f"{meeting_id}.json"
    raw = path.read_text(encoding="utf-8")
    text = json.loads(raw)["meeting"]["1"]["opinions"][0]["text"]
    old = json.dumps(text, ensure_ascii=False)
    path.write_text(raw.replace(old, old[:-2] + '!"', 1), encoding="utf-8")


async def test_finalised_minutes_are_sealed_and_an_addendum_verifies(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path, clock: Clock
) -> None:
    clock.now = HELD_AT
    app = make_kiosk_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        await run_to_record(app, pilot)
        await pilot.press("ctrl+f", "enter")  # asks first: confirm
        await saved(app, pilot)
        with stored(demo_dir) as repo:
            final = repo.meeting(G1_NEXT)
            report = verify_repository(repo)
        assert final is not None and final.step is Step.FINALISED
        assert final.seal is not None and final.seal.index == 12  # after g1's eleven
        assert report.ok and report.sealed == 47

        # The after screen shows the seal with the minutes.
        await pilot.press("escape")
        await pilot.pause()
        app.open_screen(AfterScreen, G1_NEXT)
        await pilot.pause()
        assert isinstance(app.screen, AfterScreen)
        status = _text(app, "#after-status")
        assert f"R3 已封存:第 12 号 · {final.seal.digest[:12]}" in status

        # A correction is a dated addendum, sealed as the next link.
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"更正:陈秀英的意见为同意并补充", "ctrl+s")
        await saved(app, pilot)
        assert "补充说明 1 条已封存" in _text(app, "#after-status")
        with stored(demo_dir) as repo:
            noted = repo.meeting(G1_NEXT)
            assert noted is not None and noted.seal == final.seal  # the minutes stay
            assert noted.addenda[0].seal is not None and noted.addenda[0].seal.index == 13
            assert verify_repository(repo).ok

        await pilot.press("escape")
        await pilot.pause()
        result = await _verified(app, pilot)
        assert "第一党小组:12 次会议记录、1 条补充说明" in result
        assert "全部 13 条封存记录核验无误。" in result

        # The addendum edited on disk afterwards: R checks again and names it.
        path = demo_dir / "meetings" / "2026" / f"{G1_NEXT}.json"
        raw = path.read_text(encoding="utf-8")
        path.write_text(raw.replace("补充", "删改"), encoding="utf-8")
        await pilot.press("r")
        result = await _result(app, pilot)
        assert "发现 1 个问题" in result and "封存后被改动" in result
        assert f"第一党小组 2026-12-03 会议({G1_NEXT})的第 1 条补充说明" in result


async def test_the_secretary_sees_every_group_a_leader_their_own(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    _edit_opinion(demo_dir, "m-g1-2026-10")
    app = make_kiosk_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await unlocked(app, pilot, SECRETARY, "g1")
        result = await _verified(app, pilot)
        assert "发现 1 个问题" in result and "封存后被改动" in result
        assert "第一党小组 2026-10-05 的会议记录(m-g1-2026-10)" in result
        for group in ("第二党小组", "第三党小组", "第四党小组"):
            assert group in result
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

    app = make_kiosk_app(lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await unlocked(app, pilot, LEADER_G2, "g2")
        result = await _verified(app, pilot)
        assert "All 11 sealed records verify." in result
        assert "第一党小组" not in result
