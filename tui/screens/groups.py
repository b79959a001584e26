"""The group editor (党小组设置): setting up, changing and dissolving groups,
and people's status and discipline — for the branch secretary and the
organisation member only (SPEC §4; G5: 党小组的划分和建立,由支委会决定).

Opened from the branch view with G. The groups are listed with their leader,
members and the committee's dates; below, the members of the group under the
cursor (or the people in no group) and the moves the rules suggest so that a
department's members share a group (G4). Every change goes through
rules.organisation.groups and .people, which say why one is refused (e.g. L1: a probationary member
cannot lead), and is saved with its history in one write; the screen says
"saved" only once it is on disk. Escape goes back.

The form of each change is made by tui.screens.groups_changes, the dialogs
themselves are in tui.screens.groups_dialogs.
"""

from __future__ import annotations

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from rules.models import Discipline, Group, GroupChange, Person, PersonChange
from rules.organisation.changes import describe_change, discipline_label, status_label
from rules.organisation.groups import MoveSuggestion, suggest_moves
from tui.core.kiosk import Kiosk
from tui.messages import RecordsChanged
from tui.screens.groups_changes import GroupChanges
from tui.screens.groups_dialogs import ChangeDialog
from tui.widgets.bindings import localise_bindings
from tui.widgets.footer import KeysFooter

_ENGLISH = {
    "groups.new": "New group",
    "groups.rename": "Rename",
    "groups.dates": "Dates",
    "groups.leader": "Make leader",
    "groups.move": "Move",
    "groups.dissolve": "Dissolve",
    "groups.status": "Status",
    "groups.discipline": "Discipline",
    "groups.history": "History",
    "groups.back": "Back",
}

#: The row of people in no active group (party members to place, and
#: activists, development targets and the masses).
NO_GROUP = "__none__"

_GROUP_ACTIONS = ("rename", "dates", "dissolve")
_PERSON_ACTIONS = ("leader", "move", "status", "discipline")
_CHANGES = ("new_group", *_GROUP_ACTIONS, *_PERSON_ACTIONS)


class GroupsScreen(Screen[None]):
    """Groups, their members, and the changes the secretary records."""

    CSS_PATH = "groups.tcss"

    BINDINGS = [
        Binding("n", "new_group", "新建小组", id="groups.new"),
        Binding("r", "rename", "改名", id="groups.rename"),
        Binding("d", "dates", "决定/上报日期", id="groups.dates"),
        Binding("l", "leader", "设为组长", id="groups.leader"),
        Binding("m", "move", "调组", id="groups.move"),
        Binding("x", "dissolve", "撤销小组", id="groups.dissolve"),
        Binding("s", "status", "身份", id="groups.status"),
        Binding("c", "discipline", "处分", id="groups.discipline"),
        Binding("h", "history", "记录", id="groups.history"),
        Binding("escape", "back", "返回", id="groups.back"),
    ]

    title_line = getters.query_one("#groups-title", Static)
    groups_table = getters.query_one("#groups-list", DataTable)
    members_head = getters.query_one("#groups-members-head", Static)
    members_table = getters.query_one("#groups-members", DataTable)
    suggest_head = getters.query_one("#groups-suggest-head", Static)
    suggest_table = getters.query_one("#groups-suggest", DataTable)
    message_line = getters.query_one("#groups-message", Static)

    def __init__(self, kiosk: Kiosk, group_id: str = "") -> None:
        super().__init__()
        self.kiosk = kiosk
        self.env = kiosk.env
        self.changes = GroupChanges(kiosk)
        self.group_keys: list[str] = []
        self.people: list[Person] = []
        self.suggestions: tuple[MoveSuggestion, ...] = ()
        self._wanted_group = group_id
        localise_bindings(self, self.env.lang, _ENGLISH)

    @property
    def allowed(self) -> bool:
        """书记 and 组织委员 only: groups are set up by the branch committee."""
        session = self.kiosk.session
        return session is not None and session.branch_admin

    def compose(self) -> ComposeResult:
        t = self.env.t
        yield Header()
        yield Static("", id="groups-title", markup=False)
        with VerticalScroll(id="groups-body"):
            groups: DataTable[str] = DataTable(id="groups-list", cursor_type="row")
            groups.add_columns(
                t("党小组", "Group"),
                t("组长", "Leader"),
                t("党员", "Members"),
                t("支委会决定", "Decided"),
                t("向上级报告", "Reported up"),
                t("状态", "State"),
            )
            yield groups
            yield Static("", id="groups-members-head", classes="groups-section", markup=False)
            members: DataTable[str] = DataTable(id="groups-members", cursor_type="row")
            members.add_columns(
                t("姓名", "Name"),
                t("身份", "Status"),
                t("党纪处分", "Discipline"),
                t("部门", "Department"),
                t("备注", "Note"),
            )
            yield members
            yield Static("", id="groups-suggest-head", classes="groups-section", markup=False)
            suggest: DataTable[str] = DataTable(id="groups-suggest", cursor_type="row")
            suggest.add_columns(
                t("党员", "Member"), t("从", "From"), t("调入", "To"), t("理由", "Why")
            )
            yield suggest
        yield Static("", id="groups-message", markup=False)
        yield KeysFooter()

    # -- showing ----------------------------------------------------------------

    def on_mount(self) -> None:
        if not self.allowed:
            self.query_one("#groups-body").display = False
            self.title_line.update(
                self.env.t(
                    "党小组设置只供支部书记和组织委员使用:党小组的划分和建立由支委会决定。",
                    "Only the branch secretary and the organisation member set up groups:"
                    " groups are set up by the branch committee.",
                )
            )
            self.refresh_bindings()
            return
        self.refresh_content()
        if self._wanted_group in self.group_keys:
            self.groups_table.move_cursor(row=self.group_keys.index(self._wanted_group))
        self.groups_table.focus()

    @on(RecordsChanged)
    def _records_changed(self) -> None:
        if self.allowed:
            self.refresh_content()

    def refresh_content(self) -> None:
        t, org = self.env.t, self.kiosk.org
        active = org.active_groups
        self.title_line.update(
            t(
                f"党小组设置 · {org.branch.name} · {len(active)} 个党小组"
                f" · {len(org.party_members)} 名党员",
                f"Groups · {org.branch.name} · {len(active)} groups"
                f" · {len(org.party_members)} members",
            )
        )
        keep = self.selected_group_key
        table = self.groups_table
        table.clear()
        ordered = [*active, *(g for g in org.groups if not g.active)]
        self.group_keys = [g.id for g in ordered] + [NO_GROUP]
        for group in ordered:
            table.add_row(*self._group_cells(group))
        unplaced = self._people_in_no_group()
        table.add_row(
            t("(未编入党小组)", "(in no group)"),
            "",
            str(sum(1 for p in unplaced if p.is_party_member)),
            "",
            "",
            t(f"共{len(unplaced)}人", f"{len(unplaced)} people"),
        )
        if keep in self.group_keys:
            table.move_cursor(row=self.group_keys.index(keep), animate=False)
        self._show_members()
        self._show_suggestions()
        self.refresh_bindings()

    def _group_cells(self, group: Group) -> list[str]:
        t, env, org = self.env.t, self.env, self.kiosk.org
        if group.active:
            state = t("在册", "active")
        else:
            assert group.dissolved_on is not None
            state = t(f"已撤销 {env.date(group.dissolved_on)}", f"dissolved {group.dissolved_on}")
        return [
            group.name,
            self.kiosk.records.name(group.leader_id),
            str(len(org.members_of(group.id))),
            env.date(group.decided_on) if group.decided_on else t("未记录", "not recorded"),
            env.date(group.reported_up_on) if group.reported_up_on else t("未报告", "not yet"),
            state,
        ]

    def _people_in_no_group(self) -> list[Person]:
        active = {g.id for g in self.kiosk.org.active_groups}
        return [p for p in self.kiosk.org.people if p.group_id not in active]

    @property
    def selected_group_key(self) -> str | None:
        if not self.is_mounted or not self.group_keys:
            return None
        row = self.groups_table.cursor_row
        return self.group_keys[row] if 0 <= row < len(self.group_keys) else None

    @property
    def selected_group(self) -> Group | None:
        key = self.selected_group_key
        return self.kiosk.org.group(key) if key and key != NO_GROUP else None

    @property
    def selected_person(self) -> Person | None:
        if not self.is_mounted or not self.people:
            return None
        row = self.members_table.cursor_row
        return self.people[row] if 0 <= row < len(self.people) else None

    def _show_members(self) -> None:
        t, org = self.env.t, self.kiosk.org
        key = self.selected_group_key
        keep = self.selected_person.id if self.selected_person else None
        group = self.selected_group
        if key == NO_GROUP:
            self.people = self._people_in_no_group()
            head = t(
                f"未编入党小组的人员:{len(self.people)} 人(党员须编入党小组;"
                "积极分子、发展对象和群众可列席)",
                f"People in no group: {len(self.people)} (party members belong in a group;"
                " activists, development targets and the masses attend as guests)",
            )
        elif group is not None:
            self.people = [p for p in org.people if p.group_id == group.id]
            head = t(
                f"{group.name}的成员:{len(org.members_of(group.id))} 名党员",
                f"Members of {group.name}: {len(org.members_of(group.id))} party members",
            )
        else:
            self.people = []
            head = ""
        self.members_head.update(head)
        table = self.members_table
        table.clear()
        for person in self.people:
            table.add_row(*self._person_cells(person, group))
        for index, person in enumerate(self.people):
            if person.id == keep:
                table.move_cursor(row=index, animate=False)

    def _person_cells(self, person: Person, group: Group | None) -> list[str]:
        t, lang = self.env.t, self.env.lang
        notes = []
        if group is not None and group.leader_id == person.id:
            notes.append(t("组长", "leader"))
        if person.leadership_post:
            notes.append(t("领导干部", "cadre"))
        if person.branch_role.on_committee:
            notes.append(t("支委", "committee"))
        discipline = (
            discipline_label(person.discipline, lang)
            if person.discipline is not Discipline.NONE
            else "—"
        )
        return [
            person.name,
            status_label(person.status, lang),
            discipline,
            person.department or "—",
            "、".join(notes) if lang != "en" else ", ".join(notes),
        ]

    def _show_suggestions(self) -> None:
        t, lang = self.env.t, self.env.lang
        group = self.selected_group
        leaving = group.id if group is not None and group.active else None
        everyone = suggest_moves(self.kiosk.org)
        for_dissolving = suggest_moves(self.kiosk.org, leaving) if leaving else ()
        # The group under the cursor's members first, as for dissolving it.
        seen: set[str] = set()
        found: list[MoveSuggestion] = []
        for suggestion in (*[s for s in for_dissolving if s.from_group_id == leaving], *everyone):
            if suggestion.person_id not in seen:
                seen.add(suggestion.person_id)
                found.append(suggestion)
        self.suggestions = tuple(found)
        self.suggest_head.update(
            t(
                f"调整建议(G4 按部门划分;撤销本组时的去向):{len(found)} 项 · Enter 按建议调组",
                f"Suggested moves (G4: by department; where members go if this group is"
                f" dissolved): {len(found)} · Enter to move",
            )
        )
        table = self.suggest_table
        table.clear()
        for suggestion in found:
            table.add_row(
                self.kiosk.records.name(suggestion.person_id),
                self.changes.group_name(suggestion.from_group_id),
                self.changes.group_name(suggestion.to_group_id),
                suggestion.why.text(lang),
            )
        table.display = bool(found)

    @on(DataTable.RowHighlighted, "#groups-list")
    def _group_highlighted(self) -> None:
        self._show_members()
        self._show_suggestions()
        self.refresh_bindings()

    @on(DataTable.RowHighlighted, "#groups-members")
    def _person_highlighted(self) -> None:
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#groups-list")
    def _group_selected(self) -> None:
        if self.people:
            self.members_table.focus()

    @on(DataTable.RowSelected, "#groups-suggest")
    def _suggestion_selected(self, event: DataTable.RowSelected) -> None:
        row = event.cursor_row
        if 0 <= row < len(self.suggestions):
            suggestion = self.suggestions[row]
            person = self.kiosk.org.person(suggestion.person_id)
            if person is not None:
                self.ask(self.changes.move(person, suggestion.to_group_id))

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message_line.update(text)
        self.message_line.set_class(error, "-error")
        if error:
            self.notify(text, severity="error")

    # -- keys ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in (*_CHANGES, "history"):
            if not self.allowed:
                return False
            if action in _GROUP_ACTIONS:
                group = self.selected_group
                return True if group is not None and group.active else None
            if action in _PERSON_ACTIONS:
                return True if self.selected_person is not None else None
            if action == "history":
                has = self.selected_person is not None or self.selected_group is not None
                return True if has else None
        return True

    def action_back(self) -> None:
        self.dismiss()

    def _ask_or_say(self, form: ChangeDialog | str) -> None:
        """Show the form, or say why there is none (a refusal before any form)."""
        if isinstance(form, str):
            self._say(form, error=True)
        else:
            self.ask(form)

    def action_new_group(self) -> None:
        self.ask(self.changes.new_group())

    def action_rename(self) -> None:
        group = self.selected_group
        if group is not None:
            self.ask(self.changes.rename(group))

    def action_dates(self) -> None:
        group = self.selected_group
        if group is not None:
            self.ask(self.changes.dates(group))

    def action_leader(self) -> None:
        person = self.selected_person
        if person is not None:
            self._ask_or_say(self.changes.leader(person, self.selected_group))

    def action_move(self) -> None:
        person = self.selected_person
        if person is None:
            return
        suggested = next((s.to_group_id for s in self.suggestions if s.person_id == person.id), "")
        self.ask(self.changes.move(person, suggested))

    def action_dissolve(self) -> None:
        group = self.selected_group
        if group is not None:
            self._ask_or_say(self.changes.dissolve(group))

    def action_status(self) -> None:
        person = self.selected_person
        if person is not None:
            self.ask(self.changes.status(person))

    def action_discipline(self) -> None:
        person = self.selected_person
        if person is not None:
            self.ask(self.changes.discipline(person))

    def action_history(self) -> None:
        person = self.selected_person if self.members_table.has_focus else None
        group = self.selected_group
        if person is not None or group is None:
            if person is None:
                person = self.selected_person
            if person is None:
                return
            self.app.push_screen(self.changes.person_history(person))
        else:
            self.app.push_screen(self.changes.group_history(group))

    # -- saving -------------------------------------------------------------------

    @work(exclusive=True, group="groups-change", exit_on_error=False)
    async def ask(self, dialog: ChangeDialog) -> None:
        """Show the form; save the change it gives with its history; say so
        only once it is on disk, with what the user should do next."""
        t, lang = self.env.t, self.env.lang
        change = await self.app.push_screen_wait(dialog)
        if change is None:
            return
        failed_before = self.kiosk.writer.last_error
        self.kiosk.save_organisation(change.org, change.history)
        self.refresh_content()
        self._say(t("正在保存…", "Saving…"))
        if not await self.kiosk.writer.stored(failed_before):
            self._say(self.kiosk.writer.not_saved("没有保存", "Not saved"), error=True)
            return
        what = [
            describe_change(c, self.kiosk.org, lang)[0]
            for c in change.history
            if isinstance(c, GroupChange | PersonChange)
        ]
        notes = " ".join(n.text(lang) for n in change.notes)
        done = "、".join(dict.fromkeys(what)) if lang != "en" else ", ".join(dict.fromkeys(what))
        self._say(t(f"已保存:{done}。{notes}", f"Saved: {done}. {notes}".strip()))
