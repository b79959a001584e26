"""The dues check (党费收缴情况检查) and the year's ledger as a table.

The seed's plan for October: "党费政策和党费检查" — every member's dues are
checked. ``dues_check`` gives, per member, the months unpaid and the amount
owed as of October (or as of today, earlier in the year), with the group's
totals. ``ledger_rows`` is the year's ledger for the branch, a row per member
and a column per month; ``ledger_csv`` writes it as CSV in UTF-8 with a BOM,
so that Excel opens the Chinese correctly.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rules.dues.book import (
    DuesBook,
    Month,
    MonthDues,
    MonthState,
    member_year,
    yuan,
)
from rules.models import Organisation, Person

#: The month of the seed's dues check (十月:党费政策和党费检查).
CHECK_MONTH = 10


@dataclass(frozen=True)
class DuesCheckRow:
    person: Person
    unpaid: tuple[Month, ...]
    owed_fen: int
    rate_fen: int | None  # the monthly amount in force at ``through``
    no_rate: bool  # some month up to ``through`` has no amount set


@dataclass(frozen=True)
class DuesCheck:
    """Months unpaid and owed per member, from January to ``through``."""

    year: int
    through: Month
    rows: tuple[DuesCheckRow, ...]

    @property
    def owed_fen(self) -> int:
        return sum(r.owed_fen for r in self.rows)

    @property
    def owing(self) -> tuple[DuesCheckRow, ...]:
        return tuple(r for r in self.rows if r.unpaid)

    @property
    def unpaid_months(self) -> int:
        return sum(len(r.unpaid) for r in self.rows)


def check_through(year: int, today: date, month: int = CHECK_MONTH) -> Month:
    """October of ``year``, or the current month if October has not come."""
    return min(Month(year, month), Month.of(today))


def dues_check(
    book: DuesBook, members: Sequence[Person], year: int, today: date, month: int = CHECK_MONTH
) -> DuesCheck:
    """The dues check of ``members`` for ``year`` as of ``month`` (October)."""
    through = check_through(year, today, month)
    rows = []
    for person in members:
        months = [m for m in member_year(book, person.id, year, today).months if m.month <= through]
        unpaid = tuple(m.month for m in months if m.outstanding)
        rows.append(
            DuesCheckRow(
                person=person,
                unpaid=unpaid,
                owed_fen=sum(m.owed_fen for m in months),
                rate_fen=book.rate_for(person.id, through),
                no_rate=any(m.state is MonthState.NO_RATE for m in months),
            )
        )
    return DuesCheck(year, through, tuple(rows))


# --------------------------------------------------------------------------
# The ledger as a table


def cell_text(month: MonthDues, lang: str = "zh") -> str:
    """One month of one member, as the ledger shows it."""
    en = lang == "en"
    match month.state:
        case MonthState.PAID:
            return yuan(month.paid_fen)
        case MonthState.PARTIAL:
            owed = yuan(month.owed_fen)
            return (
                f"{yuan(month.paid_fen)} (owes {owed})"
                if en
                else f"{yuan(month.paid_fen)}(欠{owed})"
            )
        case MonthState.UNPAID:
            return "unpaid" if en else "未交"
        case MonthState.EXEMPT:
            return "exempt" if en else "免交"
        case MonthState.NO_RATE:
            return "—"
        case _:
            return ""


def ledger_header(lang: str = "zh") -> list[str]:
    en = lang == "en"
    months = [f"{m:02d}" if en else f"{m}月" for m in range(1, 13)]
    if en:
        return [
            "Group",
            "Name",
            "Member no.",
            "Monthly (yuan)",
            *months,
            "Paid (yuan)",
            "Months unpaid",
            "Owed (yuan)",
        ]
    return [
        "党小组",
        "姓名",
        "党员编号",
        "月缴纳额(元)",
        *months,
        "已交合计(元)",
        "欠缴月数",
        "欠缴金额(元)",
    ]


def ledger_members(org: Organisation, group_id: str | None = None) -> list[Person]:
    """The party members the ledger lists: of one group, or of every group
    (active groups in their order, then members in no group)."""
    if group_id is not None:
        return list(org.members_of(group_id))
    people = [p for g in org.groups for p in org.members_of(g.id)]
    seen = {p.id for p in people}
    return people + [p for p in org.party_members if p.id not in seen]


def ledger_rows(
    book: DuesBook,
    org: Organisation,
    year: int,
    today: date,
    group_id: str | None = None,
    lang: str = "zh",
) -> list[list[str]]:
    """The header, a row per member, and a totals row."""
    rows = [ledger_header(lang)]
    totals = [0] * 12
    paid_total = owed_total = unpaid_total = 0
    for person in ledger_members(org, group_id):
        year_dues = member_year(book, person.id, year, today)
        group = org.group(person.group_id) if person.group_id else None
        rate = book.rate_for(person.id, min(Month(year, 12), Month.of(today)))
        for index, month in enumerate(year_dues.months):
            totals[index] += month.paid_fen
        paid_total += year_dues.paid_fen
        owed_total += year_dues.owed_fen
        unpaid_total += len(year_dues.unpaid)
        rows.append(
            [
                group.name if group else "",
                person.name,
                person.member_no or "",
                yuan(rate) if rate is not None else "",
                *(cell_text(m, lang) for m in year_dues.months),
                yuan(year_dues.paid_fen),
                str(len(year_dues.unpaid)),
                yuan(year_dues.owed_fen),
            ]
        )
    rows.append(
        [
            "Total" if lang == "en" else "合计",
            "",
            "",
            "",
            *(yuan(total) for total in totals),
            yuan(paid_total),
            str(unpaid_total),
            yuan(owed_total),
        ]
    )
    return rows


def ledger_csv(rows: Sequence[Sequence[str]]) -> bytes:
    """``rows`` as CSV, UTF-8 with a BOM (Excel then reads the Chinese)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerows(rows)
    return codecs.BOM_UTF8 + text.getvalue().encode("utf-8")
