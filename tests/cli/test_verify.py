"""``xiaozu verify``: the branch secretary checks that sealed minutes are as
they were sealed (R3: 认真保管,存档备查) — by editing, deleting and copying
files on disk the way someone tampering with the archive would."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tui.cli import main

NOW = "2026-11-26T09:00:00+08:00"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIAOZU_NOW", NOW)
    monkeypatch.delenv("XIAOZU_DATA", raising=False)
    monkeypatch.delenv("XIAOZU_LANG", raising=False)


@pytest.fixture
def data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    directory = tmp_path / "data"
    assert main(["--data", str(directory), "demo"]) == 0
    capsys.readouterr()
    return directory


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def verify_json(capsys: pytest.CaptureFixture[str], data: Path) -> tuple[int, dict[str, object]]:
    code, out, _ = run(capsys, "--data", str(data), "verify", "--json")
    return code, json.loads(out)


def meeting_file(data: Path, meeting_id: str) -> Path:
    return data / "meetings" / meeting_id[len("m-g1-") :][:4] / f"{meeting_id}.json"


def problems(report: dict[str, object]) -> list[tuple[str, str | None]]:
    found = report["problems"]
    assert isinstance(found, list)
    return [(p["kind"], p["meeting_id"]) for p in found]


def test_a_fresh_demo_verifies(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--data", str(data), "verify")
    assert code == 0, err
    assert "第一党小组: 11 次会议记录、0 条补充说明" in out
    assert "全部 46 条封存记录核验无误。" in out
    code, report = verify_json(capsys, data)
    assert code == 0 and report["ok"] is True and report["sealed"] == 46
    assert report["problems"] == []


def test_one_character_of_an_opinion_edited_is_named(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = meeting_file(data, "m-g1-2026-10")
    raw = path.read_text(encoding="utf-8")
    text = json.loads(raw)["meeting"]["1"]["opinions"][0]["text"]
    edited = text[:-1] + ("。" if text[-1] != "。" else ",")
    path.write_text(
        raw.replace(
            json.dumps(text, ensure_ascii=False), json.dumps(edited, ensure_ascii=False), 1
        ),
        encoding="utf-8",
    )

    code, out, _ = run(capsys, "--data", str(data), "verify")
    assert code == 1
    assert "封存后被改动" in out
    assert "第一党小组 2026-10-05 的会议记录(m-g1-2026-10)" in out
    code, report = verify_json(capsys, data)
    assert code == 1 and report["ok"] is False
    assert problems(report) == [("changed", "m-g1-2026-10")]


def test_an_attendance_status_edited_is_named_in_english(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = meeting_file(data, "m-g1-2026-06")
    raw = path.read_text(encoding="utf-8")
    edited, count = re.subn(r'"status": "(present|late)"', '"status": "absent"', raw, count=1)
    assert count == 1
    path.write_text(edited, encoding="utf-8")
    code, out, _ = run(capsys, "--data", str(data), "--lang", "en", "verify")
    assert code == 1
    assert "changed after sealing" in out
    assert "The minutes of 第一党小组, 2026-06" in out and "(m-g1-2026-06)" in out


def test_a_deleted_meeting_file_is_named_as_removed(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meeting_file(data, "m-g1-2026-05").unlink()
    code, out, _ = run(capsys, "--data", str(data), "verify")
    assert code == 1
    assert "封存后被删除" in out and "m-g1-2026-05" in out
    # The newest too: the chain head in org.json remembers it.
    heads = json.loads((data / "org.json").read_text(encoding="utf-8"))["seal_heads"]
    newest_id = next(h["ref"]["meeting_id"] for h in heads.values() if h["group_id"] == "g1")
    meeting_file(data, newest_id).unlink()
    code, report = verify_json(capsys, data)
    assert code == 1
    assert sorted(problems(report)) == [("removed", "m-g1-2026-05"), ("removed", newest_id)]


def test_a_meeting_file_copied_under_a_new_id_is_named_as_inserted(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = meeting_file(data, "m-g1-2026-03")
    copy = source.with_name("m-g1-2026-03b.json")
    shutil.copy(source, copy)
    copy.write_text(
        copy.read_text(encoding="utf-8").replace('"m-g1-2026-03"', '"m-g1-2026-03b"'),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--data", str(data), "verify")
    assert code == 1
    assert "封存后被插入" in out and "m-g1-2026-03b" in out
    code, report = verify_json(capsys, data)
    assert problems(report) == [("inserted", "m-g1-2026-03b")]


def test_a_meeting_file_that_cannot_be_read_is_named_and_the_rest_verified(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = meeting_file(data, "m-g1-2026-04")
    path.write_text(path.read_text(encoding="utf-8")[:100], encoding="utf-8")
    code, report = verify_json(capsys, data)
    assert code == 1
    kinds = problems(report)
    # The file is named, and its sealed record is missing from the chain.
    assert ("unreadable", None) in kinds and ("removed", "m-g1-2026-04") in kinds
    found = report["problems"]
    assert isinstance(found, list)
    assert any("m-g1-2026-04.json" in p["message_en"] for p in found)


def test_no_data_or_an_unreadable_org_json_is_exit_2(
    tmp_path: Path, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--data", str(tmp_path / "empty"), "verify")
    assert code == 2 and "没有数据" in err
    (data / "org.json").write_text("{", encoding="utf-8")
    code, _, err = run(capsys, "--data", str(data), "verify")
    assert code == 2 and "org.json" in err
