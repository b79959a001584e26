"""Setting up, changing and dissolving groups, and changes of a person's
status and discipline — each change checked against the rules and kept as
history (SPEC §1, G1–G5, L1).

Every change is a pure function of the organisation as it stands: it returns
the organisation afterwards with the history records of what changed
(``OrgChange``), or raises ``ChangeRefused`` saying why, in Chinese and
English. The caller stores both in one write (``Repository.save_organisation``).

- 党小组的划分和建立,由支委会决定 (G5): a new group records the date of the
  committee's decision, and the date it was reported upward once it is.
- 必须是中共正式党员; 预备党员不能担任党小组长; 受留党察看处分的党员不能担任党小组长
  (L1): ``leader_refusals`` says why someone cannot be leader.
- 将其所在的行政、生产、科室、班组及相邻部门的党员划分在一个党小组内 (G4):
  ``suggest_moves`` proposes moves that bring a department's members together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from rules.meeting.election import leader_bars
from rules.models import (
    BranchRole,
    Discipline,
    Group,
    GroupChange,
    GroupChangeKind,
    MemberStatus,
    Organisation,
    Person,
    PersonChange,
    PersonField,
)

#: A name of a group, and a reason, may be this long.
NAME_MAX = 40
REASON_MAX = 200

STATUS_LABELS: dict[MemberStatus, tuple[str, str]] = {
    MemberStatus.FULL: ("正式党员", "full member"),
    MemberStatus.PROBATIONARY: ("预备党员", "probationary member"),
    MemberStatus.DEVELOPMENT_TARGET: ("发展对象", "development target"),
    MemberStatus.ACTIVIST: ("入党积极分子", "activist"),
    MemberStatus.MASSES: ("群众", "non-member"),
}

DISCIPLINE_LABELS: dict[Discipline, tuple[str, str]] = {
    Discipline.NONE: ("无", "none"),
    Discipline.WARNING: ("警告", "warning"),
    Discipline.SERIOUS_WARNING: ("严重警告", "serious warning"),
    Discipline.REMOVAL_FROM_POST: ("撤销党内职务", "removal from Party posts"),
    Discipline.PROBATION: ("留党察看", "probation within the Party (留党察看)"),
}


BRANCH_ROLE_LABELS: dict[BranchRole, tuple[str, str]] = {
    BranchRole.NONE: ("无", "none"),
    BranchRole.SECRETARY: ("支部书记", "branch secretary"),
    BranchRole.ORGANISATION: ("组织委员", "organisation member"),
    BranchRole.COMMITTEE: ("支委会委员", "committee member"),
}

#: The seats one person holds at a time: a second secretary replaces the first.
SINGLE_SEATS = frozenset({BranchRole.SECRETARY, BranchRole.ORGANISATION})


@dataclass(frozen=True)
class Reason:
    """Something to tell the user, in both languages."""

    zh: str
    en: str

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class ChangeRefused(ValueError):
    """A change the rules do not allow, with the reasons why."""

    def __init__(self, *reasons: Reason) -> None:
        super().__init__(" ".join(r.en for r in reasons))
        self.reasons = reasons

    def message(self, lang: str) -> str:
        return (" " if lang == "en" else "").join(r.text(lang) for r in self.reasons)


@dataclass(frozen=True)
class Recorded:
    """Who records a change, when (the kiosk's clock) and for which day."""

    on: date  # the day the change took effect
    at: datetime  # when it was recorded
    by: str | None  # the person recording it
    reason: str = ""


@dataclass(frozen=True)
class OrgChange:
    """The organisation after a change, the history records of it, and what
    the user should know of its consequences (e.g. a group left without a
    leader)."""

    org: Organisation
    history: tuple[PersonChange | GroupChange, ...]
    notes: tuple[Reason, ...] = ()


def status_label(status: MemberStatus, lang: str) -> str:
    zh, en = STATUS_LABELS[status]
    return en if lang == "en" else zh


def discipline_label(discipline: Discipline, lang: str) -> str:
    zh, en = DISCIPLINE_LABELS[discipline]
    return en if lang == "en" else zh


# --------------------------------------------------------------------------
# L1: who can be leader


def leader_refusals(person: Person, group_id: str | None = None) -> tuple[Reason, ...]:
    """Why ``person`` cannot lead a group (empty: they can): the bars of L1
    the leader's election also checks (rules.meeting.election.leader_bars). With
    ``group_id``, they must also be a member of that group (党小组长由所在党小组
    的党员推选产生)."""
    return tuple(
        Reason(f"{person.name}:{bar.reason('zh')}。", f"{person.name}: {bar.reason('en')}.")
        for bar in leader_bars(person, group_id)
    )


def can_lead(person: Person, group_id: str | None = None) -> bool:
    return not leader_refusals(person, group_id)


# --------------------------------------------------------------------------
# Groups


def next_group_id(org: Organisation) -> str:
    """A new group id, never one used before (dissolved groups keep theirs)."""
    used = {g.id for g in org.groups}
    number = len(org.groups) + 1
    while f"g{number}" in used:
        number += 1
    return f"g{number}"


def _group(org: Organisation, group_id: str, *, active: bool = True) -> Group:
    group = org.group(group_id)
    if group is None:
        raise ChangeRefused(
            Reason(f"没有编号为 {group_id} 的党小组。", f"There is no group {group_id}.")
        )
    if active and not group.active:
        raise ChangeRefused(
            Reason(
                f"{group.name}已于{group.dissolved_on}撤销,不能再更改。",
                f"{group.name} was dissolved on {group.dissolved_on} and cannot be changed.",
            )
        )
    return group


def _person(org: Organisation, person_id: str) -> Person:
    person = org.person(person_id)
    if person is None:
        raise ChangeRefused(
            Reason(f"名册中没有人员 {person_id}。", f"There is no person {person_id}.")
        )
    return person


def _check_name(org: Organisation, name: str, group_id: str | None) -> str:
    name = name.strip()
    if not name:
        raise ChangeRefused(Reason("请填写党小组名称。", "Give the group a name."))
    if len(name) > NAME_MAX:
        raise ChangeRefused(
            Reason(
                f"党小组名称太长(最多{NAME_MAX}个字)。",
                f"The name is too long (at most {NAME_MAX} characters).",
            )
        )
    for other in org.active_groups:
        if other.id != group_id and other.name == name:
            raise ChangeRefused(
                Reason(f"已有名为{name}的党小组。", f"There is already a group named {name}.")
            )
    return name


def _check_day(day: date, today: date, zh_what: str, en_what: str) -> None:
    if day > today:
        raise ChangeRefused(
            Reason(
                f"{zh_what}({day.isoformat()})不能晚于今天:请记录已经发生的事。",
                f"The {en_what} ({day.isoformat()}) cannot be after today: record what "
                "has happened.",
            )
        )


def _check_dates(decided_on: date, reported_up_on: date | None, today: date) -> None:
    _check_day(decided_on, today, "支委会决定日期", "committee's decision date")
    if reported_up_on is not None:
        _check_day(reported_up_on, today, "向上级报告日期", "date reported upward")
        if reported_up_on < decided_on:
            raise ChangeRefused(
                Reason(
                    "向上级报告的日期不能早于支委会决定建立的日期。",
                    "The group cannot be reported upward before the committee decided it.",
                )
            )


def _replace_group(org: Organisation, group: Group) -> Organisation:
    groups = tuple(group if g.id == group.id else g for g in org.groups)
    if org.group(group.id) is None:
        groups += (group,)
    return replace(org, groups=groups)


def _replace_person(org: Organisation, person: Person) -> Organisation:
    return replace(org, people=tuple(person if p.id == person.id else p for p in org.people))


def _group_change(
    group_id: str,
    kind: GroupChangeKind,
    rec: Recorded,
    *,
    old: str = "",
    new: str = "",
    person_id: str | None = None,
) -> GroupChange:
    return GroupChange(
        group_id=group_id,
        kind=kind,
        on=rec.on,
        old=old,
        new=new,
        person_id=person_id,
        reason=rec.reason.strip(),
        recorded_at=rec.at,
        by=rec.by,
    )


def create_group(
    org: Organisation,
    name: str,
    decided_on: date,
    reported_up_on: date | None,
    leader_id: str | None,
    rec: Recorded,
    group_id: str | None = None,
) -> OrgChange:
    """支委会决定建立党小组 (G5): a new group, decided on ``decided_on``
    (``rec.on`` is ignored: the decision is the day it is set up). Its leader,
    if chosen, must be eligible (L1) and is moved into it."""
    today = rec.at.date()
    gid = group_id or next_group_id(org)
    if org.group(gid) is not None:
        raise ChangeRefused(Reason(f"党小组编号 {gid} 已被使用。", f"Group id {gid} is taken."))
    name = _check_name(org, name, None)
    _check_dates(decided_on, reported_up_on, today)
    rec = replace(rec, on=decided_on)
    group = Group(id=gid, name=name, decided_on=decided_on, reported_up_on=reported_up_on)
    after = _replace_group(org, group)
    history: list[PersonChange | GroupChange] = [
        _group_change(gid, GroupChangeKind.CREATED, rec, new=name)
    ]
    notes: list[Reason] = []
    if leader_id:
        leader = _person(org, leader_id)
        refusals = leader_refusals(leader)
        if refusals:
            raise ChangeRefused(*refusals)
        if leader.group_id != gid:
            moved = move_member(after, leader_id, gid, rec)
            after, notes = moved.org, list(moved.notes)
            history += moved.history
        after = _replace_group(after, replace(group, leader_id=leader_id))
        history.append(_group_change(gid, GroupChangeKind.LEADER_CHANGED, rec, new=leader_id))
    return OrgChange(after, tuple(history), tuple(notes))


def rename_group(org: Organisation, group_id: str, name: str, rec: Recorded) -> OrgChange:
    group = _group(org, group_id)
    name = _check_name(org, name, group_id)
    if name == group.name:
        raise ChangeRefused(Reason("名称没有改变。", "The name is the same."))
    after = _replace_group(org, replace(group, name=name))
    change = _group_change(group_id, GroupChangeKind.RENAMED, rec, old=group.name, new=name)
    return OrgChange(after, (change,))


def set_group_dates(
    org: Organisation,
    group_id: str,
    decided_on: date,
    reported_up_on: date | None,
    rec: Recorded,
) -> OrgChange:
    """Record (or correct) the committee's decision date and the date the
    group was reported upward (G5: 及时向上级报告)."""
    group = _group(org, group_id)
    _check_dates(decided_on, reported_up_on, rec.at.date())
    if (decided_on, reported_up_on) == (group.decided_on, group.reported_up_on):
        raise ChangeRefused(Reason("日期没有改变。", "The dates are the same."))

    def text(decided: date | None, reported: date | None) -> str:
        return f"{decided or ''}/{reported or ''}"

    after = _replace_group(
        org, replace(group, decided_on=decided_on, reported_up_on=reported_up_on)
    )
    change = _group_change(
        group_id,
        GroupChangeKind.DATES_CHANGED,
        rec,
        old=text(group.decided_on, group.reported_up_on),
        new=text(decided_on, reported_up_on),
    )
    return OrgChange(after, (change,))


def change_leader(org: Organisation, group_id: str, leader_id: str, rec: Recorded) -> OrgChange:
    """A new leader (elected by the group, L2) who must be a full member of
    the group, not under 留党察看 (L1)."""
    group = _group(org, group_id)
    leader = _person(org, leader_id)
    if group.leader_id == leader_id:
        raise ChangeRefused(
            Reason(
                f"{leader.name}已是{group.name}的组长。",
                f"{leader.name} already leads {group.name}.",
            )
        )
    refusals = leader_refusals(leader, group_id)
    if refusals:
        raise ChangeRefused(*refusals)
    after = _replace_group(org, replace(group, leader_id=leader_id))
    change = _group_change(
        group_id,
        GroupChangeKind.LEADER_CHANGED,
        rec,
        old=group.leader_id or "",
        new=leader_id,
    )
    return OrgChange(after, (change,))


def move_member(org: Organisation, person_id: str, to_group_id: str, rec: Recorded) -> OrgChange:
    """A party member moves into another group. A leader who moves leaves
    their old group without a leader (L1 until one is elected): said in the
    notes."""
    person = _person(org, person_id)
    target = _group(org, to_group_id)
    if not person.is_party_member:
        raise ChangeRefused(
            Reason(
                f"{person.name}不是党员:只有正式党员和预备党员编入党小组"
                "(入党积极分子、发展对象和群众可以列席)。",
                f"{person.name} is not a party member: only full and probationary members "
                "belong to a group (activists, development targets and the masses attend "
                "as guests).",
            )
        )
    if person.group_id == to_group_id:
        raise ChangeRefused(
            Reason(
                f"{person.name}已在{target.name}。",
                f"{person.name} is already in {target.name}.",
            )
        )
    source = org.group(person.group_id) if person.group_id else None
    after = _replace_person(org, replace(person, group_id=to_group_id))
    history: list[PersonChange | GroupChange] = [
        _group_change(
            to_group_id,
            GroupChangeKind.MEMBER_MOVED,
            rec,
            old=person.group_id or "",
            new=to_group_id,
            person_id=person_id,
        )
    ]
    notes: list[Reason] = []
    if source is not None and source.leader_id == person_id:
        after, change, note = _without_leader(after, source, person, rec)
        history.append(change)
        notes.append(note)
    if source is not None and source.active:
        left = len(after.members_of(source.id))
        if left < 3:
            notes.append(
                Reason(
                    f"{source.name}只剩{left}名党员:每个党小组一般不得少于三名党员(G1)。",
                    f"{source.name} is left with {left} party member(s): a group needs at "
                    "least three (G1).",
                )
            )
    return OrgChange(after, tuple(history), tuple(notes))


def _without_leader(
    org: Organisation, group: Group, leader: Person, rec: Recorded
) -> tuple[Organisation, GroupChange, Reason]:
    after = _replace_group(org, replace(group, leader_id=None))
    change = _group_change(group.id, GroupChangeKind.LEADER_CHANGED, rec, old=leader.id)
    note = Reason(
        f"{leader.name}不再担任{group.name}组长:{group.name}现在没有组长,"
        "请组织本组党员选举一名正式党员担任(L1)。",
        f"{leader.name} no longer leads {group.name}, which now has no leader: have its "
        "members elect a full member (L1).",
    )
    return after, change, note


def dissolve_group(org: Organisation, group_id: str, rec: Recorded) -> OrgChange:
    """撤销党小组: only once every member has been moved to another group."""
    group = _group(org, group_id)
    _check_day(rec.on, rec.at.date(), "撤销日期", "day of dissolving")
    members = org.members_of(group_id)
    if members:
        names = "、".join(p.name for p in members)
        names_en = ", ".join(p.name for p in members)
        raise ChangeRefused(
            Reason(
                f"{group.name}还有{len(members)}名党员({names}):请先把他们调入其他党小组,再撤销。",
                f"{group.name} still has {len(members)} member(s) ({names_en}):"
                " move them to other groups first, then dissolve it.",
            )
        )
    after = _replace_group(org, replace(group, dissolved_on=rec.on, leader_id=None))
    change = _group_change(group_id, GroupChangeKind.DISSOLVED, rec, old=group.name)
    notes: tuple[Reason, ...] = ()
    if not after.active_groups:
        notes = (
            Reason(
                "支部已没有党小组:没有党小组的党支部应当每月召开一次党员大会(B1)。",
                "The branch has no groups left: it holds a party member congress every month (B1).",
            ),
        )
    return OrgChange(after, (change,), notes)


# --------------------------------------------------------------------------
# People: status and discipline


def _need_reason(rec: Recorded) -> None:
    if not rec.reason.strip():
        raise ChangeRefused(
            Reason(
                "请填写原因或依据(例如支部大会决议、处分决定)。",
                "Give the reason or the decision it rests on (e.g. a branch resolution).",
            )
        )
    if len(rec.reason) > REASON_MAX:
        raise ChangeRefused(
            Reason(
                f"原因太长(最多{REASON_MAX}个字)。",
                f"The reason is too long (at most {REASON_MAX} characters).",
            )
        )


def change_status(
    org: Organisation, person_id: str, status: MemberStatus, rec: Recorded
) -> OrgChange:
    """身份变更 (e.g. 预备党员转正), with the day and the reason. Someone who is
    no longer a party member leaves their group (and its leadership)."""
    person = _person(org, person_id)
    _need_reason(rec)
    _check_day(rec.on, rec.at.date(), "变更日期", "day of the change")
    if status is person.status:
        raise ChangeRefused(
            Reason(
                f"{person.name}已是{status_label(status, 'zh')}。",
                f"{person.name} is already a {status_label(status, 'en')}.",
            )
        )
    change = PersonChange(
        person_id=person_id,
        field=PersonField.STATUS,
        old=person.status.value,
        new=status.value,
        on=rec.on,
        reason=rec.reason.strip(),
        recorded_at=rec.at,
        by=rec.by,
    )
    history: list[PersonChange | GroupChange] = [change]
    notes: list[Reason] = []
    changed = replace(person, status=status)
    group = org.group(person.group_id) if person.group_id else None
    if not status.is_party_member and person.group_id is not None:
        changed = replace(changed, group_id=None)
        if group is not None:
            history.append(
                _group_change(
                    group.id,
                    GroupChangeKind.MEMBER_MOVED,
                    rec,
                    old=group.id,
                    person_id=person_id,
                )
            )
            notes.append(
                Reason(
                    f"{person.name}已不是党员,不再编在{group.name}。",
                    f"{person.name} is no longer a party member and leaves {group.name}.",
                )
            )
    after = _replace_person(org, changed)
    if group is not None and group.leader_id == person_id and not can_lead(changed):
        if changed.group_id is None:
            after, lead_change, note = _without_leader(after, group, person, rec)
            history.append(lead_change)
            notes.append(note)
        else:
            notes.append(_cannot_stay_leader(changed, group))
    if status.is_party_member and changed.group_id is None:
        notes.append(
            Reason(
                f"{person.name}还没有编入党小组:请把{person.name}编入所在部门的党小组。",
                f"{person.name} is in no group yet: place them in their department's group.",
            )
        )
    return OrgChange(after, tuple(history), tuple(notes))


def change_discipline(
    org: Organisation, person_id: str, discipline: Discipline, rec: Recorded
) -> OrgChange:
    """党纪处分 given or lifted, with the day and the reason (the decision)."""
    person = _person(org, person_id)
    _need_reason(rec)
    _check_day(rec.on, rec.at.date(), "变更日期", "day of the change")
    if discipline is person.discipline:
        raise ChangeRefused(
            Reason(
                f"{person.name}的党纪处分已是「{discipline_label(discipline, 'zh')}」。",
                f"{person.name}'s discipline is already '{discipline_label(discipline, 'en')}'.",
            )
        )
    change = PersonChange(
        person_id=person_id,
        field=PersonField.DISCIPLINE,
        old=person.discipline.value,
        new=discipline.value,
        on=rec.on,
        reason=rec.reason.strip(),
        recorded_at=rec.at,
        by=rec.by,
    )
    changed = replace(person, discipline=discipline)
    after = _replace_person(org, changed)
    notes: tuple[Reason, ...] = ()
    for group in org.active_groups:
        if group.leader_id == person_id and not can_lead(changed):
            notes = (_cannot_stay_leader(changed, group),)
    return OrgChange(after, (change,), notes)


def change_branch_role(
    org: Organisation, person_id: str, role: BranchRole, rec: Recorded
) -> OrgChange:
    """换届: a seat on the branch committee given or taken, on a day, for a
    reason (the branch's election or the higher committee's approval).

    The secretary (书记) and the organisation member (组织委员) are one person
    each: giving the seat to someone else takes it from whoever held it (who
    then has none). A seat goes to a full member not under 留党察看 (the same
    bars as a group leader's, L1)."""
    person = _person(org, person_id)
    _need_reason(rec)
    _check_day(rec.on, rec.at.date(), "变更日期", "day of the change")
    label_zh, label_en = BRANCH_ROLE_LABELS[role]
    if role is person.branch_role:
        raise ChangeRefused(
            Reason(
                f"{person.name}的支部职务已是「{label_zh}」。",
                f"{person.name}'s branch role is already '{label_en}'.",
            )
        )
    if role is not BranchRole.NONE:
        bars = leader_bars(person, None)
        if bars:
            raise ChangeRefused(
                Reason(
                    f"{person.name}不能担任{label_zh}:{bars[0].reason('zh')}。",
                    f"{person.name} cannot be {label_en}: {bars[0].reason('en')}.",
                )
            )

    def change(who: Person, new: BranchRole) -> PersonChange:
        return PersonChange(
            person_id=who.id,
            field=PersonField.BRANCH_ROLE,
            old=who.branch_role.value,
            new=new.value,
            on=rec.on,
            reason=rec.reason.strip(),
            recorded_at=rec.at,
            by=rec.by,
        )

    history: list[PersonChange | GroupChange] = []
    notes: list[Reason] = []
    after = org
    if role in SINGLE_SEATS:
        for holder in org.people:
            if holder.id != person_id and holder.branch_role is role:
                history.append(change(holder, BranchRole.NONE))
                after = _replace_person(after, replace(holder, branch_role=BranchRole.NONE))
                notes.append(
                    Reason(
                        f"{holder.name}不再担任{label_zh}。",
                        f"{holder.name} is no longer {label_en}.",
                    )
                )
    history.append(change(person, role))
    after = _replace_person(after, replace(person, branch_role=role))
    return OrgChange(after, tuple(history), tuple(notes))


def _cannot_stay_leader(person: Person, group: Group) -> Reason:
    bars = leader_bars(person, None)
    zh = bars[0].reason("zh") if bars else ""
    en = bars[0].reason("en") if bars else ""
    return Reason(
        f"{person.name}是{group.name}组长,但{zh}:请为{group.name}另选组长(L1)。",
        f"{person.name} leads {group.name}, but is {en}. Choose a new leader for "
        f"{group.name} (L1).",
    )


# --------------------------------------------------------------------------
# G4: moves that bring a department's members together


@dataclass(frozen=True)
class MoveSuggestion:
    person_id: str
    from_group_id: str | None
    to_group_id: str
    why: Reason


def department_homes(org: Organisation, leaving: Iterable[str] = ()) -> dict[str, str]:
    """For each department, the active group holding most of its party
    members (ties: the earlier group), groups in ``leaving`` left out."""
    gone = set(leaving)
    order = [g.id for g in org.active_groups if g.id not in gone]
    counts: dict[str, dict[str, int]] = {}
    for person in org.party_members:
        department = person.department.strip()
        if department and person.group_id in order:
            by_group = counts.setdefault(department, {})
            by_group[person.group_id] = by_group.get(person.group_id, 0) + 1
    return {
        department: max(order, key=lambda gid: (by_group.get(gid, 0), -order.index(gid)))
        for department, by_group in counts.items()
    }


def suggest_moves(org: Organisation, leaving: str | None = None) -> tuple[MoveSuggestion, ...]:
    """Moves that put members of one department in one group (G4).

    - A party member in no (active) group, or in ``leaving`` (a group to be
      dissolved), goes to the group holding most of their department; failing
      that (no group holds it, or no department is recorded), to the smallest
      group, so that it reaches three members (G1).
    - A member whose department is mostly in another group goes there, unless
      they lead their group, or their group holds as many of the department.
    """
    groups = {g.id: g for g in org.active_groups if g.id != leaving}
    if not groups:
        return ()
    homes = department_homes(org, [leaving] if leaving else [])
    size = {gid: len(org.members_of(gid)) for gid in groups}
    in_department: dict[tuple[str, str], int] = {}
    for person in org.party_members:
        key = (person.department.strip(), person.group_id or "")
        in_department[key] = in_department.get(key, 0) + 1
    found: list[MoveSuggestion] = []
    for person in org.party_members:
        department = person.department.strip()
        home = homes.get(department) if department else None
        placed = person.group_id in groups
        if not placed:
            if home is not None:
                why = Reason(
                    f"{department}的党员在{groups[home].name}",
                    f"{department}'s members are in {groups[home].name}",
                )
                target = home
            else:
                target = min(groups, key=lambda gid: (size[gid], list(groups).index(gid)))
                why = Reason(
                    f"没有党小组包含{department or '其部门'};{groups[target].name}人数最少",
                    f"no group holds {department or 'their department'}; "
                    f"{groups[target].name} is the smallest",
                )
        elif home is None or home == person.group_id:
            continue
        else:
            group = groups[person.group_id or ""]
            here = in_department[(department, group.id)]
            there = in_department.get((department, home), 0)
            if group.leader_id == person.id or here >= there:
                continue
            why = Reason(
                f"{department}的党员{there}人在{groups[home].name},{here}人在{group.name}",
                f"{there} of {department}'s members are in {groups[home].name}, "
                f"{here} in {group.name}",
            )
            target = home
        found.append(MoveSuggestion(person.id, person.group_id, target, why))
        size[target] = size.get(target, 0) + 1
    return tuple(found)


# --------------------------------------------------------------------------
# History, in words

_KIND_LABELS: dict[GroupChangeKind, tuple[str, str]] = {
    GroupChangeKind.CREATED: ("建立党小组", "group set up"),
    GroupChangeKind.RENAMED: ("更名", "renamed"),
    GroupChangeKind.DATES_CHANGED: ("决定/上报日期", "decision / report dates"),
    GroupChangeKind.LEADER_CHANGED: ("组长变更", "leader changed"),
    GroupChangeKind.MEMBER_MOVED: ("调整党小组", "moved"),
    GroupChangeKind.DISSOLVED: ("撤销党小组", "group dissolved"),
}


def describe_change(
    change: PersonChange | GroupChange, org: Organisation, lang: str
) -> tuple[str, str, str]:
    """What a history record changed, from what, to what — in words."""

    def pick(zh: str, en: str) -> str:
        return en if lang == "en" else zh

    def person_name(person_id: str | None) -> str:
        person = org.person(person_id) if person_id else None
        return person.name if person else (person_id or "—")

    def group_name(group_id: str) -> str:
        group = org.group(group_id) if group_id else None
        if group is not None:
            return group.name
        return group_id or pick("未编组", "no group")

    if isinstance(change, PersonChange):
        if change.field is PersonField.STATUS:
            labels: dict[str, tuple[str, str]] = {s.value: STATUS_LABELS[s] for s in MemberStatus}
            what = pick("身份", "status")
        elif change.field is PersonField.BRANCH_ROLE:
            labels = {r.value: BRANCH_ROLE_LABELS[r] for r in BranchRole}
            what = pick("支部职务", "branch role")
        else:
            labels = {d.value: DISCIPLINE_LABELS[d] for d in Discipline}
            what = pick("党纪处分", "discipline")
        old = labels.get(change.old, (change.old, change.old))
        new = labels.get(change.new, (change.new, change.new))
        return what, pick(*old), pick(*new)
    what = pick(*_KIND_LABELS[change.kind])
    if change.kind is GroupChangeKind.LEADER_CHANGED:
        return what, person_name(change.old or None), person_name(change.new or None)
    if change.kind is GroupChangeKind.MEMBER_MOVED:
        return (
            f"{person_name(change.person_id)} {what}",
            group_name(change.old),
            group_name(change.new),
        )
    return what, change.old, change.new


def person_history(
    org: Organisation,
    person_id: str,
    person_changes: Iterable[PersonChange],
    group_changes: Iterable[GroupChange],
) -> list[PersonChange | GroupChange]:
    """Everything recorded about one person, by the day it took effect: their
    status and discipline, the groups they moved between, and when they
    became or stopped being a leader."""
    found: list[PersonChange | GroupChange] = [
        c for c in person_changes if c.person_id == person_id
    ]
    for change in group_changes:
        if change.person_id == person_id or (
            change.kind is GroupChangeKind.LEADER_CHANGED and person_id in (change.old, change.new)
        ):
            found.append(change)
    return sorted(found, key=_when)


def group_history(group_id: str, group_changes: Iterable[GroupChange]) -> list[GroupChange]:
    """Everything recorded about one group, by day: including members who
    moved out of it (recorded with the group they moved to)."""
    found = [
        c
        for c in group_changes
        if c.group_id == group_id or (c.kind is GroupChangeKind.MEMBER_MOVED and c.old == group_id)
    ]
    return sorted(found, key=_when)


def _when(change: PersonChange | GroupChange) -> tuple[date, float]:
    """The day a change took effect, then when it was recorded."""
    return change.on, change.recorded_at.timestamp() if change.recorded_at else 0.0
