"""Files written before msgspec read exactly as they were written.

``tests/fixtures/storage/main_6404806_2y.tar.gz``: a data directory written
by main at commit 6404806 (the generated codec, cattrs and orjson) with
``benchmarks.data.write_branch(data, 2, now=2026-03-01 09:00 Asia/Shanghai)``:
two years of the ten-year sample, 200 meetings (190 sealed), their tasks,
plans, dues and the unlock PINs. Every seal still verifies, and writing what
was read gives the same bytes (so nothing was lost or changed in reading,
and backups and diffs do not churn).
"""

from __future__ import annotations

import json
import tarfile
from pathlib import Path
from typing import Any

import pytest

from rules.dues.book import DuesPayment, DuesRate
from rules.meeting.seal import SealHead, verify
from rules.models import (
    AnnualPlan,
    Branch,
    FollowUpTask,
    Group,
    GroupChange,
    Meeting,
    Person,
    PersonChange,
)
from storage import FileRepository, save_records
from storage.atomic import decode, encode
from storage.codec import structure, unstructure

FIXTURE = Path(__file__).parent.parent / "fixtures" / "storage" / "main_6404806_2y.tar.gz"


@pytest.fixture(scope="module")
def old_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("main-files")
    with tarfile.open(FIXTURE) as archive:
        archive.extractall(root, filter="data")
    return root / "main_2y"


def test_old_files_read_and_every_seal_verifies(old_dir: Path) -> None:
    repo = FileRepository(old_dir, writable=False).open()
    records = repo.records()
    assert len(records.meetings) == 200 and len(records.plans) == 24
    assert len(repo.dues().payments) == 2301
    result = verify(records.meetings, repo.seal_heads())
    assert result.ok, result.problems
    assert result.sealed >= 190


# Each table's records by class (the rest, credentials and settings, are
# kept as they are).
CLASSES: dict[str, dict[str, type[Any]]] = {
    "org": {
        "branch": Branch,
        "groups": Group,
        "people": Person,
        "person_changes": PersonChange,
        "group_changes": GroupChange,
        "seal_heads": SealHead,
    },
    "meeting": {"meeting": Meeting, "tasks": FollowUpTask},
    "plans": {"plans": AnnualPlan},
    "dues": {"rates": DuesRate, "payments": DuesPayment},
}


def test_every_record_is_written_back_byte_for_byte(old_dir: Path) -> None:
    files = sorted(old_dir.rglob("*.json"))
    assert len(files) > 200  # the meetings, org.json, plans and dues by year
    for path in files:
        raw = path.read_bytes()
        kind = json.loads(raw)["_meta"]["1"]["kind"]
        tables = decode(raw, kind, path)
        for table, cls in CLASSES[kind].items():
            for doc_id, document in tables.get(table, {}).items():
                record = structure(document, cls, where=path, label=f"{table}[{doc_id}]")
                tables[table][doc_id] = unstructure(record)
        assert encode(tables, kind) == raw, path


def test_what_is_read_is_saved_and_read_again_alike(old_dir: Path, tmp_path: Path) -> None:
    old = FileRepository(old_dir, writable=False).open()
    records, dues = old.records(), old.dues()
    with FileRepository(tmp_path) as repo:
        save_records(repo, records)
        repo.save_dues(dues)
    again = FileRepository(tmp_path, writable=False).open()
    assert again.records() == records
    assert again.dues() == dues
    assert again.seal_heads() == old.seal_heads()
