"""A new PIN, typed twice by its owner and never shown (SPEC §4).

One dialog for every new PIN: a member's sign-in PIN (sign-in setup), a
leader's or the secretary's unlock PIN (PINs and branch roles), and the
secretary's first PIN when a branch is put into service (the set-up code).
A new PIN has 6–12 digits (``rules.organisation.access.new_pin``): a copy of the data must
not give it up to a short offline search.
"""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from rules.organisation import access
from tui.core.env import KioskEnv
from tui.widgets.bindings import localise_bindings

_ENGLISH = {"pin.save": "Save", "pin.cancel": "Cancel"}

_LOW, _HIGH = access.NEW_PIN_DIGITS


class PinDialog(ModalScreen[str | None]):
    """Dismissed with the PIN (normalised) when both fields agree and hold
    6–12 digits, or None on Escape. A refusal clears both fields and says
    why. Enter goes to the second field, and there saves; Ctrl+S saves."""

    CSS_PATH = "pin_dialog.tcss"

    BINDINGS = [
        Binding("ctrl+s", "save", "保存", id="pin.save"),
        Binding("escape", "cancel", "取消", id="pin.cancel"),
    ]

    first = getters.query_one("#pin-first", Input)
    again = getters.query_one("#pin-again", Input)
    error_line = getters.query_one("#pin-error", Static)

    def __init__(self, env: KioskEnv, title: str, note: str) -> None:
        super().__init__()
        self.env = env
        self.pin_title = title
        self.note = note
        localise_bindings(self, env.lang, _ENGLISH)

    def compose(self) -> ComposeResult:
        t = self.env.t
        with Vertical(id="pin-dialog"):
            yield Static(self.pin_title, id="pin-title", markup=False)
            yield Static(self.note, id="pin-note", markup=False)
            yield Static(
                t(f"新 PIN({_LOW}–{_HIGH} 位数字)", f"New PIN ({_LOW}–{_HIGH} digits)"),
                classes="pin-label",
            )
            yield Input(password=True, id="pin-first", max_length=24)
            yield Static(t("再输入一次", "Once more"), classes="pin-label")
            yield Input(password=True, id="pin-again", max_length=24)
            yield Static("", id="pin-error", markup=False)
            yield Static(
                t(
                    "Enter 下一项/保存 · Ctrl+S 保存 · Esc 取消",
                    "Enter next/save · Ctrl+S save · Esc cancel",
                ),
                id="pin-keys",
            )

    def on_mount(self) -> None:
        self.first.focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter goes on to the second field; there it saves."""
        event.stop()
        if event.input is self.first:
            self.again.focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        t = self.env.t
        pin = access.new_pin(self.first.value)
        if pin is None:
            problem = t(
                f"PIN 须为 {_LOW}–{_HIGH} 位数字(不能有字母、空格或符号)。请重新输入。",
                f"A PIN is {_LOW} to {_HIGH} digits (no letters, spaces or signs). Type it again.",
            )
        elif access.new_pin(self.again.value) != pin:
            problem = t(
                "两次输入的 PIN 不一致,没有保存。请重新输入两次。",
                "The two PINs differ; nothing was saved. Type it twice again.",
            )
        else:
            self.dismiss(pin)
            return
        self.first.clear()
        self.again.clear()
        self.first.focus()
        self.error_line.update(problem)

    def action_cancel(self) -> None:
        self.dismiss(None)
