"""Before the meeting (会前准备): what was planned, and the key that opens it.

Starting is refused by the flow without topics (M2), without a recorder (R1)
or when the meeting was postponed (M1); the screen shows why.
"""

from __future__ import annotations

from textual import getters
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.screens.meeting_steps.base import StepPanel
from tui.screens.meeting_steps.opening import numbered


class PreparationStep(StepPanel):
    body = getters.query_one("#preparation-text", Static)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="step-scroll"):
            yield Static("", id="preparation-text", markup=False)

    def refresh_content(self) -> None:
        self.body.update(self.text())

    def text(self) -> str:
        t, env, state = self.env.t, self.env, self.state
        meeting = state.meeting
        when = meeting.planned_at.astimezone(env.tz)
        topics = "\n".join(numbered(meeting.topics, env))
        lines = [
            t("会议尚未开始(会前准备)。", "The meeting has not started (preparation)."),
            t("时间:", "Time: ") + f"{env.date(when.date())} {when:%H:%M}",
            t("地点:", "Place: ") + (meeting.place or t("(未定)", "(not set)")),
            t("议题:", "Topics:") + ("\n" + topics if topics else t("(尚无)", " (none yet)")),
            t("开法:", "Method: ") + (meeting.method or "—"),
            t("要求:", "Requirements: ") + (meeting.requirements or "—"),
            t("主持人:", "Chair: ")
            + state.name(meeting.chair_id or self._leader_id())
            + "    "
            + t("记录人:", "Recorder: ")
            + (state.name(meeting.recorder_id) if meeting.recorder_id else t("(未指定)", "(none)")),
        ]
        if meeting.guests:
            guests = "、".join(state.name(g.person_id) for g in meeting.guests)
            lines.append(t("列席人员:", "Guests: ") + guests)
        lines.append("")
        if meeting.postponement is not None:
            lines.append(
                t("此次会议已推迟:", "This meeting was postponed: ") + meeting.postponement.reason
            )
        else:
            opened = meeting.signin_opened_at
            if opened is None:
                lines.append(
                    t(
                        "按 Ctrl+G 开放签到(可在会议开始前):开始前签到的记为出席,开始后记为迟到。",
                        "Press Ctrl+G to open sign-in (it may open before the start): signing"
                        " in before the start is present, after it late.",
                    )
                )
            else:
                came = sum(1 for a in meeting.attendance if a.status.attended)
                at = opened.astimezone(env.tz)
                lines.append(
                    t(
                        f"签到已于 {at:%H:%M} 开放,已签到 {came} 人。按 Q 放大二维码。",
                        f"Sign-in opened at {at:%H:%M}; {came} signed in. Q enlarges the code.",
                    )
                )
            lines.append(
                t(
                    "到会后按 Ctrl+O 开始会议:第一步,党小组长报告缺席情况及议题、开法和要求。",
                    "When everyone is in the room, press Ctrl+O to open the meeting: step one,"
                    " the leader reports absentees, topics, method and requirements.",
                )
            )
        return "\n".join(lines)

    def _leader_id(self) -> str | None:
        meeting = self.state.meeting
        group = self.state.org.group(meeting.group_id) if meeting.group_id else None
        return group.leader_id if group else None
