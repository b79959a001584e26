"""Exporting the minutes from the kiosk (A2): where the file goes, and — when
the minutes are checked and not yet reported — whether to record the report
to the branch at the same time (同时记为已向支部汇报?).

Dismissed with None (Esc: nothing is written), False (export only) or True
(export, and record the report).
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from tui.core.env import KioskEnv
from tui.widgets.bindings import localise_bindings

_ENGLISH = {
    "export.yes": "Yes, reported",
    "export.no": "No, export only",
    "export.go": "Export",
    "export.cancel": "Cancel",
}


class ExportDialog(ModalScreen[bool | None]):
    CSS_PATH = "after.tcss"

    BINDINGS = [
        Binding("y", "report", "是,同时记为已汇报", id="export.yes"),
        Binding("n", "export_only", "否,只导出", id="export.no"),
        Binding("enter", "go", "导出", id="export.go"),
        Binding("escape", "cancel", "取消", id="export.cancel"),
    ]

    def __init__(self, env: KioskEnv, path: Path, *, ask_report: bool, notes: list[str]) -> None:
        super().__init__()
        self.env = env
        self.path = path
        self.ask_report = ask_report
        self.notes = notes
        localise_bindings(self, env.lang, _ENGLISH)

    def compose(self) -> ComposeResult:
        t = self.env.t
        with Vertical(id="export-dialog"):
            yield Static(
                t("导出会议记录(Word 文档)", "Export the minutes (Word)"), id="export-title"
            )
            yield Static(
                t(f"文件:{self.path}", f"File: {self.path}"), id="export-path", markup=False
            )
            for note in self.notes:
                yield Static(note, classes="export-note", markup=False)
            if self.ask_report:
                yield Static(
                    t(
                        "同时记为已向支部汇报?Y 是 · N 否,只导出 · Esc 取消",
                        "Also record the minutes as reported to the branch? Y yes · N no,"
                        " export only · Esc cancel",
                    ),
                    id="export-question",
                )
            else:
                yield Static(t("Enter 导出 · Esc 取消", "Enter exports · Esc cancels"))
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Y and N answer the question; Enter exports when there is none.
        if action in ("report", "export_only"):
            return self.ask_report
        if action == "go":
            return not self.ask_report
        return True

    def action_report(self) -> None:
        self.dismiss(True)

    def action_export_only(self) -> None:
        self.dismiss(False)

    def action_go(self) -> None:
        self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(None)
