"""The domain of a Party group meeting (党小组会), as plain frozen dataclasses.

Nothing here knows about files, screens or the clock. Every object is
immutable; a change is a new object made with ``dataclasses.replace`` (the
meeting flow in ``rules.meeting.flow`` does exactly that), so a finalised record can
never be changed by accident through a shared reference.

All datetimes are timezone-aware. Dates (``date``) are calendar days in the
kiosk's time zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class MemberStatus(StrEnum):
    """身份: where a person stands towards the Party."""

    FULL = "full"  # 正式党员
    PROBATIONARY = "probationary"  # 预备党员
    DEVELOPMENT_TARGET = "development_target"  # 发展对象
    ACTIVIST = "activist"  # 入党积极分子
    MASSES = "masses"  # 群众

    @property
    def is_party_member(self) -> bool:
        """Only full and probationary members belong to a group."""
        return self in (MemberStatus.FULL, MemberStatus.PROBATIONARY)


class Discipline(StrEnum):
    """党纪处分 currently in force."""

    NONE = "none"
    WARNING = "warning"  # 警告
    SERIOUS_WARNING = "serious_warning"  # 严重警告
    REMOVAL_FROM_POST = "removal_from_post"  # 撤销党内职务
    PROBATION = "probation"  # 留党察看


class BranchRole(StrEnum):
    """支部职务: a seat on the branch committee (支委会), if any."""

    NONE = "none"
    SECRETARY = "secretary"  # 书记
    ORGANISATION = "organisation"  # 组织委员
    COMMITTEE = "committee"  # 支委会委员

    @property
    def on_committee(self) -> bool:
        return self is not BranchRole.NONE


@dataclass(frozen=True, slots=True)
class Branch:
    """党支部. One data directory holds one branch."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Group:
    """党小组: set up by a decision of the branch committee (G5)."""

    id: str
    name: str
    leader_id: str | None = None
    # 支委会研究决定: the date the committee decided to set the group up.
    decided_on: date | None = None
    # 及时向上级报告: the date the committee reported it upward.
    reported_up_on: date | None = None
    dissolved_on: date | None = None

    @property
    def active(self) -> bool:
        return self.dissolved_on is None


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    status: MemberStatus
    member_no: str | None = None  # 党员编号; non-members have none
    department: str = ""  # 行政、生产、科室、班组 …
    discipline: Discipline = Discipline.NONE
    leadership_post: bool = False  # 担任领导工作的党员干部
    branch_role: BranchRole = BranchRole.NONE
    group_id: str | None = None
    phone: str | None = None

    @property
    def is_party_member(self) -> bool:
        return self.status.is_party_member


# --------------------------------------------------------------------------
# Meetings


class MeetingKind(StrEnum):
    REGULAR = "regular"  # the monthly group meeting
    SPECIAL = "special"  # 如有特殊任务,次数可增加
    LIFE = "life"  # 党小组生活会 (December, Y2)
    MEMBER_CONGRESS = "member_congress"  # 党员大会 of a branch without groups (B1)


class Step(StrEnum):
    """Where a meeting stands: preparation, the five steps, and after.

    The order of the members is the order of the flow (``rules.meeting.flow``).
    """

    PREPARATION = "preparation"  # 会前准备工作
    ABSENTEE_REPORT = "absentee_report"  # 一、报告缺席情况及议题、开法和要求
    AGENDA = "agenda"  # 二、按议题进行
    DISCUSSION = "discussion"  # 三、围绕中心,组织讨论
    SUMMARY = "summary"  # 四、归纳小结
    RECORD = "record"  # 五、做好记录
    FINALISED = "finalised"  # minutes complete and closed (R3)
    CHECKED = "checked"  # 检查会议记录情况 (A1)
    REPORTED = "reported"  # 及时向党支部汇报 (A2)

    @property
    def order(self) -> int:
        return _STEP_ORDER[self]

    @property
    def in_meeting(self) -> bool:
        """The five steps of the meeting itself (会中主要议程)."""
        return Step.ABSENTEE_REPORT.order <= self.order <= Step.RECORD.order

    @property
    def held(self) -> bool:
        """The meeting has started (it is being or has been held)."""
        return self.order >= Step.ABSENTEE_REPORT.order

    @property
    def minutes_final(self) -> bool:
        return self.order >= Step.FINALISED.order


_STEP_ORDER: dict[Step, int] = {step: index for index, step in enumerate(Step)}
# (``list(Step).index(step)`` made every ``held`` walk the enum: the rules
# engine asks it tens of thousands of times over ten years of meetings.)


class AttendanceStatus(StrEnum):
    PRESENT = "present"  # 出席
    LATE = "late"  # 迟到
    ON_LEAVE = "on_leave"  # 请假
    ABSENT = "absent"  # 缺席

    @property
    def attended(self) -> bool:
        return self in (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class RecordedBy(StrEnum):
    """How an attendance record came to be."""

    PHONE = "phone"  # scanned the kiosk's code
    BADGE = "badge"  # personal badge read by the kiosk's scanner
    LEADER = "leader"  # marked by hand by the leader


@dataclass(frozen=True, slots=True)
class Attendance:
    person_id: str
    status: AttendanceStatus
    reason: str = ""  # required for on leave / absent
    recorded_by: RecordedBy = RecordedBy.LEADER
    recorded_at: datetime | None = None
    # The phone that signed in (a digest of its cookie's device id, see
    # rules.meeting.signin.PhoneCookie.phone): one phone signs in one person.
    phone: str = ""


class Capacity(StrEnum):
    """In which capacity an opinion was spoken (L3)."""

    PERSONAL = "personal"  # 个人意见
    COMMITTEE = "committee"  # 代表支委会 (only when delegated)


@dataclass(frozen=True, slots=True)
class Opinion:
    """A speaker's opinion on one topic (讨论意见)."""

    speaker_id: str
    topic_index: int
    text: str
    capacity: Capacity = Capacity.PERSONAL
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Guest:
    """Someone invited who is not a member of the group (activists, the
    masses, branch committee members sitting in)."""

    person_id: str
    # 受支委会的委托: the committee delegated this committee member to speak
    # for it at this meeting (L3).
    delegated_by_committee: bool = False


@dataclass(frozen=True, slots=True)
class Postponement:
    """推迟召开: a meeting put off, with the reason recorded (M1)."""

    reason: str
    decided_at: datetime
    new_date: date | None = None


@dataclass(frozen=True, slots=True)
class SealRef:
    """Names a sealed record (R3): a meeting's minutes (``addendum`` 0) or
    its ``addendum``-th addendum (from 1), with the day the meeting was held,
    so a record that is gone can still be named."""

    meeting_id: str
    held_on: date
    addendum: int = 0


@dataclass(frozen=True, slots=True)
class Seal:
    """A link of the group's hash chain (认真保管,存档备查, R3), made when
    minutes are finalised or an addendum is added (``rules.meeting.seal``).

    ``digest`` is SHA-256 over ``prev`` and the canonical bytes of the record,
    its index, ``sealed_at`` and ``prev_ref`` (the record ``prev`` belongs to,
    so a removed record is named by the one after it)."""

    index: int  # 1 for the group's first sealed record
    prev: str  # the previous link's digest (hex), or the group's genesis
    digest: str  # hex
    sealed_at: datetime
    prev_ref: SealRef | None = None


@dataclass(frozen=True, slots=True)
class Addendum:
    """A dated correction to finalised minutes (R3): the minutes themselves
    never change."""

    at: datetime
    author_id: str
    text: str
    seal: Seal | None = None  # its own link in the group's chain


@dataclass(frozen=True, slots=True)
class NoticeAsSent:
    """What the notice said when it went out (M5: 时间、地点、议题): a
    change of the plan afterwards makes the notice out of date."""

    planned_at: datetime
    place: str
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TaskAsSet:
    """A follow-up task as the meeting set it (会后任务: who, what, by when),
    frozen into the minutes when they are finalised. What happens to the
    task afterwards (progress, done, a new due date) is the task's own
    history (``FollowUpTask``), not the sealed minutes'."""

    task_id: str
    assignee_id: str
    what: str
    due: date


@dataclass(frozen=True, slots=True)
class Meeting:
    id: str
    # None: the branch's own member congress (党员大会) when it has no groups (B1).
    group_id: str | None
    planned_at: datetime
    place: str = ""
    kind: MeetingKind = MeetingKind.REGULAR
    topics: tuple[str, ...] = ()
    method: str = ""  # 开法
    requirements: str = ""  # 要求
    recorder_id: str | None = None  # 指定专人做好会议记录 (R1)
    chair_id: str | None = None  # 由党小组长主持 (M6); the leader when None
    guests: tuple[Guest, ...] = ()
    # Preparation
    consulted_branch_at: datetime | None = None  # 会前与党支部进行沟通 (M3)
    notice_sent_at: datetime | None = None  # 提前一至三天通知 (M5)
    postponement: Postponement | None = None  # (M1)
    # Y1 / Y2
    reviews_last_year: bool = False  # 通报上一年党小组工作情况
    decides_annual_plan: bool = False  # 决定全年每月党小组会议内容
    opinions_gathered_on: date | None = None  # 会前征求好意见 (Y2)
    # The meeting itself
    step: Step = Step.PREPARATION
    started_at: datetime | None = None  # the real start (迟到 is after it)
    ended_at: datetime | None = None
    # Who was expected, fixed when the meeting starts: a member who joins or
    # leaves the group later does not change what an old meeting owed.
    expected_ids: tuple[str, ...] = ()
    attendance: tuple[Attendance, ...] = ()
    current_topic: int = 0  # the agenda's topic under way (二、按议题进行)
    opinions: tuple[Opinion, ...] = ()
    summary: str = ""  # 归纳小结
    decisions: tuple[str, ...] = ()
    # After
    finalised_at: datetime | None = None
    checked_at: datetime | None = None  # A1
    reported_at: datetime | None = None  # A2
    addenda: tuple[Addendum, ...] = ()
    # 选举党小组长 held at this meeting (L2): recorded in its minutes.
    elections: tuple[Election, ...] = ()
    # The minutes' link in the group's hash chain, set when they are
    # finalised (R3, rules.meeting.seal); never changes after.
    seal: Seal | None = None
    # The follow-up tasks as set at the meeting (会后任务), frozen into the
    # minutes when they are finalised; () for minutes finalised before.
    tasks_set: tuple[TaskAsSet, ...] = ()
    # When sign-in was opened (it may open before the start; None: it opened
    # with the start, as before this field).
    signin_opened_at: datetime | None = None
    # What the notice said when it was recorded as sent (None: before this
    # field, or not sent).
    notice_as_sent: NoticeAsSent | None = None

    @property
    def postponed(self) -> bool:
        return self.postponement is not None

    @property
    def held_on(self) -> date:
        """The calendar day the meeting is (or was) held."""
        return (self.started_at or self.planned_at).date()

    def attendance_of(self, person_id: str) -> Attendance | None:
        for record in self.attendance:
            if record.person_id == person_id:
                return record
        return None


class VotingMethod(StrEnum):
    """How a group elects its leader (L2)."""

    SECRET_BALLOT = "secret_ballot"  # 无记名投票
    SHOW_OF_HANDS = "show_of_hands"  # 举手表决


@dataclass(frozen=True, slots=True)
class VoteCount:
    candidate_id: str
    votes: int


@dataclass(frozen=True, slots=True)
class ElectionRound:
    """One round of voting as it is kept: who could vote, who voted and the
    counts. Never who voted for whom — the voters are a set (sorted by id),
    the votes only numbers — so the secret of a ballot holds even for someone
    who reads the data files (rules.meeting.election)."""

    number: int  # 1, 2 …
    candidate_ids: tuple[str, ...]
    eligible_ids: tuple[str, ...]  # present members with a vote, sorted
    voter_ids: tuple[str, ...]  # those who cast a ballot, sorted
    counts: tuple[VoteCount, ...]  # per candidate, in candidate order
    blank: int = 0  # 弃权 (a blank ballot, or no hand raised)
    invalid: int = 0  # 废票
    closed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Election:
    """选举党小组长 (L2) at a meeting of the group: its candidates, the
    method, the rounds, and whom it elected (None while open, or when it
    ended without a result)."""

    id: str
    method: VotingMethod
    candidate_ids: tuple[str, ...]
    opened_at: datetime | None = None
    rounds: tuple[ElectionRound, ...] = ()
    elected_id: str | None = None
    closed_at: datetime | None = None

    @property
    def open(self) -> bool:
        return self.closed_at is None


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class ProgressNote:
    at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class FollowUpTask:
    """A task out of the summary (A3): who, what, by when, tracked to done.

    Kept apart from the minutes, which freeze when finalised, while a task
    goes on changing until it is done.
    """

    id: str
    meeting_id: str
    assignee_id: str
    what: str
    due: date
    status: TaskStatus = TaskStatus.OPEN
    notes: tuple[ProgressNote, ...] = ()
    done_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PlannedMonth:
    month: int  # 1–12
    topic: str
    meeting_id: str | None = None  # the meeting that took it up


@dataclass(frozen=True, slots=True)
class AnnualPlan:
    """全年每月党小组会议内容, decided at the January meeting (Y1)."""

    group_id: str
    year: int
    months: tuple[PlannedMonth, ...] = ()
    decided_at_meeting_id: str | None = None

    def topic_for(self, month: int) -> str | None:
        for planned in self.months:
            if planned.month == month:
                return planned.topic
        return None


@dataclass(frozen=True, slots=True)
class Organisation:
    """The branch as it stands: its groups and people."""

    branch: Branch
    groups: tuple[Group, ...] = ()
    people: tuple[Person, ...] = ()

    def person(self, person_id: str) -> Person | None:
        for person in self.people:
            if person.id == person_id:
                return person
        return None

    def group(self, group_id: str) -> Group | None:
        for group in self.groups:
            if group.id == group_id:
                return group
        return None

    @property
    def active_groups(self) -> tuple[Group, ...]:
        return tuple(g for g in self.groups if g.active)

    def members_of(self, group_id: str) -> tuple[Person, ...]:
        """Party members (full and probationary) in the group."""
        return tuple(p for p in self.people if p.group_id == group_id and p.is_party_member)

    @property
    def party_members(self) -> tuple[Person, ...]:
        return tuple(p for p in self.people if p.is_party_member)


@dataclass(frozen=True, slots=True)
class BranchRecords:
    """Everything the rules engine looks at, in one immutable snapshot."""

    organisation: Organisation
    meetings: tuple[Meeting, ...] = ()
    tasks: tuple[FollowUpTask, ...] = ()
    plans: tuple[AnnualPlan, ...] = ()
    # The first day the records cover (e.g. when xiaozu was taken into use):
    # no month before it is reported as missing a meeting.
    records_since: date | None = None
    # A slice of the history (rules.checks.engine.sliced): the months and years
    # judged are those in [period_from, period_until) ...
    period_from: date | None = None
    period_until: date | None = None
    # ... and each group's (None: the branch's) first meeting day over the
    # whole history, where a group's months begin when records_since is not
    # known (None: look at the meetings given).
    first_days: Mapping[str | None, date] | None = None


# --------------------------------------------------------------------------
# The organisation's history: changes to people and groups, kept with org.json


class PersonField(StrEnum):
    """What a ``PersonChange`` changed."""

    STATUS = "status"  # 身份 (MemberStatus), e.g. 预备党员 → 正式党员 (转正)
    DISCIPLINE = "discipline"  # 党纪处分 (Discipline)
    BRANCH_ROLE = "branch_role"  # 支部职务 (BranchRole), e.g. a new secretary (换届)


@dataclass(frozen=True, slots=True)
class PersonChange:
    """A person's status or discipline changed, on a day, for a reason.

    ``old`` and ``new`` are the enum values (``MemberStatus``,
    ``Discipline`` or ``BranchRole`` by ``field``). ``on`` is the day it took effect (a decision
    may be recorded later: ``recorded_at``), ``by`` who recorded it.
    """

    person_id: str
    field: PersonField
    old: str
    new: str
    on: date
    reason: str
    recorded_at: datetime | None = None
    by: str | None = None


class GroupChangeKind(StrEnum):
    CREATED = "created"  # 支委会决定建立 (G5)
    RENAMED = "renamed"
    DATES_CHANGED = "dates_changed"  # decision / report-upward dates corrected (G5)
    LEADER_CHANGED = "leader_changed"  # 党小组长变更 (L1)
    MEMBER_MOVED = "member_moved"  # 党员调整党小组 (G4)
    DISSOLVED = "dissolved"  # 撤销


@dataclass(frozen=True, slots=True)
class GroupChange:
    """A group set up, renamed, given a new leader, a member moved into or
    out of it, or dissolved.

    ``old`` / ``new``: the name, the leader's person id or the group ids a
    member moved between ("" for none); ``person_id`` the member moved.
    """

    group_id: str
    kind: GroupChangeKind
    on: date
    old: str = ""
    new: str = ""
    person_id: str | None = None
    reason: str = ""
    recorded_at: datetime | None = None
    by: str | None = None
