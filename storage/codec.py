"""The frozen domain dataclasses as JSON documents, and back.

Strict on the way in: a document that does not fit (missing field, wrong
type, unknown value, extra field) becomes a :class:`DataFileError` naming the
file and the field, e.g. ``meeting.attendance[0].status: invalid value for
type, expected AttendanceStatus``. Nothing is coerced: ``"3"`` is not an int
and a string is not a tuple of characters.

* ``datetime``: ISO 8601 with its UTC offset. Naive datetimes are refused both
  ways. (The offset is kept, not the zone's name: ``Asia/Shanghai`` comes back
  as ``UTC+08:00``, which compares equal.)
* ``date``: ISO 8601 (``2025-01-05``).
* ``StrEnum`` members: their string value.
* tuples: JSON arrays.

Two readers, one meaning. Every document is read first by :class:`FastReader`:
one function per class, generated once (as ``dataclasses`` and ``cattrs``
generate theirs), with the strict hooks below and no detailed validation; it
raises at the first problem. Only then is ``cattrs`` imported, whose
converter (:func:`make_converter`) reads the document again and names what is
wrong. Both refuse the same documents (a hypothesis test holds the fast one
to never accepting what ``cattrs`` refuses, and to reading what it reads
alike). Writing (:func:`unstructure`) is generated the same way and gives
what ``cattrs`` gives (tested). ``cattrs`` and ``attrs`` stay out of the
kiosk's memory until a damaged file needs explaining: 1.6 MiB, and ten years
of meetings load faster than through ``cattrs``'s own fast path (issue 7).
"""

from __future__ import annotations

import dataclasses
import functools
import operator
import sys
from collections.abc import Callable
from datetime import date, datetime, tzinfo
from enum import Enum, StrEnum
from pathlib import Path
from types import NoneType, UnionType
from typing import TYPE_CHECKING, Any, TypeVar, Union, get_args, get_origin, get_type_hints

from storage.errors import DataFileError, DataFileProblem

if TYPE_CHECKING:
    import cattrs

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
    """The detailed converter: it reads what the fast reader reads, and
    names the field where a document does not fit."""
    import cattrs

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


@functools.cache
def _detailed_converter() -> cattrs.Converter:
    """The detailed converter, made when a document first needs explaining."""
    return make_converter()


# Ten years of records hold a hundred thousand short texts, numbers, dates
# and moments, most of them repeated (member ids, amounts, months, days): the
# fast converter hands out one shared object for equal texts, numbers, dates
# and months (and tuples of months), which keeps the kiosk's memory down. All
# of them are immutable, so sharing is safe; nothing mutable is ever shared.
_SHARED_TEXT_LENGTH = 40
_SHARED_MAX = 100_000  # entries per cache: a bound, never reached by real data
_dates: dict[str, date] = {}
_zones: dict[tzinfo, tzinfo] = {}  # one per UTC offset
_moments: dict[str, datetime] = {}  # those of the record being read
_ints: dict[int, int] = {}
_values: dict[tuple[Any, ...], Any] = {}  # (class, field values) -> the one object
_value_tuples: dict[tuple[Any, ...], tuple[Any, ...]] = {}


def _shared(cache: dict[Any, T], key: Any, value: T) -> T:
    """The one object kept for ``key``: ``value`` if it is the first (kept
    while the cache has room), else the one kept before."""
    found = cache.get(key)
    if found is not None:
        return found
    if len(cache) < _SHARED_MAX:
        cache[key] = value
    return value


def _structure_int_fast(value: Any, _type: Any) -> int:
    if type(value) is not int:
        raise TypeError(f"expected int, got {type(value).__name__}")
    return _shared(_ints, value, value)


def _int_fields(type_: Any) -> tuple[str, ...] | None:
    """The field names of a frozen dataclass whose every field is an ``int``
    (a value such as ``rules.dues.Month``), else None."""
    if not (isinstance(type_, type) and dataclasses.is_dataclass(type_)):
        return None
    params = getattr(type_, "__dataclass_params__", None)
    if params is None or not params.frozen:
        return None
    try:
        hints = get_type_hints(type_)
    except Exception:
        return None
    names = tuple(field.name for field in dataclasses.fields(type_))
    if not names or any(hints.get(name) is not int for name in names):
        return None
    return names


def _structure_str_fast(value: Any, _type: Any) -> str:
    if type(value) is not str:
        raise TypeError(f"expected str, got {type(value).__name__}")
    return sys.intern(value) if len(value) <= _SHARED_TEXT_LENGTH else value


def _structure_date_fast(value: Any, _type: Any) -> date:
    day = _dates.get(value) if type(value) is str else None
    if day is None:
        day = _shared(_dates, value, _structure_date(value, _type))
    return day


def _structure_datetime_fast(value: Any, _type: Any) -> datetime:
    # The same moment often comes back within a record (a meeting starts at
    # its planned time, leave is marked at one time for several members):
    # one object for equal texts, within the record being read (``structure``
    # forgets them after each). By text, never by equality: equal moments
    # with different offsets are different values here.
    moment = _moments.get(value) if type(value) is str else None
    if moment is None:
        moment = _moments[value] = _read_moment(value)
    return moment


def _read_moment(value: Any) -> datetime:
    if type(value) is not str:
        raise TypeError("not text")
    moment = datetime.fromisoformat(value)
    # fromisoformat gives a fixed ``timezone`` or none, and a timezone always
    # has an offset: the detailed hook's utcoffset() test is not needed here.
    zone = moment.tzinfo
    if zone is None:
        raise ValueError("no UTC offset")
    # Each moment read comes with its own timezone object (and its offset's
    # timedelta): 80 bytes, 2 MiB over ten years. One per offset is kept
    # instead (equal timezones are interchangeable: same offset, no name).
    # ``combine`` is the quick way to put it in (``replace(tzinfo=...)``
    # takes twice as long).
    shared = _shared(_zones, zone, zone)
    return moment if shared is zone else datetime.combine(moment, moment.time(), shared)


def _structure_enum_fast(value: Any, enum_type: Any) -> Enum:
    # Only text that is a member's value; anything else (which the detailed
    # hook may refuse or accept) goes to the detailed converter.
    member: Enum | None = enum_type._value2member_map_.get(value) if type(value) is str else None
    if member is None:
        raise ValueError(f"not a {enum_type.__name__}")
    return member


def _optional_of(type_: Any) -> Any:
    """``X`` for ``X | None``, else None."""
    if get_origin(type_) not in (Union, UnionType):
        return None
    args = get_args(type_)
    if len(args) != 2 or NoneType not in args:
        return None
    return args[0] if args[1] is NoneType else args[1]


Hook = Callable[[Any, Any], Any]


class FastReader:
    """Reads a JSON value as a domain type: one hook per type, made once.
    It accepts exactly what :func:`make_converter`'s converter accepts (the
    same strict hooks) and returns equal objects, but raises at the first
    problem without saying much: :func:`structure` then asks ``cattrs``."""

    def __init__(self) -> None:
        self._hooks: dict[Any, Hook] = {}

    def structure(self, value: Any, type_: Any) -> Any:
        return self.hook(type_)(value, type_)

    def hook(self, type_: Any) -> Hook:
        found = self._hooks.get(type_)
        if found is None:
            found = self._hooks[type_] = self._make(type_)
        return found

    def _make(self, type_: Any) -> Hook:
        simple: dict[Any, Hook] = {
            str: _structure_str_fast,
            int: _structure_int_fast,
            bool: _strict(bool),
            date: _structure_date_fast,
            datetime: _structure_datetime_fast,
        }
        if type_ in simple:
            return simple[type_]
        if isinstance(type_, type) and issubclass(type_, Enum):
            return _structure_enum_fast
        inner = _optional_of(type_)
        if inner is not None:
            return self._optional(inner)
        if _is_homogeneous_tuple(type_):
            return self._tuple(get_args(type_)[0])
        if _int_fields(type_) is not None:
            return self._value(type_)
        if isinstance(type_, type) and dataclasses.is_dataclass(type_):
            return _generate_reader(type_, self.hook)
        raise TypeError(f"no reader for {type_!r}")

    def _optional(self, inner_type: Any) -> Hook:
        inner = self.hook(inner_type)

        def structure(value: Any, _type: Any) -> Any:
            return None if value is None else inner(value, inner_type)

        return structure

    def _tuple(self, item_type: Any) -> Hook:
        item = self.hook(item_type)

        def structure(value: Any, _type: Any) -> tuple[Any, ...]:
            if type(value) is not list:
                raise TypeError(f"expected a list, got {type(value).__name__}")
            return tuple([item(element, item_type) for element in value])

        def structure_shared(value: Any, _type: Any) -> tuple[Any, ...]:
            # Tuples of shared values (a payment's months): one per value.
            found = structure(value, _type)
            return _shared(_value_tuples, found, found)

        return structure_shared if _int_fields(item_type) is not None else structure

    def _value(self, type_: Any) -> Hook:
        """One shared object per value of a frozen all-int dataclass: read
        as any dataclass the first time, then found by its field values
        (exact ints only: ``True`` and ``1.0`` are not ``1`` here)."""
        names = _int_fields(type_)
        assert names is not None
        generated = _generate_reader(type_, self.hook)
        get_names = operator.itemgetter(*names) if len(names) > 1 else None
        count = len(names)

        def structure(value: Any, _type: Any) -> Any:
            if type(value) is dict and len(value) == count:
                try:
                    key = get_names(value) if get_names is not None else (value[names[0]],)
                except KeyError:
                    key = None
                if key is not None and all(type(part) is int for part in key):
                    cache_key = (type_, *key)
                    shared = _values.get(cache_key)
                    if shared is None:
                        shared = _shared(_values, cache_key, generated(value, type_))
                    return shared
            return generated(value, type_)

        return structure


def _generate(name: str, lines: list[str], namespace: dict[str, Any]) -> Any:
    """The function ``name`` defined by ``lines``, its globals ``namespace``."""
    exec("\n".join(lines), namespace)
    return namespace[name]


def _generate_reader(cls: type[Any], hook_of: Callable[[Any], Hook]) -> Hook:
    """A function reading a dict as ``cls``: a dict with no key that is not
    a field, every field without a default present, each field read by its
    type's hook; a field with a default may be left out.

    Texts, flags and enum members are checked in the function itself, as
    their hooks check them (``_structure_str_fast``, ``_strict(bool)``,
    ``_structure_enum_fast``): ten years of records hold some 160,000 of
    them, and a call per value was a fifth of the time to read them."""
    hints = get_type_hints(cls)
    fields = [field for field in dataclasses.fields(cls) if field.init]
    namespace: dict[str, Any] = {
        "cls": cls,
        "names": frozenset(f.name for f in fields),
        "intern": sys.intern,
        "SHORT": _SHARED_TEXT_LENGTH,
        "MISSING": dataclasses.MISSING,
    }
    lines = [
        "def read(o, _type):",
        "    if type(o) is not dict:",
        "        raise TypeError('expected an object')",
        "    if not names.issuperset(o):",
        "        raise ValueError('a field that is not one')",
    ]
    for index, field in enumerate(fields):
        type_, value = hints[field.name], f"v{index}"
        default: str | None = None  # how a left-out field is filled in
        if field.default is not dataclasses.MISSING:
            namespace[f"d{index}"], default = field.default, f"d{index}"
        elif field.default_factory is not dataclasses.MISSING:
            namespace[f"d{index}"], default = field.default_factory, f"d{index}()"
        if default is None:
            lines.append(f"    {value} = o[{field.name!r}]")
            indent = "    "
        else:
            lines.append(f"    {value} = o.get({field.name!r}, MISSING)")
            lines.append(f"    if {value} is MISSING:")
            lines.append(f"        {value} = {default}")
            lines.append("    else:")
            indent = "        "
        if type_ is str:
            lines.append(f"{indent}if type({value}) is not str:")
            lines.append(f"{indent}    raise TypeError('expected str')")
            # A record's own id is never shared (no other record has it), so
            # it stays out of the interpreter's table of shared texts, which
            # would grow by ten thousand entries for ten years of dues.
            if field.name != "id":
                lines.append(f"{indent}if len({value}) <= SHORT:")
                lines.append(f"{indent}    {value} = intern({value})")
        elif type_ is bool:
            lines.append(f"{indent}if type({value}) is not bool:")
            lines.append(f"{indent}    raise TypeError('expected bool')")
        elif isinstance(type_, type) and issubclass(type_, Enum):
            namespace[f"m{index}"] = type_._value2member_map_
            lines.append(f"{indent}if type({value}) is not str:")
            lines.append(f"{indent}    raise TypeError('expected text')")
            lines.append(f"{indent}{value} = m{index}.get({value})")
            lines.append(f"{indent}if {value} is None:")
            lines.append(f"{indent}    raise ValueError('not a member')")
        else:
            namespace[f"h{index}"], namespace[f"t{index}"] = hook_of(type_), type_
            lines.append(f"{indent}{value} = h{index}({value}, t{index})")
    arguments = ", ".join(f"{field.name}=v{index}" for index, field in enumerate(fields))
    lines.append(f"    return cls({arguments})")
    return _generate("read", lines, namespace)  # type: ignore[no-any-return]


_fast = FastReader()


# -- writing ---------------------------------------------------------------

Writer = Callable[[Any], Any]
_writers: dict[Any, Writer] = {}


def _same(value: Any) -> Any:
    return value


def _enum_value(member: Enum) -> Any:
    return member.value


def _writer(type_: Any) -> Writer:
    """How a value of ``type_`` is written (as ``cattrs`` writes it)."""
    found = _writers.get(type_)
    if found is not None:
        return found
    if type_ in (str, int, bool):
        found = _same
    elif type_ is datetime:
        found = _unstructure_datetime
    elif type_ is date:
        found = _unstructure_date
    elif isinstance(type_, type) and issubclass(type_, Enum):
        found = _enum_value
    elif (inner_type := _optional_of(type_)) is not None:
        inner = _writer(inner_type)
        found = lambda value: None if value is None else inner(value)  # noqa: E731
    elif _is_homogeneous_tuple(type_):
        item = _writer(get_args(type_)[0])
        found = lambda values: [item(value) for value in values]  # noqa: E731
    elif isinstance(type_, type) and dataclasses.is_dataclass(type_):
        found = _generate_writer(type_)
    else:
        raise TypeError(f"no writer for {type_!r}")
    _writers[type_] = found
    return found


def _generate_writer(cls: type[Any]) -> Writer:
    hints = get_type_hints(cls)
    namespace: dict[str, Any] = {}
    lines = ["def write(obj):", "    return {"]
    for index, field in enumerate(dataclasses.fields(cls)):
        namespace[f"w{index}"] = _writer(hints[field.name])
        lines.append(f"        {field.name!r}: w{index}(obj.{field.name}),")
    lines.append("    }")
    return _generate("write", lines, namespace)  # type: ignore[no-any-return]


def unstructure(obj: Any) -> dict[str, Any]:
    """A domain dataclass as a JSON-ready dict."""
    document: dict[str, Any] = _writer(type(obj))(obj)
    return document


def unstructure_as(value: Any, type_: Any) -> Any:
    """``value`` of ``type_`` (a date, say) as it is written in a document."""
    return _writer(type_)(value)


def _describe(exc: BaseException, type_: type[Any] | None) -> str:
    from cattrs.v import format_exception

    text = format_exception(exc, type_)
    own = str(exc.args[0]) if isinstance(exc, ValueError | TypeError) and exc.args else ""
    return f"{text} ({own})" if own and own not in text else text


def structure(document: Any, cls: type[T], *, where: Path | str, label: str) -> T:
    """``document`` as a ``cls``; a :class:`DataFileError` naming ``where`` and
    the field (``label`` is the document's place, e.g. ``people[3]``)."""
    try:
        found: T = _fast.hook(cls)(document, cls)
        return found
    except Exception:  # the detailed converter below says what is wrong
        pass
    finally:
        _moments.clear()
    import cattrs

    try:
        return _detailed_converter().structure(document, cls)
    except Exception as exc:
        problems = []
        for line in cattrs.transform_error(exc, path=label, format_exception=_describe):
            text, _, field = line.rpartition(" @ ")
            problems.append(f"{field}: {text}" if text else line)
        raise DataFileError(DataFileProblem.INVALID, where, "; ".join(problems)) from exc
