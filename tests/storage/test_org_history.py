"""The organisation's history (people's status and discipline, the groups'
changes) is kept in org.json, appended in the same atomic write as the
change it records."""

from __future__ import annotations

import errno
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from rules.models import GroupChange, GroupChangeKind, MemberStatus, PersonChange, PersonField
from rules.organisation.changes import Recorded
from rules.organisation.people import change_status
from storage import DataFileError, FileRepository, Repository, StorageWriteError

from .conftest import at, make_org

NOW = at(2025, 7, 1, 9, 0)


def turned_full(repo: Repository) -> None:
    """李红 (p2) becomes a full member: one change, saved with its history."""
    org = repo.organisation()
    assert org is not None
    done = change_status(
        org, "p2", MemberStatus.FULL, Recorded(date(2025, 6, 28), NOW, "p1", "按期转正")
    )
    repo.save_organisation(done.org, done.history)


def test_history_round_trip(repo: Repository) -> None:
    repo.save_organisation(make_org())
    assert repo.person_changes() == [] and repo.group_changes() == []
    turned_full(repo)
    org = repo.organisation()
    assert org is not None
    person = org.person("p2")
    assert person is not None and person.status is MemberStatus.FULL
    (change,) = repo.person_changes("p2")
    assert change == PersonChange(
        person_id="p2",
        field=PersonField.STATUS,
        old="probationary",
        new="full",
        on=date(2025, 6, 28),
        reason="按期转正",
        recorded_at=NOW,
        by="p1",
    )
    assert repo.person_changes("p1") == []
    # Later saves append; a save without history keeps what is there.
    group_change = GroupChange("g1", GroupChangeKind.RENAMED, date(2025, 7, 1), "a", "b")
    repo.save_organisation(org, [group_change])
    repo.save_organisation(org)
    assert repo.person_changes() == [change]
    assert repo.group_changes("g1") == [group_change]
    assert repo.group_changes("g2") == []


def test_the_change_and_its_history_are_one_write(
    file_repo: FileRepository, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_repo.save_organisation(make_org())
    writes: list[Path] = []
    real_replace = os.replace

    def counting(src: Any, dst: Any) -> None:
        writes.append(Path(dst))
        real_replace(src, dst)

    monkeypatch.setattr("storage.atomic.os.replace", counting)
    turned_full(file_repo)
    assert writes == [data_dir / "org.json"]
    document = json.loads((data_dir / "org.json").read_text(encoding="utf-8"))
    assert document["person_changes"]["1"]["reason"] == "按期转正"
    assert any(p["status"] == "full" and p["id"] == "p2" for p in document["people"].values())


def test_a_failed_write_keeps_neither_the_change_nor_its_history(
    file_repo: FileRepository, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_repo.save_organisation(make_org())
    before = (data_dir / "org.json").read_bytes()

    def disk_full(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("storage.atomic.os.fsync", disk_full)
    with pytest.raises(StorageWriteError):
        turned_full(file_repo)
    monkeypatch.undo()
    assert (data_dir / "org.json").read_bytes() == before
    assert file_repo.person_changes() == []
    assert file_repo.organisation() == make_org()


def test_a_damaged_history_record_is_named_and_never_overwritten(
    file_repo: FileRepository, data_dir: Path
) -> None:
    file_repo.save_organisation(make_org())
    turned_full(file_repo)
    path = data_dir / "org.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["person_changes"]["1"]["field"] = "colour"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    damaged = path.read_bytes()
    with pytest.raises(DataFileError) as caught:
        file_repo.person_changes()
    assert "person_changes[1].field" in caught.value.message("en")
    with pytest.raises(DataFileError):
        file_repo.save_organisation(make_org())
    assert path.read_bytes() == damaged


def test_an_org_file_from_before_the_history_still_loads(
    file_repo: FileRepository, data_dir: Path
) -> None:
    file_repo.save_organisation(make_org())
    path = data_dir / "org.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert "person_changes" not in document and "group_changes" not in document
    assert file_repo.person_changes() == [] and file_repo.group_changes() == []
    assert file_repo.organisation() == make_org()
