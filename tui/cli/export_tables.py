"""``xiaozu export ledger`` and ``xiaozu export dues``: the year's tables for
the branch, the ledger of group meetings (台账, Excel, ``tui.export.ledger_xlsx``)
and the party dues (党费收缴, CSV for Excel, ``rules.dues.report``).

    xiaozu export ledger --year Y [--group G] [--out PATH]
    xiaozu export dues --year Y [--group G] [--out PATH]

Both only read the data directory: they work while the kiosk runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from rules.dues.report import ledger_csv, ledger_rows
from rules.models import Group, Organisation
from rules.organisation.lookup import LookupProblem, find_group
from storage import FileRepository, StorageWriteError
from tui.cli.common import EXIT_OK, Commands, fail, lookup_failed, no_data, unwritable
from tui.core.env import KioskEnv
from tui.export.dues import dues_sheet_writer
from tui.export.files import ledger_file_name, target_path, write_export


def add_ledger_kind(kinds: Commands) -> None:
    ledger = kinds.add_parser(
        "ledger",
        help="the year's group-meeting ledger (台账) as an Excel workbook",
        description="Per group: its meetings (attendance counts, status, checked and"
        " reported dates), attendance person by meeting, and the follow-up tasks.",
    )
    ledger.add_argument("--year", type=int, required=True, metavar="Y", help="the year")
    ledger.add_argument(
        "--group", metavar="G", help="one group, by name or id (default: every group)"
    )
    ledger.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help="the file, .xlsx (default: ./xiaozu-ledger-<Y>-<G|all>.xlsx; a folder: that name"
        " in it)",
    )
    ledger.set_defaults(run=cmd_export_ledger)


def cmd_export_ledger(env: KioskEnv, args: argparse.Namespace, out: TextIO) -> int:
    repo = FileRepository(env.data_dir, writable=False)
    org = repo.organisation()
    if org is None:
        return fail(no_data(env))
    group, refusal = _year_and_group(env, org, args)
    if refusal:
        return fail(refusal)
    group_id = group.id if group else None
    records = repo.records()
    if group_id is not None:
        group_ids: tuple[str | None, ...] = (group_id,)
    else:
        in_year = {m.group_id for m in records.meetings if m.held_on.year == args.year}
        group_ids = tuple(g.id for g in org.groups if g.active or g.id in in_year)
        if None in in_year or not group_ids:
            group_ids = (*group_ids, None)  # the member congress of a branch without groups
    path = target_path(args.out, Path.cwd(), ledger_file_name(args.year, group_id))
    if path.suffix.lower() != ".xlsx":
        return fail(
            env.t(
                f"xiaozu: 台账是 Excel 文件,请用 .xlsx 结尾的文件名(而不是 {path.name})。",
                f"xiaozu: the ledger is an Excel file; give a name ending in .xlsx"
                f" (not {path.name}).",
            ),
        )
    problem = unwritable(env, path)
    if problem:
        return fail(problem)
    # Only here: openpyxl is a fifth of a second of imports that every other
    # command would pay for (tests/test_import_hygiene.py).
    from tui.export.ledger_xlsx import EXTRA_SHEET_WRITERS, Ledger, ledger_xlsx

    ledger = Ledger(records, args.year, group_ids, env.now(), env.tz, env.lang)
    extra = [*EXTRA_SHEET_WRITERS, dues_sheet_writer(repo.dues())]  # 党费收缴
    try:
        write_export(path, ledger_xlsx(ledger, extra))
    except StorageWriteError as error:
        return fail(f"xiaozu: {error.message(env.lang)}")
    names = env.t("、", ", ").join(ledger.group_name(g) for g in group_ids)
    print(
        env.t(
            f"已导出{args.year}年党小组会台账({names}):{path}",
            f"The {args.year} ledger of group meetings ({names}) written to {path}",
        ),
        file=out,
    )
    return EXIT_OK


def _year_and_group(
    env: KioskEnv, org: Organisation, args: argparse.Namespace
) -> tuple[Group | None, str | None]:
    """The group of ``--group``, by name or id (None: every group), or why
    the year or the group cannot be."""
    if not 1900 <= args.year <= 9999:
        return None, env.t(f"xiaozu: 年份不对:{args.year}", f"xiaozu: not a year: {args.year}")
    try:
        return (find_group(org, args.group) if args.group is not None else None), None
    except LookupProblem as unknown:
        return None, lookup_failed(env, unknown)


# --------------------------------------------------------------------------
# dues


def dues_file_name(year: int, group_id: str | None) -> str:
    return f"xiaozu-dues-{year}-{group_id or 'all'}.csv"


def add_dues_kind(kinds: Commands) -> None:
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
    repo = FileRepository(env.data_dir, writable=False)
    org = repo.organisation()
    if org is None:
        return fail(no_data(env))
    group, refusal = _year_and_group(env, org, args)
    if refusal:
        return fail(refusal)
    group_id = group.id if group else None
    path = target_path(args.out, Path.cwd(), dues_file_name(args.year, group_id))
    if path.suffix.lower() != ".csv":
        return fail(
            env.t(
                f"xiaozu: 党费表是 CSV 文件,请用 .csv 结尾的文件名(而不是 {path.name})。",
                f"xiaozu: the dues ledger is a CSV file; give a name ending in .csv"
                f" (not {path.name}).",
            )
        )
    problem = unwritable(env, path)
    if problem:
        return fail(problem)
    today = env.now().astimezone(env.tz).date()
    rows = ledger_rows(repo.dues(), org, args.year, today, group_id, env.lang)
    try:
        write_export(path, ledger_csv(rows))
    except StorageWriteError as error:
        return fail(f"xiaozu: {error.message(env.lang)}")
    whose = group.name if group else org.branch.name
    print(
        env.t(
            f"已导出{whose}{args.year}年党费收缴表({len(rows) - 2} 名党员):{path}",
            f"The {args.year} party dues of {whose} ({len(rows) - 2} members) written to {path}",
        ),
        file=out,
    )
    return EXIT_OK
