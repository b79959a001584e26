"""``xiaozu backup`` and ``xiaozu restore`` as a branch secretary uses them."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from storage import FileRepository
from tui.cli import main

NOW = "2026-11-26T09:00:00+08:00"
KEY = "xiaozu-secret-v1\n" + "5a" * 32 + "\n"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIAOZU_NOW", NOW)
    monkeypatch.delenv("XIAOZU_DATA", raising=False)
    monkeypatch.delenv("XIAOZU_LANG", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def files(data: Path) -> dict[str, bytes]:
    return {
        p.relative_to(data).as_posix(): p.read_bytes()
        for p in sorted(data.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture
def data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    data = tmp_path / "data"
    assert run(capsys, "--data", str(data), "demo")[0] == 0
    (data / "secret.key").write_text(KEY, encoding="ascii")
    (data / "secret.key").chmod(0o600)
    return data


def test_backup_then_restore_into_a_new_directory(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    code, out, err = run(capsys, "--data", str(data), "backup", str(folder), "--keep", "7")
    assert code == 0, err
    archive = folder / "xiaozu-backup-20261126-090000.tar.gz"
    assert f"备份已写入 {archive}" in out
    assert "已核对,可以恢复" in out
    assert "封存记录校验通过" in out  # the demo's finalised minutes are sealed
    assert "像保管会议室钥匙一样保管" in out  # it holds the signing key
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600

    new = tmp_path / "new"
    code, out, err = run(capsys, "--lang", "en", "--data", str(new), "restore", str(archive))
    assert code == 0, err
    assert f"Restored {archive}" in out and "51 meetings" in out
    assert "The sealed records verify." in out
    assert files(new) == files(data)
    assert (
        run(capsys, "--data", str(new), "check")[0] == run(capsys, "--data", str(data), "check")[0]
    )


def test_restore_over_data_needs_force_and_keeps_the_old_data(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "b.tar.gz"
    assert run(capsys, "--data", str(data), "backup", str(archive))[0] == 0
    with FileRepository(data) as repo:
        repo.set_pin("p02", "246810")  # a change made after the backup
    before = files(data)

    code, out, err = run(capsys, "--data", str(data), "restore", str(archive))
    assert code == 2
    assert "已有数据" in err and "--force" in err
    assert files(data) == before

    code, out, err = run(capsys, "--data", str(data), "restore", str(archive), "--force")
    assert code == 0, err
    aside = tmp_path / "data.before-restore-20261126-090000"
    assert f"原有数据已移到 {aside}(未删除)" in out
    assert files(aside) == before
    assert FileRepository(aside, writable=False).verify_pin("p02", "246810")
    assert not FileRepository(data, writable=False).verify_pin("p02", "246810")


def test_a_damaged_backup_is_refused_and_nothing_changes(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "b.tar.gz"
    assert run(capsys, "--data", str(data), "backup", str(archive))[0] == 0
    archive.write_bytes(archive.read_bytes()[:-300])
    before = files(data)
    code, _, err = run(capsys, "--data", str(data), "restore", str(archive), "--force")
    assert code == 2
    assert "已损坏" in err and "没有恢复任何内容" in err
    assert files(data) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.tar.gz", "data"]


def test_restore_refuses_while_the_kiosk_runs(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "b.tar.gz"
    assert run(capsys, "--data", str(data), "backup", str(archive))[0] == 0
    with FileRepository(data):  # the kiosk
        code, _, err = run(capsys, "--data", str(data), "restore", str(archive), "--force")
    assert code == 2
    assert "正在使用数据目录" in err


def test_backup_usage_errors(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "--data", str(data), "backup", str(tmp_path / "b.tar.gz"), "--keep", "3"
    )
    assert code == 2 and "--keep" in err
    code, _, err = run(
        capsys, "--data", str(tmp_path / "empty"), "backup", str(tmp_path / "b.tar.gz")
    )
    assert code == 2 and "没有数据" in err
    code, _, err = run(capsys, "--data", str(data), "backup", str(tmp_path / "no" / "b.tar.gz"))
    assert code == 2 and "不存在" in err
    assert not (tmp_path / "b.tar.gz").exists() and not (tmp_path / "no").exists()


def test_a_backup_of_damaged_data_is_written_with_a_warning(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = next((data / "plans").iterdir())
    plan.write_text("{", encoding="utf-8")
    code, out, err = run(capsys, "--data", str(data), "backup", str(tmp_path / "b.tar.gz"))
    assert code == 1
    assert "备份已写入" in out
    assert "警告" in err and plan.name in err
