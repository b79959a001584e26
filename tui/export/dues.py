"""The party dues (按时收缴党费) as a sheet of the Excel ledger
(``xiaozu export ledger``); the CSV of them is ``xiaozu export dues``
(``tui.cli.export_tables``). Both draw ``rules.dues.report.ledger_rows``."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from rules.dues.book import DuesBook
from rules.dues.report import ledger_rows

if TYPE_CHECKING:
    from openpyxl import Workbook

    from tui.export.ledger_xlsx import Ledger


def dues_sheet_writer(book: DuesBook) -> Callable[[Workbook, Ledger], None]:
    """A writer for the ledger workbook (``EXTRA_SHEET_WRITERS``) that adds
    the year's dues: one group's when the ledger is of one group, else every
    party member's."""

    def write(workbook: Workbook, ledger: Ledger) -> None:
        groups = [g for g in ledger.group_ids if g is not None]
        group_id = groups[0] if len(groups) == 1 and len(ledger.group_ids) == 1 else None
        today = ledger.now.astimezone(ledger.tz).date()
        rows = ledger_rows(
            book, ledger.records.organisation, ledger.year, today, group_id, ledger.lang
        )
        heading = ledger.t(
            f"{ledger.year}年党费收缴情况(截至{today.isoformat()})",
            f"Party dues {ledger.year} (as of {today.isoformat()})",
        )
        sheet = ledger.sheet(workbook, ledger.t("党费收缴", "Party dues"), heading, rows[0])
        for index, row in enumerate(rows[1:], start=3):
            for column, text in enumerate(row, start=1):
                sheet.cell(index, column, _number(text) if column > 3 else text)
            if index == len(rows) + 1:  # the totals row
                for column in range(1, len(row) + 1):
                    sheet.cell(index, column).font = ledger.header_font
        sheet.column_dimensions["B"].width = 10
        sheet.column_dimensions["C"].width = 12

    return write


def _number(text: str) -> Decimal | int | str:
    """Amounts as numbers (Decimal, never float), counts as integers."""
    if text.isdigit():
        return int(text)
    try:
        return Decimal(text) if text else text
    except InvalidOperation:
        return text
