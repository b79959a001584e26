"""PINs: salted scrypt, parameters stored with the hash, constant-time check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage import DataFileError, DataFileProblem, FileRepository
from storage.pins import PinHash, check_pin, hash_pin

from .conftest import make_org


def test_each_hash_has_its_own_salt() -> None:
    first, second = hash_pin("1234"), hash_pin("1234")
    assert first.salt != second.salt
    assert first.key != second.key
    assert check_pin("1234", first) and check_pin("1234", second)
    assert not check_pin("1235", first)
    assert not check_pin("1234", None)


def test_stored_parameters_are_used_for_checking() -> None:
    cheap = hash_pin("1234", n=2**10, r=4, p=1)
    again = PinHash.from_document(json.loads(json.dumps(cheap.to_document())))
    assert again == cheap
    assert check_pin("1234", again)
    assert cheap.to_document()["scheme"] == "scrypt"
    assert cheap.to_document()["n"] == 2**10


@pytest.mark.parametrize(
    "change",
    [
        {"scheme": "md5"},
        {"n": 2**30},  # would take gigabytes
        {"n": 1000},  # not a power of two
        {"r": "8"},
        {"salt": "not base64!"},
        {"key": ""},
    ],
)
def test_a_tampered_credential_is_reported(data_dir: Path, change: dict[str, object]) -> None:
    with FileRepository(data_dir) as repo:
        repo.save_organisation(make_org())
        repo.set_pin("p1", "1234")
    path = data_dir / "org.json"
    data = json.loads(path.read_text("utf-8"))
    data["credentials"]["1"].update(change)
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    before = path.read_bytes()
    with FileRepository(data_dir) as repo:
        with pytest.raises(DataFileError) as caught:
            repo.verify_pin("p1", "1234")
        assert caught.value.problem is DataFileProblem.INVALID
        assert "credentials[1]" in caught.value.message("en")
        assert repo.verify_pin("p2", "1234") is False  # others are unaffected
    assert path.read_bytes() == before
