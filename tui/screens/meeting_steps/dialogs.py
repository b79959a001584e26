"""Small dialogs of the meeting: a reason for leave or absence, a speaker's
opinion, a follow-up task, and a question to confirm (finalising, starting
early, taking something back).

Each dialog is handed a ``save`` function by the meeting screen. Saving
calls it with what was typed; it answers None when the change went through
the flow and was saved (the dialog closes), or the refusal to show (the
dialog stays open, nothing typed is lost). Escape closes without saving.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Select, Static

from rules.models import Capacity, FollowUpTask, Opinion
from tui.core.env import KioskEnv
from tui.labels import CAPACITY_LABELS
from tui.widgets.bindings import localise_bindings
from tui.widgets.form_fields import FORM_KEYS_TEXT, FieldSelect, next_field

_ENGLISH = {"dialog.save": "Save", "dialog.cancel": "Cancel", "dialog.confirm": "Confirm"}


@dataclass(frozen=True)
class OpinionDraft:
    speaker_id: str
    capacity: Capacity
    text: str


@dataclass(frozen=True)
class TaskDraft:
    assignee_id: str
    what: str
    due: date | None  # None: not a date as typed
    due_text: str


class FormDialog(ModalScreen[bool]):
    """A form that saves through a function of its owner (the meeting's
    dialogs, the dues screen's forms)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "保存", id="dialog.save"),
        Binding("escape", "cancel", "取消", id="dialog.cancel"),
    ]

    error_line = getters.query_one(".dialog-error", Static)

    def __init__(self, env: KioskEnv, title: str, hint: str = "") -> None:
        super().__init__()
        self.env = env
        self.title_text = title
        self.hint = hint
        localise_bindings(self, env.lang, _ENGLISH)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            if self.hint:
                yield Static(self.hint, classes="dialog-label", markup=False)
            yield from self.fields()
            yield Static("", classes="dialog-error", markup=False)
            yield Static(self.keys_text(), classes="dialog-keys")
        yield Footer()

    def keys_text(self) -> str:
        return self.env.t(*FORM_KEYS_TEXT)

    def fields(self) -> ComposeResult:
        yield from ()

    def attempt(self) -> str | None:
        """Save what was typed: None when saved, else why not."""
        raise NotImplementedError

    def action_save(self) -> None:
        problem = self.attempt()
        if problem is None:
            self.dismiss(True)
        else:
            self.error_line.update(problem)

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Input.Submitted)
    @on(FieldSelect.Submitted)
    def _submitted(self, event: Input.Submitted | FieldSelect.Submitted) -> None:
        """Enter goes on to the next field; on the last one it saves."""
        event.stop()
        next_field(self, event.control, self.action_save)


class ReasonDialog(FormDialog):
    """Why someone is on leave (请假) or absent (缺席)."""

    CSS_PATH = "dialogs.tcss"

    reason = getters.query_one("#dialog-reason", Input)

    def __init__(
        self, env: KioskEnv, title: str, reason: str, save: Callable[[str], str | None]
    ) -> None:
        super().__init__(env, title)
        self.initial = reason
        self.save = save

    def fields(self) -> ComposeResult:
        yield Input(
            self.initial,
            placeholder=self.env.t("原因(必填)", "Reason (required)"),
            id="dialog-reason",
        )

    def attempt(self) -> str | None:
        return self.save(self.reason.value)


class OpinionDialog(FormDialog):
    """Who spoke, in which capacity (L3), and what they said."""

    CSS_PATH = "dialogs.tcss"

    speaker = getters.query_one("#opinion-speaker", FieldSelect)
    capacity = getters.query_one("#opinion-capacity", FieldSelect)
    text = getters.query_one("#opinion-text", Input)

    def __init__(
        self,
        env: KioskEnv,
        title: str,
        speakers: Sequence[tuple[str, str]],
        save: Callable[[OpinionDraft], str | None],
        editing: Opinion | None = None,
    ) -> None:
        super().__init__(env, title)
        self.speakers = list(speakers)  # (label, person id)
        self.save = save
        self.editing = editing  # the opinion being corrected, if any

    def fields(self) -> ComposeResult:
        t, editing = self.env.t, self.editing
        yield Static(t("发言人", "Speaker"), classes="dialog-label")
        ids = [pid for _, pid in self.speakers]
        yield FieldSelect(
            self.speakers,
            allow_blank=False,
            value=editing.speaker_id if editing and editing.speaker_id in ids else Select.NULL,
            id="opinion-speaker",
            compact=True,
        )
        yield Static(t("身份", "Capacity"), classes="dialog-label")
        yield FieldSelect(
            [(t(*CAPACITY_LABELS[c]), c.value) for c in Capacity],
            allow_blank=False,
            value=(editing.capacity if editing else Capacity.PERSONAL).value,
            id="opinion-capacity",
            compact=True,
        )
        yield Static(t("意见", "Opinion"), classes="dialog-label")
        yield Input(
            editing.text if editing else "",
            placeholder=t("发言要点", "What they said"),
            id="opinion-text",
        )

    def attempt(self) -> str | None:
        return self.save(
            OpinionDraft(
                speaker_id=str(self.speaker.value),
                capacity=Capacity(str(self.capacity.value)),
                text=self.text.value,
            )
        )


class TaskDialog(FormDialog):
    """A follow-up task: who, what, by when (YYYY-MM-DD)."""

    CSS_PATH = "dialogs.tcss"

    who = getters.query_one("#task-who", FieldSelect)
    what = getters.query_one("#task-what", Input)
    due = getters.query_one("#task-due", Input)

    def __init__(
        self,
        env: KioskEnv,
        title: str,
        people: Sequence[tuple[str, str]],
        save: Callable[[TaskDraft], str | None],
        editing: FollowUpTask | None = None,
    ) -> None:
        super().__init__(env, title)
        self.people = list(people)  # (label, person id)
        self.save = save
        self.editing = editing  # the task being corrected, if any

    def fields(self) -> ComposeResult:
        t, editing = self.env.t, self.editing
        ids = [pid for _, pid in self.people]
        who = editing.assignee_id if editing and editing.assignee_id in ids else Select.NULL
        yield Static(t("负责人", "Who"), classes="dialog-label")
        yield FieldSelect(self.people, allow_blank=False, value=who, id="task-who", compact=True)
        yield Static(t("任务", "What"), classes="dialog-label")
        yield Input(
            editing.what if editing else "",
            placeholder=t("做什么", "What is to be done"),
            id="task-what",
        )
        yield Static(t("完成期限", "By when"), classes="dialog-label")
        yield Input(
            editing.due.isoformat() if editing else "",
            placeholder="YYYY-MM-DD",
            id="task-due",
            max_length=10,
        )

    def attempt(self) -> str | None:
        text = self.due.value.strip()
        try:
            due: date | None = date.fromisoformat(text)
        except ValueError:
            due = None
        return self.save(
            TaskDraft(assignee_id=str(self.who.value), what=self.what.value, due=due, due_text=text)
        )


class ConfirmDialog(FormDialog):
    """A question before something that cannot be undone or that the rules
    warn about: what will happen, shown in full; Enter or Ctrl+S goes ahead,
    Escape changes nothing."""

    CSS_PATH = "dialogs.tcss"

    BINDINGS = [
        Binding("ctrl+s", "save", "确认", id="dialog.confirm"),
        Binding("enter", "save", "确认", show=False, id="dialog.confirm_enter"),
    ]

    def __init__(self, env: KioskEnv, title: str, body: str, go: Callable[[], str | None]) -> None:
        super().__init__(env, title)
        self.body = body
        self.go = go

    def fields(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-body"):
            yield Static(self.body, markup=False)

    def keys_text(self) -> str:
        return self.env.t(
            "Enter 或 Ctrl+S 确认 · Esc 取消(不做任何改动)",
            "Enter or Ctrl+S to go ahead · Esc cancels (nothing changes)",
        )

    def attempt(self) -> str | None:
        return self.go()
