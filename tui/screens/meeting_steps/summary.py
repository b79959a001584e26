"""Step four (四、党小组长根据讨论情况,进行归纳小结): the leader's summary,
the decisions (one per line) and the follow-up tasks — who, what, by when
(A3; the secretary and committee members in the group get tasks like anyone
else, L3).

What is typed is sent up as it is typed; the screen saves it through the
flow. Until the minutes are finalised the summary and decisions can be
rewritten (from the record step too, looking back) and a task corrected
(Enter or Ctrl+E on its row: who, what, a new due date) or taken back
(Delete); once final the text areas are read-only.
"""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static, TextArea

from rules.models import Step, TaskStatus
from tui.core.env import KioskEnv
from tui.screens.meeting_steps.base import (
    MeetingState,
    StepPanel,
    SummaryEdited,
    TaskDeleteWanted,
    TaskEditWanted,
    TaskWanted,
)
from tui.widgets.bindings import localise_bindings

_ENGLISH = {
    "meeting.task": "New task",
    "meeting.task_edit": "Edit task",
    "meeting.task_delete": "Delete task",
}


def decision_lines(text: str) -> tuple[str, ...]:
    """Decisions as typed: one per line, blank lines left out."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class SummaryStep(StepPanel):
    BINDINGS = [
        Binding("ctrl+t", "task", "新增任务", id="meeting.task"),
        Binding("ctrl+e", "edit_task", "改任务", id="meeting.task_edit"),
        Binding("delete", "delete_task", "删任务", id="meeting.task_delete"),
    ]

    summary_area = getters.query_one("#summary-text", TextArea)
    decisions_area = getters.query_one("#summary-decisions", TextArea)
    tasks_head = getters.query_one("#summary-tasks-head", Static)
    tasks_table = getters.query_one("#summary-tasks", DataTable)

    def __init__(self, env: KioskEnv, state: MeetingState, *, id: str) -> None:
        super().__init__(env, state, id=id)
        self.task_ids: list[str] = []  # the tasks in the table, in order
        localise_bindings(self, env.lang, _ENGLISH)

    def compose(self) -> ComposeResult:
        t = self.env.t
        meeting = self.state.meeting
        with VerticalScroll(classes="step-scroll", id="summary-scroll"):
            yield Static(t("归纳小结", "Summary"), classes="step-head")
            yield TextArea(meeting.summary, id="summary-text")
            yield Static(t("决定事项(每行一条)", "Decisions (one per line)"), classes="step-head")
            yield TextArea("\n".join(meeting.decisions), id="summary-decisions")
            yield Static("", classes="step-head", id="summary-tasks-head", markup=False)
            tasks: DataTable[str] = DataTable(id="summary-tasks", cursor_type="row")
            tasks.add_columns(
                t("负责人", "Who"), t("任务", "What"), t("期限", "Due"), t("状态", "State")
            )
            yield tasks

    def refresh_content(self) -> None:
        t, env, state = self.env.t, self.env, self.state
        meeting = state.meeting
        editable = meeting.step in (Step.SUMMARY, Step.RECORD)
        summary, decisions = self.summary_area, self.decisions_area
        for area in (summary, decisions):
            area.read_only = not editable
        # Never rewrite what the leader is typing: the flow strips the text,
        # and the cursor would jump.
        if not summary.has_focus and summary.text.strip() != meeting.summary:
            summary.load_text(meeting.summary)
        if not decisions.has_focus and decision_lines(decisions.text) != meeting.decisions:
            decisions.load_text("\n".join(meeting.decisions))
        self.tasks_head.update(
            t(
                f"会后任务(谁、做什么、何时完成):{len(state.tasks)} 项"
                " · Ctrl+T 新增 · Ctrl+E 修改 · Del 删除",
                f"Follow-up tasks (who, what, by when): {len(state.tasks)}"
                " · Ctrl+T adds · Ctrl+E edits · Del deletes",
            )
        )
        table = self.tasks_table
        row = table.cursor_row
        table.clear()
        self.task_ids = [task.id for task in state.tasks]
        for task in state.tasks:
            done = task.status is TaskStatus.DONE
            table.add_row(
                state.name(task.assignee_id),
                task.what,
                env.date(task.due),
                t("已完成", "done") if done else t("未完成", "open"),
            )

        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1), animate=False)

    def focus_main(self) -> None:
        self.summary_area.focus()

    @on(TextArea.Changed)
    def _typed(self, event: TextArea.Changed) -> None:
        event.stop()
        summary = self.summary_area.text
        decisions = decision_lines(self.decisions_area.text)
        meeting = self.state.meeting
        if (summary.strip(), decisions) == (meeting.summary, meeting.decisions):
            return  # loaded, not typed: nothing to save
        self.post_message(SummaryEdited(summary, decisions))

    def action_task(self) -> None:
        self.post_message(TaskWanted())

    def _chosen(self) -> str | None:
        row = self.tasks_table.cursor_row
        return self.task_ids[row] if 0 <= row < len(self.task_ids) else None

    @on(DataTable.RowSelected, "#summary-tasks")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_task()

    def action_edit_task(self) -> None:
        task_id = self._chosen()
        if task_id is not None:
            self.post_message(TaskEditWanted(task_id))

    def action_delete_task(self) -> None:
        task_id = self._chosen()
        if task_id is not None:
            self.post_message(TaskDeleteWanted(task_id))
