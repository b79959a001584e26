"""Verify the sealed records (核验记录, R3: 认真保管,存档备查).

Finalised minutes (with their attendance) and addenda are sealed into each
group's hash chain (``rules.meeting.seal``). This screen recomputes the chains from
the files on disk — not from what the kiosk holds in memory — and names every
record changed, removed or inserted after sealing. A group leader sees their
own group's chain; the branch secretary (and organisation member) every
group's. Opened from home with V; R checks again; Escape goes back.
"""

from __future__ import annotations

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import Worker, WorkerState

from storage import FileRepository, StorageError
from tui.core.kiosk import Kiosk
from tui.messages import RecordsChanged
from tui.verify_report import VerifyReport, verify_repository
from tui.widgets.bindings import localise_bindings
from tui.widgets.footer import KeysFooter

_ENGLISH = {"verify.again": "Verify again", "verify.back": "Back"}


class VerifyScreen(Screen[None]):
    """The sealed chains, recomputed: all verify, or what does not."""

    BINDINGS = [
        Binding("r", "again", "重新核验", id="verify.again"),
        Binding("escape", "back", "返回", id="verify.back"),
    ]

    title_line = getters.query_one("#verify-title", Static)
    result = getters.query_one("#verify-result", Static)

    def __init__(self, kiosk: Kiosk) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.env = kiosk.env
        self.report: VerifyReport | None = None
        localise_bindings(self, self.env.lang, _ENGLISH)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="verify-title", markup=False)
        with VerticalScroll(id="verify-body"):
            yield Static("", id="verify-result")
        yield KeysFooter()

    def on_mount(self) -> None:
        t = self.env.t
        self.title_line.update(
            t(
                "核验封存记录(R3:会议记录要认真保管,存档备查)",
                "Verify the sealed records (R3: minutes are kept and archived for checks)",
            )
        )
        self.action_again()

    @on(RecordsChanged)
    def _records_changed(self) -> None:
        self.action_again()

    # -- checking -------------------------------------------------------------

    def action_again(self) -> None:
        self.result.update(Text(self.env.t("正在核验…", "Verifying…"), style="italic"))
        self._verify()

    @work(group="verify", exclusive=True, exit_on_error=False)
    async def _verify(self) -> None:
        # What this kiosk wrote must be on the disk before the disk is read.
        await self.kiosk.writer.flush()
        self._read_and_verify()

    @work(thread=True, group="verify-read", exclusive=True, exit_on_error=False, name="verify")
    def _read_and_verify(self) -> VerifyReport:
        report = verify_repository(FileRepository(self.env.data_dir, writable=False))
        session = self.kiosk.session
        if session is None or session.branch_admin:
            return report
        return report.for_group(session.group_id)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "verify":
            return
        if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, VerifyReport):
            self.report = event.worker.result
            self.result.update(self._report_text(self.report))
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            text = error.message(self.env.lang) if isinstance(error, StorageError) else repr(error)
            self.result.update(Text(text, style="bold red"))

    # -- showing ------------------------------------------------------------------

    def _report_text(self, report: VerifyReport) -> Text:
        t, lang = self.env.t, self.env.lang
        out = Text()
        for chain in report.chains:
            out.append(
                t(
                    f"{chain.group_name_zh}:{chain.minutes} 次会议记录、{chain.addenda} 条补充说明",
                    f"{chain.group_name_en}: {chain.minutes} minutes, {chain.addenda} addenda",
                )
            )
            if chain.unsealed:
                out.append(
                    t(
                        f"(另有 {chain.unsealed} 条定稿于启用封存之前)",
                        f" ({chain.unsealed} finalised before sealing began)",
                    ),
                    style="dim",
                )
            out.append("\n")
        if report.ok:
            out.append(
                t(
                    f"全部 {report.sealed} 条封存记录核验无误。",
                    f"All {report.sealed} sealed records verify.",
                ),
                style="bold green",
            )
            return out
        out.append(
            t(
                f"发现 {len(report.problems)} 个问题:封存后的记录有改动、删除或插入。",
                f"{len(report.problems)} problems: records changed, removed or inserted"
                " after sealing.",
            ),
            style="bold red",
        )
        for problem in report.problems:
            out.append("\n\n")
            out.append(f"✗ {problem.title(lang)}", style="bold red")
            out.append("\n")
            out.append(problem.message(lang))
        return out

    def action_back(self) -> None:
        self.dismiss()
