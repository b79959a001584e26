"""What the data directory looks like on disk, and what one save costs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tinydb import TinyDB

from storage import FileRepository, MemoryRepository, StorageWriteError
from storage.atomic import AtomicJSONStorage

from .conftest import at, make_meeting, make_org, make_plan, make_task


def test_layout_one_file_per_meeting_and_per_year_of_plans(
    file_repo: FileRepository, data_dir: Path
) -> None:
    file_repo.save_organisation(make_org())
    file_repo.save_meeting(make_meeting("m-2024-12", planned_at=at(2024, 12, 3)))
    file_repo.save_meeting(make_meeting("m-2025-01"))
    file_repo.save_task(make_task("t1", "m-2025-01"))
    file_repo.save_plan(make_plan("g1", 2025))
    file_repo.save_plan(make_plan("g2", 2025))
    files = sorted(p.relative_to(data_dir).as_posix() for p in data_dir.rglob("*") if p.is_file())
    assert files == [
        ".lock",
        "meetings/2024/m-2024-12.json",
        "meetings/2025/m-2025-01.json",
        "org.json",
        "plans/2025.json",
    ]
    meeting_file = json.loads((data_dir / "meetings/2025/m-2025-01.json").read_text("utf-8"))
    assert set(meeting_file) == {"_meta", "meeting", "tasks"}
    assert meeting_file["_meta"] == {"1": {"app": "xiaozu", "kind": "meeting", "schema": 1}}
    assert meeting_file["tasks"]["1"]["what"] == "整理学习笔记并上报支部"
    org_file = json.loads((data_dir / "org.json").read_text("utf-8"))
    assert set(org_file) == {"_meta", "branch", "groups", "people", "credentials"}


def test_files_are_utf8_with_chinese_kept_literal_and_indented(
    file_repo: FileRepository, data_dir: Path
) -> None:
    file_repo.save_organisation(make_org())
    file_repo.save_meeting(make_meeting())
    for path in (data_dir / "org.json", data_dir / "meetings/2025/m-2025-01.json"):
        raw = path.read_bytes()
        assert b"\\u" not in raw
        assert "党小组".encode() in raw
        raw.decode("utf-8")  # strict
        assert b'\n  "' in raw  # indented for humans
    assert "机关第一党支部".encode() in (data_dir / "org.json").read_bytes()
    meeting_bytes = (data_dir / "meetings/2025/m-2025-01.json").read_bytes()
    assert b'"planned_at": "2025-01-07T19:30:00+08:00"' in meeting_bytes
    assert b'"opinions_gathered_on": "2025-01-05"' in meeting_bytes
    assert b'"status": "on_leave"' in meeting_bytes


def test_plain_tinydb_reads_our_files(file_repo: FileRepository, data_dir: Path) -> None:
    file_repo.save_organisation(make_org())
    with TinyDB(data_dir / "org.json", access_mode="r") as db:
        names = [doc["name"] for doc in db.table("people").all()]
    assert names == ["王建国", "李红", "张伟", "赵敏"]
    # and TinyDB's own API works through our storage, keeping the marker
    path = data_dir / "plans" / "2030.json"
    with TinyDB(storage=lambda: AtomicJSONStorage(path, "plans")) as db:
        db.table("plans").insert({"note": "hello"})
        assert db.tables() == {"plans"}
    assert json.loads(path.read_text("utf-8"))["_meta"]["1"]["kind"] == "plans"


@pytest.fixture
def written_paths(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file the atomic storage replaces from now on."""
    written: list[Path] = []
    real_replace = os.replace

    def recording_replace(src: str | Path, dst: str | Path) -> None:
        written.append(Path(dst))
        real_replace(src, dst)

    monkeypatch.setattr("storage.atomic.os.replace", recording_replace)
    return written


def test_saving_a_meeting_or_task_touches_only_that_meetings_file(
    file_repo: FileRepository, data_dir: Path, written_paths: list[Path]
) -> None:
    file_repo.save_organisation(make_org())
    for year in (2021, 2022, 2023, 2024, 2025):
        for month in range(1, 13):
            meeting_id = f"m-{year}-{month:02d}"
            file_repo.save_meeting(make_meeting(meeting_id, planned_at=at(year, month, 5)))
            file_repo.save_task(make_task(f"t-{meeting_id}", meeting_id))
    file_repo.save_plan(make_plan())
    before = {p: p.stat().st_mtime_ns for p in data_dir.rglob("*.json")}
    written_paths.clear()

    target = data_dir / "meetings" / "2023" / "m-2023-06.json"
    file_repo.save_meeting(make_meeting("m-2023-06", planned_at=at(2023, 6, 5), summary="新的"))
    file_repo.save_task(make_task("t-new", "m-2023-06"))
    assert written_paths == [target, target]
    after = {p: p.stat().st_mtime_ns for p in data_dir.rglob("*.json")}
    assert [p for p in before if before[p] != after[p]] == [target]
    # and the cost of that write is one meeting's size, not the history's
    assert target.stat().st_size < 10_000


def test_saving_the_organisation_is_one_write(
    file_repo: FileRepository, data_dir: Path, written_paths: list[Path]
) -> None:
    file_repo.save_organisation(make_org())
    assert written_paths == [data_dir / "org.json"]


def test_read_only_repository_reads_while_the_writer_holds_the_lock(
    file_repo: FileRepository, data_dir: Path
) -> None:
    file_repo.save_organisation(make_org())
    file_repo.save_meeting(make_meeting())
    reader = FileRepository(data_dir, writable=False)
    with reader:
        assert reader.organisation() == make_org()
        assert reader.meetings() == [make_meeting()]
        file_repo.save_meeting(make_meeting(summary="刚刚保存"))
        assert reader.meeting("m-2025-01") == make_meeting(summary="刚刚保存")
        for save in (
            lambda: reader.save_organisation(make_org()),
            lambda: reader.save_meeting(make_meeting()),
            lambda: reader.save_task(make_task()),
            lambda: reader.save_plan(make_plan()),
            lambda: reader.set_pin("p1", "1234"),
        ):
            with pytest.raises(StorageWriteError) as caught:
                save()
            assert "read-only" in caught.value.message("en")
            assert "只读" in caught.value.message("zh")


def test_read_only_use_creates_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "absent"
    with FileRepository(data_dir, writable=False) as reader:
        assert reader.is_empty()
        assert reader.organisation() is None
        assert reader.meetings() == []
        assert reader.plans() == []
    assert not data_dir.exists()


def test_a_writable_repository_must_be_opened_before_saving(data_dir: Path) -> None:
    repository = FileRepository(data_dir)
    with pytest.raises(RuntimeError):
        repository.save_organisation(make_org())
    assert not data_dir.exists()


def test_data_survives_reopening(data_dir: Path) -> None:
    with FileRepository(data_dir) as first:
        first.save_organisation(make_org())
        first.save_meeting(make_meeting())
        first.save_task(make_task())
        first.save_plan(make_plan())
        first.set_pin("p1", "9876")
        snapshot = first.records()
    with FileRepository(data_dir) as second:
        assert second.records() == snapshot
        assert second.verify_pin("p1", "9876")


def test_is_empty_ignores_the_lock_and_temp_files(
    file_repo: FileRepository, data_dir: Path
) -> None:
    (data_dir / ".org.json.abc123.tmp").write_text("{half", "utf-8")
    assert file_repo.is_empty()
    file_repo.save_plan(make_plan())
    assert not file_repo.is_empty()


def test_memory_and_file_repositories_store_the_same_documents(
    file_repo: FileRepository, data_dir: Path
) -> None:
    memory = MemoryRepository()
    for repo in (memory, file_repo):
        repo.save_organisation(make_org())
        repo.save_meeting(make_meeting())
        repo.save_task(make_task())
        repo.save_plan(make_plan())
    cells = memory._store.cells
    assert sorted(cells) == ["meetings/2025/m-2025-01", "org", "plans/2025"]
    for name, content in cells.items():
        assert (data_dir / f"{name}.json").read_bytes() == content
