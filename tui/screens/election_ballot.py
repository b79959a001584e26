"""The secret ballot at the kiosk (无记名投票): voters take turns at the screen.

Between voters the kiosk shows a neutral screen (``NextVoterScreen``): "请下一
位投票人", the names of those still to vote, and how many have voted —
nothing of the last ballot. A voter picks their name and gets a fresh
``BallotScreen``: their name, to confirm it is their turn, the candidates
and 弃权; nothing is preselected and nothing stays from the voter before.
The choice goes straight into the round's ``BallotBox`` (rules.meeting.election),
which keeps only who has voted and the tally, in memory, until the leader
closes the round. Locking the kiosk closes these screens, and the round is
voted again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from rules.meeting.election import BallotBox
from rules.meeting.flow import FlowError
from tui.core.env import KioskEnv
from tui.core.kiosk import Kiosk
from tui.screens.exit import PinCheckScreen
from tui.widgets.bindings import localise_bindings

#: Said on every voting screen: nothing is written until the round closes.
UNSAVED_WARNING = (
    "选票只在本轮结束计票时保存一次;结束前如锁屏、断电或退出,本轮须重新投票。",
    "Ballots are saved once, when the round is closed and counted; if the kiosk locks,"
    " loses power or quits before that, the round is voted again.",
)

#: The option of a blank ballot (弃权).
BLANK = "-blank-"


@dataclass(frozen=True)
class BallotChoice:
    """What a voter chose: a candidate, or a blank ballot (None)."""

    candidate_id: str | None


class BallotScreen(Screen[BallotChoice | None]):
    """One voter's ballot. Dismissed with the choice, or None when the voter
    steps back without voting."""

    CSS_PATH = "election.tcss"

    BINDINGS = [
        Binding("y", "confirm", "确认投出", id="ballot.confirm"),
        Binding("n", "reselect", "重新选择", id="ballot.reselect"),
        Binding("escape", "cancel", "不是我/返回", id="ballot.cancel"),
    ]

    options = getters.query_one("#ballot-options", OptionList)
    confirm_line = getters.query_one("#ballot-confirm", Static)

    def __init__(
        self, env: KioskEnv, round_title: str, voter: str, candidates: list[tuple[str, str]]
    ) -> None:
        super().__init__()
        self.env = env
        self.round_title = round_title
        self.voter = voter
        self.candidates = candidates  # (name, id)
        self.choice: BallotChoice | None = None
        localise_bindings(
            self,
            env.lang,
            {"ballot.confirm": "Cast", "ballot.reselect": "Choose again", "ballot.cancel": "Back"},
        )

    def compose(self) -> ComposeResult:
        t = self.env.t
        with Vertical(id="ballot-box"):
            yield Static(self.round_title, id="ballot-title", markup=False)
            yield Static(
                t(
                    f"投票人:{self.voter}。如果这不是您,请按 Esc 返回。",
                    f"Voter: {self.voter}. If this is not you, press Esc.",
                ),
                id="ballot-voter",
                markup=False,
            )
            yield Static(
                t(
                    "请选择一名候选人,或弃权,按 Enter 选定。",
                    "Choose one candidate, or abstain, and press Enter.",
                ),
                classes="ballot-hint",
            )
            options = [Option(name, id=pid) for name, pid in self.candidates]
            options.append(Option(t("弃权", "Abstain (blank ballot)"), id=BLANK))
            yield OptionList(*options, id="ballot-options")
            yield Static("", id="ballot-confirm", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.options.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("confirm", "reselect"):
            return self.choice is not None
        return True

    @on(OptionList.OptionSelected, "#ballot-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        pid = event.option.id
        self.choice = BallotChoice(None if pid == BLANK else pid)
        label = str(event.option.prompt)
        self.confirm_line.update(
            self.env.t(
                f"您的选择:{label}。按 Y 确认投出,按 N 重新选择。",
                f"Your choice: {label}. Press Y to cast it, N to choose again.",
            )
        )
        self.refresh_bindings()

    def action_confirm(self) -> None:
        if self.choice is not None:
            self.dismiss(self.choice)

    def action_reselect(self) -> None:
        self.choice = None
        self.confirm_line.update("")
        self.options.focus()
        self.refresh_bindings()

    def action_cancel(self) -> None:
        self.dismiss(None)


class NextVoterScreen(Screen[str]):
    """ "请下一位投票人": who still has to vote, and how many have. Dismissed
    with "close" when the leader closes the round, "pause" to step back;
    either only after the PIN of whoever unlocked the kiosk (the voters take
    turns at this screen: none of them may end the round early, or step
    back into the leader's unlocked kiosk)."""

    CSS_PATH = "election.tcss"

    BINDINGS = [
        Binding("ctrl+e", "close_round", "结束本轮计票", id="voting.close"),
        Binding("escape", "pause", "暂停", id="voting.pause"),
    ]

    voters = getters.query_one("#voting-voters", OptionList)
    progress = getters.query_one("#voting-progress", Static)
    message_line = getters.query_one("#voting-message", Static)

    def __init__(
        self,
        kiosk: Kiosk,
        round_title: str,
        box: BallotBox,
        names: Mapping[str, str],
    ) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.env = env = kiosk.env
        self.round_title = round_title
        self.box = box
        self.names = names  # person id → name (voters and candidates)
        self._close_asked = False  # the first Ctrl+E with voters still waiting
        localise_bindings(
            self, env.lang, {"voting.close": "Close round & count", "voting.pause": "Pause"}
        )

    def compose(self) -> ComposeResult:
        t = self.env.t
        with Vertical(id="voting-box"):
            yield Static(self.round_title, id="voting-title", markup=False)
            yield Static(t("请下一位投票人", "Next voter, please"), id="voting-next")
            yield Static(
                t(
                    "请在名单中选择您的姓名,按 Enter 领取选票。",
                    "Choose your name in the list and press Enter for your ballot.",
                ),
                classes="ballot-hint",
            )
            yield OptionList(id="voting-voters")
            yield Static("", id="voting-progress", markup=False)
            yield Static(self.env.t(*UNSAVED_WARNING), classes="ballot-hint")
            yield Static("", id="voting-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.show_waiting()

    def show_waiting(self) -> None:
        """The list starts afresh each time: nothing shows where the last
        voter's cursor was."""
        waiting = self.box.waiting()
        self.voters.clear_options()
        self.voters.add_options([Option(self.names.get(v, v), id=v) for v in waiting])
        self.voters.highlighted = 0 if waiting else None
        self.voters.focus()
        total = len(self.box.eligible_ids)
        self.progress.update(
            self.env.t(
                f"已投票 {self.box.voted} / {total} 人", f"Voted: {self.box.voted} of {total}"
            )
        )
        if not waiting:
            self.message_line.update(
                self.env.t(
                    "全体投票完毕。请党小组长按 Ctrl+E 结束本轮并计票。",
                    "Everyone has voted. The leader presses Ctrl+E to close the round and count.",
                )
            )

    @on(OptionList.OptionSelected, "#voting-voters")
    def _voter_chosen(self, event: OptionList.OptionSelected) -> None:
        voter_id = event.option.id
        if voter_id is None:
            return
        self._close_asked = False
        self.message_line.update("")
        candidates = [(self.names.get(c, c), c) for c in self.box.candidate_ids]
        voter = self.names.get(voter_id, voter_id)

        def cast(choice: BallotChoice | None) -> None:
            if choice is not None:
                try:
                    self.box.cast(voter_id, choice.candidate_id)
                except FlowError as error:
                    self.message_line.update(error.message(self.env.lang))
                    self.show_waiting()
                    return
                # Thanks, and nothing of what was chosen.
                self.message_line.update(
                    self.env.t("已投出一票。谢谢!", "A ballot has been cast. Thank you!")
                )
            self.show_waiting()

        self.app.push_screen(BallotScreen(self.env, self.round_title, voter, candidates), cast)

    def action_close_round(self) -> None:
        t = self.env.t
        if self.box.voted == 0:
            self.message_line.update(t("还没有人投票。", "Nobody has voted yet."))
            return
        left = len(self.box.waiting())
        if left and not self._close_asked:
            self._close_asked = True
            self.message_line.update(
                t(
                    f"还有{left}人未投票。确定结束本轮?再按 Ctrl+E 确认。",
                    f"{left} still to vote. Close the round anyway? Press Ctrl+E again.",
                )
            )
            return
        self._with_pin(
            "close", ("结束本轮计票", "Close the round"), ("以结束本轮并计票", "to count")
        )

    def action_pause(self) -> None:
        self._with_pin("pause", ("暂停投票", "Pause the vote"), ("以暂停投票", "to pause"))

    def _with_pin(self, result: str, title: tuple[str, str], what: tuple[str, str]) -> None:
        def checked(right: bool | None) -> None:
            if right:
                self.dismiss(result)
            else:
                self.show_waiting()

        self.app.push_screen(PinCheckScreen(self.kiosk, title, what), checked)
