"""Domain objects to JSON documents and back: exact, strict, with named fields."""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum
from types import UnionType
from typing import Any, get_args, get_origin, get_type_hints

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.dues.book import Month
from rules.models import (
    AnnualPlan,
    FollowUpTask,
    Meeting,
    Organisation,
)
from storage import DataFileError, DataFileProblem
from storage.codec import structure, unstructure

from .conftest import make_meeting, make_org, make_plan, make_task


def unambiguous(moment: datetime) -> bool:
    """Not in a DST fold or gap: there PEP 495 makes a zoned datetime unequal
    to the same instant at a fixed offset (see the test below)."""
    return moment.replace(fold=1 - moment.fold).utcoffset() == moment.utcoffset()


def strategy(type_: Any) -> st.SearchStrategy[Any]:
    """Every field of a domain dataclass, recursively (``st.builds`` alone
    would leave the fields that have defaults at their defaults)."""
    if type_ is datetime:
        return st.datetimes(timezones=st.timezones()).filter(unambiguous)
    if type_ is date:
        return st.dates()
    if type_ is Month:  # a year and a month that exist
        return st.builds(Month, st.integers(1, 9999), st.integers(1, 12))
    if type_ in (str, int, bool):
        return st.from_type(type_)
    if type_ is type(None):
        return st.none()
    if isinstance(type_, type) and issubclass(type_, Enum):
        return st.sampled_from(type_)
    if get_origin(type_) is tuple:
        return st.lists(strategy(get_args(type_)[0]), max_size=3).map(tuple)
    if isinstance(type_, UnionType):
        return st.one_of(*(strategy(arg) for arg in get_args(type_)))
    assert is_dataclass(type_), type_
    hints = get_type_hints(type_)
    return st.builds(type_, **{f.name: strategy(hints[f.name]) for f in fields(type_)})


def through_json(obj: Any) -> Any:
    return json.loads(json.dumps(unstructure(obj), ensure_ascii=False))


@pytest.mark.parametrize(
    ("obj", "cls"),
    [
        (make_org(), Organisation),
        (make_meeting(), Meeting),
        (make_task(), FollowUpTask),
        (make_plan(), AnnualPlan),
    ],
)
def test_examples_round_trip_exactly(obj: Any, cls: type[Any]) -> None:
    assert structure(through_json(obj), cls, where="x.json", label="doc") == obj


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategy(Meeting))
def test_any_meeting_round_trips(meeting: Meeting) -> None:
    loaded = structure(through_json(meeting), Meeting, where="x.json", label="meeting")
    assert loaded == meeting
    assert loaded.planned_at.utcoffset() == meeting.planned_at.utcoffset()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategy(FollowUpTask), strategy(AnnualPlan), strategy(Organisation))
def test_any_task_plan_and_organisation_round_trip(
    task: FollowUpTask, plan: AnnualPlan, org: Organisation
) -> None:
    assert structure(through_json(task), FollowUpTask, where="x", label="t") == task
    assert structure(through_json(plan), AnnualPlan, where="x", label="p") == plan
    assert structure(through_json(org), Organisation, where="x", label="o") == org


def test_formats() -> None:
    document = unstructure(make_meeting())
    assert document["planned_at"] == "2025-01-07T19:30:00+08:00"
    assert document["opinions_gathered_on"] == "2025-01-05"
    assert document["kind"] == "regular" and type(document["kind"]) is str
    assert document["topics"] == ["通报上一年党小组工作情况", "研究全年每月党小组会议内容"]
    utc = unstructure(make_task(done_at=datetime(2025, 1, 2, 3, 4, 5, 6, tzinfo=UTC)))
    assert utc["done_at"] == "2025-01-02T03:04:05.000006+00:00"


def test_naive_datetimes_are_refused_when_saving() -> None:
    with pytest.raises(ValueError, match="naive"):
        unstructure(make_meeting(planned_at=datetime(2025, 1, 7, 19, 30)))


def test_a_datetime_where_a_date_belongs_is_refused() -> None:
    moment = datetime(2025, 1, 5, tzinfo=timezone(timedelta(hours=8)))
    with pytest.raises(TypeError):
        unstructure(make_task(due=moment))


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        ({"current_topic": "1"}, "meeting.current_topic", "expected int"),
        ({"current_topic": True}, "meeting.current_topic", "expected int"),
        ({"topics": "议题"}, "meeting.topics", "expected a list"),
        ({"place": 3}, "meeting.place", "expected str"),
        ({"kind": "party"}, "meeting.kind", "MeetingKind"),
        ({"planned_at": "2025-01-07T19:30:00"}, "meeting.planned_at", "no UTC offset"),
        ({"planned_at": "明天"}, "meeting.planned_at", "datetime"),
        ({"opinions_gathered_on": 20250105}, "meeting.opinions_gathered_on", "date"),
        ({"surprise": 1}, "meeting", "extra fields found (surprise)"),
    ],
)
def test_a_document_that_does_not_fit_names_the_field(
    change: dict[str, Any], field: str, expected: str
) -> None:
    document = {**through_json(make_meeting()), **change}
    with pytest.raises(DataFileError) as caught:
        structure(document, Meeting, where="meetings/2025/m.json", label="meeting")
    error = caught.value
    assert error.problem is DataFileProblem.INVALID
    assert "meetings/2025/m.json" in error.message("en")
    assert f"{field}:" in error.detail
    assert expected in error.detail


def test_a_missing_field_deep_inside_is_named() -> None:
    document = through_json(make_meeting())
    del document["attendance"][1]["status"]
    with pytest.raises(DataFileError) as caught:
        structure(document, Meeting, where="m.json", label="meeting")
    assert caught.value.detail == "meeting.attendance[1].status: required field missing"


def test_dates_parse_strictly() -> None:
    document = through_json(make_task())
    document["due"] = "2025-02-30"
    with pytest.raises(DataFileError, match=r"tasks\[1\]\.due"):
        structure(document, FollowUpTask, where="m.json", label="tasks[1]")
    assert structure(through_json(make_task()), FollowUpTask, where="m", label="t").due == date(
        2025, 1, 31
    )


def test_in_a_dst_fold_the_instant_is_kept() -> None:
    from zoneinfo import ZoneInfo

    # 1991-09-15 01:30 happened twice in Shanghai (the last year of DST).
    second = datetime(1991, 9, 15, 1, 30, fold=1, tzinfo=ZoneInfo("Asia/Shanghai"))
    loaded = structure(through_json(make_task(done_at=second)), FollowUpTask, where="m", label="t")
    assert loaded.done_at is not None
    assert loaded.done_at.isoformat() == "1991-09-15T01:30:00+08:00"
    assert loaded.done_at.timestamp() == second.timestamp()


def test_a_moment_whose_offset_has_seconds_is_kept() -> None:
    """Local mean time (Shanghai before 1901: +08:05:43) has an offset RFC 3339
    cannot say; isoformat writes it, and it reads back as it was."""
    from zoneinfo import ZoneInfo

    lmt = datetime(1900, 1, 1, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    document = through_json(make_task(done_at=lmt, due=date(1900, 1, 2)))
    assert document["done_at"] == "1900-01-01T12:00:00+08:05:43"
    loaded = structure(document, FollowUpTask, where="m", label="t")
    assert loaded.done_at == lmt and loaded.done_at.utcoffset() == lmt.utcoffset()
