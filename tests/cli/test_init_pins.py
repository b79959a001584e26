"""Putting a branch into service from the command line (issue 14): after an
import nobody holds a PIN; ``xiaozu init`` prints a one-time set-up code
(stored only hashed), and ``xiaozu pin set`` gives a person a PIN typed twice,
never taken from an argument."""

from __future__ import annotations

import io
import re
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from rules.models import BranchRole, PersonField
from rules.organisation import access
from rules.organisation.changes import ChangeRefused, Recorded
from rules.organisation.people import change_branch_role
from storage import FileRepository
from tui.cli import main

NOW = "2026-11-26T09:00:00+08:00"
ROSTER = textwrap.dedent(
    """\
    姓名,党员编号,党小组,部门,身份,党纪处分,领导职务,支部职务,组长
    王建国,GD001,第一党小组,生产一车间,正式党员,,否,,是
    李红,GD002,第一党小组,生产一车间,正式党员,,否,书记,否
    赵磊,GD003,第一党小组,生产一车间,预备党员,,否,,否
    张伟,GD004,第二党小组,财务科,正式党员,,否,,是
    张伟,GD005,第二党小组,财务科,正式党员,,否,,否
    周强,GD006,第二党小组,财务科,正式党员,,否,,否
    """
)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIAOZU_NOW", NOW)
    monkeypatch.delenv("XIAOZU_DATA", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str, stdin: str = "") -> tuple[int, str, str]:
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(argv))
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def branch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    data = tmp_path / "data"
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    code, out, _ = run(capsys, "--data", str(data), "import", str(roster))
    assert code == 0
    assert "xiaozu init" in out  # the import says what to do next
    return data


def pin_set(
    capsys: pytest.CaptureFixture[str], data: Path, *argv: str, stdin: str
) -> tuple[int, str, str]:
    return run(capsys, "--data", str(data), "pin", "set", *argv, stdin=stdin)


def _code_of(out: str) -> str:
    match = re.search(r"(\d{4} \d{4} \d{4})", out)
    assert match, out
    return match[1]


def _id_of(data: Path, name: str) -> str:
    with FileRepository(data, writable=False) as repo:
        org = repo.organisation()
        assert org is not None
        return next(p.id for p in org.people if p.name == name)


def test_init_prints_a_one_time_code_stored_only_hashed(
    branch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--data", str(branch), "init")
    assert code == 0, err
    shown = _code_of(out)
    assert "Ctrl+S" in out and "李红" in out and "pin set" in out
    digits = shown.replace(" ", "")
    for path in branch.rglob("*"):
        if path.is_file():
            assert digits.encode() not in path.read_bytes(), path
            assert shown.encode() not in path.read_bytes(), path
    now = datetime.fromisoformat(NOW)
    with FileRepository(branch, writable=False) as repo:
        assert repo.check_setup_code(digits, now)
        assert not repo.check_setup_code("000000000000", now)
        assert repo.setup_code_expires(now) == now + access.SETUP_CODE_LIFETIME
        # A week on, the code no longer works.
        later = now + access.SETUP_CODE_LIFETIME + timedelta(seconds=1)
        assert repo.setup_code_expires(later) is None
        assert not repo.check_setup_code(digits, later)

    # Running it again replaces the code: the first one stops working.
    code, out, _ = run(capsys, "--data", str(branch), "init")
    second = _code_of(out).replace(" ", "")
    with FileRepository(branch, writable=False) as repo:
        assert repo.check_setup_code(second, now)
        assert second == digits or not repo.check_setup_code(digits, now)


def test_the_code_is_used_up_by_the_pin_it_sets(
    branch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "--data", str(branch), "init")
    digits = _code_of(out).replace(" ", "")
    secretary = _id_of(branch, "李红")
    now = datetime.fromisoformat(NOW)
    with FileRepository(branch) as repo:
        repo.set_pin(secretary, "482915", end_setup=True)
        assert repo.verify_pin(secretary, "482915")
        assert not repo.check_setup_code(digits, now)
        assert repo.setup_code_expires(now) is None


def test_init_needs_a_roster_and_a_secretary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--data", str(tmp_path / "empty"), "init")
    assert code == 2 and "xiaozu import" in err
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER.replace("书记", ""), encoding="utf-8")
    data = tmp_path / "data"
    assert run(capsys, "--data", str(data), "import", str(roster))[0] == 0
    code, out, err = run(capsys, "--data", str(data), "init")
    assert code == 2 and "书记" in err and not re.search(r"\d{4} \d{4} \d{4}", out + err)


def test_pin_set_by_name_reads_the_pin_twice_and_never_from_an_argument(
    branch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "--data", str(branch), "pin", "set", "王建国", stdin="583920\n583920\n"
    )
    assert code == 0, err
    assert "王建国" in out
    leader = _id_of(branch, "王建国")
    with FileRepository(branch, writable=False) as repo:
        assert repo.verify_pin(leader, "583920")
        assert repo.pin_holders() == {leader}
    # An id works as well as a name.
    code, _, err = run(
        capsys, "--data", str(branch), "pin", "set", leader, stdin="600711\n600711\n"
    )
    assert code == 0, err
    with FileRepository(branch, writable=False) as repo:
        assert repo.verify_pin(leader, "600711") and not repo.verify_pin(leader, "583920")
    # There is no way to give the PIN as an argument.
    with pytest.raises(SystemExit):
        main(["--data", str(branch), "pin", "set", "王建国", "583920"])


@pytest.mark.parametrize(
    ("typed", "said"),
    [("1234\n1234\n", "6–12"), ("583920\n583921\n", "不一致"), ("", "6–12")],
)
def test_a_short_or_mismatched_pin_sets_nothing(
    branch: Path, capsys: pytest.CaptureFixture[str], typed: str, said: str
) -> None:
    code, _, err = pin_set(capsys, branch, "王建国", stdin=typed)
    assert code == 2 and said in err and "没有设置" in err
    with FileRepository(branch, writable=False) as repo:
        assert repo.pin_holders() == frozenset()


def test_pin_set_refuses_whoever_does_not_unlock_and_a_shared_name(
    branch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "--data", str(branch), "pin", "set", "周强", stdin="583920\n583920\n"
    )
    assert code == 2 and "--signin" in err
    code, _, err = run(
        capsys, "--data", str(branch), "pin", "set", "张伟", stdin="583920\n583920\n"
    )
    assert code == 2
    ids = [_id for _id in re.findall(r"p-[0-9a-f]+", err)]
    assert len(set(ids)) == 2, err  # both 张伟, by id
    with FileRepository(branch, writable=False) as repo:
        assert repo.pin_holders() == frozenset()


def test_pin_set_signin_issues_a_first_pin(
    branch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "--data", str(branch), "pin", "set", "周强", "--signin", stdin="719264\n719264\n"
    )
    assert code == 0, err
    assert "初始" in out
    member = _id_of(branch, "周强")
    with FileRepository(branch, writable=False) as repo:
        assert repo.verify_signin_pin(member, "719264")
        assert repo.first_signin_pins() == {member}
        assert repo.pin_holders() == frozenset()  # no unlock PIN came with it


# --------------------------------------------------------------------------
# the rules behind it


def test_new_pins_and_setup_codes_as_typed() -> None:
    assert access.new_pin("１２３４５６") == "123456"
    assert access.new_pin("12345") is None and access.new_pin("1" * 13) is None
    assert access.setup_code("4831 2970-5516") == "483129705516"
    assert access.setup_code("４８３１２９７０５５１６") == "483129705516"
    assert access.setup_code("48312970551") is None
    assert access.format_setup_code("483129705516") == "4831 2970 5516"


def test_a_new_secretary_takes_the_seat_from_the_old(
    branch: Path,
) -> None:
    with FileRepository(branch, writable=False) as repo:
        org = repo.organisation()
    assert org is not None
    old, new = _id_of(branch, "李红"), _id_of(branch, "周强")
    at = datetime.fromisoformat(NOW)
    rec = Recorded(on=at.date(), at=at, by=old, reason="支部委员会换届选举")
    change = change_branch_role(org, new, BranchRole.SECRETARY, rec)
    after = change.org
    assert after.person(new).branch_role is BranchRole.SECRETARY  # type: ignore[union-attr]
    assert after.person(old).branch_role is BranchRole.NONE  # type: ignore[union-attr]
    assert [(c.person_id, c.field, c.old, c.new) for c in change.history] == [
        (old, PersonField.BRANCH_ROLE, "secretary", "none"),
        (new, PersonField.BRANCH_ROLE, "none", "secretary"),
    ]
    assert "李红" in change.notes[0].zh
    # A probationary member cannot take a seat; a reason is needed.
    with pytest.raises(ChangeRefused, match=r"probationary|预备"):
        change_branch_role(org, _id_of(branch, "赵磊"), BranchRole.SECRETARY, rec)
    with pytest.raises(ChangeRefused):
        change_branch_role(
            org, new, BranchRole.SECRETARY, Recorded(on=at.date(), at=at, by=old, reason="")
        )


def test_the_code_survives_importing_the_roster_again(
    branch: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The secretary fixes the roster after ``init``: the code still works."""
    _, out, _ = run(capsys, "--data", str(branch), "init")
    digits = _code_of(out).replace(" ", "")
    roster = tmp_path / "fixed.csv"
    roster.write_text(ROSTER.replace("周强", "周强强"), encoding="utf-8")
    assert run(capsys, "--data", str(branch), "import", str(roster))[0] == 0
    with FileRepository(branch, writable=False) as repo:
        assert repo.check_setup_code(digits, datetime.fromisoformat(NOW))
