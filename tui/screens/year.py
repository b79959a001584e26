"""The annual plan (全年每月党小组会议内容, Y1) of the session's group.

Twelve months of topics, started from the seed's template when the year has
no plan yet; E (or Enter) edits the month under the cursor, D records the plan
as decided at the group's January meeting. Each month shows the meeting that
took it up, the recorded postponement (M1) or 缺 when a month that is over has
neither; December is the group life meeting (党小组生活会) and says whether
opinions were gathered beforehand (Y2). [ and ] change the year; Escape goes
back home. The logic is in ``rules.year.annual_plan`` and ``rules.year.calendar``.
"""

from __future__ import annotations

from datetime import date

from rich.cells import cell_len
from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from rules.checks._common import is_held
from rules.meeting.flow import STEP_LABELS, FlowError
from rules.models import AnnualPlan, Meeting
from rules.year import annual_plan
from rules.year.calendar import MonthState, MonthStatus, year_statuses
from rules.year.plan_template import template_month
from tui.core.env import KioskEnv
from tui.core.kiosk import Kiosk
from tui.messages import RecordsChanged
from tui.widgets.bindings import localise_bindings
from tui.widgets.footer import KeysFooter
from tui.widgets.minutes_view import Paragraph, WrappedText

_ENGLISH = {
    "year.edit": "Edit month",
    "year.decided": "Decided in January",
    "year.previous": "Earlier year",
    "year.next": "Later year",
    "year.back": "Back",
    "topic.save": "Save",
    "topic.cancel": "Cancel",
}

#: The topic column shows what is left of the table's width beside the other
#: two (this many cells before the table is laid out, at least
#: ``TOPIC_MIN_CELLS``); the full text is below the table.
TOPIC_CELLS = 26
TOPIC_MIN_CELLS = 12
#: And the meeting column this many (the postponement's full reason is below).
STATE_CELLS = 36

STATE_STYLE: dict[MonthState, str] = {
    MonthState.HELD: "green",
    MonthState.POSTPONED: "yellow",
    MonthState.MISSING: "bold red",
    MonthState.PLANNED: "cyan",
    MonthState.UPCOMING: "",
    MonthState.NOT_COVERED: "dim",
}


def clip(text: str, cells: int) -> str:
    """``text`` cut to ``cells`` terminal cells, with … when cut."""
    if cell_len(text) <= cells:
        return text
    out, used = "", 0
    for char in text:
        width = cell_len(char)
        if used + width > cells - 1:
            break
        out, used = out + char, used + width
    return out + "…"


class TopicDialog(ModalScreen[str | None]):
    """One month's topic: Enter saves, Escape cancels."""

    CSS_PATH = "year.tcss"

    BINDINGS = [Binding("escape", "cancel", "取消", id="topic.cancel")]

    field = getters.query_one("#topic-input", Input)

    def __init__(self, env: KioskEnv, title: str, hint: str, topic: str) -> None:
        super().__init__()
        self.env = env
        self.title_text = title
        self.hint = hint
        self.topic = topic
        localise_bindings(self, env.lang, _ENGLISH)

    def compose(self) -> ComposeResult:
        with Vertical(id="topic-dialog"):
            yield Static(self.title_text, id="topic-title", markup=False)
            yield Static(self.hint, id="topic-hint", markup=False)
            # Not selected on focus: a stray key must not wipe the topic.
            yield Input(self.topic, id="topic-input", select_on_focus=False)
        yield Footer()

    def on_mount(self) -> None:
        self.field.focus()
        self.field.cursor_position = len(self.topic)

    @on(Input.Submitted, "#topic-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class YearScreen(Screen[None]):
    """The session group's plan for one year, month by month."""

    CSS_PATH = "year.tcss"

    BINDINGS = [
        Binding("e", "edit", "修改本月", id="year.edit"),
        Binding("d", "decided", "记为1月会议决定", id="year.decided"),
        Binding("left_square_bracket", "previous", "上一年", id="year.previous"),
        Binding("right_square_bracket", "next", "下一年", id="year.next"),
        Binding("escape", "back", "返回", id="year.back"),
    ]

    title_line = getters.query_one("#year-title", Static)
    table = getters.query_one("#year-table", DataTable)
    detail = getters.query_one("#year-detail", WrappedText)
    message_line = getters.query_one("#year-message", Static)

    def __init__(self, kiosk: Kiosk, year: str = "") -> None:
        super().__init__()
        self.kiosk = kiosk
        self.env = kiosk.env
        self.year = int(year) if year else kiosk.today().year
        self.group_id = kiosk.session.group_id if kiosk.session else None
        self.plan: AnnualPlan | None = None
        self.stored = False
        self.statuses: tuple[MonthStatus, ...] = ()
        self._filled_for = -1
        localise_bindings(self, self.env.lang, _ENGLISH)

    def compose(self) -> ComposeResult:
        t = self.env.t
        yield Header()
        yield Static("", id="year-title")
        table: DataTable[Text] = DataTable(id="year-table", cursor_type="row", zebra_stripes=True)
        table.add_columns(t("月份", "Month"), t("会议内容", "Topic"), t("会议", "Meeting"))
        yield table
        yield WrappedText(id="year-detail")
        yield Static("", id="year-message", markup=False)
        yield KeysFooter()

    # -- showing ----------------------------------------------------------------

    def on_mount(self) -> None:
        self.refresh_content()
        self.table.focus()

    @on(RecordsChanged)
    def _records_changed(self) -> None:
        self.refresh_content()

    def refresh_content(self) -> None:
        t, kiosk = self.env.t, self.kiosk
        records = kiosk.records.branch_records(self.year)
        if self.group_id is None:
            self.plan, self.statuses = None, ()
            self.title_line.update(
                t(
                    "本支部没有党小组:年度计划由各党小组制定(Y1)。",
                    "This branch has no groups: each group makes its own year's plan (Y1).",
                )
            )
            self.table.clear()
            self.detail.set([])
            self.refresh_bindings()
            return
        self.plan, self.stored = annual_plan.plan_or_template(records, self.group_id, self.year)
        self.statuses = year_statuses(records, self.group_id, self.year, kiosk.now())
        self.title_line.update(self._title())
        self._fill()
        self._describe()
        self.refresh_bindings()

    def _fill(self) -> None:
        """The months, the topics as wide as the table leaves them (and what
        became of each month in the rest)."""
        table = self.table
        row = table.cursor_row
        months = [self._month(status) for status in self.statuses]
        topics = [self._topic_text(status) for status in self.statuses]
        width = table.scrollable_content_region.width
        self._filled_for = width
        topic_cells, state_cells = TOPIC_CELLS, STATE_CELLS
        if width > 0 and self.statuses:
            room = width - max(cell_len(m.plain) for m in months) - 3 * 2
            states = [self._state(status).cell_len for status in self.statuses]
            topic_cells = max(TOPIC_MIN_CELLS, room - min(max(states), STATE_CELLS))
            topic_cells = min(topic_cells, max(cell_len(topic) for topic in topics))
            state_cells = max(STATE_CELLS, room - topic_cells)
        table.clear()
        for status, month, topic in zip(self.statuses, months, topics, strict=True):
            cells = (month, Text(clip(topic, topic_cells)), self._state_text(status, state_cells))
            table.add_row(*cells, key=str(status.month))
        if 0 <= row < 12:
            table.move_cursor(row=row, animate=False)

    def on_resize(self) -> None:
        if self.is_mounted and self.table.scrollable_content_region.width != self._filled_for:
            self._fill()

    def _title(self) -> Text:
        t, plan = self.env.t, self.plan
        title = Text()
        title.append(t(f"{self.year}年度党小组会议计划", f"Plan for {self.year}"), style="bold")
        title.append(f" · {self.kiosk.group_name()} · ")
        if plan is None or not self.stored:
            title.append(
                t(
                    "本年度尚无计划:以下取自《案例》模板,修改任一月即保存为本组计划",
                    "no plan yet: the seed's template below; editing a month saves it",
                ),
                style="yellow",
            )
        elif plan.decided_at_meeting_id is not None:
            meeting = self._meeting(plan.decided_at_meeting_id)
            day = self._day(meeting) if meeting is not None else plan.decided_at_meeting_id
            title.append(
                t(f"已在{day}的1月份会议上决定(Y1)", f"decided at the January meeting, {day} (Y1)"),
                style="green",
            )
        else:
            title.append(
                t(
                    "尚未记为在1月份会议上决定(Y1):按 D 记录",
                    "not yet recorded as decided in January (Y1): press D",
                ),
                style="yellow",
            )
        return title

    def _month(self, status: MonthStatus) -> Text:
        t = self.env.t
        month = t(f"{status.month}月", f"{status.month:>2}")
        if status.life is not None:
            month += t(" 生活会", " life mtg")
        return Text(month, style="bold" if status.life is not None else "")

    def _topic_text(self, status: MonthStatus) -> str:
        t = self.env.t
        topic = self._topic(status.month)
        entry = template_month(status.month)
        return t(entry.title_zh, entry.title_en) if topic == entry.text else topic

    def _state_text(self, status: MonthStatus, cells: int = STATE_CELLS) -> Text:
        """What became of the month, cut to fit beside the topic."""
        text = self._state(status)
        if text.cell_len <= cells:
            return text
        kept = len(clip(text.plain, cells)) - 1  # characters before the …
        return text[:kept] + Text("…")

    def _state(self, status: MonthStatus) -> Text:
        t = self.env.t
        text = Text()
        style = STATE_STYLE[status.state]
        meeting = status.meeting
        if status.state is MonthState.HELD and meeting is not None:
            step = t(*STEP_LABELS[meeting.step])
            text.append(f"{self._short(meeting)} {step}", style=style)
        elif status.state is MonthState.POSTPONED:
            reason = status.postponement_reason
            text.append(t(f"已推迟:{reason}", f"postponed: {reason}"), style=style)
        elif status.state is MonthState.PLANNED and meeting is not None:
            text.append(
                t(f"已安排 {self._short(meeting)}", f"planned {self._short(meeting)}"),
                style=style,
            )
        elif status.state is MonthState.MISSING:
            text.append(t("缺(M1)", "missing (M1)"), style=style)
        elif status.state is MonthState.UPCOMING:
            text.append(t("待安排", "to plan"), style=style)
        else:
            text.append("—", style=style)
        if status.life is not None and status.state is not MonthState.NOT_COVERED:
            text.append(" · ")
            text.append_text(self._gathered(status))
        return text

    def _gathered(self, status: MonthStatus) -> Text:
        """Y2: were opinions gathered before the life meeting?"""
        t, life = self.env.t, status.life
        if life is None or life.meeting is None:
            return Text(t("未安排生活会", "no life meeting"), style="yellow")
        if life.gathered_in_time and life.gathered_on is not None:
            day = self._short_day(life.gathered_on)
            return Text(t(f"已征求意见 {day}", f"opinions gathered {day}"), style="green")
        if life.gathered_on is not None:
            day = self._short_day(life.gathered_on)
            return Text(t(f"征求意见晚了 {day}", f"opinions late {day}"), style="yellow")
        if is_held(life.meeting):
            return Text(t("未征求意见", "opinions not gathered"), style="yellow")
        return Text(t("尚未征求意见", "opinions not yet gathered"), style="yellow")

    def _topic(self, month: int) -> str:
        topic = self.plan.topic_for(month) if self.plan is not None else None
        return topic or ""

    def _meeting(self, meeting_id: str) -> Meeting | None:
        try:
            return self.kiosk.records.meeting(meeting_id)
        except KeyError:
            return None

    def _day(self, meeting: Meeting) -> str:
        return self.env.date(meeting.held_on)

    def _short(self, meeting: Meeting) -> str:
        return self._short_day(meeting.held_on)

    def _short_day(self, day: date) -> str:
        return self.env.t(f"{day.month}月{day.day}日", f"{day:%m-%d}")

    @property
    def month(self) -> int | None:
        """The month under the cursor."""
        if not self.is_mounted or not self.statuses:
            return None
        row = self.table.cursor_row
        return row + 1 if 0 <= row < 12 else None

    @on(DataTable.RowHighlighted, "#year-table")
    def _highlighted(self) -> None:
        self._describe()

    def _describe(self) -> None:
        """The month under the cursor in full."""
        t, month = self.env.t, self.month
        if month is None or self.plan is None:
            self.detail.set([])
            return
        status = self.statuses[month - 1]
        sep = ": " if self.env.lang == "en" else ":"
        lines = [Paragraph(Text(f"{t(f'{month}月', f'Month {month}')}{sep}{self._topic(month)}"))]
        taken = annual_plan.taken_up_by(
            self.kiosk.records.branch_records(self.year), self.plan, month
        )
        if taken is not None and (status.meeting is None or taken.id != status.meeting.id):
            lines.append(
                Paragraph(
                    Text(
                        t(
                            f"本月议题由{self._day(taken)}的会议讨论。",
                            f"This month's topic was taken up on {self._day(taken)}.",
                        ),
                        style="dim",
                    ),
                    2,
                )
            )
        if status.state is MonthState.POSTPONED and status.meeting is not None:
            reason = status.postponement_reason
            moved = status.meeting.postponement
            to = moved.new_date if moved is not None else None
            later = (
                t(f",改期至{self.env.date(to)}", f", moved to {self.env.date(to)}")
                if to is not None
                else ""
            )
            lines.append(
                Paragraph(
                    Text(
                        t(
                            f"{self._day(status.meeting)}的会议已推迟{later}。原因:{reason}(M1)",
                            f"The meeting of {self._day(status.meeting)} was postponed{later}. "
                            f"Reason: {reason} (M1)",
                        ),
                        style="yellow",
                    ),
                    2,
                )
            )
        if status.state is MonthState.MISSING:
            lines.append(
                Paragraph(
                    Text(
                        t(
                            "本月既没有召开党小组会,也没有记录推迟原因(M1)。",
                            "No meeting was held this month and no postponement recorded (M1).",
                        ),
                        style="bold red",
                    ),
                    2,
                )
            )
        if status.life is not None:
            lines.append(
                Paragraph(
                    Text(
                        t(
                            "12月份召开党小组生活会,开展批评和自我批评,要求会前征求好意见(Y2)。",
                            "December is the group life meeting: criticism and self-criticism, "
                            "opinions gathered beforehand (Y2).",
                        ),
                        style="dim",
                    ),
                    2,
                )
            )
        self.detail.set(lines)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message_line.update(text)
        self.message_line.set_class(error, "-error")
        if error:
            self.notify(text, severity="error")

    # -- keys ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "decided") and self.plan is None:
            return None
        return True

    @on(DataTable.RowSelected, "#year-table")
    def _selected(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        month, plan = self.month, self.plan
        if month is None or plan is None:
            return
        t = self.env.t
        fixed = annual_plan.topic_fixed_by(
            self.kiosk.records.branch_records(self.year), plan, month
        )
        if fixed is not None:
            self._say(
                t(
                    f"{month}月的议题已由{self._day(fixed)}的会议讨论,不能再修改(R3)。",
                    f"Month {month}'s topic was taken up on {self._day(fixed)} and stays (R3).",
                ),
                error=True,
            )
            return
        entry = template_month(month)
        dialog = TopicDialog(
            self.env,
            t(f"{self.year}年{month}月的会议内容", f"Topic for month {month} of {self.year}"),
            t(
                f"《案例》参考:{entry.text}。Enter 保存,Esc 取消。",
                f"The seed's case: {entry.title_en}. Enter saves, Esc cancels.",
            ),
            self._topic(month),
        )
        self.app.push_screen(dialog, lambda text: self._edited(month, text))

    def _edited(self, month: int, text: str | None) -> None:
        if text is None or self.plan is None or self.group_id is None:
            return
        try:
            plan = annual_plan.edit_topic(
                self.kiosk.records.branch_records(self.year), self.plan, month, text
            )
        except FlowError as error:
            self._say(f"{error.rule}: {error.message(self.env.lang)}", error=True)
            return
        done = self.env.t(f"{month}月的会议内容已修改。", f"Month {month}'s topic changed.")
        self._save(plan, done)

    def action_decided(self) -> None:
        plan = self.plan
        if plan is None:
            return
        try:
            decided = annual_plan.record_decision(
                self.kiosk.records.branch_records(self.year), plan
            )
        except FlowError as error:
            self._say(f"{error.rule}: {error.message(self.env.lang)}", error=True)
            return
        meeting = self._meeting(decided.decided_at_meeting_id or "")
        day = self._day(meeting) if meeting is not None else ""
        done = self.env.t(
            f"已记为在{day}的1月份会议上决定。", f"Recorded as decided at the meeting of {day}."
        )
        self._save(decided, done)

    def _save(self, plan: AnnualPlan, done: str) -> None:
        self.kiosk.save_plan(plan)
        self.refresh_content()
        self._say(done + self.env.t("正在保存…", " Saving…"))
        self._confirm_saved(done)

    @work(group="year-save", exit_on_error=False)
    async def _confirm_saved(self, done: str) -> None:
        # A failed write is reported by the app (save_failed), which reloads
        # the records and sends RecordsChanged.
        if await self.kiosk.writer.flush():
            self._say(done + self.env.t("已保存。", " Saved."))
        else:
            self._say(self.env.t("没有保存:写入失败。", "Not saved: the write failed."), error=True)

    def action_previous(self) -> None:
        self.year -= 1
        self.message_line.update("")
        self.refresh_content()

    def action_next(self) -> None:
        self.year += 1
        self.message_line.update("")
        self.refresh_content()

    def action_back(self) -> None:
        self.dismiss()
