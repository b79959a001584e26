"""The branch view (支部): every group, and what the rules engine finds in
each, for the branch secretary and the organisation member.

Reads the kiosk's records (``kiosk.findings()``): a branch admin sees the
whole branch. Each group shows its members, its leader and what the engine
finds (G1–G5, L1 …); Enter on a group shows only its findings, the seed's
words for the one under the cursor. A branch without groups shows its monthly
party member congresses instead (B1). G opens the group editor
(tui.screens.groups). Opened from home with B; Escape goes back.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from rules.checks.findings import Finding, Severity
from rules.models import Meeting, MeetingKind, Step
from tui.core.kiosk import Kiosk
from tui.messages import RecordsChanged
from tui.navigation import KioskApp
from tui.screens.groups import GroupsScreen
from tui.widgets.bindings import localise_bindings
from tui.widgets.findings import FindingsView
from tui.widgets.footer import KeysFooter

_ENGLISH = {"branch.back": "Back", "branch.refresh": "Refresh", "branch.groups": "Groups"}

#: Months of member congresses the branch view lists for a branch without
#: groups (B1), the current one included.
CONGRESS_MONTHS = 12


class OverviewScreen(Screen[None]):
    """Every group's findings, with the seed's words for the one selected."""

    CSS_PATH = "overview.tcss"

    BINDINGS = [
        Binding("escape", "back", "返回", id="branch.back"),
        Binding("r", "refresh", "刷新", id="branch.refresh"),
        Binding("g", "groups", "党小组设置", id="branch.groups"),
    ]

    branch_line = getters.query_one("#branch", Static)
    app = getters.app(KioskApp)
    groups_table = getters.query_one("#groups", DataTable)
    congress_table = getters.query_one("#congresses", DataTable)
    scope_line = getters.query_one("#branch-scope", Static)
    findings_view = getters.query_one("#findings", FindingsView)

    def __init__(self, kiosk: Kiosk) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.env = kiosk.env
        self.group_ids: list[str] = []
        # The group whose findings alone are shown (None: every group's).
        self.only_group: str | None = None
        localise_bindings(self, self.env.lang, _ENGLISH)

    def compose(self) -> ComposeResult:
        t = self.env.t
        yield Header()
        yield Static("", id="branch", markup=False)
        groups: DataTable[str] = DataTable(id="groups", cursor_type="row", zebra_stripes=True)
        groups.add_columns(
            t("党小组", "Group"),
            t("组长", "Leader"),
            t("党员", "Members"),
            t("错误", "Errors"),
            t("警告", "Warnings"),
            t("建议", "Advice"),
        )
        yield groups
        congresses: DataTable[str] = DataTable(id="congresses", cursor_type="row")
        congresses.add_columns(
            t("月份", "Month"), t("党员大会", "Member congress"), t("环节", "Step")
        )
        yield congresses
        yield Static("", id="branch-scope", markup=False)
        yield FindingsView(self.env.lang, with_group=True, id="findings")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.action_refresh()

    @on(RecordsChanged)
    def _records_changed(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        kiosk, t = self.kiosk, self.env.t
        org = kiosk.org
        findings = kiosk.findings()
        errors = sum(1 for f in findings if f.severity is Severity.ERROR)
        day = self.env.date(kiosk.today())
        groups_n, members_n, found = len(org.active_groups), len(org.party_members), len(findings)
        self.branch_line.update(
            t(
                f"{org.branch.name} · {groups_n} 个党小组 · {members_n} 名党员 · {day}"
                f" · 发现 {found} 项(错误 {errors})",
                f"{org.branch.name} · {groups_n} groups · {members_n} members · {day}"
                f" · {found} findings ({errors} errors)",
            )
        )
        counts: Counter[tuple[str | None, Severity]] = Counter(
            (kiosk.records.group_of(f), f.severity) for f in findings
        )
        table = self.groups_table
        keep = table.cursor_row
        table.clear()
        self.group_ids = [g.id for g in org.active_groups]
        for group in org.active_groups:
            table.add_row(
                group.name,
                kiosk.records.name(group.leader_id),
                str(len(org.members_of(group.id))),
                *(str(counts[(group.id, s)]) for s in Severity),
            )
        if 0 <= keep < len(self.group_ids):
            table.move_cursor(row=keep, animate=False)
        if self.only_group not in self.group_ids:
            self.only_group = None
        table.display = bool(self.group_ids)
        self.congress_table.display = not self.group_ids
        if not self.group_ids:
            self._show_congresses()
        shown = [f for f in findings if self.only_group in (None, kiosk.records.group_of(f))]
        if self.only_group is not None:
            name = self._name_of_group(self.only_group)
            scope = t(
                f"只显示{name}的发现 {len(shown)} 项 · 在该组上再按 Enter 显示全部",
                f"Only {name}'s findings: {len(shown)} · Enter on it again for all",
            )
        elif self.group_ids:
            scope = t(
                "全部发现 · 在党小组上按 Enter 只看该组 · G 党小组设置",
                "Every finding · Enter on a group for its own · G to set up groups",
            )
        else:
            scope = t(
                "本支部没有党小组:应当每月召开一次党员大会(B1)· G 党小组设置",
                "This branch has no groups: it holds a party member congress every month"
                " (B1) · G to set up groups",
            )
        self.scope_line.update(scope)
        self.findings_view.show(shown, self._group_name)

    def _name_of_group(self, group_id: str) -> str:
        group = self.kiosk.org.group(group_id)
        return group.name if group is not None else group_id

    def _show_congresses(self) -> None:
        """B1: the last months' member congresses (党员大会), one row a month."""
        t = self.env.t
        congresses = [
            m
            for m in self.kiosk.records.meetings_all()
            if m.group_id is None and m.kind is MeetingKind.MEMBER_CONGRESS
        ]
        today = self.kiosk.today()
        table = self.congress_table
        table.clear()
        for back in range(CONGRESS_MONTHS):
            index = today.year * 12 + today.month - 1 - back
            month = date(index // 12, index % 12 + 1, 1)
            held = sorted(
                (
                    m
                    for m in congresses
                    if (m.held_on.year, m.held_on.month) == (month.year, month.month)
                ),
                key=lambda m: m.planned_at,
            )
            label = t(f"{month.year}年{month.month}月", f"{month:%Y-%m}")
            if not held:
                table.add_row(label, t("未召开", "none"), "—")
                continue
            for meeting in held:
                table.add_row(label, self._congress_text(meeting), self._step_text(meeting))

    def _congress_text(self, meeting: Meeting) -> str:
        t, env = self.env.t, self.env
        day = env.date(meeting.held_on)
        if meeting.postponement is not None:
            return t(
                f"{day} 推迟:{meeting.postponement.reason}",
                f"{day} postponed: {meeting.postponement.reason}",
            )
        return f"{day} · {'、'.join(meeting.topics)}"

    def _step_text(self, meeting: Meeting) -> str:
        t = self.env.t
        if meeting.step.minutes_final:
            return t("已召开,记录已定稿", "held, minutes final")
        if meeting.step.held:
            return t("进行中", "under way")
        if meeting.step is Step.PREPARATION:
            return t("筹备中", "in preparation")
        return str(meeting.step)

    @on(DataTable.RowSelected, "#groups")
    def _group_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a group: its findings alone; again: every group's."""
        row = event.cursor_row
        if 0 <= row < len(self.group_ids):
            chosen = self.group_ids[row]
            self.only_group = None if self.only_group == chosen else chosen
            self.action_refresh()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "groups":
            session = self.kiosk.session
            return session is not None and session.branch_admin
        return True

    def action_groups(self) -> None:
        row = self.groups_table.cursor_row
        group_id = self.group_ids[row] if 0 <= row < len(self.group_ids) else ""
        self.app.open_screen(GroupsScreen, group_id)

    def _group_name(self, finding: Finding) -> str:
        gid = self.kiosk.records.group_of(finding)
        group = self.kiosk.org.group(gid) if gid is not None else None
        return group.name if group is not None else self.env.t("支部", "branch")

    def action_back(self) -> None:
        self.dismiss()
