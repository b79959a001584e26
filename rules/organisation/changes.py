"""An organisation change and its words (SPEC §1): the limits of a name and a
reason, the labels of a status, a discipline and a branch role, the parts
every change is made of (``Recorded``: who, when, why; ``OrgChange``: the
organisation afterwards with its history records; ``ChangeRefused`` with its
``Reason`` in Chinese and English), the look-ups and replacements the
changes share, and the history told in words (``describe_change``,
``person_history``, ``group_history``).

The changes themselves: groups in ``rules.organisation.groups``, a person's
status, discipline and branch role in ``rules.organisation.people``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

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


def existing_group(org: Organisation, group_id: str, *, active: bool = True) -> Group:
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


def existing_person(org: Organisation, person_id: str) -> Person:
    person = org.person(person_id)
    if person is None:
        raise ChangeRefused(
            Reason(f"名册中没有人员 {person_id}。", f"There is no person {person_id}.")
        )
    return person


def check_day(day: date, today: date, zh_what: str, en_what: str) -> None:
    if day > today:
        raise ChangeRefused(
            Reason(
                f"{zh_what}({day.isoformat()})不能晚于今天:请记录已经发生的事。",
                f"The {en_what} ({day.isoformat()}) cannot be after today: record what "
                "has happened.",
            )
        )


def replace_group(org: Organisation, group: Group) -> Organisation:
    groups = tuple(group if g.id == group.id else g for g in org.groups)
    if org.group(group.id) is None:
        groups += (group,)
    return replace(org, groups=groups)


def replace_person(org: Organisation, person: Person) -> Organisation:
    return replace(org, people=tuple(person if p.id == person.id else p for p in org.people))


def group_change(
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
