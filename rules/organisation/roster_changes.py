"""Applying a roster's rows to the organisation (党员名册导入): a new
:class:`Organisation` with the counts and the list of changes; the input is
never modified, so an error leaves it as it was.

Rules of the merge:

- a row matches an existing person by 党员编号 when it has one; when it has
  none, or no one has that number, by exact name when exactly one existing
  person without a 党员编号 has that name (two such people: an error);
- people not in the file stay as they are (a roster of one group does not
  delete the others);
- a column the file does not have leaves that field as it is; a column the
  file has sets the field, an empty cell meaning empty / none / no — except
  党员编号, which identifies a person and is never cleared by an empty cell;
- groups match active groups by name; a new name makes a new group;
- a row marked 组长 makes that person the group's leader; a leader who leaves
  the group, is marked not 组长 or is no longer a party member stops being it;
- one secretary (书记) and one organisation member (组织委员) per branch.

A 党员编号 on a row of someone outside the Party (an activist, the masses) is
kept, not refused: it is how the person is matched on the next import. A
probationary or disciplined group leader is imported as the file says: that
is for the rules engine to report (L1), not a reason to refuse the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from rules.models import BranchRole, Group, Organisation, Person
from rules.organisation.roster import RosterRow, check_rows
from rules.organisation.roster_columns import (
    ROLE_ZH,
    RosterError,
)

# --------------------------------------------------------------------------
# Applying


class ChangeKind(StrEnum):
    """What a change did; changes on one line are listed in this order."""

    GROUP_ADDED = "group_added"
    PERSON_ADDED = "person_added"
    PERSON_UPDATED = "person_updated"
    GROUP_UPDATED = "group_updated"


_FIELD_ZH = {
    "name": "姓名",
    "member_no": "党员编号",
    "status": "身份",
    "department": "部门",
    "discipline": "党纪处分",
    "leadership_post": "领导职务",
    "branch_role": "支部职务",
    "group_id": "党小组",
    "phone": "手机",
    "leader_id": "组长",
    "decided_on": "成立日期",
    "reported_up_on": "上报日期",
}


@dataclass(frozen=True)
class RosterChange:
    kind: ChangeKind
    line: int  # the roster line that caused it
    subject_id: str  # the person's or group's id
    label: str  # the person's or group's name
    fields: tuple[str, ...] = ()  # the fields that changed (updates)

    def message(self, lang: str = "zh") -> str:
        if lang == "en":
            what = {
                ChangeKind.PERSON_ADDED: "added person",
                ChangeKind.PERSON_UPDATED: "updated person",
                ChangeKind.GROUP_ADDED: "added group",
                ChangeKind.GROUP_UPDATED: "updated group",
            }[self.kind]
            fields = f": {', '.join(self.fields)}" if self.fields else ""
            return f"line {self.line}: {what} {self.label}{fields}"
        what = {
            ChangeKind.PERSON_ADDED: "新增人员",
            ChangeKind.PERSON_UPDATED: "更新人员",
            ChangeKind.GROUP_ADDED: "新建党小组",
            ChangeKind.GROUP_UPDATED: "更新党小组",
        }[self.kind]
        fields = "(" + "、".join(_FIELD_ZH.get(f, f) for f in self.fields) + ")"
        return f"第{self.line}行:{what} {self.label}" + (fields if self.fields else "")


@dataclass(frozen=True)
class RosterResult:
    organisation: Organisation
    people_added: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    groups_added: int = 0
    groups_updated: int = 0
    changes: tuple[RosterChange, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def _changed_fields(old: object, new: object, names: Iterable[str]) -> tuple[str, ...]:
    return tuple(n for n in names if getattr(old, n) != getattr(new, n))


_PERSON_FIELDS = (
    "name",
    "member_no",
    "status",
    "department",
    "discipline",
    "leadership_post",
    "branch_role",
    "group_id",
    "phone",
)
_GROUP_FIELDS = ("leader_id", "decided_on", "reported_up_on")


def _match_person(
    people: Sequence[Person], row: RosterRow, claimed: dict[int, RosterRow]
) -> int | None:
    """The index of the existing person the row stands for, if any."""
    found: int | None = None
    if row.member_no is not None:
        for index, person in enumerate(people):
            if person.member_no == row.member_no:
                found = index
                break
    if found is None:
        namesakes = [i for i, p in enumerate(people) if p.member_no is None and p.name == row.name]
        if len(namesakes) > 1:
            raise RosterError(
                row.line,
                f"已有{len(namesakes)}名叫“{row.name}”且没有党员编号的人员,"
                "无法确定是哪一位;请填写党员编号。",
                f"{len(namesakes)} people named {row.name!r} without a member number "
                "(党员编号) already exist; give the member number to say which one.",
            )
        if namesakes:
            found = namesakes[0]
    if found is not None and found in claimed:
        first = claimed[found]
        raise RosterError(
            row.line,
            f"本行与第{first.line}行指向同一人({people[found].name})。",
            f"this row and line {first.line} both stand for {people[found].name}.",
        )
    return found


def _person_from_row(row: RosterRow, base: Person, group_id: str | None) -> Person:
    given = row.given
    return replace(
        base,
        name=row.name,
        status=row.status,
        member_no=row.member_no if row.member_no is not None else base.member_no,
        department=row.department if "department" in given else base.department,
        discipline=row.discipline if "discipline" in given else base.discipline,
        leadership_post=(
            row.leadership_post if "leadership_post" in given else base.leadership_post
        ),
        branch_role=row.branch_role if "branch_role" in given else base.branch_role,
        group_id=group_id if "group" in given else base.group_id,
        phone=row.phone if "phone" in given else base.phone,
    )


def apply_roster(
    org: Organisation, rows: Sequence[RosterRow], new_id: Callable[[str], str]
) -> RosterResult:
    """Merge the rows into ``org``; returns the new organisation and what
    changed. Raises :class:`RosterError` (and changes nothing) on a row that
    cannot be merged. ``new_id("group")`` / ``new_id("person")`` make ids."""
    check_rows(rows)

    groups = list(org.groups)
    group_index: dict[str, int] = {}
    ambiguous: set[str] = set()
    for index, group in enumerate(groups):
        if group.active:
            if group.name in group_index:
                ambiguous.add(group.name)
            group_index.setdefault(group.name, index)
    group_lines: dict[int, int] = {}  # group index -> the line that last touched it
    added_groups: dict[int, int] = {}  # group index -> the line that created it

    people = list(org.people)
    claimed: dict[int, RosterRow] = {}
    added_people: set[int] = set()
    row_person: list[tuple[RosterRow, int]] = []

    for row in rows:
        group_id: str | None = None
        if row.group is not None:
            if row.group in ambiguous:
                raise RosterError(
                    row.line,
                    f"支部中有不止一个名为“{row.group}”的党小组,无法确定是哪一个。",
                    f"the branch has more than one group named {row.group!r}; "
                    "cannot tell which one is meant.",
                )
            gi = group_index.get(row.group)
            if gi is None:
                gi = len(groups)
                groups.append(Group(id=new_id("group"), name=row.group))
                group_index[row.group] = gi
                added_groups[gi] = row.line
            group = groups[gi]
            if row.group_decided_on is not None and group.decided_on != row.group_decided_on:
                groups[gi] = group = replace(group, decided_on=row.group_decided_on)
                group_lines.setdefault(gi, row.line)
            if (
                row.group_reported_up_on is not None
                and group.reported_up_on != row.group_reported_up_on
            ):
                groups[gi] = replace(group, reported_up_on=row.group_reported_up_on)
                group_lines.setdefault(gi, row.line)
            group_id = groups[gi].id

        # Match against the branch as it was, not as earlier rows left it.
        pi = _match_person(org.people, row, claimed)
        if pi is None:
            pi = len(people)
            base = Person(id=new_id("person"), name=row.name, status=row.status)
            people.append(_person_from_row(row, base, group_id))
            added_people.add(pi)
        else:
            people[pi] = _person_from_row(row, people[pi], group_id)
        claimed[pi] = row
        row_person.append((row, pi))

    # Leaders: first step down those who left, then seat the ones marked 组长.
    for row, pi in row_person:
        person = people[pi]
        for gi, group in enumerate(groups):
            if group.leader_id != person.id:
                continue
            stays = (
                person.group_id == group.id
                and person.is_party_member
                and (row.group_leader or "group_leader" not in row.given)
            )
            if not stays:
                groups[gi] = replace(group, leader_id=None)
                group_lines.setdefault(gi, row.line)
    for row, pi in row_person:
        if not row.group_leader:
            continue
        gi = group_index[row.group or ""]
        if groups[gi].leader_id != people[pi].id:
            groups[gi] = replace(groups[gi], leader_id=people[pi].id)
            group_lines[gi] = row.line

    # One secretary and one organisation member in the branch as a whole.
    for row, pi in row_person:
        role = people[pi].branch_role
        if role not in (BranchRole.SECRETARY, BranchRole.ORGANISATION):
            continue
        others = [p for i, p in enumerate(people) if i != pi and p.branch_role is role]
        if others:
            raise RosterError(
                row.line,
                f"{others[0].name} 已是{ROLE_ZH[role]}(不在本文件中或未改动);"
                f"支部只有一名{ROLE_ZH[role]},请先在文件中修改其支部职务。",
                f"{others[0].name} is already the branch's {role.value}; a branch has one. "
                "Include them in the file with their new branch role.",
            )

    changes: list[RosterChange] = []
    people_updated = people_unchanged = 0
    for row, pi in row_person:
        person = people[pi]
        if pi in added_people:
            changes.append(RosterChange(ChangeKind.PERSON_ADDED, row.line, person.id, person.name))
            continue
        fields = _changed_fields(org.people[pi], person, _PERSON_FIELDS)
        if fields:
            people_updated += 1
            changes.append(
                RosterChange(ChangeKind.PERSON_UPDATED, row.line, person.id, person.name, fields)
            )
        else:
            people_unchanged += 1
    groups_updated = 0
    for gi, group in enumerate(groups):
        if gi in added_groups:
            changes.append(
                RosterChange(ChangeKind.GROUP_ADDED, added_groups[gi], group.id, group.name)
            )
            continue
        fields = _changed_fields(org.groups[gi], group, _GROUP_FIELDS)
        if fields:
            groups_updated += 1
            changes.append(
                RosterChange(
                    ChangeKind.GROUP_UPDATED, group_lines[gi], group.id, group.name, fields
                )
            )
    order = list(ChangeKind)
    changes.sort(key=lambda c: (c.line, order.index(c.kind)))

    return RosterResult(
        organisation=replace(org, groups=tuple(groups), people=tuple(people)),
        people_added=len(added_people),
        people_updated=people_updated,
        people_unchanged=people_unchanged,
        groups_added=len(added_groups),
        groups_updated=groups_updated,
        changes=tuple(changes),
    )
