"""Which data directory: --data, then XIAOZU_DATA, then the user data dir."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import platformdirs

from storage import resolve_data_dir

ROOT = Path(__file__).resolve().parents[2]


def test_the_command_line_wins(tmp_path: Path) -> None:
    chosen = tmp_path / "cli"
    assert resolve_data_dir(str(chosen), {"XIAOZU_DATA": str(tmp_path / "env")}) == chosen


def test_then_the_environment(tmp_path: Path) -> None:
    assert resolve_data_dir(None, {"XIAOZU_DATA": str(tmp_path / "env")}) == tmp_path / "env"


def test_else_the_platforms_user_data_directory() -> None:
    expected = Path(platformdirs.user_data_dir("xiaozu", appauthor=False))
    assert resolve_data_dir(None, {}) == expected
    assert resolve_data_dir("", {"XIAOZU_DATA": ""}) == expected  # empty means unset
    assert expected.name == "xiaozu"


def test_relative_and_home_paths_become_absolute() -> None:
    assert resolve_data_dir("~/kiosk", {}) == Path.home() / "kiosk"
    assert resolve_data_dir("rel/data", {}) == Path.cwd() / "rel" / "data"


def test_nothing_is_created_by_importing_or_resolving(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "share"),
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    script = (
        "import os, storage; from storage import resolve_data_dir, FileRepository;"
        "d = resolve_data_dir(None, os.environ); print(d);"
        "r = FileRepository(d, writable=False); r.is_empty(); r.meetings()"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(home / "share" / "xiaozu")
    assert list(home.iterdir()) == []
