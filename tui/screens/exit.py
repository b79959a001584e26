"""Leaving the kiosk (Ctrl+Q / Ctrl+C) needs a PIN.

Unlocked: the PIN of the person who unlocked it. Locked: the PIN of anyone
who may unlock (choose the name, type the PIN). Wrong PINs count toward the
same lockout as on the lock screen. Escape goes back.
"""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.app import XiaozuApp
from tui.kiosk import Kiosk
from tui.screens.lock import PinForm


class ExitScreen(ModalScreen[None]):
    """退出小组: a PIN before the kiosk closes."""

    app = getters.app(XiaozuApp)

    BINDINGS = [Binding("escape", "cancel", "取消", id="exit-cancel", show=False)]

    def __init__(self, kiosk: Kiosk) -> None:
        super().__init__()
        self.kiosk = kiosk

    def compose(self) -> ComposeResult:
        t = self.kiosk.env.t
        session = self.kiosk.session
        user = session.user if session is not None else None
        with Vertical(id="exit-box"):
            yield Static(t("退出小组", "Leave xiaozu"), id="exit-title")
            if user is not None:
                hint = t(f"请输入 {user.name} 的 PIN 以退出", f"Type {user.name}'s PIN to leave")
            else:
                hint = t("选择姓名并输入 PIN 以退出", "Choose a name and type the PIN to leave")
            yield Static(Content(hint), id="exit-hint")
            yield PinForm(self.kiosk, user, id="exit-form")
            keys = t("回车 退出 · Esc 取消", "Enter leave · Esc cancel")
            if user is None:
                keys = t("↑↓ 选择 · ", "↑↓ choose · ") + keys
            yield Static(keys, id="exit-keys")

    @on(PinForm.Accepted, "#exit-form")
    def _accepted(self, event: PinForm.Accepted) -> None:
        event.stop()
        self.app.exit()

    def action_cancel(self) -> None:
        self.dismiss(None)
