"""Step one (一、党小组长报告党员缺席情况及本次会议的议题、开法和要求):
sign-in on the roster, then the leader's opening report built from the
meeting — who is away and why, the topics, the method and the requirements.

The next step is refused (M6) while anyone expected has no record.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import getters, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from rules.meeting import flow
from rules.models import AttendanceStatus, Meeting, Organisation, Person
from tui.core.env import KioskEnv
from tui.core.kiosk import Kiosk
from tui.labels import ATTENDANCE_LABELS
from tui.screens.meeting_steps.base import StepPanel
from tui.widgets.dues_arrears import arrears_line
from tui.widgets.roster import Roster, RosterDetail, roster_entries
from tui.widgets.signin_code import SigninCode
from tui.widgets.text import update_text


def numbered(topics: tuple[str, ...], env: KioskEnv, current: int | None = None) -> list[str]:
    """The topics as a numbered list. In Chinese no space follows the number:
    the terminal would move a long run of characters after a space to the
    next line whole, leaving the number alone."""
    lines = []
    for index, topic in enumerate(topics):
        mark = ("▶" if index == current else " ") if current is not None else " "
        number = f"{index + 1}." if env.lang != "en" else f"{index + 1}. "
        here = env.t("(当前)", " (current)") if index == current else ""
        lines.append(f"{mark} {number}{topic}{here}")
    return lines


def opening_report(meeting: Meeting, org: Organisation, env: KioskEnv) -> str:
    """What the leader says at the opening, from the meeting as it stands."""
    t = env.t
    sep = t("、", ", ")
    expected = flow.expected_attendees(meeting, org)
    came = [p for p in expected if (r := meeting.attendance_of(p.id)) and r.status.attended]
    late = [
        p
        for p in expected
        if (r := meeting.attendance_of(p.id)) and r.status is AttendanceStatus.LATE
    ]
    away = [
        (p, r)
        for p in expected
        if (r := meeting.attendance_of(p.id)) is not None and not r.status.attended
    ]
    missing = flow.unaccounted(meeting, org)
    lines = [
        t(
            f"应到 {len(expected)} 人,到会 {len(came)} 人(其中迟到 {len(late)} 人)。",
            f"Expected {len(expected)}, present {len(came)} (late {len(late)}).",
        )
    ]
    if away:
        shown = sep.join(
            t(
                f"{p.name}{t(*ATTENDANCE_LABELS[r.status])}({r.reason})",
                f"{p.name} {t(*ATTENDANCE_LABELS[r.status])} ({r.reason})",
            )
            for p, r in away
        )
        lines.append(t("缺席情况:", "Away: ") + shown)
    else:
        lines.append(t("缺席情况:无。", "Away: nobody."))
    if missing:
        lines.append(t("尚未登记:", "Not yet recorded: ") + sep.join(p.name for p in missing))
    guests = [org.person(g.person_id) for g in meeting.guests]
    attended_guests = [
        g.name for g in guests if g and (r := meeting.attendance_of(g.id)) and r.status.attended
    ]
    if attended_guests:
        lines.append(t("列席人员:", "Guests: ") + sep.join(attended_guests))
    lines.append(t("本次会议议题:", "Topics:"))
    lines.extend(numbered(meeting.topics, env))
    lines.append(t("开法:", "Method: ") + (meeting.method or "—"))
    lines.append(t("要求:", "Requirements: ") + (meeting.requirements or "—"))
    return "\n".join(lines)


class OpeningStep(StepPanel):
    """The roster and the leader's report on the left; on the right the code
    members scan to sign themselves in (SPEC §3)."""

    roster = getters.query_one(Roster)
    head = getters.query_one("#opening-head", Static)
    report = getters.query_one("#opening-text", Static)
    hint = getters.query_one("#signin-hint", Static)

    def compose(self) -> ComposeResult:
        kiosk = getattr(self.app, "kiosk", None)
        with Horizontal(id="opening-row"):
            with Vertical(id="opening-left"):
                yield Static("", id="signin-hint", markup=False)
                yield Roster(self.env, id="meeting-roster")
                yield RosterDetail("", id="roster-detail", markup=False)
                # Unpaid dues, for the leader only (never on the code screen).
                yield Static("", id="opening-dues", markup=False)
                with VerticalScroll(id="opening-report", classes="step-scroll"):
                    yield Static("", classes="step-head", id="opening-head", markup=False)
                    yield Static("", id="opening-text", markup=False)
            if isinstance(kiosk, Kiosk):
                yield SigninCode(kiosk, id="opening-code")

    def refresh_content(self) -> None:
        state = self.state
        expected = flow.expected_attendees(state.meeting, state.org)
        came = sum(
            1
            for p in expected
            if (r := state.meeting.attendance_of(p.id)) is not None and r.status.attended
        )
        update_text(
            self.hint,
            self.env.t(
                f"已到 {came}/{len(expected)} · 扫右侧二维码或刷胸卡签到",
                f"{came}/{len(expected)} here · scan the code or a badge",
            ),
        )
        self.roster.show(roster_entries(state.meeting, state.org, self.env))
        self._show_detail()
        self._show_dues(expected)
        update_text(self.head, self.env.t("党小组长报告", "The leader's opening"))
        update_text(self.report, opening_report(state.meeting, state.org, self.env))

    @on(DataTable.RowHighlighted, "#meeting-roster")
    def _show_detail(self) -> None:
        """The highlighted person in full (the table may have shortened it)."""
        update_text(self.query_one(RosterDetail), self.roster.describe(self.roster.selected))

    def _show_dues(self, expected: Iterable[Person]) -> None:
        kiosk = getattr(self.app, "kiosk", None)
        line = self.query_one("#opening-dues", Static)
        if isinstance(kiosk, Kiosk):
            text = arrears_line(kiosk.records.dues(), expected, kiosk.today(), self.env)
        else:
            text = ""
        update_text(line, text)
        line.display = bool(text)

    def focus_main(self) -> None:
        self.roster.focus()
