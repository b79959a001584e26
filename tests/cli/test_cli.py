"""The ``xiaozu`` command as a branch secretary uses it: demo, import, check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path

import pytest

from storage import FileRepository
from tui.cli import main

NOW = "2026-11-26T09:00:00+08:00"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIAOZU_NOW", NOW)
    monkeypatch.delenv("XIAOZU_DATA", raising=False)
    monkeypatch.delenv("XIAOZU_LANG", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(data: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(data)): p.read_bytes()
        for p in sorted(data.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


ROSTER = textwrap.dedent(
    """\
    姓名,党员编号,党小组,部门,身份,党纪处分,领导职务,支部职务,组长
    王建国,GD001,第一党小组,生产一车间,正式党员,,否,,是
    李红,GD002,第一党小组,生产一车间,正式党员,,否,组织委员,否
    赵磊,GD003,第一党小组,生产一车间,预备党员,,否,,否
    孙芳,GD004,第二党小组,财务科,正式党员,,是,书记,是
    周强,GD005,第二党小组,财务科,正式党员,警告,否,,否
    """
)


# --------------------------------------------------------------------------
# demo


def test_demo_fills_an_empty_directory_and_prints_the_pins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    code, out, _ = run(capsys, "--data", str(data), "demo")
    assert code == 0
    assert (data / "org.json").exists()
    assert list((data / "meetings").rglob("*.json")), "a year of meetings"
    pins = [line for line in out.splitlines() if line.strip()[-6:].isdigit()]
    assert len(pins) >= 3, out
    # PINs are printed for the demo, but never stored in clear.
    pin = pins[0].strip()[-6:]
    for content in snapshot(data).values():
        assert pin.encode() not in content


def test_demo_refuses_a_directory_that_holds_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert run(capsys, "--data", str(data), "demo")[0] == 0
    before = snapshot(data)
    code, _, err = run(capsys, "--data", str(data), "demo")
    assert code == 2
    assert "已有数据" in err
    assert snapshot(data) == before


def test_check_on_the_demo_finds_the_rules_broken_on_purpose(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    run(capsys, "--data", str(data), "demo")
    code, out, _ = run(capsys, "--data", str(data), "check", "--json")
    assert code == 1, "the demo breaks rules at error level"
    findings = json.loads(out)
    assert all({"rule", "severity", "subject", "message", "seed"} <= set(f) for f in findings)
    rules = {f["rule"] for f in findings}
    assert {"G1", "L1", "M1", "M5", "M2", "A3"} <= rules
    g1 = next(f for f in findings if f["rule"] == "G1")
    assert g1["severity"] == "error"
    assert g1["seed"] == "每个党小组一般不得少于三名党员"
    assert "党员" in g1["message"]


def test_check_prints_each_finding_with_the_seeds_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    run(capsys, "--data", str(data), "demo")
    code, out, _ = run(capsys, "--data", str(data), "check")
    assert code == 1
    assert "检查结果" in out
    assert "[G1] 错误" in out
    assert "依据:「每个党小组一般不得少于三名党员」" in out
    code, out, _ = run(capsys, "--data", str(data), "--lang", "en", "check")
    assert "[G1] error" in out and "findings as of 2026-11-26" in out


def test_english_findings_name_their_meetings_and_tasks_in_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not "第一党小组 2026年4月3日会议" in an English report: only the group's
    name and what people typed stay Chinese."""
    data = tmp_path / "data"
    run(capsys, "--data", str(data), "demo")
    _, out, _ = run(capsys, "--data", str(data), "--lang", "en", "check", "--json")
    findings = json.loads(out)
    m5 = next(f for f in findings if f["rule"] == "M5")
    assert m5["subject"] == m5["subject_en"] == "第一党小组 meeting of 3 April 2026"
    assert m5["subject_zh"] == "第一党小组 2026年4月3日会议"
    a3 = next(f for f in findings if f["rule"] == "A3")
    assert a3["subject"].endswith(" (高峰)")  # English brackets around the assignee
    _, text, _ = run(capsys, "--data", str(data), "--lang", "en", "check")
    assert "! [M5] warning · 第一党小组 meeting of 3 April 2026" in text
    heads = [line for line in text.splitlines() if line.startswith(("✗ [", "! [", "· ["))]
    assert heads and not any("日会议" in line or "日生活会" in line for line in heads)
    _, text, _ = run(capsys, "--data", str(data), "check")
    assert "! [M5] 警告 · 第一党小组 2026年4月3日会议" in text  # Chinese unchanged


def test_check_as_of_another_day(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    run(capsys, "--data", str(data), "demo")
    code, out, _ = run(capsys, "--data", str(data), "check", "--at", "2026-11-20")
    assert code in (0, 1)
    assert "截至2026年11月20日" in out


def test_check_with_a_bad_date_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--data", str(tmp_path), "check", "--at", "26/11/2026"])
    assert exc.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_check_on_an_empty_directory_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--data", str(tmp_path / "none"), "check")
    assert code == 2
    assert "xiaozu import" in err and "xiaozu demo" in err


# --------------------------------------------------------------------------
# import


def test_import_a_roster_then_check_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    roster = tmp_path / "名册.csv"
    roster.write_bytes(b"\xef\xbb\xbf" + ROSTER.encode("utf-8"))
    code, out, err = run(
        capsys, "--data", str(data), "import", str(roster), "--branch", "机关党支部"
    )
    assert code == 0, err
    assert "新增 5 人" in out and "新建党小组 2 个" in out
    code, out, _ = run(capsys, "--data", str(data), "check", "--json")
    findings = json.loads(out)
    # 第二党小组 has two members: G1. Nobody recorded the committee's decision: G5.
    assert any(f["rule"] == "G1" and f["subject"] == "第二党小组" for f in findings)
    assert any(f["rule"] == "G5" for f in findings)
    assert code == 1
    # Importing the same file again changes nothing.
    before = snapshot(data)
    code, out, _ = run(capsys, "--data", str(data), "import", str(roster))
    assert code == 0 and "新增 0 人" in out
    assert snapshot(data)["org.json"] == before["org.json"]


def test_import_a_gbk_roster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes(ROSTER.encode("gbk"))
    code, out, err = run(capsys, "--data", str(tmp_path / "d"), "import", str(roster))
    assert code == 0, err
    assert "新增 5 人" in out


def test_import_a_gb18030_roster_with_a_rare_character(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes(ROSTER.replace("赵磊", "赵𠀀").encode("gb18030"))  # 𠀀: not in GBK
    data = tmp_path / "d"
    code, _, err = run(capsys, "--data", str(data), "import", str(roster))
    assert code == 0, err
    org = FileRepository(data, writable=False).organisation()
    assert org is not None and "赵𠀀" in {p.name for p in org.people}


def roster_workbook(path: Path) -> None:
    """The roster as an office's Excel keeps it: typed cells, as openpyxl writes them."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        ["姓名", "党员编号", "党小组", "身份", "组长", "手机", "小组成立日期", "小组上报日期"]
    )
    sheet.append(["王建国", 2019001, "第一党小组", "正式党员", "是", 13805710002,
                  datetime(2023, 3, 1), date(2023, 3, 20)])  # fmt: skip
    sheet.append(["李红", 2019002.0, "第一党小组", "正式党员", False, None, None, None])
    sheet.append([None] * 8)  # a blank row, as sheets have
    sheet.append(["刘䶮", "DY003", "第一党小组", "预备党员", None, None, None, None])
    book.create_sheet("说明").append(["这一页不是名册"])  # only the first sheet is read
    book.save(path)


def test_import_an_xlsx_roster_with_numbers_and_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "名册.xlsx"
    roster_workbook(roster)
    data = tmp_path / "d"
    code, out, err = run(capsys, "--data", str(data), "import", str(roster))
    assert code == 0, err
    assert "新增 3 人" in out and "新建党小组 1 个" in out
    org = FileRepository(data, writable=False).organisation()
    assert org is not None
    people = {p.name: p for p in org.people}
    assert people["王建国"].member_no == "2019001" and people["王建国"].phone == "13805710002"
    assert people["李红"].member_no == "2019002"  # a float cell, still no ".0"
    assert people["刘䶮"].status.value == "probationary"
    (group,) = org.groups
    assert (group.decided_on, group.reported_up_on) == (date(2023, 3, 1), date(2023, 3, 20))
    assert group.leader_id == people["王建国"].id
    # the same workbook again changes nothing
    code, out, _ = run(capsys, "--data", str(data), "import", str(roster))
    assert code == 0 and "新增 0 人,更新 0 人" in out


def test_a_bad_cell_in_a_workbook_is_named_by_its_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["姓名", "身份"], ["张伟", "正式党员"], ["李娜", "老党员"]):
        sheet.append(row)
    roster = tmp_path / "r.xlsx"
    book.save(roster)
    code, _, err = run(capsys, "--data", str(tmp_path / "d"), "import", str(roster))
    assert code == 2 and "第3行" in err and "老党员" in err
    assert not (tmp_path / "d" / "org.json").exists()


def imported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A data directory holding the good ROSTER."""
    data = tmp_path / "data"
    good = tmp_path / "good.csv"
    good.write_text(ROSTER, encoding="utf-8")
    assert run(capsys, "--data", str(data), "import", str(good))[0] == 0
    return data


@pytest.mark.parametrize(
    ("name", "content", "zh", "en"),
    [
        ("cut.xlsx", None, "不是完好的 Excel 工作簿", "not a sound Excel workbook"),
        ("renamed.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), ".xls", ".xls"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), ".xls", ".xls"),
        ("notes.xlsx", "姓名,身份\n".encode(), "不是完好的 Excel 工作簿", "not a sound Excel"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "既不是 CSV", "neither a CSV"),
    ],
)
def test_a_damaged_workbook_or_a_file_that_is_neither_is_refused(
    name: str,
    content: bytes | None,
    zh: str,
    en: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = imported(tmp_path, capsys)
    before = snapshot(data)
    bad = tmp_path / name
    if content is None:  # a workbook cut short, as by a broken download
        roster_workbook(bad)
        bad.write_bytes(bad.read_bytes()[:1500])
    else:
        bad.write_bytes(content)
    code, out, err = run(capsys, "--data", str(data), "import", str(bad))
    assert code == 2 and out == ""
    assert zh in err and "未导入" in err and "Traceback" not in err
    code, _, err = run(capsys, "--data", str(data), "--lang", "en", "import", str(bad))
    assert code == 2 and en in err and "nothing changed" in err
    assert snapshot(data) == before


def test_a_workbook_cut_or_flipped_anywhere_is_read_or_refused_never_a_crash(
    tmp_path: Path,
) -> None:
    from rules.organisation.roster_columns import RosterError
    from tui.roster_file import read_roster

    good = tmp_path / "r.xlsx"
    roster_workbook(good)
    data = good.read_bytes()
    assert len(read_roster(data, good.name)) == 3
    damaged = [data[:cut] for cut in range(4, len(data), max(1, len(data) // 40))]
    damaged += [
        data[:at] + bytes([data[at] ^ 0x5A]) + data[at + 1 :]
        for at in range(30, len(data), max(1, len(data) // 40))
    ]
    refused = 0
    for broken in damaged:
        try:
            read_roster(broken, good.name)
        except RosterError as error:
            refused += 1
            assert error.message("zh") and error.message("en")
    assert refused > len(damaged) // 2


def test_a_bad_row_stops_the_import_and_nothing_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = imported(tmp_path, capsys)
    before = snapshot(data)
    bad = tmp_path / "bad.csv"
    lines = ROSTER.splitlines()
    lines.insert(3, "钱多,GD006,第一党小组,生产一车间,老党员,,否,,否")
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "--data", str(data), "import", str(bad))
    assert code == 2
    assert "第4行" in err or "第 4 行" in err, err
    assert "老党员" in err
    assert "未导入" in err
    assert snapshot(data) == before


def test_a_missing_roster_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--data", str(tmp_path), "import", str(tmp_path / "no.csv"))
    assert code == 2 and "no.csv" in err


# --------------------------------------------------------------------------
# damaged data, a second writer


def test_a_damaged_data_file_is_named_and_left_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    run(capsys, "--data", str(data), "demo")
    org = data / "org.json"
    damaged = org.read_bytes()[: len(org.read_bytes()) // 2]
    org.write_bytes(damaged)
    code, _, err = run(capsys, "--data", str(data), "check")
    assert code == 2
    assert "org.json" in err
    roster = tmp_path / "r.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    code, _, err = run(capsys, "--data", str(data), "import", str(roster))
    assert code == 2 and "org.json" in err
    assert org.read_bytes() == damaged


def test_a_second_writer_gets_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from storage import DataDirLock\n"
            "with DataDirLock(__import__('pathlib').Path(sys.argv[1])):\n"
            "    print('held', flush=True)\n"
            "    time.sleep(30)\n",
            str(data),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        roster = tmp_path / "r.csv"
        roster.write_text(ROSTER, encoding="utf-8")
        code, _, err = run(capsys, "--data", str(data), "import", str(roster))
        assert code == 2
        assert str(holder.pid) in err
        # Reading is fine while another process writes.
        code, _, err = run(capsys, "--data", str(data), "check")
        assert code == 2 and "xiaozu import" in err
    finally:
        holder.kill()
        holder.wait()


def test_the_data_directory_comes_from_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XIAOZU_DATA", str(tmp_path / "env-data"))
    assert run(capsys, "demo")[0] == 0
    assert (tmp_path / "env-data" / "org.json").exists()
    # --data wins over the environment.
    assert run(capsys, "--data", str(tmp_path / "flag"), "demo")[0] == 0
    assert (tmp_path / "flag" / "org.json").exists()


def test_the_kiosk_starts_without_the_commands(tmp_path: Path) -> None:
    """Reading the kiosk's command line imports none of the commands' modules
    (the rules engine, exports, backups: a tenth of a second at every start),
    and the collector is on when a command has run (``xiaozu`` leaves the
    process as Python sets it up)."""
    probe = textwrap.dedent(
        f"""
        import gc, sys
        from tui.cli import main
        from tui.cli import parse_args
        args = parse_args(["--data", {str(tmp_path)!r}, "--port", "0"])
        heavy = ["rules.checks.engine", "tui.cli.export", "storage.backup",
            "rules.organisation.roster", "rules.organisation.roster_changes"]
        print([m for m in heavy if m in sys.modules], args.port, hasattr(args, "run"))
        sys.argv = ["xiaozu", "--data", {str(tmp_path / "d")!r}, "demo"]
        code = main()
        print(code, gc.isenabled())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "[] 0 False"
    assert lines[-1] == "0 True"


# --------------------------------------------------------------------------
# a reader that goes away (| head)


@pytest.mark.parametrize(
    "command", [["check", "--json"], ["check"], ["verify"], ["verify", "--json"]]
)
def test_a_closed_pipe_ends_quietly(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``xiaozu check --json | head -1``: the reader closed its end before
    xiaozu wrote; no traceback, the status a shell gives for SIGPIPE."""
    data = tmp_path / "data"
    assert run(capsys, "--data", str(data), "demo")[0] == 0
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    reader, writer = os.pipe()
    os.close(reader)  # the reader is gone before a byte is written
    try:
        result = subprocess.run(
            [sys.executable, "-m", "tui.cli", "--data", str(data), *command],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=120,
        )
    finally:
        os.close(writer)
    assert result.stderr == ""
    assert result.returncode == 141


def test_head_of_the_findings_is_the_first_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same through a real ``head -1`` (how much is written before head
    leaves varies; the stderr must be empty either way)."""
    data = tmp_path / "data"
    assert run(capsys, "--data", str(data), "demo")[0] == 0
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    shell = f"{sys.executable} -m tui.cli --data {data} check --json | head -1"
    result = subprocess.run(
        ["sh", "-c", shell], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.stdout == "[\n" and result.stderr == ""
