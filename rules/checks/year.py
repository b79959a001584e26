"""The year (国企全年党小组会议内容): Y1 (January) and Y2 (December)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from rules.checks.findings import Finding, Severity
from rules.models import BranchRecords, Meeting, MeetingKind

from ._common import (
    Month,
    checked_meetings,
    counts_for_month,
    en_date,
    finding,
    group_meetings,
    group_start,
    group_subject,
    is_held,
    last_year,
    meeting_label,
    meeting_label_en,
    meeting_subject,
    month_of,
    zh_date,
)


def _by_month(meetings: list[Meeting]) -> dict[Month, list[Meeting]]:
    """The meetings that count for a month (held or postponed), by the month
    they are held in, in their order (one pass, not one per month)."""
    found: dict[Month, list[Meeting]] = {}
    for m in meetings:
        if counts_for_month(m):
            found.setdefault(month_of(m.held_on), []).append(m)
    return found


def y1_january(records: BranchRecords, now: datetime) -> Iterator[Finding]:
    """Y1 — 1月份,通报上一年党小组工作情况 … 同时研究讨论并决定全年每月党小组会议内容.

    For each active group and each year the records cover from January on,
    once January is over: error if no January meeting was held or postponed;
    warning if the January meetings held decided no annual plan (advice if
    none reviewed last year); warning if no annual plan is recorded. Any
    recorded plan that does not cover all twelve months is a warning.
    """
    org = records.organisation
    today = now.date()
    for group in org.active_groups:
        subject = group_subject(group)
        start = group_start(records, group)
        by_month = _by_month(group_meetings(records, group.id))
        plans = {p.year: p for p in records.plans if p.group_id == group.id}
        if start is not None:
            for year in range(start[0], last_year(records, now) + 1):
                if (year, 1) < start or today < date(year, 2, 1):
                    continue
                january = by_month.get((year, 1), [])
                held = [m for m in january if is_held(m)]
                if not january:
                    yield finding(
                        "Y1",
                        Severity.ERROR,
                        subject,
                        f"{group.name}{year}年1月没有召开党小组会,也没有记录推迟:1月份的会议要"
                        "通报上一年工作情况,研究讨论并决定全年每月党小组会议内容。",
                        f"{group.name} held no January {year} meeting and recorded no "
                        "postponement: the January meeting reviews last year and decides "
                        "every month's topics for the year.",
                    )
                elif held and not any(m.decides_annual_plan for m in held):
                    m = held[0]
                    yield finding(
                        "Y1",
                        Severity.WARNING,
                        meeting_subject(m, org),
                        f"{meeting_label(m, org)}没有研究决定{year}年全年每月党小组会议内容:"
                        "请在会上(或补开会议)决定全年计划。",
                        f"{meeting_label_en(m, org)} did not decide the topics for every "
                        f"month of {year}: decide the year's plan at a meeting.",
                    )
                if held and not any(m.reviews_last_year for m in held):
                    m = held[0]
                    yield finding(
                        "Y1",
                        Severity.ADVICE,
                        meeting_subject(m, org),
                        f"{meeting_label(m, org)}没有通报{year - 1}年党小组工作情况。",
                        f"{meeting_label_en(m, org)} did not review the group's work in "
                        f"{year - 1}.",
                    )
                if year not in plans:
                    yield finding(
                        "Y1",
                        Severity.WARNING,
                        subject,
                        f"{group.name}没有{year}年的全年党小组会议计划:请在1月份的会议上"
                        "研究讨论并决定全年每月党小组会议内容,并录入计划。",
                        f"{group.name} has no plan for {year}: decide every month's topics "
                        "at the January meeting and record the plan.",
                    )
        for year in sorted(plans):
            covered = {pm.month for pm in plans[year].months if pm.topic.strip()}
            gaps = [m for m in range(1, 13) if m not in covered]
            if not gaps:
                continue
            zh_gaps = "、".join(f"{m}月" for m in gaps)
            en_gaps = ", ".join(str(m) for m in gaps)
            yield finding(
                "Y1",
                Severity.WARNING,
                subject,
                f"{group.name}{year}年的全年计划缺少{zh_gaps}的会议内容:"
                "请决定全年每月党小组会议内容。",
                f"{group.name}'s plan for {year} has no topic for month(s) {en_gaps}: "
                "decide a topic for every month.",
            )


def y2_december(records: BranchRecords, now: datetime) -> Iterator[Finding]:
    """Y2 — 12月份,召开党小组生活会,开展一次批评和自我批评 … 要求会前征求好意见.

    Warning, once December is over (or its meeting held): no group life
    meeting (生活会) that December. Warning: a held life meeting whose opinions
    were not gathered before the day of the meeting.
    """
    org = records.organisation
    today = now.date()
    for group in org.active_groups:
        start = group_start(records, group)
        if start is None:
            continue
        meetings = group_meetings(records, group.id)
        by_month = _by_month(meetings)
        for year in range(start[0], last_year(records, now) + 1):
            if (year, 12) < start:
                continue
            december = by_month.get((year, 12), [])
            held = [m for m in december if is_held(m)]
            if today < date(year + 1, 1, 1) and not held:
                continue  # December is not over and its meeting is still to come
            december_over = today >= date(year + 1, 1, 1)
            if any(m.kind is MeetingKind.LIFE for m in december) or (
                not december_over
                and any(
                    m.kind is MeetingKind.LIFE
                    and (m.planned_at.year, m.planned_at.month) == (year, 12)
                    for m in meetings
                )
            ):
                continue
            if held:
                m = held[0]
                yield finding(
                    "Y2",
                    Severity.WARNING,
                    meeting_subject(m, org),
                    f"{meeting_label(m, org)}不是党小组生活会:12月份要召开党小组生活会,"
                    "开展一次批评和自我批评。",
                    f"{meeting_label_en(m, org)} is not a group life meeting: December's "
                    "meeting is the life meeting, with criticism and self-criticism.",
                )
            else:
                yield finding(
                    "Y2",
                    Severity.WARNING,
                    group_subject(group),
                    f"{group.name}{year}年12月没有召开党小组生活会:12月份要召开党小组生活会,"
                    "开展一次批评和自我批评。",
                    f"{group.name} held no group life meeting in December {year}: December's "
                    "meeting is the life meeting, with criticism and self-criticism.",
                )
    for meeting in checked_meetings(records):
        if meeting.kind is not MeetingKind.LIFE or not is_held(meeting):
            continue
        gathered = meeting.opinions_gathered_on
        if gathered is not None and gathered < meeting.held_on:
            continue
        when_zh = (
            "没有会前征求意见的记录" if gathered is None else f"于{zh_date(gathered)}才征求意见"
        )
        when_en = (
            "has no record of opinions gathered beforehand"
            if gathered is None
            else f"gathered opinions only on {en_date(gathered)}"
        )
        yield finding(
            "Y2",
            Severity.WARNING,
            meeting_subject(meeting, org),
            f"{meeting_label(meeting, org)}{when_zh}:生活会要求会前征求好意见。",
            f"{meeting_label_en(meeting, org)} {when_en}: opinions for a life meeting are "
            "gathered before it.",
        )
