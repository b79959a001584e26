"""The demo branch's party dues: most members pay every month at their
group's meeting, a few do not.

Deterministic for a given ``now`` and ``seed`` (a generator of its own, so
the rest of the demo does not change with it); reads no clock.

- 刘洋 (p06, 第一党小组) has paid nothing for the last three months;
- 黄晓东 (p13, 第二党小组) has not paid this month yet;
- 罗敏 (p18, 第三党小组) paid only part of the month before last;
- 郭倩 (p20, 第四党小组) paid the whole of this year ahead, in January;
- 李志强 (p04), 张海涛 (p10) and 高峰 (p17) pay a new amount from this
  January (a pay rise), when the records reach back that far.
"""

from __future__ import annotations

import random
from datetime import date, datetime

from rules.dues.book import DuesBook, DuesPayment, DuesRate, Month
from rules.models import BranchRecords

#: Monthly amounts (fen) the demo draws from: 0.5 %–2 % of a monthly wage.
_AMOUNTS = (1200, 1500, 2000, 2400, 3000, 3600, 4500, 5200, 6800)
_NOT_PAYING = "p06"  # the last three months unpaid
_LATE_THIS_MONTH = "p13"
_PART_PAID = "p18"
_PAID_AHEAD = "p20"
_RAISED = ("p04", "p10", "p17")
_PAY_DAY = 5  # dues are handed to the leader at the monthly meeting


def demo_dues(records: BranchRecords, now: datetime, seed: int = 7) -> DuesBook:
    rng = random.Random(seed + 2)
    org = records.organisation
    today = now.date()
    current = Month.of(today)
    first = Month.of(records.records_since or today)
    january = Month(current.year, 1)
    rates: list[DuesRate] = []
    payments: list[DuesPayment] = []
    for person in org.party_members:
        group = org.group(person.group_id) if person.group_id else None
        collector = group.leader_id if group and group.leader_id else person.id
        amount = rng.choice(_AMOUNTS)
        rates.append(
            DuesRate(person.id, first, amount, set_on=_day(first.plus(-1), 28), set_by="p02")
        )
        raised_from = january if person.id in _RAISED and january > first else None
        if raised_from is not None:
            rates.append(
                DuesRate(
                    person.id,
                    raised_from,
                    amount + 1000,
                    set_on=_day(raised_from.plus(-1), 28),
                    set_by="p02",
                )
            )

        def due(month: Month, amount: int = amount, raised: Month | None = raised_from) -> int:
            return amount + 1000 if raised is not None and month >= raised else amount

        if person.id == _PAID_AHEAD and january >= first:
            ahead = tuple(Month(current.year, m) for m in range(1, 13))
            payments.append(
                DuesPayment(
                    id=f"d-{person.id}-{current.year}",
                    person_id=person.id,
                    months=ahead,
                    amount_fen=sum(due(m) for m in ahead),
                    paid_on=_day(january, _PAY_DAY),
                    collected_by=collector,
                )
            )
        month = first
        while month <= current:
            if person.id == _PAID_AHEAD and month >= january:
                break
            paid_on = _day(month, _PAY_DAY)
            skip = (
                paid_on > today
                or (person.id == _NOT_PAYING and month >= current.plus(-2))
                or (person.id == _LATE_THIS_MONTH and month == current)
            )
            if not skip:
                amount_paid = due(month)
                if person.id == _PART_PAID and month == current.plus(-2):
                    amount_paid //= 2
                payments.append(
                    DuesPayment(
                        id=f"d-{person.id}-{month.year:04d}{month.month:02d}",
                        person_id=person.id,
                        months=(month,),
                        amount_fen=amount_paid,
                        paid_on=paid_on,
                        collected_by=collector,
                    )
                )
            month = month.plus(1)
    return DuesBook(tuple(rates), tuple(payments))


def _day(month: Month, day: int) -> date:
    return date(month.year, month.month, day)
