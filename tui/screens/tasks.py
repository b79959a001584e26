"""Follow-up tasks (会后的组织落实工作, A3): the group's tasks tracked to done.

三是党小组长要抓好会后的组织落实工作. Overdue tasks come first and stand out,
then the open ones, then those done; F filters to one of the three. The
branch secretary's and committee members' tasks are listed and handled like
anyone else's (L3): the leader gives them tasks and checks those too.
Opened from home; Escape goes back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from rich.cells import cell_len
from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from rules.meeting import flow
from rules.meeting.flow import FlowError
from rules.models import BranchRole, FollowUpTask, TaskStatus
from tui.core.kiosk import Kiosk
from tui.messages import RecordsChanged
from tui.screens.after import NoteDialog
from tui.widgets.bindings import localise_bindings
from tui.widgets.footer import KeysFooter
from tui.widgets.minutes_view import Paragraph, WrappedText

_ENGLISH = {
    "tasks.note": "Progress",
    "tasks.close": "Done",
    "tasks.filter": "Filter",
    "tasks.back": "Back",
}

ROLE: dict[BranchRole, tuple[str, str]] = {
    BranchRole.SECRETARY: ("书记", "secretary"),
    BranchRole.ORGANISATION: ("组织委员", "organisation member"),
    BranchRole.COMMITTEE: ("支委", "committee"),
}


class Section(StrEnum):
    """Where a task stands today, in the order the list shows them."""

    OVERDUE = "overdue"  # open, past due
    OPEN = "open"
    DONE = "done"


SECTION: dict[Section, tuple[str, str]] = {
    Section.OVERDUE: ("已逾期", "overdue"),
    Section.OPEN: ("未完成", "open"),
    Section.DONE: ("已完成", "done"),
}

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: What F cycles through: everything, then each section alone.
FILTERS: tuple[Section | None, ...] = (None, Section.OVERDUE, Section.OPEN, Section.DONE)


@dataclass(frozen=True)
class TaskRow:
    section: Section
    task: FollowUpTask


class TasksScreen(Screen[None]):
    """The session group's follow-up tasks."""

    CSS_PATH = "after.tcss"

    BINDINGS = [
        Binding("n", "note", "记录进展", id="tasks.note"),
        Binding("c", "close_task", "完成任务", id="tasks.close"),
        Binding("f", "filter", "筛选", id="tasks.filter"),
        Binding("escape", "back", "返回", id="tasks.back"),
    ]

    title_line = getters.query_one("#tasks-title", Static)
    table = getters.query_one("#tasks-table", DataTable)
    detail = getters.query_one("#tasks-detail", WrappedText)
    message_line = getters.query_one("#tasks-message", Static)

    def __init__(self, kiosk: Kiosk) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.env = kiosk.env
        self.filter: Section | None = None
        self.rows: list[TaskRow] = []
        localise_bindings(self, self.env.lang, _ENGLISH)

    def compose(self) -> ComposeResult:
        t = self.env.t
        yield Header()
        yield Static("", id="tasks-title")
        table: DataTable[Text] = DataTable(id="tasks-table", cursor_type="row", zebra_stripes=True)
        table.add_columns(
            t("状态", "State"),
            t("期限", "Due"),
            t("负责人", "Who"),
            t("任务", "Task"),
            t("会议", "Meeting"),
            t("最新进展", "Last progress"),
        )
        yield table
        yield WrappedText(id="tasks-detail")
        yield Static("", id="tasks-message", markup=False)
        yield KeysFooter()

    # -- showing ----------------------------------------------------------------

    def on_mount(self) -> None:
        self.refresh_content()
        self.table.focus()

    @on(RecordsChanged)
    def _records_changed(self) -> None:
        self.refresh_content()

    def section_of(self, task: FollowUpTask) -> Section:
        if task.status is TaskStatus.DONE:
            return Section.DONE
        return Section.OVERDUE if task.due < self.kiosk.today() else Section.OPEN

    def refresh_content(self, keep: str | None = None) -> None:
        """Show the tasks again, the cursor on task ``keep`` (or where it was)."""
        t = self.env.t
        if keep is None and self.selected is not None:
            keep = self.selected.id
        by_section: dict[Section, list[FollowUpTask]] = {s: [] for s in Section}
        for task in self.kiosk.tasks():
            by_section[self.section_of(task)].append(task)
        for section, tasks in by_section.items():
            if section is Section.DONE:  # the most recently done first
                tasks.sort(key=lambda task: (task.done_at or _EPOCH, task.id), reverse=True)
            else:  # the soonest due (or longest overdue) first
                tasks.sort(key=lambda task: (task.due, task.id))
        counts = {section: len(tasks) for section, tasks in by_section.items()}
        self.rows = [
            TaskRow(section, task)
            for section, tasks in by_section.items()
            if self.filter in (None, section)
            for task in tasks
        ]

        title = Text()
        title.append(t("后续任务落实(A3) · ", "Follow-up tasks (A3) · "), style="bold")
        title.append(self.kiosk.group_name() + " · ")
        for section in Section:
            style = "bold red" if section is Section.OVERDUE and counts[section] else ""
            title.append(f"{t(*SECTION[section])} {counts[section]}", style=style)
            title.append("  ")
        shown = t("全部", "all") if self.filter is None else t(*SECTION[self.filter])
        title.append(t(f"· 显示:{shown}", f"· showing: {shown}"))
        self.title_line.update(title)

        table = self.table
        table.clear()
        for row in self.rows:
            table.add_row(*self._cells(row), key=row.task.id)
        if keep is not None:
            for index, row in enumerate(self.rows):
                if row.task.id == keep:
                    table.move_cursor(row=index, animate=False)
                    break
        self._describe()
        self.refresh_bindings()

    def _cells(self, row: TaskRow) -> list[Text]:
        t, env, task = self.env.t, self.env, row.task
        today = self.kiosk.today()
        if row.section is Section.OVERDUE:
            days = (today - task.due).days
            state = Text(t(f"已逾期{days}天", f"{days} days overdue"), style="bold red")
        elif row.section is Section.OPEN:
            state = Text(t("未完成", "open"))
        else:
            state = Text(t("已完成", "done"), style="dim")
        meeting = self._meeting_day(task)
        last = task.notes[-1] if task.notes else None
        progress = f"{self._day(last.at)} {last.text}" if last is not None else "—"
        due_style = "bold red" if row.section is Section.OVERDUE else ""
        return [
            state,
            Text(env.date(task.due), style=due_style),
            Text(self._who(task)),
            Text(task.what),
            Text(meeting),
            Text(progress),
        ]

    def _who(self, task: FollowUpTask) -> str:
        name = self.kiosk.records.name(task.assignee_id)
        person = self.kiosk.records.person(task.assignee_id)
        if person is None or not person.branch_role.on_committee:
            return name
        role = self.env.t(*ROLE[person.branch_role])
        return f"{name} ({role})" if self.env.lang == "en" else f"{name}({role})"

    def _meeting_day(self, task: FollowUpTask) -> str:
        try:
            meeting = self.kiosk.records.meeting(task.meeting_id)
        except KeyError:
            return "—"
        return self.env.date(meeting.held_on)

    def _day(self, moment: datetime) -> str:
        return self.env.date(moment.astimezone(self.env.tz).date())

    @property
    def selected(self) -> FollowUpTask | None:
        if not self.is_mounted or not self.rows:
            return None
        row = self.table.cursor_row
        return self.rows[row].task if 0 <= row < len(self.rows) else None

    @on(DataTable.RowHighlighted, "#tasks-table")
    def _highlighted(self) -> None:
        self._describe()
        self.refresh_bindings()

    def _describe(self) -> None:
        """The task under the cursor in full, with every progress note."""
        t, env = self.env.t, self.env
        task = self.selected
        if task is None:
            self.detail.set([Paragraph(Text(t("没有任务。", "No tasks.")))])
            return
        section = self.section_of(task)
        sep = ": " if env.lang == "en" else ":"
        state = t(*SECTION[section])
        if task.done_at is not None:
            state += " " + self._day(task.done_at)
        meeting = self._meeting_day(task)
        when = t(
            f"期限 {env.date(task.due)} · {state} · 来自 {meeting} 的会议",
            f"Due {env.date(task.due)} · {state} · from the meeting of {meeting}",
        )
        lines = [
            Paragraph(Text(self._who(task) + sep + task.what, style="bold")),
            Paragraph(Text(when, style="bold red" if section is Section.OVERDUE else "")),
        ]
        for note in task.notes:
            day = self._day(note.at)
            lines.append(Paragraph(Text(f"{day} {note.text}"), 2, 3 + cell_len(day)))
        if not task.notes:
            none = t("(尚无进展记录)", "(no progress noted yet)")
            lines.append(Paragraph(Text(none, style="dim"), 2))
        self.detail.set(lines)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message_line.update(text)
        self.message_line.set_class(error, "-error")
        if error:
            self.notify(text, severity="error")

    # -- keys ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("note", "close_task"):
            task = self.selected
            # Shown but dimmed on a task already done, or with no task.
            return True if task is not None and task.status is TaskStatus.OPEN else None
        return True

    def action_filter(self) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self.refresh_content()

    def action_note(self) -> None:
        task = self.selected
        if task is None:
            return
        t = self.env.t
        dialog = NoteDialog(
            self.env,
            t(f"记录进展:{task.what}", f"Progress: {task.what}"),
            t(
                f"负责人 {self._who(task)},期限 {self.env.date(task.due)}。Ctrl+S 保存,Esc 取消。",
                f"{self._who(task)}, due {self.env.date(task.due)}. Ctrl+S saves, Esc cancels.",
            ),
        )
        self.app.push_screen(dialog, lambda text: self._noted(task.id, text))

    def _noted(self, task_id: str, text: str | None) -> None:
        if text is None:
            return
        now = self.kiosk.now()
        self._change(
            task_id,
            lambda task: flow.note_progress(task, text, now),
            self.env.t("已记录进展。", "Progress noted."),
        )

    def action_close_task(self) -> None:
        task = self.selected
        if task is None:
            return
        t = self.env.t
        dialog = NoteDialog(
            self.env,
            t(f"完成任务:{task.what}", f"Close the task: {task.what}"),
            t(
                "完成情况说明(可不填)。Ctrl+S 标记为已完成,Esc 取消。",
                "A closing note (optional). Ctrl+S marks it done, Esc cancels.",
            ),
        )
        self.app.push_screen(dialog, lambda text: self._task_closed(task.id, text))

    def _task_closed(self, task_id: str, text: str | None) -> None:
        if text is None:
            return
        now = self.kiosk.now()
        self._change(
            task_id,
            lambda task: flow.close_task(task, now, text),
            self.env.t("任务已标记为完成。", "Task marked done."),
        )

    def action_back(self) -> None:
        self.dismiss()

    # -- changing -------------------------------------------------------------------

    def _change(
        self, task_id: str, change: Callable[[FollowUpTask], FollowUpTask], done: str
    ) -> None:
        """Apply a flow step to a task; show its refusal in the kiosk's language."""
        task = next((task for task in self.kiosk.tasks() if task.id == task_id), None)
        if task is None:
            return
        try:
            updated = change(task)
        except FlowError as error:
            self._say(f"{error.rule}: {error.message(self.env.lang)}", error=True)
            return
        self.kiosk.save_task(updated)
        self.refresh_content(keep=task_id)
        self._say(done + self.env.t("正在保存…", " Saving…"))
        self._confirm_saved(done)

    @work(group="tasks-save", exit_on_error=False)
    async def _confirm_saved(self, done: str) -> None:
        # A failed write is reported by the app (save_failed), which reloads
        # the records and sends RecordsChanged.
        if await self.kiosk.writer.flush():
            self._say(done + self.env.t("已保存。", " Saved."))
