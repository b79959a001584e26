"""The meeting as a state machine: the five steps in order, none skipped, and
minutes that never change once finalised (R3)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.meeting import flow
from rules.meeting.flow import FlowError
from rules.meeting.minutes import MinutesPart, minutes_of
from rules.meeting.notice import NoticeTiming, timing
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
    # Changed with the two moments: late is after the real start (it was
    # after the planned start). Sign-in opens before the meeting starts.
    m = flow.open_signin(_planned(), _at(-20))
    assert m.step is Step.PREPARATION and m.signin_opened_at == _at(-20)
    phone = RecordedBy.PHONE
    before = flow.mark_attendance(m, ORG, "p1", AttendanceStatus.PRESENT, _at(1), by=phone)
    assert before.attendance_of("p1").status is AttendanceStatus.PRESENT  # type: ignore[union-attr]
    m = flow.start(before, ORG, _at(3))
    assert m.started_at == _at(3) and m.signin_opened_at == _at(-20)
    late = flow.mark_attendance(m, ORG, "p2", AttendanceStatus.PRESENT, _at(4), by=phone)
    late_record = late.attendance_of("p2")
    assert late_record is not None
    assert late_record.status is AttendanceStatus.LATE
    assert late_record.recorded_by is RecordedBy.PHONE
    # Started early, a sign-in before the planned time is still after the start.
    early = flow.start(_planned(), ORG, _at(-10))
    assert early.signin_opened_at == _at(-10)
    after = flow.mark_attendance(early, ORG, "p1", AttendanceStatus.PRESENT, _at(-1), by=phone)
    assert after.attendance_of("p1").status is AttendanceStatus.LATE  # type: ignore[union-attr]
    # The leader marking by hand at the opening decides for themselves.
    marked = flow.mark_attendance(early, ORG, "p1", AttendanceStatus.PRESENT, _at(5))
    assert marked.attendance_of("p1").status is AttendanceStatus.PRESENT  # type: ignore[union-attr]


def test_before_sign_in_opens_only_leave_and_once_open_only_present() -> None:
    with pytest.raises(FlowError):
        flow.mark_attendance(_planned(), ORG, "p1", AttendanceStatus.PRESENT, _at(-5))
    m = flow.open_signin(_planned(), _at(-20))
    with pytest.raises(FlowError):
        flow.open_signin(m, _at(-19))
    with pytest.raises(FlowError):
        flow.mark_attendance(m, ORG, "p1", AttendanceStatus.LATE, _at(-5))
    postponed = flow.postpone(_planned(), "停电", _at(-100))
    with pytest.raises(FlowError):
        flow.open_signin(postponed, _at(-20))


def test_starting_long_before_the_planned_time_is_warned_of() -> None:
    planned = flow.record_notice(_planned(), PLANNED - timedelta(days=1, hours=2))
    assert flow.early_start(planned, _at(-30)) is None
    warned = flow.early_start(planned, _at(-31))
    assert warned is not None and not warned.notice_too_late
    # Three hours early, on the same day: still a day after the notice.
    same_day = flow.early_start(planned, _at(-180))
    assert same_day is not None and not same_day.notice_too_late
    assert same_day.early_by == timedelta(hours=3)
    # The day before, the day the notice went out: less than a day ahead
    # (M5), as the rules engine counts it (calendar days).
    day_before = flow.early_start(planned, _at(-23 * 60))
    assert day_before is not None and day_before.notice_too_late
    started = flow.start(planned, ORG, _at(-23 * 60))
    assert timing(started, started.notice_sent_at) is NoticeTiming.TOO_LATE  # type: ignore[arg-type]


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


# --------------------------------------------------------------------------
# Corrections before the minutes are sealed


def test_an_opinion_is_edited_or_deleted_until_finalising() -> None:
    m = _through_discussion()
    first = m.opinions[0]
    edited = flow.edit_opinion(m, ORG, 0, "p1", " 应当加强联系 ")
    assert edited.opinions[0].speaker_id == "p1" and edited.opinions[0].text == "应当加强联系"
    assert edited.opinions[0].at == first.at and edited.opinions[0].topic_index == 0
    assert edited.opinions[1] == m.opinions[1]
    # The same rules as recording one: a present speaker, L3 for the committee.
    with pytest.raises(FlowError) as absent:
        flow.edit_opinion(m, ORG, 0, "p3", "请假的人")
    assert absent.value.rule == "M6"
    with pytest.raises(FlowError) as l3:
        flow.edit_opinion(m, ORG, 0, "p2", "代表支委会", capacity=Capacity.COMMITTEE)
    assert l3.value.rule == "L3" and "press P (plan)" in l3.value.message_en
    assert flow.delete_opinion(m, 1).opinions == m.opinions[:1]
    # Past the discussion a topic keeps at least one opinion (R2).
    summary = flow.advance(m, ORG)
    with pytest.raises(FlowError) as only_one:
        flow.delete_opinion(summary, 1)
    assert only_one.value.rule == "R2"
    more = flow.add_opinion(summary, ORG, "p1", "补充", _at(40), topic_index=1)
    assert flow.delete_opinion(more, 1).opinions[-1].text == "补充"
    final = flow.finalise(flow.advance(flow.write_summary(more, "小结"), ORG), ORG, _at(90))
    for change in (
        lambda: flow.edit_opinion(final, ORG, 0, "p1", "改"),
        lambda: flow.delete_opinion(final, 0),
        lambda: flow.add_opinion(final, ORG, "p1", "改", _at(95)),
        lambda: flow.write_summary(final, "改"),
    ):
        with pytest.raises(FlowError) as exc:
            change()
        assert exc.value.rule == "R3"


def test_going_back_to_add_an_opinion_keeps_the_step_order() -> None:
    m = flow.advance(flow.write_summary(flow.advance(_through_discussion(), ORG), "小结"), ORG)
    assert m.step is Step.RECORD
    # Looking back at the discussion from the record step: topics go round.
    m = flow.next_topic(replace(m, current_topic=1))
    assert m.current_topic == 0
    m = flow.add_opinion(m, ORG, "p1", "后补的意见", _at(60))
    assert m.step is Step.RECORD and m.opinions[-1].topic_index == 0
    # No opinion before the discussion is reached.
    opening = flow.start(_planned(), ORG, _at(-10))
    with pytest.raises(FlowError):
        flow.add_opinion(opening, ORG, "p1", "太早", _at(0))
    with pytest.raises(FlowError):
        flow.next_topic(opening)


def test_the_summary_and_decisions_are_rewritten_at_the_record_step_but_not_emptied() -> None:
    m = flow.advance(flow.write_summary(flow.advance(_through_discussion(), ORG), "小结"), ORG)
    m = flow.write_summary(m, "改过的小结", ("一、同意",))
    assert (m.summary, m.decisions) == ("改过的小结", ("一、同意",))
    # The minutes number decisions themselves: the typed "一、" is not repeated.
    assert minutes_of(m, ORG).decisions == ("同意",)
    with pytest.raises(FlowError) as exc:
        flow.write_summary(m, "  ")
    assert exc.value.rule == "R2"


def test_a_task_is_re_dated_or_taken_back_until_finalising_and_frozen_into_the_minutes() -> None:
    m = flow.write_summary(flow.advance(_through_discussion(), ORG), "小结")
    task = flow.new_task(m, ORG, "t1", "p2", "与积极分子谈话", date(2026, 3, 31))
    other = flow.new_task(m, ORG, "t2", "sec", "向支委会汇报", date(2026, 3, 20))
    m = flow.advance(m, ORG)
    redated = flow.edit_task(m, ORG, task, "p1", "与积极分子谈心", date(2026, 4, 15))
    assert (redated.id, redated.assignee_id, redated.what, redated.due) == (
        "t1",
        "p1",
        "与积极分子谈心",
        date(2026, 4, 15),
    )
    with pytest.raises(FlowError):
        flow.edit_task(m, ORG, task, "p1", "早于会议", date(2026, 3, 1))
    flow.can_delete_task(m, other)  # allowed: no error
    final = flow.finalise(m, ORG, _at(90), tasks=[redated, other])
    assert [(t.task_id, t.assignee_id, t.what, t.due) for t in final.tasks_set] == [
        ("t2", "sec", "向支委会汇报", date(2026, 3, 20)),
        ("t1", "p1", "与积极分子谈心", date(2026, 4, 15)),
    ]
    with pytest.raises(FlowError):
        flow.edit_task(final, ORG, redated, "p2", "改", date(2026, 5, 1))
    with pytest.raises(FlowError):
        flow.can_delete_task(final, other)
    # What happens to a task afterwards is its own history, not the minutes'.
    done = flow.close_task(redated, _at(3000), "已谈")
    minutes = minutes_of(final, ORG, [done, other])
    assert [(t.what, t.due, t.status) for t in minutes.tasks] == [
        ("向支委会汇报", date(2026, 3, 20), TaskStatus.OPEN),
        ("与积极分子谈心", date(2026, 4, 15), TaskStatus.DONE),
    ]
    changed_later = replace(other, what="另一件事", due=date(2026, 6, 1))
    assert minutes_of(final, ORG, [changed_later]).tasks[0].what == "向支委会汇报"
