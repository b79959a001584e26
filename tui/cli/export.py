"""``xiaozu export KIND …``: reports to the branch (A2) as files.

    xiaozu export minutes MEETING [--format docx|md] [--out PATH] [--reported] [--draft]
    xiaozu export ledger --year Y [--group G] [--out PATH]  (tui.cli.export_tables)
    xiaozu export dues --year Y [--group G] [--out PATH]   (tui.cli.export_tables)

Each kind is a function in ``EXPORT_KINDS`` that adds its sub-command to the
``export`` command's sub-parsers and sets ``run`` to its command function,
``run(env, args, out) -> exit status``, like every other command of
``tui.cli``. To add a kind, write such a function and put it in the list.

Exporting only reads the data directory, so it works while the kiosk runs,
except ``minutes --reported``, which also records the report (A2) and so must
hold the directory's lock: while the kiosk holds it, the command says so and
writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from rules.meeting import flow
from rules.meeting.flow import FlowError
from rules.models import Meeting, Organisation, Step
from storage import DataDirBusy, FileRepository, StorageWriteError
from tui.cli.common import EXIT_OK, EXIT_USAGE, Commands, fail, no_data, unwritable
from tui.cli.export_tables import add_dues_kind, add_ledger_kind
from tui.core.env import KioskEnv
from tui.export.files import (
    MINUTES_FORMATS,
    format_for,
    minutes_bytes,
    minutes_file_name,
    target_path,
    write_export,
)

#: Adds one kind to the sub-parsers of ``export``.
KindAdder = Callable[[Commands], None]


def add_export_command(sub: Commands) -> None:
    """``export`` with one sub-command per kind in ``EXPORT_KINDS``."""
    export = sub.add_parser(
        "export",
        help="write the minutes (Word/Markdown) or the year's ledger (Excel) for the branch",
        description="Reports to the branch (A2): a meeting's minutes as a Word document or"
        " Markdown, or the year's group-meeting ledger (台账) as an Excel workbook."
        " Reads the data directory only (works while the kiosk runs), except"
        " `minutes --reported`.",
    )
    kinds = export.add_subparsers(dest="kind", metavar="KIND", required=True)
    for add_kind in EXPORT_KINDS:
        add_kind(kinds)


def add_minutes_kind(kinds: Commands) -> None:
    minutes = kinds.add_parser(
        "minutes",
        help="a meeting's minutes as a Word document (or Markdown)",
        description="A meeting's minutes, in the order they are filed: 时间, 地点, 主持人,"
        " 记录人, attendance with reasons, 列席人员, 议题, 讨论情况, 小结, 决定事项,"
        " 会后任务, 补充说明. Only finalised minutes, unless --draft.",
    )
    minutes.add_argument("meeting", metavar="MEETING", help="the meeting's id (m-g1-2026-11 …)")
    minutes.add_argument(
        "--format",
        choices=MINUTES_FORMATS,
        help="docx (Word, the default) or md (Markdown); else taken from --out's suffix",
    )
    minutes.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help="the file (default: ./xiaozu-minutes-<meeting id>.docx; a folder: that name in it)",
    )
    minutes.add_argument(
        "--reported",
        action="store_true",
        help="also record that the minutes were reported to the branch today (A2); needs"
        " checked minutes, and cannot run while the kiosk does",
    )
    minutes.add_argument(
        "--draft",
        action="store_true",
        help="export minutes not yet finalised, marked 草稿 (DRAFT) on every copy",
    )
    minutes.set_defaults(run=cmd_export_minutes)


#: The kinds of ``xiaozu export``, in the order ``--help`` lists them.
EXPORT_KINDS: list[KindAdder] = [add_minutes_kind, add_ledger_kind, add_dues_kind]


def cmd_export_minutes(env: KioskEnv, args: argparse.Namespace, out: TextIO) -> int:
    """Check everything (the meeting, its minutes, the report, where the file
    goes), then write the file, then (``--reported``) record the report. A
    refusal writes nothing."""
    if args.reported:
        try:
            repo = FileRepository(env.data_dir, writable=True).open()
        except DataDirBusy as busy:
            print(_busy(env, busy), file=sys.stderr)
            return EXIT_USAGE
    else:
        repo = FileRepository(env.data_dir, writable=False)
    with repo:
        org = repo.organisation()
        if org is None:
            return fail(no_data(env))
        meetings = repo.meetings()
        meeting = next((m for m in meetings if m.id == args.meeting), None)
        if meeting is None:
            return fail(_unknown_meeting(env, org, args.meeting, meetings))
        refusal = _minutes_refusal(env, meeting, args)
        if refusal:
            return fail(refusal)
        reported = meeting
        if args.reported and meeting.step is not Step.REPORTED:
            try:
                reported = flow.report_to_branch(meeting, env.now())
            except FlowError as error:
                return fail(
                    env.t(
                        f"xiaozu: 不能记为已向党支部汇报({error.rule}):{error.message('zh')}"
                        "(在 kiosk 的会后页面按 C 检查记录。)没有写出任何文件。",
                        f"xiaozu: cannot record the report to the branch ({error.rule}):"
                        f" {error.message('en')} (Press C on the kiosk's after-the-meeting"
                        " screen.) No file was written.",
                    ),
                )
        fmt = format_for(args.out, args.format)
        if fmt is None:
            return fail(
                env.t(
                    f"xiaozu: --format {args.format} 与文件名 {args.out.name} 的后缀不符。",
                    f"xiaozu: --format {args.format} does not match the file name {args.out.name}.",
                ),
            )
        path = target_path(args.out, Path.cwd(), minutes_file_name(meeting, fmt))
        problem = unwritable(env, path)
        if problem:
            return fail(problem)
        payload = minutes_bytes(
            reported, org, repo.tasks(meeting.id), fmt=fmt, lang=env.lang, tz=env.tz
        )
        try:
            write_export(path, payload)
        except StorageWriteError as error:
            return fail(f"xiaozu: {error.message(env.lang)}")
        print(_written(env, meeting, org, path), file=out)
        if reported is meeting:
            if args.reported and meeting.reported_at is not None:
                day = env.date(meeting.reported_at.astimezone(env.tz).date())
                print(
                    env.t(
                        f"此前已于{day}向党支部汇报。", f"Already reported to the branch on {day}."
                    ),
                    file=out,
                )
            return EXIT_OK
        try:
            repo.save_meeting(reported)
        except StorageWriteError as error:
            print(f"xiaozu: {error.message(env.lang)}", file=sys.stderr)
            return fail(
                env.t(
                    "文件已写出,但“已向党支部汇报”没有记录下来。请再运行一次。",
                    "The file was written, but the report to the branch was not recorded."
                    " Run the command again.",
                ),
            )
    day = env.date(env.now().date())
    print(
        env.t(
            f"已记录于{day}向党支部汇报(A2)。", f"Recorded as reported to the branch on {day} (A2)."
        ),
        file=out,
    )
    return EXIT_OK


def _minutes_refusal(env: KioskEnv, meeting: Meeting, args: argparse.Namespace) -> str | None:
    if meeting.postponement is not None and not meeting.step.held:
        return env.t(
            f"xiaozu: 会议 {meeting.id} 已推迟召开({meeting.postponement.reason}),没有会议记录。",
            f"xiaozu: meeting {meeting.id} was postponed ({meeting.postponement.reason});"
            " it has no minutes.",
        )
    if not meeting.step.held:
        return env.t(
            f"xiaozu: 会议 {meeting.id} 尚未召开,还没有会议记录。",
            f"xiaozu: meeting {meeting.id} has not been held yet; it has no minutes.",
        )
    if meeting.step.minutes_final:
        return None
    if args.reported:
        return env.t(
            f"xiaozu: 会议 {meeting.id} 的记录尚未定稿,不能记为已向党支部汇报。没有写出任何文件。",
            f"xiaozu: the minutes of meeting {meeting.id} are not finalised, so they cannot be"
            " recorded as reported to the branch. No file was written.",
        )
    if not args.draft:
        return env.t(
            f"xiaozu: 会议 {meeting.id} 的记录尚未定稿(会议在 kiosk 上定稿,Ctrl+F)。"
            "如要导出草稿,加 --draft:文件将标明“草稿”。",
            f"xiaozu: the minutes of meeting {meeting.id} are not finalised (finalise them"
            " on the kiosk, Ctrl+F). To export a draft, add --draft: the file is marked DRAFT.",
        )
    return None


def _written(env: KioskEnv, meeting: Meeting, org: Organisation, path: Path) -> str:
    group = org.group(meeting.group_id) if meeting.group_id else None
    owner = group.name if group else org.branch.name
    day = env.date(meeting.held_on)
    draft = "" if meeting.step.minutes_final else env.t("(草稿)", " (draft)")
    return env.t(
        f"已导出{owner}{day}会议的记录{draft}:{path}",
        f"Minutes{draft} of {owner}'s meeting of {day} written to {path}",
    )


def _unknown_meeting(
    env: KioskEnv, org: Organisation, meeting_id: str, meetings: list[Meeting]
) -> str:
    held = sorted(
        (m for m in meetings if m.step.held), key=lambda m: (m.held_on, m.id), reverse=True
    )[:12]
    lines = []
    for m in held:
        group = org.group(m.group_id) if m.group_id else None
        lines.append(f"  {m.id}  {m.held_on.isoformat()}  {group.name if group else ''}")
    listing = "\n".join(lines) or env.t("  (还没有召开过的会议)", "  (no meeting held yet)")
    return env.t(
        f"xiaozu: 没有编号为 {meeting_id!r} 的会议。最近召开的会议:\n{listing}",
        f"xiaozu: there is no meeting {meeting_id!r}. The latest meetings held:\n{listing}",
    )


def _busy(env: KioskEnv, busy: DataDirBusy) -> str:
    who = env.t(f"(进程号 {busy.pid})", f" (pid {busy.pid})") if busy.pid else ""
    return env.t(
        f"xiaozu: kiosk 正在运行{who},占用着数据目录 {env.data_dir},"
        "所以现在不能记为“已向党支部汇报”。没有写出任何文件,也没有改动任何记录。\n"
        "请在 kiosk 的会后页面按 X 导出并记为已汇报;或者去掉 --reported 只导出文件;"
        "或者关闭 kiosk 后再运行。",
        f"xiaozu: the kiosk is running{who} and holds the data directory {env.data_dir},"
        " so the report to the branch cannot be recorded now. No file was written and no"
        " record changed.\nExport and record it on the kiosk (X on the after-the-meeting"
        " screen); or leave out --reported to write the file only; or close the kiosk and"
        " run this again.",
    )
