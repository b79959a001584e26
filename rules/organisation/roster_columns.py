"""The roster file's columns and words (党员名册): the headers a spreadsheet
may give each field (Chinese, English and aliases), the words each field
accepts and what a message says is allowed, the date formats, and the error
that names the line a spreadsheet user sees. ``rules.organisation.roster``
reads rows with them; ``rules.organisation.roster_changes`` names fields and
roles with them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules.models import BranchRole, Discipline, MemberStatus

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
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}


def norm_header(text: str) -> str:
    """Case-insensitive, trimmed, spaces and hyphens as underscores."""
    text = text.replace("\ufeff", "").strip().casefold()
    return re.sub(r"[\s\-]+", "_", text)


HEADER_NAMES: dict[str, Column] = {}
for _column in COLUMNS:
    for _name in (_column.zh, _column.en, *_column.aliases):
        HEADER_NAMES[norm_header(_name)] = _column


def norm_word(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().casefold())


STATUS_WORDS: dict[str, MemberStatus] = {
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
STATUS_ALLOWED = "正式党员、预备党员、发展对象、入党积极分子(积极分子)、群众"
STATUS_ALLOWED_EN = (
    "full, probationary, development_target, activist, masses "
    "(or 正式党员, 预备党员, 发展对象, 入党积极分子, 群众)"
)

DISCIPLINE_WORDS: dict[str, Discipline] = {
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
DISCIPLINE_ALLOWED = "空、无、警告、严重警告、撤销党内职务、留党察看"
DISCIPLINE_ALLOWED_EN = (
    "empty, none, warning, serious_warning, removal_from_post, probation (or the Chinese)"
)

ROLE_WORDS: dict[str, BranchRole] = {
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
ROLE_ALLOWED = "空、无、书记、组织委员、支委(支委会委员、委员)"
ROLE_ALLOWED_EN = "empty, none, secretary, organisation, committee (or the Chinese)"

YES_NO_WORDS: dict[str, bool] = {
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
YES_NO_ALLOWED = "是/否、yes/no、y/n、true/false、1/0,空表示否"
YES_NO_ALLOWED_EN = "是/否, yes/no, y/n, true/false, 1/0; empty means no"

DATE_FORMATS_ZH = "2026-03-01、2026/03/01 或 2026年3月1日"
DATE_FORMATS_EN = "2026-03-01, 2026/03/01 or 2026年3月1日"
DATE_PATTERNS = (
    re.compile(r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})(?:\s+0{1,2}:00(?::00)?)?"),
    re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日"),
)


STATUS_ZH = {
    MemberStatus.FULL: "正式党员",
    MemberStatus.PROBATIONARY: "预备党员",
    MemberStatus.DEVELOPMENT_TARGET: "发展对象",
    MemberStatus.ACTIVIST: "入党积极分子",
    MemberStatus.MASSES: "群众",
}


ROLE_ZH = {
    BranchRole.NONE: "无",
    BranchRole.SECRETARY: "支部书记",
    BranchRole.ORGANISATION: "组织委员",
    BranchRole.COMMITTEE: "支委会委员",
}
