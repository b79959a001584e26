"""Setting up, changing and dissolving groups, who can lead one, and moves
that bring a department together — each change checked against the rules
and kept as history (SPEC §1, G1–G5, L1). A person's status, discipline and
branch role change in ``rules.organisation.people``; the parts of a change
and its words are in ``rules.organisation.changes``.

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
from datetime import date

from rules.meeting.election import leader_bars
from rules.models import (
    Group,
    GroupChange,
    GroupChangeKind,
    Organisation,
    Person,
    PersonChange,
)
from rules.organisation.changes import (
    NAME_MAX,
    ChangeRefused,
    OrgChange,
    Reason,
    Recorded,
    check_day,
    existing_group,
    existing_person,
    group_change,
    replace_group,
    replace_person,
)

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


def _check_dates(decided_on: date, reported_up_on: date | None, today: date) -> None:
    check_day(decided_on, today, "支委会决定日期", "committee's decision date")
    if reported_up_on is not None:
        check_day(reported_up_on, today, "向上级报告日期", "date reported upward")
        if reported_up_on < decided_on:
            raise ChangeRefused(
                Reason(
                    "向上级报告的日期不能早于支委会决定建立的日期。",
                    "The group cannot be reported upward before the committee decided it.",
                )
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
    after = replace_group(org, group)
    history: list[PersonChange | GroupChange] = [
        group_change(gid, GroupChangeKind.CREATED, rec, new=name)
    ]
    notes: list[Reason] = []
    if leader_id:
        leader = existing_person(org, leader_id)
        refusals = leader_refusals(leader)
        if refusals:
            raise ChangeRefused(*refusals)
        if leader.group_id != gid:
            moved = move_member(after, leader_id, gid, rec)
            after, notes = moved.org, list(moved.notes)
            history += moved.history
        after = replace_group(after, replace(group, leader_id=leader_id))
        history.append(group_change(gid, GroupChangeKind.LEADER_CHANGED, rec, new=leader_id))
    return OrgChange(after, tuple(history), tuple(notes))


def rename_group(org: Organisation, group_id: str, name: str, rec: Recorded) -> OrgChange:
    group = existing_group(org, group_id)
    name = _check_name(org, name, group_id)
    if name == group.name:
        raise ChangeRefused(Reason("名称没有改变。", "The name is the same."))
    after = replace_group(org, replace(group, name=name))
    change = group_change(group_id, GroupChangeKind.RENAMED, rec, old=group.name, new=name)
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
    group = existing_group(org, group_id)
    _check_dates(decided_on, reported_up_on, rec.at.date())
    if (decided_on, reported_up_on) == (group.decided_on, group.reported_up_on):
        raise ChangeRefused(Reason("日期没有改变。", "The dates are the same."))

    def text(decided: date | None, reported: date | None) -> str:
        return f"{decided or ''}/{reported or ''}"

    after = replace_group(org, replace(group, decided_on=decided_on, reported_up_on=reported_up_on))
    change = group_change(
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
    group = existing_group(org, group_id)
    leader = existing_person(org, leader_id)
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
    after = replace_group(org, replace(group, leader_id=leader_id))
    change = group_change(
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
    person = existing_person(org, person_id)
    target = existing_group(org, to_group_id)
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
    after = replace_person(org, replace(person, group_id=to_group_id))
    history: list[PersonChange | GroupChange] = [
        group_change(
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
        after, change, note = without_leader(after, source, person, rec)
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


def without_leader(
    org: Organisation, group: Group, leader: Person, rec: Recorded
) -> tuple[Organisation, GroupChange, Reason]:
    after = replace_group(org, replace(group, leader_id=None))
    change = group_change(group.id, GroupChangeKind.LEADER_CHANGED, rec, old=leader.id)
    note = Reason(
        f"{leader.name}不再担任{group.name}组长:{group.name}现在没有组长,"
        "请组织本组党员选举一名正式党员担任(L1)。",
        f"{leader.name} no longer leads {group.name}, which now has no leader: have its "
        "members elect a full member (L1).",
    )
    return after, change, note


def dissolve_group(org: Organisation, group_id: str, rec: Recorded) -> OrgChange:
    """撤销党小组: only once every member has been moved to another group."""
    group = existing_group(org, group_id)
    check_day(rec.on, rec.at.date(), "撤销日期", "day of dissolving")
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
    after = replace_group(org, replace(group, dissolved_on=rec.on, leader_id=None))
    change = group_change(group_id, GroupChangeKind.DISSOLVED, rec, old=group.name)
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
