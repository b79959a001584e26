"""Putting a branch into service: the set-up code (设置码) at the lock screen.

A branch that starts from its own roster has nobody with a PIN. On the
kiosk's own terminal the secretary runs ``xiaozu init``, which prints a
one-time set-up code (twelve digits, good for a week, stored only hashed).
At the lock screen Ctrl+S asks for it; with the right code the secretary (or
the organisation member) chooses their name and sets their own PIN, and the
code is used up in the same write. From then on the secretary gives each
group leader a PIN on the kiosk (PINs and branch roles, K on home) or with
``xiaozu pin set``. The same code, printed again, lets a branch whose
secretary forgot their PIN back in.

The screens here only ask; the lock screen runs the steps
(``LockScreen.put_into_service``).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from rules.models import Person
from rules.organisation import access
from rules.organisation.changes import BRANCH_ROLE_LABELS
from storage import StorageError
from tui.core.kiosk import Kiosk

#: What the lock screen says while nobody can unlock: how to begin.
SETUP_HINT = (
    "本支部还没有人设置 PIN。支部书记请在本机终端运行 xiaozu init 获得一次性设置码,"
    "然后在此按 Ctrl+S 输入设置码,设置自己的 PIN。",
    "Nobody in this branch has a PIN yet. The branch secretary runs xiaozu init on"
    " this machine's terminal for a one-time set-up code, then presses Ctrl+S here,"
    " types the code and sets their own PIN.",
)


def branch_admins(kiosk: Kiosk) -> tuple[Person, ...]:
    """Who may set their PIN with the code: the secretary, the organisation member."""
    return tuple(p for p in kiosk.org.people if access.is_branch_admin(p))


@dataclass(frozen=True)
class _Verdict:
    verdict: access.PinVerdict


class SetupCodeScreen(ModalScreen[bool]):
    """The set-up code, typed (masked) and checked off the UI loop; dismissed
    with True once it is right, False on Escape."""

    CSS_PATH = "lock.tcss"

    BINDINGS = [Binding("escape", "cancel", "取消", id="setup-cancel", show=False)]

    field = getters.query_one("#setup-code", Input)
    message = getters.query_one("#setup-message", Static)

    def __init__(self, kiosk: Kiosk) -> None:
        super().__init__()
        self.kiosk = kiosk
        self._check: Worker[_Verdict] | None = None

    def compose(self) -> ComposeResult:
        t = self.kiosk.env.t
        expires = self.kiosk.credentials.setup_code_expires(self.kiosk.now())
        if expires is None:
            state = t(
                "现在没有有效的设置码:请先在本机终端运行 xiaozu init(设置码7天内有效,只能用一次)。",
                "There is no set-up code in force: run xiaozu init on this machine's terminal"
                " first (a code is good for 7 days, and for one use).",
            )
        else:
            local = expires.astimezone(self.kiosk.env.tz)
            when = f"{self.kiosk.env.date(local.date())} {local:%H:%M}"
            state = t(f"设置码有效期至 {when}。", f"The set-up code is good until {when}.")
        with Vertical(id="setup-box"):
            yield Static(t("投入使用 · 设置码", "Put into service · set-up code"), id="setup-title")
            yield Static(
                t(
                    "输入 xiaozu init 打印的12位设置码(空格可输可不输)。",
                    "Type the 12-digit code xiaozu init printed (spaces or not).",
                ),
                id="setup-hint",
            )
            yield Static(Content(state), id="setup-state")
            yield Input(password=True, max_length=32, id="setup-code")
            yield Static("", id="setup-message", markup=False)
            yield Static(t("回车 确认 · Esc 取消", "Enter confirm · Esc cancel"), id="setup-keys")

    def on_mount(self) -> None:
        self.field.focus()

    @on(Input.Submitted, "#setup-code")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        typed = event.value
        self.field.value = ""  # the code leaves the screen at once
        if self._check is not None:
            return
        t = self.kiosk.env.t
        if access.setup_code(typed) is None:
            self.message.update(
                t("设置码是12位数字,请重新输入。", "The code is 12 digits; type it again.")
            )
            return
        self.message.update(t("正在验证…", "Checking…"))
        self._check = self._verify(typed)

    @work(thread=True, exit_on_error=False, name="setup-check", description="set-up code")
    def _verify(self, typed: str) -> _Verdict:
        return _Verdict(self.kiosk.credentials.check_setup_code(typed, self.kiosk.now()))

    @on(Worker.StateChanged)
    def _verified(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "setup-check":
            return
        event.stop()
        if event.worker is not self._check or not event.worker.is_finished:
            return
        self._check = None
        t, env = self.kiosk.env.t, self.kiosk.env
        result = event.worker.result
        if event.state is WorkerState.SUCCESS and isinstance(result, _Verdict):
            verdict = result.verdict
            if verdict.accepted:
                self.dismiss(True)
                return
            retry = verdict.retry_at
            if retry is not None:
                when = f"{retry.astimezone(env.tz):%H:%M}"
                self.message.update(
                    t(f"已锁定,请于 {when} 后再试。", f"Locked out; try again after {when}.")
                )
            else:
                left = verdict.tries_left
                self.message.update(
                    t(
                        f"设置码不正确或已失效,剩余尝试次数:{left}。"
                        "设置码用过一次或超过7天即失效,可再运行 xiaozu init 获取新的。",
                        f"Wrong or expired code; tries left: {left}. A code stops working"
                        " after one use or 7 days: run xiaozu init again for a new one.",
                    )
                )
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            self.message.update(
                error.message(env.lang)
                if isinstance(error, StorageError)
                else t("无法验证设置码,请重试。", "The code could not be checked; try again.")
            )

    def action_cancel(self) -> None:
        self.dismiss(False)


class AdminChoiceScreen(ModalScreen[Person | None]):
    """Who sets their PIN with the code: the branch secretary or the
    organisation member, as the roster names them."""

    CSS_PATH = "lock.tcss"

    BINDINGS = [Binding("escape", "cancel", "取消", id="setup-admin-cancel", show=False)]

    def __init__(self, kiosk: Kiosk, admins: tuple[Person, ...]) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.admins = admins

    def compose(self) -> ComposeResult:
        t = self.kiosk.env.t
        holders = self.kiosk.credentials.pin_holders()
        with Vertical(id="setup-box"):
            yield Static(
                t("投入使用 · 选择您的姓名", "Put into service · your name"), id="setup-title"
            )
            yield Static(
                t(
                    "设置码正确。请选择您的姓名,然后设置您自己的 PIN。",
                    "The code is right. Choose your name, then set your own PIN.",
                ),
                id="setup-hint",
            )
            options = []
            for person in self.admins:
                role = t(*BRANCH_ROLE_LABELS[person.branch_role])
                has = (
                    t(" · 已有 PIN(将被替换)", " · has a PIN (replaced)")
                    if (person.id in holders)
                    else ""
                )
                options.append(Option(Content(f"{person.name}  {role}{has}"), id=person.id))
            yield OptionList(*options, id="setup-admins")
            yield Static(
                t("↑↓ 选择 · 回车 确定 · Esc 取消", "↑↓ choose · Enter confirm · Esc cancel"),
                id="setup-keys",
            )

    def on_mount(self) -> None:
        admins = self.query_one("#setup-admins", OptionList)
        admins.highlighted = 0
        admins.focus()

    @on(OptionList.OptionSelected, "#setup-admins")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.admins[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
