"""A PIN before something only the unlocked user may do, and leaving the
kiosk (Ctrl+Q / Ctrl+C), which is one of those things.

``PinCheckScreen``: the PIN of the person who unlocked the kiosk; locked, the
PIN of anyone who may unlock (choose the name, type the PIN). While nobody
holds a PIN (a branch not yet put into service) leaving needs none
(``LeaveWithoutPinScreen``): the room is never stranded. Wrong PINs count
toward the same lockout as on the lock screen. Escape goes back. The secret
ballot asks for it before a round is closed or the voting is paused
(``tui.screens.election_ballot``), so that a voter at the screen cannot do
either.
"""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.core.kiosk import Kiosk
from tui.navigation import KioskApp
from tui.screens.lock import PinForm


class PinCheckScreen(ModalScreen[bool]):
    """A PIN, then dismissed with True; Escape: False."""

    CSS_PATH = "lock.tcss"

    app = getters.app(KioskApp)

    BINDINGS = [Binding("escape", "cancel", "取消", id="check-cancel", show=False)]

    def __init__(
        self,
        kiosk: Kiosk,
        title: tuple[str, str],
        what: tuple[str, str],
        enter: tuple[str, str] = ("确认", "confirm"),
    ) -> None:
        """``title``, ``what`` (what the PIN is for: "to leave") and what
        Enter does, each in Chinese and English."""
        super().__init__()
        self.kiosk = kiosk
        self.check_title = title
        self.what = what
        self.enter = enter

    def compose(self) -> ComposeResult:
        t = self.kiosk.env.t
        session = self.kiosk.session
        user = session.user if session is not None else None
        zh, en = self.what
        with Vertical(id="check-box"):
            yield Static(t(*self.check_title), id="check-title")
            if user is not None:
                hint = t(f"请输入 {user.name} 的 PIN {zh}", f"Type {user.name}'s PIN {en}")
            else:
                hint = t(f"选择姓名并输入 PIN {zh}", f"Choose a name and type the PIN {en}")
            yield Static(Content(hint), id="check-hint")
            yield PinForm(self.kiosk, user, id="check-form")
            keys = t(f"回车 {self.enter[0]} · Esc 取消", f"Enter {self.enter[1]} · Esc cancel")
            if user is None:
                keys = t("↑↓ 选择 · ", "↑↓ choose · ") + keys
            yield Static(keys, id="check-keys")

    @on(PinForm.Accepted, "#check-form")
    def _accepted(self, event: PinForm.Accepted) -> None:
        event.stop()
        self.confirmed()

    def confirmed(self) -> None:
        """The right PIN was typed."""
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class LeaveWithoutPinScreen(ModalScreen[None]):
    """退出小组 while nobody holds a PIN: nothing to protect yet, and nobody
    could type one, so Enter leaves; the screen says how to set one up."""

    CSS_PATH = "lock.tcss"

    app = getters.app(KioskApp)

    BINDINGS = [
        Binding("enter", "leave", "退出", id="leave-confirm", show=False),
        Binding("escape", "cancel", "取消", id="leave-cancel", show=False),
    ]

    def __init__(self, kiosk: Kiosk) -> None:
        super().__init__()
        self.kiosk = kiosk

    def compose(self) -> ComposeResult:
        t = self.kiosk.env.t
        with Vertical(id="check-box"):
            yield Static(t("退出小组", "Leave xiaozu"), id="check-title")
            yield Static(
                t(
                    "还没有人持有 PIN,退出无需 PIN。设置 PIN:在终端运行 xiaozu init 获得设置码,"
                    "再启动小组,在锁定屏按 Ctrl+S 输入。",
                    "Nobody holds a PIN yet, so leaving needs none. To set one up: run"
                    " xiaozu init in a terminal for a set-up code, start xiaozu again and"
                    " press Ctrl+S on the lock screen.",
                ),
                id="check-hint",
            )
            yield Static(t("回车 退出 · Esc 取消", "Enter leave · Esc cancel"), id="check-keys")

    def action_leave(self) -> None:
        self.app.exit()

    def action_cancel(self) -> None:
        self.dismiss(None)


class ExitScreen(PinCheckScreen):
    """退出小组: a PIN before the kiosk closes."""

    def __init__(self, kiosk: Kiosk) -> None:
        super().__init__(
            kiosk, ("退出小组", "Leave xiaozu"), ("以退出", "to leave"), ("退出", "leave")
        )

    def confirmed(self) -> None:
        self.app.exit()
