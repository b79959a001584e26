"""Year files: the annual plans and the party dues, one file per year.

* ``plans/<YYYY>.json``: that year's annual plans (table ``plans``), one
  per group;
* ``dues/<YYYY>.json``: party dues (rules.dues.book, 按时收缴党费): monthly
  amounts set from a month of that year (table ``rates``) and payments whose
  first month covered is in it (table ``payments``).

A file's name is its year, and every record in it belongs there.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from rules.dues.book import DuesBook, DuesPayment, DuesRate
from rules.models import AnnualPlan
from storage import codec
from storage.atomic import MarkedJSONStorage, Tables
from storage.tables import (
    DUES,
    DUES_PATTERN,
    PLANS,
    PLANS_PATTERN,
    Documents,
    append,
    check_year,
    invalid,
    put,
    read_table,
)

PLANS_TABLE: Final = "plans"
DUES_RATES_TABLE: Final = "rates"
DUES_PAYMENTS_TABLE: Final = "payments"


def _decode_plans(data: Tables, where: Path | str, *, year: int) -> tuple[AnnualPlan, ...]:
    plans = read_table(data, PLANS_TABLE, AnnualPlan, where)
    for plan in plans:
        if plan.year != year:
            raise invalid(where, f"a {plan.year} plan in the file for {year}")
    return plans


def _decode_dues(data: Tables, where: Path | str, *, year: int) -> DuesBook:
    rates = read_table(data, DUES_RATES_TABLE, DuesRate, where)
    payments = read_table(data, DUES_PAYMENTS_TABLE, DuesPayment, where)
    for rate in rates:
        if rate.since.year != year:
            raise invalid(where, f"a rate from {rate.since} in the file for {year}")
    for payment in payments:
        if not payment.months:
            raise invalid(where, f"payment {payment.id!r} covers no month")
        if min(payment.months).year != year:
            raise invalid(where, f"payment {payment.id!r} belongs to {min(payment.months).year}")
    return DuesBook(rates, payments)


def _dues_year(payment: DuesPayment) -> int:
    """A payment is filed under the year of the first month it covers."""
    if not payment.months:
        raise ValueError(f"payment {payment.id!r} covers no month")
    return min(payment.months).year


class YearFiles:
    """The plans' and the dues' files, by year."""

    def __init__(self, documents: Documents) -> None:
        self._documents = documents
        self._plan_files: dict[str, tuple[bytes, tuple[AnnualPlan, ...]]] = {}
        self._dues_files: dict[str, tuple[bytes, DuesBook]] = {}

    def _years(self, pattern: str, kind: str) -> Iterator[tuple[str, int]]:
        """The names of the files matching ``pattern``, with their years."""
        for name in self._documents.store.names(pattern):
            year_text = name.rsplit("/", 1)[-1]
            if not year_text.isdigit():
                where = self._documents.where(name, kind)
                raise invalid(where, f"a {kind} file must be named after its year")
            yield name, int(year_text)

    # -- plans -------------------------------------------------------------

    def plan_years(self) -> list[int]:
        """The years with a plans file, oldest first (nothing read)."""
        return sorted(year for _, year in self._years(PLANS_PATTERN, PLANS))

    def plans_fingerprint(self) -> str | None:
        """A digest of the plans files, nothing read (``DocumentStore.fingerprint``)."""
        return self._documents.store.fingerprint(PLANS_PATTERN)

    def has_plans(self) -> bool:
        return bool(self._documents.store.names(PLANS_PATTERN))

    def plans(self, year: int | None = None) -> list[AnnualPlan]:
        pattern = PLANS_PATTERN if year is None else f"plans/{year:04d}"
        found = [
            plan
            for name, file_year in self._years(pattern, PLANS)
            for plan in self._documents.cached(
                self._plan_files, name, PLANS, functools.partial(_decode_plans, year=file_year)
            )
            or ()
        ]
        return sorted(found, key=lambda plan: (plan.year, plan.group_id))

    def save_plan(self, plan: AnnualPlan) -> None:
        self._documents.check_can_write()
        check_year(plan.year)
        storage, data = self._documents.open(f"plans/{plan.year:04d}", PLANS)
        data = data or {}
        _decode_plans(data, storage.where, year=plan.year)
        put(data, PLANS_TABLE, "group_id", plan.group_id, codec.unstructure(plan))
        storage.write(data)

    # -- party dues (按时收缴党费) ---------------------------------------------

    def dues_fingerprint(self) -> str | None:
        """A digest of the dues files, nothing read (``DocumentStore.fingerprint``)."""
        return self._documents.store.fingerprint(DUES_PATTERN)

    def dues_years(self) -> list[int]:
        """The years with a dues file, oldest first."""
        return sorted(year for _, year in self._years(DUES_PATTERN, DUES))

    def dues(self, year: int | None = None, *, keep: bool = True) -> DuesBook:
        """Every rate and payment (of ``year``'s file only, when given).
        Kept decoded for the next read unless ``keep`` is false."""
        pattern = DUES_PATTERN if year is None else f"dues/{year:04d}"
        book = DuesBook()
        for name, file_year in self._years(pattern, DUES):
            decode = functools.partial(_decode_dues, year=file_year)
            found = self._documents.cached(self._dues_files if keep else {}, name, DUES, decode)
            if found is not None:
                book = book.merged(found)
        return book

    def _dues_file(self, year: int) -> tuple[MarkedJSONStorage, Tables]:
        self._documents.check_can_write()
        check_year(year)
        storage, data = self._documents.open(f"dues/{year:04d}", DUES)
        data = data or {}
        _decode_dues(data, storage.where, year=year)  # never write over what we cannot read
        data.setdefault(DUES_RATES_TABLE, {})
        data.setdefault(DUES_PAYMENTS_TABLE, {})
        return storage, data

    def save_dues(self, book: DuesBook) -> None:
        years = {r.since.year for r in book.rates} | {_dues_year(p) for p in book.payments}
        for year in sorted(years):
            storage, data = self._dues_file(year)
            rows = data[DUES_RATES_TABLE]
            for rate in (r for r in book.rates if r.since.year == year):
                document = codec.unstructure(rate)
                same = [
                    doc_id
                    for doc_id, existing in rows.items()
                    if (existing.get("person_id"), existing.get("since"))
                    == (rate.person_id, document["since"])
                ]
                if same:
                    rows[same[0]] = document
                else:
                    append(data, DUES_RATES_TABLE, document)
            for payment in (p for p in book.payments if _dues_year(p) == year):
                put(data, DUES_PAYMENTS_TABLE, "id", payment.id, codec.unstructure(payment))
            storage.write(data)
