"""Step three (三、围绕中心,组织讨论): the topic under discussion and each
speaker's opinion on it, with the capacity they spoke in (L3).

The next step is refused (R2) while a topic has no opinion. Until the
minutes are finalised an opinion can be corrected (Enter or Ctrl+E on its
row) or taken back (Delete), and, looking back from a later step, one more
recorded (O); T goes round the topics.
"""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from rules.models import Opinion
from tui.core.env import KioskEnv
from tui.labels import CAPACITY_LABELS
from tui.screens.meeting_steps.base import (
    MeetingState,
    NextTopicWanted,
    OpinionDeleteWanted,
    OpinionEditWanted,
    OpinionWanted,
    StepPanel,
)
from tui.widgets.bindings import localise_bindings

_ENGLISH = {
    "meeting.opinion": "Opinion",
    "meeting.next_topic": "Next topic",
    "meeting.opinion_edit": "Edit",
    "meeting.opinion_delete": "Delete",
}


class DiscussionStep(StepPanel):
    BINDINGS = [
        Binding("o", "opinion", "记录发言", id="meeting.opinion"),
        Binding("t", "next_topic", "下一议题", id="meeting.next_topic"),
        Binding("ctrl+e", "edit", "修改", id="meeting.opinion_edit"),
        Binding("delete", "delete", "删除", id="meeting.opinion_delete"),
    ]

    topic_line = getters.query_one("#discussion-topic", Static)
    table = getters.query_one("#discussion-opinions", DataTable)
    detail = getters.query_one("#discussion-detail", Static)
    progress = getters.query_one("#discussion-progress", Static)

    def __init__(self, env: KioskEnv, state: MeetingState, *, id: str) -> None:
        super().__init__(env, state, id=id)
        self.shown: list[Opinion] = []  # the opinions in the table, in order
        self.numbers: list[int] = []  # their places in the meeting's opinions
        localise_bindings(self, env.lang, _ENGLISH)

    def compose(self) -> ComposeResult:
        t = self.env.t
        yield Static("", classes="step-head", id="discussion-topic", markup=False)
        table: DataTable[str] = DataTable(
            id="discussion-opinions", cursor_type="row", zebra_stripes=True
        )
        table.add_columns(t("发言人", "Speaker"), t("身份", "Capacity"), t("意见", "Opinion"))
        yield table
        yield Static("", id="discussion-detail", markup=False)
        yield Static("", id="discussion-progress", markup=False)

    def refresh_content(self) -> None:
        t, state = self.env.t, self.state
        meeting = state.meeting
        index = min(meeting.current_topic, max(len(meeting.topics) - 1, 0))
        topic = meeting.topics[index] if meeting.topics else ""
        self.topic_line.update(
            t(
                f"议题{index + 1}/{len(meeting.topics)}:{topic}",
                f"Topic {index + 1}/{len(meeting.topics)}: {topic}",
            )
        )
        table = self.table
        table.clear()
        self.numbers = [n for n, o in enumerate(meeting.opinions) if o.topic_index == index]
        self.shown = [meeting.opinions[n] for n in self.numbers]
        for opinion in self.shown:
            table.add_row(
                state.name(opinion.speaker_id),
                t(*CAPACITY_LABELS[opinion.capacity]),
                opinion.text,
            )
        if table.row_count:
            table.move_cursor(row=table.row_count - 1, animate=False)
        self._show_detail(table.cursor_row)
        counts = [
            sum(1 for o in meeting.opinions if o.topic_index == i)
            for i in range(len(meeting.topics))
        ]
        progress = "  ".join(
            t(f"议题{i + 1}:{n}条", f"topic {i + 1}: {n}") for i, n in enumerate(counts)
        )
        silent = [str(i + 1) for i, n in enumerate(counts) if n == 0]
        if silent:
            progress += "  " + t(
                f"(议题{'、'.join(silent)}尚无意见)", f"(no opinion yet on {', '.join(silent)})"
            )
        self.progress.update(t("已记录意见:", "Opinions: ") + progress)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail(event.cursor_row)

    def _show_detail(self, row: int) -> None:
        """The opinion under the cursor in full: the table cuts long ones."""
        detail = self.detail
        if not 0 <= row < len(self.shown):
            detail.update(
                self.env.t("尚无发言。按 O 记录发言。", "No opinion yet. Press O to record one.")
            )
            return
        opinion = self.shown[row]
        capacity = self.env.t(*CAPACITY_LABELS[opinion.capacity])
        detail.update(
            self.env.t(
                f"{self.state.name(opinion.speaker_id)}({capacity}):{opinion.text}",
                f"{self.state.name(opinion.speaker_id)} ({capacity}): {opinion.text}",
            )
        )

    def focus_main(self) -> None:
        self.table.focus()

    def action_opinion(self) -> None:
        self.post_message(OpinionWanted())

    def action_next_topic(self) -> None:
        self.post_message(NextTopicWanted())

    def _chosen(self) -> int | None:
        row = self.table.cursor_row
        return self.numbers[row] if 0 <= row < len(self.numbers) else None

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        number = self._chosen()
        if number is not None:
            self.post_message(OpinionEditWanted(number))

    def action_delete(self) -> None:
        number = self._chosen()
        if number is not None:
            self.post_message(OpinionDeleteWanted(number))
