"""Runs of wrong PINs are stored beside the credentials in org.json, so that a
lockout survives a restart of the kiosk (contract tests on both repositories,
then the file itself)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from rules.organisation.access import PinAttempts
from storage import (
    DataFileError,
    DataFileProblem,
    FileRepository,
    RecordNotFoundError,
    Repository,
)
from storage.repository import PIN_ATTEMPTS_TABLE

from .conftest import at, make_org

LOCKED = PinAttempts(failures=0, lockouts=2, locked_until=at(2025, 1, 7, 9, 2))


def test_nobody_has_wrong_pins_to_begin_with(repo: Repository) -> None:
    assert repo.pin_attempts("p1") == PinAttempts()  # no organisation yet
    repo.save_organisation(make_org())
    assert repo.pin_attempts("p1") == PinAttempts()
    assert repo.pin_attempts("nobody") == PinAttempts()


def test_a_run_of_wrong_pins_round_trips(repo: Repository) -> None:
    repo.save_organisation(make_org())
    repo.save_pin_attempts("p1", PinAttempts(failures=3))
    repo.save_pin_attempts("p3", LOCKED)
    assert repo.pin_attempts("p1") == PinAttempts(failures=3)
    stored = repo.pin_attempts("p3")
    assert stored == LOCKED
    assert stored.locked_until is not None
    assert stored.locked_until.utcoffset() == timedelta(hours=8)


def test_saving_again_replaces_and_an_empty_run_forgets(repo: Repository) -> None:
    repo.save_organisation(make_org())
    repo.save_pin_attempts("p1", PinAttempts(failures=1))
    repo.save_pin_attempts("p1", LOCKED)
    repo.save_pin_attempts("p3", PinAttempts(failures=2))
    assert repo.pin_attempts("p1") == LOCKED
    repo.save_pin_attempts("p1", PinAttempts())
    assert repo.pin_attempts("p1") == PinAttempts()
    assert repo.pin_attempts("p3") == PinAttempts(failures=2)


def test_attempts_for_someone_not_in_the_roster_are_refused(repo: Repository) -> None:
    with pytest.raises(RecordNotFoundError):
        repo.save_pin_attempts("p1", LOCKED)  # no organisation yet
    repo.save_organisation(make_org())
    with pytest.raises(RecordNotFoundError):
        repo.save_pin_attempts("nobody", LOCKED)


def test_attempts_survive_saving_the_organisation_and_a_pin(repo: Repository) -> None:
    repo.save_organisation(make_org())
    repo.set_pin("p1", "2468")
    repo.save_pin_attempts("p1", LOCKED)
    repo.save_organisation(make_org())
    repo.set_pin("p3", "1357")
    assert repo.pin_attempts("p1") == LOCKED
    assert repo.verify_pin("p1", "2468")


def test_attempts_outlive_the_repository(data_dir: Path) -> None:
    with FileRepository(data_dir) as repo:
        repo.save_organisation(make_org())
        repo.save_pin_attempts("p1", LOCKED)
    with FileRepository(data_dir, writable=False) as reader:
        assert reader.pin_attempts("p1") == LOCKED


def test_the_document_beside_the_credentials(file_repo: FileRepository, data_dir: Path) -> None:
    file_repo.save_organisation(make_org())
    file_repo.set_pin("p1", "2468")
    file_repo.save_pin_attempts("p1", LOCKED)
    org_file = json.loads((data_dir / "org.json").read_text("utf-8"))
    assert org_file[PIN_ATTEMPTS_TABLE] == {
        "1": {
            "person_id": "p1",
            "failures": 0,
            "lockouts": 2,
            "locked_until": "2025-01-07T09:02:00+08:00",
        }
    }
    assert "credentials" in org_file


def test_forgetting_a_run_that_was_never_stored_writes_nothing(
    file_repo: FileRepository, data_dir: Path
) -> None:
    file_repo.save_organisation(make_org())
    before = (data_dir / "org.json").stat().st_mtime_ns, (data_dir / "org.json").read_bytes()
    file_repo.save_pin_attempts("p1", PinAttempts())
    after = (data_dir / "org.json").stat().st_mtime_ns, (data_dir / "org.json").read_bytes()
    assert after == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"failures": "3"}, "failures"),
        ({"failures": -1}, "pin_attempts[1]"),
        ({"locked_until": "2025-01-07T09:02:00"}, "locked_until"),  # no offset
        ({"locked_until": "tomorrow"}, "locked_until"),
        ({"extra": 1}, "extra"),
    ],
)
def test_a_damaged_record_is_reported_and_left_alone(
    data_dir: Path, change: dict[str, object], field: str
) -> None:
    with FileRepository(data_dir) as repo:
        repo.save_organisation(make_org())
        repo.save_pin_attempts("p1", LOCKED)
    path = data_dir / "org.json"
    data = json.loads(path.read_text("utf-8"))
    data[PIN_ATTEMPTS_TABLE]["1"].update(change)
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    before = path.read_bytes()
    with FileRepository(data_dir) as repo:
        for read_or_write in (
            lambda: repo.pin_attempts("p1"),
            lambda: repo.save_pin_attempts("p1", PinAttempts(failures=1)),
        ):
            with pytest.raises(DataFileError) as caught:
                read_or_write()
            assert caught.value.problem is DataFileProblem.INVALID
            message = caught.value.message("en")
            assert "org.json" in message and field in message
        assert repo.pin_attempts("p3") == PinAttempts()  # others are unaffected
    assert path.read_bytes() == before
