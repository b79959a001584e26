"""The roster file as an office keeps it: a CSV file or an Excel workbook.

``xiaozu import`` hands the file's bytes here. What the bytes are decides,
not the name alone: a workbook (.xlsx, a zip) is read with openpyxl, its
first sheet, into the same text cells a CSV file gives (``rules.organisation.roster``
parses both the same way); anything else is read as CSV in UTF-8 or GB18030.

A workbook's cells are typed, so they are turned into the text a person
would have typed: a member number or a phone that Excel keeps as a number
(2019001, 13805710002) without ".0", a date as 2026-03-01, TRUE/FALSE as
yes/no. A damaged workbook, an old .xls, or a file that is neither text nor
a workbook is refused as a whole (``RosterError`` with line 0), so nothing
of it is imported.
"""

from __future__ import annotations

from datetime import date, datetime, time
from io import BytesIO
from pathlib import PurePath

from rules.organisation.roster import RosterRow, parse_roster, parse_roster_cells
from rules.organisation.roster_columns import RosterError

_ZIP = b"PK\x03\x04"  # an .xlsx is a zip archive
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an old .xls, or a workbook with a password
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def read_roster(data: bytes, name: str) -> list[RosterRow]:
    """The roster's rows, from a workbook or a CSV file named ``name``."""
    suffix = PurePath(name).suffix.lower()
    if data.startswith(_ZIP):
        return parse_roster_cells(workbook_cells(data, name))
    if data.startswith(_OLE):
        raise RosterError(
            0,
            f"{name} 是旧版 Excel 工作簿(.xls)或加了密码的工作簿,无法读取。"
            "请在 Excel 中另存为“Excel 工作簿(.xlsx)”(不设密码)或“CSV UTF-8”后再导入。",
            f"{name} is an old Excel workbook (.xls) or one with a password, which cannot be"
            ' read. Save it from Excel as "Excel Workbook (.xlsx)" (without a password) or'
            ' as "CSV UTF-8" and import it again.',
        )
    if suffix in WORKBOOK_SUFFIXES:
        raise _damaged(name)
    if b"\x00" in data:
        raise RosterError(
            0,
            f"{name} 既不是 CSV 文件也不是 Excel 工作簿(.xlsx)。"
            "请从表格软件中另存为“CSV UTF-8”或 .xlsx 后再导入。",
            f"{name} is neither a CSV file nor an Excel workbook (.xlsx). Save the roster"
            ' from the spreadsheet as "CSV UTF-8" or as .xlsx and import it again.',
        )
    return parse_roster(data)


def workbook_cells(data: bytes, name: str) -> list[tuple[int, list[str]]]:
    """The first sheet's rows as (row number, cells as text), from row 1."""
    from openpyxl import load_workbook  # only when a workbook is imported

    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise _damaged(name) from error
    try:
        if not book.worksheets:
            raise RosterError(0, f"{name} 中没有工作表。", f"{name} has no worksheet in it.")
        sheet = book.worksheets[0]
        return [
            (line, [cell_text(value) for value in row])
            for line, row in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
        ]
    except RosterError:
        raise
    except Exception as error:  # a part of the archive that does not read
        raise _damaged(name) from error
    finally:
        book.close()


def cell_text(value: object) -> str:
    """A cell's value as the text a person would have typed into a CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _damaged(name: str) -> RosterError:
    return RosterError(
        0,
        f"{name} 不是完好的 Excel 工作簿(.xlsx),无法读取(文件可能已损坏或不完整)。"
        "请在 Excel 中重新打开并另存为 .xlsx 或“CSV UTF-8”后再导入。",
        f"{name} is not a sound Excel workbook (.xlsx) and cannot be read (it may be"
        " damaged or cut short). Open it in Excel, save it again as .xlsx or as"
        ' "CSV UTF-8", and import it again.',
    )
