"""The branch view (支部): every group, and what the rules engine finds in
each, for the branch secretary and the organisation member.

Reads the kiosk's records (``kiosk.findings()``): a branch admin sees the
whole branch. Opened from home with B; Escape goes back.
"""

from __future__ import annotations

from collections import Counter

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from rules.findings import Finding, Severity
from tui.kiosk import Kiosk
from tui.messages import RecordsChanged
from tui.widgets.bindings import localise_bindings
from tui.widgets.findings import FindingsView

_ENGLISH = {"branch.back": "Back", "branch.refresh": "Refresh"}


class OverviewScreen(Screen[None]):
    """Every group's findings, with the seed's words for the one selected."""

    BINDINGS = [
        Binding("escape", "back", "返回", id="branch.back"),
        Binding("r", "refresh", "刷新", id="branch.refresh"),
    ]

    branch_line = getters.query_one("#branch", Static)
    groups_table = getters.query_one("#groups", DataTable)
    findings_view = getters.query_one("#findings", FindingsView)

    def __init__(self, kiosk: Kiosk) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.env = kiosk.env
        localise_bindings(self, self.env.lang, _ENGLISH)

    def compose(self) -> ComposeResult:
        t = self.env.t
        yield Header()
        yield Static("", id="branch", markup=False)
        groups: DataTable[str] = DataTable(id="groups", cursor_type="none", zebra_stripes=True)
        groups.add_columns(
            t("党小组", "Group"),
            t("组长", "Leader"),
            t("党员", "Members"),
            t("错误", "Errors"),
            t("警告", "Warnings"),
            t("建议", "Advice"),
        )
        yield groups
        yield FindingsView(self.env.lang, with_group=True, id="findings")
        yield Footer()

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
            (kiosk.finding_group_id(f), f.severity) for f in findings
        )
        table = self.groups_table
        table.clear()
        for group in org.active_groups:
            table.add_row(
                group.name,
                kiosk.name(group.leader_id),
                str(len(org.members_of(group.id))),
                *(str(counts[(group.id, s)]) for s in Severity),
            )
        self.findings_view.show(findings, self._group_name)

    def _group_name(self, finding: Finding) -> str:
        gid = self.kiosk.finding_group_id(finding)
        group = self.kiosk.org.group(gid) if gid is not None else None
        return group.name if group is not None else self.env.t("支部", "branch")

    def action_back(self) -> None:
        self.dismiss()
