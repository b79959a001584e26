"""Plan the meeting (会前准备工作): time, place, topics, method and
requirements, the recorder (R1), the chair (M6), guests (L3), consulting the
branch (M3), and postponing with a reason (M1). January's meeting reviews the
year and decides the plan (Y1); December's is the group life meeting (Y2).

Everything typed is saved as it is typed: each change goes through
``rules.meeting.flow.plan`` and ``Kiosk.save_meeting`` (written off the UI loop), so a
crash loses at most the field being edited. Only a meeting in preparation can
be planned; any other is shown read-only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import (
    Button,
    Checkbox,
    Header,
    Input,
    Select,
    SelectionList,
    Static,
)

from rules.checks.cadence import MAX_TOPICS
from rules.checks.seed import RULES
from rules.meeting import flow
from rules.meeting.flow import STEP_LABELS, FlowError
from rules.models import Guest, Meeting, MeetingKind, Step
from tui.core.kiosk import Kiosk
from tui.messages import RecordsChanged
from tui.screens.base import MeetingBoundScreen
from tui.screens.notice import out_of_date_text
from tui.screens.plan_form import TOPIC_LINES, PlanFields, parse_day, parse_time
from tui.widgets.footer import KeysFooter
from tui.widgets.form_fields import FieldSelect
from tui.widgets.note import Note

_ENGLISH = {"plan.back": "Back"}


class PlanScreen(MeetingBoundScreen):
    """Plan one meeting, saving as the leader types."""

    CSS_PATH = "plan.tcss"

    ENGLISH_LABELS = _ENGLISH
    BINDINGS = [Binding("escape", "back", "返回", id="plan.back")]
    AUTO_FOCUS = "#plan-date"

    title_line = getters.query_one("#plan-title", Static)
    state_line = getters.query_one("#plan-state", Static)
    form = getters.query_one("#plan-form", VerticalScroll)
    date_input = getters.query_one("#plan-date", Input)
    time_input = getters.query_one("#plan-time", Input)
    when_note = getters.query_one("#plan-when-note", Note)
    topics_note = getters.query_one("#plan-topics-note", Note)
    kind_select = getters.query_one("#plan-kind", Select)
    year_box = getters.query_one("#plan-y1", Vertical)
    life_box = getters.query_one("#plan-y2", Vertical)
    opinions_note = getters.query_one("#plan-opinions-note", Note)
    consulted_line = getters.query_one("#plan-consulted", Static)
    guests_list = getters.query_one("#plan-guests", SelectionList)
    delegated_list = getters.query_one("#plan-delegated", SelectionList)
    error_line = getters.query_one("#plan-error", Note)

    def __init__(self, kiosk: Kiosk, meeting_id: str) -> None:
        super().__init__(kiosk, meeting_id)
        self.fields = PlanFields(kiosk, meeting_id)

    @property
    def editable(self) -> bool:
        meeting = self.meeting
        return meeting.step is Step.PREPARATION and not meeting.postponed

    # -- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="plan-title", markup=False)
        yield Static("", id="plan-state", markup=False)
        yield from self.fields.compose()
        yield Note(id="plan-error")
        yield KeysFooter()

    def on_mount(self) -> None:
        # Tab goes field to field; the form scrolls to whichever has focus.
        self.form.can_focus = False
        self.show_state()

    @on(RecordsChanged)
    def _records_changed(self) -> None:
        # A write failed and the records were read back: show what is stored.
        self.fields.fill(self)
        self.show_state()

    def show_state(self) -> None:
        """What the meeting now is: title, whether it can be planned, notes."""
        t, env, meeting = self.env.t, self.env, self.meeting
        host = self.kiosk.group_name()
        self.title_line.update(
            t(f"计划会议 · {host}", f"Plan the meeting · {host}")
            + f" · {env.date(meeting.planned_at.astimezone(env.tz).date())}"
        )
        if meeting.postponement is not None:
            moved = meeting.postponement.new_date
            to = t(f",改期至{env.date(moved)}", f", moved to {env.date(moved)}") if moved else ""
            self.state_line.update(
                t(
                    f"此次会议已推迟{to}。原因:{meeting.postponement.reason}。"
                    "按 Esc 返回首页,再按 P 安排新的会议。",
                    f"This meeting was postponed{to}. Reason: {meeting.postponement.reason}."
                    " Press Escape, then P to plan the next one.",
                )
            )
        elif meeting.step is not Step.PREPARATION:
            step = t(*STEP_LABELS[meeting.step])
            self.state_line.update(
                t(
                    f"会议已进入「{step}」,计划不能再改(只读)。",
                    f"The meeting is at '{step}'; the plan can no longer change (read-only).",
                )
            )
        else:
            self.state_line.update(
                t(
                    "会前准备 · 输入即自动保存 · Tab 切换 · Esc 返回",
                    "Preparation · saved as you type · Tab to move · Escape to go back",
                )
            )
        self.state_line.set_class(not self.editable, "-warning")
        self.form.disabled = not self.editable
        self._show_consulted()
        self._show_topics_note()
        self._show_month_boxes()
        self._show_opinions_note()

    # -- saving -------------------------------------------------------------------------

    def _apply(self, **changes: Any) -> Meeting | None:
        """Plan the change through the flow and save it; say why not if the
        rules refuse."""
        meeting = self.meeting
        try:
            planned = flow.plan(meeting, **changes)
        except FlowError as error:
            self._say(error)
            return None
        self.error_line.say()
        if planned != meeting:
            self.kiosk.save_meeting(planned)
        return planned

    def _say(self, error: FlowError) -> None:
        self.error_line.say(f"{error.rule} · {error.message(self.env.lang)}", "error")

    @on(Input.Submitted)
    @on(FieldSelect.Submitted)
    def _next_field(self, event: Input.Submitted | FieldSelect.Submitted) -> None:
        """Enter goes on to the next field, as Tab does (and as in every
        dialog); each field is saved as it is typed."""
        event.stop()
        self.focus_next()

    @on(Input.Changed)
    @on(Input.Blurred)
    def _typed(self, event: Input.Changed | Input.Blurred) -> None:
        if not self.editable:
            return
        name = event.input.id or ""
        if name in ("plan-date", "plan-time"):
            self._save_when()
            self._show_topics_note()  # says, too, when the notice is out of date
        elif name == "plan-place":
            self._apply(place=event.value)
            self._show_topics_note()
        elif name.startswith("plan-topic-"):
            self._apply(topics=self._topics())
            self._show_topics_note()
        elif name == "plan-method":
            self._apply(method=event.value)
        elif name == "plan-requirements":
            self._apply(requirements=event.value)
        elif name == "plan-opinions":
            self._save_opinions(event.value)

    def _topics(self) -> tuple[str, ...]:
        values = (
            self.query_one(f"#plan-topic-{n}", Input).value for n in range(1, TOPIC_LINES + 1)
        )
        return tuple(v for v in values if v.strip())

    def _save_when(self) -> None:
        t, env = self.env.t, self.env
        day = parse_day(self.date_input.value)
        at = parse_time(self.time_input.value)
        self.date_input.set_class(day is None, "-invalid")
        self.time_input.set_class(at is None, "-invalid")
        problems = []
        if day is None:
            problems.append(
                t(
                    "日期请按 YYYY-MM-DD 填写,例如 2026-12-03。",
                    "Write the date as YYYY-MM-DD, e.g. 2026-12-03.",
                )
            )
        if at is None:
            problems.append(
                t(
                    "时间请按 HH:MM(24小时制)填写,例如 14:30。",
                    "Write the time as HH:MM (24-hour), e.g. 14:30.",
                )
            )
        if day is None or at is None:
            self.when_note.say(" ".join(problems), "error")
            return
        before = self.meeting
        planned_at = datetime.combine(day, at, tzinfo=env.tz)
        changes: dict[str, Any] = {"planned_at": planned_at}
        old_day = before.planned_at.astimezone(env.tz).date()
        if (old_day.year, old_day.month) != (day.year, day.month):
            changes.update(self._month_changes(before, old_day, day))
        if self._apply(**changes) is None:
            return
        self.when_note.say(
            t("会议日期已过,请核对。", "That day has passed; check the date.")
            if day < self.kiosk.today()
            else "",
            "warning",
        )
        if len(changes) > 1:
            self._sync_month_widgets()
        self.title_line.update(
            t(
                f"计划会议 · {self.kiosk.group_name()}",
                f"Plan the meeting · {self.kiosk.group_name()}",
            )
            + f" · {env.date(day)}"
        )

    def _month_changes(self, before: Meeting, old_day: date, day: date) -> dict[str, Any]:
        """Moving the meeting to another month: January's and December's
        meetings are special (Y1, Y2), and an untouched planned topic follows
        the month (the year's plan for that month)."""
        changes: dict[str, Any] = {
            "reviews_last_year": day.month == 1,
            "decides_annual_plan": day.month == 1,
        }
        if before.kind is MeetingKind.REGULAR and day.month == 12:
            changes["kind"] = MeetingKind.LIFE
        elif before.kind is MeetingKind.LIFE and day.month != 12:
            changes["kind"] = MeetingKind.REGULAR
        topics = list(before.topics)
        if topics and topics[0] == self.kiosk.planned_topic(old_day):
            topics[0] = self.kiosk.planned_topic(day)
            changes["topics"] = tuple(topics)
        return changes

    def _sync_month_widgets(self) -> None:
        """Show what the month changed (kind, flags, topic) in the fields."""
        meeting = self.meeting
        with self.prevent(Select.Changed, Checkbox.Changed, Input.Changed):
            self.kind_select.value = meeting.kind
            self.query_one("#plan-reviews", Checkbox).value = meeting.reviews_last_year
            self.query_one("#plan-decides", Checkbox).value = meeting.decides_annual_plan
            if meeting.topics:
                self.query_one("#plan-topic-1", Input).value = meeting.topics[0]
        self._show_month_boxes()
        self._show_topics_note()

    def _save_opinions(self, text: str) -> None:
        t = self.env.t
        if not text.strip():
            self._apply(opinions_gathered_on=None)
            self._show_opinions_note()
            return
        day = parse_day(text)
        if day is None:
            self.opinions_note.say(
                t("日期请按 YYYY-MM-DD 填写。", "Write the date as YYYY-MM-DD."), "error"
            )
            return
        self._apply(opinions_gathered_on=day)
        self._show_opinions_note()

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        if not self.editable:
            return
        value = None if event.value is Select.NULL else event.value
        name = event.select.id
        if name == "plan-recorder":
            self._apply(recorder_id=value)
        elif name == "plan-chair":
            self._apply(chair_id=value)
        elif name == "plan-kind" and isinstance(value, MeetingKind):
            self._apply(kind=value)
            self._show_month_boxes()

    @on(Checkbox.Changed)
    def _ticked(self, event: Checkbox.Changed) -> None:
        if not self.editable:
            return
        if event.checkbox.id == "plan-reviews":
            self._apply(reviews_last_year=event.value)
        elif event.checkbox.id == "plan-decides":
            self._apply(decides_annual_plan=event.value)

    @on(SelectionList.SelectedChanged)
    def _guests_changed(self) -> None:
        if not self.editable:
            return
        delegated = set(self.delegated_list.selected)
        outside = {p.id for p in self.fields.guest_candidates()}
        for pid in delegated & outside:
            if pid not in self.guests_list.selected:
                # Delegated by the committee to a group it is not in: invited too.
                self.guests_list.select(pid)
        wanted = set(self.guests_list.selected) | delegated
        kept = [g.person_id for g in self.meeting.guests if g.person_id in wanted]
        added = [
            pid
            for pid in [*self.guests_list.selected, *self.delegated_list.selected]
            if pid not in kept
        ]
        order = list(dict.fromkeys([*kept, *added]))
        self._apply(guests=tuple(Guest(pid, pid in delegated) for pid in order))

    @on(Button.Pressed, "#plan-consult")
    def _consult(self) -> None:
        try:
            consulted = flow.record_consultation(self.meeting, self.kiosk.now())
        except FlowError as error:
            self._say(error)
            return
        self.kiosk.save_meeting(consulted)
        self._show_consulted()

    @on(Button.Pressed, "#plan-postpone")
    def _postpone(self) -> None:
        t = self.env.t
        reason = self.query_one("#plan-postpone-reason", Input).value
        moved_text = self.query_one("#plan-postpone-date", Input).value
        moved = parse_day(moved_text) if moved_text.strip() else None
        if moved_text.strip() and moved is None:
            self.error_line.say(
                t("改期日期请按 YYYY-MM-DD 填写。", "Write the new date as YYYY-MM-DD."), "error"
            )
            return
        try:
            postponed = flow.postpone(self.meeting, reason, self.kiosk.now(), moved)
        except FlowError as error:
            self._say(error)
            return
        self.kiosk.save_meeting(postponed)
        self.error_line.say()
        self.show_state()

    # -- notes beside the fields ---------------------------------------------------------

    def _show_topics_note(self) -> None:
        t = self.env.t
        count = len(self._topics())
        note = self.topics_note
        if count > MAX_TOPICS:
            seed = RULES["M2"].seed
            note.say(
                t(
                    f"(M2)已有{count}个议题:「{seed}」。建议把其余议题留到以后的会议。",
                    f"M2 · {count} topics: a meeting settles one or two matters (「{seed}」)."
                    " Consider moving the rest to a later meeting.",
                ),
                "warning",
            )
        elif count == 0:
            note.say(
                t(
                    "(M2)还没有议题:没有议题的会议不能开始。",
                    "M2 · No topic yet: a meeting without topics cannot start.",
                ),
                "warning",
            )
        else:
            stale = out_of_date_text(self.meeting, self.env)
            if stale:
                note.say(stale, "warning")
            else:
                note.say()

    def _show_month_boxes(self) -> None:
        meeting = self.meeting
        month = meeting.planned_at.astimezone(self.env.tz).month
        self.year_box.display = (
            month == 1 or meeting.reviews_last_year or meeting.decides_annual_plan
        )
        self.life_box.display = month == 12 or meeting.kind is MeetingKind.LIFE

    def _show_opinions_note(self) -> None:
        t, meeting = self.env.t, self.meeting
        note = self.opinions_note
        if meeting.opinions_gathered_on is None:
            note.say(
                t(
                    "(Y2)生活会要求会前征求好意见:征求后填写日期。",
                    "Y2 · Opinions are gathered before the life meeting: enter the date when done.",
                )
            )
        else:
            note.say(
                t(
                    f"已于{self.env.date(meeting.opinions_gathered_on)}征求意见。",
                    f"Opinions gathered on {self.env.date(meeting.opinions_gathered_on)}.",
                )
            )

    def _show_consulted(self) -> None:
        t, env, meeting = self.env.t, self.env, self.meeting
        at = meeting.consulted_branch_at
        if at is None:
            self.consulted_line.update(
                t(
                    f"尚未记录(M3):「{RULES['M3'].seed}」",
                    "Not recorded yet (M3): consult the branch before the meeting"
                    f" (「{RULES['M3'].seed}」)",
                )
            )
        else:
            local = at.astimezone(env.tz)
            self.consulted_line.update(
                t(
                    f"已于{env.date(local.date())} {local:%H:%M}与党支部沟通",
                    f"Consulted the branch {env.date(local.date())} {local:%H:%M}",
                )
            )

    def action_back(self) -> None:
        self.dismiss()
