"""Step two (二、按议题进行): the topics in order, the one under way marked."""

from __future__ import annotations

from textual import getters
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.screens.meeting_steps.base import StepPanel
from tui.screens.meeting_steps.opening import numbered


class AgendaStep(StepPanel):
    head = getters.query_one("#agenda-head", Static)
    body = getters.query_one("#agenda-text", Static)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="step-scroll", id="agenda-scroll"):
            yield Static("", classes="step-head", id="agenda-head", markup=False)
            yield Static("", id="agenda-text", markup=False)

    def refresh_content(self) -> None:
        t = self.env.t
        meeting = self.state.meeting
        self.head.update(
            t(
                f"按议题进行:本次会议共 {len(meeting.topics)} 个议题,逐个讨论。",
                f"Take the topics one by one: {len(meeting.topics)} on the agenda.",
            )
        )
        lines = numbered(meeting.topics, self.env, meeting.current_topic)
        lines.append("")
        lines.append(
            t(
                "按 Ctrl+N 进入讨论,从第一个议题开始;讨论要围绕中心,不离题。",
                "Press Ctrl+N to open the discussion at the first topic; keep to the topic.",
            )
        )
        self.body.update("\n".join(lines))
