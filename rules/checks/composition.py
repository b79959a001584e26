"""Group composition (划分党小组的五条基本原则): G1 G2 G3 G4 G5, and B1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from rules.checks.findings import Finding, Severity
from rules.models import BranchRecords, MemberStatus, Person

from ._common import (
    branch_start,
    branch_subject,
    counts_for_month,
    days,
    en_date,
    en_month,
    en_names,
    end_month,
    finding,
    group_meetings,
    group_subject,
    in_period,
    month_of,
    months_between,
    person_names,
    zh_date,
    zh_month,
    zh_names,
)

# G5: how long "promptly" (及时) may take before a report upward is overdue.
REPORT_UP_DAYS = 30


def _members_zh(people: tuple[Person, ...]) -> str:
    return f"({zh_names(person_names(people))})" if people else ""


def _members_en(people: tuple[Person, ...]) -> str:
    return f" ({en_names(person_names(people))})" if people else ""


def g1_group_size(records: BranchRecords, now: datetime) -> Iterator[Finding]:
    """G1 — 每个党小组一般不得少于三名党员 (error)."""
    org = records.organisation
    for group in org.active_groups:
        members = org.members_of(group.id)
        if len(members) >= 3:
            continue
        yield finding(
            "G1",
            Severity.ERROR,
            group_subject(group),
            f"{group.name}只有{len(members)}名党员{_members_zh(members)},"
            "每个党小组一般不得少于三名党员:请调入党员,或与相邻部门的党小组合并。",
            f"{group.name} has only {len(members)} party member(s){_members_en(members)}; "
            "a group needs at least three: move members in, or merge it with the group "
            "of an adjacent department.",
        )


def g2_full_member(records: BranchRecords, now: datetime) -> Iterator[Finding]:
    """G2 — 每个党小组至少有三名党员,其中至少有位正式党员 (error)."""
    org = records.organisation
    for group in org.active_groups:
        members = org.members_of(group.id)
        if any(p.status is MemberStatus.FULL for p in members):
            continue
        yield finding(
            "G2",
            Severity.ERROR,
            group_subject(group),
            f"{group.name}没有正式党员{_members_zh(members)},"
            "每个党小组至少要有一名正式党员:请调入一名正式党员。",
            f"{group.name} has no full member{_members_en(members)}; every group needs at "
            "least one: move a full member into it.",
        )


def g3_leadership_cadres(records: BranchRecords, now: datetime) -> Iterator[Finding]:
    """G3 — 担任领导工作的党员干部不宜单独划分成一个小组或集中安排在一个党小组内.

    Warnings: a group made up only of cadres in leadership posts (two or
    more), and a group holding more than half of the branch's cadres when the
    branch has at least two groups and three such cadres — and more than an
    even spread would put in one group (three cadres in two groups cannot
    avoid two sharing one, so two of three is not "concentrated").
    """
    org = records.organisation
    cadres = [p for p in org.party_members if p.leadership_post]
    groups = org.active_groups
    for group in groups:
        members = org.members_of(group.id)
        in_group = tuple(p for p in members if p.leadership_post)
        if len(in_group) >= 2 and len(in_group) == len(members):
            yield finding(
                "G3",
                Severity.WARNING,
                group_subject(group),
                f"{group.name}的党员{_members_zh(in_group)}全部是担任领导工作的党员干部,"
                "不宜单独划分成一个小组:请把他们编入各自所在部门的党小组。",
                f"Every member of {group.name}{_members_en(in_group)} holds a leadership "
                "post; cadres should not form a group of their own: place them in the "
                "groups of their departments.",
            )
        even_share = -(-len(cadres) // len(groups)) if groups else 0  # ceil
        if (
            len(groups) >= 2
            and len(cadres) >= 3
            and len(in_group) * 2 > len(cadres)
            and len(in_group) > even_share
        ):
            yield finding(
                "G3",
                Severity.WARNING,
                group_subject(group),
                f"全支部{len(cadres)}名担任领导工作的党员干部中有{len(in_group)}名"
                f"{_members_zh(in_group)}集中在{group.name},"
                "不宜集中安排在一个党小组内:请分散到各党小组。",
                f"{len(in_group)} of the branch's {len(cadres)} cadres in leadership posts"
                f"{_members_en(in_group)} are in {group.name}; they should not be "
                "concentrated in one group: spread them over the groups.",
            )


def g4_departments(records: BranchRecords, now: datetime) -> Iterator[Finding]:
    """G4 — 将其所在的行政、生产、科室、班组及相邻部门的党员划分在一个党小组内 (advice)."""
    org = records.organisation
    active = {g.id: g for g in org.active_groups}
    by_department: dict[str, dict[str, list[Person]]] = {}
    for person in org.party_members:
        department = person.department.strip()
        if not department or person.group_id not in active:
            continue
        by_department.setdefault(department, {}).setdefault(person.group_id, []).append(person)
    for department in sorted(by_department):
        split = by_department[department]
        if len(split) < 2:
            continue
        parts_zh = [
            f"{active[gid].name}({zh_names(person_names(people))})" for gid, people in split.items()
        ]
        parts_en = [
            f"{active[gid].name} ({en_names(person_names(people))})"
            for gid, people in split.items()
        ]
        yield finding(
            "G4",
            Severity.ADVICE,
            branch_subject(org),
            f"{department}的党员分在{len(split)}个党小组:{';'.join(parts_zh)}。"
            "宜将同一部门及相邻部门的党员划分在一个党小组内。",
            f"The party members of {department} are split over {len(split)} groups: "
            f"{'; '.join(parts_en)}. Members of the same or adjacent departments "
            "should share a group.",
        )


def g5_committee_decision(records: BranchRecords, now: datetime) -> Iterator[Finding]:
    """G5 — 党小组的划分和建立,由支委会决定,不必经过上级党组织审批,但支委会应将建立
    党小组的情况及时向上级报告.

    Error: no committee decision recorded, or a report upward dated before the
    decision. Warning: not reported upward more than 30 days after the decision.
    """
    org = records.organisation
    today = now.date()
    for group in org.active_groups:
        subject = group_subject(group)
        decided = group.decided_on
        reported = group.reported_up_on
        if decided is None:
            yield finding(
                "G5",
                Severity.ERROR,
                subject,
                f"{group.name}没有记录支委会研究决定建立的日期:"
                "党小组的划分和建立由支委会决定,请补记支委会决定的日期。",
                f"{group.name} has no record of the branch committee's decision to set it "
                "up: record the date the committee decided it.",
            )
            continue
        if reported is not None and reported < decided:
            yield finding(
                "G5",
                Severity.ERROR,
                subject,
                f"{group.name}向上级报告的日期({zh_date(reported)})早于支委会决定建立的日期"
                f"({zh_date(decided)}):请核对并更正这两个日期。",
                f"{group.name} was reported upward ({en_date(reported)}) before the "
                f"committee decided to set it up ({en_date(decided)}): check and correct "
                "the dates.",
            )
        elif reported is None and today > decided + days(REPORT_UP_DAYS):
            waited = (today - decided).days
            yield finding(
                "G5",
                Severity.WARNING,
                subject,
                f"支委会于{zh_date(decided)}决定建立{group.name},已过{waited}天仍未记录"
                "向上级报告:支委会应将建立党小组的情况及时向上级报告。",
                f"The committee decided to set up {group.name} on {en_date(decided)}, "
                f"{waited} days ago, and no report upward is recorded: report it to the "
                "higher Party organisation and record the date.",
            )


def b1_member_congress(records: BranchRecords, now: datetime) -> Iterator[Finding]:
    """B1 — 没有党小组的党支部,应当每月召开一次党员大会,以体现组织生活的经常性.

    For a branch with no active group, every full month covered by the records
    up to last month needs a member congress held or a postponement recorded
    (error per missing month).
    """
    org = records.organisation
    if org.active_groups:
        return
    congresses = group_meetings(records, None)
    start = branch_start(records)
    if start is None:
        return
    covered = {month_of(m.held_on) for m in congresses if counts_for_month(m)}
    for month in months_between(in_period(records, start), end_month(records, now)):
        if month in covered:
            continue
        yield finding(
            "B1",
            Severity.ERROR,
            branch_subject(org),
            f"{org.branch.name}没有党小组,{zh_month(month)}没有召开党员大会,也没有记录推迟:"
            "没有党小组的党支部应当每月召开一次党员大会;请补记会议或推迟原因。",
            f"{org.branch.name} has no groups and held no party member congress in "
            f"{en_month(month)}, nor recorded a postponement: a branch without groups "
            "holds one every month; record the meeting or the reason it was put off.",
        )
