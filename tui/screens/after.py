"""After the meeting (会后应做事项): the finalised minutes, checked and
reported.

一是党小组长要检查会议记录情况 (A1); 二是党小组长应将党小组会议情况及时向
党支部汇报 (A2). Finalised minutes never change (R3): a correction is a dated
addendum, kept beside the record. Opened from home for one meeting; ``[`` and
``]`` step through the group's other meetings; Escape goes back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Header, Static, TextArea

from rules.meeting import flow
from rules.meeting.flow import STEP_LABELS, FlowError
from rules.meeting.minutes import Minutes, minutes_of, minutes_title
from rules.models import Meeting, Step
from storage import StorageWriteError
from tui.core.env import KioskEnv
from tui.export.files import EXPORTS_FOLDER, minutes_bytes, minutes_file_name, write_export
from tui.messages import RecordsChanged
from tui.screens.base import MeetingBoundScreen
from tui.screens.export_dialog import ExportDialog
from tui.screens.meeting_steps.dialogs import ConfirmDialog
from tui.screens.seal_line import seal_line
from tui.widgets.bindings import localise_bindings
from tui.widgets.footer import KeysFooter
from tui.widgets.minutes_view import MinutesView

_ENGLISH = {
    "after.check": "Checked",
    "after.report": "Reported",
    "after.addendum": "Addendum",
    "after.export": "Export",
    "after.previous": "Earlier",
    "after.next": "Later",
    "after.back": "Back",
    "note.save": "Save",
    "note.cancel": "Cancel",
}


class NoteDialog(ModalScreen[str | None]):
    """A few lines of text: an addendum, a progress note, a closing note.

    Dismissed with the text (perhaps empty) on Ctrl+S, or None on Escape.
    Whether the text will do is for the flow function to say.
    """

    CSS_PATH = "after.tcss"

    BINDINGS = [
        Binding("ctrl+s", "save", "保存", id="note.save"),
        Binding("escape", "cancel", "取消", id="note.cancel"),
    ]

    editor = getters.query_one("#note-text", TextArea)

    def __init__(self, env: KioskEnv, title: str, hint: str) -> None:
        super().__init__()
        self.env = env
        self.title_text = title
        self.hint = hint
        localise_bindings(self, env.lang, _ENGLISH)

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog"):
            yield Static(self.title_text, id="note-title", markup=False)
            yield Static(self.hint, id="note-hint", markup=False)
            yield TextArea(id="note-text", soft_wrap=True)
        yield Footer()

    def on_mount(self) -> None:
        self.editor.focus()

    def action_save(self) -> None:
        self.dismiss(self.editor.text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AfterScreen(MeetingBoundScreen):
    """One meeting's minutes, with what is left to do after it (A1, A2, R3)."""

    CSS_PATH = "after.tcss"

    ENGLISH_LABELS = _ENGLISH
    BINDINGS = [
        Binding("c", "check", "已检查", id="after.check"),
        Binding("r", "report", "已汇报", id="after.report"),
        Binding("a", "addendum", "补充说明", id="after.addendum"),
        Binding("x", "export", "导出", id="after.export"),
        Binding("left_square_bracket", "previous", "上一次", id="after.previous"),
        Binding("right_square_bracket", "next", "下一次", id="after.next"),
        Binding("escape", "back", "返回", id="after.back"),
    ]

    status_line = getters.query_one("#after-status", Static)
    minutes_view = getters.query_one("#after-minutes", MinutesView)
    message_line = getters.query_one("#after-message", Static)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="after-status")
        yield MinutesView(
            self._minutes(), self.env, names=self.kiosk.records.name, id="after-minutes"
        )
        yield Static("", id="after-message", markup=False)
        yield KeysFooter()

    # -- showing ----------------------------------------------------------------

    def on_mount(self) -> None:
        self.refresh_content()
        self.minutes_view.focus()

    @on(RecordsChanged)
    def _records_changed(self) -> None:
        self.refresh_content()

    def _minutes(self) -> Minutes:
        meeting = self.meeting
        return minutes_of(meeting, self.kiosk.org, self.kiosk.tasks(meeting.id))

    def refresh_content(self) -> None:
        self.status_line.update(self._status())
        self.minutes_view.show(self._minutes())
        self.refresh_bindings()

    def _status(self) -> Text:
        t, env, meeting = self.env.t, self.env, self.meeting
        out = Text()
        step = t(*STEP_LABELS[meeting.step])
        out.append(
            t(
                f"{env.date(meeting.held_on)}的会议 · {step}",
                f"Meeting of {env.date(meeting.held_on)} · {step}",
            ),
            style="bold",
        )
        # The id, for the command line (xiaozu export minutes ID).
        out.append(t(f" · 编号 {meeting.id}", f" · id {meeting.id}"), style="dim")
        out.append("\n")
        if not meeting.step.minutes_final:
            out.append(
                t(
                    "会议记录尚未定稿:定稿后才能检查记录(A1)、向党支部汇报(A2)或添加补充说明。",
                    "The minutes are not finalised yet: checking (A1), reporting to the branch"
                    " (A2) and addenda come after.",
                ),
                style="bold red",
            )
            return out
        if meeting.checked_at is not None:
            day = env.date(meeting.checked_at.astimezone(env.tz).date())
            out.append(t(f"A1 已检查会议记录:{day}", f"A1 minutes checked: {day}"))
        else:
            out.append(
                t("A1 尚未检查会议记录:阅读后按 C", "A1 minutes not checked: read, then press C"),
                style="bold red",
            )
        out.append("\n")
        if meeting.reported_at is not None:
            day = env.date(meeting.reported_at.astimezone(env.tz).date())
            out.append(t(f"A2 已向党支部汇报:{day}", f"A2 reported to the branch: {day}"))
        else:
            todo = (
                t("按 R 汇报", "press R")
                if meeting.checked_at is not None
                else t("检查后按 R", "check first, then R")
            )
            out.append(
                t(f"A2 尚未向党支部汇报:{todo}", f"A2 not reported to the branch: {todo}"),
                style="bold red",
            )
        if meeting.addenda:
            out.append("  ·  ")
            out.append(t(f"补充说明 {len(meeting.addenda)} 条", f"{len(meeting.addenda)} addenda"))
        out.append("\n")
        out.append_text(seal_line(meeting, env))
        return out

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message_line.update(text)
        self.message_line.set_class(error, "-error")
        if error:
            self.notify(text, severity="error")

    # -- keys ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        step = self.meeting.step
        if action == "check":
            return step is Step.FINALISED
        if action == "report":
            # Shown before checking too: pressing it says why not yet (A2).
            return step in (Step.FINALISED, Step.CHECKED)
        if action == "addendum":
            return step.minutes_final
        if action == "export":
            return step.held
        if action in ("previous", "next"):
            return self._neighbour(-1 if action == "previous" else 1) is not None or None
        return True

    def action_check(self) -> None:
        now = self.kiosk.now()
        self._change(
            lambda m: flow.check_minutes(m, now),
            self.env.t("已标记会议记录为已检查。", "Minutes marked as checked."),
        )

    def action_report(self) -> None:
        """Record the report to the branch (A2), once the leader has seen
        which meeting it is about (a refusal comes at once)."""
        t, now = self.env.t, self.kiosk.now()
        try:
            flow.report_to_branch(self.meeting, now)
        except FlowError as error:
            self._say(f"{error.rule}: {error.message(self.env.lang)}", error=True)
            return
        day = self.env.date(now.date())
        question = t(
            f"记为已于{day}向党支部汇报这次会议?",
            f"Record this meeting as reported to the branch on {day}?",
        )
        body = "\n".join([*self._which_meeting(), "", question])
        dialog = ConfirmDialog(
            self.env, t("向党支部汇报(A2)", "Report to the branch (A2)"), body, self._report
        )
        self.app.push_screen(dialog, self._report_answered)

    def _report(self) -> None:
        now = self.kiosk.now()
        day = self.env.date(now.date())
        self._change(
            lambda m: flow.report_to_branch(m, now),
            self.env.t(f"已记录于{day}向党支部汇报。", f"Reported to the branch on {day}."),
        )

    def _report_answered(self, yes: bool | None) -> None:
        if not yes:
            self._say(self.env.t("未记录汇报。", "Not recorded."))

    def _which_meeting(self) -> list[str]:
        """The meeting in words a leader recognises: the minutes' title, the
        date, the topics, and its id."""
        t, env, meeting = self.env.t, self.env, self.meeting
        title = minutes_title(meeting, self.kiosk.org, env.lang)
        when = env.date(meeting.held_on)
        topics = t("、", "; ").join(meeting.topics) or t("(无议题)", "(no topics)")
        return [
            t(f"会议:{title} · {when}", f"Meeting: {title} · {when}"),
            t(f"议题:{topics}", f"Topics: {topics}"),
            t(f"编号:{meeting.id}", f"Id: {meeting.id}"),
        ]

    def action_addendum(self) -> None:
        t = self.env.t
        dialog = NoteDialog(
            self.env,
            t("补充说明(R3)", "Addendum (R3)"),
            t(
                "已定稿的记录不会改动;补充说明注明日期,附在记录之后。Ctrl+S 保存,Esc 取消。",
                "The finalised minutes stay as they are; the addendum is dated and kept"
                " beside them. Ctrl+S saves, Esc cancels.",
            ),
        )
        self.app.push_screen(dialog, self._addendum_written)

    def _addendum_written(self, text: str | None) -> None:
        if text is None:
            return
        session = self.kiosk.session
        author = session.user.id if session is not None else ""
        now = self.kiosk.now()
        self._change(
            lambda m: flow.add_addendum(m, author, text, now),
            self.env.t("已添加补充说明。", "Addendum added."),
        )

    # -- exporting (A2) ----------------------------------------------------------

    def _export_path(self) -> Path:
        return self.env.data_dir / EXPORTS_FOLDER / minutes_file_name(self.meeting, "docx")

    def action_export(self) -> None:
        """The minutes as a Word document in <data>/exports/; when they are
        checked and not yet reported, the leader may record the report too."""
        t, env, meeting = self.env.t, self.env, self.meeting
        notes: list[str] = []
        if not meeting.step.minutes_final:
            notes.append(
                t("记录尚未定稿:导出的文件标明“草稿”。", "Not finalised: the file is marked DRAFT.")
            )
        elif meeting.step is Step.FINALISED:
            notes.append(
                t(
                    "记录尚未检查(A1):检查后才能记为已向党支部汇报。",
                    "Not checked yet (A1): it can be recorded as reported once checked.",
                )
            )
        elif meeting.reported_at is not None:
            day = env.date(meeting.reported_at.astimezone(env.tz).date())
            notes.append(t(f"已于{day}向党支部汇报。", f"Reported to the branch on {day}."))
        ask_report = meeting.step is Step.CHECKED
        if ask_report:  # Y records A2: say which meeting it is
            notes = self._which_meeting() + notes
        dialog = ExportDialog(env, self._export_path(), ask_report=ask_report, notes=notes)
        self.app.push_screen(dialog, self._export_chosen)

    def _export_chosen(self, report: bool | None) -> None:
        if report is not None:
            self._export(report)

    @work(group="after-export", exit_on_error=False)
    async def _export(self, report: bool) -> None:
        t, env, meeting = self.env.t, self.env, self.meeting
        updated = meeting
        if report:
            try:
                updated = flow.report_to_branch(meeting, self.kiosk.now())
            except FlowError as error:
                self._say(f"{error.rule}: {error.message(env.lang)}", error=True)
                return
        path = self._export_path()
        org, tasks = self.kiosk.org, self.kiosk.tasks(meeting.id)
        self._say(t("正在导出…", "Exporting…"))

        def write() -> None:  # python-docx and the fsync off the UI loop
            payload = minutes_bytes(updated, org, tasks, fmt="docx", lang=env.lang, tz=env.tz)
            write_export(path, payload)

        try:
            await asyncio.to_thread(write)
        except StorageWriteError as error:
            self._say(error.message(env.lang), error=True)
            return
        done = t(f"已导出:{path}", f"Exported: {path}")
        if updated is meeting:
            self._say(done)
            return
        # The file is on disk; only now is the report recorded (A2).
        self.kiosk.save_meeting(updated)
        self.refresh_content()
        day = env.date(self.kiosk.today())
        done += t(f"。已记录于{day}向党支部汇报,", f". Reported to the branch on {day}; ")
        self._say(done + t("正在保存…", "saving…"))
        if await self.kiosk.writer.flush():
            self._say(done + t("已保存。", "saved."))

    def action_previous(self) -> None:
        self._go(-1)

    def action_next(self) -> None:
        self._go(1)

    def action_back(self) -> None:
        self.dismiss()

    # -- changing -------------------------------------------------------------------

    def _change(self, change: Callable[[Meeting], Meeting], done: str) -> None:
        """Apply a flow step; show its refusal in the kiosk's language."""
        try:
            updated = change(self.meeting)
        except FlowError as error:
            self._say(f"{error.rule}: {error.message(self.env.lang)}", error=True)
            return
        self.kiosk.save_meeting(updated)
        self.refresh_content()
        self._say(done + self.env.t("正在保存…", " Saving…"))
        self._confirm_saved(done)

    @work(group="after-save", exit_on_error=False)
    async def _confirm_saved(self, done: str) -> None:
        # A failed write is reported by the app (save_failed), which reloads
        # the records and sends RecordsChanged.
        if await self.kiosk.writer.flush():
            self._say(done + self.env.t("已保存。", " Saved."))

    def _neighbour(self, offset: int) -> str | None:
        """The id of the group's meeting before or after this one (of those
        held, the only ones with minutes)."""
        ids = self.kiosk.records.held_meeting_ids(self.meeting.group_id)
        if self.meeting_id not in ids:
            return None
        index = ids.index(self.meeting_id) + offset
        return ids[index] if 0 <= index < len(ids) else None

    def _go(self, offset: int) -> None:
        target = self._neighbour(offset)
        if target is None:
            return
        self.meeting_id = target
        self.message_line.update("")
        self.refresh_content()
        self.minutes_view.scroll_home(animate=False)
