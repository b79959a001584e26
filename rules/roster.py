"""A branch roster (党员名册) imported from a spreadsheet's CSV export.

Two pure steps, so that nothing is ever half-imported:

1. :func:`parse_roster` turns the bytes of a CSV file into validated
   :class:`RosterRow` values, or raises :class:`RosterError` naming the line
   (as the spreadsheet shows it: the header is line 1), the column, the bad
   value and what is allowed.
2. :func:`apply_roster` merges the rows into an :class:`Organisation` and
   returns a new one with the counts and the list of changes. The input is
   never modified (it is immutable), so an error leaves it as it was.

The file may be UTF-8 (with or without a BOM, as "CSV UTF-8" saves it) or
GB18030 (as Excel on a Chinese Windows saves plain "CSV"; GBK is a subset of
it, and names with rare characters outside GBK need it). Column names may be
Chinese or English; see :data:`COLUMNS`. A workbook (.xlsx) is read into the
same cells outside this module (``tui.roster_file``) and parsed by
:func:`parse_roster_cells`.

Rules of the merge:

- a row matches an existing person by 党员编号 when it has one; when it has
  none, or no one has that number, by exact name when exactly one existing
  person without a 党员编号 has that name (two such people: an error);
- people not in the file stay as they are (a roster of one group does not
  delete the others);
- a column the file does not have leaves that field as it is; a column the
  file has sets the field, an empty cell meaning empty / none / no — except
  党员编号, which identifies a person and is never cleared by an empty cell;
- groups match active groups by name; a new name makes a new group;
- a row marked 组长 makes that person the group's leader; a leader who leaves
  the group, is marked not 组长 or is no longer a party member stops being it;
- one secretary (书记) and one organisation member (组织委员) per branch.

A 党员编号 on a row of someone outside the Party (an activist, the masses) is
kept, not refused: it is how the person is matched on the next import. A
probationary or disciplined group leader is imported as the file says: that
is for the rules engine to report (L1), not a reason to refuse the file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import TypeVar

from rules.models import BranchRole, Discipline, Group, MemberStatus, Organisation, Person

_T = TypeVar("_T")

# --------------------------------------------------------------------------
# Errors


class RosterError(Exception):
    """A roster that cannot be imported, with the line a spreadsheet user sees
    (the header is line 1; 0: the file as a whole) and the reason in Chinese
    and English."""

    def __init__(self, line: int, reason_zh: str, reason_en: str) -> None:
        super().__init__(line, reason_zh, reason_en)
        self.line = line
        self.reason_zh = reason_zh
        self.reason_en = reason_en

    def message(self, lang: str = "zh") -> str:
        if self.line <= 0:
            return self.reason_en if lang == "en" else self.reason_zh
        if lang == "en":
            return f"line {self.line}: {self.reason_en}"
        return f"第{self.line}行:{self.reason_zh}"

    def __str__(self) -> str:
        return self.message("en")


# --------------------------------------------------------------------------
# Columns


@dataclass(frozen=True)
class Column:
    key: str  # the RosterRow field it fills
    zh: str  # the Chinese header, as named in messages
    en: str  # the English header
    aliases: tuple[str, ...] = ()
    required: bool = False

    @property
    def label(self) -> str:
        return f"{self.zh} ({self.en})"


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", "name", required=True),
    Column("member_no", "党员编号", "member_no", ("member_number",)),
    Column("group", "党小组", "group"),
    Column("department", "部门", "department"),
    Column("status", "身份", "status", required=True),
    Column("discipline", "党纪处分", "discipline"),
    Column("leadership_post", "领导职务", "leadership_post"),
    Column("branch_role", "支部职务", "branch_role"),
    Column("group_leader", "组长", "group_leader", ("党小组长",)),
    Column("phone", "手机", "phone", ("手机号", "手机号码", "mobile")),
    Column("group_decided_on", "小组成立日期", "group_decided_on"),
    Column("group_reported_up_on", "小组上报日期", "group_reported_up_on"),
)
_COLUMN_BY_KEY = {c.key: c for c in COLUMNS}


def _norm_header(text: str) -> str:
    """Case-insensitive, trimmed, spaces and hyphens as underscores."""
    text = text.replace("\ufeff", "").strip().casefold()
    return re.sub(r"[\s\-]+", "_", text)


_HEADER_NAMES: dict[str, Column] = {}
for _column in COLUMNS:
    for _name in (_column.zh, _column.en, *_column.aliases):
        _HEADER_NAMES[_norm_header(_name)] = _column


def _norm_word(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().casefold())


_STATUS_WORDS: dict[str, MemberStatus] = {
    "正式党员": MemberStatus.FULL,
    "预备党员": MemberStatus.PROBATIONARY,
    "发展对象": MemberStatus.DEVELOPMENT_TARGET,
    "入党积极分子": MemberStatus.ACTIVIST,
    "积极分子": MemberStatus.ACTIVIST,
    "群众": MemberStatus.MASSES,
    "full": MemberStatus.FULL,
    "probationary": MemberStatus.PROBATIONARY,
    "development_target": MemberStatus.DEVELOPMENT_TARGET,
    "activist": MemberStatus.ACTIVIST,
    "masses": MemberStatus.MASSES,
}
_STATUS_ALLOWED = "正式党员、预备党员、发展对象、入党积极分子(积极分子)、群众"
_STATUS_ALLOWED_EN = (
    "full, probationary, development_target, activist, masses "
    "(or 正式党员, 预备党员, 发展对象, 入党积极分子, 群众)"
)

_DISCIPLINE_WORDS: dict[str, Discipline] = {
    "": Discipline.NONE,
    "无": Discipline.NONE,
    "none": Discipline.NONE,
    "警告": Discipline.WARNING,
    "warning": Discipline.WARNING,
    "严重警告": Discipline.SERIOUS_WARNING,
    "serious_warning": Discipline.SERIOUS_WARNING,
    "撤销党内职务": Discipline.REMOVAL_FROM_POST,
    "removal_from_post": Discipline.REMOVAL_FROM_POST,
    "留党察看": Discipline.PROBATION,
    "probation": Discipline.PROBATION,
}
_DISCIPLINE_ALLOWED = "空、无、警告、严重警告、撤销党内职务、留党察看"
_DISCIPLINE_ALLOWED_EN = (
    "empty, none, warning, serious_warning, removal_from_post, probation (or the Chinese)"
)

_ROLE_WORDS: dict[str, BranchRole] = {
    "": BranchRole.NONE,
    "无": BranchRole.NONE,
    "none": BranchRole.NONE,
    "书记": BranchRole.SECRETARY,
    "secretary": BranchRole.SECRETARY,
    "组织委员": BranchRole.ORGANISATION,
    "organisation": BranchRole.ORGANISATION,
    "organization": BranchRole.ORGANISATION,
    "支委": BranchRole.COMMITTEE,
    "支委会委员": BranchRole.COMMITTEE,
    "委员": BranchRole.COMMITTEE,
    "committee": BranchRole.COMMITTEE,
}
_ROLE_ALLOWED = "空、无、书记、组织委员、支委(支委会委员、委员)"
_ROLE_ALLOWED_EN = "empty, none, secretary, organisation, committee (or the Chinese)"

_YES_NO_WORDS: dict[str, bool] = {
    "": False,
    "是": True,
    "否": False,
    "yes": True,
    "no": False,
    "y": True,
    "n": False,
    "true": True,
    "false": False,
    "1": True,
    "0": False,
}
_YES_NO_ALLOWED = "是/否、yes/no、y/n、true/false、1/0,空表示否"
_YES_NO_ALLOWED_EN = "是/否, yes/no, y/n, true/false, 1/0; empty means no"

_DATE_FORMATS_ZH = "2026-03-01、2026/03/01 或 2026年3月1日"
_DATE_FORMATS_EN = "2026-03-01, 2026/03/01 or 2026年3月1日"
_DATE_PATTERNS = (
    re.compile(r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})(?:\s+0{1,2}:00(?::00)?)?"),
    re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日"),
)


# --------------------------------------------------------------------------
# Rows


@dataclass(frozen=True)
class RosterRow:
    """One person as the file states them, validated.

    ``given`` names the fields whose column the file has (keys of
    :data:`COLUMNS`); :func:`apply_roster` leaves the others as they are.
    """

    line: int
    name: str
    status: MemberStatus
    member_no: str | None = None
    group: str | None = None  # 党小组 by name; None: in no group
    department: str = ""
    discipline: Discipline = Discipline.NONE
    leadership_post: bool = False
    branch_role: BranchRole = BranchRole.NONE
    group_leader: bool = False
    phone: str | None = None
    group_decided_on: date | None = None
    group_reported_up_on: date | None = None
    given: frozenset[str] = field(default=frozenset({"name", "status"}))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            # GB18030 is what Excel on a Chinese Windows saves as "CSV"; GBK is
            # a subset, and GB18030 also has the rare characters of names
            # outside GBK (𠀀, 䶮 …).
            return data.decode("gb18030")
        except UnicodeDecodeError as gbk_error:
            # The encoding that read further is most likely the one meant:
            # report where it broke down.
            where = max(utf8_error.start, gbk_error.start)
            line = data.count(b"\n", 0, where) + 1
            raise RosterError(
                line,
                "文件既不是 UTF-8 也不是 GBK/GB18030 编码,无法读取"
                "(本行有无法识别的字节)。请在表格软件中另存为“CSV UTF-8”后再导入。",
                "the file is neither UTF-8 nor GBK/GB18030 encoded and cannot be read "
                "(undecodable bytes on this line); save it from the spreadsheet "
                'as "CSV UTF-8" and import it again.',
            ) from None


def _csv_problem(line: int, error: csv.Error) -> RosterError:
    text = str(error)
    if "unexpected end of data" in text:
        return RosterError(
            line,
            "引号不配对:本行开始的带引号单元格一直到文件结尾都没有结束引号。",
            "unbalanced quotes: a quoted cell starting on this line is never closed.",
        )
    if "expected after" in text:
        return RosterError(
            line,
            "引号用法有误:带引号的单元格在结束引号后还有其他字符"
            '(单元格内的引号应写成两个引号 "")。',
            "bad quoting: a quoted cell has more characters after its closing quote "
            '(a quote inside a cell is written as two quotes "").',
        )
    return RosterError(line, f"不是有效的 CSV 文件({text})。", f"not a valid CSV file ({text}).")


def _read_records(text: str) -> list[tuple[int, list[str]]]:
    """The records with their line numbers as a spreadsheet shows them."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    while True:
        line = len(records) + 1
        try:
            record = next(reader)
        except StopIteration:
            return records
        except csv.Error as error:
            raise _csv_problem(line, error) from None
        records.append((line, record))


@dataclass(frozen=True)
class _Header:
    columns: tuple[Column | None, ...]  # by position; None: an unnamed column
    labels: dict[str, str]  # key -> the header text as the file has it

    def label(self, key: str) -> tuple[str, str]:
        """How messages name a column: (zh, en)."""
        column = _COLUMN_BY_KEY[key]
        written = self.labels.get(key, column.zh)
        return (f"“{written}”", f'"{written}" ({column.en})')


def _read_header(cells: list[str]) -> _Header:
    columns: list[Column | None] = []
    labels: dict[str, str] = {}
    unknown: list[str] = []
    for cell in cells:
        written = cell.replace("\ufeff", "").strip()
        if not written:
            columns.append(None)
            continue
        column = _HEADER_NAMES.get(_norm_header(written))
        if column is None:
            unknown.append(written)
            columns.append(None)
            continue
        if column.key in labels:
            raise RosterError(
                1,
                f"列“{labels[column.key]}”和“{written}”重复,都表示{column.zh}。",
                f'columns "{labels[column.key]}" and "{written}" are the same '
                f"column ({column.en}).",
            )
        labels[column.key] = written
        columns.append(column)
    if unknown:
        names_zh = "、".join(f"“{u}”" for u in unknown)
        names_en = ", ".join(f'"{u}"' for u in unknown)
        hint_zh = hint_en = ""
        if len(cells) == 1 and any(sep in cells[0] for sep in ("\t", ";")):
            hint_zh = "文件似乎不是用逗号分隔的;请另存为 CSV(逗号分隔)。"
            hint_en = " The file does not seem to be comma-separated; save it as CSV."
        elif len(unknown) == 1 and not labels:
            # A title above the table (XX党支部党员名册), as offices often have.
            hint_zh = "第1行似乎是表格标题:第1行应是列名,请删除标题行后再导入。"
            hint_en = (
                " Line 1 looks like a title: line 1 must name the columns;"
                " delete the title row and import again."
            )
        allowed_zh = "、".join(c.zh for c in COLUMNS)
        allowed_en = ", ".join(c.en for c in COLUMNS)
        raise RosterError(
            1,
            f"不认识的列:{names_zh}。可用的列:{allowed_zh}。{hint_zh}",
            f"unknown columns: {names_en}. Known columns: {allowed_en}.{hint_en}",
        )
    missing = [c for c in COLUMNS if c.required and c.key not in labels]
    if missing:
        raise RosterError(
            1,
            "缺少必需的列:" + "、".join(c.zh for c in missing) + "。",
            "missing required columns: " + ", ".join(c.label for c in missing) + ".",
        )
    return _Header(tuple(columns), labels)


def _word(
    header: _Header,
    line: int,
    key: str,
    value: str,
    words: Mapping[str, _T],
    allowed: tuple[str, str],
) -> _T:
    found = words.get(value.strip())
    if found is None:
        found = words.get(_norm_word(value))
    if found is None:
        col_zh, col_en = header.label(key)
        raise RosterError(
            line,
            f"列{col_zh}的值“{value}”不认识;可以填:{allowed[0]}。",
            f"column {col_en}: unknown value {value!r}; allowed: {allowed[1]}.",
        )
    return found


def _parse_date(header: _Header, line: int, key: str, value: str) -> date | None:
    if not value:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(value)
        if match is None:
            continue
        year, month, day = (int(part) for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            break
    col_zh, col_en = header.label(key)
    raise RosterError(
        line,
        f"列{col_zh}的日期“{value}”无效;日期格式为 {_DATE_FORMATS_ZH}。",
        f"column {col_en}: {value!r} is not a valid date; write {_DATE_FORMATS_EN}.",
    )


def _parse_row(header: _Header, line: int, cells: list[str]) -> RosterRow | None:
    values: dict[str, str] = {}
    for position, cell in enumerate(cells):
        value = cell.strip()
        column = header.columns[position] if position < len(header.columns) else None
        if column is None:
            if value:
                raise RosterError(
                    line,
                    f"第{position + 1}列有内容“{value}”,但这一列没有列名。",
                    f"cell {position + 1} holds {value!r} but its column has no name "
                    "in the header.",
                )
            continue
        values[column.key] = value
    if not any(values.values()):
        return None  # a blank row

    for key in ("name", "status"):
        if not values.get(key):
            col_zh, col_en = header.label(key)
            raise RosterError(line, f"列{col_zh}不能为空。", f"column {col_en} must not be empty.")

    def text(key: str) -> str:
        return values.get(key, "")

    status = _word(
        header, line, "status", text("status"), _STATUS_WORDS, (_STATUS_ALLOWED, _STATUS_ALLOWED_EN)
    )
    discipline = _word(
        header,
        line,
        "discipline",
        text("discipline"),
        _DISCIPLINE_WORDS,
        (_DISCIPLINE_ALLOWED, _DISCIPLINE_ALLOWED_EN),
    )
    role = _word(
        header,
        line,
        "branch_role",
        text("branch_role"),
        _ROLE_WORDS,
        (_ROLE_ALLOWED, _ROLE_ALLOWED_EN),
    )
    yes_no = (_YES_NO_ALLOWED, _YES_NO_ALLOWED_EN)
    leadership = _word(
        header, line, "leadership_post", text("leadership_post"), _YES_NO_WORDS, yes_no
    )
    leader = _word(header, line, "group_leader", text("group_leader"), _YES_NO_WORDS, yes_no)

    row = RosterRow(
        line=line,
        name=text("name"),
        status=status,
        member_no=text("member_no") or None,
        group=text("group") or None,
        department=text("department"),
        discipline=discipline,
        leadership_post=leadership,
        branch_role=role,
        group_leader=leader,
        phone=text("phone") or None,
        group_decided_on=_parse_date(header, line, "group_decided_on", text("group_decided_on")),
        group_reported_up_on=_parse_date(
            header, line, "group_reported_up_on", text("group_reported_up_on")
        ),
        given=frozenset(header.labels),
    )
    _check_row(row)
    return row


def _check_row(row: RosterRow) -> None:
    """What one row says about itself must make sense."""
    if row.group_leader and row.group is None:
        raise RosterError(
            row.line,
            f"{row.name} 标为组长,但没有填写党小组。",
            f"{row.name} is marked as group leader (组长) but has no group (党小组).",
        )
    if row.group_leader and not row.status.is_party_member:
        raise RosterError(
            row.line,
            f"{row.name} 标为组长,但身份是{_STATUS_ZH[row.status]};党小组长必须是党员。",
            f"{row.name} is marked as group leader (组长) but is {row.status.value}; "
            "a group leader must be a party member.",
        )
    if row.branch_role.on_committee and not row.status.is_party_member:
        raise RosterError(
            row.line,
            f"{row.name} 有支部职务,但身份是{_STATUS_ZH[row.status]};支部委员必须是党员。",
            f"{row.name} has a branch role ({row.branch_role.value}) but is "
            f"{row.status.value}; branch committee members are party members.",
        )
    if row.group is None and (
        row.group_decided_on is not None or row.group_reported_up_on is not None
    ):
        raise RosterError(
            row.line,
            "填写了小组成立日期或上报日期,但没有填写党小组。",
            "a group date is given but no group (党小组).",
        )


_STATUS_ZH = {
    MemberStatus.FULL: "正式党员",
    MemberStatus.PROBATIONARY: "预备党员",
    MemberStatus.DEVELOPMENT_TARGET: "发展对象",
    MemberStatus.ACTIVIST: "入党积极分子",
    MemberStatus.MASSES: "群众",
}


def _check_rows(rows: Sequence[RosterRow]) -> None:
    """What the rows say together must agree: one person per 党员编号, one
    leader per group, one secretary, one organisation member, one date per
    group."""
    numbers: dict[str, RosterRow] = {}
    unnumbered: dict[str, RosterRow] = {}
    leaders: dict[str, RosterRow] = {}
    roles: dict[BranchRole, RosterRow] = {}
    dates: dict[tuple[str, str], tuple[date, RosterRow]] = {}
    for row in rows:
        _check_row(row)
        if row.member_no is not None:
            first = numbers.get(row.member_no)
            if first is not None:
                raise RosterError(
                    row.line,
                    f"党员编号“{row.member_no}”与第{first.line}行({first.name})重复。",
                    f"member number (党员编号) {row.member_no!r} is already used on line "
                    f"{first.line} ({first.name}).",
                )
            numbers[row.member_no] = row
        else:
            first = unnumbered.get(row.name)
            if first is not None:
                raise RosterError(
                    row.line,
                    f"姓名“{row.name}”与第{first.line}行重复,且都没有党员编号,"
                    "无法区分是否同一人;请填写党员编号。",
                    f"the name {row.name!r} is also on line {first.line} and neither row "
                    "has a member number (党员编号) to tell them apart.",
                )
            unnumbered[row.name] = row
        if row.group_leader and row.group is not None:
            first = leaders.get(row.group)
            if first is not None:
                raise RosterError(
                    row.line,
                    f"{row.group}已有组长({first.name},第{first.line}行);一个党小组只有一名组长。",
                    f"{row.group} already has a leader ({first.name}, line {first.line}); "
                    "a group has one leader.",
                )
            leaders[row.group] = row
        if row.branch_role in (BranchRole.SECRETARY, BranchRole.ORGANISATION):
            first = roles.get(row.branch_role)
            if first is not None:
                raise RosterError(
                    row.line,
                    f"第{first.line}行的{first.name}已是{_ROLE_ZH[row.branch_role]};支部只有一名。",
                    f"{first.name} (line {first.line}) is already the branch's "
                    f"{row.branch_role.value}; a branch has one.",
                )
            roles[row.branch_role] = row
        if row.group is not None:
            for key, value in (
                ("group_decided_on", row.group_decided_on),
                ("group_reported_up_on", row.group_reported_up_on),
            ):
                if value is None:
                    continue
                seen = dates.get((row.group, key))
                if seen is not None and seen[0] != value:
                    column = _COLUMN_BY_KEY[key]
                    raise RosterError(
                        row.line,
                        f"{row.group}的{column.zh}是 {value.isoformat()},但第{seen[1].line}"
                        f"行写的是 {seen[0].isoformat()}。",
                        f"{column.en} of {row.group} is {value.isoformat()} here but "
                        f"{seen[0].isoformat()} on line {seen[1].line}.",
                    )
                dates[(row.group, key)] = (value, row)


_ROLE_ZH = {
    BranchRole.NONE: "无",
    BranchRole.SECRETARY: "支部书记",
    BranchRole.ORGANISATION: "组织委员",
    BranchRole.COMMITTEE: "支委会委员",
}


def parse_roster(data: bytes) -> list[RosterRow]:
    """Read a roster CSV. Raises :class:`RosterError` on the first problem."""
    return parse_roster_cells(_read_records(_decode(data)))


def parse_roster_cells(records: Sequence[tuple[int, list[str]]]) -> list[RosterRow]:
    """Read a roster from its cells as text: (line, cells) per row, the header
    first (line 1), as a CSV file or a workbook's sheet holds them."""
    if records and not any(cell.strip() for cell in records[0][1]) and len(records) > 1:
        raise RosterError(
            1,
            "第1行是空的:第一行应是列名(姓名、身份……)。",
            "line 1 is empty: it should name the columns (name, status, …).",
        )
    if not records or not any(cell.strip() for cell in records[0][1]):
        raise RosterError(
            1,
            "文件是空的:第一行应是列名(姓名、身份……),其后每行一人。",
            "the file is empty: line 1 should name the columns (name, status, …) "
            "and each line after it one person.",
        )
    header = _read_header(records[0][1])
    rows: list[RosterRow] = []
    for line, cells in records[1:]:
        row = _parse_row(header, line, cells)
        if row is not None:
            rows.append(row)
    if not rows:
        raise RosterError(
            1,
            "文件中没有人员(no rows):只有列名,没有数据行。",
            "no rows: the file has a header but nobody in it.",
        )
    _check_rows(rows)
    return rows


# --------------------------------------------------------------------------
# Applying


class ChangeKind(StrEnum):
    """What a change did; changes on one line are listed in this order."""

    GROUP_ADDED = "group_added"
    PERSON_ADDED = "person_added"
    PERSON_UPDATED = "person_updated"
    GROUP_UPDATED = "group_updated"


_FIELD_ZH = {
    "name": "姓名",
    "member_no": "党员编号",
    "status": "身份",
    "department": "部门",
    "discipline": "党纪处分",
    "leadership_post": "领导职务",
    "branch_role": "支部职务",
    "group_id": "党小组",
    "phone": "手机",
    "leader_id": "组长",
    "decided_on": "成立日期",
    "reported_up_on": "上报日期",
}


@dataclass(frozen=True)
class RosterChange:
    kind: ChangeKind
    line: int  # the roster line that caused it
    subject_id: str  # the person's or group's id
    label: str  # the person's or group's name
    fields: tuple[str, ...] = ()  # the fields that changed (updates)

    def message(self, lang: str = "zh") -> str:
        if lang == "en":
            what = {
                ChangeKind.PERSON_ADDED: "added person",
                ChangeKind.PERSON_UPDATED: "updated person",
                ChangeKind.GROUP_ADDED: "added group",
                ChangeKind.GROUP_UPDATED: "updated group",
            }[self.kind]
            fields = f": {', '.join(self.fields)}" if self.fields else ""
            return f"line {self.line}: {what} {self.label}{fields}"
        what = {
            ChangeKind.PERSON_ADDED: "新增人员",
            ChangeKind.PERSON_UPDATED: "更新人员",
            ChangeKind.GROUP_ADDED: "新建党小组",
            ChangeKind.GROUP_UPDATED: "更新党小组",
        }[self.kind]
        fields = "(" + "、".join(_FIELD_ZH.get(f, f) for f in self.fields) + ")"
        return f"第{self.line}行:{what} {self.label}" + (fields if self.fields else "")


@dataclass(frozen=True)
class RosterResult:
    organisation: Organisation
    people_added: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    groups_added: int = 0
    groups_updated: int = 0
    changes: tuple[RosterChange, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def _changed_fields(old: object, new: object, names: Iterable[str]) -> tuple[str, ...]:
    return tuple(n for n in names if getattr(old, n) != getattr(new, n))


_PERSON_FIELDS = (
    "name",
    "member_no",
    "status",
    "department",
    "discipline",
    "leadership_post",
    "branch_role",
    "group_id",
    "phone",
)
_GROUP_FIELDS = ("leader_id", "decided_on", "reported_up_on")


def _match_person(
    people: Sequence[Person], row: RosterRow, claimed: dict[int, RosterRow]
) -> int | None:
    """The index of the existing person the row stands for, if any."""
    found: int | None = None
    if row.member_no is not None:
        for index, person in enumerate(people):
            if person.member_no == row.member_no:
                found = index
                break
    if found is None:
        namesakes = [i for i, p in enumerate(people) if p.member_no is None and p.name == row.name]
        if len(namesakes) > 1:
            raise RosterError(
                row.line,
                f"已有{len(namesakes)}名叫“{row.name}”且没有党员编号的人员,"
                "无法确定是哪一位;请填写党员编号。",
                f"{len(namesakes)} people named {row.name!r} without a member number "
                "(党员编号) already exist; give the member number to say which one.",
            )
        if namesakes:
            found = namesakes[0]
    if found is not None and found in claimed:
        first = claimed[found]
        raise RosterError(
            row.line,
            f"本行与第{first.line}行指向同一人({people[found].name})。",
            f"this row and line {first.line} both stand for {people[found].name}.",
        )
    return found


def _person_from_row(row: RosterRow, base: Person, group_id: str | None) -> Person:
    given = row.given
    return replace(
        base,
        name=row.name,
        status=row.status,
        member_no=row.member_no if row.member_no is not None else base.member_no,
        department=row.department if "department" in given else base.department,
        discipline=row.discipline if "discipline" in given else base.discipline,
        leadership_post=(
            row.leadership_post if "leadership_post" in given else base.leadership_post
        ),
        branch_role=row.branch_role if "branch_role" in given else base.branch_role,
        group_id=group_id if "group" in given else base.group_id,
        phone=row.phone if "phone" in given else base.phone,
    )


def apply_roster(
    org: Organisation, rows: Sequence[RosterRow], new_id: Callable[[str], str]
) -> RosterResult:
    """Merge the rows into ``org``; returns the new organisation and what
    changed. Raises :class:`RosterError` (and changes nothing) on a row that
    cannot be merged. ``new_id("group")`` / ``new_id("person")`` make ids."""
    _check_rows(rows)

    groups = list(org.groups)
    group_index: dict[str, int] = {}
    ambiguous: set[str] = set()
    for index, group in enumerate(groups):
        if group.active:
            if group.name in group_index:
                ambiguous.add(group.name)
            group_index.setdefault(group.name, index)
    group_lines: dict[int, int] = {}  # group index -> the line that last touched it
    added_groups: dict[int, int] = {}  # group index -> the line that created it

    people = list(org.people)
    claimed: dict[int, RosterRow] = {}
    added_people: set[int] = set()
    row_person: list[tuple[RosterRow, int]] = []

    for row in rows:
        group_id: str | None = None
        if row.group is not None:
            if row.group in ambiguous:
                raise RosterError(
                    row.line,
                    f"支部中有不止一个名为“{row.group}”的党小组,无法确定是哪一个。",
                    f"the branch has more than one group named {row.group!r}; "
                    "cannot tell which one is meant.",
                )
            gi = group_index.get(row.group)
            if gi is None:
                gi = len(groups)
                groups.append(Group(id=new_id("group"), name=row.group))
                group_index[row.group] = gi
                added_groups[gi] = row.line
            group = groups[gi]
            if row.group_decided_on is not None and group.decided_on != row.group_decided_on:
                groups[gi] = group = replace(group, decided_on=row.group_decided_on)
                group_lines.setdefault(gi, row.line)
            if (
                row.group_reported_up_on is not None
                and group.reported_up_on != row.group_reported_up_on
            ):
                groups[gi] = replace(group, reported_up_on=row.group_reported_up_on)
                group_lines.setdefault(gi, row.line)
            group_id = groups[gi].id

        # Match against the branch as it was, not as earlier rows left it.
        pi = _match_person(org.people, row, claimed)
        if pi is None:
            pi = len(people)
            base = Person(id=new_id("person"), name=row.name, status=row.status)
            people.append(_person_from_row(row, base, group_id))
            added_people.add(pi)
        else:
            people[pi] = _person_from_row(row, people[pi], group_id)
        claimed[pi] = row
        row_person.append((row, pi))

    # Leaders: first step down those who left, then seat the ones marked 组长.
    for row, pi in row_person:
        person = people[pi]
        for gi, group in enumerate(groups):
            if group.leader_id != person.id:
                continue
            stays = (
                person.group_id == group.id
                and person.is_party_member
                and (row.group_leader or "group_leader" not in row.given)
            )
            if not stays:
                groups[gi] = replace(group, leader_id=None)
                group_lines.setdefault(gi, row.line)
    for row, pi in row_person:
        if not row.group_leader:
            continue
        gi = group_index[row.group or ""]
        if groups[gi].leader_id != people[pi].id:
            groups[gi] = replace(groups[gi], leader_id=people[pi].id)
            group_lines[gi] = row.line

    # One secretary and one organisation member in the branch as a whole.
    for row, pi in row_person:
        role = people[pi].branch_role
        if role not in (BranchRole.SECRETARY, BranchRole.ORGANISATION):
            continue
        others = [p for i, p in enumerate(people) if i != pi and p.branch_role is role]
        if others:
            raise RosterError(
                row.line,
                f"{others[0].name} 已是{_ROLE_ZH[role]}(不在本文件中或未改动);"
                f"支部只有一名{_ROLE_ZH[role]},请先在文件中修改其支部职务。",
                f"{others[0].name} is already the branch's {role.value}; a branch has one. "
                "Include them in the file with their new branch role.",
            )

    changes: list[RosterChange] = []
    people_updated = people_unchanged = 0
    for row, pi in row_person:
        person = people[pi]
        if pi in added_people:
            changes.append(RosterChange(ChangeKind.PERSON_ADDED, row.line, person.id, person.name))
            continue
        fields = _changed_fields(org.people[pi], person, _PERSON_FIELDS)
        if fields:
            people_updated += 1
            changes.append(
                RosterChange(ChangeKind.PERSON_UPDATED, row.line, person.id, person.name, fields)
            )
        else:
            people_unchanged += 1
    groups_updated = 0
    for gi, group in enumerate(groups):
        if gi in added_groups:
            changes.append(
                RosterChange(ChangeKind.GROUP_ADDED, added_groups[gi], group.id, group.name)
            )
            continue
        fields = _changed_fields(org.groups[gi], group, _GROUP_FIELDS)
        if fields:
            groups_updated += 1
            changes.append(
                RosterChange(
                    ChangeKind.GROUP_UPDATED, group_lines[gi], group.id, group.name, fields
                )
            )
    order = list(ChangeKind)
    changes.sort(key=lambda c: (c.line, order.index(c.kind)))

    return RosterResult(
        organisation=replace(org, groups=tuple(groups), people=tuple(people)),
        people_added=len(added_people),
        people_updated=people_updated,
        people_unchanged=people_unchanged,
        groups_added=len(added_groups),
        groups_updated=groups_updated,
        changes=tuple(changes),
    )
