"""PINs and branch roles (PIN 与职务): the secretary's side of who may unlock.

Opened from home with K, by the branch secretary and the organisation member
only (SPEC §4). Every party member of the branch is listed with their group,
their part (书记, 组织委员, 支委会委员, 组长 of which group) and whether they
hold an unlock PIN. P (or Enter) sets or resets the PIN of someone who may
unlock: a group leader, the secretary, the organisation member; the person
types it twice themselves (6–12 digits) and it replaces the old one at once,
ending any lockout. R records a change of branch role (换届): a new secretary
or organisation member takes the seat from whoever held it, with the day and
the reason kept as history; the new holder then gets their PIN here. A new
group leader is recorded in the group editor (G, from the branch view) and
gets their PIN here too. Whoever unlocked and gives up their own seat is
locked out at once: they may no longer see the whole branch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from rules.models import BranchRole, Person
from rules.organisation import access
from rules.organisation.changes import (
    BRANCH_ROLE_LABELS,
    ChangeRefused,
    OrgChange,
    Reason,
    Recorded,
)
from rules.organisation.people import change_branch_role
from tui.core.kiosk import Kiosk
from tui.messages import RecordsChanged
from tui.navigation import KioskApp
from tui.screens.groups_dialogs import ChangeDialog, Field, day_field
from tui.screens.pin_dialog import PinDialog
from tui.widgets.bindings import localise_bindings
from tui.widgets.footer import KeysFooter

_ENGLISH = {"officers.pin": "Set PIN", "officers.role": "Branch role", "officers.back": "Back"}


@dataclass(frozen=True)
class OfficerRow:
    person: Person
    group_name: str


class OfficersScreen(Screen[None]):
    """Who may unlock, their PINs, and the branch committee's seats."""

    CSS_PATH = "members.tcss"

    BINDINGS = [
        Binding("p", "set_pin", "设置 PIN", id="officers.pin"),
        Binding("r", "role", "支部职务", id="officers.role"),
        Binding("escape", "back", "返回", id="officers.back"),
    ]

    app = getters.app(KioskApp)
    title_line = getters.query_one("#officers-title", Static)
    table = getters.query_one("#officers-table", DataTable)
    message_line = getters.query_one("#officers-message", Static)

    def __init__(self, kiosk: Kiosk) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.env = kiosk.env
        self.rows: list[OfficerRow] = []
        localise_bindings(self, self.env.lang, _ENGLISH)

    def compose(self) -> ComposeResult:
        t = self.env.t
        yield Header()
        yield Static("", id="officers-title", markup=False)
        table: DataTable[str] = DataTable(
            id="officers-table", cursor_type="row", zebra_stripes=True
        )
        table.add_columns(
            t("姓名", "Name"), t("党小组", "Group"), t("职务", "Part"), t("解锁 PIN", "Unlock PIN")
        )
        yield table
        yield Static(
            t(
                "P 或回车:为所选人员设置/重设解锁 PIN(本人输入)· R:支部职务(换届)"
                " · 组长在党小组编辑中设定 · Esc 返回",
                "P or Enter: set or reset the person's unlock PIN (they type it)"
                " · R: branch role (换届) · leaders are set in the group editor · Esc back",
            ),
            id="officers-hint",
        )
        yield Static("", id="officers-message", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.refresh_content()
        self.table.focus()

    @on(RecordsChanged)
    def _records_changed(self) -> None:
        self.refresh_content()

    # -- showing ------------------------------------------------------------------

    def part(self, person: Person) -> str:
        t, org = self.env.t, self.kiosk.org
        parts = []
        if person.branch_role is not BranchRole.NONE:
            parts.append(t(*BRANCH_ROLE_LABELS[person.branch_role]))
        for group in access.led_groups(person, org):
            parts.append(t(f"{group.name}组长", f"leader, {group.name}"))
        return "、".join(parts) if self.env.lang != "en" else ", ".join(parts)

    def refresh_content(self) -> None:
        t, org = self.env.t, self.kiosk.org
        keep = self.selected.id if self.selected is not None else None
        names = {g.id: g.name for g in org.groups}
        order = {g.id: i for i, g in enumerate(org.groups)}
        people = sorted(
            org.party_members,
            key=lambda p: (not access.may_unlock(p, org), order.get(p.group_id or "", len(order))),
        )
        self.rows = [OfficerRow(p, names.get(p.group_id or "", "—")) for p in people]
        holders = self.kiosk.credentials.pin_holders()
        unlockers = [p for p in people if access.may_unlock(p, org)]
        without = [p.name for p in unlockers if p.id not in holders]
        missing = (
            t(f" · 尚无 PIN:{'、'.join(without)}", f" · no PIN yet: {', '.join(without)}")
            if without
            else ""
        )
        self.title_line.update(
            t(
                f"PIN 与职务 · 可解锁 {len(unlockers)} 人{missing}",
                f"PINs and branch roles · {len(unlockers)} may unlock{missing}",
            )
        )
        table = self.table
        table.clear()
        for row in self.rows:
            person = row.person
            if not access.may_unlock(person, org):
                pin = t("不需要", "not needed")
            elif person.id in holders:
                pin = t("已设置", "set")
            else:
                pin = t("未设置", "not set")
            table.add_row(person.name, row.group_name, self.part(person) or "—", pin)
        for index, row in enumerate(self.rows):
            if row.person.id == keep:
                table.move_cursor(row=index, animate=False)
                break
        self.refresh_bindings()

    @property
    def selected(self) -> Person | None:
        if not self.is_mounted or not self.rows:
            return None
        row = self.table.cursor_row
        return self.rows[row].person if 0 <= row < len(self.rows) else None

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message_line.update(text)
        self.message_line.set_class(error, "-error")

    # -- keys ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("set_pin", "role"):
            return True if self.selected is not None else None
        return True

    @on(DataTable.RowSelected, "#officers-table")
    def _row_selected(self) -> None:
        self.action_set_pin()

    def action_back(self) -> None:
        self.dismiss()

    def action_set_pin(self) -> None:
        person = self.selected
        if person is None:
            return
        t = self.env.t
        if not access.may_unlock(person, self.kiosk.org):
            self._say(
                t(
                    f"{person.name}不需要解锁 PIN:只有党小组长、支部书记和组织委员解锁本机。"
                    "要设为组长,请在党小组编辑中设定;要担任书记或组织委员,请按 R。",
                    f"{person.name} needs no unlock PIN: only group leaders, the secretary and"
                    " the organisation member unlock the kiosk. Make them a leader in the"
                    " group editor, or give them a branch role with R.",
                ),
                error=True,
            )
            return
        self.set_pin(person)

    @work(exclusive=True, group="officers-pin", exit_on_error=False)
    async def set_pin(self, person: Person) -> None:
        await self.ask_pin(person)

    async def ask_pin(self, person: Person) -> bool:
        """Ask for the PIN (typed by its owner); say "saved" once on disk."""
        t = self.env.t
        has = person.id in self.kiosk.credentials.pin_holders()
        note = (
            t(
                f"{person.name}已有 PIN(忘记时在此重设):新的 PIN 立即生效,旧 PIN 失效。"
                "请本人输入两次,他人看不到。",
                f"{person.name} has a PIN (reset it here when forgotten): the new one works"
                " at once and the old one no longer does. Let them type it twice; nobody"
                " sees it.",
            )
            if has
            else t(
                f"请{person.name}本人输入两次新 PIN,他人看不到;之后即可在锁定屏选择姓名解锁。",
                f"Let {person.name} type their new PIN twice; nobody sees it. Then they"
                " unlock by choosing their name on the lock screen.",
            )
        )
        title = t(f"设置解锁 PIN:{person.name}", f"Set the unlock PIN: {person.name}")
        pin = await self.app.push_screen_wait(PinDialog(self.env, title, note))
        if pin is None:
            return False
        failed_before = self.kiosk.writer.last_error
        self.kiosk.credentials.set_pin(person.id, pin)
        self._say(t("正在保存…", "Saving…"))
        if not await self.kiosk.writer.stored(failed_before):
            self._say(
                self.kiosk.writer.not_saved("PIN 没有保存", "The PIN was not saved"), error=True
            )
            return False
        self.refresh_content()
        self._say(
            t(
                f"已保存:{person.name} 的解锁 PIN 已设置。",
                f"Saved: {person.name}'s unlock PIN is set.",
            )
        )
        return True

    def action_role(self) -> None:
        person = self.selected
        if person is not None:
            self.change_role(person)

    @work(exclusive=True, group="officers-role", exit_on_error=False)
    async def change_role(self, person: Person) -> None:
        """换届: a seat on the branch committee, with its day and reason."""
        t, lang = self.env.t, self.env.lang
        session = self.kiosk.session

        def apply(values: Mapping[str, str]) -> OrgChange:
            try:
                role = BranchRole(values.get("role", ""))
            except ValueError:
                raise ChangeRefused(Reason("请选择支部职务。", "Choose the branch role.")) from None
            on_day = day_field(values, "on", t("日期", "date"))
            assert on_day is not None
            rec = Recorded(
                on=on_day,
                at=self.kiosk.now(),
                by=session.user.id if session else None,
                reason=values.get("reason", ""),
            )
            return change_branch_role(self.kiosk.org, person.id, role, rec)

        now_label = t(*BRANCH_ROLE_LABELS[person.branch_role])
        dialog = ChangeDialog(
            self.env,
            t(f"{person.name}的支部职务", f"{person.name}'s branch role"),
            t(
                f"现任:{now_label}。书记和组织委员各一人:交给新人时,原任者即不再担任。",
                f"Now: {now_label}. There is one secretary and one organisation member:"
                " giving the seat to someone takes it from whoever held it.",
            ),
            [
                Field(
                    "role",
                    t("新的支部职务", "New branch role"),
                    person.branch_role.value,
                    choices=[(t(*BRANCH_ROLE_LABELS[r]), r.value) for r in BranchRole],
                ),
                Field(
                    "on",
                    t("日期(年-月-日)", "Date (YYYY-MM-DD)"),
                    self.kiosk.today().isoformat(),
                ),
                Field("reason", t("依据(例如 支部委员会选举)", "On what grounds (e.g. elected)")),
            ],
            apply,
        )
        change = await self.app.push_screen_wait(dialog)
        if change is None:
            return
        failed_before = self.kiosk.writer.last_error
        self.kiosk.save_organisation(change.org, change.history)
        self._say(t("正在保存…", "Saving…"))
        if not await self.kiosk.writer.stored(failed_before):
            self._say(self.kiosk.writer.not_saved("没有保存", "Not saved"), error=True)
            return
        self.refresh_content()
        notes = " ".join(n.text(lang) for n in change.notes)
        self._say(t(f"已保存。{notes}", f"Saved. {notes}".strip()))
        after = change.org.person(person.id)
        holders = self.kiosk.credentials.pin_holders()
        if after is not None and access.may_unlock(after, change.org) and person.id not in holders:
            # The new holder of the seat gets their PIN now, while someone who
            # may give it is still unlocked.
            await self.ask_pin(after)
        user = change.org.person(session.user.id) if session is not None else None
        if session is not None and (user is None or not access.is_branch_admin(user)):
            # Whoever gave up their own seat no longer sees the whole branch.
            self.app.lock()
            self.app.notify(
                t(
                    "您已不再担任书记或组织委员,小组已锁定。",
                    "You no longer hold a branch seat; xiaozu is locked.",
                ),
                timeout=15,
            )
