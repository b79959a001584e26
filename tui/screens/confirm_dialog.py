"""A question with a yes and a no, for a step that cannot be taken back:
what it is about, in lines, and Y (or Enter) to go on, N (or Escape) not to.

Dismissed with True (yes) or False (no).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from tui.env import KioskEnv
from tui.widgets.bindings import localise_bindings

_ENGLISH = {"confirm.yes": "Yes", "confirm.no": "No"}


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "是", id="confirm.yes"),
        Binding("enter", "answer(True)", "是", show=False, id="confirm.yes-enter"),
        Binding("n", "answer(False)", "否", id="confirm.no"),
        Binding("escape", "answer(False)", "否", show=False, id="confirm.no-escape"),
    ]

    def __init__(self, env: KioskEnv, title: str, lines: Sequence[str], question: str) -> None:
        super().__init__()
        self.env = env
        self.title_text = title
        self.lines = list(lines)
        self.question = question
        localise_bindings(self, env.lang, _ENGLISH)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(self.title_text, id="confirm-title", markup=False)
            for line in self.lines:
                yield Static(line, classes="confirm-line", markup=False)
            yield Static(self.question, id="confirm-question", markup=False)
        yield Footer()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
