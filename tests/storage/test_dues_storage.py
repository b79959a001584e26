"""Party dues in dues/YYYY.json: a round trip, the year a record is filed
under, and a damaged file left untouched."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from rules.dues.book import DuesBook, DuesPayment, DuesRate, Month
from storage import DataFileError, DataFileProblem, FileRepository, Repository

from .conftest import at

RATE = DuesRate("p1", Month(2025, 7), 3000, set_on=date(2025, 6, 28), set_by="p1")
RAISED = DuesRate("p1", Month(2026, 1), 4550, set_on=date(2025, 12, 30), set_by="p1")
PAYMENT = DuesPayment(
    id="d-1",
    person_id="p1",
    months=(Month(2025, 12), Month(2026, 1)),  # across the new year: filed under 2025
    amount_fen=3000 + 4550,
    paid_on=date(2025, 12, 5),
    collected_by="p2",
    recorded_at=at(2025, 12, 5, 16, 40),
    note="现金",
)


def test_dues_round_trip(repo: Repository) -> None:
    assert repo.dues() == DuesBook()
    repo.save_dues_rate(RATE)
    repo.save_dues_rate(RAISED)
    repo.save_dues_payment(PAYMENT)
    book = repo.dues()
    assert set(book.rates) == {RATE, RAISED}
    assert book.payments == (PAYMENT,)
    assert repo.dues(2025).payments == (PAYMENT,)
    assert repo.dues(2026).rates == (RAISED,)
    # The same person and month again replaces the amount; the same payment id too.
    repo.save_dues_rate(DuesRate("p1", Month(2026, 1), 5000))
    repo.save_dues_payment(dataclasses.replace(PAYMENT, amount_fen=8000))
    book = repo.dues()
    assert book.rate_for("p1", Month(2026, 3)) == 5000
    assert len(book.rates) == 2
    assert [p.amount_fen for p in book.payments] == [8000]


def test_dues_files_are_readable_json_per_year(data_dir: Path) -> None:
    with FileRepository(data_dir) as repo:
        repo.save_dues_rate(RATE)
        repo.save_dues_payment(PAYMENT)
        repo.save_dues_rate(RAISED)
    assert sorted(p.name for p in (data_dir / "dues").iterdir()) == ["2025.json", "2026.json"]
    text = (data_dir / "dues" / "2025.json").read_text("utf-8")
    assert "现金" in text  # Chinese kept literal
    data = json.loads(text)
    assert data["_meta"]["1"]["kind"] == "dues"
    assert data["payments"]["1"]["months"] == [
        {"year": 2025, "month": 12},
        {"year": 2026, "month": 1},
    ]
    with FileRepository(data_dir, writable=False) as reader:
        assert reader.dues().rate_for("p1", Month(2026, 2)) == 4550


def test_a_damaged_dues_file_is_named_and_never_overwritten(data_dir: Path) -> None:
    with FileRepository(data_dir) as repo:
        repo.save_dues_rate(RATE)
    path = data_dir / "dues" / "2025.json"
    content = path.read_bytes()[:-30]
    path.write_bytes(content)
    with FileRepository(data_dir) as repo:
        with pytest.raises(DataFileError) as caught:
            repo.save_dues_payment(PAYMENT)
        assert caught.value.problem is DataFileProblem.TRUNCATED
        assert caught.value.path == path
        with pytest.raises(DataFileError):
            repo.dues()
    assert path.read_bytes() == content


def test_a_dues_record_in_the_wrong_years_file_is_refused(data_dir: Path) -> None:
    with FileRepository(data_dir) as repo:
        repo.save_dues_rate(RATE)
    path = data_dir / "dues" / "2025.json"
    content = path.read_text("utf-8").replace('"year": 2025', '"year": 2024')
    path.write_text(content, "utf-8")
    with FileRepository(data_dir) as repo:
        with pytest.raises(DataFileError) as caught:
            repo.save_dues_rate(DuesRate("p2", Month(2025, 3), 1000))
        assert "2024-07" in caught.value.message("en")
    assert path.read_text("utf-8") == content
    bad_month = content.replace('"month": 7', '"month": 13')
    path.write_text(bad_month, "utf-8")
    with FileRepository(data_dir, writable=False) as reader, pytest.raises(DataFileError) as bad:
        reader.dues()
    assert "rates[1]" in bad.value.message("en")
