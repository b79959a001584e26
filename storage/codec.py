"""The frozen domain dataclasses as JSON documents, and back.

One ``cattrs`` converter, strict on the way in: a document that does not fit
(missing field, wrong type, unknown value, extra field) becomes a
:class:`DataFileError` naming the file and the field, e.g.
``meeting.attendance[0].status: invalid value for type, expected
AttendanceStatus``. Nothing is coerced: ``"3"`` is not an int and a string is
not a tuple of characters.

* ``datetime``: ISO 8601 with its UTC offset. Naive datetimes are refused both
  ways. (The offset is kept, not the zone's name: ``Asia/Shanghai`` comes back
  as ``UTC+08:00``, which compares equal.)
* ``date``: ISO 8601 (``2025-01-05``).
* ``StrEnum`` members: their string value.
* tuples: JSON arrays.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any, TypeVar, get_args, get_origin

import cattrs
from cattrs.v import format_exception

from storage.errors import DataFileError, DataFileProblem

T = TypeVar("T")


def _structure_datetime(value: Any, _type: Any) -> datetime:
    if not isinstance(value, str):
        raise TypeError(f"expected ISO 8601 text, got {type(value).__name__}")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{value!r} has no UTC offset")
    return moment


def _unstructure_datetime(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"refusing to store a naive datetime ({moment.isoformat()})")
    return moment.isoformat()


def _structure_date(value: Any, _type: Any) -> date:
    if not isinstance(value, str):
        raise TypeError(f"expected ISO 8601 text, got {type(value).__name__}")
    return date.fromisoformat(value)


def _unstructure_date(day: date) -> str:
    if isinstance(day, datetime):
        raise TypeError(f"a datetime ({day.isoformat()}) where a date belongs")
    return day.isoformat()


def _structure_enum(value: Any, enum_type: Any) -> Enum:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    member: Enum = enum_type(value)
    return member


def _strict(kind: type[Any]) -> Any:
    def structure(value: Any, _type: Any) -> Any:
        if type(value) is not kind:
            raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    return structure


def _is_homogeneous_tuple(type_: Any) -> bool:
    args = get_args(type_)
    return get_origin(type_) is tuple and len(args) == 2 and args[1] is Ellipsis


def make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_unstructure_hook(datetime, _unstructure_datetime)
    converter.register_structure_hook(date, _structure_date)
    converter.register_unstructure_hook(date, _unstructure_date)
    # StrEnum is a str: register it by name so the str hooks below do not win.
    for enum_type in (StrEnum, Enum):
        converter.register_structure_hook(enum_type, _structure_enum)
        converter.register_unstructure_hook(enum_type, lambda member: member.value)
    for kind in (str, int, bool):
        converter.register_structure_hook(kind, _strict(kind))

    def tuple_hook(type_: Any) -> Any:
        as_list: Any = list[get_args(type_)[0]]  # type: ignore[misc]

        def structure(value: Any, _type: Any) -> tuple[Any, ...]:
            if not isinstance(value, list):
                raise TypeError(f"expected a list, got {type(value).__name__}")
            return tuple(converter.structure(value, as_list))

        return structure

    converter.register_structure_hook_factory(_is_homogeneous_tuple, tuple_hook)
    return converter


converter = make_converter()


def unstructure(obj: Any) -> dict[str, Any]:
    """A domain dataclass as a JSON-ready dict."""
    document: dict[str, Any] = converter.unstructure(obj)
    return document


def _describe(exc: BaseException, type_: type[Any] | None) -> str:
    text = format_exception(exc, type_)
    own = str(exc.args[0]) if isinstance(exc, ValueError | TypeError) and exc.args else ""
    return f"{text} ({own})" if own and own not in text else text


def structure(document: Any, cls: type[T], *, where: Path | str, label: str) -> T:
    """``document`` as a ``cls``; a :class:`DataFileError` naming ``where`` and
    the field (``label`` is the document's place, e.g. ``people[3]``)."""
    try:
        return converter.structure(document, cls)
    except Exception as exc:
        problems = []
        for line in cattrs.transform_error(exc, path=label, format_exception=_describe):
            text, _, field = line.rpartition(" @ ")
            problems.append(f"{field}: {text}" if text else line)
        raise DataFileError(DataFileProblem.INVALID, where, "; ".join(problems)) from exc
