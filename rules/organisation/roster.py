"""A branch roster (党员名册) imported from a spreadsheet's CSV export.

Two pure steps, so that nothing is ever half-imported:

1. :func:`parse_roster` turns the bytes of a CSV file into validated
   :class:`RosterRow` values, or raises :class:`RosterError` naming the line
   (as the spreadsheet shows it: the header is line 1), the column, the bad
   value and what is allowed.
2. ``apply_roster`` (``rules.organisation.roster_changes``) merges the rows
   into an :class:`Organisation` and returns a new one with the counts and
   the list of changes. The input is never modified (it is immutable), so an
   error leaves it as it was.

The file may be UTF-8 (with or without a BOM, as "CSV UTF-8" saves it) or
GB18030 (as Excel on a Chinese Windows saves plain "CSV"; GBK is a subset of
it, and names with rare characters outside GBK need it). Column names may be
Chinese or English; see :data:`COLUMNS`. A workbook (.xlsx) is read into the
same cells outside this module (``tui.roster_file``) and parsed by
:func:`parse_roster_cells`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from rules.models import BranchRole, Discipline, MemberStatus
from rules.organisation.roster_columns import (
    COLUMN_BY_KEY,
    COLUMNS,
    DATE_FORMATS_EN,
    DATE_FORMATS_ZH,
    DATE_PATTERNS,
    DISCIPLINE_ALLOWED,
    DISCIPLINE_ALLOWED_EN,
    DISCIPLINE_WORDS,
    HEADER_NAMES,
    ROLE_ALLOWED,
    ROLE_ALLOWED_EN,
    ROLE_WORDS,
    ROLE_ZH,
    STATUS_ALLOWED,
    STATUS_ALLOWED_EN,
    STATUS_WORDS,
    STATUS_ZH,
    YES_NO_ALLOWED,
    YES_NO_ALLOWED_EN,
    YES_NO_WORDS,
    Column,
    RosterError,
    norm_header,
    norm_word,
)

_T = TypeVar("_T")

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
        column = COLUMN_BY_KEY[key]
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
        column = HEADER_NAMES.get(norm_header(written))
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
        found = words.get(norm_word(value))
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
    for pattern in DATE_PATTERNS:
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
        f"列{col_zh}的日期“{value}”无效;日期格式为 {DATE_FORMATS_ZH}。",
        f"column {col_en}: {value!r} is not a valid date; write {DATE_FORMATS_EN}.",
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
        header, line, "status", text("status"), STATUS_WORDS, (STATUS_ALLOWED, STATUS_ALLOWED_EN)
    )
    discipline = _word(
        header,
        line,
        "discipline",
        text("discipline"),
        DISCIPLINE_WORDS,
        (DISCIPLINE_ALLOWED, DISCIPLINE_ALLOWED_EN),
    )
    role = _word(
        header,
        line,
        "branch_role",
        text("branch_role"),
        ROLE_WORDS,
        (ROLE_ALLOWED, ROLE_ALLOWED_EN),
    )
    yes_no = (YES_NO_ALLOWED, YES_NO_ALLOWED_EN)
    leadership = _word(
        header, line, "leadership_post", text("leadership_post"), YES_NO_WORDS, yes_no
    )
    leader = _word(header, line, "group_leader", text("group_leader"), YES_NO_WORDS, yes_no)

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
            f"{row.name} 标为组长,但身份是{STATUS_ZH[row.status]};党小组长必须是党员。",
            f"{row.name} is marked as group leader (组长) but is {row.status.value}; "
            "a group leader must be a party member.",
        )
    if row.branch_role.on_committee and not row.status.is_party_member:
        raise RosterError(
            row.line,
            f"{row.name} 有支部职务,但身份是{STATUS_ZH[row.status]};支部委员必须是党员。",
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


def check_rows(rows: Sequence[RosterRow]) -> None:
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
                    f"第{first.line}行的{first.name}已是{ROLE_ZH[row.branch_role]};支部只有一名。",
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
                    column = COLUMN_BY_KEY[key]
                    raise RosterError(
                        row.line,
                        f"{row.group}的{column.zh}是 {value.isoformat()},但第{seen[1].line}"
                        f"行写的是 {seen[0].isoformat()}。",
                        f"{column.en} of {row.group} is {value.isoformat()} here but "
                        f"{seen[0].isoformat()} on line {seen[1].line}.",
                    )
                dates[(row.group, key)] = (value, row)


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
    check_rows(rows)
    return rows
