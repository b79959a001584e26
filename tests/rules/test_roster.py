"""Roster import: parse a spreadsheet's CSV export, then merge it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.models import (
    Branch,
    BranchRole,
    Discipline,
    Group,
    MemberStatus,
    Organisation,
    Person,
)
from rules.organisation.roster import RosterRow, parse_roster, parse_roster_cells
from rules.organisation.roster_changes import ChangeKind, apply_roster
from rules.organisation.roster_columns import RosterError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rosters"
GOOD_FILES = ("good_zh_utf8_bom.csv", "good_zh_gbk.csv", "good_en.csv")
HEADER = "姓名,党员编号,党小组,部门,身份,党纪处分,领导职务,支部职务,组长"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def parse_error(data: bytes) -> RosterError:
    with pytest.raises(RosterError) as caught:
        parse_roster(data)
    return caught.value


def ids() -> Callable[[str], str]:
    counters: dict[str, int] = {}

    def new_id(kind: str) -> str:
        counters[kind] = counters.get(kind, 0) + 1
        return f"{kind}-{counters[kind]}"

    return new_id


def empty_org() -> Organisation:
    return Organisation(branch=Branch("b1", "第一党支部"))


def essence(row: RosterRow) -> tuple[object, ...]:
    """A row without its line number."""
    return (
        row.name,
        row.member_no,
        row.group,
        row.department,
        row.status,
        row.discipline,
        row.leadership_post,
        row.branch_role,
        row.group_leader,
        row.phone,
        row.group_decided_on,
        row.group_reported_up_on,
        row.given,
    )


# --------------------------------------------------------------------------
# The sample files


@pytest.mark.parametrize("name", GOOD_FILES)
def test_each_good_file_parses_to_the_same_people(name: str) -> None:
    reference = [essence(r) for r in parse_roster(fixture("good_zh_utf8_bom.csv"))]
    rows = parse_roster(fixture(name))
    assert [essence(r) for r in rows] == reference
    assert [r.line for r in rows] == list(range(2, 18))


def test_good_file_content() -> None:
    rows = {r.name: r for r in parse_roster(fixture("good_zh_utf8_bom.csv"))}
    assert len(rows) == 16
    assert {r.status for r in rows.values()} == set(MemberStatus)
    assert {r.discipline for r in rows.values()} == set(Discipline)
    assert {r.branch_role for r in rows.values()} == set(BranchRole)

    secretary = rows["王建国"]
    assert secretary.member_no == "DY2008001"
    assert secretary.group == "第一党小组"
    assert secretary.department == "生产一车间"
    assert secretary.branch_role is BranchRole.SECRETARY
    assert secretary.leadership_post and not secretary.group_leader
    assert secretary.phone == "13805710001"
    assert secretary.group_decided_on == date(2023, 3, 15)
    assert secretary.group_reported_up_on == date(2023, 3, 20)

    # 2023年3月15日 and 2024/6/1 are dates too.
    assert rows["张海涛"].group_decided_on == date(2023, 3, 15)
    assert rows["马丽娟"].group_reported_up_on == date(2024, 6, 5)
    # A quoted cell keeps its comma.
    assert rows["徐文博"].department == "行政办公室,档案室"
    # 积极分子 is 入党积极分子; people outside the Party have no group or number.
    assert rows["唐亮"].status is MemberStatus.ACTIVIST
    assert rows["宋佳"].group is None and rows["宋佳"].member_no is None
    assert [r.name for r in rows.values() if r.group_leader] == ["李志强", "张海涛", "马丽娟"]


@pytest.mark.parametrize(
    ("name", "line", "en", "zh"),
    [
        ("bad_status_line4.csv", 4, "unknown value '党员'", "列“身份”的值“党员”不认识"),
        ("bad_quoting_line3.csv", 3, "never closed", "引号不配对"),
        ("bad_encoding_line3.csv", 3, "neither UTF-8 nor GBK", "既不是 UTF-8 也不是 GBK"),
        ("bad_missing_name.csv", 1, "missing required columns: 姓名 (name)", "缺少必需的列:姓名"),
        (
            "bad_duplicate_member_no_line5.csv",
            5,
            "'DY2008001' is already used on line 2",
            "党员编号“DY2008001”与第2行(王建国)重复",
        ),
    ],
)
def test_each_bad_file_names_line_and_reason(name: str, line: int, en: str, zh: str) -> None:
    error = parse_error(fixture(name))
    assert error.line == line
    assert en in error.reason_en
    assert zh in error.reason_zh
    assert str(error).startswith(f"line {line}: ")
    assert error.message("zh").startswith(f"第{line}行:")
    assert error.message("en") == str(error)


def test_unknown_status_says_what_is_allowed() -> None:
    error = parse_error(fixture("bad_status_line4.csv"))
    assert '"身份" (status)' in error.reason_en
    for allowed in ("full", "probationary", "development_target", "activist", "masses"):
        assert allowed in error.reason_en
    for allowed in ("正式党员", "预备党员", "发展对象", "入党积极分子", "群众"):
        assert allowed in error.reason_zh


# --------------------------------------------------------------------------
# Parsing, case by case


def test_utf8_without_bom_and_lf_line_ends() -> None:
    data = "name,status\n张伟,full\n".encode()
    (row,) = parse_roster(data)
    assert (row.line, row.name, row.status) == (2, "张伟", MemberStatus.FULL)
    assert row.given == frozenset({"name", "status"})


def test_headers_are_case_insensitive_and_trimmed() -> None:
    data = csv_bytes(" NAME ,Status, Member No ,Group_Leader,GROUP", "张伟,Full,001,Yes,第一党小组")
    (row,) = parse_roster(data)
    assert row.member_no == "001" and row.group_leader and row.group == "第一党小组"


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("正式党员", MemberStatus.FULL),
        ("预备党员", MemberStatus.PROBATIONARY),
        ("发展对象", MemberStatus.DEVELOPMENT_TARGET),
        ("入党积极分子", MemberStatus.ACTIVIST),
        ("积极分子", MemberStatus.ACTIVIST),
        ("群众", MemberStatus.MASSES),
        ("full", MemberStatus.FULL),
        ("PROBATIONARY", MemberStatus.PROBATIONARY),
        ("development target", MemberStatus.DEVELOPMENT_TARGET),
        ("development_target", MemberStatus.DEVELOPMENT_TARGET),
        ("activist", MemberStatus.ACTIVIST),
        ("masses", MemberStatus.MASSES),
    ],
)
def test_status_words(word: str, status: MemberStatus) -> None:
    (row,) = parse_roster(csv_bytes("姓名,身份", f"张伟,{word}"))
    assert row.status is status


@pytest.mark.parametrize(
    ("word", "discipline"),
    [
        ("", Discipline.NONE),
        ("无", Discipline.NONE),
        ("None", Discipline.NONE),
        ("警告", Discipline.WARNING),
        ("warning", Discipline.WARNING),
        ("严重警告", Discipline.SERIOUS_WARNING),
        ("serious_warning", Discipline.SERIOUS_WARNING),
        ("撤销党内职务", Discipline.REMOVAL_FROM_POST),
        ("removal_from_post", Discipline.REMOVAL_FROM_POST),
        ("留党察看", Discipline.PROBATION),
        ("probation", Discipline.PROBATION),
    ],
)
def test_discipline_words(word: str, discipline: Discipline) -> None:
    (row,) = parse_roster(csv_bytes("姓名,身份,党纪处分", f"张伟,正式党员,{word}"))
    assert row.discipline is discipline


@pytest.mark.parametrize(
    ("word", "role"),
    [
        ("", BranchRole.NONE),
        ("无", BranchRole.NONE),
        ("none", BranchRole.NONE),
        ("书记", BranchRole.SECRETARY),
        ("secretary", BranchRole.SECRETARY),
        ("组织委员", BranchRole.ORGANISATION),
        ("organisation", BranchRole.ORGANISATION),
        ("支委", BranchRole.COMMITTEE),
        ("支委会委员", BranchRole.COMMITTEE),
        ("委员", BranchRole.COMMITTEE),
        ("committee", BranchRole.COMMITTEE),
    ],
)
def test_branch_role_words(word: str, role: BranchRole) -> None:
    (row,) = parse_roster(csv_bytes("姓名,身份,支部职务", f"张伟,正式党员,{word}"))
    assert row.branch_role is role


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("", False),
        ("是", True),
        ("否", False),
        ("yes", True),
        ("NO", False),
        ("y", True),
        ("n", False),
        ("true", True),
        ("False", False),
        ("1", True),
        ("0", False),
    ],
)
def test_yes_no_words(word: str, value: bool) -> None:
    (row,) = parse_roster(csv_bytes("姓名,身份,领导职务", f"张伟,正式党员,{word}"))
    assert row.leadership_post is value


@pytest.mark.parametrize(
    "text", ["2026-03-01", "2026/03/01", "2026/3/1", "2026-3-1", "2026年3月1日", "2026/3/1 0:00"]
)
def test_date_formats(text: str) -> None:
    (row,) = parse_roster(csv_bytes("姓名,身份,党小组,小组成立日期", f"张伟,正式党员,一组,{text}"))
    assert row.group_decided_on == date(2026, 3, 1)


@pytest.mark.parametrize(
    ("lines", "line", "en", "zh"),
    [
        (
            ("姓名,身份", "张伟,正式党员", ",预备党员"),
            3,
            'column "姓名" (name) must not be empty',
            "列“姓名”不能为空",
        ),
        (("name,status", "张伟,"), 2, 'column "status" (status) must not be empty', "不能为空"),
        (
            ("姓名,身份,党纪处分", "张伟,正式党员,记过"),
            2,
            "unknown value '记过'; allowed: empty, none, warning",
            "列“党纪处分”的值“记过”不认识",
        ),
        (
            ("姓名,身份,支部职务", "张伟,正式党员,宣传委员"),
            2,
            "unknown value '宣传委员'",
            "可以填:空、无、书记、组织委员",
        ),
        (
            ("姓名,身份,组长", "张伟,正式党员,对"),
            2,
            "unknown value '对'; allowed: 是/否, yes/no",
            "列“组长”的值“对”不认识",
        ),
        (
            ("姓名,身份,党小组,小组成立日期", "张伟,正式党员,一组,2026-02-30"),
            2,
            "'2026-02-30' is not a valid date",
            "日期“2026-02-30”无效",
        ),
        (
            ("姓名,身份,党小组,小组上报日期", "张伟,正式党员,一组,三月一日"),
            2,
            "group_reported_up_on): '三月一日' is not a valid date",
            "日期格式为",
        ),
        (
            ("姓名,身份,组长", "张伟,正式党员,是"),
            2,
            "marked as group leader (组长) but has no group",
            "没有填写党小组",
        ),
        (
            ("姓名,身份,党小组,组长", "张伟,正式党员,一组,是", "李娜,正式党员,一组,是"),
            3,
            "一组 already has a leader (张伟, line 2)",
            "一组已有组长(张伟,第2行)",
        ),
        (
            ("姓名,身份,党小组,组长", "张伟,入党积极分子,一组,是"),
            2,
            "a group leader must be a party member",
            "党小组长必须是党员",
        ),
        (
            ("姓名,身份,支部职务", "张伟,群众,书记"),
            2,
            "branch committee members are party members",
            "支部委员必须是党员",
        ),
        (
            ("姓名,身份,支部职务", "张伟,正式党员,书记", "李娜,正式党员,书记"),
            3,
            "张伟 (line 2) is already the branch's secretary",
            "已是支部书记",
        ),
        (
            ("姓名,身份,党员编号", "张伟,正式党员,", "张伟,预备党员,"),
            3,
            "the name '张伟' is also on line 2",
            "请填写党员编号",
        ),
        (
            (
                "姓名,身份,党小组,小组成立日期",
                "张伟,正式党员,一组,2026-03-01",
                "李娜,正式党员,一组,2026-03-02",
            ),
            3,
            "group_decided_on of 一组 is 2026-03-02 here but 2026-03-01 on line 2",
            "一组的小组成立日期是 2026-03-02",
        ),
        (
            ("姓名,身份,小组成立日期", "张伟,正式党员,2026-03-01"),
            2,
            "a group date is given but no group",
            "没有填写党小组",
        ),
        (
            ("姓名,身份,年龄", "张伟,正式党员,45"),
            1,
            'unknown columns: "年龄"',
            "不认识的列:“年龄”",
        ),
        (
            ("姓名,身份,Phon,党员编码", "张伟,正式党员,1,2"),
            1,
            'unknown columns: "Phon", "党员编码"',
            "“Phon”、“党员编码”",
        ),
        (
            ("姓名,身份,name", "张伟,正式党员,张伟"),
            1,
            'columns "姓名" and "name" are the same column',
            "重复",
        ),
        (("姓名,党员编号", "张伟,001"), 1, "missing required columns: 身份 (status)", "身份"),
        (
            ("姓名\t身份", "张伟\t正式党员"),
            1,
            "does not seem to be comma-separated",
            "不是用逗号分隔",
        ),
        (
            ("姓名,身份", "张伟,正式党员,备注"),
            2,
            "cell 3 holds '备注' but its column has no name",
            "没有列名",
        ),
        (("姓名,身份", '张伟,"正式"党员'), 2, "bad quoting", "引号用法有误"),
        (("姓名,身份",), 1, "no rows", "no rows"),
        (("姓名,身份", ",", " , "), 1, "no rows", "没有数据行"),
        (("", "姓名,身份", "张伟,正式党员"), 1, "line 1 is empty", "第一行应是列名"),
    ],
)
def test_bad_rows(lines: tuple[str, ...], line: int, en: str, zh: str) -> None:
    error = parse_error(csv_bytes(*lines))
    assert (error.line, en in error.reason_en, zh in error.reason_zh) == (line, True, True), (
        error.message("en"),
        error.message("zh"),
    )


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n", b" , ,\r\n"])
def test_empty_file(data: bytes) -> None:
    error = parse_error(data)
    assert error.line == 1
    assert "empty" in error.reason_en and "空" in error.reason_zh


def test_blank_rows_and_trailing_empty_cells_are_skipped() -> None:
    data = csv_bytes("姓名,身份,,", "张伟,正式党员,,", "", ",,,", "李娜,群众")
    rows = parse_roster(data)
    assert [(r.line, r.name) for r in rows] == [(2, "张伟"), (5, "李娜")]


def test_line_numbers_count_rows_not_text_lines() -> None:
    # A quoted cell may hold a line break; the spreadsheet shows one row.
    data = csv_bytes("姓名,身份,部门", '张伟,正式党员,"生产一车间\n装配班"', "李娜,群众,财务科")
    rows = parse_roster(data)
    assert [r.line for r in rows] == [2, 3]
    assert rows[0].department == "生产一车间\n装配班"
    error = parse_error(csv_bytes("姓名,身份,部门", '张伟,正式党员,"一\n二"', "李娜,党员,财务科"))
    assert error.line == 3


def test_gbk_is_read() -> None:
    rows = parse_roster(csv_bytes("姓名,身份,部门", "张伟,预备党员,财务科", encoding="gbk"))
    assert (rows[0].name, rows[0].status, rows[0].department) == (
        "张伟",
        MemberStatus.PROBATIONARY,
        "财务科",
    )


def test_gb18030_is_read_with_names_outside_gbk() -> None:
    """Excel on a Chinese Windows saves "CSV" in GB18030; a rare character of
    a name (𠀀, 䶮) has no GBK code and only GB18030 encodes it."""
    for rare in ("𠀀", "䶮"):
        with pytest.raises(UnicodeEncodeError):
            rare.encode("gbk")
    data = csv_bytes(
        "姓名,身份,部门", "刘䶮,正式党员,财务科", "王𠀀,预备党员,技术科", encoding="gb18030"
    )
    rows = parse_roster(data)
    assert [(r.name, r.department) for r in rows] == [("刘䶮", "财务科"), ("王𠀀", "技术科")]
    assert rows[1].status is MemberStatus.PROBATIONARY


def test_a_roster_is_parsed_from_cells_as_from_csv() -> None:
    """What a workbook's sheet gives (tui.roster_file) is parsed like CSV."""
    cells = [(1, ["姓名", "身份", "党员编号", ""]), (2, ["张伟", "正式党员", "2019001", ""])]
    assert parse_roster_cells(cells) == parse_roster(
        csv_bytes("姓名,身份,党员编号", "张伟,正式党员,2019001")
    )
    with pytest.raises(RosterError) as caught:
        parse_roster_cells([(1, ["姓名", "身份"]), (2, ["", ""]), (3, ["李娜", "党员"])])
    assert caught.value.line == 3


def test_a_title_row_above_the_columns_is_named_as_such() -> None:
    error = parse_error(csv_bytes("机关党支部党员名册,,", "姓名,身份,部门", "张伟,正式党员,财务科"))
    assert error.line == 1
    assert "删除标题行" in error.reason_zh and "delete the title row" in error.reason_en


def test_an_error_about_the_whole_file_names_no_line() -> None:
    error = RosterError(0, "文件已损坏。", "the file is damaged.")
    assert (error.message("zh"), error.message("en")) == ("文件已损坏。", "the file is damaged.")


def test_member_numbers_of_non_members_are_kept() -> None:
    # Masses and activists normally have no 党员编号; when given it is kept (it
    # is how a person is matched on the next import).
    (row,) = parse_roster(csv_bytes("姓名,身份,党员编号", "张伟,群众,X1"))
    assert row.member_no == "X1"


# --------------------------------------------------------------------------
# Applying


def test_apply_to_an_empty_branch() -> None:
    rows = parse_roster(fixture("good_zh_utf8_bom.csv"))
    result = apply_roster(empty_org(), rows, ids())
    org = result.organisation
    assert (result.people_added, result.people_updated, result.groups_added) == (16, 0, 3)
    assert [g.id for g in org.groups] == ["group-1", "group-2", "group-3"]
    assert [g.name for g in org.groups] == ["第一党小组", "第二党小组", "第三党小组"]
    first, second, third = org.groups
    by_name = {p.name: p for p in org.people}
    assert first.leader_id == by_name["李志强"].id
    assert second.leader_id == by_name["张海涛"].id
    assert third.leader_id == by_name["马丽娟"].id
    assert (first.decided_on, first.reported_up_on) == (date(2023, 3, 15), date(2023, 3, 20))
    assert third.decided_on == date(2024, 6, 1)
    assert by_name["王建国"].group_id == first.id
    assert by_name["王建国"].branch_role is BranchRole.SECRETARY
    assert by_name["宋佳"].group_id is None
    assert by_name["冯建华"].phone == "13605710005"
    assert len(org.members_of(first.id)) == 5
    kinds = [c.kind for c in result.changes]
    assert kinds.count(ChangeKind.PERSON_ADDED) == 16
    assert kinds.count(ChangeKind.GROUP_ADDED) == 3
    assert result.changes[0].kind is ChangeKind.GROUP_ADDED  # line 2 makes the group first
    assert result.changes[0].message("zh") == "第2行:新建党小组 第一党小组"
    assert result.changes[1].message("en") == "line 2: added person 王建国"


@pytest.mark.parametrize("name", GOOD_FILES)
def test_applying_the_same_file_twice_changes_nothing(name: str) -> None:
    rows = parse_roster(fixture(name))
    once = apply_roster(empty_org(), rows, ids())
    twice = apply_roster(once.organisation, rows, ids())
    assert twice.organisation == once.organisation
    assert twice.changes == ()
    assert not twice.changed
    assert (twice.people_added, twice.people_updated, twice.groups_added) == (0, 0, 0)
    assert twice.people_unchanged == 16


def existing_org() -> Organisation:
    return Organisation(
        branch=Branch("b1", "第一党支部"),
        groups=(
            Group("g1", "第一党小组", leader_id="p1"),
            Group("g9", "第九党小组", leader_id="p9"),
        ),
        people=(
            Person("p1", "李志强", MemberStatus.FULL, "DY2011014", "装配班", group_id="g1"),
            Person("p2", "赵磊", MemberStatus.PROBATIONARY, group_id="g1", phone="139"),
            Person("p9", "钱芳", MemberStatus.FULL, "DY9", group_id="g9"),
        ),
    )


def test_merge_updates_matches_and_keeps_the_rest() -> None:
    org = existing_org()
    data = csv_bytes(
        "姓名,党员编号,党小组,部门,身份",
        # matched by member number: the name and department change
        "李志强,DY2011014,第一党小组,生产一车间 装配班,正式党员",
        # matched by name (no number on file): converted to full member, gets a number
        "赵磊,DY2025007,第一党小组,生产一车间,正式党员",
        "孙丽,DY2020001,第一党小组,生产一车间,正式党员",
    )
    result = apply_roster(org, parse_roster(data), ids())
    new = result.organisation
    assert (result.people_added, result.people_updated, result.groups_added) == (1, 2, 0)
    p1 = new.person("p1")
    p2 = new.person("p2")
    assert p1 is not None and p1.department == "生产一车间 装配班"
    assert p2 is not None and p2.status is MemberStatus.FULL and p2.member_no == "DY2025007"
    # No phone column in the file: the phone stays.
    assert p2.phone == "139"
    # Not in the file: stays as it is, and so does its group.
    assert new.person("p9") == org.person("p9")
    assert new.group("g9") == org.group("g9")
    # No 组长 column: the leader stays.
    assert new.group("g1") == org.group("g1")
    added = new.people[-1]
    assert (added.id, added.name, added.group_id) == ("person-1", "孙丽", "g1")
    updated = {c.label: c.fields for c in result.changes if c.kind is ChangeKind.PERSON_UPDATED}
    assert updated == {"李志强": ("department",), "赵磊": ("member_no", "status", "department")}
    assert "第3行:更新人员 赵磊(党员编号、身份、部门)" in [c.message("zh") for c in result.changes]


def test_leader_changes() -> None:
    org = existing_org()
    data = csv_bytes(
        "姓名,党员编号,党小组,身份,组长",
        "李志强,DY2011014,第一党小组,正式党员,否",
        "钱芳,DY9,第一党小组,正式党员,是",  # moves from 第九党小组 and leads 第一党小组
    )
    result = apply_roster(org, parse_roster(data), ids())
    new = result.organisation
    g1, g9 = new.group("g1"), new.group("g9")
    assert g1 is not None and g1.leader_id == "p9"
    assert g9 is not None and g9.leader_id is None  # its leader left it
    assert result.groups_updated == 2
    fields = {c.label: c.fields for c in result.changes if c.kind is ChangeKind.GROUP_UPDATED}
    assert fields == {"第一党小组": ("leader_id",), "第九党小组": ("leader_id",)}


def test_group_dates_update_existing_group() -> None:
    org = existing_org()
    data = csv_bytes(
        "姓名,党员编号,党小组,身份,小组成立日期,小组上报日期",
        "李志强,DY2011014,第一党小组,正式党员,2024-01-02,2024年1月9日",
    )
    result = apply_roster(org, parse_roster(data), ids())
    g1 = result.organisation.group("g1")
    assert g1 is not None and (g1.decided_on, g1.reported_up_on) == (
        date(2024, 1, 2),
        date(2024, 1, 9),
    )
    assert result.groups_updated == 1


def test_ambiguous_name_is_an_error_and_changes_nothing() -> None:
    org = Organisation(
        branch=Branch("b1", "第一党支部"),
        people=(
            Person("p1", "张伟", MemberStatus.MASSES, department="财务科"),
            Person("p2", "张伟", MemberStatus.MASSES, department="生产一车间"),
        ),
    )
    before = Organisation(branch=org.branch, groups=org.groups, people=org.people)
    rows = parse_roster(csv_bytes("姓名,身份", "李娜,群众", "张伟,入党积极分子"))
    with pytest.raises(RosterError) as caught:
        apply_roster(org, rows, ids())
    assert caught.value.line == 3
    assert "2 people named '张伟'" in caught.value.reason_en
    assert org == before


def test_second_secretary_is_an_error_and_changes_nothing() -> None:
    org = Organisation(
        branch=Branch("b1", "第一党支部"),
        people=(Person("p1", "王建国", MemberStatus.FULL, "1", branch_role=BranchRole.SECRETARY),),
    )
    before = org.people
    rows = parse_roster(csv_bytes("姓名,党员编号,身份,支部职务", "李娜,2,正式党员,书记"))
    with pytest.raises(RosterError) as caught:
        apply_roster(org, rows, ids())
    assert caught.value.line == 2
    assert "王建国 is already the branch's secretary" in caught.value.reason_en
    assert org.people == before
    # Handing the post over in the same file is fine.
    rows = parse_roster(
        csv_bytes("姓名,党员编号,身份,支部职务", "王建国,1,正式党员,委员", "李娜,2,正式党员,书记")
    )
    new = apply_roster(org, rows, ids()).organisation
    assert [p.branch_role for p in new.people] == [BranchRole.COMMITTEE, BranchRole.SECRETARY]


def test_two_rows_for_one_person_is_an_error() -> None:
    org = Organisation(
        branch=Branch("b1", "第一党支部"), people=(Person("p1", "张伟", MemberStatus.FULL),)
    )
    # Line 2 matches 张伟 by name and gives him a number; line 3 names him again.
    rows = parse_roster(csv_bytes("姓名,党员编号,身份", "张伟,7,正式党员", "张伟,,正式党员"))
    with pytest.raises(RosterError) as caught:
        apply_roster(org, rows, ids())
    assert caught.value.line == 3
    assert "both stand for 张伟" in caught.value.reason_en


def test_apply_checks_hand_made_rows_too() -> None:
    rows = [
        RosterRow(line=2, name="张伟", status=MemberStatus.FULL, group="一组", group_leader=True),
        RosterRow(line=3, name="李娜", status=MemberStatus.FULL, group="一组", group_leader=True),
    ]
    with pytest.raises(RosterError) as caught:
        apply_roster(empty_org(), rows, ids())
    assert caught.value.line == 3


def test_dissolved_groups_are_not_reused() -> None:
    org = Organisation(
        branch=Branch("b1", "第一党支部"),
        groups=(Group("g1", "一组", dissolved_on=date(2024, 1, 1)),),
    )
    result = apply_roster(
        org, parse_roster(csv_bytes("姓名,身份,党小组", "张伟,正式党员,一组")), ids()
    )
    assert [g.id for g in result.organisation.groups] == ["g1", "group-1"]
    assert result.organisation.people[0].group_id == "group-1"


def test_empty_group_cell_takes_a_person_out_of_groups() -> None:
    org = existing_org()
    data = csv_bytes("姓名,党员编号,党小组,身份", "李志强,DY2011014,,正式党员")
    new = apply_roster(org, parse_roster(data), ids()).organisation
    p1 = new.person("p1")
    g1 = new.group("g1")
    assert p1 is not None and p1.group_id is None
    assert g1 is not None and g1.leader_id is None


def test_error_pickles_with_its_fields() -> None:
    import pickle

    error = RosterError(4, "中文", "english")
    again = pickle.loads(pickle.dumps(error))
    assert (again.line, again.reason_zh, again.reason_en) == (4, "中文", "english")


# --------------------------------------------------------------------------
# Properties


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_only_roster_errors(data: bytes) -> None:
    with contextlib.suppress(RosterError):
        parse_roster(data)


_TOKENS = (
    "姓名", "身份", "党员编号", "党小组", "组长", "支部职务", "小组成立日期", "name", "status",
    "张伟", "李娜", "正式党员", "群众", "是", "否", "书记", "一组", "2026-03-01", "2026年2月30日",
    ",", ",", ",", "\r\n", "\n", '"', '""', " ", "\ufeff", "\x00", "\r",
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=60), st.sampled_from(["utf-8", "gbk"]))
def test_roster_like_text_raises_only_roster_errors(tokens: list[str], encoding: str) -> None:
    data = "".join(tokens).encode(encoding, errors="replace")
    try:
        rows = parse_roster(data)
    except RosterError:
        return
    with contextlib.suppress(RosterError):
        apply_roster(empty_org(), rows, ids())
