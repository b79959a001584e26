"""The meeting as a state machine: the five steps in order, none skipped, and
minutes that never change once finalised (R3)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules import flow
from rules.flow import FlowError
from rules.minutes import MinutesPart, minutes_of
from rules.models import (
    AttendanceStatus,
    Branch,
    BranchRole,
    Capacity,
    Group,
    Guest,
    Meeting,
    MemberStatus,
    Organisation,
    Person,
    RecordedBy,
    Step,
    TaskStatus,
)

TZ = ZoneInfo("Asia/Shanghai")
PLANNED = datetime(2026, 3, 12, 14, 30, tzinfo=TZ)


def _org() -> Organisation:
    people = (
        Person("p1", "王建国", MemberStatus.FULL, member_no="001", group_id="g1"),
        Person("p2", "李红", MemberStatus.FULL, member_no="002", group_id="g1"),
        Person("p3", "赵磊", MemberStatus.PROBATIONARY, member_no="003", group_id="g1"),
        Person(
            "sec", "陈书记", MemberStatus.FULL, member_no="009", branch_role=BranchRole.SECRETARY
        ),
        Person("mass", "周群众", MemberStatus.MASSES),
    )
    return Organisation(
        branch=Branch("b", "第一党支部"),
        groups=(Group("g1", "第一党小组", leader_id="p1", decided_on=date(2025, 1, 5)),),
        people=people,
    )


ORG = _org()


def _planned() -> Meeting:
    meeting = Meeting(id="m1", group_id="g1", planned_at=PLANNED)
    return flow.plan(
        meeting,
        place="三楼会议室",
        topics=("研究入党积极分子培养工作", "讨论预备党员转正报告"),
        method="逐项讨论",
        requirements="每人准备发言",
        recorder_id="p2",
        guests=(Guest("sec", delegated_by_committee=True), Guest("mass")),
    )


def _at(minutes: int) -> datetime:
    return PLANNED + timedelta(minutes=minutes)


def _through_discussion() -> Meeting:
    m = flow.start(_planned(), ORG, _at(-10))
    m = flow.mark_attendance(m, ORG, "p1", AttendanceStatus.PRESENT, _at(-9))
    m = flow.mark_attendance(m, ORG, "p2", AttendanceStatus.PRESENT, _at(-8))
    m = flow.mark_attendance(m, ORG, "p3", AttendanceStatus.ON_LEAVE, _at(-7), reason="出差")
    m = flow.mark_attendance(m, ORG, "sec", AttendanceStatus.PRESENT, _at(-6))
    m = flow.advance(m, ORG)  # agenda
    m = flow.advance(m, ORG)  # discussion
    m = flow.add_opinion(m, ORG, "p2", "建议加强对积极分子的日常联系", _at(5))
    m = flow.next_topic(m)
    m = flow.add_opinion(
        m, ORG, "sec", "支委会同意提交转正讨论", _at(20), capacity=Capacity.COMMITTEE
    )
    return m


def test_a_whole_meeting_goes_through_every_step_in_order() -> None:
    m = _through_discussion()
    assert m.step is Step.DISCUSSION
    m = flow.advance(m, ORG)
    assert m.step is Step.SUMMARY
    m = flow.write_summary(m, "同意两项议题的意见", ("三月底前完成谈话",))
    task = flow.new_task(m, ORG, "t1", "p2", "与积极分子谈话", date(2026, 3, 31))
    m = flow.advance(m, ORG)
    assert m.step is Step.RECORD
    m = flow.finalise(m, ORG, _at(90))
    assert m.step is Step.FINALISED and m.finalised_at == _at(90)
    m = flow.check_minutes(m, _at(200))
    m = flow.report_to_branch(m, _at(300))
    assert m.step is Step.REPORTED and m.reported_at == _at(300)
    done = flow.close_task(flow.note_progress(task, "已约谈两人", _at(400)), _at(500))
    assert done.status is TaskStatus.DONE and len(done.notes) == 1


def test_the_meeting_cannot_start_without_topics_place_or_recorder() -> None:
    bare = Meeting(id="m", group_id="g1", planned_at=PLANNED, place="会议室")
    with pytest.raises(FlowError) as no_topics:
        flow.start(bare, ORG, _at(0))
    assert no_topics.value.rule == "M2"
    with pytest.raises(FlowError) as no_recorder:
        flow.start(replace(bare, topics=("学习",)), ORG, _at(0))
    assert no_recorder.value.rule == "R1"
    with pytest.raises(FlowError) as no_place:
        flow.start(replace(_planned(), place=" "), ORG, _at(0))
    assert no_place.value.rule == "R2" and "地点" in no_place.value.message_zh


def test_a_postponed_meeting_does_not_start_and_needs_its_reason() -> None:
    with pytest.raises(FlowError):
        flow.postpone(_planned(), "  ", _at(-1440))
    postponed = flow.postpone(_planned(), "全组参加抢修任务", _at(-1440), date(2026, 3, 19))
    assert postponed.postponement is not None
    assert postponed.postponement.reason == "全组参加抢修任务"
    with pytest.raises(FlowError) as exc:
        flow.start(postponed, ORG, _at(0))
    assert exc.value.rule == "M1"


def test_the_agenda_waits_until_every_member_is_accounted_for() -> None:
    m = flow.start(_planned(), ORG, _at(-10))
    m = flow.mark_attendance(m, ORG, "p1", AttendanceStatus.PRESENT, _at(-9))
    with pytest.raises(FlowError) as exc:
        flow.advance(m, ORG)
    assert exc.value.rule == "M6"
    assert "李红" in exc.value.message_zh and "赵磊" in exc.value.message_zh


def test_leave_and_absence_need_a_reason() -> None:
    m = flow.start(_planned(), ORG, _at(-10))
    with pytest.raises(FlowError):
        flow.mark_attendance(m, ORG, "p3", AttendanceStatus.ABSENT, _at(-5))
    m = flow.mark_attendance(m, ORG, "p3", AttendanceStatus.ABSENT, _at(-5), reason="病假")
    record = m.attendance_of("p3")
    assert record is not None and record.reason == "病假"


def test_before_the_meeting_only_leave_is_recorded() -> None:
    m = _planned()
    with pytest.raises(FlowError):
        flow.mark_attendance(m, ORG, "p1", AttendanceStatus.PRESENT, _at(-60))
    m = flow.mark_attendance(m, ORG, "p3", AttendanceStatus.ON_LEAVE, _at(-600), reason="休假")
    assert m.attendance_of("p3") is not None


def test_signing_in_after_the_start_counts_as_late() -> None:
    m = flow.start(_planned(), ORG, _at(-10))
    early = flow.mark_attendance(
        m, ORG, "p1", AttendanceStatus.PRESENT, _at(-1), by=RecordedBy.PHONE
    )
    late = flow.mark_attendance(m, ORG, "p1", AttendanceStatus.PRESENT, _at(3), by=RecordedBy.PHONE)
    assert early.attendance_of("p1").status is AttendanceStatus.PRESENT  # type: ignore[union-attr]
    late_record = late.attendance_of("p1")
    assert late_record is not None
    assert late_record.status is AttendanceStatus.LATE
    assert late_record.recorded_by is RecordedBy.PHONE


def test_someone_outside_the_group_cannot_be_signed_in() -> None:
    m = flow.start(_planned(), ORG, _at(-10))
    outsider = replace(ORG, people=(*ORG.people, Person("x", "外人", MemberStatus.FULL)))
    with pytest.raises(FlowError):
        flow.mark_attendance(m, outsider, "x", AttendanceStatus.PRESENT, _at(-5))


def test_no_step_can_be_skipped() -> None:
    m = flow.start(_planned(), ORG, _at(-10))
    with pytest.raises(FlowError):
        flow.finalise(m, ORG, _at(0))
    with pytest.raises(FlowError):
        flow.write_summary(m, "跳过讨论")
    with pytest.raises(FlowError):
        flow.add_opinion(m, ORG, "p1", "意见", _at(0))


def test_discussion_ends_only_when_every_topic_has_an_opinion() -> None:
    m = flow.start(_planned(), ORG, _at(-10))
    for pid in ("p1", "p2", "p3"):
        m = flow.mark_attendance(m, ORG, pid, AttendanceStatus.PRESENT, _at(-5))
    m = flow.advance(flow.advance(m, ORG), ORG)
    m = flow.add_opinion(m, ORG, "p2", "同意", _at(5))
    with pytest.raises(FlowError) as exc:
        flow.advance(m, ORG)
    assert "讨论预备党员转正报告" in exc.value.message_zh


def test_only_a_delegated_committee_member_speaks_for_the_committee() -> None:
    """L3: 支部书记和支委会委员如果没有受支委会的委托,他们在党小组会上的发言
    只能代表个人意见."""
    m = _through_discussion()
    undelegated = replace(m, guests=(Guest("sec", delegated_by_committee=False),))
    with pytest.raises(FlowError) as exc:
        flow.add_opinion(
            undelegated, ORG, "sec", "代表支委会", _at(30), capacity=Capacity.COMMITTEE
        )
    assert exc.value.rule == "L3"
    with pytest.raises(FlowError):
        flow.add_opinion(m, ORG, "p2", "代表支委会", _at(30), capacity=Capacity.COMMITTEE)
    personal = flow.add_opinion(undelegated, ORG, "sec", "个人意见", _at(30))
    assert personal.opinions[-1].capacity is Capacity.PERSONAL


def test_the_leader_gives_tasks_to_the_secretary_like_anyone_else() -> None:
    m = flow.advance(_through_discussion(), ORG)
    task = flow.new_task(m, ORG, "t", "sec", "向支委会汇报", date(2026, 3, 20))
    assert task.assignee_id == "sec"
    with pytest.raises(FlowError):
        flow.new_task(m, ORG, "t2", "sec", "过期任务", date(2026, 3, 1))


def test_incomplete_minutes_are_refused_naming_the_missing_parts() -> None:
    m = flow.advance(_through_discussion(), ORG)
    m = flow.write_summary(m, "小结")
    m = flow.advance(m, ORG)
    no_place = replace(m, place="")
    with pytest.raises(FlowError) as exc:
        flow.finalise(no_place, ORG, _at(90))
    assert exc.value.rule == "R2"
    assert "地点" in exc.value.message_zh and "place" in exc.value.message_en.lower()


def test_finalised_minutes_never_change_but_take_a_dated_addendum() -> None:
    m = flow.advance(_through_discussion(), ORG)
    m = flow.advance(flow.write_summary(m, "小结"), ORG)
    final = flow.finalise(m, ORG, _at(90))
    with pytest.raises(FlowError) as exc:
        flow.plan(final, place="别处")
    assert exc.value.rule == "R3"
    with pytest.raises(FlowError):
        flow.mark_attendance(final, ORG, "p3", AttendanceStatus.PRESENT, _at(95))
    amended = flow.add_addendum(final, "p1", "更正:赵磊请假原因为出差培训", _at(2000))
    assert amended.addenda[0].at == _at(2000)
    assert amended.place == final.place and amended.opinions == final.opinions


def test_reporting_to_the_branch_comes_after_checking_the_minutes() -> None:
    m = flow.advance(_through_discussion(), ORG)
    final = flow.finalise(flow.advance(flow.write_summary(m, "小结"), ORG), ORG, _at(90))
    with pytest.raises(FlowError) as exc:
        flow.report_to_branch(final, _at(100))
    assert exc.value.rule == "A2"


def test_who_was_expected_is_fixed_when_the_meeting_starts() -> None:
    m = flow.start(_planned(), ORG, _at(-10))
    newcomer = Person("p4", "钱新", MemberStatus.FULL, group_id="g1")
    grown = replace(ORG, people=(*ORG.people, newcomer))
    assert "p4" not in {p.id for p in flow.unaccounted(m, grown)}
    assert {p.id for p in flow.unaccounted(_planned(), grown)} == {"p1", "p2", "p3", "p4"}


def test_a_member_congress_expects_every_party_member_of_the_branch() -> None:
    """B1: 没有党小组的党支部,应当每月召开一次党员大会."""
    congress = Meeting(id="c", group_id=None, planned_at=PLANNED)
    expected = {p.id for p in flow.expected_attendees(congress, ORG)}
    assert expected == {"p1", "p2", "p3", "sec"}


def test_the_clock_must_carry_a_time_zone() -> None:
    with pytest.raises(ValueError):
        flow.start(_planned(), ORG, datetime(2026, 3, 12, 14, 0))


def test_the_minutes_hold_every_r2_part_in_the_seeds_order() -> None:
    """记录内容包括时间、地点、参加人员、缺席人员、会议内容和讨论意见."""
    m = flow.advance(_through_discussion(), ORG)
    m = flow.write_summary(m, "同意两项议题的意见", ("三月底前完成谈话",))
    task = flow.new_task(m, ORG, "t1", "p2", "与积极分子谈话", date(2026, 3, 31))
    final = flow.finalise(flow.advance(m, ORG), ORG, _at(90))
    minutes = minutes_of(final, ORG, [task])
    assert minutes.complete
    assert minutes.title == "第一党小组会议记录"
    assert minutes.started_at == _at(-10) and minutes.place == "三楼会议室"
    assert minutes.chair == "王建国" and minutes.recorder == "李红"
    assert minutes.expected == 3
    assert [a.name for a in minutes.attendees] == ["王建国", "李红", "陈书记"]
    assert minutes.attendees[-1].guest
    assert [(a.name, a.reason) for a in minutes.absentees] == [("赵磊", "出差")]
    second = minutes.topics[1]
    assert second.topic == "讨论预备党员转正报告"
    assert second.opinions[0].speaker == "陈书记"
    assert second.opinions[0].capacity is Capacity.COMMITTEE
    assert minutes.decisions == ("三月底前完成谈话",)
    assert [t.what for t in minutes.tasks] == ["与积极分子谈话"]


def test_a_delegated_committee_member_of_the_group_is_listed_once() -> None:
    m = _through_discussion()
    member_delegated = replace(m, guests=(*m.guests, Guest("p1", delegated_by_committee=True)))
    names = [a.name for a in minutes_of(member_delegated, ORG).attendees]
    assert names.count("王建国") == 1


def test_unfinished_minutes_say_what_they_lack() -> None:
    m = flow.start(_planned(), ORG, _at(-10))
    minutes = minutes_of(m, ORG)
    assert not minutes.complete
    assert {a.name for a in minutes.absentees} == {"王建国", "李红", "赵磊"}
    assert MinutesPart.OPINIONS in minutes.missing
