"""Sign-in setup (签到设置): members' sign-in PINs and badges (SPEC §3).

A party member signs in by phone with their member number (党员编号) and a
personal sign-in PIN, or with a personal badge read by the scanner. Here the
group leader, or the branch secretary, issues a member's first PIN (6–12
digits, stored hashed and marked as the first one, which the member is to
replace with their own; a new one makes every phone remembered with the old
one sign in afresh) and issues or reissues their badge (a new badge revokes the old
one) with a printable sheet. A group leader sees their own group's members;
the secretary and the organisation member see every group's (SPEC §4).
Opened from home with S; Escape goes back.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from rules.meeting.signin import badge_token
from rules.models import Person
from storage import StorageWriteError
from storage.atomic import write_atomically
from tui.badges import badge_sheet_html
from tui.core.kiosk import Kiosk
from tui.messages import RecordsChanged
from tui.screens.pin_dialog import PinDialog
from tui.widgets.bindings import localise_bindings
from tui.widgets.footer import KeysFooter

_ENGLISH = {
    "members.pin": "Set PIN",
    "members.badge": "Badge",
    "members.back": "Back",
}

#: Where the kiosk writes a member's badge sheet, under the data directory.
BADGE_FOLDER = "badges"


def badge_sheet_path(data_dir: Path, person_id: str, version: int) -> Path:
    return data_dir / BADGE_FOLDER / f"{person_id}-v{version}.html"


@dataclass(frozen=True)
class MemberRow:
    person: Person
    group_name: str


class MembersScreen(Screen[None]):
    """The members' sign-in PINs and badges, for the session's group (or,
    for a branch admin, the whole branch)."""

    CSS_PATH = "members.tcss"

    BINDINGS = [
        Binding("e", "set_pin", "设置 PIN", id="members.pin"),
        Binding("b", "badge", "胸卡", id="members.badge"),
        Binding("escape", "back", "返回", id="members.back"),
    ]

    title_line = getters.query_one("#members-title", Static)
    table = getters.query_one("#members-table", DataTable)
    message_line = getters.query_one("#members-message", Static)

    def __init__(self, kiosk: Kiosk) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.env = kiosk.env
        self.rows: list[MemberRow] = []
        # A member whose badge B would reissue, once B is pressed again.
        self._reissue_pending: str | None = None
        localise_bindings(self, self.env.lang, _ENGLISH)

    @property
    def whole_branch(self) -> bool:
        session = self.kiosk.session
        return session is not None and session.branch_admin

    def compose(self) -> ComposeResult:
        t = self.env.t
        yield Header()
        yield Static("", id="members-title", markup=False)
        table: DataTable[str] = DataTable(id="members-table", cursor_type="row", zebra_stripes=True)
        columns = [t("姓名", "Name")]
        if self.whole_branch:
            columns.append(t("党小组", "Group"))
        columns += [t("党员编号", "Member no."), t("签到 PIN", "Sign-in PIN"), t("胸卡", "Badge")]
        table.add_columns(*columns)
        yield table
        yield Static(
            t(
                "Enter 或 E:设置所选党员的签到 PIN · B:制作或补发胸卡(补发后旧卡失效)· Esc 返回",
                "Enter or E: set the member's sign-in PIN · B: make or reissue their badge"
                " (a new badge revokes the old) · Esc back",
            ),
            id="members-hint",
        )
        yield Static("", id="members-message", markup=False)
        yield KeysFooter()

    # -- showing ----------------------------------------------------------------

    def on_mount(self) -> None:
        self.refresh_content()
        self.table.focus()

    @on(RecordsChanged)
    def _records_changed(self) -> None:
        self.refresh_content()

    def members(self) -> list[MemberRow]:
        """The party members this session may look after, by group in the
        roster's order (members of no group last)."""
        org = self.kiosk.org
        session = self.kiosk.session
        if session is None:
            return []
        names = {g.id: g.name for g in org.groups}
        if self.whole_branch:
            order = {g.id: i for i, g in enumerate(org.groups)}
            people = sorted(
                org.party_members, key=lambda p: order.get(p.group_id or "", len(order))
            )
        elif session.group_id is not None:
            people = list(org.members_of(session.group_id))
        else:
            people = []
        return [MemberRow(p, names.get(p.group_id or "", "—")) for p in people]

    def refresh_content(self) -> None:
        t = self.env.t
        keep = self.selected.id if self.selected is not None else None
        self.rows = self.members()
        with_pin = sum(1 for r in self.rows if self.kiosk.credentials.signin_version(r.person.id))
        badges = self.kiosk.credentials.badge_versions()
        with_badge = sum(1 for r in self.rows if r.person.id in badges)
        where = t("全支部", "whole branch") if self.whole_branch else self.kiosk.group_name()
        total = len(self.rows)
        self.title_line.update(
            t(
                f"签到设置 · {where} · 党员 {total} 人 · 已设 PIN {with_pin} 人"
                f" · 已制作胸卡 {with_badge} 人",
                f"Sign-in setup · {where} · {total} members · {with_pin} with a PIN"
                f" · {with_badge} with a badge",
            )
        )
        table = self.table
        table.clear()
        for row in self.rows:
            table.add_row(*self._cells(row, badges), key=row.person.id)
        for index, row in enumerate(self.rows):
            if row.person.id == keep:
                table.move_cursor(row=index, animate=False)
                break
        self.refresh_bindings()

    def _cells(self, row: MemberRow, badges: dict[str, int]) -> list[str]:
        t, person = self.env.t, row.person
        pin = self.kiosk.credentials.signin_version(person.id)
        badge = badges.get(person.id)
        cells = [person.name]
        if self.whole_branch:
            cells.append(row.group_name)
        if not pin:
            pin_text = t("未设置", "not set")
        elif self.kiosk.credentials.signin_pin_is_first(person.id):
            pin_text = t(f"初始·第{pin}版", f"first · v{pin}")
        else:
            pin_text = t(f"已设置·第{pin}版", f"set · v{pin}")
        cells += [
            person.member_no or "—",
            pin_text,
            t(f"第{badge}版", f"v{badge}") if badge else t("未制作", "none"),
        ]
        return cells

    @property
    def selected(self) -> Person | None:
        if not self.is_mounted or not self.rows:
            return None
        row = self.table.cursor_row
        return self.rows[row].person if 0 <= row < len(self.rows) else None

    @on(DataTable.RowHighlighted, "#members-table")
    def _highlighted(self) -> None:
        self._reissue_pending = None

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message_line.update(text)
        self.message_line.set_class(error, "-error")
        if error:
            self.notify(text, severity="error")

    # -- keys ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("set_pin", "badge"):
            return True if self.selected is not None else None
        return True

    @on(DataTable.RowSelected, "#members-table")
    def _row_selected(self) -> None:
        self.action_set_pin()

    def action_set_pin(self) -> None:
        member = self.selected
        if member is not None:
            self.set_pin(member)

    def action_badge(self) -> None:
        member = self.selected
        if member is None:
            return
        t = self.env.t
        if self.kiosk.credentials.secret is None:
            problem = self.kiosk.credentials.secret_problem
            why = problem.message(self.env.lang) if problem is not None else ""
            self._say(
                t(
                    f"无法制作胸卡:读不到本终端的签名密钥。{why}",
                    f"No badge can be made: the kiosk's signing key cannot be read. {why}",
                ),
                error=True,
            )
            return
        version = self.kiosk.credentials.badge_versions().get(member.id)
        if version is not None and self._reissue_pending != member.id:
            # Reissuing revokes a badge that works: ask once more.
            self._reissue_pending = member.id
            self._say(
                t(
                    f"{member.name} 已有第{version}版胸卡。再按 B 补发新卡,旧卡将立即失效。",
                    f"{member.name} has badge version {version}. Press B again to make a"
                    " new one; the old badge stops working at once.",
                )
            )
            return
        self._reissue_pending = None
        self.make_badge(member)

    def action_back(self) -> None:
        self.dismiss()

    # -- changing -------------------------------------------------------------------

    @work(exclusive=True, group="members-pin", exit_on_error=False)
    async def set_pin(self, member: Person) -> None:
        """Ask for the new PIN; store it; say so only once it is on disk."""
        t, name = self.env.t, member.name
        version = self.kiosk.credentials.signin_version(member.id)
        if version is None:
            note = t(
                f"{name} 还没有签到 PIN。请本人在此输入两次初始 PIN(他人看不到),"
                "日后在自己的页面上换成只有本人知道的 PIN。",
                f"{name} has no sign-in PIN yet. Let them type a first PIN twice here"
                " (nobody sees it); they replace it with their own later.",
            )
        else:
            note = t(
                f"{name} 已有第{version}版签到 PIN(忘记时在此重设)。新的初始 PIN 立即生效,"
                "旧 PIN 失效,手机上记住的登录也须重新输入。",
                f"{name} has sign-in PIN version {version} (reset it here when forgotten)."
                " The new first PIN replaces it at once, and phones that remembered the"
                " old one must sign in again.",
            )
        title = t(f"设置签到 PIN:{name}", f"Set the sign-in PIN: {name}")
        pin = await self.app.push_screen_wait(PinDialog(self.env, title, note))
        if pin is None:
            return
        failed_before = self.kiosk.writer.last_error
        version = self.kiosk.credentials.set_signin_pin(member.id, pin)
        self.refresh_content()
        self._say(t("正在保存…", "Saving…"))
        if await self.kiosk.writer.stored(failed_before):
            self._say(
                t(
                    f"已保存:{member.name} 的签到 PIN 已设置(第{version}版)。"
                    "这部手机之前记住的登录已失效。",
                    f"Saved: {member.name}'s sign-in PIN is set (version {version})."
                    " Phones that remembered the old one must sign in again.",
                )
            )
        else:
            what = self.kiosk.writer.not_saved("签到 PIN 没有保存", "The sign-in PIN was not saved")
            self._say(what, error=True)

    @work(exclusive=True, group="members-badge", exit_on_error=False)
    async def make_badge(self, member: Person) -> None:
        """Issue (or reissue) the member's badge; once that is on disk, write
        their printable sheet."""
        t = self.env.t
        secret = self.kiosk.credentials.secret
        if secret is None:
            return
        failed_before = self.kiosk.writer.last_error
        version = self.kiosk.credentials.issue_badges([member.id], reissue=True)[member.id]
        self.refresh_content()
        self._say(t("正在制作胸卡…", "Making the badge…"))
        if not await self.kiosk.writer.stored(failed_before):
            self._say(self.kiosk.writer.not_saved("胸卡没有制作", "No badge was made"), error=True)
            return
        org, lang, today = self.kiosk.org, self.env.lang, self.kiosk.today()
        path = badge_sheet_path(self.env.data_dir, member.id, version)

        def write_sheet() -> None:
            token = badge_token(secret, member.id, version)
            html = badge_sheet_html(org, [(member, token, version)], lang, today)
            write_atomically(path, html.encode("utf-8"))

        try:
            await asyncio.to_thread(write_sheet)
        except (StorageWriteError, ValueError) as error:
            why = error.message(lang) if isinstance(error, StorageWriteError) else str(error)
            self._say(
                t(
                    f"{member.name} 的胸卡已制作(第{version}版,旧卡已失效),但胸卡页没有写出:{why}",
                    f"{member.name}'s badge version {version} is issued (older ones no longer"
                    f" work), but its sheet was not written: {why}",
                ),
                error=True,
            )
            return
        revoked = (
            t(f"第{version - 1}版旧卡已失效。", f" Badge version {version - 1} no longer works.")
            if version > 1
            else ""
        )
        self._say(
            t(
                f"已制作{member.name}的第{version}版胸卡。{revoked}胸卡页:{path}"
                "(用浏览器打开,在 A4 纸上打印)",
                f"Made {member.name}'s badge, version {version}.{revoked} The sheet: {path}"
                " (open it in a browser and print it on A4).",
            )
        )
