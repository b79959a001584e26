"""Party dues (按时收缴党费): months unpaid, amounts that change, partial and
advance payments, the October check and the ledger as CSV."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import date

import pytest

from rules.dues.book import (
    DuesBook,
    DuesError,
    DuesPayment,
    DuesRate,
    Month,
    MonthState,
    arrears,
    member_year,
    months_text,
    new_payment,
    parse_months,
    parse_yuan,
    suggested_payment,
    yuan,
)
from rules.dues.report import dues_check, ledger_csv, ledger_rows
from rules.models import Branch, Group, MemberStatus, Organisation, Person

TODAY = date(2026, 11, 26)


def pay(pid: str, months: list[tuple[int, int]], fen: int, on: date, n: str = "") -> DuesPayment:
    return DuesPayment(
        id=f"d-{pid}-{on:%m%d}{n}",
        person_id=pid,
        months=tuple(Month(y, m) for y, m in months),
        amount_fen=fen,
        paid_on=on,
        collected_by="p1",
    )


def rate(pid: str, year: int, month: int, fen: int) -> DuesRate:
    return DuesRate(pid, Month(year, month), fen)


def states(book: DuesBook, pid: str, year: int = 2026) -> list[MonthState]:
    return [m.state for m in member_year(book, pid, year, TODAY).months]


def test_unpaid_months_follow_the_amount_in_force_each_month() -> None:
    # 30 yuan from January, 50 from July; January–June paid at 30, July at 30 only.
    book = DuesBook(
        rates=(rate("p1", 2026, 1, 3000), rate("p1", 2026, 7, 5000)),
        payments=(
            pay("p1", [(2026, m) for m in range(1, 7)], 6 * 3000, date(2026, 6, 5)),
            pay("p1", [(2026, 7)], 3000, date(2026, 7, 5)),
        ),
    )
    year = member_year(book, "p1", 2026, TODAY)
    assert year.unpaid == tuple(Month(2026, m) for m in (7, 8, 9, 10, 11))
    july = year.months[6]
    assert (july.state, july.due_fen, july.owed_fen) == (MonthState.PARTIAL, 5000, 2000)
    assert year.owed_fen == 2000 + 4 * 5000
    assert year.months[11].state is MonthState.NOT_DUE  # December has not come
    assert book.rate_for("p1", Month(2026, 6)) == 3000
    assert book.rate_for("p1", Month(2026, 7)) == 5000


def test_a_rate_set_in_an_earlier_year_still_holds() -> None:
    book = DuesBook(rates=(rate("p1", 2025, 3, 2000),))
    assert book.rate_for("p1", Month(2026, 11)) == 2000
    assert book.rate_for("p1", Month(2025, 2)) is None
    assert arrears(book, "p1", TODAY)[0].month == Month(2025, 3)
    assert len(arrears(book, "p1", TODAY)) == 10 + 11


def test_partial_payments_add_up_and_advance_payments_cover_months_ahead() -> None:
    book = DuesBook(
        rates=(rate("p1", 2026, 1, 3000),),
        payments=(
            pay("p1", [(2026, m) for m in range(1, 10)], 9 * 3000, date(2026, 9, 3)),
            pay("p1", [(2026, 10)], 1000, date(2026, 10, 3)),
            pay("p1", [(2026, 10)], 2000, date(2026, 10, 20), "b"),
            # November and December paid ahead, in one go.
            pay("p1", [(2026, 11), (2026, 12)], 6000, date(2026, 11, 2)),
        ),
    )
    assert states(book, "p1") == [MonthState.PAID] * 12
    assert arrears(book, "p1", TODAY) == ()
    # Without the second October payment, October is part paid.
    short = DuesBook(book.rates, tuple(p for p in book.payments if not p.id.endswith("b")))
    year = member_year(short, "p1", 2026, TODAY)
    assert year.unpaid == (Month(2026, 10),)
    assert year.owed_fen == 2000


def test_a_month_with_no_amount_set_is_not_counted_as_owed() -> None:
    book = DuesBook(rates=(rate("p1", 2026, 9, 3000), rate("p2", 2026, 1, 0)))
    assert states(book, "p1")[:8] == [MonthState.NO_RATE] * 8
    assert member_year(book, "p1", 2026, TODAY).unpaid == (
        Month(2026, 9),
        Month(2026, 10),
        Month(2026, 11),
    )
    assert states(book, "p2") == [MonthState.EXEMPT] * 12  # 免交
    assert arrears(book, "p2", TODAY) == ()
    assert arrears(book, "p3", TODAY) == ()  # nothing set at all


def test_a_payment_is_refused_for_months_already_paid_or_in_the_future() -> None:
    book = DuesBook(
        rates=(rate("p1", 2026, 1, 3000),),
        payments=(pay("p1", [(2026, 10)], 3000, date(2026, 10, 3)),),
    )
    common = dict(payment_id="x", person_id="p1", collected_by="p4", today=TODAY)
    with pytest.raises(DuesError) as caught:
        new_payment(
            book,
            months=[Month(2026, 10), Month(2026, 11)],
            amount_fen=6000,
            paid_on=TODAY,
            **common,
        )  # type: ignore[arg-type]
    assert "10月" in caught.value.message("zh")
    with pytest.raises(DuesError):
        new_payment(
            book, months=[Month(2026, 11)], amount_fen=3000, paid_on=date(2026, 11, 27), **common
        )  # type: ignore[arg-type]
    with pytest.raises(DuesError):
        new_payment(book, months=[Month(2026, 11)], amount_fen=0, paid_on=TODAY, **common)  # type: ignore[arg-type]
    made = new_payment(
        book, months=[Month(2026, 12), Month(2026, 11)], amount_fen=6000, paid_on=TODAY, **common
    )  # type: ignore[arg-type]
    assert made.months == (Month(2026, 11), Month(2026, 12))


def test_the_suggested_payment_is_what_is_owed_else_the_next_month() -> None:
    book = DuesBook(
        rates=(rate("p1", 2026, 1, 3000),),
        payments=(
            pay("p1", [(2026, m) for m in range(1, 10)], 9 * 3000, date(2026, 9, 3)),
            pay("p1", [(2026, 10)], 1000, date(2026, 10, 3)),
        ),
    )
    due = suggested_payment(book, "p1", 2026, TODAY)
    assert due.months == (Month(2026, 10), Month(2026, 11))
    assert due.amount_fen == 2000 + 3000
    paid_up = book.with_payment(pay("p1", [(2026, 10), (2026, 11)], 5000, TODAY))
    ahead = suggested_payment(paid_up, "p1", 2026, TODAY)
    assert ahead.months == (Month(2026, 12),)
    assert ahead.amount_fen == 3000


def test_amounts_and_months_as_typed() -> None:
    assert parse_yuan("30") == 3000
    assert parse_yuan("¥30.5") == 3050
    assert parse_yuan("１２.３０元") == 1230
    for bad in ("abc", "-5", "1.234", "", "nan"):
        with pytest.raises(DuesError):
            parse_yuan(bad)
    assert yuan(3050) == "30.50"
    assert parse_months("9-11", 2026) == (Month(2026, 9), Month(2026, 10), Month(2026, 11))
    assert parse_months("9月、12月", 2026) == (Month(2026, 9), Month(2026, 12))
    assert parse_months("1,3 2", 2026) == (Month(2026, 1), Month(2026, 2), Month(2026, 3))
    for bad in ("13", "0", "11-9", "x", ""):
        with pytest.raises(DuesError):
            parse_months(bad, 2026)
    assert months_text([Month(2026, 9), Month(2025, 12)], "zh", 2026) == "9月、2025年12月"
    assert months_text([Month(2026, 9)], "en", 2026) == "Sep"


def _org() -> Organisation:
    return Organisation(
        branch=Branch("b1", "第一党支部"),
        groups=(Group("g1", "第一党小组", "p1"), Group("g2", "第二党小组", "p3")),
        people=(
            Person("p1", "王建国", MemberStatus.FULL, "0001", group_id="g1"),
            Person("p2", "李红", MemberStatus.PROBATIONARY, "0002", group_id="g1"),
            Person("p3", "张伟", MemberStatus.FULL, "0003", group_id="g2"),
            Person("p4", "赵敏", MemberStatus.ACTIVIST, group_id="g1"),  # no dues
        ),
    )


def _book() -> DuesBook:
    return DuesBook(
        rates=(rate("p1", 2026, 1, 3000), rate("p2", 2026, 1, 1000), rate("p3", 2026, 1, 2000)),
        payments=(
            pay("p1", [(2026, m) for m in range(1, 12)], 11 * 3000, date(2026, 11, 3)),
            pay("p2", [(2026, m) for m in range(1, 8)], 7 * 1000, date(2026, 7, 3)),
            pay("p3", [(2026, m) for m in range(1, 11)], 10 * 2000, date(2026, 10, 3)),
        ),
    )


def test_the_october_check_counts_months_unpaid_and_owed_through_october() -> None:
    org = _org()
    report = dues_check(_book(), org.members_of("g1"), 2026, TODAY)
    assert report.through == Month(2026, 10)
    by_name = {row.person.name: row for row in report.rows}
    assert by_name["王建国"].unpaid == ()
    assert by_name["李红"].unpaid == (Month(2026, 8), Month(2026, 9), Month(2026, 10))
    assert by_name["李红"].owed_fen == 3000  # November is not part of the October check
    assert report.owed_fen == 3000
    assert [row.person.name for row in report.owing] == ["李红"]
    # Before October, the check runs to the current month.
    early = dues_check(_book(), org.members_of("g1"), 2026, date(2026, 8, 15))
    assert early.through == Month(2026, 8)
    assert early.owed_fen == 1000


def test_the_ledger_csv_has_a_row_per_member_and_a_column_per_month() -> None:
    data = ledger_csv(ledger_rows(_book(), _org(), 2026, TODAY))
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:4] == ["党小组", "姓名", "党员编号", "月缴纳额(元)"]
    assert header[4:16] == [f"{m}月" for m in range(1, 13)]
    assert header[16:] == ["已交合计(元)", "欠缴月数", "欠缴金额(元)"]
    assert [r[1] for r in rows[1:]] == ["王建国", "李红", "张伟", ""]  # the activist has no row
    li = rows[2]
    assert li[0] == "第一党小组" and li[2] == "0002" and li[3] == "10.00"
    assert li[4:11] == ["10.00"] * 7
    assert li[11:15] == ["未交"] * 4  # August to November
    assert li[15] == ""  # December has not come
    assert li[16:] == ["70.00", "4", "40.00"]
    total = rows[-1]
    assert total[0] == "合计"
    assert total[4] == "60.00"  # January: 30 + 10 + 20
    assert total[17:] == ["5", "60.00"]  # 李红 4 months, 张伟 November
    only_g2 = list(
        csv.reader(
            io.StringIO(
                ledger_csv(ledger_rows(_book(), _org(), 2026, TODAY, "g2", "en")).decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert only_g2[0][1] == "Name"
    assert [r[1] for r in only_g2[1:-1]] == ["张伟"]
    assert only_g2[1][14] == "unpaid"


def test_the_demo_branch_pays_its_dues_but_for_a_few() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from rules.samples.demo import demo_branch

    demo = demo_branch(datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    org = demo.records.organisation
    owing = {
        p.id: [str(m.month) for m in arrears(demo.dues, p.id, TODAY)] for p in org.party_members
    }
    assert {pid: months for pid, months in owing.items() if months} == {
        "p06": ["2026-09", "2026-10", "2026-11"],  # 刘洋: three months unpaid
        "p13": ["2026-11"],  # 黄晓东: not yet this month
        "p18": ["2026-09"],  # 罗敏: part paid
    }
    # 郭倩 paid the year ahead; 李志强 pays more from January.
    assert member_year(demo.dues, "p20", 2026, TODAY).months[11].state is MonthState.PAID
    assert demo.dues.rate_for("p04", Month(2026, 1)) != demo.dues.rate_for("p04", Month(2025, 12))


def test_each_members_rates_and_payments_are_found_as_a_scan_finds_them() -> None:
    """The book's index per member (made once) answers as scanning and
    sorting every rate and payment would, and a changed book answers anew."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from rules.samples.ten_years import ten_year_branch

    book = ten_year_branch(datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), 2).dues
    people = {p.person_id for p in book.payments} | {r.person_id for r in book.rates} | {"p-none"}
    for person in people:
        assert book.payments_of(person) == tuple(
            sorted(
                (p for p in book.payments if p.person_id == person), key=lambda p: (p.paid_on, p.id)
            )
        )
        assert book.rates_of(person) == tuple(
            sorted(
                (r for r in book.rates if r.person_id == person),
                key=lambda r: (r.since, r.set_on or date.min),
            )
        )
    payment = book.payments_of("p01")[0]
    later = book.with_payment(
        DuesPayment("d-new", "p01", payment.months, 1, date(2099, 1, 1), payment.collected_by)
    )
    assert later.payments_of("p01")[-1].id == "d-new"
    assert book.payments_of("p01")[-1].id != "d-new"
    assert later == DuesBook(later.rates, later.payments)  # the index is not part of the value
