"""The demo branch: realistic, consistent, deterministic, and breaking the
rules it is meant to break."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from rules.models import (
    AttendanceStatus,
    BranchRecords,
    BranchRole,
    Capacity,
    Discipline,
    Meeting,
    MeetingKind,
    MemberStatus,
    Step,
    TaskStatus,
)
from rules.samples.demo import DELIBERATE_BREAKS, PLAN_TOPICS, DemoData, demo_branch

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=TZ)
# Mid-month, early in the month (the month's meetings still to come), the
# turn of the year, late on a month's last day, the first minute a month's
# meetings count as held, and another time zone.
NOWS = (
    NOW,
    datetime(2026, 1, 5, 8, 0, tzinfo=TZ),
    datetime(2026, 12, 31, 23, 59, tzinfo=TZ),
    datetime(2026, 7, 31, 23, 0, tzinfo=TZ),
    datetime(2026, 3, 11, 0, 0, tzinfo=TZ),
    datetime(2027, 2, 1, 12, 0, tzinfo=UTC),
)


@pytest.fixture(scope="module", params=NOWS, ids=lambda n: n.isoformat())
def demo(request: pytest.FixtureRequest) -> tuple[datetime, DemoData]:
    now: datetime = request.param
    return now, demo_branch(now)


def held(records: BranchRecords) -> list[Meeting]:
    return [m for m in records.meetings if m.step.held and not m.postponed]


def month(m: Meeting) -> tuple[int, int]:
    return (m.held_on.year, m.held_on.month)


def datetimes(value: object, path: str = "") -> Iterator[tuple[str, datetime]]:
    """Every datetime inside ``value`` with where it was found."""
    if isinstance(value, datetime):
        yield path, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from datetimes(getattr(value, f.name), f"{path}.{f.name}")
    elif isinstance(value, (tuple, list)):
        for i, item in enumerate(value):
            yield from datetimes(item, f"{path}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from datetimes(item, f"{path}[{key!r}]")


# --------------------------------------------------------------------------
# Determinism and time


def test_deterministic_for_the_same_now_and_seed() -> None:
    assert demo_branch(NOW) == demo_branch(NOW)
    assert demo_branch(NOW, seed=3) == demo_branch(NOW, seed=3)
    assert demo_branch(NOW, seed=3).records.meetings != demo_branch(NOW).records.meetings


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        demo_branch(datetime(2026, 11, 26, 9, 0))


def test_no_datetime_is_naive(demo: tuple[datetime, DemoData]) -> None:
    _, data = demo
    found = list(datetimes(data.records))
    assert len(found) > 500
    naive = [path for path, value in found if value.tzinfo is None or value.utcoffset() is None]
    assert naive == []


def test_nothing_happens_after_now_but_the_next_meetings(demo: tuple[datetime, DemoData]) -> None:
    now, data = demo
    late = [
        path
        for path, value in datetimes(data.records)
        if value > now and not path.endswith(".planned_at")
    ]
    assert late == []
    for meeting in data.records.meetings:
        if meeting.planned_at > now:
            assert meeting.step is Step.PREPARATION and not meeting.postponed


def test_a_year_of_meetings_ending_at_now(demo: tuple[datetime, DemoData]) -> None:
    now, data = demo
    records = data.records
    assert records.records_since is not None
    since = records.records_since
    assert since.day == 1
    assert (now.date() - since).days < 366 + 31
    for meeting in records.meetings:
        assert meeting.planned_at.date() >= since
    # Each group has exactly one meeting in preparation, after now.
    for group in records.organisation.groups:
        upcoming = [m for m in records.meetings if m.group_id == group.id and m.planned_at > now]
        assert len(upcoming) == 1
        (meeting,) = upcoming
        assert meeting.step is Step.PREPARATION
        assert meeting.topics and meeting.recorder_id and meeting.place
        assert meeting.consulted_branch_at is not None and meeting.consulted_branch_at <= now


# --------------------------------------------------------------------------
# The organisation


def test_organisation(demo: tuple[datetime, DemoData]) -> None:
    _, data = demo
    org = data.records.organisation
    assert "第一党支部" in org.branch.name and len(org.branch.name) > len("第一党支部")
    assert {p.status for p in org.people} == set(MemberStatus)
    roles = [p.branch_role for p in org.people]
    assert roles.count(BranchRole.SECRETARY) == 1
    assert roles.count(BranchRole.ORGANISATION) == 1
    assert roles.count(BranchRole.COMMITTEE) >= 1
    assert 3 <= len(org.groups) <= 4
    sizes = sorted(len(org.members_of(g.id)) for g in org.groups)
    assert sizes[0] == 2  # G1, on purpose
    assert all(4 <= n <= 8 for n in sizes[1:])
    for person in org.people:
        if person.is_party_member:
            assert person.group_id is not None and person.member_no
        else:
            assert person.group_id is None and person.member_no is None
    # Leadership posts are spread over the groups.
    with_cadres = {p.group_id for p in org.party_members if p.leadership_post}
    assert len(with_cadres) >= 3
    # Every group is set up by the committee and reported upward (G5).
    for group in org.groups:
        assert group.decided_on is not None and group.reported_up_on is not None
        assert group.decided_on <= group.reported_up_on
        assert group.leader_id in {p.id for p in org.members_of(group.id)}
    # Members of one department share a group (G4).
    departments: dict[str, set[str | None]] = {}
    for person in org.party_members:
        departments.setdefault(person.department, set()).add(person.group_id)
    assert all(len(groups) == 1 for groups in departments.values())


def test_disciplines() -> None:
    org = demo_branch(NOW).records.organisation
    leaders = {g.leader_id for g in org.groups}
    warned = [p for p in org.people if p.discipline is Discipline.WARNING]
    probation = [p for p in org.people if p.discipline is Discipline.PROBATION]
    assert len(warned) == 1 and len(probation) == 1
    assert probation[0].id not in leaders
    assert probation[0].is_party_member and warned[0].is_party_member


def test_pins(demo: tuple[datetime, DemoData]) -> None:
    _, data = demo
    org = data.records.organisation
    holders = {g.leader_id for g in org.groups} | {
        p.id for p in org.people if p.branch_role in (BranchRole.SECRETARY, BranchRole.ORGANISATION)
    }
    assert set(data.pins) == holders
    assert all(len(pin) == 6 and pin.isdigit() for pin in data.pins.values())
    assert len(set(data.pins.values())) == len(data.pins)


# --------------------------------------------------------------------------
# Meetings


def test_finalised_meetings_are_complete(demo: tuple[datetime, DemoData]) -> None:
    _, data = demo
    org = data.records.organisation
    meetings = held(data.records)
    assert len(meetings) >= 40
    for meeting in meetings:
        assert meeting.step in (Step.REPORTED, Step.CHECKED)
        assert meeting.step.minutes_final
        assert meeting.started_at and meeting.ended_at and meeting.finalised_at
        assert meeting.started_at < meeting.ended_at < meeting.finalised_at
        assert meeting.checked_at is not None and meeting.finalised_at < meeting.checked_at
        if meeting.reported_at is not None:
            assert meeting.checked_at <= meeting.reported_at
        assert meeting.recorder_id and meeting.place and meeting.summary and meeting.decisions
        assert meeting.group_id is not None
        group = org.group(meeting.group_id)
        assert group is not None and meeting.chair_id == group.leader_id
        assert meeting.consulted_branch_at is not None
        assert meeting.consulted_branch_at < meeting.started_at
        assert meeting.notice_sent_at is not None
        assert meeting.notice_sent_at < meeting.planned_at
        # Every member has an attendance record; leave and absence have reasons.
        members = {p.id for p in org.members_of(meeting.group_id)}
        recorded = {a.person_id for a in meeting.attendance}
        guests = {g.person_id for g in meeting.guests}
        assert recorded == members | guests
        for record in meeting.attendance:
            if record.status in (AttendanceStatus.ON_LEAVE, AttendanceStatus.ABSENT):
                assert record.reason
        attended = {a.person_id for a in meeting.attendance if a.status.attended}
        assert group.leader_id in attended and meeting.recorder_id in attended
        # At least one opinion per topic, each from someone in the room.
        assert {o.topic_index for o in meeting.opinions} == set(range(len(meeting.topics)))
        assert meeting.current_topic == len(meeting.topics) - 1
        for opinion in meeting.opinions:
            assert opinion.speaker_id in attended
            assert opinion.text
            assert opinion.at is not None
            assert meeting.started_at < opinion.at < meeting.ended_at


def test_meetings_follow_the_year(demo: tuple[datetime, DemoData]) -> None:
    _, data = demo
    org = data.records.organisation
    masses = {p.id for p in org.people if p.status is MemberStatus.MASSES}
    for meeting in held(data.records):
        number = meeting.held_on.month
        if number == 1:
            assert meeting.decides_annual_plan and meeting.reviews_last_year
        else:
            assert not meeting.decides_annual_plan
        if number == 12:
            assert meeting.kind is MeetingKind.LIFE
            assert meeting.opinions_gathered_on is not None
            assert meeting.opinions_gathered_on < meeting.held_on
        else:
            assert meeting.kind is MeetingKind.REGULAR
        if number == 5:
            invited = {g.person_id for g in meeting.guests}
            assert invited and invited <= masses
            assert any(o.speaker_id in masses for o in meeting.opinions)


def test_committee_member_speaks_for_the_committee_when_delegated(
    demo: tuple[datetime, DemoData],
) -> None:
    _, data = demo
    org = data.records.organisation
    spoken = [
        (meeting, opinion)
        for meeting in held(data.records)
        for opinion in meeting.opinions
        if opinion.capacity is Capacity.COMMITTEE
    ]
    assert spoken
    for meeting, opinion in spoken:
        speaker = org.person(opinion.speaker_id)
        assert speaker is not None and speaker.branch_role.on_committee
        delegated = {g.person_id for g in meeting.guests if g.delegated_by_committee}
        assert opinion.speaker_id in delegated
    # Elsewhere the secretary, sitting in a group, speaks personally.
    secretary = next(p for p in org.people if p.branch_role is BranchRole.SECRETARY)
    own = [o for m in held(data.records) for o in m.opinions if o.speaker_id == secretary.id]
    assert own and all(o.capacity is Capacity.PERSONAL for o in own)


def test_annual_plans(demo: tuple[datetime, DemoData]) -> None:
    now, data = demo
    records = data.records
    meeting_ids = {m.id for m in records.meetings}
    years = {p.year for p in records.plans}
    assert now.year in years
    for plan in records.plans:
        assert [m.month for m in plan.months] == list(range(1, 13))
        assert [m.topic for m in plan.months] == [PLAN_TOPICS[i] for i in range(1, 13)]
        for planned in plan.months:
            assert planned.meeting_id is None or planned.meeting_id in meeting_ids
        january = [
            m for m in held(records) if m.group_id == plan.group_id and month(m) == (plan.year, 1)
        ]
        if january:
            assert plan.decided_at_meeting_id == january[0].id
        else:
            assert plan.decided_at_meeting_id is None


def test_current_year_plan_decided_in_january() -> None:
    records = demo_branch(NOW).records
    for group in records.organisation.groups:
        (plan,) = [p for p in records.plans if p.group_id == group.id and p.year == NOW.year]
        decided = next(m for m in records.meetings if m.id == plan.decided_at_meeting_id)
        assert decided.decides_annual_plan and month(decided) == (NOW.year, 1)


def test_tasks(demo: tuple[datetime, DemoData]) -> None:
    now, data = demo
    records = data.records
    people = {p.id for p in records.organisation.people}
    meetings = {m.id: m for m in records.meetings}
    for task in records.tasks:
        assert task.assignee_id in people
        meeting = meetings[task.meeting_id]
        assert meeting.step.minutes_final
        assert task.due > meeting.held_on
        if task.status is TaskStatus.DONE:
            assert task.done_at is not None and task.done_at <= now
            assert task.done_at.date() <= task.due
        else:
            assert task.done_at is None
    statuses = {t.status for t in records.tasks}
    assert statuses == {TaskStatus.OPEN, TaskStatus.DONE}
    # The leader gives the branch secretary a task like anyone else (L3).
    secretary = next(
        p for p in records.organisation.people if p.branch_role is BranchRole.SECRETARY
    )
    assert any(t.assignee_id == secretary.id for t in records.tasks)


# --------------------------------------------------------------------------
# The rules broken on purpose


def test_deliberate_breaks_are_in_the_data(demo: tuple[datetime, DemoData]) -> None:
    now, data = demo
    records = data.records
    org = records.organisation
    assert set(DELIBERATE_BREAKS) == {"G1", "L1", "M1", "M5", "M2", "A3", "A2"}
    by_name = {g.name: g for g in org.groups}

    # G1: a group with only two party members.
    assert len(org.members_of(by_name["第四党小组"].id)) == 2

    # L1: the leader of 第三党小组 is a probationary member.
    leader = org.person(by_name["第三党小组"].leader_id or "")
    assert leader is not None and leader.status is MemberStatus.PROBATIONARY

    # M1: one month of 第二党小组 with neither a meeting nor a postponement.
    since = records.records_since
    assert since is not None
    covered = {month(m) for m in records.meetings if m.group_id == "g2"}
    window = {month(m) for m in held(records)}
    assert [m for m in sorted(window) if m not in covered] == [
        next(m for m in sorted(window) if m[1] == 8)
    ]

    # M1 postponement: 第一党小组 put July off with a reason; August takes it up.
    (postponed,) = [m for m in records.meetings if m.postponed]
    assert postponed.group_id == "g1" and postponed.held_on.month == 7
    assert postponed.postponement is not None and postponed.postponement.reason
    assert postponed.step is Step.PREPARATION and postponed.started_at is None
    following = [
        m
        for m in records.meetings
        if m.group_id == "g1" and m.postponement is None and m.held_on > postponed.held_on
    ]
    merged = min(following, key=lambda m: m.planned_at)
    assert merged.held_on == postponed.postponement.new_date
    assert merged.topics[0] == postponed.topics[0] and len(merged.topics) == 2

    # M5: one notice five days ahead; every other one to three.
    ahead = {
        m.id: (m.held_on - m.notice_sent_at.date()).days
        for m in held(records)
        if m.notice_sent_at is not None
    }
    assert sorted(ahead.values())[-1] == 5
    assert [d for d in ahead.values() if not 1 <= d <= 3] == [5]

    # M2: one meeting with three topics.
    assert [len(m.topics) for m in records.meetings if len(m.topics) > 2] == [3]

    # A3: one open task past its due date.
    overdue = [t for t in records.tasks if t.status is TaskStatus.OPEN and t.due < now.date()]
    assert len(overdue) == 1 and overdue[0].notes

    # A2: one finalised meeting not reported to the branch, a week or more ago.
    unreported = [m for m in held(records) if m.reported_at is None]
    assert len(unreported) == 1
    assert unreported[0].step is Step.CHECKED
    assert unreported[0].finalised_at is not None
    assert (now - unreported[0].finalised_at).days > 7


def test_the_rules_engine_finds_the_breaks(demo: tuple[datetime, DemoData]) -> None:
    from rules.checks.engine import check

    now, data = demo
    found = {f.rule for f in check(data.records, now)}
    assert set(DELIBERATE_BREAKS) <= found


def test_plan_topics_cover_the_year() -> None:
    assert sorted(PLAN_TOPICS) == list(range(1, 13))
    assert "群众" in PLAN_TOPICS[5] and "生活会" in PLAN_TOPICS[12] and "党费" in PLAN_TOPICS[10]


def test_records_since_is_a_date() -> None:
    assert isinstance(demo_branch(NOW).records.records_since, date)


def test_every_kind_of_attendance_appears(demo: tuple[datetime, DemoData]) -> None:
    _, data = demo
    records = [a for m in held(data.records) for a in m.attendance]
    assert {a.status for a in records} == set(AttendanceStatus)
    assert len({a.recorded_by for a in records}) == 3
