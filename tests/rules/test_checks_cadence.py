"""党小组会概况 and 会前准备工作: M1 M2 M3 M5 M6."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from rules.checks.cadence import (
    m1_monthly,
    m2_topics,
    m3_branch_consulted,
    m5_notice,
    m6_attendance_and_chair,
)
from rules.checks.findings import Severity, SubjectKind
from rules.models import (
    Attendance,
    AttendanceStatus,
    BranchRecords,
    MeetingKind,
    Postponement,
    Step,
)

from .conftest import (
    NOW,
    at,
    compliant_records,
    drop_meeting,
    meeting,
    replace_meeting,
    run,
)

MARCH = "g1-2026-03"  # 第一党小组, 12 March 2026, 14:30
NOVEMBER = "g1-2026-11"  # planned for 28 November 2026


def test_compliant_branch() -> None:
    records = compliant_records()
    for check in (m1_monthly, m2_topics, m3_branch_consulted, m5_notice, m6_attendance_and_chair):
        assert run(check, records) == [], check.__name__


# -- M1: 一般每月召开一次 … 也可推迟召开会议时间 -----------------------------


def test_m1_a_month_without_a_meeting() -> None:
    [finding] = run(m1_monthly, drop_meeting(compliant_records(), MARCH))
    assert (finding.rule, finding.severity) == ("M1", Severity.ERROR)
    assert finding.subject.kind is SubjectKind.GROUP
    assert finding.subject.label == "第一党小组"
    assert "2026年3月" in finding.message_zh
    assert "March 2026" in finding.message_en


def test_m1_a_recorded_postponement_keeps_the_month() -> None:
    records = replace_meeting(
        compliant_records(),
        MARCH,
        step=Step.PREPARATION,
        started_at=None,
        postponement=Postponement("全组参加抢修任务", at(2026, 3, 10), date(2026, 4, 2)),
    )
    assert run(m1_monthly, records) == []


def test_m1_a_meeting_merely_planned_in_a_past_month_does_not_count() -> None:
    records = replace_meeting(compliant_records(), MARCH, step=Step.PREPARATION, started_at=None)
    [finding] = run(m1_monthly, records)
    assert "2026年3月" in finding.message_zh


def test_m1_one_finding_per_missing_month_in_order() -> None:
    records = drop_meeting(drop_meeting(compliant_records(), MARCH), "g1-2026-07")
    findings = run(m1_monthly, records)
    assert [f.message_en.split(" in ")[1].split(" and ")[0] for f in findings] == [
        "March 2026",
        "July 2026",
    ]


def test_m1_the_current_month_is_not_over() -> None:
    records = drop_meeting(compliant_records(), NOVEMBER)
    assert run(m1_monthly, records) == []
    # but once December has come, November is missing for both groups
    findings = run(m1_monthly, records, at(2026, 12, 1, 8))
    assert [f.subject.label for f in findings] == ["第一党小组", "第二党小组"]
    assert all("2026年11月" in f.message_zh for f in findings)


def test_m1_counts_from_the_committee_decision() -> None:
    records = compliant_records()
    org = records.organisation
    new_group = replace(org.groups[0], decided_on=date(2026, 6, 15))
    records = replace(
        records,
        organisation=replace(org, groups=(new_group, org.groups[1])),
        meetings=tuple(
            m for m in records.meetings if not (m.group_id == "g1" and m.held_on.month < 9)
        ),
    )
    # Decided 15 June: answerable from July; July and August are missing.
    findings = run(m1_monthly, records)
    assert len(findings) == 2
    assert "2026年7月" in findings[0].message_zh and "2026年8月" in findings[1].message_zh


def test_m1_without_records_since_counts_from_the_first_meeting() -> None:
    records = replace(compliant_records(), records_since=None)
    records = replace(records, meetings=tuple(m for m in records.meetings if m.held_on.month >= 5))
    assert run(m1_monthly, records) == []


def test_m1_extra_meetings_for_special_tasks_are_fine() -> None:
    records = compliant_records()
    extra = replace(
        meeting(records, MARCH),
        id="g1-extra",
        planned_at=at(2026, 3, 25),
        started_at=at(2026, 3, 25),
    )
    records = replace(records, meetings=(*records.meetings, extra))
    assert run(m1_monthly, records) == []


# -- M2: 每次解决一两个问题 ---------------------------------------------------


def test_m2_two_topics_are_fine() -> None:
    records = replace_meeting(compliant_records(), MARCH, topics=("学习党章", "讨论转正"))
    assert run(m2_topics, records) == []


def test_m2_three_topics_is_a_warning() -> None:
    records = replace_meeting(
        compliant_records(), NOVEMBER, topics=("学习条例", "党费检查", "群众意见")
    )
    [finding] = run(m2_topics, records)
    assert (finding.rule, finding.severity) == ("M2", Severity.WARNING)
    assert finding.subject.label == "第一党小组 2026年11月28日会议"
    assert "3个议题" in finding.message_zh
    assert "“学习条例”、“党费检查”、“群众意见”" in finding.message_zh


def test_m2_a_held_meeting_without_topics() -> None:
    records = replace_meeting(compliant_records(), MARCH, topics=())
    [finding] = run(m2_topics, records)
    assert (finding.severity, finding.subject.id) == (Severity.ERROR, MARCH)


def test_m2_a_planned_meeting_may_still_lack_topics() -> None:
    records = replace_meeting(compliant_records(), NOVEMBER, topics=())
    assert run(m2_topics, records) == []


# -- M3: 党小组要在会前与党支部进行沟通 -------------------------------------


def test_m3_no_consultation() -> None:
    records = replace_meeting(compliant_records(), MARCH, consulted_branch_at=None)
    [finding] = run(m3_branch_consulted, records)
    assert (finding.rule, finding.severity) == ("M3", Severity.WARNING)
    assert finding.subject.label == "第一党小组 2026年3月12日会议"


def test_m3_consulted_after_the_start() -> None:
    records = replace_meeting(compliant_records(), MARCH, consulted_branch_at=at(2026, 3, 13, 9))
    [finding] = run(m3_branch_consulted, records)
    assert "2026年3月13日" in finding.message_zh


def test_m3_consulted_the_same_morning_is_before() -> None:
    records = replace_meeting(compliant_records(), MARCH, consulted_branch_at=at(2026, 3, 12, 9))
    assert run(m3_branch_consulted, records) == []


def test_m3_a_meeting_not_yet_held_is_not_judged() -> None:
    assert meeting(compliant_records(), NOVEMBER).consulted_branch_at is None
    assert run(m3_branch_consulted, compliant_records()) == []


# -- M5: 提前一至三天通知本组党员 ---------------------------------------------


@pytest.mark.parametrize("days_ahead", [1, 2, 3])
def test_m5_one_to_three_days_ahead(days_ahead: int) -> None:
    sent = at(2026, 3, 12 - days_ahead, 17)
    records = replace_meeting(compliant_records(), MARCH, notice_sent_at=sent)
    assert run(m5_notice, records) == []


def test_m5_the_evening_before_counts_as_one_day() -> None:
    # Calendar days: a notice at 21:00 the evening before is one day ahead.
    records = replace_meeting(compliant_records(), MARCH, notice_sent_at=at(2026, 3, 11, 21))
    assert run(m5_notice, records) == []


@pytest.mark.parametrize(
    ("sent", "phrase"),
    [(at(2026, 3, 12, 8), "提前不足一天"), (at(2026, 3, 8, 9), "提前了4天")],
    ids=["same day", "4 days"],
)
def test_m5_outside_the_window(sent: datetime, phrase: str) -> None:
    records = replace_meeting(compliant_records(), MARCH, notice_sent_at=sent)
    [finding] = run(m5_notice, records)
    assert (finding.rule, finding.severity) == ("M5", Severity.WARNING)
    assert finding.subject.id == MARCH
    assert phrase in finding.message_zh
    assert "2026年3" in finding.message_zh


def test_m5_notice_date_counted_in_the_meetings_time_zone() -> None:
    # 17:00 UTC on 8 March is 01:00 on 9 March in Shanghai: three days ahead, not four.
    sent = datetime(2026, 3, 8, 17, 0, tzinfo=UTC)
    records = replace_meeting(compliant_records(), MARCH, notice_sent_at=sent)
    assert run(m5_notice, records) == []
    # 17:00 UTC on 11 March is already the meeting's day in Shanghai: too late.
    sent = datetime(2026, 3, 11, 17, 0, tzinfo=UTC)
    records = replace_meeting(compliant_records(), MARCH, notice_sent_at=sent)
    [finding] = run(m5_notice, records)
    assert "2026年3月12日发出,提前不足一天" in finding.message_zh


def test_m5_a_held_meeting_without_notice() -> None:
    records = replace_meeting(compliant_records(), MARCH, notice_sent_at=None)
    [finding] = run(m5_notice, records)
    assert (finding.rule, finding.severity) == ("M5", Severity.ERROR)
    assert finding.subject.label == "第一党小组 2026年3月12日会议"


def test_m5_a_meeting_tomorrow_without_notice_yet() -> None:
    records = compliant_records()
    [finding] = run(m5_notice, records, at(2026, 11, 27, 9))
    assert (finding.severity, finding.subject.id) == (Severity.WARNING, NOVEMBER)
    assert "明天" in finding.message_zh and "今天" in finding.message_zh


def test_m5_a_meeting_today_without_notice() -> None:
    [finding] = run(m5_notice, compliant_records(), at(2026, 11, 28, 8))
    assert finding.severity is Severity.WARNING
    assert "不足一天" in finding.message_zh


def test_m5_a_meeting_two_days_away_still_has_time() -> None:
    assert NOW.date() == date(2026, 11, 26)
    assert run(m5_notice, compliant_records()) == []


def test_m5_a_postponed_meeting_needs_no_notice() -> None:
    records = replace_meeting(
        compliant_records(),
        NOVEMBER,
        postponement=Postponement("生产任务紧张", NOW, date(2026, 12, 3)),
    )
    assert run(m5_notice, records, at(2026, 11, 28, 8)) == []


def test_m5_a_planned_meeting_noticed_too_early() -> None:
    records = replace_meeting(compliant_records(), NOVEMBER, notice_sent_at=at(2026, 11, 23, 9))
    [finding] = run(m5_notice, records)
    assert "提前了5天" in finding.message_zh


# -- M6: 会议由小组全体党员参加,由党小组长主持 -----------------------------


def attendance_without(records: BranchRecords, pid: str) -> tuple[Attendance, ...]:
    return tuple(a for a in meeting(records, MARCH).attendance if a.person_id != pid)


def test_m6_a_member_unaccounted_for() -> None:
    records = compliant_records()
    records = replace_meeting(records, MARCH, attendance=attendance_without(records, "wf"))
    [finding] = run(m6_attendance_and_chair, records)
    assert (finding.rule, finding.severity) == ("M6", Severity.ERROR)
    assert finding.subject.id == MARCH
    assert "王芳" in finding.message_zh and "王芳" in finding.message_en


def test_m6_absent_without_reason() -> None:
    records = compliant_records()
    attendance = (*attendance_without(records, "wf"), Attendance("wf", AttendanceStatus.ABSENT))
    [finding] = run(m6_attendance_and_chair, replace_meeting(records, MARCH, attendance=attendance))
    assert finding.severity is Severity.WARNING
    assert "王芳" in finding.message_zh and "原因" in finding.message_zh


@pytest.mark.parametrize(
    "record",
    [
        Attendance("wf", AttendanceStatus.ABSENT, reason="夜班"),
        Attendance("wf", AttendanceStatus.ON_LEAVE, reason="出差"),
        Attendance("wf", AttendanceStatus.LATE),
    ],
    ids=["absent with reason", "on leave", "late"],
)
def test_m6_accounted_for(record: Attendance) -> None:
    records = compliant_records()
    attendance = (*attendance_without(records, "wf"), record)
    assert (
        run(m6_attendance_and_chair, replace_meeting(records, MARCH, attendance=attendance)) == []
    )


def test_m6_chaired_by_someone_other_than_the_leader() -> None:
    records = replace_meeting(compliant_records(), MARCH, chair_id="zq")
    [finding] = run(m6_attendance_and_chair, records)
    assert finding.severity is Severity.WARNING
    assert "赵强" in finding.message_zh and "张伟" in finding.message_zh


def test_m6_chaired_by_the_leader() -> None:
    records = replace_meeting(compliant_records(), MARCH, chair_id="zw")
    assert run(m6_attendance_and_chair, records) == []


def test_m6_a_planned_meeting_has_no_attendance_yet() -> None:
    assert meeting(compliant_records(), NOVEMBER).attendance == ()
    assert run(m6_attendance_and_chair, compliant_records()) == []


def test_m6_member_congress_expects_every_party_member() -> None:
    records = compliant_records()
    congress = replace(
        meeting(records, MARCH),
        id="congress",
        group_id=None,
        chair_id="zq",
        kind=MeetingKind.MEMBER_CONGRESS,
    )
    records = replace(records, meetings=(*records.meetings, congress))
    [finding] = run(m6_attendance_and_chair, records)  # chaired by the secretary: fine
    assert finding.severity is Severity.ERROR
    assert finding.subject.label == "机关第一党支部 2026年3月12日党员大会"
    # 第二党小组's members have no record at the congress
    assert all(name in finding.message_zh for name in ("刘洋", "陈静", "杨帆"))
    assert "张伟" not in finding.message_zh
