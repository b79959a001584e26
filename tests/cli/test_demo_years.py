"""``xiaozu demo --years N``: the big branch (rules.samples.ten_years)
written to disk, whole under ``xiaozu verify`` and without error under
``xiaozu check``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli import main

NOW = "2026-11-26T09:00:00+08:00"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIAOZU_NOW", NOW)
    monkeypatch.delenv("XIAOZU_DATA", raising=False)
    monkeypatch.delenv("XIAOZU_LANG", raising=False)


def test_a_year_of_the_big_branch_verifies_and_checks_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert main(["--data", str(data), "--lang", "en", "demo", "--years", "1"]) == 0
    out = capsys.readouterr().out
    assert "8 groups, 96 party members, 104 meetings" in out
    assert len(list((data / "meetings").rglob("*.json"))) == 104
    assert main(["--data", str(data), "verify", "--json"]) == 0
    verified = json.loads(capsys.readouterr().out)
    assert verified["ok"] is True
    assert main(["--data", str(data), "check", "--json"]) == 0
    findings = json.loads(capsys.readouterr().out)
    assert {f["severity"] for f in findings} <= {"warning", "advice"}


def test_years_below_one_are_refused_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert main(["--data", str(data), "demo", "--years", "0"]) == 2
    assert "--years" in capsys.readouterr().err
    assert not data.exists()
