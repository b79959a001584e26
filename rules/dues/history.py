"""Party dues of the older years, folded a year at a time.

A kiosk keeps the recent years' dues in memory (every rate and payment of
them) and works out the older ones once, a year's file at a time, oldest
first, keeping only what the recent years need of them: the months each
member still owes, and, for a payment begun in an older year and holding on
into the recent ones, what its older months took. ``DuesFold.book`` gives
the recent years' book with that history folded into it
(``DuesBook.history_until``); it answers every question ``rules.dues.book`` asks
exactly as the book of every year would.

Why a year at a time is exact: a payment is filed under the year of the
first month it covers, so by the time a year is reached every payment that
covers one of its months is known. Within the year they are applied in the
order the whole book applies them (the day paid, then the id), each going on
with what its earlier months left it, so every month gets what it would get.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rules.dues.book import (
    DuesBook,
    DuesPayment,
    DuesRate,
    Month,
    MonthDues,
    month_state,
    year_months,
)


@dataclass(slots=True)
class _Applying:
    """A payment part of the way through its months."""

    payment: DuesPayment
    left: int  # fen not yet taken by its months
    unrated: int = 0  # its months so far with no amount set


class DuesFold:
    """The dues of the years before ``until`` (a January), given oldest
    first with ``add_year``; every year from the first up to ``until`` must
    be given (an empty book for a year without a file)."""

    def __init__(self, until: Month) -> None:
        if until.month != 1:
            raise ValueError("dues are folded by whole years")
        self.until = until
        self._rates = DuesBook()
        self._applying: list[_Applying] = []
        self._owed: dict[str, list[MonthDues]] = {}
        self._next_year: int | None = None

    def add_year(self, year: int, filed: DuesBook) -> None:
        """The rates and payments filed under ``year`` (one year's file)."""
        if year >= self.until.year:
            raise ValueError(f"{year} is not before {self.until.year}")
        if self._next_year is not None and year != self._next_year:
            raise ValueError(f"expected the dues of {self._next_year}, got {year}")
        self._next_year = year + 1
        if filed.rates:
            self._rates = DuesBook(rates=self._rates.rates + filed.rates)
        self._applying.extend(_Applying(p, p.amount_fen) for p in filed.payments)
        self._applying.sort(key=lambda a: (a.payment.person_id, a.payment.paid_on, a.payment.id))
        paid: dict[tuple[str, Month], int] = {}
        for applying in self._applying:
            self._apply(applying, year, paid)
        self._applying = [a for a in self._applying if max(a.payment.months).year > year]
        self._settle(year, paid)

    def _apply(self, applying: _Applying, year: int, paid: dict[tuple[str, Month], int]) -> None:
        person = applying.payment.person_id
        for month in sorted({m for m in applying.payment.months if m.year == year}):
            due = self._rates.rate_for(person, month)
            if due is None:
                applying.unrated += 1
                continue
            key = (person, month)
            take = min(applying.left, max(0, due - paid.get(key, 0)))
            if take:
                paid[key] = paid.get(key, 0) + take
                applying.left -= take
        # (What a payment has left once its months are over goes to its
        # months without an amount, or is paid extra: neither is owed.)

    def _settle(self, year: int, paid: dict[tuple[str, Month], int]) -> None:
        """The months of ``year`` each member still owes."""
        people = {r.person_id for r in self._rates.rates}
        for person in sorted(people):
            first = self._rates.rates_of(person)[0].since
            for month in year_months(year):
                if month < first:
                    continue
                due = self._rates.rate_for(person, month)
                got = paid.get((person, month), 0)
                dues = MonthDues(month, due, got, month_state(due, got, month, self.until))
                if dues.outstanding:
                    self._owed.setdefault(person, []).append(dues)

    def book(self, recent: DuesBook, rates: tuple[DuesRate, ...] | None = None) -> DuesBook:
        """The book of the years from ``until`` on (``recent``: their rates
        and payments) with the older years folded in. ``rates``: every rate
        of every year instead of those given so far and ``recent``'s (a
        book asked for about one older year, whose later years' rates are
        known)."""
        if self._next_year is not None and self._next_year != self.until.year:
            raise ValueError(f"the dues of {self._next_year} were not given")
        carried = {a.payment.id: (a.payment.amount_fen - a.left, a.unrated) for a in self._applying}
        return DuesBook(
            rates=rates if rates is not None else self._rates.rates + recent.rates,
            payments=tuple(a.payment for a in self._applying) + recent.payments,
            history_until=self.until,
            old_arrears={person: tuple(owed) for person, owed in self._owed.items()},
            carried=carried,
        )


def with_recent(older: DuesBook, recent: DuesBook) -> DuesBook:
    """``older``, the book ``DuesFold.book`` gives for no recent years, with
    the recent years' rates and payments: the book ``DuesFold.book(recent)``
    gives (so the fold of the older years can be kept, and the recent
    years added to it at every start)."""
    return replace(
        older, rates=older.rates + recent.rates, payments=older.payments + recent.payments
    )
