"""The meeting as a state machine: preparation, the five steps, and after.

会中主要议程: "一是党小组长报告党员缺席情况及本次会议的议题、开法和要求
二是按议题进行 三是围绕中心,组织讨论 四是党小组长根据讨论情况,进行归纳小结
五是做好记录". 会后应做事项: "一是党小组长要检查会议记录情况 二是党小组长应将
党小组会议情况及时向党支部汇报 三是党小组长要抓好会后的组织落实工作".

Every function takes a meeting and returns a new one, or raises ``FlowError``
saying in both languages what is in the way. Steps go forward one at a time;
nothing skips a step, and minutes once finalised never change (R3): a
correction is a dated addendum. Until then what a step recorded can be
corrected — an opinion edited or deleted, the summary and decisions
rewritten, a task re-dated — from that step on (going back to add an
opinion does not move the meeting back: the steps stay in order).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from rules.meeting.flow_error import (
    FlowError as FlowError,
)  # callers catch it as rules.meeting.flow.FlowError
from rules.meeting.minutes import meeting_members, missing_minutes_parts, unaccounted_members
from rules.models import (
    Addendum,
    Attendance,
    AttendanceStatus,
    BranchRole,
    Capacity,
    FollowUpTask,
    Meeting,
    NoticeAsSent,
    Opinion,
    Organisation,
    Postponement,
    ProgressNote,
    RecordedBy,
    Step,
    TaskAsSet,
    TaskStatus,
)

#: Fields the leader plans before the meeting (会前准备工作).
PLAN_FIELDS = frozenset(
    {
        "planned_at",
        "place",
        "kind",
        "topics",
        "method",
        "requirements",
        "recorder_id",
        "chair_id",
        "guests",
        "reviews_last_year",
        "decides_annual_plan",
        "opinions_gathered_on",
    }
)


def _need_aware(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("the clock must be timezone-aware")


def _not_final(meeting: Meeting) -> None:
    if meeting.step.minutes_final:
        raise FlowError(
            "R3",
            "会议记录已定稿,不能再修改;如需更正,请添加注明日期的补充说明。",
            "The minutes are finalised and cannot change; add a dated addendum instead.",
        )


def _in_step(meeting: Meeting, *steps: Step) -> None:
    _not_final(meeting)
    if meeting.step not in steps:
        raise FlowError(
            "FLOW",
            f"会议当前处于「{STEP_LABELS[meeting.step][0]}」,不能进行此操作。",
            f"The meeting is at '{STEP_LABELS[meeting.step][1]}'; this cannot be done now.",
        )


def can_correct(meeting: Meeting, first: Step) -> None:
    """Raise FlowError unless what step ``first`` records can still be
    corrected: the meeting has reached it and the minutes are not final."""
    _from_step(meeting, first)


def _from_step(meeting: Meeting, first: Step) -> None:
    """The meeting has reached ``first`` (what that step records can be
    corrected from then on) and its minutes are not final."""
    _not_final(meeting)
    if not first.order <= meeting.step.order <= Step.RECORD.order:
        raise FlowError(
            "FLOW",
            f"会议当前处于「{STEP_LABELS[meeting.step][0]}」,尚未到「{STEP_LABELS[first][0]}」,"
            "不能进行此操作。",
            f"The meeting is at '{STEP_LABELS[meeting.step][1]}', not yet at"
            f" '{STEP_LABELS[first][1]}'; this cannot be done now.",
        )


STEP_LABELS: dict[Step, tuple[str, str]] = {
    Step.PREPARATION: ("会前准备", "Preparation"),
    Step.ABSENTEE_REPORT: ("报告缺席情况", "Absentee report"),
    Step.AGENDA: ("按议题进行", "Agenda"),
    Step.DISCUSSION: ("围绕中心讨论", "Discussion"),
    Step.SUMMARY: ("归纳小结", "Summary"),
    Step.RECORD: ("做好记录", "Record"),
    Step.FINALISED: ("记录已定稿", "Minutes finalised"),
    Step.CHECKED: ("已检查记录", "Minutes checked"),
    Step.REPORTED: ("已向支部汇报", "Reported to the branch"),
}


#: Everyone who should attend: the group's party members (会议由小组全体
#: 党员参加), or every party member of the branch at a member congress (B1).
expected_attendees = meeting_members

# --------------------------------------------------------------------------
# Preparation


def plan(meeting: Meeting, **changes: Any) -> Meeting:
    """Change what is planned: time, place, topics, method, requirements,
    recorder, guests. Only before the meeting starts."""
    unknown = set(changes) - PLAN_FIELDS
    if unknown:
        raise ValueError(f"not plan fields: {sorted(unknown)}")
    _in_step(meeting, Step.PREPARATION)
    if "topics" in changes:
        changes["topics"] = tuple(t.strip() for t in changes["topics"] if t.strip())
    return replace(meeting, **changes)


def record_consultation(meeting: Meeting, at: datetime) -> Meeting:
    """会前与党支部进行沟通 (M3)."""
    _need_aware(at)
    _in_step(meeting, Step.PREPARATION)
    return replace(meeting, consulted_branch_at=at)


def record_notice(meeting: Meeting, sent_at: datetime) -> Meeting:
    """The notice of time, place, topic and requirements went out (M5).

    The flow records the date whatever it is; whether it was one to three
    days ahead is the rules engine's finding, shown to the leader.
    """
    _need_aware(sent_at)
    _in_step(meeting, Step.PREPARATION)
    if not meeting.topics or not meeting.place:
        raise FlowError(
            "M5",
            "通知须写明时间、地点、议题和要求:请先填写地点和议题。",
            "A notice states time, place, topic and requirements: fill in place and topics first.",
        )
    said = NoticeAsSent(meeting.planned_at, meeting.place, meeting.topics)
    return replace(meeting, notice_sent_at=sent_at, notice_as_sent=said)


def postpone(meeting: Meeting, reason: str, now: datetime, new_date: date | None = None) -> Meeting:
    """推迟召开会议时间 (M1): allowed before the meeting, with the reason."""
    _need_aware(now)
    _in_step(meeting, Step.PREPARATION)
    if not reason.strip():
        raise FlowError("M1", "推迟会议须记录原因。", "A postponement needs its reason recorded.")
    return replace(
        meeting, postponement=Postponement(reason=reason.strip(), decided_at=now, new_date=new_date)
    )


# --------------------------------------------------------------------------
# Attendance


def mark_attendance(
    meeting: Meeting,
    org: Organisation,
    person_id: str,
    status: AttendanceStatus,
    now: datetime,
    *,
    reason: str = "",
    by: RecordedBy = RecordedBy.LEADER,
    phone: str = "",
) -> Meeting:
    """Record one person's attendance.

    Before the meeting only leave (请假) can be recorded, and, once sign-in
    is open (``open_signin``, it may open before the start), who came: they
    are present. After the real start a sign-in counts as late (迟到). Leave
    and absence need a reason: the leader reports "党员缺席情况" at the opening.
    """
    _need_aware(now)
    _not_final(meeting)
    if meeting.step is Step.RECORD:
        raise FlowError(
            "FLOW",
            "已进入记录环节,考勤不能再改。",
            "The meeting is at the record step; attendance can no longer change.",
        )
    expected = {p.id for p in expected_attendees(meeting, org)}
    guests = {g.person_id for g in meeting.guests}
    if person_id not in expected and person_id not in guests:
        raise FlowError(
            "M6",
            "此人不是本小组党员,也不是受邀列席人员。",
            "This person is neither a member of the group nor an invited guest.",
        )
    if status in (AttendanceStatus.ON_LEAVE, AttendanceStatus.ABSENT) and not reason.strip():
        raise FlowError(
            "R2",
            "请假或缺席须写明原因。",
            "Leave or absence needs a reason.",
        )
    if meeting.step is Step.PREPARATION and status is not AttendanceStatus.ON_LEAVE:
        if meeting.signin_opened_at is None:
            raise FlowError(
                "FLOW",
                "会议尚未开始,签到也未开放,只能登记请假。",
                "The meeting has not started and sign-in is not open; only leave can be"
                " recorded now.",
            )
        if status is not AttendanceStatus.PRESENT:
            raise FlowError(
                "FLOW",
                "会议尚未开始:签到的人记为出席;迟到和缺席在会议开始后登记。",
                "The meeting has not started: whoever signs in is present; late and absent"
                " are recorded after the start.",
            )
    if (
        status is AttendanceStatus.PRESENT
        and meeting.step is not Step.PREPARATION
        and (
            meeting.step is not Step.ABSENTEE_REPORT
            or (
                by is not RecordedBy.LEADER
                and meeting.started_at is not None
                and now > meeting.started_at
            )
        )
    ):
        # After the real start, or once the opening is over, arriving is
        # arriving late (迟到). The leader marking by hand at the opening
        # decides for themselves.
        status = AttendanceStatus.LATE
    earlier = meeting.attendance_of(person_id)
    record = Attendance(
        person_id=person_id,
        status=status,
        reason=reason.strip(),
        recorded_by=by,
        recorded_at=now,
        # The phone that signed the person in stays on their record when the
        # leader marks them again: one phone still signs in one person.
        phone=phone or (earlier.phone if earlier is not None else ""),
    )
    return with_attendance(meeting, record)


def with_attendance(meeting: Meeting, record: Attendance) -> Meeting:
    """The meeting with ``record`` as its person's attendance (replacing any
    earlier record of theirs, the new one last). No rule is checked: this is
    how a recorded sign-in is put back (storage.journal)."""
    others = tuple(a for a in meeting.attendance if a.person_id != record.person_id)
    return replace(meeting, attendance=(*others, record))


#: Members with no attendance record yet.
unaccounted = unaccounted_members


# --------------------------------------------------------------------------
# The five steps


def _not_postponed(meeting: Meeting) -> None:
    if meeting.postponed:
        raise FlowError(
            "M1",
            "此次会议已推迟,不能开始;请另行安排会议。",
            "This meeting was postponed; plan a new one instead.",
        )


def open_signin(meeting: Meeting, now: datetime) -> Meeting:
    """Open sign-in (签到开始), before the start or with it: whoever signs
    in before the start is present, after it late."""
    _need_aware(now)
    _not_final(meeting)
    _not_postponed(meeting)
    if meeting.signin_opened_at is not None:
        raise FlowError("FLOW", "签到已经开放。", "Sign-in is already open.")
    if meeting.step.order > Step.SUMMARY.order:
        raise FlowError(
            "FLOW",
            "已进入记录环节,不能再开放签到。",
            "The meeting is at the record step; sign-in cannot open now.",
        )
    return replace(meeting, signin_opened_at=now)


#: Starting earlier than this before the planned time asks first.
EARLY_START = timedelta(minutes=30)


@dataclass(frozen=True)
class EarlyStart:
    """Starting now is well before the planned time: how early, and whether
    the notice would then be less than a day ahead (M5, 提前一至三天通知)."""

    early_by: timedelta
    notice_too_late: bool


def early_start(meeting: Meeting, now: datetime) -> EarlyStart | None:
    """None when starting at ``now`` is not more than ``EARLY_START`` before
    the planned time; else what to warn the leader about."""
    early_by = meeting.planned_at - now
    if early_by <= EARLY_START:
        return None
    sent = meeting.notice_sent_at
    # Measured as the rules engine measures M5: calendar days from the
    # notice to the day the meeting is held, which starting now makes today.
    # (rules.meeting.notice.days_ahead counts so; it cannot be imported here: the
    # checks it builds on import this module.)
    late_notice = sent is not None and (now.date() - sent.astimezone(now.tzinfo).date()).days < 1
    return EarlyStart(early_by, late_notice)


def start(meeting: Meeting, org: Organisation, now: datetime) -> Meeting:
    """Open the meeting: step one, the absentee report. The real start
    (``started_at``) is now; sign-in opens with it unless it already has."""
    _need_aware(now)
    _in_step(meeting, Step.PREPARATION)
    _not_postponed(meeting)
    if not meeting.topics:
        raise FlowError(
            "M2",
            "会议须有议题(每次解决一两个问题)。",
            "A meeting needs its topics (one or two matters each time).",
        )
    if not meeting.place.strip():
        raise FlowError(
            "R2",
            "请先填写会议地点(会议记录须写明时间、地点)。",
            "Fill in the place first (the minutes record time and place).",
        )
    if meeting.recorder_id is None:
        raise FlowError(
            "R1",
            "请先指定记录人(指定专人做好会议记录)。",
            "Name the recorder first (a named person keeps the minutes).",
        )
    expected = tuple(p.id for p in expected_attendees(meeting, org))
    return replace(
        meeting,
        step=Step.ABSENTEE_REPORT,
        started_at=now,
        expected_ids=expected,
        signin_opened_at=meeting.signin_opened_at or now,
    )


def _gate(meeting: Meeting, org: Organisation) -> FlowError | None:
    """What keeps the meeting from the next step, if anything."""
    step = meeting.step
    if step is Step.ABSENTEE_REPORT:
        missing = unaccounted(meeting, org)
        if missing:
            names = "、".join(p.name for p in missing)
            return FlowError(
                "M6",
                f"还有人未登记出席情况:{names}。请先标记出席、迟到、请假或缺席。",
                f"Attendance not yet recorded for: {names}. Mark each present, late, on leave"
                " or absent first.",
            )
    elif step is Step.AGENDA:
        if not meeting.topics:
            return FlowError("M2", "没有议题。", "There are no topics.")
    elif step is Step.DISCUSSION:
        spoken = {o.topic_index for o in meeting.opinions}
        silent = [t for i, t in enumerate(meeting.topics) if i not in spoken]
        if silent:
            topics = "、".join(f"「{t}」" for t in silent)
            return FlowError(
                "R2",
                f"以下议题还没有记录讨论意见:{topics}。",
                f"No discussion opinion recorded yet for: {', '.join(silent)}.",
            )
    elif step is Step.SUMMARY and not meeting.summary.strip():
        return FlowError(
            "R2",
            "请先写下党小组长的归纳小结。",
            "Write the leader's summary first.",
        )
    return None


def can_advance(meeting: Meeting, org: Organisation) -> FlowError | None:
    """None when the meeting may go to its next step; otherwise why not."""
    if meeting.step is Step.PREPARATION or not meeting.step.in_meeting:
        return FlowError(
            "FLOW",
            "此环节不能用“下一步”前进。",
            "This step is not left with 'next'.",
        )
    if meeting.step is Step.RECORD:
        return FlowError(
            "FLOW",
            "记录环节以定稿结束。",
            "The record step ends by finalising the minutes.",
        )
    return _gate(meeting, org)


def advance(meeting: Meeting, org: Organisation) -> Meeting:
    """Go to the next of the five steps, never skipping one."""
    _not_final(meeting)
    problem = can_advance(meeting, org)
    if problem is not None:
        raise problem
    order = list(Step)
    nxt = order[meeting.step.order + 1]
    if nxt is Step.DISCUSSION:
        return replace(meeting, step=nxt, current_topic=0)
    return replace(meeting, step=nxt)


def next_topic(meeting: Meeting) -> Meeting:
    """Go on to the next topic in the discussion (按议题进行). Looking back
    at the discussion from a later step, it goes round to the first again."""
    _from_step(meeting, Step.DISCUSSION)
    if meeting.current_topic + 1 >= len(meeting.topics):
        if meeting.step is Step.DISCUSSION:
            raise FlowError("FLOW", "这已是最后一个议题。", "This is the last topic.")
        return replace(meeting, current_topic=0)
    return replace(meeting, current_topic=meeting.current_topic + 1)


def _opinion(
    meeting: Meeting,
    org: Organisation,
    speaker_id: str,
    text: str,
    capacity: Capacity,
    index: int,
    at: datetime | None,
) -> Opinion:
    """An opinion as the rules allow it (R2, M6, L3), or why not."""
    if not 0 <= index < len(meeting.topics):
        raise ValueError(f"no topic {index}")
    if not text.strip():
        raise FlowError("R2", "意见内容不能为空。", "The opinion is empty.")
    record = meeting.attendance_of(speaker_id)
    if record is None or not record.status.attended:
        raise FlowError(
            "M6",
            "发言人须已签到出席。",
            "The speaker must be signed in as present.",
        )
    if capacity is Capacity.COMMITTEE:
        person = org.person(speaker_id)
        delegated = any(
            g.person_id == speaker_id and g.delegated_by_committee for g in meeting.guests
        )
        if person is None or person.branch_role is BranchRole.NONE or not delegated:
            raise FlowError(
                "L3",
                "只有受支委会委托的支部书记或支委才能代表支委会发言;否则只能代表个人意见。"
                "委托在会前登记:首页按 P 打开会议计划,在「受支委会委托代表支委会发言」"
                "一栏勾选此人(会议开始后不能再改,本次记为个人意见)。",
                "Only a secretary or committee member delegated by the committee speaks for"
                " it; otherwise the words are a personal opinion. Delegation is granted"
                " before the meeting: on the home screen press P (plan) and tick the person"
                " under 'Delegated by the branch committee' (it cannot change once the"
                " meeting started; record this as a personal opinion).",
            )
    return Opinion(
        speaker_id=speaker_id, topic_index=index, text=text.strip(), capacity=capacity, at=at
    )


def add_opinion(
    meeting: Meeting,
    org: Organisation,
    speaker_id: str,
    text: str,
    now: datetime,
    *,
    capacity: Capacity = Capacity.PERSONAL,
    topic_index: int | None = None,
) -> Meeting:
    """Record a speaker's opinion on the topic under discussion (L3: and in
    which capacity they spoke); also from a later step, before finalising."""
    _need_aware(now)
    _from_step(meeting, Step.DISCUSSION)
    index = meeting.current_topic if topic_index is None else topic_index
    opinion = _opinion(meeting, org, speaker_id, text, capacity, index, now)
    return replace(meeting, opinions=(*meeting.opinions, opinion))


def _opinion_at(meeting: Meeting, number: int) -> Opinion:
    if not 0 <= number < len(meeting.opinions):
        raise FlowError("R2", "没有这条发言。", "There is no such opinion.")
    return meeting.opinions[number]


def edit_opinion(
    meeting: Meeting,
    org: Organisation,
    number: int,
    speaker_id: str,
    text: str,
    *,
    capacity: Capacity = Capacity.PERSONAL,
) -> Meeting:
    """Correct the ``number``-th opinion (in ``meeting.opinions``): its
    speaker, text or capacity. Until the minutes are finalised."""
    _from_step(meeting, Step.DISCUSSION)
    old = _opinion_at(meeting, number)
    opinion = _opinion(meeting, org, speaker_id, text, capacity, old.topic_index, old.at)
    opinions = list(meeting.opinions)
    opinions[number] = opinion
    return replace(meeting, opinions=tuple(opinions))


def delete_opinion(meeting: Meeting, number: int) -> Meeting:
    """Take back the ``number``-th opinion. Past the discussion a topic keeps
    at least one (R2: the minutes record the discussion's opinions)."""
    _from_step(meeting, Step.DISCUSSION)
    old = _opinion_at(meeting, number)
    rest = meeting.opinions[:number] + meeting.opinions[number + 1 :]
    if meeting.step is not Step.DISCUSSION and not any(
        o.topic_index == old.topic_index for o in rest
    ):
        topic = meeting.topics[old.topic_index]
        raise FlowError(
            "R2",
            f"这是议题「{topic}」唯一的讨论意见;讨论已结束,请先记录或改正这条意见,不能删除。",
            f"This is the only opinion on '{topic}' and the discussion is over: edit it"
            " instead, or record another first.",
        )
    return replace(meeting, opinions=rest)


def write_summary(meeting: Meeting, summary: str, decisions: tuple[str, ...] = ()) -> Meeting:
    """党小组长根据讨论情况,进行归纳小结; rewritten (a decision corrected
    or taken out) until finalising. Past the summary step it cannot be
    emptied (R2)."""
    _from_step(meeting, Step.SUMMARY)
    if meeting.step is not Step.SUMMARY and not summary.strip():
        raise FlowError(
            "R2",
            "归纳小结不能为空:请改写,不要删光。",
            "The summary cannot be emptied: rewrite it instead.",
        )
    return replace(
        meeting,
        summary=summary.strip(),
        decisions=tuple(d.strip() for d in decisions if d.strip()),
    )


def _task_fields(
    meeting: Meeting, org: Organisation, assignee_id: str, what: str, due: date
) -> str:
    """The task's text, stripped, once who, what and when are acceptable."""
    _from_step(meeting, Step.SUMMARY)
    if org.person(assignee_id) is None:
        raise FlowError("A3", "任务须指定负责人。", "A task needs someone responsible.")
    if not what.strip():
        raise FlowError("A3", "任务内容不能为空。", "The task says nothing.")
    if due < meeting.held_on:
        raise FlowError(
            "A3",
            "完成期限不能早于会议日期。",
            "The due date cannot be before the meeting.",
        )
    return what.strip()


def new_task(
    meeting: Meeting,
    org: Organisation,
    task_id: str,
    assignee_id: str,
    what: str,
    due: date,
) -> FollowUpTask:
    """A follow-up task out of the summary: who, what, by when (A3).

    The leader gives tasks to everyone alike, the branch secretary and
    committee members in the group included (L3).
    """
    text = _task_fields(meeting, org, assignee_id, what, due)
    return FollowUpTask(
        id=task_id, meeting_id=meeting.id, assignee_id=assignee_id, what=text, due=due
    )


def edit_task(
    meeting: Meeting,
    org: Organisation,
    task: FollowUpTask,
    assignee_id: str,
    what: str,
    due: date,
) -> FollowUpTask:
    """Correct a task as set at the meeting (who, what, by when) until the
    minutes are finalised; afterwards a task changes in its own history."""
    if task.meeting_id != meeting.id:
        raise ValueError(f"task {task.id} is not of meeting {meeting.id}")
    text = _task_fields(meeting, org, assignee_id, what, due)
    return replace(task, assignee_id=assignee_id, what=text, due=due)


def can_delete_task(meeting: Meeting, task: FollowUpTask) -> None:
    """A task set at the meeting can be taken back until finalising;
    raises FlowError otherwise."""
    if task.meeting_id != meeting.id:
        raise ValueError(f"task {task.id} is not of meeting {meeting.id}")
    _from_step(meeting, Step.SUMMARY)


def tasks_as_set(meeting: Meeting, tasks: Iterable[FollowUpTask]) -> tuple[TaskAsSet, ...]:
    """The meeting's tasks as they stand, frozen for the minutes (会后任务)."""
    own = sorted((t for t in tasks if t.meeting_id == meeting.id), key=lambda t: (t.due, t.id))
    return tuple(TaskAsSet(t.id, t.assignee_id, t.what, t.due) for t in own)


def finalise(
    meeting: Meeting, org: Organisation, now: datetime, tasks: Iterable[FollowUpTask] = ()
) -> Meeting:
    """Close the minutes. Refused, naming what is missing, until R2 is met:
    时间、地点、参加人员、缺席人员、会议内容和讨论意见. The meeting's ``tasks``
    as they stand are frozen into the minutes (``tasks_set``), and sealed
    with them."""
    _need_aware(now)
    _in_step(meeting, Step.RECORD)
    missing = missing_minutes_parts(meeting, org)
    if missing:
        raise FlowError(
            "R2",
            "会议记录不完整,缺少:" + "、".join(part.zh for part in missing) + "。",
            "The minutes are incomplete; missing: " + ", ".join(part.en for part in missing) + ".",
        )
    return replace(
        meeting,
        step=Step.FINALISED,
        finalised_at=now,
        ended_at=meeting.ended_at or now,
        tasks_set=tasks_as_set(meeting, tasks),
    )


# --------------------------------------------------------------------------
# After the meeting


def check_minutes(meeting: Meeting, now: datetime) -> Meeting:
    """一是党小组长要检查会议记录情况 (A1)."""
    _need_aware(now)
    if meeting.step is not Step.FINALISED:
        raise FlowError(
            "A1",
            "只有已定稿的会议记录才能检查。",
            "Only finalised minutes can be checked.",
        )
    return replace(meeting, step=Step.CHECKED, checked_at=now)


def report_to_branch(meeting: Meeting, now: datetime) -> Meeting:
    """二是党小组长应将党小组会议情况及时向党支部汇报 (A2)."""
    _need_aware(now)
    if meeting.step is not Step.CHECKED:
        raise FlowError(
            "A2",
            "请先检查会议记录,再向党支部汇报。",
            "Check the minutes before reporting them to the branch.",
        )
    return replace(meeting, step=Step.REPORTED, reported_at=now)


def add_addendum(meeting: Meeting, author_id: str, text: str, now: datetime) -> Meeting:
    """A dated correction to finalised minutes (R3: 认真保管,存档备查)."""
    _need_aware(now)
    if not meeting.step.minutes_final:
        raise FlowError(
            "R3",
            "记录尚未定稿,可直接修改。",
            "The minutes are not finalised yet; edit them directly.",
        )
    if not text.strip():
        raise FlowError("R3", "补充说明不能为空。", "The addendum is empty.")
    addendum = Addendum(at=now, author_id=author_id, text=text.strip())
    return replace(meeting, addenda=(*meeting.addenda, addendum))


def note_progress(task: FollowUpTask, text: str, now: datetime) -> FollowUpTask:
    """三是党小组长要抓好会后的组织落实工作 (A3): progress on a task."""
    _need_aware(now)
    if task.status is TaskStatus.DONE:
        raise FlowError("A3", "任务已完成。", "The task is already done.")
    if not text.strip():
        raise FlowError("A3", "进展说明不能为空。", "The progress note is empty.")
    return replace(task, notes=(*task.notes, ProgressNote(at=now, text=text.strip())))


def close_task(task: FollowUpTask, now: datetime, note: str = "") -> FollowUpTask:
    """A task tracked to done (A3)."""
    _need_aware(now)
    if task.status is TaskStatus.DONE:
        raise FlowError("A3", "任务已完成。", "The task is already done.")
    notes = task.notes
    if note.strip():
        notes = (*notes, ProgressNote(at=now, text=note.strip()))
    return replace(task, status=TaskStatus.DONE, done_at=now, notes=notes)
