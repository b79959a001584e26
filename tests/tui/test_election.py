"""Electing the group leader at the kiosk (L1, L2), driven by keys: who may
stand and why not; a secret ballot where voters take turns, the screen
between them shows nothing of the last vote, and the data files never link
a voter to a choice (the round is written once, when closed); the idle lock
closes the ballot; a show of hands; the result in the meeting's minutes."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, SelectionList, Static

from rules.meeting.minutes import minutes_of
from rules.models import VotingMethod
from storage import atomic
from tests.tui.conftest import LEADER_G1, Clock, saved, start_meeting, stored, unlocked
from tests.tui.test_meeting import G1, G1_NEXT, HELD_AT, everyone_present, open_meeting
from tui.app import XiaozuApp
from tui.screens.election import ElectionScreen, ElectionSetupDialog, HandsDialog
from tui.screens.election_ballot import BLANK, BallotScreen, NextVoterScreen
from tui.screens.exit import PinCheckScreen
from tui.screens.home import HomeScreen
from tui.screens.lock import LockScreen

# 第一党小组: p01 王建国, p04 李志强, p05 陈秀英, p08 孙丽, p09 周涛 are full
# members; p06 刘洋 is under 留党察看, p07 赵磊 is probationary.
VOTERS = ("p01", "p04", "p05", "p08", "p09")
ROUND_KEYS = {
    "number",
    "candidate_ids",
    "eligible_ids",
    "voter_ids",
    "counts",
    "blank",
    "invalid",
    "closed_at",
}


# -- helpers --------------------------------------------------------------------


def body(app: XiaozuApp) -> str:
    return str(app.screen.query_one("#election-body", Static).render())


def said(app: XiaozuApp) -> str:
    return str(app.screen.query_one("#election-message", Static).render())


async def meeting_under_way(app: XiaozuApp, pilot: Pilot[None]) -> None:
    """Home → the meeting → start → everyone of 第一党小组 present."""
    await unlocked(app, pilot)
    await open_meeting(app, pilot)
    await start_meeting(app, pilot)
    await everyone_present(app, pilot, G1)


async def to_option(pilot: Pilot[None], options: OptionList, option_id: str) -> None:
    """Move the highlight to ``option_id`` with the arrow keys."""
    assert options.has_focus
    target = options.get_option_index(option_id)
    for _ in range(50):
        if options.highlighted == target:
            return
        await pilot.press("down" if (options.highlighted or 0) < target else "up")
    raise AssertionError(f"could not reach {option_id}")


async def open_election(
    app: XiaozuApp,
    pilot: Pilot[None],
    candidates: tuple[str, ...],
    method: VotingMethod = VotingMethod.SECRET_BALLOT,
) -> None:
    """On the election screen: N, the method, the candidates, Ctrl+S."""
    assert isinstance(app.screen, ElectionScreen)
    await pilot.press("n")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, ElectionSetupDialog)
    if method is VotingMethod.SHOW_OF_HANDS:
        await pilot.press("shift+tab")  # to the method
        await pilot.press("right", "enter")
        await pilot.press("tab")
    selection = dialog.query_one(SelectionList)
    for candidate in candidates:
        await to_option(pilot, selection, candidate)
        await pilot.press("space")
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(app.screen, ElectionScreen), str(dialog.error_line.render())
    await saved(app, pilot)


async def voting_begun(app: XiaozuApp, pilot: Pilot[None], candidates: tuple[str, ...]) -> None:
    """The meeting under way, a secret ballot among ``candidates`` opened
    (E, N …) and its first round begun (V): the screen between voters."""
    await meeting_under_way(app, pilot)
    await pilot.press("e")
    await pilot.pause()
    await open_election(app, pilot, candidates)
    await pilot.press("v")
    await pilot.pause()


async def vote(app: XiaozuApp, pilot: Pilot[None], voter: str, choice: str | None) -> None:
    """One voter's turn: their name, their ballot, Enter, Y."""
    assert isinstance(app.screen, NextVoterScreen)
    await to_option(pilot, app.screen.voters, voter)
    await pilot.press("enter")
    await pilot.pause()
    ballot = app.screen
    assert isinstance(ballot, BallotScreen)
    assert app.kiosk is not None
    assert app.kiosk.records.name(voter) in str(ballot.query_one("#ballot-voter", Static).render())
    await to_option(pilot, ballot.options, choice or BLANK)
    await pilot.press("enter", "y")
    await pilot.pause()
    assert isinstance(app.screen, NextVoterScreen)


async def leaders_pin(app: XiaozuApp, pilot: Pilot[None], pin: str) -> None:
    """The PIN asked for before a round is closed or the vote paused."""
    assert isinstance(app.screen, PinCheckScreen)
    await pilot.press(*pin, "enter")
    await app.workers.wait_for_complete()  # the PIN is checked off the UI loop
    await pilot.pause()
    await pilot.pause()


async def close_round(app: XiaozuApp, pilot: Pilot[None], pin: str) -> None:
    """Ctrl+E, the leader's PIN, and the round written."""
    await pilot.press("ctrl+e")
    await pilot.pause()
    await leaders_pin(app, pilot, pin)
    await saved(app, pilot)


def between_voters(app: XiaozuApp) -> str:
    """Everything the screen between voters shows."""
    screen = app.screen
    assert isinstance(screen, NextVoterScreen)
    texts = [str(w.render()) for w in screen.query(Static)]
    options = screen.voters
    texts += [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    return "\n".join([*texts, f"highlighted={options.highlighted}"])


class Writes:
    """Counts the files renamed into place (every stored write ends so)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []
        real = os.replace

        def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
            self.paths.append(str(dst))
            real(src, dst)

        monkeypatch.setattr(atomic.os, "replace", replace)

    def of_meeting(self) -> int:
        return sum(1 for p in self.paths if p.endswith(f"{G1_NEXT}.json"))


# -- who may stand -----------------------------------------------------------------------


async def test_the_election_screen_says_who_may_stand_and_who_votes_and_why_not(
    make_kiosk_app: Callable[..., XiaozuApp], clock: Clock
) -> None:
    clock.now = HELD_AT
    app = make_kiosk_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await meeting_under_way(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ElectionScreen)
        text = body(app)
        assert "[L2] 选举一般采取无记名投票的方式,亦可采用举手表决的方式" in text
        assert "可作为候选人:王建国、李志强、陈秀英、孙丽、周涛" in text
        assert "刘洋(受留党察看处分,不能担任党小组长)" in text
        assert "赵磊(预备党员,不能担任党小组长)" in text
        assert "有表决权的到会党员(5人)" in text
        assert "赵磊(预备党员,没有表决权)" in text
        assert "刘洋(留党察看期间,没有表决权)" in text
        await pilot.press("n")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ElectionSetupDialog)
        selection = dialog.query_one(SelectionList)
        disabled = {
            str(selection.get_option_at_index(i).prompt)
            for i in range(selection.option_count)
            if selection.get_option_at_index(i).disabled
        }
        assert disabled == {
            "刘洋(受留党察看处分,不能担任党小组长)",
            "赵磊(预备党员,不能担任党小组长)",
        }
        await pilot.press("ctrl+s")  # nobody chosen
        await pilot.pause()
        assert "请至少选择一名候选人" in str(dialog.error_line.render())


async def test_home_offers_the_election_only_while_the_meeting_is_held(
    make_kiosk_app: Callable[..., XiaozuApp], clock: Clock
) -> None:
    clock.now = HELD_AT
    app = make_kiosk_app(lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        shown = {b.binding.description for b in app.screen.active_bindings.values() if b.enabled}
        assert "Election" not in shown
        await open_meeting(app, pilot)
        await start_meeting(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ElectionScreen)
        assert "Electing the group leader" in str(
            app.screen.query_one("#election-title", Static).render()
        )


# -- the secret ballot ------------------------------------------------------------------


async def test_a_secret_ballot_keeps_the_secret_even_from_the_data_files(
    make_kiosk_app: Callable[..., XiaozuApp],
    demo_dir: Path,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    demo_pins: dict[str, str],
) -> None:
    clock.now = HELD_AT
    app = make_kiosk_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await meeting_under_way(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        await open_election(app, pilot, ("p04", "p05"))
        writes = Writes(monkeypatch)

        # Round one: 李志强 2, 陈秀英 2, one blank — a tie.
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, NextVoterScreen)
        assert "请下一位投票人" in between_voters(app)
        assert "重新投票" in between_voters(app)  # a crash before closing: voted again
        choices = {"p09": "p04", "p01": "p05", "p05": "p04", "p08": None, "p04": "p05"}
        for voter, choice in choices.items():
            await vote(app, pilot, voter, choice)
            shown = between_voters(app)
            # Nothing of the vote: no choice, and the list starts at its top.
            assert "您的选择" not in shown and "弃权" not in shown
            assert "已投出一票" in shown or "全体投票完毕" in shown
            assert "highlighted=0" in shown or "highlighted=None" in shown  # none left
            assert writes.of_meeting() == 0  # nothing written while voting
        assert "已投票 5 / 5 人" in between_voters(app)
        await close_round(app, pilot, demo_pins[LEADER_G1])
        assert isinstance(app.screen, ElectionScreen)
        assert "第1轮:到会有表决权5人,投票5张;李志强2票、陈秀英2票;弃权1,废票0。" in body(app)
        assert "李志强、陈秀英得票相同,无人当选,在他们之间重新投票。" in body(app)
        assert writes.of_meeting() == 1  # the round, in one write

        # Round two: 李志强 3 of 5 — more than half: elected.
        await pilot.press("v")
        await pilot.pause()
        for voter, choice in {"p08": "p04", "p04": "p04", "p01": "p05", "p05": "p04"}.items():
            await vote(app, pilot, voter, choice)
        assert writes.of_meeting() == 1
        await pilot.press("ctrl+e")  # 周涛 has not voted: asked to confirm
        await pilot.pause()
        assert isinstance(app.screen, NextVoterScreen)
        assert "还有1人未投票" in between_voters(app)
        await close_round(app, pilot, demo_pins[LEADER_G1])
        assert writes.of_meeting() == 2
        assert "李志强得票过半数,当选。" in said(app) and "已保存" in said(app)
        assert "选举结果:李志强当选党小组长。" in body(app)

    # What is on disk: every file of the data directory, as bytes.
    files = {p: p.read_bytes() for p in demo_dir.rglob("*") if p.is_file()}
    meeting_file = next(p for p in files if p.name == f"{G1_NEXT}.json")
    for path, raw in files.items():
        if path != meeting_file:
            assert b"secret_ballot" not in raw and "李志强当选".encode() not in raw, path
    document = json.loads(files[meeting_file])
    (stored_meeting,) = document["meeting"].values()
    (held,) = stored_meeting["elections"]
    assert held["method"] == "secret_ballot" and held["elected_id"] == "p04"
    first, second = held["rounds"]
    for held_round in (first, second):
        # Voters only as a sorted set; votes only as numbers per candidate.
        assert set(held_round) == ROUND_KEYS
        assert held_round["voter_ids"] == sorted(held_round["voter_ids"])
        assert held_round["eligible_ids"] == list(VOTERS)
        for count in held_round["counts"]:
            assert set(count) == {"candidate_id", "votes"}
    assert first["voter_ids"] == list(VOTERS)
    assert first["counts"] == [
        {"candidate_id": "p04", "votes": 2},
        {"candidate_id": "p05", "votes": 2},
    ]
    assert first["blank"] == 1
    assert second["voter_ids"] == ["p01", "p04", "p05", "p08"]
    assert second["counts"] == [
        {"candidate_id": "p04", "votes": 3},
        {"candidate_id": "p05", "votes": 1},
    ]
    # Nowhere else in the meeting is a voter written next to a candidate.
    elsewhere = {k: v for k, v in stored_meeting.items() if k != "elections"}
    assert "p04" not in json.dumps(held["candidate_ids"][1:]) and "secret" not in str(elsewhere)

    # The result is in the meeting's minutes.
    with stored(demo_dir) as repo:
        meeting = repo.meeting(G1_NEXT)
        org = repo.organisation()
    assert meeting is not None and org is not None
    (record,) = minutes_of(meeting, org).elections
    assert record.elected == "李志强"
    assert "选举结果:李志强当选党小组长。" in record.lines("zh")


async def test_the_screen_between_voters_is_the_same_whatever_the_last_vote(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path, tmp_path: Path, clock: Clock
) -> None:
    clock.now = HELD_AT
    shown: list[str] = []
    for number, choice in enumerate(("p04", "p05", None)):
        data = tmp_path / f"run{number}"
        shutil.copytree(demo_dir, data)
        app = make_kiosk_app(data=data)
        async with app.run_test(size=(100, 40)) as pilot:
            await meeting_under_way(app, pilot)
            await pilot.press("e")
            await pilot.pause()
            await open_election(app, pilot, ("p04", "p05"))
            await pilot.press("v")
            await pilot.pause()
            await vote(app, pilot, "p08", choice)
            shown.append(between_voters(app))
            app.lock()  # and leave nothing behind
            await pilot.pause()
    assert shown[0] == shown[1] == shown[2]
    assert "孙丽" not in shown[0]  # who voted leaves the list of those to vote


async def test_only_the_leaders_pin_closes_or_pauses_a_round(
    make_kiosk_app: Callable[..., XiaozuApp], clock: Clock, demo_pins: dict[str, str]
) -> None:
    """The voters take turns at the screen: none of them can end the round
    early, nor step back into the leader's unlocked kiosk."""
    clock.now = HELD_AT
    app = make_kiosk_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await voting_begun(app, pilot, ("p04", "p05"))
        for voter in VOTERS:
            await vote(app, pilot, voter, "p05")
        # A voter's PIN (王建国, the secretary, votes in 第一党小组) is not
        # the leader's: the round stays open and nothing is written.
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert "李志强" in str(app.screen.query_one("#check-hint", Static).render())
        await leaders_pin(app, pilot, demo_pins["p01"])
        assert isinstance(app.screen, PinCheckScreen)
        assert "PIN 不正确" in str(app.screen.query_one("#pin-message", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, NextVoterScreen)
        assert "已投票 5 / 5 人" in between_voters(app)
        # Escape (pause) asks too; Escape again stays with the voters.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PinCheckScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, NextVoterScreen)
        # The leader's PIN pauses the vote: back on the election screen.
        await pilot.press("escape")
        await pilot.pause()
        await leaders_pin(app, pilot, demo_pins[LEADER_G1])
        assert isinstance(app.screen, ElectionScreen)
        assert app.kiosk is not None
        held = app.kiosk.records.meeting(G1_NEXT).elections[0]
        assert held.rounds == ()  # paused, not closed
        # Back to the voters: the ballots are still in the box; the leader closes.
        await pilot.press("v")
        await pilot.pause()
        assert "已投票 5 / 5 人" in between_voters(app)
        await close_round(app, pilot, demo_pins[LEADER_G1])
        assert isinstance(app.screen, ElectionScreen)
        assert "陈秀英得票过半数,当选。" in said(app)


async def test_locking_closes_the_ballot_and_the_round_is_voted_again(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path, clock: Clock
) -> None:
    clock.now = HELD_AT
    app = make_kiosk_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await voting_begun(app, pilot, ("p04", "p05"))
        await vote(app, pilot, "p01", "p05")
        await to_option(pilot, app.screen.query_one(OptionList), "p04")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BallotScreen)
        # Left untouched with a ballot open past the idle time: the kiosk
        # locks itself (its idle check runs every second).
        app._last_activity -= app.env.idle_seconds + 1
        for _ in range(50):
            if isinstance(app.screen, LockScreen):
                break
            await pilot.pause(0.1)
        assert isinstance(app.screen, LockScreen)
        assert not any(
            isinstance(s, BallotScreen | NextVoterScreen | ElectionScreen) for s in app.screen_stack
        )
        await saved(app, pilot)
    with stored(demo_dir) as repo:
        meeting = repo.meeting(G1_NEXT)
    assert meeting is not None
    (held,) = meeting.elections
    assert held.rounds == () and held.open  # the round is voted again

    app = make_kiosk_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await unlocked(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ElectionScreen)
        assert "第1轮候选人:李志强、陈秀英" in body(app)
        await pilot.press("v")
        await pilot.pause()
        assert "已投票 0 / 5 人" in between_voters(app)


# -- show of hands ------------------------------------------------------------------------


async def test_a_show_of_hands_the_leader_enters_the_counts(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path, clock: Clock
) -> None:
    clock.now = HELD_AT
    app = make_kiosk_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await meeting_under_way(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        await open_election(app, pilot, ("p05", "p09"), VotingMethod.SHOW_OF_HANDS)
        assert "选举党小组长(举手表决),候选人:陈秀英、周涛" in body(app)
        await pilot.press("h")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, HandsDialog)
        await pilot.press("4", "enter", "3", "enter")  # 7 hands, 5 voters
        await pilot.pause()
        assert "每人只能举手一次" in str(dialog.error_line.render())
        await pilot.press("backspace", "1", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ElectionScreen)
        await saved(app, pilot)
        assert "陈秀英得票过半数,当选。" in said(app)
        assert "第1轮:到会有表决权5人,投票5张;陈秀英4票、周涛1票;弃权0,废票0。" in body(app)
    with stored(demo_dir) as repo:
        meeting = repo.meeting(G1_NEXT)
    assert meeting is not None
    (held,) = meeting.elections
    assert held.method is VotingMethod.SHOW_OF_HANDS and held.elected_id == "p05"
