"""A big branch for benchmarks and tests: eight groups of twelve members and
``years`` (default ten) years of monthly meetings ending at ``now``.

``ten_year_branch(now, years=10, seed=7)`` builds it from the demo's own
building blocks (``rules.samples.demo``): the same month-by-month plan of a
state-owned enterprise, the same way a meeting is held, noticed, attended,
discussed, summed up, checked and reported, the same follow-up tasks and
annual plans, and the demo's party dues (``rules.samples.demo_dues``). Every
finalised meeting is sealed as it was finalised (``rules.meeting.seal``), so
``xiaozu verify`` finds the chains whole.

Unlike the demo it breaks no rule on purpose, apart from what it inherits
from the demo's meeting pattern: 第三党小组 (g3) puts three topics on its
September agenda (an M2 warning, once a year), and the follow-up tasks of the
last few weeks are still open. Now and then (about one meeting in fifty,
from April to October, so that no agenda grows past two topics) a group puts
a meeting off with the reason recorded and takes its topic up the next month,
which M1 allows.

Deterministic for a given ``now``, ``years`` and ``seed``; reads no clock.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from rules.meeting.seal import seal_history
from rules.models import (
    AnnualPlan,
    BranchRecords,
    BranchRole,
    Discipline,
    Group,
    Meeting,
    MemberStatus,
    Organisation,
    Person,
    PlannedMonth,
)
from rules.samples.demo import (
    BRANCH,
    PLAN_TOPICS,
    DemoData,
    # The demo's private building blocks, reused as they are: one way to
    # hold a meeting, for the demo and for this branch alike.
    _add_months,
    _Builder,
    _GroupSpec,
)
from rules.samples.demo_dues import demo_dues

GROUPS = 8
MEMBERS_PER_GROUP = 12
#: Non-members (activists, the masses) per group's department: May's guests.
GUESTS_PER_GROUP = 2
DEFAULT_YEARS = 10

_NAMES = (
    "第一党小组",
    "第二党小组",
    "第三党小组",
    "第四党小组",
    "第五党小组",
    "第六党小组",
    "第七党小组",
    "第八党小组",
)
_DEPARTMENTS = (
    "生产一车间",
    "生产二车间",
    "技术科",
    "综合办公室",
    "生产三车间",
    "质量检验科",
    "设备动力科",
    "物资供应科",
)
_PLACES = (
    "生产一车间二楼会议室",
    "生产二车间班前会议室",
    "技术科小会议室",
    "行政楼三楼党员活动室",
    "生产三车间会议室",
    "质检楼一楼会议室",
    "动力站值班室旁会议室",
    "供应科会议室",
)
_TIMES = ((16, 30), (15, 0), (14, 30), (14, 30), (16, 30), (15, 0), (16, 0), (14, 0))
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜"
_GIVEN = (
    "建国",
    "志强",
    "秀英",
    "海涛",
    "丽娟",
    "晓东",
    "文博",
    "红梅",
    "建华",
    "玉兰",
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
    "桂英",
    "佳",
    "雪",
    "亮",
)
#: The branch committee: secretary in g1, organisation member in g3,
#: committee member in g2 (the demo's delegate to g1's March meeting, L3).
_ROLES = {
    "p01": BranchRole.SECRETARY,
    "p02": BranchRole.ORGANISATION,
    "p03": BranchRole.COMMITTEE,
}


#: The committee sits in three groups: p01 (g1's first member), p03 (g2's
#: first) and p02 (g3's first), as in the demo, so the demo's meeting
#: pattern (p03 delegated to g1's March meeting) holds.
_SWAPPED = {2: 25, 25: 2, 3: 13, 13: 3}


def _person_id(number: int) -> str:
    return f"p{_SWAPPED.get(number, number):02d}"


class _TenYearBuilder(_Builder):
    """The demo's builder, over eight groups of twelve and ``years`` years."""

    def __init__(self, now: datetime, seed: int, years: int) -> None:
        if years < 1:
            raise ValueError("years must be at least 1")
        self.years = years
        self.name_rng = random.Random(seed + 3)  # names do not move the meetings
        self.specs = self._specs()
        super().__init__(now, seed)

    # -- people

    def _specs(self) -> tuple[_GroupSpec, ...]:
        specs = []
        for g in range(GROUPS):
            first = g * MEMBERS_PER_GROUP + 1
            leader, recorder = first + 3, first + 7
            specs.append(
                _GroupSpec(
                    id=f"g{g + 1}",
                    name=_NAMES[g],
                    leader_id=_person_id(leader),
                    recorder_id=_person_id(recorder),
                    place=_PLACES[g],
                    hour=_TIMES[g][0],
                    minute=_TIMES[g][1],
                    departments=(_DEPARTMENTS[g],),
                    decided_years_ago=self.years + 1 + g % 3,
                    decided_month=3 + g % 4,
                    decided_day=12,
                )
            )
        return tuple(specs)

    def _organisation(self) -> Organisation:
        year = self.today.year
        groups = tuple(
            Group(
                id=s.id,
                name=s.name,
                leader_id=s.leader_id,
                decided_on=date(year - s.decided_years_ago, s.decided_month, s.decided_day),
                reported_up_on=date(year - s.decided_years_ago, s.decided_month, s.decided_day)
                + timedelta(days=6),
            )
            for s in self.specs
        )
        rng = self.name_rng
        names = [s + g for s in _SURNAMES for g in _GIVEN]
        rng.shuffle(names)
        people: list[Person] = []
        for g, spec in enumerate(self.specs):
            for k in range(MEMBERS_PER_GROUP):
                number = g * MEMBERS_PER_GROUP + k + 1
                pid = _person_id(number)
                leader = pid == spec.leader_id
                # One probationary member per group (never the leader); a
                # member under discipline in every third group.
                status = MemberStatus.PROBATIONARY if k == 10 else MemberStatus.FULL
                discipline = Discipline.WARNING if k == 11 and g % 3 == 0 else Discipline.NONE
                people.append(
                    Person(
                        id=pid,
                        name=names[len(people)],
                        status=status,
                        member_no=f"DY{3300100 + number:07d}",
                        department=spec.departments[0],
                        discipline=discipline,
                        # One member with a leadership post per group (G3).
                        leadership_post=k == 5 and not leader,
                        branch_role=_ROLES.get(pid, BranchRole.NONE),
                        group_id=spec.id,
                        phone=f"138{5710000 + number:08d}",
                    )
                )
        number = GROUPS * MEMBERS_PER_GROUP
        for spec in self.specs:
            for k in range(GUESTS_PER_GROUP):
                number += 1
                people.append(
                    Person(
                        id=_person_id(number),
                        name=names[len(people)],
                        status=MemberStatus.MASSES if k == 0 else MemberStatus.ACTIVIST,
                        department=spec.departments[0],
                    )
                )
        return Organisation(branch=BRANCH, groups=groups, people=tuple(people))

    # -- the years

    def held_months(self) -> list[tuple[int, int]]:
        last = (self.today.year, self.today.month)
        if self.today.day < 11:
            last = _add_months(*last, -1)
        months = 12 * self.years
        return [_add_months(*last, -k) for k in range(months - 1, -1, -1)]

    def build(self) -> BranchRecords:
        held = self.held_months()
        upcoming = _add_months(*held[-1], 1)
        for spec in self.specs:
            days = {ym: self.meeting_day(*ym) for ym in held}
            next_day = max(self.meeting_day(*upcoming), (self.now + timedelta(days=2)).date())
            carried: tuple[int, ...] = ()
            for year, month in held:
                day = days[(year, month)]
                following = _add_months(year, month, 1)
                if not carried and 4 <= month <= 10 and self.rng.random() < 0.02:
                    # Put off with the reason recorded (allowed, M1); the
                    # topic is taken up at the next meeting.
                    self.postponed_meeting(spec, day, days.get(following, next_day))
                    carried = (month,)
                    continue
                self.held_meeting(spec, day, (*carried, month))
                carried = ()
            self.next_meeting(spec, next_day, (*carried, upcoming[1]))
        return BranchRecords(
            organisation=self.org,
            # Finalised minutes are sealed as they were finalised (R3).
            meetings=seal_history(sorted(self.meetings, key=lambda m: (m.planned_at, m.id))),
            tasks=tuple(self.tasks),
            plans=self.plans(held, upcoming),
            records_since=date(*held[0], 1),
        )

    def plans(
        self, held: list[tuple[int, int]], upcoming: tuple[int, int]
    ) -> tuple[AnnualPlan, ...]:
        years = sorted({year for year, _ in held} | {upcoming[0]})
        return tuple(
            AnnualPlan(
                group_id=spec.id,
                year=year,
                months=tuple(
                    PlannedMonth(m, PLAN_TOPICS[m], self.took_up.get((spec.id, year, m)))
                    for m in range(1, 13)
                ),
                decided_at_meeting_id=self.took_up.get((spec.id, year, 1)),
            )
            for spec in self.specs
            for year in years
        )


def ten_year_branch(now: datetime, years: int = DEFAULT_YEARS, seed: int = 7) -> DemoData:
    """The branch's records as of ``now`` (timezone-aware), with demo PINs
    for the leaders and the committee, sign-in PINs for every member, and
    the party dues of every month since the records begin."""
    builder = _TenYearBuilder(now, seed, years)
    pins = builder.pins()
    records = builder.build()
    members = [p.id for p in records.organisation.party_members]
    codes = random.Random(seed + 1).sample(range(100000, 1000000), len(members))
    signin_pins = {pid: f"{code:06d}" for pid, code in zip(members, codes, strict=True)}
    dues = demo_dues(records, now, seed)
    return DemoData(records=records, pins=pins, signin_pins=signin_pins, dues=dues)


def meetings_held(records: BranchRecords) -> list[Meeting]:
    """The meetings held (not postponed, not still in preparation)."""
    return [m for m in records.meetings if m.step.held and not m.postponed]
