"""The meeting itself (会中主要议程), one step at a time.

一是党小组长报告党员缺席情况及本次会议的议题、开法和要求 二是按议题进行
三是围绕中心,组织讨论 四是党小组长根据讨论情况,进行归纳小结 五是做好记录.

The screen shows the step the meeting is on (stored with the meeting, so a
restarted kiosk resumes there) under a step indicator. Every change goes
through ``rules.meeting.flow`` — which refuses, with the rule and its words, what the
rules do not allow — and is saved with ``Kiosk.save_meeting`` as soon as it
is made (written off the UI loop). The leader may look back at an earlier
step (keys 1–5) and, until finalising, correct what it recorded there; a
step ahead cannot be skipped to. Two moments have their own keys: sign-in
opens (Ctrl+G, it may open before the start) and the meeting starts
(Ctrl+O; more than 30 minutes early it asks first). Finalising (Ctrl+F)
shows what will be sealed and asks; finalised minutes are read-only (R3).

A branch without groups runs the same flow as its monthly party member
congress (党员大会, B1).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from textual import events, getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Header, Input, Static, TextArea

from rules.meeting import flow, signin
from rules.meeting.flow import STEP_LABELS, FlowError
from rules.meeting.signin import Refusal
from rules.models import AttendanceStatus, FollowUpTask, Meeting, Person, Step
from tui.core.kiosk import Kiosk
from tui.core.signin import Refused, Why, by_badge, by_hand
from tui.labels import ATTENDANCE_LABELS, KIND_LABELS
from tui.messages import RecordsChanged
from tui.screens.election import ElectionScreen
from tui.screens.meeting_steps.agenda import AgendaStep
from tui.screens.meeting_steps.base import (
    MeetingState,
    NextTopicWanted,
    OpinionDeleteWanted,
    OpinionEditWanted,
    OpinionWanted,
    StepPanel,
    SummaryEdited,
    TaskDeleteWanted,
    TaskEditWanted,
    TaskWanted,
)
from tui.screens.meeting_steps.dialogs import (
    ConfirmDialog,
    OpinionDialog,
    OpinionDraft,
    ReasonDialog,
    TaskDialog,
    TaskDraft,
)
from tui.screens.meeting_steps.discussion import DiscussionStep
from tui.screens.meeting_steps.opening import OpeningStep
from tui.screens.meeting_steps.preparation import PreparationStep
from tui.screens.meeting_steps.record import RecordStep
from tui.screens.meeting_steps.sealing import sealing_preview
from tui.screens.meeting_steps.summary import SummaryStep
from tui.screens.signin_code import SigninCodeScreen
from tui.widgets.bindings import localise_bindings
from tui.widgets.footer import KeysFooter
from tui.widgets.roster import Roster
from tui.widgets.step_indicator import FIVE_STEPS, StepIndicator

_ENGLISH = {
    "meeting.back": "Back",
    "meeting.signin": "Open sign-in",
    "meeting.start": "Start",
    "meeting.next": "Next step",
    "meeting.finalise": "Finalise",
    "meeting.view1": "Steps",
    "meeting.code": "Large code",
    "meeting.election": "Election",
}

#: What the kiosk says when a badge cannot sign its owner in.
BADGE_REFUSALS: dict[Refusal, tuple[str, str]] = {
    Refusal.NOT_OPEN: ("现在不在签到时间。", "The meeting is not taking sign-ins now."),
    Refusal.NOT_MEMBER: (
        "{name}不是本次会议的党员;列席人员请在名单中登记。",
        "{name} is not a member at this meeting; mark guests on the roster.",
    ),
    Refusal.ALREADY: ("{name}已经签到。", "{name} is already signed in."),
    Refusal.PHONE_USED: ("{name}:这部手机已为他人签到。", "{name}: phone already used."),
}

#: A badge's scan is typed by the scanner in one burst; a pause this long
#: ends it (a person typing "B" by hand is not a scanner).
SCAN_PAUSE = 1.0

#: The panels, by the step they show.
PANELS: dict[Step, tuple[type[StepPanel], str]] = {
    Step.PREPARATION: (PreparationStep, "step-preparation"),
    Step.ABSENTEE_REPORT: (OpeningStep, "step-opening"),
    Step.AGENDA: (AgendaStep, "step-agenda"),
    Step.DISCUSSION: (DiscussionStep, "step-discussion"),
    Step.SUMMARY: (SummaryStep, "step-summary"),
    Step.RECORD: (RecordStep, "step-record"),
}


def panel_step(step: Step) -> Step:
    """The panel that shows a meeting at ``step``: finalised minutes (and
    after) show the record."""
    return Step.RECORD if step.minutes_final else step


class MeetingScreen(Screen[None]):
    """Run one meeting through its five steps."""

    CSS_PATH = "meeting.tcss"

    BINDINGS = [
        Binding("escape", "back", "返回", id="meeting.back"),
        Binding("ctrl+g", "open_signin", "开放签到", id="meeting.signin"),
        Binding("ctrl+o", "start", "开始会议", id="meeting.start"),
        Binding("ctrl+n", "next", "下一步", id="meeting.next"),
        Binding("ctrl+f", "finalise", "定稿", id="meeting.finalise"),
        Binding("q", "large_code", "放大二维码", id="meeting.code"),
        Binding("e", "election", "选举", id="meeting.election"),
        Binding("1", "view(1)", "环节", key_display="1-5", id="meeting.view1"),
        Binding("2", "view(2)", "环节二", show=False, id="meeting.view2"),
        Binding("3", "view(3)", "环节三", show=False, id="meeting.view3"),
        Binding("4", "view(4)", "环节四", show=False, id="meeting.view4"),
        Binding("5", "view(5)", "环节五", show=False, id="meeting.view5"),
    ]

    HORIZONTAL_BREAKPOINTS = [(0, "-compact"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    title_line = getters.query_one("#meeting-title", Static)
    indicator = getters.query_one("#meeting-steps", StepIndicator)
    switcher = getters.query_one("#meeting-body", ContentSwitcher)
    message_line = getters.query_one("#meeting-message", Static)

    def __init__(self, kiosk: Kiosk, meeting_id: str) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.env = kiosk.env
        self.meeting_id = meeting_id
        # The step on screen: the meeting's own, or an earlier one looked back at.
        self.viewing = panel_step(self.meeting.step)
        self._bindings_for: tuple[Step, Step] | None = None
        self._scan: list[str] | None = None  # a badge being read by the scanner
        self._scan_at = 0.0
        localise_bindings(self, self.env.lang, _ENGLISH)

    @property
    def meeting(self) -> Meeting:
        return self.kiosk.records.meeting(self.meeting_id)

    def state(self) -> MeetingState:
        return MeetingState(self.meeting, self.kiosk.org, tuple(self.kiosk.tasks(self.meeting_id)))

    # -- layout -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        state = self.state()
        yield Header()
        with Horizontal(id="meeting-head"):
            yield Static("", id="meeting-title", markup=False)
        yield StepIndicator(self.env.lang, id="meeting-steps")
        with ContentSwitcher(id="meeting-body", initial=PANELS[self.viewing][1]):
            for panel, panel_id in PANELS.values():
                yield panel(self.env, state, id=panel_id)
        yield Static("", id="meeting-message", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title_line.update(self.title_text())
        self.refresh_view()
        self.current_panel().focus_main()

    def on_unmount(self) -> None:
        if self.kiosk.signin_meeting_id == self.meeting_id:
            self.kiosk.signin_meeting_id = None

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.refresh_view()

    @on(RecordsChanged)
    def _records_changed(self) -> None:
        # Read again from disk after a failed write, or a sign-in by phone.
        self.viewing = self._clamped(self.viewing)
        self.refresh_view()

    def title_text(self) -> str:
        t, env, meeting, org = self.env.t, self.env, self.meeting, self.kiosk.org
        group = org.group(meeting.group_id) if meeting.group_id else None
        if group is None:  # B1: a branch without groups holds a member congress
            head = f"{org.branch.name} · " + t("党员大会", "party member congress")
        else:
            head = f"{group.name} · " + t(*KIND_LABELS[meeting.kind])
        when = meeting.planned_at.astimezone(env.tz)
        place = meeting.place or t("地点未定", "place not set")
        return f"{head} · {env.date(when.date())} {when:%H:%M} · {place}"

    def current_panel(self) -> StepPanel:
        return self.query_one(f"#{PANELS[self.viewing][1]}", StepPanel)

    def refresh_view(self) -> None:
        """Show the meeting as it stands: the indicator and the panel on screen."""
        meeting = self.meeting
        # Phones and badges sign in to this meeting while it is in its steps.
        if signin.open_for_signin(meeting):
            self.kiosk.signin_meeting_id = meeting.id
        elif self.kiosk.signin_meeting_id == meeting.id:
            self.kiosk.signin_meeting_id = None
        self.indicator.step = meeting.step
        self.indicator.viewing = self.viewing
        self.switcher.current = PANELS[self.viewing][1]
        self.current_panel().show(self.state())
        if (meeting.step, self.viewing) != self._bindings_for:
            # Which keys apply depends on the step; redrawing the footer on
            # every keystroke would be wasted work.
            self._bindings_for = (meeting.step, self.viewing)
            self.refresh_bindings()

    def _clamped(self, step: Step) -> Step:
        """``step`` if the meeting has reached it, else the meeting's own."""
        own = panel_step(self.meeting.step)
        return step if step.order <= own.order else own

    # -- saying things --------------------------------------------------------------

    def say(self, text: str, *, error: bool = False) -> None:
        self.message_line.update(text)
        self.message_line.set_class(error, "-error")

    def refusal(self, error: FlowError) -> str:
        return f"[{error.rule}] {error.message(self.env.lang)}"

    # -- changing the meeting ---------------------------------------------------------

    def attempt(self, change: Callable[[Meeting], Meeting]) -> str | None:
        """Make one change through the flow and save it. None when done; else
        the refusal, which is also shown."""
        before = self.meeting
        try:
            after = change(before)
        except FlowError as error:
            text = self.refusal(error)
            self.say(text, error=True)
            return text
        self.kiosk.save_meeting(after)
        if after.step is not before.step:
            self.viewing = panel_step(after.step)
            self.refresh_view()
            self.current_panel().focus_main()
        else:
            self.refresh_view()
        self.say("")
        return None

    def refused(self, check: Callable[[Meeting], object]) -> bool:
        """Ask the flow, without saving anything, whether an action is allowed
        now; show the refusal if not."""
        try:
            check(self.meeting)
        except FlowError as error:
            self.say(self.refusal(error), error=True)
            return True
        return False

    # -- keys -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        step = self.meeting.step
        if action == "start":
            return step is Step.PREPARATION
        if action == "open_signin":
            return step is Step.PREPARATION and self.meeting.signin_opened_at is None
        if action == "next":
            return step.in_meeting and step is not Step.RECORD
        if action == "finalise":
            return step is Step.RECORD
        if action == "view":
            return step.held
        if action == "large_code":
            return signin.open_for_signin(self.meeting)
        if action == "election":  # 选举党小组长 (L2), during a group's meeting
            return step.in_meeting and self.meeting.group_id is not None
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open_signin(self) -> None:
        """签到开始: phones and badges sign in from now; before the start
        they count as present."""
        if self.attempt(lambda m: flow.open_signin(m, self.kiosk.now())) is None:
            self.say(
                self.env.t(
                    "签到已开放:请扫码(按 Q 放大二维码)或刷胸卡;会议开始前签到记为出席。"
                    "到时按 Ctrl+O 开始会议。",
                    "Sign-in is open: scan the code (Q enlarges it) or a badge; signing in"
                    " before the start counts as present. Press Ctrl+O to start the meeting.",
                )
            )

    def action_start(self) -> None:
        """会议开始: the real start. Well before the planned time it asks."""
        meeting, now, t = self.meeting, self.kiosk.now(), self.env.t
        org = self.kiosk.org
        # Refusals (no topics, place, recorder …) come first, without asking.
        if self.refused(lambda m: flow.start(m, org, now)):
            return
        early = flow.early_start(meeting, now)
        if early is None:
            self._start()
            return
        zh_by, en_by = _how_long(early.early_by)
        planned = meeting.planned_at.astimezone(self.env.tz)
        body = t(
            f"计划开会时间是 {self.env.date(planned.date())} {planned:%H:%M},"
            f"现在开始会提前{zh_by};会议记录和手机页面记下的是实际开始时间。",
            f"The meeting is planned for {self.env.date(planned.date())} {planned:%H:%M};"
            f" starting now is {en_by} early. The minutes and the phone page"
            " carry the real start time.",
        )
        if early.notice_too_late:
            body += "\n\n" + t(
                "通知发出至今不足一天:现在开始,通知将不足提前一天,"
                "M5(提前一至三天通知)会被列为问题。",
                "The notice went out less than a day ago: starting now, the notice was less"
                " than a day ahead, and M5 (notice one to three days ahead) will be a finding.",
            )
        body += "\n\n" + t("仍要现在开始会议吗?", "Start the meeting now anyway?")
        title = t("提前开始会议?", "Start the meeting early?")
        self.app.push_screen(ConfirmDialog(self.env, title, body, self._start))

    def _start(self) -> str | None:
        org = self.kiosk.org
        problem = self.attempt(lambda m: flow.start(m, org, self.kiosk.now()))
        if problem is None:
            self.say(
                self.env.t(
                    "会议开始。请扫码或刷胸卡签到;登记:P 出席 L 迟到 V 请假 A 缺席。",
                    "Open. Scan the code or a badge; or mark: P present L late V leave A absent.",
                )
            )
        return problem

    def action_next(self) -> None:
        org = self.kiosk.org
        self.attempt(lambda m: flow.advance(m, org))

    def _own_tasks(self) -> list[FollowUpTask]:
        return self.kiosk.tasks(self.meeting_id)

    def action_finalise(self) -> None:
        """Show what will be sealed and ask; Escape changes nothing."""
        org, tasks = self.kiosk.org, self._own_tasks()
        if self.refused(lambda m: flow.finalise(m, org, self.kiosk.now(), tasks)):
            return
        body = sealing_preview(self.meeting, org, tasks, self.env)
        title = self.env.t("定稿并封存会议记录?", "Finalise and seal the minutes?")
        self.app.push_screen(ConfirmDialog(self.env, title, body, self._finalise))

    def _finalise(self) -> str | None:
        org, tasks = self.kiosk.org, self._own_tasks()
        problem = self.attempt(lambda m: flow.finalise(m, org, self.kiosk.now(), tasks))
        if problem is None:
            self.say(self.env.t("会议记录已定稿。", "The minutes are finalised."))
        return problem

    def action_view(self, number: int) -> None:
        """Look back at an earlier step; a later one cannot be skipped to."""
        target = FIVE_STEPS[number - 1]
        meeting = self.meeting
        own = panel_step(meeting.step)
        if target.order <= own.order:
            self.viewing = target
            self.refresh_view()
            self.current_panel().focus_main()
            self.say("" if target is own else self._looking_back_text(own))
            return
        if target.order == own.order + 1:
            self.action_next()
            return
        # Two or more steps ahead: nothing skips a step (rules.meeting.flow goes one
        # step at a time); say which step comes first.
        nxt = FIVE_STEPS[FIVE_STEPS.index(own) + 1]
        skipping = FlowError(
            "FLOW",
            f"会议须按环节依次进行,不能跳过「{STEP_LABELS[nxt][0]}」。"
            f"当前环节:「{STEP_LABELS[own][0]}」。",
            f"The steps go in order: '{STEP_LABELS[nxt][1]}' cannot be skipped."
            f" The meeting is at '{STEP_LABELS[own][1]}'.",
        )
        self.say(self.refusal(skipping), error=True)

    def _looking_back_text(self, own: Step) -> str:
        label = self.env.t(*STEP_LABELS[own])
        return self.env.t(
            f"正在回看前面的环节;会议当前在「{label}」,按 {FIVE_STEPS.index(own) + 1} 返回。",
            f"Looking back; the meeting is at '{label}': press {FIVE_STEPS.index(own) + 1}"
            " to return.",
        )

    # -- step one: attendance -------------------------------------------------------------

    def action_election(self) -> None:
        self.app.push_screen(ElectionScreen(self.kiosk, self.meeting_id))

    def action_large_code(self) -> None:
        self.app.push_screen(SigninCodeScreen(self.kiosk, self.meeting_id))

    def on_key(self, event: events.Key) -> None:
        """A badge read by a USB scanner arrives as typed keys: "B1.…" and
        Enter. Once a "B" starts a scan while sign-in is open (and no text
        box has the keyboard), the keys go to the scan, not to the roster's
        shortcuts, until Enter or a pause."""
        if not signin.open_for_signin(self.meeting) or isinstance(self.focused, Input | TextArea):
            self._scan = None
            return
        now = time.monotonic()
        if self._scan is not None and now - self._scan_at > SCAN_PAUSE:
            self._scan = None
        if self._scan is None:
            if event.character != "B":
                return
            self._scan = []
        self._scan_at = now
        event.stop()
        event.prevent_default()
        if event.key == "enter":
            token, self._scan = "".join(self._scan), None
            self.badge_read(token)
        elif event.key == "escape":
            self._scan = None
        elif event.character and event.character.isprintable():
            self._scan.append(event.character)

    def badge_read(self, token: str) -> None:
        """Sign in the owner of a scanned badge, or say why not."""
        t = self.env.t
        outcome = by_badge(self.kiosk, token)
        if isinstance(outcome, Refused):
            name = self.kiosk.records.name(outcome.person_id)
            if outcome.why is Why.BADGE_REVOKED:
                self.say(
                    t(
                        f"{name}的这张胸卡已作废(已补发新卡),请用新卡、手机,或在名单中登记。",
                        f"This badge of {name} was revoked (a new one was issued); use the new"
                        " badge, a phone, or mark by hand.",
                    ),
                    error=True,
                )
            elif outcome.rule is not None:
                zh, en = BADGE_REFUSALS[outcome.rule]
                self.say(t(zh, en).format(name=name), error=True)
            else:
                self.say(
                    t(
                        "这不是本支部有效的胸卡。请重新刷卡,或在名单中登记。",
                        "That is not a valid badge of this branch. Scan again, or mark by hand.",
                    ),
                    error=True,
                )
            return
        status = t(*ATTENDANCE_LABELS[outcome.status])
        self.refresh_view()
        self.say(
            t(
                f"{outcome.person.name} 刷胸卡签到:{status}。",
                f"{outcome.person.name} signed in by badge: {status}.",
            )
        )

    @on(Roster.Mark)
    def _mark(self, event: Roster.Mark) -> None:
        now, person_id, status = self.kiosk.now(), event.person_id, event.status

        def mark(reason: str) -> Callable[[Meeting], Meeting]:
            return by_hand(self.kiosk, person_id, status, now, reason)

        if status not in (AttendanceStatus.ON_LEAVE, AttendanceStatus.ABSENT):
            self.attempt(mark(""))
            return
        # Ask the flow first whether this can be recorded at all, then ask why.
        if self.refused(mark("—")):
            return
        record = self.meeting.attendance_of(person_id)
        label = self.env.t(*ATTENDANCE_LABELS[status])
        title = self.env.t(
            f"{self.kiosk.records.name(person_id)} · {label}原因",
            f"{self.kiosk.records.name(person_id)} · reason ({label})",
        )
        previous = record.reason if record is not None else ""
        self.app.push_screen(
            ReasonDialog(self.env, title, previous, lambda reason: self.attempt(mark(reason)))
        )

    # -- step three: discussion --------------------------------------------------------------

    def speakers(self) -> list[Person]:
        """Who may speak: members and guests signed in as present or late."""
        meeting, org = self.meeting, self.kiosk.org
        people = [*flow.expected_attendees(meeting, org)]
        people += [p for g in meeting.guests if (p := org.person(g.person_id)) is not None]
        return [
            p
            for p in people
            if (record := meeting.attendance_of(p.id)) is not None and record.status.attended
        ]

    @on(OpinionWanted)
    def _opinion_wanted(self) -> None:
        org, now = self.kiosk.org, self.kiosk.now()
        speakers = self.speakers()
        first = speakers[0].id if speakers else ""
        if self.refused(lambda m: flow.add_opinion(m, org, first, "—", now)):
            return
        title = self._topic_title(self.meeting.current_topic, editing=False)

        def save(draft: OpinionDraft) -> str | None:
            return self.attempt(
                lambda m: flow.add_opinion(
                    m, org, draft.speaker_id, draft.text, self.kiosk.now(), capacity=draft.capacity
                )
            )

        self.app.push_screen(
            OpinionDialog(self.env, title, [(p.name, p.id) for p in speakers], save)
        )

    def _topic_title(self, index: int, *, editing: bool) -> str:
        topic = self.meeting.topics[index]
        zh, en = ("修改发言", "Edit an opinion") if editing else ("记录发言", "Record an opinion")
        return self.env.t(f"{zh} · 议题{index + 1}:{topic}", f"{en} · topic {index + 1}: {topic}")

    @on(OpinionEditWanted)
    def _opinion_edit(self, event: OpinionEditWanted) -> None:
        org, number = self.kiosk.org, event.number
        old = self.meeting.opinions[number]
        if self.refused(lambda m: flow.can_correct(m, Step.DISCUSSION)):
            return
        title = self._topic_title(old.topic_index, editing=True)

        def save(draft: OpinionDraft) -> str | None:
            return self.attempt(
                lambda m: flow.edit_opinion(
                    m, org, number, draft.speaker_id, draft.text, capacity=draft.capacity
                )
            )

        speakers = [(p.name, p.id) for p in self.speakers()]
        self.app.push_screen(OpinionDialog(self.env, title, speakers, save, editing=old))

    @on(OpinionDeleteWanted)
    def _opinion_delete(self, event: OpinionDeleteWanted) -> None:
        number = event.number
        if self.refused(lambda m: flow.delete_opinion(m, number)):
            return
        old = self.meeting.opinions[number]
        body = self.env.t(
            f"删除{self.kiosk.records.name(old.speaker_id)}的这条发言?\n\n{old.text}",
            f"Delete this opinion of {self.kiosk.records.name(old.speaker_id)}?\n\n{old.text}",
        )
        title = self.env.t("删除发言", "Delete an opinion")
        self.app.push_screen(
            ConfirmDialog(
                self.env,
                title,
                body,
                lambda: self.attempt(lambda m: flow.delete_opinion(m, number)),
            )
        )

    @on(NextTopicWanted)
    def _next_topic(self) -> None:
        self.attempt(flow.next_topic)

    # -- step four: summary and tasks -----------------------------------------------------------

    @on(SummaryEdited)
    def _summary_edited(self, event: SummaryEdited) -> None:
        self.attempt(lambda m: flow.write_summary(m, event.summary, event.decisions))

    def task_people(self) -> list[Person]:
        """Anyone of the organisation may be given a task; the meeting's own
        people come first."""
        meeting, org = self.meeting, self.kiosk.org
        own = [*flow.expected_attendees(meeting, org)]
        own += [p for g in meeting.guests if (p := org.person(g.person_id)) is not None]
        ids = {p.id for p in own}
        return own + [p for p in org.people if p.id not in ids]

    @on(TaskWanted)
    def _task_wanted(self) -> None:
        org = self.kiosk.org
        people = self.task_people()
        probe = people[0].id if people else ""
        if self.refused(lambda m: flow.new_task(m, org, "probe", probe, "—", m.held_on)):
            return
        title = self.env.t("新增会后任务(谁、做什么、何时完成)", "New follow-up task")
        self.app.push_screen(
            TaskDialog(self.env, title, [(p.name, p.id) for p in people], self._save_task)
        )

    def _save_task(self, draft: TaskDraft, editing: FollowUpTask | None = None) -> str | None:
        t = self.env.t
        if draft.due is None:
            text = t(
                f"完成期限请按 YYYY-MM-DD 填写(现为「{draft.due_text}」)。",
                f"Write the due date as YYYY-MM-DD (not '{draft.due_text}').",
            )
            self.say(text, error=True)
            return text
        meeting, org = self.meeting, self.kiosk.org
        try:
            if editing is None:
                task = flow.new_task(
                    meeting, org, self.kiosk.new_task_id(), draft.assignee_id, draft.what, draft.due
                )
            else:
                task = flow.edit_task(
                    meeting, org, editing, draft.assignee_id, draft.what, draft.due
                )
        except FlowError as error:
            text = self.refusal(error)
            self.say(text, error=True)
            return text
        self.kiosk.save_task(task)
        self.refresh_view()
        who = self.kiosk.records.name(task.assignee_id)
        self.say(
            t(f"已添加任务:{who} · {task.what}", f"Task added: {who} · {task.what}")
            if editing is None
            else t(
                f"已修改任务:{who} · {task.what} · 期限 {self.env.date(task.due)}",
                f"Task changed: {who} · {task.what} · due {self.env.date(task.due)}",
            )
        )
        return None

    def _own_task(self, task_id: str) -> FollowUpTask | None:
        return next((t for t in self._own_tasks() if t.id == task_id), None)

    @on(TaskEditWanted)
    def _task_edit(self, event: TaskEditWanted) -> None:
        task = self._own_task(event.task_id)
        if task is None or self.refused(lambda m: flow.can_delete_task(m, task)):
            return
        people = [(p.name, p.id) for p in self.task_people()]
        title = self.env.t("修改会后任务(谁、做什么、何时完成)", "Edit a follow-up task")
        self.app.push_screen(
            TaskDialog(self.env, title, people, lambda d: self._save_task(d, task), editing=task)
        )

    @on(TaskDeleteWanted)
    def _task_delete(self, event: TaskDeleteWanted) -> None:
        task = self._own_task(event.task_id)
        if task is None or self.refused(lambda m: flow.can_delete_task(m, task)):
            return
        t = self.env.t
        who = self.kiosk.records.name(task.assignee_id)
        body = t(
            f"删除这项会后任务?\n\n{who}:{task.what}(期限 {self.env.date(task.due)})",
            f"Delete this follow-up task?\n\n{who}: {task.what} (due {self.env.date(task.due)})",
        )

        def delete() -> str | None:
            if self.refused(lambda m: flow.can_delete_task(m, task)):
                return t("会议记录已定稿,任务不能删除。", "The minutes are final.")
            self.kiosk.delete_task(task)
            self.refresh_view()
            self.say(t(f"已删除任务:{who} · {task.what}", f"Task deleted: {who} · {task.what}"))
            return None

        self.app.push_screen(
            ConfirmDialog(self.env, t("删除会后任务", "Delete a task"), body, delete)
        )


def _how_long(span: timedelta) -> tuple[str, str]:
    """A span as a leader reads it: 2天3小时5分钟 / 2 days 3 hours 5 minutes
    (whole minutes; the parts that are zero left out)."""
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [(days, "天", "day"), (hours, "小时", "hour"), (mins, "分钟", "minute")]
    shown = [(n, zh, en) for n, zh, en in parts if n] or [(0, "分钟", "minute")]
    zh = "".join(f"{n}{unit}" for n, unit, _ in shown)
    en = " ".join(f"{n} {unit}{'' if n == 1 else 's'}" for n, _, unit in shown)
    return zh, en
