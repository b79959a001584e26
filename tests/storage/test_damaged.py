"""A damaged or foreign file gets a clear error naming it, and is never written over."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tinydb import TinyDB

from storage import DataFileError, DataFileProblem, FileRepository
from storage.atomic import AtomicJSONStorage, encode

from .conftest import make_meeting, make_org, make_plan, make_task


def _valid_org_bytes() -> bytes:
    from storage import MemoryRepository

    memory = MemoryRepository()
    memory.save_organisation(make_org())
    return memory._store.cells["org"]


def _newer_schema() -> bytes:
    data = json.loads(_valid_org_bytes())
    data["_meta"]["1"]["schema"] = 99
    return json.dumps(data, ensure_ascii=False).encode()


DAMAGE: dict[str, tuple[Callable[[], bytes], DataFileProblem]] = {
    "truncated": (lambda: _valid_org_bytes()[:300], DataFileProblem.TRUNCATED),
    "truncated in a string": (lambda: _valid_org_bytes()[:287], DataFileProblem.TRUNCATED),
    "empty": (lambda: b"", DataFileProblem.TRUNCATED),
    "not json": (lambda: "这不是JSON\n".encode(), DataFileProblem.NOT_JSON),
    "binary": (lambda: b"\x89PNG\r\n\x1a\n\x00\x00", DataFileProblem.NOT_JSON),
    "another program's json": (
        lambda: b'{"_default": {"1": {"name": "shopping list"}}}',
        DataFileProblem.FOREIGN,
    ),
    "a json list": (lambda: b"[1, 2, 3]", DataFileProblem.FOREIGN),
    "newer schema": (_newer_schema, DataFileProblem.NEWER_SCHEMA),
    "a meeting file in the organisation's place": (
        lambda: encode({"meeting": {}}, "meeting"),
        DataFileProblem.WRONG_KIND,
    ),
    "a person without a name": (
        lambda: _valid_org_bytes().replace('"name": "李红",'.encode(), b""),
        DataFileProblem.INVALID,
    ),
    "a wrong type": (
        lambda: _valid_org_bytes().replace(b'"leadership_post": false', b'"leadership_post": 0'),
        DataFileProblem.INVALID,
    ),
}


@pytest.fixture(params=sorted(DAMAGE))
def damaged_org(
    request: pytest.FixtureRequest, data_dir: Path
) -> tuple[Path, bytes, DataFileProblem]:
    make, problem = DAMAGE[request.param]
    data_dir.mkdir(parents=True)
    path = data_dir / "org.json"
    content = make()
    path.write_bytes(content)
    return path, content, problem


def test_a_damaged_organisation_file_is_reported_and_left_untouched(
    damaged_org: tuple[Path, bytes, DataFileProblem], data_dir: Path
) -> None:
    path, content, problem = damaged_org
    with FileRepository(data_dir) as repo:
        with pytest.raises(DataFileError) as caught:
            repo.organisation()
        error = caught.value
        assert error.problem is problem
        assert error.path == path
        for lang in ("zh", "en"):
            assert str(path) in error.message(lang)
        assert "未被改动" in error.message("zh")
        assert "left untouched" in error.message("en")
        if problem is DataFileProblem.NEWER_SCHEMA:
            assert "upgrade xiaozu" in error.message("en").lower()
            assert "升级" in error.message("zh")
        else:
            assert "backup" in error.message("en")
            assert "备份" in error.message("zh")

        # Nothing that would write the file gets through.
        attempts: list[Callable[[], object]] = [
            lambda: repo.save_organisation(make_org()),
            lambda: repo.set_pin("p1", "1234"),
            lambda: repo.verify_pin("p1", "1234"),
            lambda: repo.records(),
        ]
        for attempt in attempts:
            with pytest.raises(DataFileError):
                attempt()
        assert not repo.is_empty()  # a damaged file is not "no data"
    assert path.read_bytes() == content


def test_a_missing_field_is_named(data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / "org.json").write_bytes(DAMAGE["a person without a name"][0]())
    with pytest.raises(DataFileError) as caught, FileRepository(data_dir, writable=False) as repo:
        repo.organisation()
    assert "people[2].name" in caught.value.message("en")
    assert "required field missing" in caught.value.message("en")


def test_a_damaged_meeting_file_is_named_and_left_untouched(data_dir: Path) -> None:
    with FileRepository(data_dir) as repo:
        repo.save_meeting(make_meeting("m-2025-01"))
        repo.save_meeting(make_meeting("m-2025-02"))
    path = data_dir / "meetings" / "2025" / "m-2025-02.json"
    content = path.read_bytes().replace(b'"late"', b'"lat').replace(b'"present"', b'"maybe"')
    path.write_bytes(content)

    with FileRepository(data_dir) as repo:
        for attempt in (
            repo.meetings,
            lambda: repo.meeting("m-2025-02"),
            lambda: repo.save_meeting(make_meeting("m-2025-02")),
            lambda: repo.save_task(make_task("t1", "m-2025-02")),
            repo.tasks,
        ):
            with pytest.raises(DataFileError) as caught:
                attempt()
            assert caught.value.path == path
            assert "attendance[0].status" in caught.value.message("en")
        # the sound meeting is still reachable on its own
        assert repo.meeting("m-2025-01") == make_meeting("m-2025-01")
    assert path.read_bytes() == content


def test_a_truncated_plans_file_is_left_untouched(data_dir: Path) -> None:
    with FileRepository(data_dir) as repo:
        repo.save_plan(make_plan("g1"))
    path = data_dir / "plans" / "2025.json"
    content = path.read_bytes()[:-40]
    path.write_bytes(content)
    with FileRepository(data_dir) as repo:
        with pytest.raises(DataFileError) as caught:
            repo.save_plan(make_plan("g2"))
        assert caught.value.problem is DataFileProblem.TRUNCATED
    assert path.read_bytes() == content


def test_a_foreign_json_file_among_the_meetings_is_named(data_dir: Path) -> None:
    with FileRepository(data_dir) as repo:
        repo.save_meeting(make_meeting())
    stray = data_dir / "meetings" / "2025" / "notes.json"
    stray.write_text('{"todo": ["买茶叶"]}', "utf-8")
    with FileRepository(data_dir, writable=False) as repo, pytest.raises(DataFileError) as caught:
        repo.meetings()
    assert caught.value.problem is DataFileProblem.FOREIGN
    assert caught.value.path == stray
    assert stray.read_text("utf-8") == '{"todo": ["买茶叶"]}'


def test_a_naive_datetime_in_a_file_is_refused(data_dir: Path) -> None:
    with FileRepository(data_dir) as repo:
        repo.save_meeting(make_meeting())
    path = data_dir / "meetings" / "2025" / "m-2025-01.json"
    path.write_bytes(
        path.read_bytes().replace(b"2025-01-07T19:30:00+08:00", b"2025-01-07T19:30:00")
    )
    with FileRepository(data_dir, writable=False) as repo, pytest.raises(DataFileError) as caught:
        repo.meetings()
    assert "meeting.planned_at" in caught.value.message("en")
    assert "UTC offset" in caught.value.message("en")


@pytest.mark.parametrize("name", ["truncated", "another program's json", "newer schema"])
def test_the_storage_itself_never_writes_over_what_it_did_not_understand(
    data_dir: Path, name: str
) -> None:
    data_dir.mkdir()
    path = data_dir / "org.json"
    content = DAMAGE[name][0]()
    path.write_bytes(content)
    # a write without a read first (TinyDB's drop_tables does just that)
    with pytest.raises(DataFileError):
        AtomicJSONStorage(path, "org").write({"people": {}})
    with pytest.raises(DataFileError), TinyDB(storage=lambda: AtomicJSONStorage(path, "org")) as db:
        db.drop_tables()
    with pytest.raises(DataFileError), TinyDB(storage=lambda: AtomicJSONStorage(path, "org")) as db:
        db.table("people").insert({"name": "覆盖者"})
    assert path.read_bytes() == content
    assert [p.name for p in data_dir.iterdir()] == ["org.json"]
