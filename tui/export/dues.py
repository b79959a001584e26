"""Party dues for the branch (按时收缴党费): the year's ledger as CSV, and as a
sheet of the Excel ledger.

    xiaozu export dues --year Y [--group G] [--out PATH]

A row per party member, a column per month (the amount paid, 未交, part paid
with what is still owed, 免交), then the year's paid total, months unpaid and
amount owed; a totals row last. CSV in UTF-8 with a BOM, so that Excel opens
the Chinese correctly. Only reads the data directory: works while the kiosk
runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rules.dues import DuesBook
from rules.dues_report import ledger_csv, ledger_rows
from storage import FileRepository, StorageWriteError
from tui.core.env import KioskEnv
from tui.export.files import target_path, write_export

if TYPE_CHECKING:
    from openpyxl import Workbook

    from tui.export.ledger_xlsx import Ledger

EXIT_OK, EXIT_USAGE = 0, 2


def dues_file_name(year: int, group_id: str | None) -> str:
    return f"xiaozu-dues-{year}-{group_id or 'all'}.csv"


def add_dues_kind(kinds: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dues = kinds.add_parser(
        "dues",
        help="the year's party dues ledger (党费收缴) as CSV for Excel",
        description="A row per party member, a column per month: what was paid, 未交"
        " (unpaid), part paid, 免交 (exempt); the year's totals, months unpaid and amount"
        " owed. UTF-8 with a BOM, so Excel shows the Chinese.",
    )
    dues.add_argument("--year", type=int, required=True, metavar="Y", help="the year")
    dues.add_argument(
        "--group", metavar="G", help="one group, by name or id (default: every group)"
    )
    dues.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help="the file, .csv (default: ./xiaozu-dues-<Y>-<G|all>.csv; a folder: that name in it)",
    )
    dues.set_defaults(run=cmd_export_dues)


def cmd_export_dues(env: KioskEnv, args: argparse.Namespace, out: TextIO) -> int:
    from rules.lookup import LookupProblem, find_group
    from tui.cli_text import lookup_failed, no_data
    from tui.export.command import unwritable

    repo = FileRepository(env.data_dir, writable=False)
    org = repo.organisation()
    if org is None:
        return _fail(no_data(env))
    if not 1900 <= args.year <= 9999:
        return _fail(env.t(f"xiaozu: 年份不对:{args.year}", f"xiaozu: not a year: {args.year}"))
    try:  # by name or id
        group = find_group(org, args.group) if args.group is not None else None
    except LookupProblem as unknown:
        return _fail(lookup_failed(env, unknown))
    group_id = group.id if group else None
    path = target_path(args.out, Path.cwd(), dues_file_name(args.year, group_id))
    if path.suffix.lower() != ".csv":
        return _fail(
            env.t(
                f"xiaozu: 党费表是 CSV 文件,请用 .csv 结尾的文件名(而不是 {path.name})。",
                f"xiaozu: the dues ledger is a CSV file; give a name ending in .csv"
                f" (not {path.name}).",
            )
        )
    problem = unwritable(env, path)
    if problem:
        return _fail(problem)
    today = env.now().astimezone(env.tz).date()
    rows = ledger_rows(repo.dues(), org, args.year, today, group_id, env.lang)
    try:
        write_export(path, ledger_csv(rows))
    except StorageWriteError as error:
        return _fail(f"xiaozu: {error.message(env.lang)}")
    whose = group.name if group else org.branch.name
    print(
        env.t(
            f"已导出{whose}{args.year}年党费收缴表({len(rows) - 2} 名党员):{path}",
            f"The {args.year} party dues of {whose} ({len(rows) - 2} members) written to {path}",
        ),
        file=out,
    )
    return EXIT_OK


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_USAGE


# --------------------------------------------------------------------------
# the Excel ledger's dues sheet


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
