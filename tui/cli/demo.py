"""``xiaozu demo [--years N]``: fill an empty data directory with a demo
branch (``rules.samples.demo``), or with a big one of N years
(``rules.samples.ten_years``)."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from rules.samples.demo import demo_branch
from rules.samples.ten_years import ten_year_branch
from storage import FileRepository, save_records
from tui.cli.common import EXIT_OK, EXIT_USAGE, Commands
from tui.core.env import KioskEnv


def add_demo_command(sub: Commands) -> None:
    """Add ``demo`` to the command line's subcommands."""
    demo = sub.add_parser("demo", help="fill an empty data directory with a demo branch")
    demo.add_argument(
        "--years",
        type=int,
        metavar="N",
        help="a big branch instead: 8 groups of 12 members, N years of monthly meetings",
    )
    demo.set_defaults(run=cmd_demo)


def cmd_demo(env: KioskEnv, args: argparse.Namespace, out: TextIO) -> int:
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
