"""A group's annual plan (全年每月党小组会议内容, Y1): started from the seed's
template, a topic edited month by month, and recorded as decided at the
January meeting.

1月份 … 同时研究讨论并决定全年每月党小组会议内容. The plan is decided at a
meeting, so it is recorded as decided only against that year's January
meeting of the group (one that decides the annual plan) once it has been
held. A month whose meeting has been held keeps its topic: that meeting took
it up, and its minutes say so (R3).
"""

from __future__ import annotations

from dataclasses import replace

from rules.checks._common import group_meetings, is_held
from rules.meeting.flow import FlowError
from rules.models import AnnualPlan, BranchRecords, Meeting, PlannedMonth
from rules.year.plan_template import plan_from_template

#: A topic longer than this is surely pasted by mistake.
MAX_TOPIC_CHARS = 300


def plan_or_template(records: BranchRecords, group_id: str, year: int) -> tuple[AnnualPlan, bool]:
    """The group's plan for ``year``, or (when it has none) one started from
    the seed's template; the flag says the plan is stored."""
    for plan in records.plans:
        if plan.group_id == group_id and plan.year == year:
            return plan, True
    return plan_from_template(group_id, year), False


def set_topic(plan: AnnualPlan, month: int, topic: str) -> AnnualPlan:
    """The plan with ``month``'s topic replaced (the month is added if the
    plan lacked it). Refuses an empty topic: every month has one (Y1)."""
    if month not in range(1, 13):
        raise ValueError(f"no such month: {month}")
    text = " ".join(topic.split())
    if not text:
        raise FlowError(
            "Y1",
            f"{month}月的会议内容不能为空:要决定全年每月党小组会议内容。",
            f"Month {month} needs a topic: the plan decides every month's meeting.",
        )
    if len(text) > MAX_TOPIC_CHARS:
        raise FlowError(
            "M2",
            f"{month}月的会议内容太长(超过{MAX_TOPIC_CHARS}字):每次解决一两个问题。",
            f"Month {month}'s topic is too long (over {MAX_TOPIC_CHARS} characters): a "
            "meeting settles one or two matters.",
        )
    months = {pm.month: pm for pm in plan.months}
    old = months.get(month)
    months[month] = (
        replace(old, topic=text) if old is not None else PlannedMonth(month=month, topic=text)
    )
    return replace(plan, months=tuple(months[m] for m in sorted(months)))


def taken_up_by(records: BranchRecords, plan: AnnualPlan, month: int) -> Meeting | None:
    """The meeting that took up ``month``'s topic: the one the plan names, or
    else the meeting held that month (a postponed month's topic may be taken
    up by a later meeting, M1)."""
    wanted = next((pm.meeting_id for pm in plan.months if pm.month == month), None)
    meetings = group_meetings(records, plan.group_id)
    if wanted is not None:
        for meeting in meetings:
            if meeting.id == wanted:
                return meeting
    held = [
        m
        for m in meetings
        if is_held(m) and (m.held_on.year, m.held_on.month) == (plan.year, month)
    ]
    return min(held, key=lambda m: (m.held_on, m.id)) if held else None


def topic_fixed_by(records: BranchRecords, plan: AnnualPlan, month: int) -> Meeting | None:
    """The held meeting that took up ``month``'s topic, if any: the topic
    then stays as it was (the minutes say what was discussed)."""
    taken = taken_up_by(records, plan, month)
    return taken if taken is not None and is_held(taken) else None


def january_meeting(records: BranchRecords, group_id: str, year: int) -> Meeting | None:
    """The group's January meeting of ``year`` that decides the annual plan:
    the held one if there is one, else one in preparation or postponed."""
    found = [
        m
        for m in group_meetings(records, group_id)
        if m.decides_annual_plan and (m.held_on.year, m.held_on.month) == (year, 1)
    ]
    held = [m for m in found if is_held(m)]
    pool = held or found
    return min(pool, key=lambda m: (m.held_on, m.id)) if pool else None


def record_decision(records: BranchRecords, plan: AnnualPlan) -> AnnualPlan:
    """The plan recorded as decided at the group's January meeting (Y1).

    Refuses when that January has no meeting deciding the plan, or when it
    has not been held (postponed, or still in preparation)."""
    year = plan.year
    meeting = january_meeting(records, plan.group_id, year)
    if meeting is None:
        raise FlowError(
            "Y1",
            f"没有{year}年1月研究决定全年计划的党小组会:全年每月党小组会议内容要在1月份的"
            "会议上研究讨论并决定。请先安排1月份的会议。",
            f"There is no January {year} meeting that decides the year's plan: every "
            "month's topics are decided at the January meeting. Plan that meeting first.",
        )
    if not is_held(meeting):
        why_zh = "已推迟" if meeting.postponed else "还没有召开"
        why_en = "was postponed" if meeting.postponed else "has not been held"
        day = meeting.held_on
        raise FlowError(
            "Y1",
            f"{day.year}年{day.month}月{day.day}日的1月份会议{why_zh}:计划只能记为在召开的"
            "会议上决定。",
            f"The January meeting of {day.isoformat()} {why_en}: a plan is recorded as "
            "decided only at a meeting that was held.",
        )
    months = {pm.month: pm for pm in plan.months}
    if 1 in months and months[1].meeting_id is None:
        months[1] = replace(months[1], meeting_id=meeting.id)
    return replace(
        plan,
        months=tuple(months[m] for m in sorted(months)),
        decided_at_meeting_id=meeting.id,
    )


def edit_topic(records: BranchRecords, plan: AnnualPlan, month: int, topic: str) -> AnnualPlan:
    """``set_topic``, refused for a month whose meeting has been held."""
    fixed = topic_fixed_by(records, plan, month)
    if fixed is not None:
        day = fixed.held_on
        raise FlowError(
            "R3",
            f"{month}月的议题已由{day.year}年{day.month}月{day.day}日的会议讨论,不能再修改;"
            "如需更正,请在该次会议记录中添加补充说明。",
            f"Month {month}'s topic was taken up at the meeting of {day.isoformat()} and "
            "cannot change now; add an addendum to that meeting's minutes instead.",
        )
    return set_topic(plan, month, topic)
