"""Roster import fuzzed (issue 7, "Hostile input"): CSV bytes as a
spreadsheet, a hand edit or a wrong file might give them — any encoding,
BOMs, quotes, line breaks inside cells, huge cells, columns missing, extra or
repeated, bytes cut or flipped. ``parse_roster``/``apply_roster`` raise only
``RosterError`` (with a line number and a message in both languages), and
``xiaozu import`` either imports the whole file or leaves org.json exactly as
it was (exit 2, "nothing changed"), never a traceback.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from rules.organisation.roster import parse_roster
from rules.organisation.roster_changes import apply_roster
from rules.organisation.roster_columns import RosterError
from rules.samples.demo import demo_branch
from storage import FileRepository
from tests.faults.headless import make_demo
from tests.tui.conftest import NOW
from tui import cli

#: Examples: the parser and the rules on their own, and through the command.
PARSE_EXAMPLES = 1500
CLI_EXAMPLES = 120

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.function_scoped_fixture,
    ],
)

HEADERS = [
    "姓名", "党员编号", "党小组", "部门", "身份", "党纪处分", "领导职务", "支部职务", "组长",
    "手机", "小组成立日期", "小组上报日期",
    "name", "member_no", "group", "department", "status", "discipline", "leadership_post",
    "branch_role", "group_leader", "phone", "group_decided_on", "group_reported_up_on",
]  # fmt: skip
WORDS = [
    "正式党员", "预备党员", "群众", "full", "probationary", "积极分子", "无", "警告", "书记",
    "组织委员", "是", "否", "yes", "no", "1", "0", "第一党小组", "第二党小组", "新小组",
    "2026-03-01", "2026/3/1", "2026年3月1日", "2026-02-30", "13805710001", "DY2008001",
    "DY2008002", "王建国", "李志强", "", " ", "N/A",
]  # fmt: skip

cell = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=20),
    st.text(alphabet='",\r\n;\t ', max_size=6),
    st.builds(
        lambda c, n: c * n, st.sampled_from(["a", "签", '"', ","]), st.integers(500, 140_000)
    ),
)

# Fuzz, kill, browser and benchmark tests: the slow tier (README's test command runs it).
pytestmark = pytest.mark.slow


def _quote(text: str, how: int) -> str:
    if how == 0:
        return text
    if how == 1:
        return '"' + text.replace('"', '""') + '"'
    return '"' + text  # an unbalanced quote


rows = st.lists(
    st.lists(st.tuples(cell, st.integers(0, 2)), max_size=14).map(
        lambda cells: [_quote(text, how) for text, how in cells]
    ),
    max_size=6,
)
header = st.one_of(
    st.lists(st.sampled_from(HEADERS), max_size=14),
    st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=10)), max_size=14),
)


def _csv(
    head: list[str],
    body: list[list[str]],
    newline: str,
    encoding: str,
    bom: bool,
    cut: int | None,
    flip: tuple[int, int] | None,
) -> bytes:
    text = newline.join(",".join(r) for r in [head, *body]) + newline
    raw = text.encode(encoding, "replace")
    if bom:
        raw = {"utf-16": b"", "utf-8": b"\xef\xbb\xbf"}.get(encoding, b"\xef\xbb\xbf") + raw
    if flip is not None and raw:
        where, value = flip
        raw = raw[: where % len(raw)] + bytes([value]) + raw[where % len(raw) + 1 :]
    if cut is not None:
        raw = raw[:cut]
    return raw


csv_bytes = st.one_of(
    st.builds(
        _csv,
        header,
        rows,
        st.sampled_from(["\n", "\r\n", "\r"]),
        st.sampled_from(["utf-8", "gbk", "latin-1", "utf-16", "gb18030", "big5"]),
        st.booleans(),
        st.one_of(st.none(), st.integers(0, 400)),
        st.one_of(st.none(), st.tuples(st.integers(0, 10_000), st.integers(0, 255))),
    ),
    st.binary(max_size=600),
)


@settings(FUZZ, max_examples=PARSE_EXAMPLES)
@given(data=csv_bytes)
def test_any_bytes_are_a_roster_or_a_roster_error(data: bytes) -> None:
    org = demo_branch(NOW).records.organisation
    try:
        parsed = parse_roster(data)
        apply_roster(org, parsed, lambda kind: f"{kind[:1]}-x{len(kind)}")
    except RosterError as error:
        assert error.message("zh") and error.message("en")


@pytest.fixture(scope="module")
def branch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo(tmp_path_factory.mktemp("roster") / "data", signin_people=())


@settings(FUZZ, max_examples=CLI_EXAMPLES)
@given(data=csv_bytes)
def test_xiaozu_import_imports_all_or_nothing(
    branch: Path, tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    roster = tmp_path_factory.getbasetemp() / "roster.csv"
    roster.write_bytes(data)
    org = branch / "org.json"
    before = org.read_bytes()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--data", str(branch), "--lang", "zh", "import", str(roster)])
    assert "Traceback" not in out.getvalue() + err.getvalue()
    if code == 0:
        assert "已导入" in out.getvalue()
    else:
        assert code == 2, (code, err.getvalue())
        assert "未导入(没有任何改动)" in err.getvalue(), err.getvalue()
        assert org.read_bytes() == before, "a refused import changed org.json"
    with FileRepository(branch, writable=False) as repo:
        assert repo.organisation() is not None
