"""Party dues (按时收缴党费): each member's monthly amount and what was paid.

The seed lists "按时收缴党费" among the group's standing tasks, and its
October case checks every member's dues. A member's monthly amount can change
(a rate holds from a month on, until the next one); a payment covers one or
more months, possibly ahead of time, possibly short of what was due. Which
months are still unpaid follows from those two lists and today's month.

Money is counted in fen (分, integer cents), never as floats. The clock is an
argument: nothing here reads it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

FEN_PER_YUAN = 100


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """A calendar month (a year and its month, 1–12)."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is not 1-12")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year {self.year} is out of range")

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    def plus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def year_months(year: int) -> tuple[Month, ...]:
    return tuple(Month(year, m) for m in range(1, 13))


@dataclass(frozen=True, slots=True)
class DuesRate:
    """应交党费: what a member pays each month, from ``since`` on (until a
    later rate). Zero means exempt (免交, as the branch approved)."""

    person_id: str
    since: Month
    amount_fen: int
    set_on: date | None = None
    set_by: str | None = None  # who entered it (a person id)


@dataclass(frozen=True, slots=True)
class DuesPayment:
    """党费收缴记录: one payment, covering one month or several."""

    id: str
    person_id: str
    months: tuple[Month, ...]
    amount_fen: int
    paid_on: date
    collected_by: str  # a person id: the leader, or whoever took the money
    recorded_at: datetime | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class DuesBook:
    """Every rate and payment of the branch (all years)."""

    rates: tuple[DuesRate, ...] = ()
    payments: tuple[DuesPayment, ...] = ()
    # A book of the recent years only (rules.dues.history folds the older
    # ones): months before ``history_until`` are not worked out from
    # payments here. ``old_arrears``: each member's months before it still
    # owed; ``carried``: for a payment begun before it (and holding on past
    # it), the fen those months took and how many of them had no amount set.
    history_until: Month | None = None
    old_arrears: Mapping[str, tuple[MonthDues, ...]] = field(default_factory=dict)
    carried: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    # Each member's rates and payments, sorted: made at the first question
    # about anyone (ten years of a branch are 11,000 payments, and a group's
    # dues screen asks about every member, every month).
    _by_person: dict[str, tuple[tuple[DuesRate, ...], tuple[DuesPayment, ...]]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def _of(self, person_id: str) -> tuple[tuple[DuesRate, ...], tuple[DuesPayment, ...]]:
        index = self._by_person
        if index is None:
            rates: dict[str, list[DuesRate]] = {}
            payments: dict[str, list[DuesPayment]] = {}
            for rate in self.rates:
                rates.setdefault(rate.person_id, []).append(rate)
            for payment in self.payments:
                payments.setdefault(payment.person_id, []).append(payment)
            index = {
                person: (
                    tuple(sorted(rates.get(person, ()), key=_rate_key)),
                    tuple(sorted(payments.get(person, ()), key=lambda p: (p.paid_on, p.id))),
                )
                for person in rates.keys() | payments.keys()
            }
            object.__setattr__(self, "_by_person", index)  # frozen: set once, by itself
        return index.get(person_id, ((), ()))

    def rates_of(self, person_id: str) -> tuple[DuesRate, ...]:
        """The member's rates, earliest first."""
        return self._of(person_id)[0]

    def rate_for(self, person_id: str, month: Month) -> int | None:
        """The monthly amount in force in ``month`` (None: none set yet)."""
        found = None
        for rate in self.rates_of(person_id):
            if rate.since <= month:
                found = rate.amount_fen
        return found

    def payments_of(self, person_id: str) -> tuple[DuesPayment, ...]:
        """The member's payments, oldest first."""
        return self._of(person_id)[1]

    def with_rate(self, rate: DuesRate) -> DuesBook:
        """This book with ``rate`` (replacing one for the same person and month)."""
        kept = tuple(
            r for r in self.rates if (r.person_id, r.since) != (rate.person_id, rate.since)
        )
        return replace(self, rates=(*kept, rate))

    def with_payment(self, payment: DuesPayment) -> DuesBook:
        """This book with ``payment`` (replacing one with the same id)."""
        kept = tuple(p for p in self.payments if p.id != payment.id)
        return replace(self, payments=(*kept, payment))

    def merged(self, other: DuesBook) -> DuesBook:
        """Both books' rates and payments (of whole years: no history folded)."""
        return DuesBook(self.rates + other.rates, self.payments + other.payments)


def _rate_key(rate: DuesRate) -> tuple[Month, date]:
    return (rate.since, rate.set_on or date.min)


# --------------------------------------------------------------------------
# What each month stands at


class MonthState(StrEnum):
    PAID = "paid"  # 已交 (also ahead of time)
    PARTIAL = "partial"  # 部分交纳: less than was due
    UNPAID = "unpaid"  # 未交, and the month has come
    NOT_DUE = "not_due"  # a month still ahead, not paid yet
    EXEMPT = "exempt"  # 免交 (a rate of zero)
    NO_RATE = "no_rate"  # no monthly amount set for it


STATE_LABELS: dict[MonthState, tuple[str, str]] = {
    MonthState.PAID: ("已交", "paid"),
    MonthState.PARTIAL: ("部分", "part"),
    MonthState.UNPAID: ("未交", "unpaid"),
    MonthState.NOT_DUE: ("未到", "not due"),
    MonthState.EXEMPT: ("免交", "exempt"),
    MonthState.NO_RATE: ("未核定", "no amount"),
}


@dataclass(frozen=True, slots=True)
class MonthDues:
    month: Month
    due_fen: int | None
    paid_fen: int
    state: MonthState

    @property
    def owed_fen(self) -> int:
        """What is still owed for a month that has come (0 for one ahead)."""
        if self.state in (MonthState.UNPAID, MonthState.PARTIAL) and self.due_fen is not None:
            return self.due_fen - self.paid_fen
        return 0

    @property
    def outstanding(self) -> bool:
        return self.state in (MonthState.UNPAID, MonthState.PARTIAL)


def paid_by_month(book: DuesBook, person_id: str) -> tuple[dict[Month, int], int]:
    """How much of the member's payments went to each month, and what was
    paid over what the months covered were due (多交, kept as paid extra).
    Payments are applied oldest first. Each fills its months up to what is
    still due on them, in month order; what is left goes, split evenly, to
    covered months with no amount set, or else counts as extra.

    In a book of recent years (``history_until``), months before it are
    left out; a payment begun before it goes on with what it had left.
    """
    paid: dict[Month, int] = {}
    extra = 0
    until = book.history_until
    for payment in book.payments_of(person_id):
        spent, unrated_before = book.carried.get(payment.id, (0, 0))
        left = payment.amount_fen - spent
        unrated: list[Month] = []
        for month in sorted(set(payment.months)):
            if until is not None and month < until:
                continue
            due = book.rate_for(person_id, month)
            if due is None:
                unrated.append(month)
                continue
            take = min(left, max(0, due - paid.get(month, 0)))
            if take:
                paid[month] = paid.get(month, 0) + take
                left -= take
        if (unrated or unrated_before) and left:
            share, rest = divmod(left, unrated_before + len(unrated))
            for index, month in enumerate(unrated, start=unrated_before):
                paid[month] = paid.get(month, 0) + share + (1 if index < rest else 0)
            left = 0
        extra += left
    return paid, extra


def month_state(due: int | None, got: int, month: Month, current: Month) -> MonthState:
    """How a month stands: what was due (None: no amount set), what was
    paid towards it, and whether it has come (``current``: this month)."""
    if due is None:
        return MonthState.PAID if got else MonthState.NO_RATE
    if due == 0:
        return MonthState.EXEMPT
    if got >= due:
        return MonthState.PAID
    if month > current:
        return MonthState.NOT_DUE
    return MonthState.PARTIAL if got else MonthState.UNPAID


def month_dues(
    book: DuesBook, person_id: str, months: Iterable[Month], today: date
) -> tuple[MonthDues, ...]:
    """Each of ``months`` for the member, as of ``today``."""
    paid, _ = paid_by_month(book, person_id)
    current = Month.of(today)
    found = []
    for month in months:
        due = book.rate_for(person_id, month)
        got = paid.get(month, 0)
        found.append(MonthDues(month, due, got, month_state(due, got, month, current)))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class MemberYear:
    """One member's year: twelve months, as of a day."""

    person_id: str
    year: int
    months: tuple[MonthDues, ...]

    @property
    def unpaid(self) -> tuple[Month, ...]:
        """Months come and not paid in full (未交 or 部分)."""
        return tuple(m.month for m in self.months if m.outstanding)

    @property
    def owed_fen(self) -> int:
        return sum(m.owed_fen for m in self.months)

    @property
    def paid_fen(self) -> int:
        return sum(m.paid_fen for m in self.months)

    @property
    def no_rate(self) -> bool:
        """Some month that has come has no amount set (未核定)."""
        return any(m.state is MonthState.NO_RATE for m in self.months)


def member_year(book: DuesBook, person_id: str, year: int, today: date) -> MemberYear:
    return MemberYear(person_id, year, month_dues(book, person_id, year_months(year), today))


def arrears(book: DuesBook, person_id: str, today: date) -> tuple[MonthDues, ...]:
    """Every month not paid in full, from the member's first rate up to the
    current month (any year): what the leader sees beside the roster."""
    rates = book.rates_of(person_id)
    if not rates:
        return ()
    start, current = rates[0].since, Month.of(today)
    earlier: tuple[MonthDues, ...] = ()
    if book.history_until is not None:
        earlier = book.old_arrears.get(person_id, ())
        start = max(start, book.history_until)
    months = []
    while start <= current:
        months.append(start)
        start = start.plus(1)
    return earlier + tuple(m for m in month_dues(book, person_id, months, today) if m.outstanding)


def months_text(months: Sequence[Month], lang: str = "zh", year: int | None = None) -> str:
    """``9月、10月`` (or ``Sep, Oct``); a month outside ``year`` carries its year."""
    names = []
    for m in months:
        own_year = year is not None and m.year == year
        if lang == "en":
            label = date(m.year, m.month, 1).strftime("%b")
            names.append(label if own_year else f"{label} {m.year}")
        else:
            names.append(f"{m.month}月" if own_year else f"{m.year}年{m.month}月")
    return ("、" if lang != "en" else ", ").join(names)


# --------------------------------------------------------------------------
# Money as typed and shown


class DuesError(ValueError):
    """Something typed that cannot be recorded, said in both languages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.message_zh = zh
        self.message_en = en

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh


def yuan(fen: int) -> str:
    """``3050`` → ``30.50``."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole}.{cents:02d}"


def parse_yuan(text: str) -> int:
    """An amount in yuan as typed (``30``, ``30.5``, ``¥30.50``, ``30元``,
    full-width digits) in fen. Refuses negatives and fractions of a fen."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    cleaned = cleaned.removeprefix("¥").removeprefix("￥").removesuffix("元").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0:
        raise DuesError(
            f"“{text}”不是金额,请输入元数,如 30 或 30.50。",
            f"{text!r} is not an amount; type yuan, e.g. 30 or 30.50.",
        )
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise DuesError(
            f"“{text}”精确到分即可(小数点后最多两位)。",
            f"{text!r}: at most two decimal places (fen).",
        )
    return int(fen)


def parse_months(text: str, year: int) -> tuple[Month, ...]:
    """Months of ``year`` as typed: ``9``, ``9-11``, ``9,10,12``, ``9、10``,
    ``9月-11月``."""
    cleaned = unicodedata.normalize("NFKC", text).replace("月", "").replace("至", "-")
    cleaned = cleaned.replace("~", "-").replace("、", ",").replace(" ", ",")
    months: set[int] = set()
    bad = DuesError(
        f"“{text}”不是月份,请写成 9 或 9-11 或 9,10,12。",
        f"{text!r} is not months; type 9, or 9-11, or 9,10,12.",
    )
    for part in filter(None, (p.strip() for p in cleaned.split(","))):
        first, _, last = part.partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise bad
        low, high = int(first), int(last or first)
        if not (1 <= low <= high <= 12):
            raise bad
        months.update(range(low, high + 1))
    if not months:
        raise bad
    return tuple(Month(year, m) for m in sorted(months))


# --------------------------------------------------------------------------
# Changing the book


def new_rate(
    person_id: str, since: Month, amount_fen: int, set_on: date, set_by: str | None
) -> DuesRate:
    if amount_fen < 0:
        raise DuesError("月缴纳额不能为负数。", "The monthly amount cannot be negative.")
    return DuesRate(person_id, since, amount_fen, set_on=set_on, set_by=set_by)


def new_payment(
    book: DuesBook,
    *,
    payment_id: str,
    person_id: str,
    months: Sequence[Month],
    amount_fen: int,
    paid_on: date,
    collected_by: str,
    today: date,
    recorded_at: datetime | None = None,
    lang: str = "zh",
) -> DuesPayment:
    """A payment checked against the book: some months, a positive amount,
    not dated ahead of today, no month already paid in full."""
    if not months:
        raise DuesError("请填写所交的月份。", "Say which months the payment covers.")
    if amount_fen <= 0:
        raise DuesError("交纳金额必须大于零。", "The amount paid must be more than zero.")
    if paid_on > today:
        raise DuesError("交纳日期不能晚于今天。", "The payment cannot be dated after today.")
    if not collected_by:
        raise DuesError("请填写收缴人。", "Say who collected it.")
    covered = tuple(sorted(set(months)))
    done = [
        m.month
        for m in month_dues(book, person_id, covered, today)
        if m.state in (MonthState.PAID, MonthState.EXEMPT)
    ]
    if done:
        zh, en = months_text(done, "zh"), months_text(done, "en")
        raise DuesError(
            f"{zh}已交清(或免交),不能重复记录。", f"{en}: already paid in full (or exempt)."
        )
    return DuesPayment(
        id=payment_id,
        person_id=person_id,
        months=covered,
        amount_fen=amount_fen,
        paid_on=paid_on,
        collected_by=collected_by,
        recorded_at=recorded_at,
    )


def suggested_payment(book: DuesBook, person_id: str, year: int, today: date) -> MonthsDue:
    """What a member would most likely pay now: the months of ``year`` come
    and not paid in full; failing those, the next month not yet paid (ahead
    of time). With what is still due on them."""
    months = member_year(book, person_id, year, today).months
    wanted = [m for m in months if m.outstanding]
    if not wanted:
        wanted = [m for m in months if m.state is MonthState.NOT_DUE][:1]
    owed = sum((m.due_fen or 0) - m.paid_fen for m in wanted)
    return MonthsDue(tuple(m.month for m in wanted), owed)


@dataclass(frozen=True, slots=True)
class MonthsDue:
    months: tuple[Month, ...] = ()
    amount_fen: int = 0
