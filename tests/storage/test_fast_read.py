"""Reading fast (orjson, the fast converter) reads exactly what the careful
path reads, and leaves everything else to it (issue 7)."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.models import AnnualPlan, FollowUpTask, Meeting, Organisation
from storage.atomic import decode, encode
from storage.codec import make_converter, make_fast_converter, unstructure

from .conftest import make_meeting, make_org, make_plan, make_task

FAST = make_fast_converter()
DETAILED = make_converter()

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


EXAMPLES = [
    (make_meeting(), Meeting),
    (make_task(), FollowUpTask),
    (make_plan(), AnnualPlan),
    (make_org(), Organisation),
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(EXAMPLES), st.data(), json_values)
def test_the_fast_converter_accepts_nothing_the_detailed_one_refuses(
    example: tuple[Any, type[Any]], data: st.DataObject, value: Any
) -> None:
    obj, cls = example
    document = unstructure(obj)
    path = data.draw(st.sampled_from(_paths(document)))
    changed = _changed(document, path, value)
    try:
        fast = FAST.structure(changed, cls)
    except Exception:
        return  # the detailed converter then says what is wrong (or reads it)
    assert DETAILED.structure(changed, cls) == fast


def test_both_converters_read_the_examples_alike() -> None:
    for obj, cls in EXAMPLES:
        document = json.loads(json.dumps(unstructure(obj)))
        assert FAST.structure(document, cls) == DETAILED.structure(document, cls) == obj


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
