"""The lock screen: the kiosk at rest, at the bottom of the screen stack.

A person who may unlock (a group leader, the branch secretary or the
organisation member, with a PIN) chooses their name with the arrow keys and
types their PIN. A leader of one group lands on that group's home; a branch
admin first chooses the group (or, in a branch without groups, the branch's
member congress — B1).

SPEC §4: "PINs are stored hashed; repeated wrong PINs lock out for a while;
the kiosk locks itself after idle time and shows no previous user's data."
So the PIN field is cleared as soon as Enter is pressed, the PIN is never
shown, logged or notified, and whenever the screen comes back (``reset``)
it is as if nobody had used it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from rules.models import BranchRole, Person
from rules.organisation import access
from storage import StorageError
from tui.core.kiosk import Kiosk
from tui.navigation import KioskApp
from tui.screens.pin_dialog import PinDialog
from tui.screens.setup import SETUP_HINT, AdminChoiceScreen, SetupCodeScreen, branch_admins


def role_label(person: Person, kiosk: Kiosk) -> str:
    """How the lock screen names a person's part: 书记, 组织委员, 第一党小组组长."""
    t = kiosk.env.t
    if person.branch_role is BranchRole.SECRETARY:
        return t("支部书记", "branch secretary")
    if person.branch_role is BranchRole.ORGANISATION:
        return t("组织委员", "organisation member")
    groups = "、".join(g.name for g in access.led_groups(person, kiosk.org))
    return t(f"{groups}组长", f"leader, {groups}")


class PinInput(Input):
    """A masked PIN field whose text never leaves it: nothing is copied or cut
    to the clipboard, and nothing is selected on focus."""

    def __init__(self, *, placeholder: str, id: str) -> None:
        super().__init__(
            placeholder=placeholder, password=True, max_length=32, select_on_focus=False, id=id
        )

    def action_copy(self) -> None:
        pass

    def action_cut(self) -> None:
        pass


class _People(OptionList, can_focus=False):
    """The people to choose from; the PIN field keeps the focus and the arrow
    keys move this list's highlight."""


@dataclass(frozen=True)
class _Checked:
    person: Person
    verdict: access.PinVerdict


class PinForm(Vertical):
    """Choose a person who may unlock (unless the form is for one given
    person) and type their PIN; Enter checks it in a thread worker.

    Posts :class:`PinForm.Accepted` for a right PIN; for a wrong one says how
    many tries are left, and for a locked-out person until when.
    """

    BINDINGS = [
        Binding("up", "choose(-1)", "上一位", id="pin-previous", show=False),
        Binding("down", "choose(1)", "下一位", id="pin-next", show=False),
    ]

    @dataclass
    class Accepted(Message):
        """The PIN was right: ``person`` may go on."""

        form: PinForm
        person: Person

        @property
        def control(self) -> PinForm:
            return self.form

    field = getters.query_one("#pin", PinInput)

    def __init__(self, kiosk: Kiosk, person: Person | None = None, *, id: str) -> None:
        super().__init__(id=id)
        self.kiosk = kiosk
        self.choosing = person is None
        self.people = kiosk.credentials.unlockers() if person is None else (person,)
        self._said = ""
        self._check: Worker[_Checked] | None = None

    def compose(self) -> ComposeResult:
        t = self.kiosk.env.t
        if self.choosing and not self.people:
            # Nobody to choose, no PIN to type: the screen says how to begin.
            yield Static("", id="pin-message", markup=False)
            return
        if self.choosing:
            yield _People(
                *(
                    Option(Content(f"{p.name}  {role_label(p, self.kiosk)}"), id=p.id)
                    for p in self.people
                ),
                id="pin-people",
            )
        yield PinInput(placeholder=t("PIN(输入后按回车)", "PIN (then Enter)"), id="pin")
        yield Static("", id="pin-message", markup=False)

    def on_mount(self) -> None:
        self.reset()

    # -- state ------------------------------------------------------------------

    @property
    def at_rest(self) -> bool:
        """Nothing typed, nothing said, nobody chosen but the first (and so
        while the form's fields are still being mounted)."""
        people = self.query(_People)
        fields = self.query(PinInput)
        chosen = people.first().highlighted if self.choosing and people else 0
        typed = bool(fields) and bool(fields.first().value)
        return not typed and not self._said and self._check is None and not chosen

    async def reload(self) -> None:
        """Offer again whoever may unlock now (a PIN was just set)."""
        if self.choosing:
            self.people = self.kiosk.credentials.unlockers()
            await self.recompose()
        self._reset_fields()

    def reset(self) -> None:
        """Back to the start: empty field, first person, no message; a check
        still running is forgotten (its wrong PIN still counts). Whoever got
        a PIN meanwhile (the secretary gave a leader one) is offered too."""
        if self.choosing:
            people = self.kiosk.credentials.unlockers()
            if people != self.people:
                self.people = people
                self.refresh(recompose=True)
                self.call_after_refresh(self._reset_fields)
                return
        self._reset_fields()

    def _reset_fields(self) -> None:
        if self._check is not None:
            self._check.cancel()
            self._check = None
        for field in self.query(PinInput):
            field.value = ""
            field.focus()
        for people in self.query(_People):
            people.highlighted = 0 if people.option_count else None
            people.scroll_home(animate=False)
        self._say("")

    def chosen(self) -> Person | None:
        if not self.choosing:
            return self.people[0]
        index = self.query_one(_People).highlighted
        return self.people[index] if index is not None and index < len(self.people) else None

    def say(self, text: str) -> None:
        """Show ``text`` under the form (it counts as something said: the
        kiosk does not lock itself over it until the idle time is up)."""
        self._say(text)

    def _say(self, text: str) -> None:
        self._said = text
        for message in self.query("#pin-message").results(Static):
            message.update(text)

    # -- keys -------------------------------------------------------------------

    def action_choose(self, step: int) -> None:
        if not self.choosing or self._check is not None:
            return
        people = self.query_one(_People)
        if step < 0:
            people.action_cursor_up()
        else:
            people.action_cursor_down()
        self.field.value = ""
        self._say("")  # what was said was about the person chosen before

    @on(Input.Submitted, "#pin")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        t = self.kiosk.env.t
        pin = event.value
        self.field.value = ""  # the PIN leaves the screen at once
        if self._check is not None:
            return
        person = self.chosen()
        if person is None:
            self._say(
                t(
                    "还没有人可以解锁:按 Ctrl+S 输入设置码(xiaozu init),先为支部书记设置 PIN。",
                    "Nobody can unlock yet: press Ctrl+S for the set-up code (xiaozu init)"
                    " and set the branch secretary's PIN first.",
                )
            )
        elif not pin:
            self._say(t("请输入 PIN。", "Type the PIN."))
        else:
            self._say(t("正在验证…", "Checking…"))
            self._check = self._verify(person, pin)

    # -- the check, off the UI loop ---------------------------------------------

    # The description is fixed: Textual's default would show the arguments,
    # and one of them is the PIN.
    @work(thread=True, exit_on_error=False, name="pin-check", description="PIN check")
    def _verify(self, person: Person, pin: str) -> _Checked:
        verdict = self.kiosk.check_pin(person, pin)
        # Unlock once the records are read (they load behind this screen at
        # start; a failure to read them replaces this screen).
        if verdict.accepted and not self.kiosk.wait_loaded() and self.kiosk.load_error:
            raise self.kiosk.load_error
        return _Checked(person, verdict)

    @on(Worker.StateChanged)
    def _verified(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "pin-check":
            return
        event.stop()
        if event.worker is not self._check or not event.worker.is_finished:
            return
        self._check = None
        t = self.kiosk.env.t
        if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, _Checked):
            self._show(event.worker.result)
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            self._say(
                error.message(self.kiosk.env.lang)
                if isinstance(error, StorageError)
                else t("无法验证 PIN,请重试。", "The PIN could not be checked; try again.")
            )

    def _show(self, checked: _Checked) -> None:
        t = self.kiosk.env.t
        verdict = checked.verdict
        if verdict.accepted:
            self._say("")
            self.post_message(self.Accepted(self, checked.person))
        elif verdict.retry_at is not None:
            self._say(self.locked_text(verdict.retry_at))
        else:
            left = verdict.tries_left
            self._say(t(f"PIN 不正确,剩余尝试次数:{left}", f"Wrong PIN; tries left: {left}"))

    def locked_text(self, retry_at: datetime) -> str:
        env = self.kiosk.env
        local = retry_at.astimezone(env.tz)
        when = f"{local:%H:%M}"
        if local.date() != self.kiosk.today():
            when = f"{env.date(local.date())} {when}"
        return env.t(f"已锁定,请于 {when} 后再试", f"Locked out; try again after {when}")


class LockScreen(Screen[None]):
    """小组 · 党小组会: who may unlock, and their PIN; Ctrl+S: the set-up code
    (``xiaozu init``), with which the secretary sets their own PIN."""

    CSS_PATH = "lock.tcss"

    BINDINGS = [Binding("ctrl+s", "setup", "设置码", id="lock-setup", show=False)]

    app = getters.app(KioskApp)
    form = getters.query_one("#lock-form", PinForm)
    hint = getters.query_one("#lock-hint", Static)
    keys = getters.query_one("#lock-keys", Static)

    def __init__(self, kiosk: Kiosk) -> None:
        super().__init__()
        self.kiosk = kiosk

    def compose(self) -> ComposeResult:
        t = self.kiosk.env.t
        with Vertical(id="lock-box"):
            yield Static(t("小组 · 党小组会", "xiaozu · party group meeting"), id="lock-title")
            yield Static(Content(self.kiosk.org.branch.name), id="lock-branch")
            yield Static("", id="lock-hint")
            # Kept, not only queried: the hint below follows whom it offers,
            # and the screen's mount may come before the form's.
            self._form = PinForm(self.kiosk, id="lock-form")
            yield self._form
        yield Static("", id="lock-keys")

    def on_mount(self) -> None:
        # Once the screen's widgets are all in (under load the screen's
        # mount can come first).
        self.call_after_refresh(self._show_hint)

    def _show_hint(self) -> None:
        """How to unlock; with nobody able to, how to put the branch into
        service, and that Ctrl+Q leaves without a PIN."""
        t = self.kiosk.env.t
        if self._form.people:
            self.hint.update(
                t("选择您的姓名,输入 PIN 解锁", "Choose your name and type your PIN to unlock")
            )
            self.keys.update(
                t(
                    "↑↓ 选择 · 回车 解锁 · Ctrl+S 设置码 · Ctrl+Q 退出",
                    "↑↓ choose · Enter unlock · Ctrl+S set-up code · Ctrl+Q leave",
                )
            )
        else:
            self.hint.update(t(*SETUP_HINT))
            self.keys.update(
                t(
                    "Ctrl+S 输入设置码 · Ctrl+Q 退出(无人持有 PIN 时无需 PIN)",
                    "Ctrl+S set-up code · Ctrl+Q leave (no PIN needed while nobody has one)",
                )
            )

    def action_setup(self) -> None:
        self.put_into_service()

    @work(exclusive=True, group="setup", exit_on_error=False)
    async def put_into_service(self) -> None:
        """The set-up code, the secretary's name, their new PIN; saved in one
        write that also uses up the code, and said only once on disk."""
        kiosk, t = self.kiosk, self.kiosk.env.t
        if not await self.app.push_screen_wait(SetupCodeScreen(kiosk)):
            return
        admins = branch_admins(kiosk)
        if not admins:
            self.form.say(
                t(
                    "名册中没有支部书记或组织委员:请在名册的「支部职务」列为书记填写「书记」,"
                    "重新导入(xiaozu import)后再按 Ctrl+S。设置码仍然有效。",
                    "The roster names no branch secretary or organisation member: put 书记"
                    " (secretary) in the branch_role column, import it again (xiaozu import),"
                    " then press Ctrl+S. The code still works.",
                )
            )
            return
        person = await self.app.push_screen_wait(AdminChoiceScreen(kiosk, admins))
        if person is None:
            return
        title = t(f"设置解锁 PIN:{person.name}", f"Set the unlock PIN: {person.name}")
        note = t(
            "请本人输入两次,他人看不到;设置后设置码即失效。请记住这个 PIN:"
            "之后为各党小组长设置 PIN,也要先用它解锁。",
            "Type it twice yourself; nobody sees it. The set-up code is used up once it"
            " is saved. Remember this PIN: you unlock with it to give each group leader"
            " a PIN.",
        )
        pin = await self.app.push_screen_wait(PinDialog(kiosk.env, title, note))
        if pin is None:
            return
        failed_before = kiosk.writer.last_error
        kiosk.credentials.set_pin(person.id, pin, end_setup=True)
        if not await kiosk.writer.stored(failed_before):
            self.form.say(kiosk.writer.not_saved("PIN 没有保存", "The PIN was not saved"))
            return
        await self.form.reload()
        self._show_hint()
        for index, unlocker in enumerate(self.form.people):
            if unlocker.id == person.id:
                self.query_one(_People).highlighted = index
        self.form.say(
            t(
                f"已保存:{person.name} 的 PIN 已设置。请输入 PIN 解锁。",
                f"Saved: {person.name}'s PIN is set. Type it to unlock.",
            )
        )

    @property
    def at_rest(self) -> bool:
        return self.form.at_rest

    def reset(self) -> None:
        """Show nothing of whoever used the kiosk last."""
        if self.is_mounted:
            self.form.reset()
            self.call_after_refresh(self._show_hint)

    def on_screen_resume(self) -> None:
        self.reset()

    @on(PinForm.Accepted, "#lock-form")
    def _unlocked(self, event: PinForm.Accepted) -> None:
        person = event.person
        choices = access.session_groups(person, self.kiosk.org)
        if len(choices) == 1 and not access.is_branch_admin(person):
            self._start(person, choices[0])
        elif choices:
            self.app.push_screen(
                GroupChoiceScreen(self.kiosk, person, choices), partial(self._chosen, person)
            )
        else:  # may_unlock said yes a moment ago; the roster changed since
            self.form.reset()

    def _chosen(self, person: Person, choice: GroupChoice | None) -> None:
        if choice is not None:
            self._start(person, choice.group_id)

    def _start(self, person: Person, group_id: str | None) -> None:
        self.kiosk.start_session(person, group_id)
        self.reset()
        self.app.show_home()


@dataclass(frozen=True)
class GroupChoice:
    """The group whose meetings the session runs (None: the member congress)."""

    group_id: str | None


class GroupChoiceScreen(ModalScreen[GroupChoice | None]):
    """A branch admin (or a leader of several groups) chooses the group."""

    CSS_PATH = "lock.tcss"

    BINDINGS = [Binding("escape", "cancel", "返回", id="choose-group-cancel", show=False)]

    def __init__(self, kiosk: Kiosk, person: Person, choices: tuple[str | None, ...]) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.person = person
        self.choices = choices

    def compose(self) -> ComposeResult:
        t = self.kiosk.env.t
        with Vertical(id="choose-box"):
            yield Static(
                Content(
                    t(
                        f"{self.person.name},请选择要主持的会议",
                        f"{self.person.name}, choose the meeting to run",
                    )
                ),
                id="choose-title",
            )
            yield OptionList(*(self._option(gid) for gid in self.choices), id="choose-groups")
            yield Static(
                t("↑↓ 选择 · 回车 确定 · Esc 返回", "↑↓ choose · Enter confirm · Esc back"),
                id="choose-keys",
            )

    def _option(self, group_id: str | None) -> Option:
        t = self.kiosk.env.t
        org = self.kiosk.org
        group = org.group(group_id) if group_id is not None else None
        if group is None:
            name = org.branch.name
            return Option(Content(t(f"{name}党员大会", f"{name} party member congress")))
        leader = self.kiosk.records.name(group.leader_id)
        members = len(org.members_of(group.id))
        return Option(
            Content(
                t(
                    f"{group.name} · 组长 {leader} · {members} 名党员",
                    f"{group.name} · leader {leader} · {members} members",
                )
            )
        )

    def on_mount(self) -> None:
        groups = self.query_one("#choose-groups", OptionList)
        groups.highlighted = 0
        groups.focus()

    @on(OptionList.OptionSelected, "#choose-groups")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(GroupChoice(self.choices[event.option_index]))

    def action_cancel(self) -> None:
        self.dismiss(None)
