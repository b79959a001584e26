"""The changes the group editor records (tui.screens.groups), one form each:
setting up a group, renaming it, its committee dates, its leader, moving a
member, dissolving a group, a person's status and discipline; and a person's
or a group's history.

Each form is a ``ChangeDialog`` whose ``apply`` turns the typed values into
an ``OrgChange`` through rules.organisation.groups or .people, or raises ``ChangeRefused`` with the
reason. A refusal known before any form (L1: who may not lead; a group that
still has members cannot be dissolved) is given back as its text instead,
for the screen to say.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rules.models import Discipline, Group, GroupChange, MemberStatus, Person, PersonChange
from rules.organisation.changes import (
    DISCIPLINE_LABELS,
    STATUS_LABELS,
    ChangeRefused,
    OrgChange,
    Reason,
    Recorded,
    describe_change,
    discipline_label,
    group_history,
    person_history,
    status_label,
)
from rules.organisation.groups import (
    change_leader,
    create_group,
    dissolve_group,
    leader_refusals,
    move_member,
    rename_group,
    set_group_dates,
)
from rules.organisation.people import change_discipline, change_status
from tui.core.env import KioskEnv
from tui.core.kiosk import Kiosk
from tui.screens.groups_dialogs import ChangeDialog, Field, HistoryDialog, day_field


class GroupChanges:
    """The forms of the group editor's changes, for the unlocked kiosk."""

    def __init__(self, kiosk: Kiosk) -> None:
        self.kiosk = kiosk

    @property
    def env(self) -> KioskEnv:
        return self.kiosk.env

    def group_name(self, group_id: str | None) -> str:
        group = self.kiosk.org.group(group_id) if group_id else None
        return group.name if group is not None else self.env.t("未编组", "no group")

    def recorded(self, values: Mapping[str, str], key: str = "on") -> Recorded:
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

    def new_group(self) -> ChangeDialog:
        t, org = self.env.t, self.kiosk.org
        candidates = [
            (f"{p.name} · {self.group_name(p.group_id)}", p.id)
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
                self.recorded(values, "decided"),
            )

        note = t(
            "党小组的划分和建立,由支委会决定,不必经过上级党组织审批,但支委会应将建立党小组的"
            "情况及时向上级报告(G5)。组长须是正式党员,不受留党察看处分(L1),将随之编入新小组。",
            "The branch committee decides to set up a group; no approval from above is needed,"
            " but the committee reports it upward promptly (G5). The leader must be a full"
            " member not under 留党察看 (L1), and moves into the new group.",
        )
        return ChangeDialog(
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

    def rename(self, group: Group) -> ChangeDialog:
        t = self.env.t
        return ChangeDialog(
            self.env,
            t(f"{group.name}改名", f"Rename {group.name}"),
            "",
            [Field("name", t("新名称", "New name"), group.name)],
            lambda values: rename_group(
                self.kiosk.org, group.id, values.get("name", ""), self.recorded(values)
            ),
        )

    def dates(self, group: Group) -> ChangeDialog:
        t = self.env.t

        def apply(values: Mapping[str, str]) -> OrgChange:
            decided = day_field(values, "decided", t("支委会决定日期", "decision date"))
            reported = day_field(
                values, "reported", t("向上级报告日期", "date reported upward"), optional=True
            )
            assert decided is not None
            return set_group_dates(
                self.kiosk.org, group.id, decided, reported, self.recorded(values)
            )

        return ChangeDialog(
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

    def leader(self, person: Person, group: Group | None) -> ChangeDialog | str:
        """The form making ``person`` the leader of ``group``, or why not."""
        t, lang = self.env.t, self.env.lang
        if group is None:
            return t(
                f"{person.name}不在任何党小组:请先把其编入党小组。",
                f"{person.name} is in no group: move them into one first.",
            )
        refusals = leader_refusals(person, group.id)
        if refusals:
            # L1 said at once, before any form: why this person cannot lead.
            why = (
                "".join(r.text(lang) for r in refusals)
                if lang != "en"
                else " ".join(r.text(lang) for r in refusals)
            )
            return t(f"不能设为组长:{why}", f"Cannot be leader: {why}")
        return ChangeDialog(
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
                self.kiosk.org, group.id, person.id, self.recorded(values)
            ),
        )

    def move(self, person: Person, suggested: str) -> ChangeDialog:
        """The form moving ``person`` to another group, ``suggested`` chosen."""
        t, org = self.env.t, self.kiosk.org
        choices = [(g.name, g.id) for g in org.active_groups if g.id != person.group_id]
        if suggested not in {c[1] for c in choices}:
            suggested = ""

        def apply(values: Mapping[str, str]) -> OrgChange:
            target = values.get("to", "")
            if not target:
                raise ChangeRefused(Reason("请选择调入的党小组。", "Choose the group to move to."))
            return move_member(self.kiosk.org, person.id, target, self.recorded(values))

        return ChangeDialog(
            self.env,
            t(f"{person.name}调整党小组", f"Move {person.name}"),
            t(
                f"现在:{self.group_name(person.group_id)} · 部门:{person.department or '—'}。"
                "宜将同一部门及相邻部门的党员划分在一个党小组内(G4)。",
                f"Now: {self.group_name(person.group_id)} · department:"
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

    def dissolve(self, group: Group) -> ChangeDialog | str:
        """The form dissolving ``group``, or why it cannot be dissolved."""
        t = self.env.t
        members = self.kiosk.org.members_of(group.id)
        if members:
            names = "、".join(p.name for p in members)
            return t(
                f"不能撤销{group.name}:还有{len(members)}名党员({names})。请先按建议把他们"
                "调入其他党小组(选中成员按 M),再撤销。",
                f"{group.name} cannot be dissolved: it still has {len(members)} member(s)"
                f" ({', '.join(p.name for p in members)}). Move them to other groups first"
                " (select a member, M), then dissolve it.",
            )
        session = self.kiosk.session
        if session is not None and session.group_id == group.id:
            return t(
                f"本次是以{group.name}解锁的:请锁定后选择其他党小组解锁,再撤销。",
                f"The kiosk is unlocked for {group.name}: lock it and unlock for another"
                " group before dissolving this one.",
            )
        return ChangeDialog(
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
            lambda values: dissolve_group(self.kiosk.org, group.id, self.recorded(values)),
        )

    def status(self, person: Person) -> ChangeDialog:
        t, lang = self.env.t, self.env.lang
        choices = [
            (zh if lang != "en" else en, status.value)
            for status, (zh, en) in STATUS_LABELS.items()
            if status is not person.status
        ]
        return ChangeDialog(
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
                self.recorded(values),
            ),
        )

    def discipline(self, person: Person) -> ChangeDialog:
        t, lang = self.env.t, self.env.lang
        choices = [
            (zh if lang != "en" else en, discipline.value)
            for discipline, (zh, en) in DISCIPLINE_LABELS.items()
            if discipline is not person.discipline
        ]
        return ChangeDialog(
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
                self.recorded(values),
            ),
        )

    def person_history(self, person: Person) -> HistoryDialog:
        kiosk = self.kiosk
        changes = person_history(
            kiosk.org, person.id, kiosk.records.person_changes(), kiosk.records.group_changes()
        )
        title = self.env.t(f"{person.name}的变更记录", f"History of {person.name}")
        return self._history(title, changes)

    def group_history(self, group: Group) -> HistoryDialog:
        changes = list(group_history(group.id, self.kiosk.records.group_changes()))
        title = self.env.t(f"{group.name}的变更记录", f"History of {group.name}")
        return self._history(title, changes)

    def _history(self, title: str, changes: Sequence[PersonChange | GroupChange]) -> HistoryDialog:
        t, env, kiosk = self.env.t, self.env, self.kiosk
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
        return HistoryDialog(self.env, title, columns, rows)


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
