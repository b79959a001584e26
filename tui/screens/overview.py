"""The branch at a glance: its groups and what the rules engine finds."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import Worker, WorkerState

from rules.engine import check
from rules.findings import Finding, Severity
from rules.models import BranchRecords
from storage import FileRepository, StorageError
from tui.env import KioskEnv

SEVERITY = {
    Severity.ERROR: ("错误", "error"),
    Severity.WARNING: ("警告", "warning"),
    Severity.ADVICE: ("建议", "advice"),
}


@dataclass(frozen=True)
class Loaded:
    records: BranchRecords | None
    findings: list[Finding]


class OverviewScreen(Screen[None]):
    BINDINGS = [
        Binding("r", "reload", "刷新", id="reload"),
    ]

    def __init__(self, env: KioskEnv) -> None:
        super().__init__()
        self.env = env
        self.findings: list[Finding] = []

    def compose(self) -> ComposeResult:
        t = self.env.t
        yield Header()
        yield Static(t("正在读取数据…", "Loading…"), id="branch")
        groups: DataTable[str] = DataTable(id="groups", cursor_type="none", zebra_stripes=True)
        groups.add_columns(t("党小组", "Group"), t("组长", "Leader"), t("党员", "Members"))
        yield groups
        findings: DataTable[str] = DataTable(id="findings", cursor_type="row", zebra_stripes=True)
        findings.add_columns(
            t("规则", "Rule"), t("级别", "Level"), t("对象", "About"), t("说明", "Message")
        )
        yield findings
        yield Static(
            t("选中一条,下方显示制度原文。", "Select a finding to see the seed's words."), id="seed"
        )
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> Loaded:
        repo = FileRepository(self.env.data_dir, writable=False)
        if repo.organisation() is None:
            return Loaded(None, [])
        records = repo.records()
        return Loaded(records, check(records, self.env.now()))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place where the loading worker's outcome reaches the screen."""
        if event.worker.name != "load":
            return
        if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, Loaded):
            self.show(event.worker.result)
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            text = error.message(self.env.lang) if isinstance(error, StorageError) else str(error)
            self.query_one("#branch", Static).update(text)

    def show(self, loaded: Loaded) -> None:
        t = self.env.t
        branch = self.query_one("#branch", Static)
        if loaded.records is None:
            branch.update(
                t(
                    "还没有数据:请先导入名册(xiaozu import 名册.csv)或生成演示数据(xiaozu demo)。",
                    "No data yet: import a roster (xiaozu import roster.csv)"
                    " or make the demo (xiaozu demo).",
                )
            )
            return
        org = loaded.records.organisation
        errors = sum(1 for f in loaded.findings if f.severity is Severity.ERROR)
        day = self.env.date(self.env.now().date())
        groups_n, members_n, found = (
            len(org.active_groups),
            len(org.party_members),
            len(loaded.findings),
        )
        branch.update(
            t(
                f"{org.branch.name} · {groups_n} 个党小组 · {members_n} 名党员 · {day}"
                f" · 发现 {found} 项(错误 {errors})",
                f"{org.branch.name} · {groups_n} groups · {members_n} members · {day}"
                f" · {found} findings ({errors} errors)",
            )
        )
        groups = self.query_one("#groups", DataTable)
        groups.clear()
        for group in org.active_groups:
            leader = org.person(group.leader_id) if group.leader_id else None
            groups.add_row(
                group.name, leader.name if leader else "—", str(len(org.members_of(group.id)))
            )
        table = self.query_one("#findings", DataTable)
        table.clear()
        self.findings = list(loaded.findings)
        for finding in self.findings:
            zh, en = SEVERITY[finding.severity]
            table.add_row(
                finding.rule, t(zh, en), finding.subject.label, finding.message(self.env.lang)
            )

    @on(DataTable.RowHighlighted, "#findings")
    def show_seed(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.findings):
            finding = self.findings[event.cursor_row]
            self.query_one("#seed", Static).update(
                f"[{finding.rule}] {finding.message(self.env.lang)}\n"
                f"{self.env.t('依据', 'Seed')}:「{finding.seed}」"
            )
