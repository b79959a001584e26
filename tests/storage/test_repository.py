"""The repository contract, run against the memory and the file implementation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from rules.models import Group, Meeting, MeetingKind, Step, TaskStatus
from storage import (
    ALL_GROUPS,
    FileRepository,
    FinalisedRecordError,
    RecordNotFoundError,
    Repository,
)

from .conftest import ADDENDUM, at, finalise, make_meeting, make_org, make_plan, make_task


def test_a_new_repository_is_empty(repo: Repository) -> None:
    assert repo.is_empty()
    assert repo.organisation() is None
    assert repo.meetings() == []
    assert repo.meeting("m-2025-01") is None
    assert repo.tasks() == []
    assert repo.plans() == []


def test_organisation_round_trip(repo: Repository) -> None:
    org = make_org()
    repo.save_organisation(org)
    assert repo.organisation() == org
    assert not repo.is_empty()


def test_saving_the_organisation_replaces_branch_groups_and_people(repo: Repository) -> None:
    repo.save_organisation(make_org())
    smaller = replace(make_org(), groups=(Group(id="g9", name="新党小组"),), people=())
    repo.save_organisation(smaller)
    assert repo.organisation() == smaller


def test_meeting_round_trip_keeps_every_detail(repo: Repository) -> None:
    meeting = make_meeting(addenda=())
    repo.save_meeting(meeting)
    loaded = repo.meeting(meeting.id)
    assert loaded == meeting
    assert loaded is not None
    # Tuples stay tuples, enums stay enums, datetimes stay aware.
    assert isinstance(loaded.topics, tuple)
    assert isinstance(loaded.attendance, tuple)
    assert loaded.kind is MeetingKind.REGULAR
    assert loaded.planned_at.utcoffset() == meeting.planned_at.utcoffset()
    assert loaded.postponement == meeting.postponement


def test_saving_a_meeting_again_replaces_it(repo: Repository) -> None:
    repo.save_meeting(make_meeting(step=Step.PREPARATION))
    repo.save_meeting(make_meeting(step=Step.AGENDA, current_topic=1))
    assert repo.meetings() == [make_meeting(step=Step.AGENDA, current_topic=1)]


def test_meetings_are_sorted_by_planned_time_and_filtered(repo: Repository) -> None:
    march = make_meeting("m-2025-03", planned_at=at(2025, 3, 4))
    january = make_meeting("m-2025-01", planned_at=at(2025, 1, 7))
    other_group = make_meeting("m-g2-2025-02", group_id="g2", planned_at=at(2025, 2, 3))
    congress = make_meeting(
        "congress-2025", group_id=None, kind=MeetingKind.MEMBER_CONGRESS, planned_at=at(2025, 2, 1)
    )
    last_year = make_meeting("m-2024-12", planned_at=at(2024, 12, 20))
    for meeting in (march, january, other_group, congress, last_year):
        repo.save_meeting(meeting)

    assert repo.meetings() == [last_year, january, congress, other_group, march]
    assert repo.meetings(ALL_GROUPS) == repo.meetings()
    assert repo.meetings("g1") == [last_year, january, march]
    assert repo.meetings("g2") == [other_group]
    assert repo.meetings(None) == [congress]  # the branch's own member congresses
    assert repo.meetings(year=2025) == [january, congress, other_group, march]
    assert repo.meetings("g1", year=2024) == [last_year]
    assert repo.meetings("g3") == []


def test_a_meeting_moved_into_another_year_is_still_found(repo: Repository) -> None:
    repo.save_meeting(make_meeting("m-dec", planned_at=at(2024, 12, 28), step=Step.PREPARATION))
    moved = make_meeting("m-dec", planned_at=at(2025, 1, 3), step=Step.PREPARATION)
    repo.save_meeting(moved)
    assert repo.meeting("m-dec") == moved
    assert repo.meetings(year=2025) == [moved]
    assert repo.meetings(year=2024) == []


def test_unsafe_meeting_ids_are_refused(repo: Repository) -> None:
    for bad in ("../org", "a/b", ".hidden", ""):
        with pytest.raises(ValueError):
            repo.save_meeting(make_meeting(bad))
    assert repo.is_empty()


def test_tasks_round_trip_and_filter(repo: Repository) -> None:
    repo.save_meeting(make_meeting("m-2025-01"))
    repo.save_meeting(make_meeting("m-2025-02", planned_at=at(2025, 2, 4)))
    later = make_task("t2", "m-2025-01", due=date(2025, 3, 1))
    sooner = make_task("t1", "m-2025-01", due=date(2025, 2, 1))
    other = make_task("t3", "m-2025-02", due=date(2025, 2, 15))
    for task in (later, sooner, other):
        repo.save_task(task)
    assert repo.tasks() == [sooner, other, later]
    assert repo.tasks("m-2025-01") == [sooner, later]
    assert repo.tasks("m-2025-02") == [other]
    assert repo.tasks("nope") == []

    done = replace(sooner, status=TaskStatus.DONE, done_at=at(2025, 1, 30, 17, 0))
    repo.save_task(done)
    assert repo.tasks("m-2025-01") == [done, later]


def test_saving_a_meeting_keeps_its_tasks(repo: Repository) -> None:
    repo.save_meeting(make_meeting())
    repo.save_task(make_task())
    repo.save_meeting(make_meeting(summary="改过的小结"))
    assert repo.tasks() == [make_task()]


def test_a_task_needs_its_meeting(repo: Repository) -> None:
    with pytest.raises(RecordNotFoundError) as caught:
        repo.save_task(make_task(meeting_id="m-missing"))
    assert "m-missing" in caught.value.message("zh")
    assert "m-missing" in caught.value.message("en")
    assert repo.is_empty()


def test_tasks_of_finalised_minutes_still_change(repo: Repository) -> None:
    repo.save_meeting(finalise(make_meeting()))
    repo.save_task(make_task())
    done = make_task(status=TaskStatus.DONE, done_at=at(2025, 1, 20, 10, 0))
    repo.save_task(done)
    assert repo.tasks() == [done]


def test_a_task_taken_back_before_finalising_is_gone_and_after_it_is_refused(
    repo: Repository,
) -> None:
    repo.save_meeting(make_meeting())
    kept, taken_back = make_task("t1"), make_task("t2", due=date(2025, 3, 1))
    repo.save_task(kept)
    repo.save_task(taken_back)
    repo.delete_task(taken_back)
    assert repo.tasks() == [kept]
    repo.delete_task(taken_back)  # already gone: nothing happens
    repo.save_meeting(finalise(make_meeting()))
    with pytest.raises(FinalisedRecordError):
        repo.delete_task(kept)
    assert repo.tasks() == [kept]


def test_plans_round_trip_and_filter(repo: Repository) -> None:
    plan_g1 = make_plan("g1", 2025)
    plan_g2 = make_plan("g2", 2025)
    plan_2024 = make_plan("g1", 2024)
    for plan in (plan_g2, plan_2024, plan_g1):
        repo.save_plan(plan)
    assert repo.plans() == [plan_2024, plan_g1, plan_g2]
    assert repo.plans(2025) == [plan_g1, plan_g2]
    assert repo.plans(2023) == []

    revised = replace(plan_g1, months=plan_g1.months[:1])
    repo.save_plan(revised)
    assert repo.plans(2025) == [revised, plan_g2]


def test_records_is_the_whole_snapshot(repo: Repository) -> None:
    with pytest.raises(RecordNotFoundError) as caught:
        repo.records()
    assert "xiaozu demo" in caught.value.message("zh")

    repo.save_organisation(make_org())
    repo.save_meeting(make_meeting("m-2025-02", planned_at=at(2025, 2, 4)))
    repo.save_meeting(make_meeting("m-2025-01"))
    repo.save_task(make_task("t1", "m-2025-02"))
    repo.save_plan(make_plan())
    records = repo.records(records_since=date(2025, 1, 1))
    assert records.organisation == make_org()
    assert [m.id for m in records.meetings] == ["m-2025-01", "m-2025-02"]
    assert records.tasks == (make_task("t1", "m-2025-02"),)
    assert records.plans == (make_plan(),)
    assert records.records_since == date(2025, 1, 1)
    assert repo.records().records_since is None


def test_the_first_day_of_the_records_is_kept_with_the_organisation(repo: Repository) -> None:
    with pytest.raises(RecordNotFoundError):
        repo.save_records_since(date(2024, 9, 1))
    repo.save_organisation(make_org())
    repo.save_records_since(date(2024, 9, 1))
    assert repo.records().records_since == date(2024, 9, 1)
    assert repo.records(records_since=date(2025, 1, 1)).records_since == date(2025, 1, 1)
    repo.save_organisation(make_org())  # a new roster import keeps it
    assert repo.records().records_since == date(2024, 9, 1)


# --------------------------------------------------------------------------
# R3: finalised minutes never change


@pytest.fixture
def finalised(repo: Repository) -> Meeting:
    meeting = finalise(make_meeting())
    repo.save_meeting(meeting)
    return meeting


@pytest.mark.parametrize(
    "change",
    [
        {"summary": "悄悄改了小结"},
        {"opinions": ()},
        {"place": "二楼"},
        {"attendance": ()},
        {"decisions": ("另一个决定",)},
        {"finalised_at": at(2025, 2, 1)},
        {"step": Step.RECORD},  # reopening the minutes
    ],
)
def test_finalised_minutes_cannot_change(
    repo: Repository, finalised: Meeting, change: dict[str, object]
) -> None:
    with pytest.raises(FinalisedRecordError) as caught:
        repo.save_meeting(replace(finalised, **change))  # type: ignore[arg-type]
    assert caught.value.meeting_id == finalised.id
    assert "addendum" in caught.value.message("en")
    assert "补充说明" in caught.value.message("zh")
    assert repo.meeting(finalised.id) == finalised


def test_after_finalising_only_checks_reports_and_new_addenda_are_saved(
    repo: Repository, finalised: Meeting
) -> None:
    checked = replace(finalised, step=Step.CHECKED, checked_at=at(2025, 1, 9))
    repo.save_meeting(checked)
    reported = replace(checked, step=Step.REPORTED, reported_at=at(2025, 1, 10))
    repo.save_meeting(reported)
    corrected = replace(reported, addenda=(ADDENDUM,))
    repo.save_meeting(corrected)
    assert repo.meeting(finalised.id) == corrected

    second = replace(ADDENDUM, text="再补充一条。")
    repo.save_meeting(replace(corrected, addenda=(ADDENDUM, second)))
    with pytest.raises(FinalisedRecordError):  # addenda are only appended
        repo.save_meeting(replace(corrected, addenda=(second,)))
    with pytest.raises(FinalisedRecordError):
        repo.save_meeting(replace(corrected, addenda=()))
    assert repo.meeting(finalised.id) == replace(corrected, addenda=(ADDENDUM, second))


def test_minutes_that_are_not_final_may_change(repo: Repository) -> None:
    repo.save_meeting(make_meeting(step=Step.RECORD))
    repo.save_meeting(make_meeting(step=Step.RECORD, summary="修改小结"))
    assert repo.meeting("m-2025-01") == make_meeting(step=Step.RECORD, summary="修改小结")


# --------------------------------------------------------------------------
# Credentials


def test_pins_verify_only_with_the_right_pin(repo: Repository) -> None:
    repo.save_organisation(make_org())
    assert not repo.has_pin("p1")
    assert not repo.verify_pin("p1", "482915")
    assert repo.pin_holders() == frozenset()
    repo.set_pin("p1", "482915")
    assert repo.has_pin("p1")
    assert repo.pin_holders() == {"p1"}  # the lock screen lists only them
    assert repo.verify_pin("p1", "482915")
    assert repo.verify_pin("p1", "４８２９１５")  # full-width digits from an IME
    assert not repo.verify_pin("p1", "482916")
    assert not repo.verify_pin("p1", "")
    assert not repo.verify_pin("p2", "482915")  # nobody else's PIN
    assert not repo.verify_pin("nobody", "482915")

    repo.set_pin("p1", "111222")
    assert repo.verify_pin("p1", "111222")
    assert not repo.verify_pin("p1", "482915")


def test_a_pin_needs_a_person_in_the_roster(repo: Repository) -> None:
    with pytest.raises(RecordNotFoundError):
        repo.set_pin("p1", "482915")
    repo.save_organisation(make_org())
    with pytest.raises(RecordNotFoundError):
        repo.set_pin("p99", "482915")
    with pytest.raises(ValueError):
        repo.set_pin("p1", "")


def test_pins_survive_a_roster_import(repo: Repository) -> None:
    repo.save_organisation(make_org())
    repo.set_pin("p1", "482915")
    repo.save_organisation(make_org())
    assert repo.verify_pin("p1", "482915")
    # A person removed from the roster cannot sign in with an old PIN.
    repo.save_organisation(replace(make_org(), people=make_org().people[1:]))
    assert not repo.verify_pin("p1", "482915")


def test_the_pin_is_not_in_any_file(file_repo: FileRepository, data_dir: Path) -> None:
    file_repo.save_organisation(make_org())
    file_repo.set_pin("p1", "482915")
    file_repo.set_pin("p2", "730461")
    everything = b"".join(p.read_bytes() for p in data_dir.rglob("*") if p.is_file())
    assert b"482915" not in everything
    assert b"730461" not in everything
    assert b"scrypt" in everything  # the hash and its parameters are there
