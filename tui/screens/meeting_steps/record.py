"""Step five (五、做好记录): the whole minutes for review, then finalising.

Finalising is refused by the flow, naming the missing parts, until the
minutes are complete (R2); once finalised they never change (R3) and the
panel says so.
"""

from __future__ import annotations

from textual import getters
from textual.app import ComposeResult
from textual.widgets import Static

from rules.meeting.minutes import minutes_of
from tui.screens.meeting_steps.base import StepPanel
from tui.widgets.minutes_view import MinutesView


class RecordStep(StepPanel):
    minutes_view = getters.query_one(MinutesView)
    banner = getters.query_one("#record-state", Static)

    def compose(self) -> ComposeResult:
        state = self.state
        yield Static("", id="record-state", markup=False)
        yield MinutesView(
            minutes_of(state.meeting, state.org, state.tasks),
            self.env,
            names=state.name,
            id="record-minutes",
        )

    def refresh_content(self) -> None:
        t, env, state = self.env.t, self.env, self.state
        meeting = state.meeting
        self.minutes_view.show(minutes_of(meeting, state.org, state.tasks))
        banner = self.banner
        if meeting.step.minutes_final:
            when = ""
            if meeting.finalised_at is not None:
                at = meeting.finalised_at.astimezone(env.tz)
                when = env.date(at.date()) + t("", " ") + f"{at:%H:%M}"
            banner.update(
                t(
                    f"会议记录已定稿({when}),只读,不能再修改(R3:认真保管,存档备查)。"
                    "如需更正,请在「会后」添加注明日期的补充说明。",
                    f"The minutes were finalised {when}: read-only, they never change (R3)."
                    " A correction is a dated addendum, under 'After'.",
                )
            )
            banner.set_class(True, "-final")
        else:
            banner.update(
                t(
                    "请核对会议记录(↑↓ 翻阅),无误后按 Ctrl+F 定稿;记录不完整不能定稿(R2)。",
                    "Review the minutes (↑↓ to scroll), then press Ctrl+F to finalise;"
                    " incomplete minutes cannot be finalised (R2).",
                )
            )
            banner.set_class(False, "-final")

    def focus_main(self) -> None:
        self.minutes_view.focus()
