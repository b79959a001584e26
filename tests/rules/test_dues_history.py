"""Older years' dues folded a year at a time answer as the whole book does."""

from __future__ import annotations

import random
from datetime import date

import pytest

from rules.dues.book import (
    DuesBook,
    DuesPayment,
    DuesRate,
    Month,
    arrears,
    member_year,
    month_dues,
    year_months,
)
from rules.dues.history import DuesFold

FIRST, LAST = 2015, 2026
TODAY = date(2026, 11, 20)
PEOPLE = ("p1", "p2", "p3")


def _random_book(seed: int) -> DuesBook:
    """Rates that change, payments of one month or several (some across a
    new year, some paid late, ahead, short or over), months without a rate."""
    rng = random.Random(seed)
    rates: list[DuesRate] = []
    payments: list[DuesPayment] = []
    for person in PEOPLE:
        since = Month(FIRST + rng.randrange(3), rng.randrange(1, 13))
        while since.year <= LAST:
            rates.append(DuesRate(person, since, rng.choice((0, 500, 1000, 2350))))
            since = since.plus(rng.randrange(5, 40))
        month = Month(FIRST, 1)
        while month <= Month.of(TODAY):
            span = rng.choice((1, 1, 1, 2, 3, 6))
            months = tuple(month.plus(i) for i in range(span))
            if rng.random() < 0.85:
                paid_on = date(month.year, month.month, rng.randrange(1, 28))
                late = rng.choice((0, 0, 0, 1, 14, 40))
                paid_on = date.fromordinal(min(paid_on.toordinal() + late, TODAY.toordinal()))
                amount = rng.choice((500, 1000, 2350, 3000, 100)) * span
                payments.append(
                    DuesPayment(f"d-{person}-{len(payments)}", person, months, amount, paid_on, "x")
                )
            month = month.plus(span if rng.random() < 0.9 else span + 1)
    return DuesBook(tuple(rates), tuple(payments))


def _filed(book: DuesBook, year: int) -> DuesBook:
    """What a year's file holds (storage.year_files)."""
    return DuesBook(
        tuple(r for r in book.rates if r.since.year == year),
        tuple(p for p in book.payments if min(p.months).year == year),
    )


def _folded(book: DuesBook, until_year: int) -> DuesBook:
    fold = DuesFold(Month(until_year, 1))
    for year in range(FIRST, until_year):
        fold.add_year(year, _filed(book, year))
    recent = [_filed(book, year) for year in range(until_year, LAST + 2)]
    return fold.book(
        DuesBook(
            tuple(r for f in recent for r in f.rates),
            tuple(p for f in recent for p in f.payments),
        )
    )


@pytest.mark.parametrize("seed", range(25))
@pytest.mark.parametrize("until_year", [2016, 2020, 2025])
def test_a_folded_book_answers_as_the_whole_book(seed: int, until_year: int) -> None:
    whole = _random_book(seed)
    folded = _folded(whole, until_year)
    for person in PEOPLE:
        assert arrears(folded, person, TODAY) == arrears(whole, person, TODAY)
        for year in range(until_year, LAST + 1):
            assert member_year(folded, person, year, TODAY) == member_year(
                whole, person, year, TODAY
            )
    # and the folded book holds only the recent years' payments, with those
    # of older years still running into them
    assert len(folded.payments) < len(whole.payments)
    assert all(max(p.months).year >= until_year for p in folded.payments)


def test_a_payment_across_the_new_year_goes_on_with_what_it_had_left() -> None:
    rates = (DuesRate("p1", Month(2023, 1), 1000),)
    across = DuesPayment(
        "d-1", "p1", (Month(2023, 12), Month(2024, 1)), 1500, date(2023, 12, 5), "x"
    )
    january = DuesPayment("d-2", "p1", (Month(2024, 1),), 1000, date(2024, 1, 9), "x")
    whole = DuesBook(rates, (across, january))
    fold = DuesFold(Month(2024, 1))
    fold.add_year(2023, DuesBook(rates, (across,)))
    folded = fold.book(DuesBook((), (january,)))
    today = date(2024, 2, 1)
    # December took 1000 of the 1500; January got the other 500, then 500 of
    # the second payment: paid in full, as in the whole book.
    assert month_dues(folded, "p1", year_months(2024)[:1], today) == month_dues(
        whole, "p1", year_months(2024)[:1], today
    )
    assert month_dues(folded, "p1", year_months(2024)[:1], today)[0].paid_fen == 1000
    assert folded.carried == {"d-1": (1000, 0)}


def test_months_owed_in_a_folded_year_stay_owed() -> None:
    rates = (DuesRate("p1", Month(2020, 11), 800),)
    paid = DuesPayment("d-1", "p1", (Month(2020, 11),), 800, date(2020, 11, 3), "x")
    fold = DuesFold(Month(2021, 1))
    fold.add_year(2020, DuesBook(rates, (paid,)))
    folded = fold.book(DuesBook())
    owed = arrears(folded, "p1", date(2021, 1, 15))
    assert [m.month for m in owed] == [Month(2020, 12), Month(2021, 1)]
    assert folded.payments == ()


def test_years_are_given_in_order_and_none_is_left_out() -> None:
    fold = DuesFold(Month(2024, 1))
    fold.add_year(2021, DuesBook())
    with pytest.raises(ValueError, match="2022"):
        fold.add_year(2023, DuesBook())
    fold.add_year(2022, DuesBook())
    with pytest.raises(ValueError, match="2023"):
        fold.book(DuesBook())
    with pytest.raises(ValueError, match="not before"):
        fold.add_year(2024, DuesBook())


def test_an_older_payment_paid_later_is_applied_after_the_earlier_one() -> None:
    """The whole book applies payments by the day paid: a January payment
    made before a December-to-February one comes first, even though the
    longer one is filed a year earlier."""
    rates = (DuesRate("p1", Month(2023, 12), 1000),)
    longer = DuesPayment(
        "d-1", "p1", (Month(2023, 12), Month(2024, 1), Month(2024, 2)), 2000, date(2024, 3, 1), "x"
    )
    january = DuesPayment("d-2", "p1", (Month(2024, 1),), 1000, date(2024, 1, 9), "x")
    whole = DuesBook(rates, (longer, january))
    fold = DuesFold(Month(2025, 1))
    fold.add_year(2023, DuesBook(rates, (longer,)))
    fold.add_year(2024, DuesBook((), (january,)))
    folded = fold.book(DuesBook())
    today = date(2025, 1, 10)
    assert arrears(folded, "p1", today) == arrears(whole, "p1", today)
    assert Month(2024, 2) not in [m.month for m in arrears(folded, "p1", today)]
