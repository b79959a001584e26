"""``xiaozu export``: the minutes and the ledger as files for the branch (A2),
the refusals, and recording the report with ``--reported``."""

from __future__ import annotations

import os
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from rules.models import Step
from storage import DataDirLock, FileRepository
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


@pytest.fixture
def demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    data = tmp_path / "data"
    assert run(capsys, "--data", str(data), "demo")[0] == 0
    return data


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current folder, where exports go by default."""
    folder = tmp_path / "here"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def stored_step(data: Path, meeting_id: str) -> tuple[Step, object]:
    meeting = FileRepository(data, writable=False).meeting(meeting_id)
    assert meeting is not None
    return meeting.step, meeting.reported_at


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_minutes_go_to_the_current_folder_as_a_word_document(
    demo: Path, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--data", str(demo), "export", "minutes", "m-g2-2026-04")
    assert code == 0
    path = here / "xiaozu-minutes-m-g2-2026-04.docx"
    assert str(path) in out and "第二党小组" in out
    document = Document(BytesIO(path.read_bytes()))
    assert document.paragraphs[0].text == "第二党小组党小组会会议记录"
    # Minutes name people and their reasons: readable by the owner only.
    assert path.stat().st_mode & 0o077 == 0


def test_markdown_by_format_or_by_the_file_name_and_english(
    demo: Path, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(demo)
    code, _, _ = run(capsys, "--data", data, "export", "minutes", "m-g2-2026-04", "--format", "md")
    assert code == 0
    text = (here / "xiaozu-minutes-m-g2-2026-04.md").read_text(encoding="utf-8")
    assert text.startswith("# 第二党小组党小组会会议记录")
    code, _, _ = run(
        capsys, "--data", data, "--lang", "en", "export", "minutes", "m-g2-2026-04",
        "--out", str(here / "april.md"),
    )  # fmt: skip
    assert code == 0
    assert "## Discussion" in (here / "april.md").read_text(encoding="utf-8")
    code, _, err = run(
        capsys, "--data", data, "export", "minutes", "m-g2-2026-04",
        "--format", "docx", "--out", str(here / "april2.md"),
    )  # fmt: skip
    assert code == 2 and "--format docx" in err
    assert not (here / "april2.md").exists()


def test_an_unknown_meeting_is_refused_with_the_meetings_there_are(
    demo: Path, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--data", str(demo), "export", "minutes", "m-g9-2030-01")
    assert code == 2 and out == ""
    assert "没有编号为 'm-g9-2030-01' 的会议" in err
    assert "m-g1-2026-11" in err  # the latest meetings, to pick from
    assert files(here) == []


def test_minutes_not_finalised_are_refused_unless_asked_for_as_a_draft(
    demo: Path, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FileRepository(demo) as repo:
        meeting = repo.meeting("m-g1-2026-12")
        assert meeting is not None
        repo.save_meeting(replace(meeting, step=Step.DISCUSSION, started_at=meeting.planned_at))
    data = str(demo)
    code, _, err = run(capsys, "--data", data, "export", "minutes", "m-g1-2026-12")
    assert code == 2 and "尚未定稿" in err and "--draft" in err
    assert files(here) == []
    code, out, _ = run(capsys, "--data", data, "export", "minutes", "m-g1-2026-12", "--draft")
    assert code == 0 and "草稿" in out
    document = Document(BytesIO((here / "xiaozu-minutes-m-g1-2026-12.docx").read_bytes()))
    assert document.paragraphs[0].text.endswith("(草稿)")
    # A draft is never reported to the branch.
    code, _, err = run(
        capsys, "--data", data, "export", "minutes", "m-g1-2026-12", "--draft", "--reported",
        "--out", str(here / "again.docx"),
    )  # fmt: skip
    assert code == 2 and "不能记为已向党支部汇报" in err
    assert not (here / "again.docx").exists()


def test_a_meeting_not_held_has_no_minutes(
    demo: Path, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(demo)
    code, _, err = run(capsys, "--data", data, "export", "minutes", "m-g4-2026-12", "--draft")
    assert code == 2 and "尚未召开" in err
    code, _, err = run(capsys, "--data", data, "export", "minutes", "m-g1-2026-07")
    assert code == 2 and "已推迟" in err and "紧急订单" in err
    assert files(here) == []


def test_reported_records_the_report_with_todays_date(
    demo: Path, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 第二党小组's October meeting: checked, not yet reported (the demo's A2).
    assert stored_step(demo, "m-g2-2026-10") == (Step.CHECKED, None)
    code, out, _ = run(
        capsys, "--data", str(demo), "export", "minutes", "m-g2-2026-10", "--reported"
    )
    assert code == 0
    assert "已记录于2026年11月26日向党支部汇报" in out
    step, reported_at = stored_step(demo, "m-g2-2026-10")
    assert step is Step.REPORTED
    assert str(reported_at).startswith("2026-11-26 09:00")
    document = Document(BytesIO((here / "xiaozu-minutes-m-g2-2026-10.docx").read_bytes()))
    assert "2026年11月26日已向党支部汇报" in document.paragraphs[1].text
    # Again: nothing changes, and it says when it was reported.
    code, out, _ = run(
        capsys, "--data", str(demo), "export", "minutes", "m-g2-2026-10", "--reported"
    )
    assert code == 0 and "此前已于2026年11月26日向党支部汇报" in out


def test_reported_needs_checked_minutes_and_a_file_written(
    demo: Path, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FileRepository(demo) as repo:
        meeting = repo.meeting("m-g2-2026-11")
        assert meeting is not None
        repo.save_meeting(replace(meeting, step=Step.FINALISED, checked_at=None, reported_at=None))
    code, _, err = run(
        capsys, "--data", str(demo), "export", "minutes", "m-g2-2026-11", "--reported"
    )
    assert code == 2 and "A2" in err and "请先检查会议记录" in err
    assert files(here) == []
    assert stored_step(demo, "m-g2-2026-11") == (Step.FINALISED, None)
    # Checked minutes, but the file cannot be written: nothing is recorded.
    code, _, err = run(
        capsys, "--data", str(demo), "export", "minutes", "m-g2-2026-10", "--reported",
        "--out", str(here / "missing-folder" / "x.docx"),
    )  # fmt: skip
    assert code == 2 and "不存在" in err
    assert stored_step(demo, "m-g2-2026-10") == (Step.CHECKED, None)


def test_reported_while_the_kiosk_holds_the_data_says_so_and_writes_nothing(
    demo: Path, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with DataDirLock(demo):
        code, out, err = run(
            capsys, "--data", str(demo), "export", "minutes", "m-g2-2026-10", "--reported"
        )
        assert code == 2 and out == ""
        assert "kiosk 正在运行" in err and str(os.getpid()) in err
        assert "没有写出任何文件" in err and "按 X" in err
        assert files(here) == []
        assert stored_step(demo, "m-g2-2026-10") == (Step.CHECKED, None)
        # Without --reported, exporting only reads: it works meanwhile.
        code, _, _ = run(capsys, "--data", str(demo), "export", "minutes", "m-g2-2026-10")
        assert code == 0
        assert files(here) == ["xiaozu-minutes-m-g2-2026-10.docx"]


def test_the_ledger_of_the_year_for_every_group_or_one(
    demo: Path, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(demo)
    code, out, _ = run(capsys, "--data", data, "export", "ledger", "--year", "2026")
    assert code == 0 and "第一党小组、第二党小组、第三党小组、第四党小组" in out
    book = load_workbook(here / "xiaozu-ledger-2026-all.xlsx")
    assert book.sheetnames[0] == "汇总"
    assert "第四党小组-后续任务" in book.sheetnames
    code, _, _ = run(
        capsys, "--data", data, "export", "ledger", "--year", "2026", "--group", "g3",
        "--out", str(here),
    )  # fmt: skip
    assert code == 0
    book = load_workbook(here / "xiaozu-ledger-2026-g3.xlsx")
    assert book.sheetnames == [
        "汇总", "第三党小组-会议", "第三党小组-出勤", "第三党小组-后续任务", "党费收缴"
    ]  # fmt: skip


def test_the_ledger_refuses_an_unknown_group_and_a_wrong_file_name(
    demo: Path, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(demo)
    code, _, err = run(
        capsys, "--data", data, "export", "ledger", "--year", "2026", "--group", "g9"
    )
    assert code == 2 and "没有名称或编号为 'g9' 的党小组" in err and "g1  第一党小组" in err
    code, _, err = run(
        capsys, "--data", data, "export", "ledger", "--year", "2026", "--out", str(here / "x.csv")
    )
    assert code == 2 and ".xlsx" in err
    assert files(here) == []


def test_export_without_data_says_what_to_do(
    tmp_path: Path, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "--data", str(tmp_path / "none"), "export", "ledger", "--year", "2026"
    )
    assert code == 2 and "xiaozu demo" in err


# --------------------------------------------------------------------------
# A group by name or id (rules.organisation.lookup)


def test_the_ledger_and_the_dues_of_a_group_by_name(
    demo: Path, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(demo)
    code, _, err = run(
        capsys, "--data", data, "export", "ledger", "--year", "2026", "--group", "第三党小组"
    )
    assert code == 0, err
    book = load_workbook(here / "xiaozu-ledger-2026-g3.xlsx")
    assert book.sheetnames[1].startswith("第三党小组")
    code, _, err = run(
        capsys, "--data", data, "export", "dues", "--year", "2026", "--group", "第三党小组"
    )
    assert code == 0, err
    lines = (here / "xiaozu-dues-2026-g3.csv").read_text("utf-8-sig").splitlines()
    assert len(lines) == 1 + 5 + 1 and all(line.startswith("第三党小组") for line in lines[1:-1])


@pytest.mark.parametrize("kind", ["ledger", "dues"])
def test_an_unknown_group_name_is_refused_listing_the_groups(
    kind: str, demo: Path, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "--data", str(demo), "export", kind, "--year", "2026", "--group", "第九党小组"
    )
    assert code == 2
    assert "没有名称或编号为 '第九党小组' 的党小组" in err and "g4  第四党小组" in err
    assert list(here.iterdir()) == []
