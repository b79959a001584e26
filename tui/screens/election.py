"""Electing the group leader at the meeting (选举党小组长, L1, L2).

The leader's view of the elections of one meeting: who may stand and why
not (L1), who has a vote, every election held so far with its rounds and
counts (as the minutes record them), and the keys for the next thing to do:
open an election (candidates and method), run a round by secret ballot at
the kiosk (``tui.screens.election_ballot``) or enter the counts of a show of
hands, or end an election without a result. A secret-ballot round is saved
once, when it is closed; a show of hands when its counts are entered.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Input, RadioButton, RadioSet, SelectionList, Static
from textual.widgets.selection_list import Selection

from rules.checks.seed import RULES
from rules.meeting import election as el
from rules.meeting.flow import FlowError
from rules.meeting.minutes import meeting_members
from rules.models import Election, Meeting, Person, VotingMethod
from tui.core.env import KioskEnv
from tui.core.kiosk import Kiosk
from tui.messages import RecordsChanged
from tui.screens.base import MeetingBoundScreen
from tui.screens.election_ballot import UNSAVED_WARNING, NextVoterScreen
from tui.screens.meeting_steps.dialogs import FormDialog
from tui.widgets.footer import KeysFooter


@dataclass(frozen=True)
class ElectionDraft:
    method: VotingMethod
    candidate_ids: tuple[str, ...]


class ElectionSetupDialog(FormDialog):
    """The candidates (only those who may be leader can be chosen; the
    others are listed with the reason) and the method."""

    CSS_PATH = "election.tcss"

    method_set = getters.query_one("#election-method", RadioSet)
    candidates = getters.query_one("#election-candidates", SelectionList)

    def __init__(
        self,
        env: KioskEnv,
        title: str,
        nominees: Sequence[tuple[Person, tuple[el.Bar, ...]]],
        save: Callable[[ElectionDraft], str | None],
    ) -> None:
        super().__init__(env, title)
        self.nominees = nominees
        self.save = save

    def fields(self) -> ComposeResult:
        t = self.env.t
        yield Static(t("表决方式", "Method"), classes="dialog-label")
        with RadioSet(id="election-method"):
            yield RadioButton(t(*el.METHOD_LABELS[VotingMethod.SECRET_BALLOT]), value=True)
            yield RadioButton(t(*el.METHOD_LABELS[VotingMethod.SHOW_OF_HANDS]))
        yield Static(t("候选人(空格选择)", "Candidates (Space to choose)"), classes="dialog-label")
        selections: list[Selection[str]] = []
        for person, bars in self.nominees:
            if bars:
                reasons = ";".join(b.reason(self.env.lang) for b in bars)
                selections.append(
                    Selection(f"{person.name}({reasons})", person.id, id=person.id, disabled=True)
                )
            else:
                selections.append(Selection(person.name, person.id, id=person.id))
        yield SelectionList[str](*selections, id="election-candidates")

    def on_mount(self) -> None:
        self.candidates.focus()

    def attempt(self) -> str | None:
        methods = (VotingMethod.SECRET_BALLOT, VotingMethod.SHOW_OF_HANDS)
        index = self.method_set.pressed_index
        method = methods[index] if 0 <= index < len(methods) else VotingMethod.SECRET_BALLOT
        chosen = set(self.candidates.selected)
        ordered = tuple(p.id for p, _ in self.nominees if p.id in chosen)
        return self.save(ElectionDraft(method, ordered))


class HandsDialog(FormDialog):
    """举手表决: the hands counted for each candidate."""

    CSS_PATH = "election.tcss"

    def __init__(
        self,
        env: KioskEnv,
        title: str,
        candidates: Sequence[tuple[str, str]],
        save: Callable[[dict[str, int]], str | None],
    ) -> None:
        super().__init__(env, title)
        self.candidates = candidates  # (name, id)
        self.save = save

    def fields(self) -> ComposeResult:
        for name, pid in self.candidates:
            yield Static(
                self.env.t(f"赞成{name}的举手人数", f"Hands for {name}"), classes="dialog-label"
            )
            yield Input("", type="integer", id=f"hands-{pid}", classes="hands-count")

    def attempt(self) -> str | None:
        counts: dict[str, int] = {}
        for _name, pid in self.candidates:
            typed = self.query_one(f"#hands-{pid}", Input).value.strip()
            if not typed.isdigit():
                return self.env.t(
                    "请为每位候选人填写举手人数。", "Enter a count for each candidate."
                )
            counts[pid] = int(typed)
        return self.save(counts)


_ENGLISH = {
    "election.back": "Back",
    "election.new": "New election",
    "election.ballot": "Secret ballot",
    "election.hands": "Show of hands",
    "election.end": "End election",
}


class ElectionScreen(MeetingBoundScreen):
    """The elections of one meeting, from the leader's side."""

    CSS_PATH = "election.tcss"

    BINDINGS = [
        Binding("escape", "back", "返回", id="election.back"),
        Binding("n", "new", "发起选举", id="election.new"),
        Binding("v", "ballot", "无记名投票", id="election.ballot"),
        Binding("h", "hands", "录入举手结果", id="election.hands"),
        Binding("x", "end", "结束选举", id="election.end"),
    ]
    ENGLISH_LABELS = _ENGLISH

    title_line = getters.query_one("#election-title", Static)
    body = getters.query_one("#election-body", Static)
    message_line = getters.query_one("#election-message", Static)

    def __init__(self, kiosk: Kiosk, meeting_id: str) -> None:
        super().__init__(kiosk, meeting_id)
        # The secret-ballot round under way: in memory only, until closed.
        self.box: el.BallotBox | None = None
        self._confirming: str | None = None  # an action waiting for its second key

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="election-title", markup=False)
        with VerticalScroll(id="election-scroll"):
            yield Static("", id="election-body", markup=False)
        yield Static("", id="election-message", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.refresh_content()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.refresh_content()

    @on(RecordsChanged)
    def _records_changed(self) -> None:
        # Read again from disk after a failed write, or a sign-in by phone.
        self.refresh_content()

    # -- showing --------------------------------------------------------------------

    def held(self) -> Election | None:
        return el.open_election_of(self.meeting)

    def names(self, ids: Sequence[str]) -> str:
        return self.env.t("、", ", ").join(self.kiosk.records.name(i) for i in ids)

    def refresh_content(self) -> None:
        t, meeting = self.env.t, self.meeting
        self.title_line.update(
            f"{self.kiosk.group_name()} · " + t("选举党小组长", "Electing the group leader")
        )
        self.body.update("\n".join(self.body_lines(meeting)))
        self.refresh_bindings()

    def body_lines(self, meeting: Meeting) -> list[str]:
        t, lang, org = self.env.t, self.env.lang, self.kiosk.org
        info = RULES["L2"]
        lines = [f"[L2] {info.seed}", t(el.VOTE_RULE_ZH, el.VOTE_RULE_EN), ""]
        nominees = el.nominees(meeting, org)
        can = [p.name for p, bars in nominees if not bars]
        cannot = [f"{p.name}({bars[0].reason(lang)})" for p, bars in nominees if bars]
        lines.append(t("可作为候选人:", "May stand: ") + (t("、", ", ").join(can) or "—"))
        if cannot:
            lines.append(t("不能作为候选人:", "May not stand: ") + t("、", "; ").join(cannot))
        voters = el.eligible_voters(meeting, org)
        lines.append(
            t(f"有表决权的到会党员({len(voters)}人):", f"Present with a vote ({len(voters)}): ")
            + (self.names([p.id for p in voters]) or "—")
        )
        no_vote = [
            f"{p.name}({bars[0].reason(lang, voting=True)})"
            for p in meeting_members(meeting, org)
            if (bars := el.vote_bars(p, meeting, org))
        ]
        if no_vote:
            lines.append(t("不参加投票:", "Not voting: ") + t("、", "; ").join(no_vote))
        for held in meeting.elections:
            lines += ["", *el.election_minutes(held, org).lines(lang)]
        lines += ["", *self.next_lines(meeting)]
        return lines

    def next_lines(self, meeting: Meeting) -> list[str]:
        t, held = self.env.t, self.held()
        if not meeting.step.in_meeting:
            return [t("选举须在会议进行中举行。", "An election is held during the meeting.")]
        if held is None:
            return [t("按 N 发起选举:选择候选人和表决方式。", "Press N to open an election.")]
        number = len(held.rounds) + 1
        candidates = self.names(el.round_candidates(held))
        head = t(f"第{number}轮候选人:{candidates}。", f"Round {number} candidates: {candidates}.")
        if held.method is VotingMethod.SHOW_OF_HANDS:
            return [
                head,
                t(
                    "举手表决后按 H 录入各候选人的举手人数。",
                    "After the show of hands, press H to enter the counts.",
                ),
            ]
        if self.box is not None:
            total = len(self.box.eligible_ids)
            return [
                head,
                t(
                    f"本轮投票进行中:已投 {self.box.voted} / {total} 人。按 V 继续投票。",
                    f"Voting under way: {self.box.voted} of {total} voted. Press V to go on.",
                ),
                t(*UNSAVED_WARNING),
            ]
        return [
            head,
            t("按 V 开始本轮无记名投票。", "Press V to start this round's secret ballot."),
            t(*UNSAVED_WARNING),
        ]

    def say(self, text: str, *, error: bool = False) -> None:
        self.message_line.update(text)
        self.message_line.set_class(error, "-error")

    def refusal(self, error: FlowError) -> str:
        return f"[{error.rule}] {error.message(self.env.lang)}"

    # -- keys ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        meeting, held = self.meeting, self.held()
        if action == "new":
            return meeting.step.in_meeting and meeting.group_id is not None and held is None
        if action == "ballot":
            return held is not None and held.method is VotingMethod.SECRET_BALLOT
        if action == "hands":
            return held is not None and held.method is VotingMethod.SHOW_OF_HANDS
        if action == "end":
            return held is not None and self.box is None
        return True

    def _second_press(self, action: str, warning: str) -> bool:
        """True on the second press of the same key; on the first, warn."""
        if self._confirming == action:
            self._confirming = None
            return True
        self._confirming = action
        self.say(warning, error=True)
        return False

    def action_back(self) -> None:
        if (
            self.box is not None
            and self.box.voted
            and not self._second_press(
                "back",
                self.env.t(
                    f"本轮已有{self.box.voted}人投票,离开将作废本轮投票。再按 Esc 确认离开。",
                    f"{self.box.voted} have voted this round; leaving discards the round."
                    " Press Esc again to leave.",
                ),
            )
        ):
            return
        self.box = None
        self.dismiss()

    def action_new(self) -> None:
        self._confirming = None
        title = self.env.t("发起选举:党小组长", "New election: group leader")
        nominees = el.nominees(self.meeting, self.kiosk.org)
        self.app.push_screen(ElectionSetupDialog(self.env, title, nominees, self._open))

    def _open(self, draft: ElectionDraft) -> str | None:
        try:
            meeting = el.open_election(
                self.meeting,
                self.kiosk.org,
                f"e-{secrets.token_hex(3)}",
                draft.method,
                draft.candidate_ids,
                self.kiosk.now(),
            )
        except FlowError as error:
            return self.refusal(error)
        self._save(meeting, self.env.t("选举已发起。", "The election is open."))
        return None

    def action_ballot(self) -> None:
        self._confirming = None
        held = self.held()
        if held is None:
            return
        if self.box is None:
            try:
                self.box = el.BallotBox(self.meeting, self.kiosk.org, held.id, self.kiosk.now())
            except FlowError as error:
                self.say(self.refusal(error), error=True)
                return
        box = self.box
        names = {p.id: p.name for p in self.kiosk.org.people}
        title = self.env.t(
            f"无记名投票 · 选举党小组长 · 第{box.number}轮",
            f"Secret ballot · group leader · round {box.number}",
        )

        def done(result: str | None) -> None:
            if result == "close":
                self._close_round()
            else:
                self.refresh_content()
                self.say("")

        self.app.push_screen(NextVoterScreen(self.kiosk, title, box, names), done)

    def _close_round(self) -> None:
        box, held = self.box, self.held()
        if box is None or held is None:
            return
        self.box = None  # the tally is the round's record from here on
        try:
            meeting = el.record_round(self.meeting, held.id, box.close(self.kiosk.now()))
        except FlowError as error:
            self.refresh_content()
            self.say(self.refusal(error), error=True)
            return
        self._save(meeting, self._round_said(meeting, held.id))

    def _round_said(self, meeting: Meeting, election_id: str) -> str:
        """The round just recorded, and the result when it decided the election."""
        record = el.election_minutes(el.election(meeting, election_id), self.kiosk.org)
        lines = record.lines(self.env.lang)
        said = lines[len(record.rounds)]
        return f"{said} {lines[-1]}" if record.finished else said

    def action_hands(self) -> None:
        self._confirming = None
        held = self.held()
        if held is None:
            return
        candidates = [(self.kiosk.records.name(c), c) for c in el.round_candidates(held)]
        voters = len(el.eligible_voters(self.meeting, self.kiosk.org))
        title = self.env.t(
            f"举手表决 · 第{len(held.rounds) + 1}轮 · 有表决权的到会党员{voters}人",
            f"Show of hands · round {len(held.rounds) + 1} · {voters} present with a vote",
        )

        def save(counts: dict[str, int]) -> str | None:
            try:
                held_round = el.show_of_hands_round(
                    self.meeting, self.kiosk.org, held.id, counts, self.kiosk.now()
                )
                meeting = el.record_round(self.meeting, held.id, held_round)
            except FlowError as error:
                return self.refusal(error)
            self._save(meeting, self._round_said(meeting, held.id))
            return None

        self.app.push_screen(HandsDialog(self.env, title, candidates, save))

    def action_end(self) -> None:
        held = self.held()
        if held is None or not self._second_press(
            "end",
            self.env.t(
                "结束这场选举将不产生当选人(记入会议记录)。再按 X 确认。",
                "Ending the election elects nobody (the minutes say so). Press X again.",
            ),
        ):
            return
        try:
            meeting = el.end_election(self.meeting, held.id, self.kiosk.now())
        except FlowError as error:
            self.say(self.refusal(error), error=True)
            return
        self._save(
            meeting,
            self.env.t("选举已结束,未选出党小组长。", "The election ended; nobody elected."),
        )

    # -- saving ----------------------------------------------------------------------

    def _save(self, meeting: Meeting, done: str) -> None:
        self.kiosk.save_meeting(meeting)
        self.refresh_content()
        self.say(done + self.env.t("正在保存…", " Saving…"))
        self._confirm_saved(done)

    @work(group="election-save", exit_on_error=False)
    async def _confirm_saved(self, done: str) -> None:
        # A failed write is reported by the app (save_failed), which reloads
        # the records and sends RecordsChanged.
        if await self.kiosk.writer.flush():
            self.say(done + self.env.t("已保存。", " Saved."))
