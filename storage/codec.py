"""The frozen domain dataclasses as JSON documents, and back, by msgspec.

Strict on the way in: a document that does not fit (missing field, wrong
type, unknown value, extra field) becomes a :class:`DataFileError` naming the
file and the field, e.g. ``meeting.attendance[0].status: invalid value
'maybe', expected AttendanceStatus``. Nothing is coerced: ``"3"`` is not an
int, ``true`` is not 1 and a string is not a tuple of characters.

* ``datetime``: ISO 8601 with its UTC offset. Naive datetimes are refused both
  ways. (The offset is kept, not the zone's name: ``Asia/Shanghai`` comes back
  as ``UTC+08:00``, which compares equal.)
* ``date``: ISO 8601 (``2025-01-05``).
* ``StrEnum`` members: their string value.
* tuples: JSON arrays.

``msgspec.convert`` does the reading: types, enums, dates, tuples and the
classes' own checks (``__post_init__``), in C, naming the path of what does
not fit. It is lenient in two ways a dataclass cannot switch off, so one
small walk over the document (:func:`_misfit`) adds them: a key that is not a
field is refused (msgspec ignores it), and so is a moment without a UTC
offset (msgspec reads it as a naive datetime).

Writing (:func:`unstructure`) is ``msgspec.to_builtins`` with moments and days
written by Python's ``isoformat`` (as every file so far was written: UTC as
``+00:00``, where msgspec would write ``Z``), then read back as its class, so
nothing is written that would not read back as the same class.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

import msgspec

from storage.errors import DataFileError, DataFileProblem

T = TypeVar("T")


# -- reading ---------------------------------------------------------------


def structure(document: Any, cls: type[T], *, where: Path | str, label: str) -> T:
    """``document`` as a ``cls``; a :class:`DataFileError` naming ``where`` and
    the field (``label`` is the document's place, e.g. ``people[3]``)."""
    try:
        found: T = _convert(document, cls)
    except msgspec.ValidationError as exc:
        raise DataFileError(DataFileProblem.INVALID, where, _explain(exc, cls, label)) from exc
    check = _checker(cls)  # type: ignore[arg-type]  # (every type read is hashable)
    if check is not None:
        try:
            check(document)
        except _Misfit as misfit:
            detail = f"{label}{''.join(reversed(misfit.steps))}: {misfit.text}"
            raise DataFileError(DataFileProblem.INVALID, where, detail) from None
    return found


_MOMENT_REFUSED = "Invalid RFC3339 encoded datetime"


def _convert(document: Any, cls: type[T]) -> T:
    """msgspec's strict conversion, and the moments Python writes that RFC
    3339 cannot say: an offset with seconds (local mean time, before about
    1900), read as ``datetime.fromisoformat`` reads them."""
    while True:
        try:
            found: T = msgspec.convert(document, cls)
            return found
        except msgspec.ValidationError as exc:
            text, steps = _split(exc)
            value = _at(document, steps) if text == _MOMENT_REFUSED else None
            moment = _fine_offset_moment(value)
            if moment is None:
                raise
            document = _replaced(document, steps, moment)


def _fine_offset_moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    offset = moment.utcoffset()
    if offset is None or (offset.seconds % 60 == 0 and offset.microseconds == 0):
        return None  # msgspec refused it for another reason: its message stands
    return moment


def _at(document: Any, steps: list[str | int]) -> Any:
    for step in steps:
        try:
            document = document[step]
        except (KeyError, IndexError, TypeError):
            return None
    return document


def _replaced(document: Any, steps: list[str | int], value: Any) -> Any:
    """A copy of ``document`` with ``value`` at ``steps`` (only the
    containers along the way are copied)."""
    if not steps:
        return value
    head, rest = steps[0], steps[1:]
    copy = dict(document) if isinstance(document, dict) else list(document)
    copy[head] = _replaced(document[head], rest, value)  # type: ignore[index]
    return copy


# -- what msgspec leaves to us: extra keys and naive moments ----------------


class _Misfit(Exception):
    """What does not fit, and the path to it (innermost step first)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text
        self.steps: list[str] = []


Check = Callable[[Any], None]


def _optional_of(type_: Any) -> Any:
    """``X`` for ``X | None``, else None."""
    if get_origin(type_) not in (Union, UnionType):
        return None
    args = [arg for arg in get_args(type_) if arg is not NoneType]
    return args[0] if len(args) == 1 else None


def _check_moment(value: Any) -> None:
    # msgspec has read the text as RFC 3339 already: an offset is a final
    # Z or a sign after the date (a fine offset may come back as a datetime).
    if type(value) is str and value[-1] not in "Zz" and "+" not in value and "-" not in value[10:]:
        raise _Misfit(f"{value!r} has no UTC offset")


@functools.cache
def _checker(type_: Any) -> Check | None:
    """What checks a document of ``type_`` that msgspec has read (None:
    nothing to check)."""
    if type_ is datetime:
        return _check_moment
    inner = _optional_of(type_)
    if inner is not None:
        return _checker(inner)  # a None is never checked (see below)
    args = get_args(type_)
    if get_origin(type_) is tuple and len(args) == 2 and args[1] is Ellipsis:
        return _tuple_checker(args[0])
    if isinstance(type_, type) and dataclasses.is_dataclass(type_):
        return _dataclass_checker(type_)
    return None


def _tuple_checker(item_type: Any) -> Check | None:
    item = _checker(item_type)
    if item is None:
        return None

    def check(values: Any) -> None:
        for index, value in enumerate(values):
            try:
                item(value)
            except _Misfit as misfit:
                misfit.steps.append(f"[{index}]")
                raise

    return check


def _dataclass_checker(cls: type[Any]) -> Check:
    hints = get_type_hints(cls)
    fields = [field.name for field in dataclasses.fields(cls) if field.init]
    names = frozenset(fields)
    children = [(name, child) for name in fields if (child := _checker(hints[name])) is not None]

    def check(document: Any) -> None:
        if not names.issuperset(document):
            extra = ", ".join(sorted(set(document) - names))
            raise _Misfit(f"extra fields found ({extra})")
        for name, child in children:
            value = document.get(name)
            if value is not None:
                try:
                    child(value)
                except _Misfit as misfit:
                    misfit.steps.append(f".{name}")
                    raise

    return check


# -- msgspec's messages, said as ours ---------------------------------------

_AT = re.compile(r"^(?P<text>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")
_EXPECTED = re.compile(r"^Expected `(?P<want>[^`]+)`, got `(?P<got>[^`]+)`$")
_MISSING = re.compile(r"^Object missing required field `(?P<name>[^`]+)`$")
_ENUM = re.compile(r"^Invalid enum value (?P<value>.+)$")
_JSON_NAMES = {"array": "a list", "object": "an object", "null": "null"}


def _split(exc: msgspec.ValidationError) -> tuple[str, list[str | int]]:
    """msgspec's message without its path, and the path's steps."""
    match = _AT.match(str(exc))
    assert match is not None  # the pattern matches any text
    steps: list[str | int] = [
        name if name else int(index) for name, index in _STEP.findall(match["path"] or "")
    ]
    return match["text"], steps


def _type_at(type_: Any, steps: list[str | int]) -> Any:
    """The type the document has at ``steps`` (None: not found)."""
    for step in steps:
        type_ = _optional_of(type_) or type_
        if isinstance(step, int) and get_origin(type_) is tuple:
            type_ = get_args(type_)[0]
        elif isinstance(type_, type) and dataclasses.is_dataclass(type_):
            type_ = get_type_hints(type_).get(str(step))
        else:
            return None
    return _optional_of(type_) or type_


def _explain(exc: msgspec.ValidationError, cls: type[Any], label: str) -> str:
    """``meeting.attendance[1].status: required field missing`` and the like."""
    text, steps = _split(exc)
    where = label + "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in steps)
    if missing := _MISSING.match(text):
        return f"{where}.{missing['name']}: required field missing"
    if expected := _EXPECTED.match(text):
        want = " or ".join(_JSON_NAMES.get(kind, kind) for kind in expected["want"].split(" | "))
        return f"{where}: expected {want}, got {expected['got']}"
    if enum := _ENUM.match(text):
        type_ = _type_at(cls, steps)
        kind = type_.__name__ if isinstance(type_, type) and issubclass(type_, Enum) else "value"
        return f"{where}: invalid value {enum['value']}, expected {kind}"
    return f"{where}: {text[:1].lower()}{text[1:]}"


# -- writing ---------------------------------------------------------------


def _text(value: Any) -> Any:
    """A document from ``msgspec.to_builtins`` with its moments and days as
    Python writes them (``isoformat``)."""
    kind = type(value)
    if kind is dict:
        return {key: _text(item) for key, item in value.items()}
    if kind is tuple or kind is list:  # (tuples stay tuples in to_builtins)
        return [_text(item) for item in value]
    if kind is datetime:
        if value.utcoffset() is None:
            raise ValueError(f"refusing to store a naive datetime ({value.isoformat()})")
        return value.isoformat()
    if kind is date:
        return value.isoformat()
    return value


def unstructure_as(value: Any, type_: Any) -> Any:
    """``value`` of ``type_`` as it is written in a document; a TypeError
    when it would not read back as a ``type_`` (a datetime where a date
    belongs), a ValueError for a naive datetime."""
    document = _text(msgspec.to_builtins(value, builtin_types=(datetime, date)))
    try:
        _convert(document, type_)
    except msgspec.ValidationError as exc:
        name = getattr(type_, "__name__", str(type_))
        raise TypeError(f"{name} would not read back: {_explain(exc, type_, name)}") from exc
    return document


def unstructure(obj: Any) -> dict[str, Any]:
    """A domain dataclass as a JSON-ready dict, its fields in their order."""
    document: dict[str, Any] = unstructure_as(obj, type(obj))
    return document
