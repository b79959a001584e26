"""The group editor (党小组设置): setting up, changing and dissolving groups,
and people's status and discipline — for the branch secretary and the
organisation member only (SPEC §4; G5: 党小组的划分和建立,由支委会决定).

Opened from the branch view with G. The groups are listed with their leader,
members and the committee's dates; below, the members of the group under the
cursor (or the people in no group) and the moves the rules suggest so that a
department's members share a group (G4). Every change goes through
rules.groups, which says why one is refused (e.g. L1: a probationary member
cannot lead), and is saved with its history in one write; the screen says
"saved" only once it is on disk. Escape goes back.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from rules.groups import (
    DISCIPLINE_LABELS,
    STATUS_LABELS,
    ChangeRefused,
    MoveSuggestion,
    OrgChange,
    Reason,
    Recorded,
    change_discipline,
    change_leader,
    change_status,
    create_group,
    describe_change,
    discipline_label,
    dissolve_group,
    group_history,
    leader_refusals,
    move_member,
    person_history,
    rename_group,
    set_group_dates,
    status_label,
    suggest_moves,
)
from rules.models import Discipline, Group, GroupChange, MemberStatus, Person, PersonChange
from tui.core.kiosk import Kiosk
from tui.messages import RecordsChanged
from tui.screens.groups_dialogs import ChangeDialog, Field, HistoryDialog, day_field
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
                self._group_name(suggestion.from_group_id),
                self._group_name(suggestion.to_group_id),
                suggestion.why.text(lang),
            )
        table.display = bool(found)

    def _group_name(self, group_id: str | None) -> str:
        group = self.kiosk.org.group(group_id) if group_id else None
        return group.name if group is not None else self.env.t("未编组", "no group")

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
                self.ask(self._move_dialog(person, suggestion.to_group_id))

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

    def _recorded(self, values: Mapping[str, str], key: str = "on") -> Recorded:
        """Who records, when, for which day (the form's ``key``, else today)."""
        t = self.env.t
        on_day = day_field(values, key, t("日期", "date")) if key in values else self.kiosk.today()
        assert on_day is not None
        session = self.kiosk.session
        return Recorded(
            on=on_day,
            at=self.kiosk.now(),
            by=session.user.id if session else None,
            reason=values.get("reason", ""),
        )

    def _today_field(self, label_zh: str = "日期", label_en: str = "Date") -> Field:
        return Field(
            "on",
            self.env.t(f"{label_zh}(年-月-日)", f"{label_en} (YYYY-MM-DD)"),
            self.kiosk.today().isoformat(),
        )

    def _reason_field(self, zh: str, en: str) -> Field:
        return Field("reason", self.env.t(zh, en))

    def action_new_group(self) -> None:
        t, org = self.env.t, self.kiosk.org
        candidates = [
            (f"{p.name} · {self._group_name(p.group_id)}", p.id)
            for p in org.party_members
            if not leader_refusals(p)
        ]

        def apply(values: Mapping[str, str]) -> OrgChange:
            decided = day_field(values, "decided", t("支委会决定日期", "decision date"))
            reported = day_field(
                values, "reported", t("向上级报告日期", "date reported upward"), optional=True
            )
            assert decided is not None
            return create_group(
                self.kiosk.org,
                values.get("name", ""),
                decided,
                reported,
                values.get("leader") or None,
                self._recorded(values, "decided"),
            )

        note = t(
            "党小组的划分和建立,由支委会决定,不必经过上级党组织审批,但支委会应将建立党小组的"
            "情况及时向上级报告(G5)。组长须是正式党员,不受留党察看处分(L1),将随之编入新小组。",
            "The branch committee decides to set up a group; no approval from above is needed,"
            " but the committee reports it upward promptly (G5). The leader must be a full"
            " member not under 留党察看 (L1), and moves into the new group.",
        )
        self.ask(
            ChangeDialog(
                self.env,
                t("新建党小组", "Set up a group"),
                note,
                [
                    Field(
                        "name",
                        t("名称", "Name"),
                        placeholder=t("例如 第五党小组", "e.g. 第五党小组"),
                    ),
                    Field(
                        "decided",
                        t("支委会决定日期(年-月-日)", "Committee's decision (YYYY-MM-DD)"),
                        self.kiosk.today().isoformat(),
                    ),
                    Field(
                        "reported",
                        t("向上级报告日期(未报告可空)", "Reported upward on (blank if not yet)"),
                    ),
                    Field(
                        "leader",
                        t("组长(可稍后选举)", "Leader (may be elected later)"),
                        choices=candidates,
                        allow_blank=True,
                    ),
                ],
                apply,
            )
        )

    def action_rename(self) -> None:
        group = self.selected_group
        if group is None:
            return
        t = self.env.t
        self.ask(
            ChangeDialog(
                self.env,
                t(f"{group.name}改名", f"Rename {group.name}"),
                "",
                [Field("name", t("新名称", "New name"), group.name)],
                lambda values: rename_group(
                    self.kiosk.org, group.id, values.get("name", ""), self._recorded(values)
                ),
            )
        )

    def action_dates(self) -> None:
        group = self.selected_group
        if group is None:
            return
        t = self.env.t

        def apply(values: Mapping[str, str]) -> OrgChange:
            decided = day_field(values, "decided", t("支委会决定日期", "decision date"))
            reported = day_field(
                values, "reported", t("向上级报告日期", "date reported upward"), optional=True
            )
            assert decided is not None
            return set_group_dates(
                self.kiosk.org, group.id, decided, reported, self._recorded(values)
            )

        self.ask(
            ChangeDialog(
                self.env,
                t(f"{group.name}:支委会决定与向上级报告", f"{group.name}: decision and report"),
                t(
                    "支委会应将建立党小组的情况及时向上级报告(G5)。",
                    "The committee reports the group upward promptly (G5).",
                ),
                [
                    Field(
                        "decided",
                        t("支委会决定日期(年-月-日)", "Committee's decision (YYYY-MM-DD)"),
                        group.decided_on.isoformat() if group.decided_on else "",
                    ),
                    Field(
                        "reported",
                        t("向上级报告日期(未报告可空)", "Reported upward on (blank if not yet)"),
                        group.reported_up_on.isoformat() if group.reported_up_on else "",
                    ),
                ],
                apply,
            )
        )

    def action_leader(self) -> None:
        person = self.selected_person
        group = self.selected_group
        t, lang = self.env.t, self.env.lang
        if person is None:
            return
        if group is None:
            self._say(
                t(
                    f"{person.name}不在任何党小组:请先把其编入党小组。",
                    f"{person.name} is in no group: move them into one first.",
                ),
                error=True,
            )
            return
        refusals = leader_refusals(person, group.id)
        if refusals:
            # L1 said at once, before any form: why this person cannot lead.
            why = (
                "".join(r.text(lang) for r in refusals)
                if lang != "en"
                else " ".join(r.text(lang) for r in refusals)
            )
            self._say(t(f"不能设为组长:{why}", f"Cannot be leader: {why}"), error=True)
            return
        self.ask(
            ChangeDialog(
                self.env,
                t(f"设{person.name}为{group.name}组长", f"{person.name} to lead {group.name}"),
                t(
                    f"现任组长:{self.kiosk.records.name(group.leader_id)}。"
                    "党小组长由本组党员选举产生(L2),在此记录选举结果。",
                    f"Leader now: {self.kiosk.records.name(group.leader_id)}. The group's members"
                    " elect the leader (L2); record the result here.",
                ),
                [
                    self._today_field(),
                    self._reason_field("依据(例如 本组选举)", "On what grounds (e.g. elected)"),
                ],
                lambda values: change_leader(
                    self.kiosk.org, group.id, person.id, self._recorded(values)
                ),
            )
        )

    def action_move(self) -> None:
        person = self.selected_person
        if person is None:
            return
        suggested = next((s.to_group_id for s in self.suggestions if s.person_id == person.id), "")
        self.ask(self._move_dialog(person, suggested))

    def _move_dialog(self, person: Person, suggested: str) -> ChangeDialog:
        t, org = self.env.t, self.kiosk.org
        choices = [(g.name, g.id) for g in org.active_groups if g.id != person.group_id]
        if suggested not in {c[1] for c in choices}:
            suggested = ""

        def apply(values: Mapping[str, str]) -> OrgChange:
            target = values.get("to", "")
            if not target:
                raise ChangeRefused(Reason("请选择调入的党小组。", "Choose the group to move to."))
            return move_member(self.kiosk.org, person.id, target, self._recorded(values))

        return ChangeDialog(
            self.env,
            t(f"{person.name}调整党小组", f"Move {person.name}"),
            t(
                f"现在:{self._group_name(person.group_id)} · 部门:{person.department or '—'}。"
                "宜将同一部门及相邻部门的党员划分在一个党小组内(G4)。",
                f"Now: {self._group_name(person.group_id)} · department:"
                f" {person.department or '—'}. Members of the same or adjacent departments"
                " should share a group (G4).",
            ),
            [
                Field("to", t("调入", "Move to"), suggested, choices=choices),
                self._today_field(),
                self._reason_field("原因(可空)", "Reason (optional)"),
            ],
            apply,
        )

    def action_dissolve(self) -> None:
        group = self.selected_group
        if group is None:
            return
        t = self.env.t
        members = self.kiosk.org.members_of(group.id)
        if members:
            names = "、".join(p.name for p in members)
            self._say(
                t(
                    f"不能撤销{group.name}:还有{len(members)}名党员({names})。请先按建议把他们"
                    "调入其他党小组(选中成员按 M),再撤销。",
                    f"{group.name} cannot be dissolved: it still has {len(members)} member(s)"
                    f" ({', '.join(p.name for p in members)}). Move them to other groups first"
                    " (select a member, M), then dissolve it.",
                ),
                error=True,
            )
            return
        session = self.kiosk.session
        if session is not None and session.group_id == group.id:
            self._say(
                t(
                    f"本次是以{group.name}解锁的:请锁定后选择其他党小组解锁,再撤销。",
                    f"The kiosk is unlocked for {group.name}: lock it and unlock for another"
                    " group before dissolving this one.",
                ),
                error=True,
            )
            return
        self.ask(
            ChangeDialog(
                self.env,
                t(f"撤销{group.name}", f"Dissolve {group.name}"),
                t(
                    "撤销后该小组的会议记录仍然保存,不能再更改。",
                    "Its meeting records are kept; the group can no longer be changed.",
                ),
                [
                    self._today_field("撤销日期", "Dissolved on"),
                    self._reason_field("原因(例如 支委会决定)", "Reason (e.g. committee decision)"),
                ],
                lambda values: dissolve_group(self.kiosk.org, group.id, self._recorded(values)),
            )
        )

    def action_status(self) -> None:
        person = self.selected_person
        if person is None:
            return
        t, lang = self.env.t, self.env.lang
        choices = [
            (zh if lang != "en" else en, status.value)
            for status, (zh, en) in STATUS_LABELS.items()
            if status is not person.status
        ]
        self.ask(
            ChangeDialog(
                self.env,
                t(f"{person.name}身份变更", f"{person.name}: change of status"),
                t(
                    f"现在:{status_label(person.status, lang)}。变更须有日期和依据,记入历史。",
                    f"Now: {status_label(person.status, lang)}. A change needs the day and"
                    " what it rests on; it is kept in the history.",
                ),
                [
                    Field("status", t("新身份", "New status"), choices=choices),
                    self._today_field("生效日期", "Effective"),
                    self._reason_field(
                        "依据(例如 支部大会讨论通过按期转正)",
                        "Reason (e.g. the branch meeting's resolution)",
                    ),
                ],
                lambda values: change_status(
                    self.kiosk.org,
                    person.id,
                    _status(values.get("status", "")),
                    self._recorded(values),
                ),
            )
        )

    def action_discipline(self) -> None:
        person = self.selected_person
        if person is None:
            return
        t, lang = self.env.t, self.env.lang
        choices = [
            (zh if lang != "en" else en, discipline.value)
            for discipline, (zh, en) in DISCIPLINE_LABELS.items()
            if discipline is not person.discipline
        ]
        self.ask(
            ChangeDialog(
                self.env,
                t(f"{person.name}党纪处分", f"{person.name}: Party discipline"),
                t(
                    f"现在:{discipline_label(person.discipline, lang)}。"
                    "受留党察看处分的党员不能担任党小组长(L1)。",
                    f"Now: {discipline_label(person.discipline, lang)}. A member under"
                    " 留党察看 cannot be group leader (L1).",
                ),
                [
                    Field("discipline", t("党纪处分", "Discipline"), choices=choices),
                    self._today_field("生效日期", "Effective"),
                    self._reason_field("依据(处分决定或撤销处分)", "Reason (the decision)"),
                ],
                lambda values: change_discipline(
                    self.kiosk.org,
                    person.id,
                    _discipline(values.get("discipline", "")),
                    self._recorded(values),
                ),
            )
        )

    def action_history(self) -> None:
        t, env, kiosk = self.env.t, self.env, self.kiosk
        person = self.selected_person if self.members_table.has_focus else None
        group = self.selected_group
        changes: list[PersonChange | GroupChange]
        if person is not None or group is None:
            if person is None:
                person = self.selected_person
            if person is None:
                return
            changes = person_history(
                kiosk.org, person.id, kiosk.records.person_changes(), kiosk.records.group_changes()
            )
            title = t(f"{person.name}的变更记录", f"History of {person.name}")
        else:
            changes = list(group_history(group.id, kiosk.records.group_changes()))
            title = t(f"{group.name}的变更记录", f"History of {group.name}")
        rows = []
        for change in changes:
            what, old, new = describe_change(change, kiosk.org, env.lang)
            recorded = (
                env.date(change.recorded_at.astimezone(env.tz).date()) if change.recorded_at else ""
            )
            rows.append(
                [
                    env.date(change.on),
                    what,
                    old or "—",
                    new or "—",
                    change.reason or "—",
                    f"{kiosk.records.name(change.by)} {recorded}".strip(),
                ]
            )
        columns = [
            t("日期", "Date"),
            t("事项", "What"),
            t("原", "From"),
            t("新", "To"),
            t("原因", "Reason"),
            t("记录", "Recorded"),
        ]
        self.app.push_screen(HistoryDialog(self.env, title, columns, rows))

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


def _status(value: str) -> MemberStatus:
    try:
        return MemberStatus(value)
    except ValueError:
        raise ChangeRefused(Reason("请选择新身份。", "Choose the new status.")) from None


def _discipline(value: str) -> Discipline:
    try:
        return Discipline(value)
    except ValueError:
        raise ChangeRefused(Reason("请选择党纪处分。", "Choose the discipline.")) from None
