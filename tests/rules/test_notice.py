"""The meeting notice (M5): time, place, topics and requirements, in Chinese
and English, and whether it goes out one to three days ahead — counted the
way the rules engine counts it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from rules.checks.cadence import m5_notice
from rules.meeting import flow
from rules.meeting.notice import (
    NoticePart,
    NoticeTiming,
    days_ahead,
    notice_of,
    notice_out_of_date,
    timing,
)
from rules.models import Guest, Meeting, MeetingKind
from tests.rules.conftest import TZ, at, compliant_org, compliant_records, run

NOV_28 = at(2026, 11, 28, 14, 30)  # a Saturday


def _meeting(**changes: object) -> Meeting:
    meeting = Meeting(
        id="g1-2026-11",
        group_id="g1",
        planned_at=NOV_28,
        place="三楼会议室",
        topics=("学习《中国共产党党内监督条例》", "检查党费交纳情况"),
        method="组长领学,党员逐一发言",
        requirements="提前阅读条例全文,准备发言提纲",
    )
    return replace(meeting, **changes)  # type: ignore[arg-type]


def test_the_chinese_notice_states_time_place_topics_requirements_and_sender() -> None:
    text = notice_of(_meeting(), compliant_org(), date(2026, 11, 26)).text("zh")
    assert text.startswith("关于召开第一党小组党小组会的通知")
    assert "2026年11月28日(星期六)14:30" in text
    assert "三楼会议室" in text
    assert "1. 学习《中国共产党党内监督条例》" in text and "2. 检查党费交纳情况" in text
    assert "会议开法" in text and "组长领学,党员逐一发言" in text
    assert "会议要求" in text and "提前阅读条例全文,准备发言提纲" in text
    assert "第一党小组 张伟" in text  # the group and its leader, who sends it
    assert text.rstrip().endswith("2026年11月26日")


def test_the_english_notice_says_the_same() -> None:
    text = notice_of(_meeting(), compliant_org(), date(2026, 11, 26)).text("en")
    assert "Saturday 2026-11-28 at 14:30" in text
    assert "in 三楼会议室" in text
    assert "1. 学习《中国共产党党内监督条例》" in text
    assert "Requirements: 提前阅读条例全文,准备发言提纲" in text
    assert "How it will run: 组长领学,党员逐一发言" in text
    assert "第一党小组, 张伟" in text
    assert text.rstrip().endswith("2026-11-26")


def test_a_notice_names_what_is_still_missing_and_who_is_invited() -> None:
    meeting = _meeting(place="", requirements="", guests=(Guest("sm"),))
    zh = notice_of(meeting, compliant_org(), date(2026, 11, 26)).text("zh")
    assert "(地点待定)" in zh and "(未填写)" in zh
    assert "列席人员" in zh and "孙敏" in zh
    en = notice_of(meeting, compliant_org(), date(2026, 11, 26)).text("en")
    assert "(place to be decided)" in en and "Invited: 孙敏" in en


def test_the_sender_can_be_named_and_the_life_meeting_says_so() -> None:
    meeting = _meeting(kind=MeetingKind.LIFE)
    notice = notice_of(meeting, compliant_org(), date(2026, 11, 26), sender_id="ln")
    assert notice.sender == "李娜"
    assert "党小组生活会" in notice.text("zh")
    assert "group life meeting" in notice.text("en")


def test_a_member_congress_is_the_branch_s_own() -> None:
    meeting = _meeting(group_id=None, kind=MeetingKind.MEMBER_CONGRESS, chair_id="zq")
    notice = notice_of(meeting, compliant_org(), date(2026, 11, 26))
    assert notice.host == "机关第一党支部" and notice.sender == "赵强"
    assert "本支部全体党员" in notice.text("zh")


@pytest.mark.parametrize(
    ("sent", "ahead", "expected"),
    [
        (at(2026, 11, 28, 8, 0), 0, NoticeTiming.TOO_LATE),
        (at(2026, 11, 27, 23, 0), 1, NoticeTiming.ON_TIME),
        (at(2026, 11, 25, 0, 10), 3, NoticeTiming.ON_TIME),
        (at(2026, 11, 24, 23, 50), 4, NoticeTiming.TOO_EARLY),
        (at(2026, 11, 23, 9, 0), 5, NoticeTiming.TOO_EARLY),
    ],
)
def test_timing_counts_calendar_days(sent: datetime, ahead: int, expected: NoticeTiming) -> None:
    meeting = _meeting()
    assert days_ahead(meeting, sent) == ahead
    assert timing(meeting, sent) is expected


def test_timing_counts_in_the_meeting_s_time_zone() -> None:
    # 16:30 UTC on the 24th is 00:30 on the 25th in Shanghai: three days ahead.
    sent = datetime(2026, 11, 24, 16, 30, tzinfo=UTC)
    assert sent.astimezone(TZ).date() == date(2026, 11, 25)
    assert days_ahead(_meeting(), sent) == 3


@pytest.mark.parametrize("days", [0, 1, 2, 3, 4, 5])
def test_timing_agrees_with_the_rules_engine(days: int) -> None:
    records = compliant_records()
    mid = "g1-2026-10"
    held = next(m for m in records.meetings if m.id == mid)
    sent = held.planned_at - timedelta(days=days)
    meetings = tuple(
        replace(m, notice_sent_at=sent) if m.id == mid else m for m in records.meetings
    )
    found = [f for f in run(m5_notice, replace(records, meetings=meetings)) if f.subject.id == mid]
    assert (timing(held, sent) is NoticeTiming.ON_TIME) == (not found)


def test_a_plan_changed_after_the_notice_went_out_makes_it_out_of_date() -> None:
    meeting = Meeting(id="m", group_id="g1", planned_at=datetime(2026, 3, 12, 14, 30, tzinfo=TZ))
    planned = flow.plan(meeting, place="会议室", topics=("学习党章",))
    assert notice_out_of_date(planned) == ()
    sent = flow.record_notice(planned, planned.planned_at - timedelta(days=2))
    assert sent.notice_as_sent is not None and sent.notice_as_sent.topics == ("学习党章",)
    assert notice_out_of_date(sent) == ()
    retopic = flow.plan(sent, topics=("学习党章", "党费检查"))
    assert notice_out_of_date(retopic) == (NoticePart.TOPICS,)
    moved = flow.plan(retopic, place="二楼", planned_at=sent.planned_at + timedelta(hours=1))
    assert notice_out_of_date(moved) == (NoticePart.TIME, NoticePart.PLACE, NoticePart.TOPICS)
    # Sent again, it says what the meeting is once more.
    again = flow.record_notice(moved, moved.planned_at - timedelta(days=1))
    assert notice_out_of_date(again) == ()
    # A notice recorded before this was kept: nothing is known, nothing said.
    assert notice_out_of_date(replace(retopic, notice_as_sent=None)) == ()
