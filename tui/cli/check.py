"""``xiaozu check [--json] [--at D]``: every finding of the rules engine; and
``xiaozu verify [--json]``: are the sealed records as they were sealed?
(R3: 会议记录要认真保管,存档备查.)

Reads the data directory without locking it, so it works while the kiosk
runs. Prints, for each group, how many sealed records verify; or each record
changed, removed or inserted after sealing, naming the group, the meeting's
date and id.

Exit status: 0 every sealed record verifies; 1 a record was changed, removed
or inserted, or a meeting file cannot be read at all (its records cannot be
verified, which an archive check must not pass over; the other files are
still verified and the file is named); 2 a usage or data error that stops
the check as a whole (no data, org.json unreadable).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any, TextIO

from rules.checks.engine import check
from rules.checks.findings import Finding, Severity
from storage import FileRepository, RecordNotFoundError
from tui.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Commands, no_data
from tui.core.env import KioskEnv
from tui.verify_report import VerifyReport, verify_repository


def add_check_command(sub: Commands) -> None:
    """Add ``check`` to the command line's subcommands."""
    chk = sub.add_parser("check", help="print every finding of the rules engine")
    chk.add_argument("--json", action="store_true", help="print a JSON array")
    chk.add_argument(
        "--at",
        metavar="YYYY-MM-DD",
        type=_parse_day,
        help="check as of noon that day (default: now)",
    )
    chk.set_defaults(run=cmd_check)


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def cmd_check(env: KioskEnv, args: argparse.Namespace, out: TextIO) -> int:
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
# verify


def add_verify_command(sub: Commands) -> None:
    """Add ``verify`` to the command line's subcommands."""
    ver = sub.add_parser(
        "verify",
        help="check that sealed minutes and addenda are as they were sealed",
        description="Recompute each group's chain of sealed records (finalised minutes"
        " with their attendance, and addenda) and name every record changed, removed"
        " or inserted after sealing. Reads only; works while the kiosk runs. Exit"
        " status: 0 all verify, 1 a problem (or a meeting file cannot be read),"
        " 2 no data or org.json cannot be read.",
    )
    ver.add_argument("--json", action="store_true", help="print a JSON object")
    ver.set_defaults(run=cmd_verify)


def cmd_verify(env: KioskEnv, args: argparse.Namespace, out: TextIO) -> int:
    repo = FileRepository(env.data_dir, writable=False)
    try:
        report = verify_repository(repo)
    except RecordNotFoundError:
        print(
            env.t(
                f"xiaozu: {env.data_dir} 中还没有数据,没有可核验的记录。",
                f"xiaozu: {env.data_dir} holds no data yet; there is nothing to verify.",
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.json:
        json.dump(report_json(report, env.lang), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        print_report(env, report, out)
    return EXIT_OK if report.ok else EXIT_FINDINGS  # a problem found


def report_json(report: VerifyReport, lang: str) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "sealed": report.sealed,
        "groups": [
            {
                "group_id": chain.group_id,
                "group_name": chain.group_name(lang),
                "minutes": chain.minutes,
                "addenda": chain.addenda,
                "unsealed": chain.unsealed,
            }
            for chain in report.chains
        ],
        "problems": [problem.as_json(lang) for problem in report.problems],
    }


def chain_text(env: KioskEnv, minutes: int, addenda: int) -> str:
    return env.t(
        f"{minutes} 次会议记录、{addenda} 条补充说明",
        f"{minutes} minutes, {addenda} addenda",
    )


def print_report(env: KioskEnv, report: VerifyReport, out: TextIO) -> None:
    t = env.t
    print(
        t(f"{report.branch} — 封存记录核验", f"{report.branch} — sealed records verified"),
        file=out,
    )
    for chain in report.chains:
        line = f"  {chain.group_name(env.lang)}: {chain_text(env, chain.minutes, chain.addenda)}"
        if chain.unsealed:
            line += t(
                f"(另有 {chain.unsealed} 条定稿于启用封存之前,下次定稿时一并封存)",
                f" ({chain.unsealed} finalised before sealing began, sealed with the next)",
            )
        print(line, file=out)
    if report.ok:
        print(
            t(
                f"全部 {report.sealed} 条封存记录核验无误。",
                f"OK: all {report.sealed} sealed records verify.",
            ),
            file=out,
        )
        return
    print(
        t(
            f"发现 {len(report.problems)} 个问题:",
            f"{len(report.problems)} problems found:",
        ),
        file=out,
    )
    for problem in report.problems:
        print(file=out)
        print(f"✗ {problem.title(env.lang)}", file=out)
        print(f"  {problem.message(env.lang)}", file=out)
