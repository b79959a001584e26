"""Home: what the unlocked group has to do next.

The next meeting (or a key to plan one), what the rules engine finds for the
group with the seed's words, follow-up tasks due within a week or overdue
(A3), and minutes still to be checked (A1) or reported (A2). Every other
screen is opened from here and comes back here with Escape.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from rules.meeting.flow import STEP_LABELS
from rules.models import Meeting, Step, TaskStatus
from tui.core.kiosk import Kiosk
from tui.labels import KIND_LABELS
from tui.messages import RecordsChanged
from tui.navigation import KioskApp
from tui.screens.after import AfterScreen
from tui.screens.calendar import CalendarScreen
from tui.screens.dues import DuesScreen
from tui.screens.election import ElectionScreen
from tui.screens.meeting import MeetingScreen
from tui.screens.members import MembersScreen
from tui.screens.notice import NoticeScreen
from tui.screens.officers import OfficersScreen
from tui.screens.overview import OverviewScreen
from tui.screens.plan import PlanScreen
from tui.screens.tasks import TasksScreen
from tui.screens.verify import VerifyScreen
from tui.screens.year import YearScreen
from tui.widgets.bindings import localise_bindings
from tui.widgets.findings import FindingsView
from tui.widgets.footer import KeysFooter

#: Tasks due within this many days show on home, with the overdue ones (A3).
TASKS_AHEAD_DAYS = 7

_ENGLISH = {
    "home.plan": "Plan",
    "home.notice": "Notice",
    "home.meeting": "Meeting",
    "home.after": "After",
    "home.tasks": "Tasks",
    "home.branch": "Branch",
    "home.members": "Sign-in setup",
    "home.officers": "PINs & roles",
    "home.dues": "Dues",
    "home.year": "Year plan",
    "home.calendar": "Calendar",
    "home.election": "Election",
    "home.verify": "Verify records",
}


class HomeScreen(Screen[None]):
    """The unlocked group's home."""

    CSS_PATH = "home.tcss"

    BINDINGS = [
        Binding("p", "plan", "计划", id="home.plan"),
        Binding("n", "notice", "通知", id="home.notice"),
        Binding("m", "meeting", "开会", id="home.meeting"),
        Binding("a", "after", "会后", id="home.after"),
        Binding("t", "tasks", "任务", id="home.tasks"),
        Binding("b", "branch", "支部", id="home.branch"),
        Binding("s", "members", "签到设置", id="home.members"),
        Binding("k", "officers", "PIN与职务", id="home.officers"),
        Binding("d", "dues", "党费", id="home.dues"),
        Binding("y", "year", "年度计划", id="home.year"),
        Binding("c", "calendar", "日历", id="home.calendar"),
        Binding("e", "election", "选举", id="home.election"),
        Binding("v", "verify", "核验记录", id="home.verify"),
    ]

    app = getters.app(KioskApp)
    title_line = getters.query_one("#home-title", Static)
    next_meeting = getters.query_one("#home-next", Static)
    findings_view = getters.query_one("#home-findings", FindingsView)
    findings_head = getters.query_one("#home-findings-head", Static)
    tasks_head = getters.query_one("#home-tasks-head", Static)
    tasks_table = getters.query_one("#home-tasks", DataTable)
    awaiting_head = getters.query_one("#home-awaiting-head", Static)
    awaiting_table = getters.query_one("#home-awaiting", DataTable)

    def __init__(self, kiosk: Kiosk) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.env = kiosk.env
        self.awaiting: list[Meeting] = []
        localise_bindings(self, self.env.lang, _ENGLISH)

    def compose(self) -> ComposeResult:
        t = self.env.t
        yield Header()
        yield Static("", id="home-title", markup=False)
        with VerticalScroll(id="home-body"):
            yield Static("", id="home-next", markup=False)
            yield Static("", id="home-findings-head", classes="home-section")
            yield FindingsView(self.env.lang, compact=True, id="home-findings")
            yield Static("", id="home-tasks-head", classes="home-section")
            tasks: DataTable[str] = DataTable(id="home-tasks", cursor_type="row")
            tasks.add_columns(
                t("期限", "Due"), t("任务", "Task"), t("负责人", "Who"), t("状态", "State")
            )
            yield tasks
            yield Static("", id="home-awaiting-head", classes="home-section")
            awaiting: DataTable[str] = DataTable(id="home-awaiting", cursor_type="row")
            awaiting.add_columns(t("会议", "Meeting"), t("议题", "Topics"), t("待办", "To do"))
            yield awaiting
        yield KeysFooter()

    # -- showing ----------------------------------------------------------------

    def on_mount(self) -> None:
        self.refresh_content()

    def on_screen_resume(self) -> None:
        # Back from plan, notice, the meeting …: what they changed shows here.
        if self.is_mounted:
            self.refresh_content()

    @on(RecordsChanged)
    def _records_changed(self) -> None:
        self.refresh_content()

    def refresh_content(self) -> None:
        kiosk, t = self.kiosk, self.env.t
        user = kiosk.session.user.name if kiosk.session else ""
        self.title_line.update(f"{kiosk.group_name()} · {user} · {self.env.date(kiosk.today())}")
        self.next_meeting.update(self._next_meeting_text(kiosk.current_meeting()))

        gid = kiosk.session.group_id if kiosk.session else None
        found = [f for f in kiosk.findings() if kiosk.records.group_of(f) == gid]
        self.findings_head.update(
            t(f"本组发现问题:{len(found)} 项", f"What the rules find here: {len(found)}")
        )
        self.findings_view.show(found)

        self._show_tasks()
        self._show_awaiting()
        self.refresh_bindings()

    def _next_meeting_text(self, meeting: Meeting | None) -> str:
        t, env = self.env.t, self.env
        if meeting is None:
            return t(
                "尚未安排下次会议。按 P 安排会议(议题取自本年度计划)。",
                "No meeting planned. Press P to plan one (its topic from the year's plan).",
            )
        when = meeting.planned_at.astimezone(env.tz)
        kind = t(*KIND_LABELS[meeting.kind])
        place = meeting.place or t("地点未定", "place not set")
        topics = "  ".join(f"{i}. {x}" for i, x in enumerate(meeting.topics, 1)) or t(
            "(尚无议题)", "(no topics yet)"
        )
        step = t(*STEP_LABELS[meeting.step])
        if meeting.notice_sent_at is not None:
            sent = env.date(meeting.notice_sent_at.astimezone(env.tz).date())
            notice = t(f"已于{sent}发出", f"sent {sent}")
        else:
            notice = t("未发出", "not sent")
        if meeting.consulted_branch_at is not None:
            on_day = env.date(meeting.consulted_branch_at.astimezone(env.tz).date())
            consulted = t(f"已沟通({on_day})", f"consulted ({on_day})")
        else:
            consulted = t("未沟通", "not yet")
        return "\n".join(
            [
                t("下次会议", "Next meeting")
                + f" · {env.date(when.date())} {when:%H:%M} · {place} · {kind}",
                t("议题:", "Topics: ") + topics,
                t(
                    f"环节:{step} · 通知:{notice} · 会前与党支部沟通:{consulted}",
                    f"Step: {step} · Notice: {notice} · Branch: {consulted}",
                ),
            ]
        )

    def _show_tasks(self) -> None:
        t, env = self.env.t, self.env
        today = self.kiosk.today()
        horizon = today + timedelta(days=TASKS_AHEAD_DAYS)
        due = [
            task
            for task in self.kiosk.tasks()
            if task.status is TaskStatus.OPEN and task.due <= horizon
        ]
        self.tasks_head.update(
            t(
                f"待办任务(7天内到期或已逾期):{len(due)} 项",
                f"Tasks due within 7 days or overdue: {len(due)}",
            )
        )
        table = self.tasks_table
        table.clear()
        for task in due:
            table.add_row(
                env.date(task.due),
                task.what,
                self.kiosk.records.name(task.assignee_id),
                _due(task.due, today, t),
            )
        table.display = bool(due)

    def _show_awaiting(self) -> None:
        t, env = self.env.t, self.env
        # The minutes finalised last first: the after screen opens on them.
        self.awaiting = sorted(
            self.kiosk.awaiting_after_steps(),
            key=lambda m: m.finalised_at or m.planned_at,
            reverse=True,
        )
        self.awaiting_head.update(
            t(
                f"会议记录待检查或待向支部汇报:{len(self.awaiting)} 次",
                f"Minutes to check or report to the branch: {len(self.awaiting)}",
            )
        )
        table = self.awaiting_table
        table.clear()
        for meeting in self.awaiting:
            if meeting.step is Step.FINALISED:
                todo = t("检查会议记录(A1)", "check the minutes (A1)")
            else:
                todo = t("向党支部汇报(A2)", "report to the branch (A2)")
            table.add_row(env.date(meeting.held_on), "、".join(meeting.topics), todo)
        table.display = bool(self.awaiting)

    # -- keys ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("branch", "officers"):
            session = self.kiosk.session
            return session is not None and session.branch_admin
        if action == "election":  # 选举党小组长 (L2): only while a group meeting is held
            meeting = self.kiosk.current_meeting()
            return meeting is not None and meeting.step.in_meeting and meeting.group_id is not None
        return True

    def action_plan(self) -> None:
        meeting = self.kiosk.current_meeting()
        if meeting is None:
            meeting = self.kiosk.new_meeting(self._postponed_to())
        self.app.open_screen(PlanScreen, meeting.id)

    def _postponed_to(self) -> date | None:
        """The day the last postponed meeting was moved to, if still ahead (M1)."""
        today = self.kiosk.today()
        days = [
            m.postponement.new_date
            for m in self.kiosk.meetings()
            if m.postponement is not None and m.postponement.new_date is not None
        ]
        return days[-1] if days and days[-1] >= today else None

    def action_notice(self) -> None:
        meeting = self._meeting_or_say()
        if meeting is not None:
            self.app.open_screen(NoticeScreen, meeting.id)

    def action_meeting(self) -> None:
        meeting = self._meeting_or_say()
        if meeting is not None:
            self.app.open_screen(MeetingScreen, meeting.id)

    def _meeting_or_say(self) -> Meeting | None:
        meeting = self.kiosk.current_meeting()
        if meeting is None:
            self.notify(
                self.env.t("还没有安排会议:请先按 P 安排。", "No meeting planned: press P first."),
                severity="warning",
            )
        return meeting

    def action_after(self) -> None:
        if not self.awaiting:
            self.notify(
                self.env.t(
                    "没有待检查或待汇报的会议记录。", "No minutes wait to be checked or reported."
                ),
                severity="information",
            )
            return
        row = self.awaiting_table.cursor_row
        meeting = self.awaiting[row if 0 <= row < len(self.awaiting) else 0]
        self.app.open_screen(AfterScreen, meeting.id)

    def action_tasks(self) -> None:
        self.app.open_screen(TasksScreen)

    def action_branch(self) -> None:
        self.app.open_screen(OverviewScreen)

    def action_members(self) -> None:
        self.app.open_screen(MembersScreen)

    def action_officers(self) -> None:
        self.app.open_screen(OfficersScreen)

    def action_verify(self) -> None:
        """核验记录 (R3): the group's sealed records (the secretary: all)."""
        self.app.open_screen(VerifyScreen)

    def action_dues(self) -> None:
        self.app.open_screen(DuesScreen)

    def action_year(self) -> None:
        self.app.open_screen(YearScreen)

    def action_calendar(self) -> None:
        self.app.open_screen(CalendarScreen)

    def action_election(self) -> None:
        meeting = self.kiosk.current_meeting()
        if meeting is not None:
            self.app.open_screen(ElectionScreen, meeting.id)


def _due(due: date, today: date, t: Callable[[str, str], str]) -> str:
    days = (due - today).days
    if days < 0:
        return t(f"已逾期{-days}天", f"{-days} days overdue")
    if days == 0:
        return t("今天到期", "due today")
    return t(f"还有{days}天", f"in {days} days")
