"""The ``xiaozu`` command: the kiosk, and the secretary's few commands.

    xiaozu [--data DIR] [--lang zh|en]            launch the kiosk
    xiaozu [--data DIR] demo                      fill DIR with a demo branch
    xiaozu [--data DIR] import ROSTER.csv         load or update the roster
    xiaozu [--data DIR] check [--json] [--at D]   what is out of order

Exit status: 0 fine, 1 ``check`` found an error-level finding, 2 a usage or
data error (the message says what to do). Textual is imported only when the
kiosk launches, so the other commands start fast and run without a terminal.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import TextIO

from rules.demo import demo_branch
from rules.engine import check
from rules.findings import Finding, Severity
from rules.models import Branch, Organisation
from rules.roster import RosterError, apply_roster, parse_roster
from storage import FileRepository, StorageError, resolve_data_dir, save_records
from tui.env import KioskEnv, clock_from, idle_seconds_from, lang_from, time_zone

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="fill an empty data directory with a demo branch")
    demo.set_defaults(run=cmd_demo)

    imp = sub.add_parser("import", help="load or update people and groups from a roster CSV")
    imp.add_argument("file", type=Path, metavar="ROSTER.csv")
    imp.add_argument(
        "--branch", metavar="NAME", help="the branch's name, on the first import (default 党支部)"
    )
    imp.set_defaults(run=cmd_import)

    chk = sub.add_parser("check", help="print every finding of the rules engine")
    chk.add_argument("--json", action="store_true", help="print a JSON array")
    chk.add_argument(
        "--at",
        metavar="YYYY-MM-DD",
        type=_parse_day,
        help="check as of noon that day (default: now)",
    )
    chk.set_defaults(run=cmd_check)
    return parser


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    tz = time_zone(os.environ)
    env = KioskEnv(
        data_dir=resolve_data_dir(args.data, os.environ),
        lang=lang_from(args.lang),
        tz=tz,
        clock=clock_from(os.environ, tz),
        idle_seconds=idle_seconds_from(os.environ),
    )
    run = getattr(args, "run", None)
    try:
        if run is None:
            return launch_kiosk(env)
        code: int = run(env, args, sys.stdout)
        return code
    except StorageError as exc:
        print(f"xiaozu: {exc.message(env.lang)}", file=sys.stderr)
        return EXIT_USAGE


def launch_kiosk(env: KioskEnv) -> int:
    from tui.app import make_app  # Textual only for the kiosk itself

    make_app(env).run()
    return EXIT_OK


# --------------------------------------------------------------------------
# demo


def cmd_demo(env: KioskEnv, args: argparse.Namespace, out: TextIO) -> int:
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
        demo = demo_branch(env.now())
        records = demo.records
        save_records(repo, records)
        for person_id, pin in demo.pins.items():
            repo.set_pin(person_id, pin)
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
    return EXIT_OK


# --------------------------------------------------------------------------
# import


def cmd_import(env: KioskEnv, args: argparse.Namespace, out: TextIO) -> int:
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
        rows = parse_roster(data)
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
    print(
        env.t(
            f"已导入 {path.name}:新增 {result.people_added} 人,更新 {result.people_updated} 人,"
            f"新建党小组 {result.groups_added} 个。",
            f"Imported {path.name}: {result.people_added} people added, "
            f"{result.people_updated} updated, {result.groups_added} groups added.",
        ),
        file=out,
    )
    return EXIT_OK


def _import_refused(env: KioskEnv, path: Path, exc: RosterError) -> str:
    return env.t(
        f"xiaozu: {path.name} 未导入(没有任何改动):{exc.message('zh')}\n请在表格中改正后重新导入。",
        f"xiaozu: {path.name} was not imported (nothing changed): {exc.message('en')}\n"
        "Correct the spreadsheet and import it again.",
    )


def _new_id(kind: str) -> str:
    return f"{kind[:1]}-{uuid.uuid4().hex[:10]}"


# --------------------------------------------------------------------------
# check


def cmd_check(env: KioskEnv, args: argparse.Namespace, out: TextIO) -> int:
    now = datetime.combine(args.at, time(12, 0), env.tz) if args.at else env.now()
    repo = FileRepository(env.data_dir, writable=False)
    if repo.organisation() is None:
        print(
            env.t(
                f"xiaozu: {env.data_dir} 中还没有数据。请先导入名册(xiaozu import 名册.csv)"
                "或生成演示数据(xiaozu demo)。",
                f"xiaozu: {env.data_dir} holds no data yet. Import a roster first"
                " (xiaozu import roster.csv) or make the demo (xiaozu demo).",
            ),
            file=sys.stderr,
        )
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
        "subject": finding.subject.label,
        "subject_kind": finding.subject.kind.value,
        "subject_id": finding.subject.id,
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
        print(f"{mark} [{finding.rule}] {env.t(zh, en)} · {finding.subject.label}", file=out)
        print(f"  {finding.message(env.lang)}", file=out)
        print(f"  {env.t('依据', 'Seed')}:「{finding.seed}」", file=out)


if __name__ == "__main__":
    raise SystemExit(main())
