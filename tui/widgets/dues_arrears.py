"""Unpaid party dues beside the roster (按时收缴党费), for the leader's eyes
only: shown on the meeting screen's sign-in step, never on the large code
screen or the phone pages, which members look at."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from rules.dues.book import DuesBook, Month, arrears, months_text, yuan
from rules.models import Person
from tui.core.env import KioskEnv

#: This month's payers are named up to this many; beyond, counted.
NAMED_THIS_MONTH = 3


def arrears_line(book: DuesBook, people: Iterable[Person], today: date, env: KioskEnv) -> str:
    """``党费欠缴:刘洋 9月、10月、11月(60.00元)· 本月未交:赵磊`` — the
    months before this one still unpaid, by name, then who has not yet paid
    this month (the meeting is where it is often handed over). Empty when
    nobody owes anything."""
    current = Month.of(today)
    earlier: list[str] = []
    this_month: list[str] = []
    for person in people:
        if not person.is_party_member:
            continue
        owed = arrears(book, person.id, today)
        past = [m for m in owed if m.month < current]
        if past:
            months = months_text([m.month for m in past], env.lang, today.year)
            fen = yuan(sum(m.owed_fen for m in past))
            earlier.append(
                env.t(f"{person.name} {months}({fen}元)", f"{person.name} {months} ({fen})")
            )
        if any(m.month == current for m in owed):
            this_month.append(person.name)
    parts = []
    if earlier:
        parts.append(env.t("党费欠缴:", "Dues unpaid: ") + env.t(";", "; ").join(earlier))
    if this_month:
        named = (
            env.t("、", ", ").join(this_month)
            if len(this_month) <= NAMED_THIS_MONTH
            else env.t(f"{len(this_month)} 人", f"{len(this_month)} members")
        )
        parts.append(env.t("本月党费未交:", "Not yet paid this month: ") + named)
    return " · ".join(parts)
