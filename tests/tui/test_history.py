"""A long history in the kiosk: only recent years and records still in use
are held in memory, and what the kiosk finds, shows and seals is what it
would with every year in memory."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from rules.checks.engine import check
from rules.checks.findings import Finding
from rules.dues.book import (
    DuesBook,
    DuesPayment,
    DuesRate,
    Month,
    arrears,
    member_year,
    suggested_payment,
)
from rules.meeting.seal import verify
from rules.models import Addendum, BranchRecords, FollowUpTask, Step, TaskStatus
from rules.samples.ten_years import ten_year_branch
from storage import MemoryRepository, save_records
from tests.tui.conftest import NOW, SECRETARY, TZ, Clock
from tui.core.env import KioskEnv
from tui.core.history import in_use
from tui.core.kiosk import Kiosk

YEARS = 6


def on_disk(kiosk: Kiosk) -> BranchRecords:
    kiosk.writer.flush_sync()
    return kiosk.repo.records()


def whole(kiosk: Kiosk, now: datetime = NOW) -> Counter[Finding]:
    """What one check over every year on disk finds."""
    return Counter(check(on_disk(kiosk), now))


def make(records: BranchRecords, clock: Clock | None = None, dues: DuesBook | None = None) -> Kiosk:
    repo = MemoryRepository()
    save_records(repo, records)
    if dues is not None:
        repo.save_dues(dues)
    kiosk = Kiosk(KioskEnv(data_dir=Path("memory"), tz=TZ, clock=clock or Clock()), repo)
    kiosk.load_records()
    person = kiosk.org.person(SECRETARY) or kiosk.org.people[0]
    kiosk.start_session(person, None)
    return kiosk


@pytest.fixture(scope="module")
def branch() -> BranchRecords:
    return ten_year_branch(NOW, years=YEARS).records


@pytest.fixture
def kiosk(branch: BranchRecords) -> Iterator[Kiosk]:
    made = make(branch)
    yield made
    made.close()


def test_only_recent_years_and_records_in_use_are_held(kiosk: Kiosk, branch: BranchRecords) -> None:
    held = kiosk.records.meetings_all()
    window = NOW.year - 1
    assert {m.held_on.year for m in branch.meetings} >= set(range(NOW.year - YEARS + 1, NOW.year))
    assert len(held) < len(branch.meetings) / 2
    tasks = {t.meeting_id: t for t in branch.tasks}
    for meeting in held:
        if meeting.held_on.year < window:
            own = [t for t in branch.tasks if t.meeting_id == meeting.id]
            assert in_use(meeting, own), meeting.id
    for meeting in branch.meetings:
        if meeting.held_on.year >= window:
            assert kiosk.records.find_meeting(meeting.id) == meeting
    assert tasks  # the history has tasks to follow


def test_findings_are_those_of_the_whole_history(kiosk: Kiosk) -> None:
    found = kiosk.findings()
    assert Counter(found) == whole(kiosk)
    assert any(f for f in found if str(NOW.year - 3) in f.message_zh)  # old years found too


def test_without_a_known_start_the_findings_are_still_the_whole_historys(
    branch: BranchRecords,
) -> None:
    late = tuple(m for m in branch.meetings if not (m.group_id == "g2" and m.held_on.year < 2023))
    ids = {m.id for m in late}
    tasks = tuple(t for t in branch.tasks if t.meeting_id in ids)
    made = make(replace(branch, meetings=late, tasks=tasks, records_since=None))
    try:
        assert made.repo.records().records_since is None
        assert Counter(made.findings()) == whole(made)
    finally:
        made.close()


def test_the_oldest_minutes_are_read_from_their_file(kiosk: Kiosk, branch: BranchRecords) -> None:
    ids = kiosk.records.held_meeting_ids("g1")
    expected = [m.id for m in branch.meetings if m.group_id == "g1" and m.step.held]
    assert ids == expected
    oldest = kiosk.records.meeting(ids[0])
    assert oldest == next(m for m in branch.meetings if m.id == ids[0])
    assert kiosk.records.tasks_of([oldest.id]) == sorted(
        (t for t in branch.tasks if t.meeting_id == oldest.id),
        key=lambda t: (t.status is TaskStatus.DONE, t.due, t.id),
    )
    with pytest.raises(KeyError):
        kiosk.records.meeting("no-such-meeting")


def old_meeting(branch: BranchRecords, year: int) -> str:
    return next(
        m.id
        for m in branch.meetings
        if m.group_id == "g1" and m.held_on.year == year and m.step is Step.REPORTED
    )


def test_a_task_set_late_at_an_old_meeting_is_found_and_closing_it_clears_it(
    kiosk: Kiosk, branch: BranchRecords
) -> None:
    meeting_id = old_meeting(branch, NOW.year - 4)
    assert kiosk.records.find_meeting(meeting_id) is not None
    assignee = kiosk.org.people[0].id
    task = FollowUpTask("t-late", meeting_id, assignee, "补交学习心得", date(NOW.year - 4, 12, 1))
    kiosk.save_task(task)
    overdue = [f for f in kiosk.findings() if f.subject.id == "t-late"]
    assert [f.rule for f in overdue] == ["A3"]
    assert Counter(kiosk.findings()) == whole(kiosk)
    assert kiosk.records.group_of(overdue[0]) == "g1"
    kiosk.save_task(replace(task, status=TaskStatus.DONE, done_at=NOW))
    assert not [f for f in kiosk.findings() if f.subject.id == "t-late"]
    assert Counter(kiosk.findings()) == whole(kiosk)


def test_a_plan_of_an_old_year_changed_is_judged_again(kiosk: Kiosk, branch: BranchRecords) -> None:
    year = NOW.year - 3
    plan = kiosk.records.plan("g1", year)
    assert plan is not None
    kiosk.save_plan(replace(plan, months=plan.months[:-1]))
    gaps = [
        f for f in kiosk.findings() if f.rule == "Y1" and f"{year}年的全年计划缺少" in f.message_zh
    ]
    assert gaps
    assert Counter(kiosk.findings()) == whole(kiosk)


def test_a_renamed_group_and_a_new_day_are_judged_again(branch: BranchRecords) -> None:
    clock = Clock()
    made = make(branch, clock)
    try:
        old = str(NOW.year - 4)
        about = next(f for f in made.findings() if old in f.subject.label)
        gid = made.records.group_of(about)
        assert gid is not None
        org = made.org
        groups = tuple(replace(g, name="改名党小组") if g.id == gid else g for g in org.groups)
        made.save_organisation(replace(org, groups=groups))
        found = made.findings()
        assert Counter(found) == whole(made)
        again = [f for f in found if f.subject.id == about.subject.id and f.rule == about.rule]
        assert again and all("改名党小组" in f.subject.label for f in again)
        clock.now = NOW + timedelta(days=40)
        assert Counter(made.findings()) == whole(made, clock.now)
    finally:
        made.close()


def test_an_old_meeting_corrected_is_held_and_the_history_stays_whole(
    kiosk: Kiosk, branch: BranchRecords
) -> None:
    meeting_id = old_meeting(branch, NOW.year - 5)
    assert meeting_id not in {m.id for m in kiosk.records.meetings_all()}
    meeting = kiosk.records.meeting(meeting_id)
    note = Addendum(NOW, kiosk.org.people[0].id, "补记:会议地点为三楼会议室。")
    kiosk.save_meeting(replace(meeting, addenda=(*meeting.addenda, note)))
    assert meeting_id in {m.id for m in kiosk.records.meetings_all()}
    kiosk.writer.flush_sync()
    stored = kiosk.repo.meeting(meeting_id)
    assert stored is not None and stored.addenda[-1].text == note.text
    assert Counter(kiosk.findings()) == whole(kiosk)


def test_the_first_seal_takes_the_whole_archive(branch: BranchRecords) -> None:
    unsealed = replace(
        branch, meetings=tuple(replace(m, seal=None, addenda=()) for m in branch.meetings)
    )
    made = make(unsealed)
    try:
        assert made.records.seal_head("g1") is None
        current = next(
            m
            for m in made.records.meetings_of("g1")
            if m.step.minutes_final and m.held_on.year == NOW.year
        )
        made.save_meeting(replace(current, step=Step.CHECKED))
        stored = on_disk(made)
        final = [m for m in stored.meetings if m.group_id == "g1" and m.step.minutes_final]
        assert min(m.held_on.year for m in final) < NOW.year - 3
        assert all(m.seal is not None for m in final)
        head = made.records.seal_head("g1")
        assert head is not None
        assert verify(final, {"g1": head}).ok
    finally:
        made.close()


def same_dues(kiosk: Kiosk, years: range) -> None:
    whole_book = kiosk.repo.dues()
    today = kiosk.today()
    people = [p.id for p in kiosk.org.party_members][::7]
    for person in people:
        assert arrears(kiosk.records.dues(), person, today) == arrears(whole_book, person, today)
        for year in years:
            book = kiosk.records.dues(year)
            assert member_year(book, person, year, today) == member_year(
                whole_book, person, year, today
            )
            assert suggested_payment(book, person, year, today) == suggested_payment(
                whole_book, person, year, today
            )


def test_dues_of_every_year_are_the_whole_books() -> None:
    data = ten_year_branch(NOW, years=YEARS)
    made = make(data.records, dues=data.dues)
    try:
        book = made.records.dues()
        assert book.history_until is not None  # the older years are folded
        assert len(book.payments) < len(data.dues.payments) / 2
        years = range(NOW.year - YEARS, NOW.year + 1)
        same_dues(made, years)
        # An old rate corrected upwards: the member owes the difference in
        # those months (the older years folded again), then pays one.
        person = made.org.party_members[0].id
        month = Month(NOW.year - 4, 3)
        old_rate = book.rate_for(person, month)
        assert old_rate is not None
        made.save_dues_rate(DuesRate(person, month, old_rate + 500, NOW.date(), person))
        made.writer.flush_sync()
        owed = {d.month: d for d in arrears(made.records.dues(), person, made.today())}
        assert month in owed and owed[month].owed_fen == 500
        same_dues(made, years)
        paid = DuesPayment("pay-late", person, (month,), 500, NOW.date(), person, NOW)
        made.save_dues_payment(paid)
        made.writer.flush_sync()
        assert month not in {d.month for d in arrears(made.records.dues(), person, made.today())}
        same_dues(made, years)
    finally:
        made.close()
