"""The ``xiaozu`` command: the kiosk, and the secretary's few commands.

    xiaozu [--data DIR] [--lang zh|en]            launch the kiosk
    xiaozu [--data DIR] demo [--years N]          fill DIR with a demo branch
                                                  (--years: 8 groups, N years)
    xiaozu [--data DIR] import ROSTER.csv|.xlsx   load or update the roster
    xiaozu [--data DIR] init                      a one-time set-up code (the
                                                  secretary's first PIN)
    xiaozu [--data DIR] pin set PERSON [--signin] set a PIN (typed twice)
    xiaozu [--data DIR] check [--json] [--at D]   what is out of order
    xiaozu [--data DIR] badges [--group G] [--out PATH] [--reissue PERSON ...]
                                                  issue members' QR badges and
                                                  write a printable sheet (HTML)
    xiaozu [--data DIR] verify [--json]           sealed records as sealed? (R3)
    xiaozu [--data DIR] backup FILE|FOLDER [--keep N]
                                                  a consistent copy, while the
                                                  kiosk runs (tar.gz, manifest)
    xiaozu [--data DIR] restore FILE [--force]    check a backup, put it in place
    xiaozu [--data DIR] export minutes MEETING [--format docx|md] [--out PATH]
                               [--reported] [--draft]
    xiaozu [--data DIR] export ledger --year Y [--group G] [--out PATH]
                                                  reports to the branch (A2):
                                                  minutes (Word), ledger (Excel)

A group G is named by its name or id, a PERSON by name, 党员编号 or id
(``rules.lookup``).

Exit status: 0 fine, 1 ``check`` found an error-level finding (``verify``: a
sealed record changed, removed or inserted), 2 a usage or data error (the
message says what to do), 141 the output's reader went away (``| head``; no
traceback). Textual is imported only when the kiosk launches,
so the other commands start fast and run without a terminal.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rules.findings import Finding, Severity
from rules.models import Branch, Group, Organisation, Person
from storage import (
    FileRepository,
    StorageError,
    StorageWriteError,
    resolve_data_dir,
    save_records,
)
from storage.atomic import write_atomically
from tui.cli_text import lookup_failed, no_data
from tui.core.env import (
    KioskEnv,
    clock_from,
    idle_seconds_from,
    lang_from,
    phone_settings,
    time_zone,
)

if TYPE_CHECKING:
    from rules.roster import RosterError
    from storage.backup import BackupResult, RestoreResult

# The commands' own modules (the rules engine, roster import, backups,
# exports …) are imported when a command runs: the kiosk, which runs none of
# them, starts without them.

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_PIPE = 128 + 13  # 128 + SIGPIPE, as a shell reports a reader that went away


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    """The command line; ``commands=False``: the kiosk's options only."""
    parser = argparse.ArgumentParser(
        prog="xiaozu",
        description="小组 — 党小组会 kiosk. Without a command it launches the kiosk.",
    )
    parser.add_argument(
        "--data",
        metavar="DIR",
        help="data directory (default: $XIAOZU_DATA, else the user data dir)",
    )
    parser.add_argument("--lang", choices=["zh", "en"], help="language (default zh)")
    parser.add_argument(
        "--bind",
        metavar="ADDR",
        help="address the phone sign-in page listens on (default $XIAOZU_BIND, else 0.0.0.0)",
    )
    parser.add_argument(
        "--port",
        type=_parse_port,
        metavar="PORT",
        help="its port (default $XIAOZU_PORT, else 8765; 0 picks a free one)",
    )
    parser.add_argument(
        "--address",
        metavar="URL",
        help="the address phones reach it at, written into the code"
        " (default $XIAOZU_ADDRESS, else http://<this machine's address>:<port>)",
    )
    if not commands:
        return parser
    from tui.cli_pins import add_pin_commands
    from tui.export.command import add_export_command
    from tui.verify_command import add_verify_command

    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="fill an empty data directory with a demo branch")
    demo.add_argument(
        "--years",
        type=int,
        metavar="N",
        help="a big branch instead: 8 groups of 12 members, N years of monthly meetings",
    )
    demo.set_defaults(run=cmd_demo)

    imp = sub.add_parser(
        "import",
        help="load or update people and groups from a roster: CSV (UTF-8 or GB18030) or .xlsx",
    )
    imp.add_argument("file", type=Path, metavar="ROSTER.csv|.xlsx")
    imp.add_argument(
        "--branch", metavar="NAME", help="the branch's name, on the first import (default 党支部)"
    )
    imp.set_defaults(run=cmd_import)

    add_pin_commands(sub)

    chk = sub.add_parser("check", help="print every finding of the rules engine")
    chk.add_argument("--json", action="store_true", help="print a JSON array")
    chk.add_argument(
        "--at",
        metavar="YYYY-MM-DD",
        type=_parse_day,
        help="check as of noon that day (default: now)",
    )
    chk.set_defaults(run=cmd_check)

    bdg = sub.add_parser(
        "badges",
        help="issue the party members' personal QR badges and write a printable sheet",
        description="Issue each party member's personal QR badge (read by the kiosk's"
        " USB scanner) and write an HTML sheet of them to print on A4 (or save as PDF"
        " from the browser). Badges already issued keep their version; --reissue makes"
        " a new badge for a person, which revokes their older ones.",
    )
    bdg.add_argument(
        "--group", metavar="G", help="a group, by name or id (default: every active group)"
    )
    bdg.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help="the sheet's file, .html (default: ./xiaozu-badges-<group|all>-<YYYYMMDD>.html;"
        " a folder: that name in it)",
    )
    bdg.add_argument(
        "--reissue",
        action="append",
        default=[],
        metavar="PERSON",
        help="make a new badge for this person (a name or the id on the badge), revoking the"
        " old one (repeatable)",
    )
    bdg.set_defaults(run=cmd_badges)

    # `verify`: are the sealed records as they were sealed (tui.verify_command).
    add_verify_command(sub)

    # `export KIND …`: the kinds are listed in tui.export.command.EXPORT_KINDS.
    add_export_command(sub)

    bak = sub.add_parser(
        "backup",
        help="write a consistent backup of the data directory (works while the kiosk runs)",
        description="Write the data directory (every document and the signing key) to one"
        " .tar.gz with a manifest of SHA-256 sums, consistent even while the kiosk writes."
        " The backup holds the key that signs badges: keep it like the keys to the room.",
    )
    bak.add_argument(
        "file",
        type=Path,
        metavar="FILE|FOLDER",
        help="the archive to write; a folder: xiaozu-backup-<YYYYMMDD-HHMMSS>.tar.gz in it",
    )
    bak.add_argument(
        "--keep",
        type=_parse_keep,
        metavar="N",
        help="with a folder: keep only the newest N xiaozu backups in it",
    )
    bak.set_defaults(run=cmd_backup)

    rst = sub.add_parser(
        "restore",
        help="check a backup and put it in place of the data directory",
        description="Check a backup completely (checksums, every file loads), then put it"
        " in the data directory. A directory that holds data is replaced only with"
        " --force, and its contents are first moved aside to"
        " <data>.before-restore-<time>, never deleted. Stop the kiosk first.",
    )
    rst.add_argument("file", type=Path, metavar="FILE", help="a backup made by xiaozu backup")
    rst.add_argument(
        "--force",
        action="store_true",
        help="replace a data directory that holds data (its contents are kept aside)",
    )
    rst.set_defaults(run=cmd_restore)
    return parser


def _parse_keep(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a number of backups (1 or more): {text!r}")
    return int(text)


def _parse_port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0-65535): {text!r}")
    return int(text)


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line. Without a command (the kiosk) only the kiosk's
    options are read, so the commands' modules are not imported at all."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if "-h" not in argv and "--help" not in argv:
        args, rest = build_parser(commands=False).parse_known_args(argv)
        if not rest:
            return args
    return build_parser().parse_args(argv)


def environment(args: argparse.Namespace) -> KioskEnv:
    """The kiosk's settings: the command line, then XIAOZU_* variables."""
    tz = time_zone(os.environ)
    bind, port, address = phone_settings(os.environ, args.bind, args.port, args.address)
    return KioskEnv(
        data_dir=resolve_data_dir(args.data, os.environ),
        lang=lang_from(args.lang),
        tz=tz,
        clock=clock_from(os.environ, tz),
        idle_seconds=idle_seconds_from(os.environ),
        phone_bind=bind,
        phone_port=port,
        phone_address=address,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    env = environment(args)
    run = getattr(args, "run", None)
    try:
        if run is None:
            return launch_kiosk(env)
        code: int = run(env, args, sys.stdout)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except StorageError as exc:
        print(f"xiaozu: {exc.message(env.lang)}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return _pipe_closed()


def _pipe_closed() -> int:
    """The reader went away (``xiaozu check --json | head -1``): end quietly,
    as Python's documentation of SIGPIPE advises. Standard output goes to
    devnull, so that flushing it at exit raises nothing more; the status is
    the shell's for a program ended by SIGPIPE."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # not a real file (a test's capture)
        pass
    return EXIT_PIPE


def launch_kiosk(env: KioskEnv) -> int:
    from tui.app import make_app  # Textual only for the kiosk itself

    make_app(env).run()
    return EXIT_OK


# --------------------------------------------------------------------------
# demo


def cmd_demo(env: KioskEnv, args: argparse.Namespace, out: TextIO) -> int:
    from rules.demo import demo_branch
    from rules.ten_years import ten_year_branch

    years: int | None = getattr(args, "years", None)
    if years is not None and years < 1:
        print(
            env.t("xiaozu: --years 至少为 1", "xiaozu: --years must be at least 1"), file=sys.stderr
        )
        return EXIT_USAGE
    with FileRepository(env.data_dir, writable=True) as repo:
        if not repo.is_empty():
            print(
                env.t(
                    f"xiaozu: {env.data_dir} 中已有数据,演示数据不会覆盖它。"
                    "请用 --data 指定一个空目录。",
                    f"xiaozu: {env.data_dir} already holds data; the demo will not touch it."
                    " Choose an empty directory with --data.",
                ),
                file=sys.stderr,
            )
            return EXIT_USAGE
        demo = demo_branch(env.now()) if years is None else ten_year_branch(env.now(), years)
        records = demo.records
        save_records(repo, records)
        repo.save_dues(demo.dues)
        for person_id, pin in demo.pins.items():
            repo.set_pin(person_id, pin)
        for person_id, pin in demo.signin_pins.items():
            repo.set_signin_pin(person_id, pin)
    org = records.organisation
    print(env.t(f"演示数据已写入 {env.data_dir}", f"Demo data written to {env.data_dir}"), file=out)
    print(
        env.t(
            f"{org.branch.name}:{len(org.active_groups)} 个党小组,"
            f"{len(org.party_members)} 名党员,{len(records.meetings)} 次会议。",
            f"{org.branch.name}: {len(org.active_groups)} groups, "
            f"{len(org.party_members)} party members, {len(records.meetings)} meetings.",
        ),
        file=out,
    )
    print(env.t("演示 PIN(仅用于演示):", "Demo PINs (for the demo only):"), file=out)
    for person_id, pin in demo.pins.items():
        person = org.person(person_id)
        print(f"  {person.name if person else person_id}: {pin}", file=out)
    print(
        env.t(
            "演示签到 PIN(手机签到用:党员编号 / PIN):",
            "Demo sign-in PINs (for phones: member number / PIN):",
        ),
        file=out,
    )
    cells = []
    for person_id, pin in demo.signin_pins.items():
        person = org.person(person_id)
        if person is not None:
            cells.append(f"{person.name} {person.member_no} / {pin}")
    for start in range(0, len(cells), 2):
        print("  " + "   ".join(cells[start : start + 2]), file=out)
    return EXIT_OK


# --------------------------------------------------------------------------
# import


def cmd_import(env: KioskEnv, args: argparse.Namespace, out: TextIO) -> int:
    from rules.roster import RosterError, apply_roster
    from tui.roster_file import read_roster

    path: Path = args.file
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(
            env.t(
                f"xiaozu: 无法读取 {path}:{exc.strerror}",
                f"xiaozu: cannot read {path}: {exc.strerror}",
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        rows = read_roster(data, path.name)  # CSV or .xlsx
    except RosterError as exc:
        print(_import_refused(env, path, exc), file=sys.stderr)
        return EXIT_USAGE
    with FileRepository(env.data_dir, writable=True) as repo:
        org = repo.organisation() or Organisation(
            branch=Branch(id="branch", name=args.branch or env.t("党支部", "Party branch"))
        )
        try:
            result = apply_roster(org, rows, _new_id)
        except RosterError as exc:
            print(_import_refused(env, path, exc), file=sys.stderr)
            return EXIT_USAGE
        repo.save_organisation(result.organisation)
        nobody = not repo.pin_holders()
    print(
        env.t(
            f"已导入 {path.name}:新增 {result.people_added} 人,更新 {result.people_updated} 人,"
            f"新建党小组 {result.groups_added} 个。",
            f"Imported {path.name}: {result.people_added} people added, "
            f"{result.people_updated} updated, {result.groups_added} groups added.",
        ),
        file=out,
    )
    if nobody:
        print(
            env.t(
                "还没有人持有 PIN。下一步:运行 xiaozu init 获得一次性设置码,"
                "支部书记用它在小组锁定屏(Ctrl+S)设置自己的 PIN。",
                "Nobody holds a PIN yet. Next: run xiaozu init for a one-time set-up code,"
                " with which the branch secretary sets their own PIN on the lock screen"
                " (Ctrl+S).",
            ),
            file=out,
        )
    return EXIT_OK


def _import_refused(env: KioskEnv, path: Path, exc: RosterError) -> str:
    # A problem of the file as a whole (line 0) already says what to do.
    then = env.t("\n请在表格中改正后重新导入。", "\nCorrect the spreadsheet and import it again.")
    if exc.line <= 0:
        then = ""
    return env.t(
        f"xiaozu: {path.name} 未导入(没有任何改动):{exc.message('zh')}{then}",
        f"xiaozu: {path.name} was not imported (nothing changed): {exc.message('en')}{then}",
    )


def _new_id(kind: str) -> str:
    return f"{kind[:1]}-{secrets.token_hex(5)}"


# --------------------------------------------------------------------------
# check


def cmd_check(env: KioskEnv, args: argparse.Namespace, out: TextIO) -> int:
    from rules.engine import check

    now = datetime.combine(args.at, time(12, 0), env.tz) if args.at else env.now()
    repo = FileRepository(env.data_dir, writable=False)
    if repo.organisation() is None:
        print(no_data(env), file=sys.stderr)
        return EXIT_USAGE
    records = repo.records()
    findings = check(records, now)
    if args.json:
        json.dump([finding_json(f, env.lang) for f in findings], out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        print_findings(env, records.organisation.branch.name, now, findings, out)
    return EXIT_FINDINGS if any(f.severity is Severity.ERROR for f in findings) else EXIT_OK


def finding_json(finding: Finding, lang: str) -> dict[str, str]:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "subject": finding.subject.label_in(lang),
        "subject_kind": finding.subject.kind.value,
        "subject_id": finding.subject.id,
        "subject_zh": finding.subject.label,
        "subject_en": finding.subject.label_in("en"),
        "message": finding.message(lang),
        "message_zh": finding.message_zh,
        "message_en": finding.message_en,
        "seed": finding.seed,
    }


SEVERITY_LABELS = {
    Severity.ERROR: ("错误", "error", "✗"),
    Severity.WARNING: ("警告", "warning", "!"),
    Severity.ADVICE: ("建议", "advice", "·"),
}


def print_findings(
    env: KioskEnv, branch: str, now: datetime, findings: Sequence[Finding], out: TextIO
) -> None:
    day = env.date(now.date())
    print(env.t(f"{branch} — 检查结果(截至{day})", f"{branch} — findings as of {day}"), file=out)
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    print(
        " · ".join(
            f"{env.t(SEVERITY_LABELS[s][0], SEVERITY_LABELS[s][1])} {counts[s]}" for s in Severity
        ),
        file=out,
    )
    if not findings:
        print(env.t("一切符合制度要求。", "Everything is in order."), file=out)
    for finding in findings:
        zh, en, mark = SEVERITY_LABELS[finding.severity]
        print(file=out)
        subject = finding.subject.label_in(env.lang)
        print(f"{mark} [{finding.rule}] {env.t(zh, en)} · {subject}", file=out)
        print(f"  {finding.message(env.lang)}", file=out)
        print(f"  {env.t('依据', 'Seed')}:「{finding.seed}」", file=out)


# --------------------------------------------------------------------------
# badges


def cmd_badges(env: KioskEnv, args: argparse.Namespace, out: TextIO) -> int:
    """Check everything first (the group, the people to reissue, where the
    sheet goes), then issue the badges (at most two writes of org.json: the
    reissued, then the first badges), then write the sheet atomically. If the
    sheet cannot be written after all, the badges stay issued; running the
    command again without --reissue prints the same badges."""
    from rules.lookup import LookupProblem, find_group, find_person
    from rules.signin import badge_token
    from tui.badges import badge_sheet_html

    today = env.now().date()
    with FileRepository(env.data_dir, writable=True) as repo:
        org = repo.organisation()
        if org is None:
            print(no_data(env), file=sys.stderr)
            return EXIT_USAGE
        try:  # by name or id (rules.lookup)
            group = find_group(org, args.group) if args.group is not None else None
            reissued = list(dict.fromkeys(find_person(org, who).id for who in args.reissue))
        except LookupProblem as unknown:
            print(lookup_failed(env, unknown), file=sys.stderr)
            return EXIT_USAGE
        groups = [group.id] if group is not None else [g.id for g in org.active_groups]
        members = [p for g in groups for p in org.members_of(g)]
        if not members:
            print(
                env.t(
                    "xiaozu: 没有可制作胸卡的党员(所选党小组中没有正式或预备党员)。",
                    "xiaozu: no one to make a badge for (no full or probationary"
                    " party member in the chosen groups).",
                ),
                file=sys.stderr,
            )
            return EXIT_USAGE
        member_ids = {p.id for p in members}
        strangers = [p for p in reissued if p not in member_ids]
        if strangers:
            print(_not_in_set(env, strangers, group), file=sys.stderr)
            return EXIT_USAGE
        path = _sheet_path(args.out, group.id if group else "all", today)
        problem = _unwritable(env, path)
        if problem:
            print(problem, file=sys.stderr)
            return EXIT_USAGE

        before = repo.badge_versions()
        if reissued:
            repo.issue_badges(reissued, reissue=True)
        versions = repo.issue_badges([p.id for p in members])
        secret = repo.kiosk_secret()
    badges = [(p, badge_token(secret, p.id, versions[p.id]), versions[p.id]) for p in members]
    html = badge_sheet_html(org, badges, env.lang, today)
    try:
        write_atomically(path, html.encode("utf-8"))
    except StorageWriteError as exc:
        print(f"xiaozu: {exc.message(env.lang)}", file=sys.stderr)
        print(
            env.t(
                "胸卡已制作(已记录),但胸卡页没有写出。"
                "不带 --reissue 再运行一次即可得到同样的胸卡。",
                "The badges were issued (and recorded), but the sheet was not written."
                " Run the command again without --reissue to get the same badges.",
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    _report_badges(env, path, members, before, reissued, versions, out)
    return EXIT_OK


def _not_in_set(env: KioskEnv, person_ids: list[str], group: Group | None) -> str:
    where_zh = f"{group.name}({group.id})的党员" if group else "各党小组的党员"
    where_en = f"of {group.name} ({group.id})" if group else "of a group"
    return env.t(
        f"xiaozu: {'、'.join(person_ids)} 不是{where_zh},不能补发胸卡。没有制作任何胸卡。"
        "(ID 印在胸卡上,也可在胸卡页中查到。)",
        f"xiaozu: {', '.join(person_ids)}: not a party member {where_en}, so no badge can be"
        " reissued. No badge was made. (The ID is printed on each badge.)",
    )


def _sheet_path(out: Path | None, label: str, day: date) -> Path:
    name = f"xiaozu-badges-{label}-{day:%Y%m%d}.html"
    if out is None:
        return Path.cwd() / name
    return out / name if out.is_dir() else out


def _unwritable(env: KioskEnv, path: Path) -> str | None:
    """Why the sheet cannot go to ``path``, or None if it can (so far as can
    be told before writing)."""
    if path.suffix.lower() not in (".html", ".htm"):
        return env.t(
            f"xiaozu: 胸卡页是 HTML 文件,请用 .html 结尾的文件名(而不是 {path.name})。"
            "要 PDF 时,在浏览器中打开它,打印时选“另存为 PDF”。",
            f"xiaozu: the sheet is an HTML file; give a name ending in .html (not {path.name})."
            " For a PDF, open it in a browser and print it to PDF.",
        )
    parent = path.parent
    if not parent.is_dir():
        return env.t(
            f"xiaozu: 文件夹 {parent} 不存在,胸卡页无法写入。没有制作任何胸卡。",
            f"xiaozu: the folder {parent} does not exist, so the sheet cannot be written."
            " No badge was made.",
        )
    if not os.access(parent, os.W_OK | os.X_OK) or (
        path.exists() and (path.is_dir() or not os.access(path, os.W_OK))
    ):
        return env.t(
            f"xiaozu: 无法写入 {path}。没有制作任何胸卡。",
            f"xiaozu: {path} cannot be written. No badge was made.",
        )
    return None


def _report_badges(
    env: KioskEnv,
    path: Path,
    members: Sequence[Person],
    before: dict[str, int],
    reissued: Sequence[str],
    versions: dict[str, int],
    out: TextIO,
) -> None:
    by_id = {p.id: p for p in members}

    def names(ids: Sequence[str]) -> str:
        return env.t("、", ", ").join(
            env.t(
                f"{by_id[i].name}({i},第{versions[i]}版)",
                f"{by_id[i].name} ({i}, version {versions[i]})",
            )
            for i in ids
        )

    print(
        env.t(
            f"胸卡页已写入 {path}:{len(members)} 张胸卡。请用浏览器打开,在 A4 纸上打印。",
            f"Badge sheet written to {path}: {len(members)} badges."
            " Open it in a browser and print it on A4.",
        ),
        file=out,
    )
    new = [p.id for p in members if p.id not in before and p.id not in reissued]
    if new:
        print(env.t(f"新制作:{names(new)}", f"Newly issued: {names(new)}"), file=out)
    if reissued:
        print(
            env.t(
                f"补发(旧卡已失效):{names(reissued)}",
                f"Reissued (older badges revoked): {names(reissued)}",
            ),
            file=out,
        )
    if not new and not reissued:
        print(
            env.t("没有新制作的胸卡,版本不变。", "No badge is new; versions unchanged."), file=out
        )


# --------------------------------------------------------------------------
# backup and restore


def cmd_backup(env: KioskEnv, args: argparse.Namespace, out: TextIO) -> int:
    """Read-only on the data directory: no lock, so it runs beside the kiosk."""
    from storage.backup import create_backup

    if args.keep is not None and not args.file.is_dir():
        print(
            env.t(
                "xiaozu: --keep 只能用于文件夹(备份写在文件夹中时才能清理旧备份)。",
                "xiaozu: --keep needs a folder (old backups are pruned only in a folder).",
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    result = create_backup(env.data_dir, args.file, now=env.now(), keep=args.keep)
    _report_backup(env, result, out)
    return EXIT_OK if result.problem is None else EXIT_FINDINGS


def _report_backup(env: KioskEnv, result: BackupResult, out: TextIO) -> None:
    from storage.backup import BackupArchiveError

    size = f"{max(1, round(result.size / 1024))} KB"
    print(
        env.t(
            f"备份已写入 {result.archive}({size})。",
            f"Backup written to {result.archive} ({size}).",
        ),
        file=out,
    )
    summary = result.summary
    if summary is not None:
        print(
            env.t(
                f"{summary.branch}:{summary.people} 人,{summary.meetings} 次会议,"
                f"{summary.plans} 份年度计划,共 {summary.files} 个文件;已核对,可以恢复。",
                f"{summary.branch}: {summary.people} people, {summary.meetings} meetings,"
                f" {summary.plans} annual plans, {summary.files} files; checked, restorable.",
            ),
            file=out,
        )
        if summary.sealed:
            print(env.t("封存记录校验通过。", "The sealed records verify."), file=out)
        if summary.has_secret:
            print(
                env.t(
                    "备份中含有签名密钥(secret.key),凭它可以制作胸卡:"
                    "请像保管会议室钥匙一样保管备份文件。",
                    "The backup holds the signing key (secret.key), with which badges can be"
                    " made: keep the backup like the keys to the room.",
                ),
                file=out,
            )
    if result.attempts > 1:
        print(
            env.t(
                f"复制时数据目录正在变化,第 {result.attempts} 次复制得到一致的副本。",
                f"The data changed while it was copied; try {result.attempts} got a"
                " consistent copy.",
            ),
            file=out,
        )
    for old in result.removed:
        print(env.t(f"已删除旧备份 {old.name}", f"Removed the old backup {old.name}"), file=out)
    problem = result.problem
    if problem is not None:
        what = (
            env.t(problem.what_zh, problem.what_en)
            if isinstance(problem, BackupArchiveError)
            else problem.message(env.lang)
        )
        print(
            env.t(
                f"xiaozu: 警告:{what}。数据目录中的数据本身有问题,恢复时会拒绝这个备份"
                "(请用 xiaozu check 查看,并尽快处理)。",
                f"xiaozu: warning: {what}. The data itself has a problem; a restore would"
                " refuse this backup (see xiaozu check, and deal with it soon).",
            ),
            file=sys.stderr,
        )


def cmd_restore(env: KioskEnv, args: argparse.Namespace, out: TextIO) -> int:
    from storage.backup import restore_backup

    result = restore_backup(args.file, env.data_dir, now=env.now(), force=args.force)
    _report_restore(env, args.file, result, out)
    return EXIT_OK


def _report_restore(env: KioskEnv, archive: Path, result: RestoreResult, out: TextIO) -> None:
    summary = result.summary
    print(
        env.t(
            f"已从 {archive}(备份于 {result.created_at},xiaozu {result.xiaozu_version})"
            f"恢复到 {result.data_dir}:{summary.branch},{summary.people} 人,"
            f"{summary.meetings} 次会议,{summary.plans} 份年度计划。",
            f"Restored {archive} (taken {result.created_at}, xiaozu {result.xiaozu_version})"
            f" to {result.data_dir}: {summary.branch}, {summary.people} people,"
            f" {summary.meetings} meetings, {summary.plans} annual plans.",
        ),
        file=out,
    )
    if summary.sealed:
        print(env.t("封存记录校验通过。", "The sealed records verify."), file=out)
    if result.set_aside is not None:
        print(
            env.t(
                f"原有数据已移到 {result.set_aside}(未删除)。",
                f"The data that was there is now in {result.set_aside} (not deleted).",
            ),
            file=out,
        )
    if not summary.has_secret:
        print(
            env.t(
                "备份中没有签名密钥(secret.key):信息亭会生成新密钥,已打印的胸卡需要重新制作"
                "(xiaozu badges --reissue)。",
                "The backup holds no signing key (secret.key): the kiosk will make a new one,"
                " and printed badges must be made again (xiaozu badges --reissue).",
            ),
            file=out,
        )


if __name__ == "__main__":
    raise SystemExit(main())
