"""Changes of a person's status, discipline and branch role (SPEC §1, L1),
each checked against the rules and kept as history: a leader who may no
longer lead stops being it, one secretary and one organisation member per
branch. Each returns an ``OrgChange`` or raises ``ChangeRefused``
(``rules.organisation.changes``)."""

from __future__ import annotations

from dataclasses import replace

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
from rules.organisation.changes import (
    BRANCH_ROLE_LABELS,
    REASON_MAX,
    SINGLE_SEATS,
    ChangeRefused,
    OrgChange,
    Reason,
    Recorded,
    check_day,
    discipline_label,
    existing_person,
    group_change,
    replace_person,
    status_label,
)
from rules.organisation.groups import (
    can_lead,
    without_leader,
)

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
    person = existing_person(org, person_id)
    _need_reason(rec)
    check_day(rec.on, rec.at.date(), "变更日期", "day of the change")
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
                group_change(
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
    after = replace_person(org, changed)
    if group is not None and group.leader_id == person_id and not can_lead(changed):
        if changed.group_id is None:
            after, lead_change, note = without_leader(after, group, person, rec)
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
    person = existing_person(org, person_id)
    _need_reason(rec)
    check_day(rec.on, rec.at.date(), "变更日期", "day of the change")
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
    after = replace_person(org, changed)
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
    person = existing_person(org, person_id)
    _need_reason(rec)
    check_day(rec.on, rec.at.date(), "变更日期", "day of the change")
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
                after = replace_person(after, replace(holder, branch_role=BranchRole.NONE))
                notes.append(
                    Reason(
                        f"{holder.name}不再担任{label_zh}。",
                        f"{holder.name} is no longer {label_en}.",
                    )
                )
    history.append(change(person, role))
    after = replace_person(after, replace(person, branch_role=role))
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
