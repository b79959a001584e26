"""``xiaozu export dues``: the year's party dues as CSV for Excel, and the
dues sheet of the Excel ledger."""

from __future__ import annotations

import codecs
import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.cli.test_export import demo, files, fixed_clock, here, run

__all__ = ["demo", "fixed_clock", "here"]


def _rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)  # Excel then reads the Chinese
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_years_dues_of_every_group_as_csv(
    demo: Path, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--data", str(demo), "export", "dues", "--year", "2026")
    assert code == 0 and "20 名党员" in out
    rows = _rows(here / "xiaozu-dues-2026-all.csv")
    assert rows[0][:5] == ["党小组", "姓名", "党员编号", "月缴纳额(元)", "1月"]
    assert rows[0][-3:] == ["已交合计(元)", "欠缴月数", "欠缴金额(元)"]
    assert len(rows[0]) == 4 + 12 + 3
    by_name = {row[1]: row for row in rows[1:-1]}
    assert len(by_name) == 20
    liu = by_name["刘洋"]
    assert liu[0] == "第一党小组"
    assert liu[4 + 8 : 4 + 11] == ["未交"] * 3  # September to November
    assert liu[-2:] == ["3", "60.00"]
    luo = by_name["罗敏"]
    assert "欠" in luo[4 + 8]  # part paid in September
    assert by_name["郭倩"][4 + 11] != ""  # December paid ahead
    assert rows[-1][0] == "合计"


def test_one_groups_dues_in_english_to_a_chosen_file(
    demo: Path, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = here / "g2.csv"
    code, _, _ = run(
        capsys, "--data", str(demo), "--lang", "en", "export", "dues", "--year", "2026",
        "--group", "g2", "--out", str(target),
    )  # fmt: skip
    assert code == 0
    rows = _rows(target)
    assert rows[0][1] == "Name" and rows[0][4] == "01"
    assert len(rows) == 1 + 6 + 1
    huang = next(row for row in rows if row[1] == "黄晓东")
    assert huang[4 + 10] == "unpaid"  # November, not paid yet


def test_a_wrong_group_or_file_name_writes_nothing(
    demo: Path, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "--data", str(demo), "export", "dues", "--year", "2026", "--group", "g9"
    )
    assert code == 2 and "g9" in err
    code, _, err = run(
        capsys, "--data", str(demo), "export", "dues", "--year", "2026",
        "--out", str(here / "dues.xlsx"),
    )  # fmt: skip
    assert code == 2 and ".csv" in err
    assert files(here) == []


def test_the_excel_ledger_has_a_dues_sheet(
    demo: Path, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(
        capsys, "--data", str(demo), "export", "ledger", "--year", "2026", "--group", "g1"
    )
    assert code == 0
    sheet = load_workbook(here / "xiaozu-ledger-2026-g1.xlsx")["党费收缴"]
    assert sheet.cell(2, 2).value == "姓名"
    names = [sheet.cell(row, 2).value for row in range(3, 3 + 7)]
    assert "刘洋" in names
    liu = names.index("刘洋") + 3
    assert sheet.cell(liu, 4 + 9).value == "未交"  # September
    assert Decimal(str(sheet.cell(liu, 4 + 1).value)) == Decimal("20.00")  # a number
    assert sheet.cell(liu, 4 + 12 + 2).value == 3
