"""Reading (msgspec) reads a document exactly as it is or refuses it, and
writing gives the documented form (issue 7's fast reader and cattrs, whose
agreement these tests held, are gone: msgspec is the one reader)."""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import UTC, date, timedelta, timezone, tzinfo
from enum import Enum
from pathlib import Path
from types import NoneType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from benchmarks.data import write_branch
from rules.dues.book import DuesPayment, DuesRate, Month
from rules.meeting.seal import SealHead
from rules.models import (
    AnnualPlan,
    FollowUpTask,
    GroupChange,
    Meeting,
    Organisation,
    PersonChange,
)
from rules.organisation.access import PinAttempts
from storage import DataFileError, FileRepository
from storage.atomic import decode, encode
from storage.codec import structure, unstructure

from .conftest import at, make_meeting, make_org, make_plan, make_task
from .test_codec import strategy

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.sampled_from(
        ["present", "regular", "finalised", "2025-01-07T19:30:00+08:00", "2025-01-07", "p1"]
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=6,
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _changed(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = json.loads(json.dumps(document))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copy


PAYMENT = DuesPayment(
    id="d-1",
    person_id="p1",
    months=(Month(2025, 12), Month(2026, 1)),
    amount_fen=7550,
    paid_on=date(2025, 12, 5),
    collected_by="p2",
    recorded_at=at(2025, 12, 5, 16, 40),
    note="现金",
)

EXAMPLES = [
    (make_meeting(), Meeting),
    (make_task(), FollowUpTask),
    (make_plan(), AnnualPlan),
    (make_org(), Organisation),
    (PAYMENT, DuesPayment),
    (DuesRate("p1", Month(2025, 7), 3000, set_on=date(2025, 6, 28)), DuesRate),
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(EXAMPLES), st.data(), json_values)
def test_a_document_is_read_as_it_is_or_refused(
    example: tuple[Any, type[Any]], data: st.DataObject, value: Any
) -> None:
    """Nothing is coerced: whatever is read writes back as the very document
    it was read from (so nothing the old strict reader refused is read)."""
    obj, cls = example
    document = unstructure(obj)
    path = data.draw(st.sampled_from(_paths(document)))
    changed = _changed(document, path, value)
    try:
        read = structure(changed, cls, where="x.json", label="x")
    except DataFileError:
        return
    assert unstructure(read) == changed


def test_the_examples_read_back_alike() -> None:
    for obj, cls in EXAMPLES:
        document = json.loads(json.dumps(unstructure(obj)))
        assert structure(document, cls, where="x.json", label="x") == obj


def _file(table: dict[str, Any]) -> bytes:
    return encode({"t": {"1": table}}, "meeting")


def test_integers_past_64_bits_are_read_exactly() -> None:
    big = 2**70 + 1
    assert decode(_file({"n": big, "m": -(2**63) - 1}), "meeting", "m.json") == {
        "t": {"1": {"n": big, "m": -(2**63) - 1}}
    }


def test_what_only_the_standard_library_reads_is_still_read() -> None:
    raw = _file({"x": 1}).replace(b'"x": 1', b'"x": NaN, "s": "\\ud800"')
    read = decode(raw, "meeting", "m.json")["t"]["1"]
    assert math.isnan(read["x"]) and read["s"] == "\ud800"


def _read(obj: Any, cls: type[Any]) -> Any:
    """``obj`` saved and read back as the repository reads it (its own copy
    of the JSON each time)."""
    document = json.loads(json.dumps(unstructure(obj)))
    return structure(document, cls, where="x.json", label="x")


def test_what_a_shared_month_would_accept_is_still_refused() -> None:
    _read(PAYMENT, DuesPayment)  # 2025-12 is now shared
    for bad in (
        {"year": True, "month": 12},
        {"year": 2025.0, "month": 12},
        {"year": 2025, "month": 12, "day": 1},
        {"year": 2025},
        {"year": 2025, "month": 13},
    ):
        with pytest.raises(DataFileError):
            structure(bad, Month, where="x.json", label="x")
    with pytest.raises(DataFileError):
        structure(7550.0, int, where="x.json", label="x")  # a shared 7550 is not 7550.0


def _parts(value: Any) -> list[Any]:
    """``value`` and everything it holds."""
    found = [value]
    if dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            found += _parts(getattr(value, field.name))
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            found += _parts(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            found += _parts(key) + _parts(item)
    return found


def _immutable(value: Any) -> bool:
    if dataclasses.is_dataclass(value):
        return bool(type(value).__dataclass_params__.frozen)  # type: ignore[attr-defined]
    if isinstance(value, tuple | frozenset):
        return all(_immutable(item) for item in value)
    return isinstance(value, str | int | float | date | tzinfo | Enum | NoneType)


@pytest.mark.parametrize(("obj", "cls"), EXAMPLES)
def test_only_immutable_values_are_shared_between_reads(obj: Any, cls: type[Any]) -> None:
    first, second = _read(obj, cls), _read(obj, cls)
    assert first == second == obj
    in_first = {id(part): part for part in _parts(first)}
    shared = [part for part in _parts(second) if id(part) in in_first]
    assert shared  # texts, days, months at least
    assert all(_immutable(part) for part in shared), [p for p in shared if not _immutable(p)]


def test_moments_share_one_timezone_per_offset() -> None:
    meeting = make_meeting()
    first, second = _read(meeting, Meeting), _read(meeting, Meeting)
    assert first == second == meeting
    assert first.planned_at.tzinfo is second.planned_at.tzinfo
    assert first.planned_at.isoformat() == meeting.planned_at.isoformat()
    # Another offset keeps its own: the instant and the offset are as saved.
    india = timezone(timedelta(hours=5, minutes=30))
    moved = dataclasses.replace(meeting, planned_at=meeting.planned_at.astimezone(india))
    read = _read(moved, Meeting)
    assert read.planned_at == moved.planned_at
    assert read.planned_at.utcoffset() == timedelta(hours=5, minutes=30)
    assert read.planned_at.tzinfo is not first.planned_at.tzinfo
    assert _read(moved, Meeting).planned_at.tzinfo is read.planned_at.tzinfo


def test_equal_moment_texts_in_one_record_read_alike_and_offsets_stay() -> None:
    meeting = make_meeting()
    same = dataclasses.replace(meeting, started_at=meeting.planned_at)
    read = _read(same, Meeting)
    assert read == same
    # The same instant at another offset is another value: kept apart.
    utc = dataclasses.replace(meeting, started_at=meeting.planned_at.astimezone(UTC))
    read = _read(utc, Meeting)
    assert read.started_at == read.planned_at and read.started_at is not read.planned_at
    assert read.started_at.isoformat() == utc.started_at.isoformat()  # type: ignore[union-attr]
    assert read.planned_at.isoformat() == meeting.planned_at.isoformat()


WRITTEN = [
    Meeting,
    FollowUpTask,
    AnnualPlan,
    Organisation,
    DuesPayment,
    DuesRate,
    SealHead,
    PersonChange,
    GroupChange,
    PinAttempts,
]


def _documented(value: Any) -> Any:
    """The documented form (storage.codec), written out by hand: fields in
    their order, enums by value, tuples as lists, days and moments ISO 8601
    by ``isoformat`` (what cattrs gave, and every file so far holds)."""
    if dataclasses.is_dataclass(value):
        return {f.name: _documented(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [_documented(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(WRITTEN), st.data())
def test_writing_gives_the_documented_form(cls: type[Any], data: st.DataObject) -> None:
    """The writer writes every record in the documented form (a seal's
    digest and every file depend on it); and the reader reads it back."""
    try:
        obj = data.draw(strategy(cls))
    except ValueError:  # a value its class refuses (a negative count …)
        reject()
    ours = unstructure(obj)
    assert ours == _documented(obj)
    assert json.dumps(ours) == json.dumps(_documented(obj))
    document = json.loads(json.dumps(ours))
    assert structure(document, type(obj), where="x.json", label="x") == obj


def test_writing_refuses_a_naive_datetime() -> None:
    naive = dataclasses.replace(
        make_meeting(), planned_at=at(2025, 1, 7, 19, 30).replace(tzinfo=None)
    )
    with pytest.raises(ValueError, match="naive"):
        unstructure(naive)


def test_a_damaged_file_is_explained_field_by_field(tmp_path: Path) -> None:
    """A meeting file with a step that is not one is named, field and type."""
    write_branch(tmp_path, 1)
    records = FileRepository(tmp_path, writable=False).open().records()
    meeting = records.meetings[0]
    name = next(Path(tmp_path, "meetings").rglob(meeting.id + ".json"))
    name.write_text(name.read_text().replace('"step": "', '"step": "x', 1))
    with pytest.raises(DataFileError) as caught:
        FileRepository(tmp_path, writable=False).open().records()
    message = caught.value.message("en")
    assert "meeting.step" in message and "Step" in message, message
