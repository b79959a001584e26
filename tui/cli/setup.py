"""``xiaozu import``, ``xiaozu init`` and ``xiaozu pin set``: putting a branch
into service.

A branch that starts from its own roster has nobody with a PIN, so nobody
can unlock the kiosk. On the kiosk's own terminal (whoever can run commands
there holds the data directory anyway):

    xiaozu import roster.csv      the people and groups
    xiaozu init                   prints a one-time set-up code, once
    xiaozu                        the kiosk: Ctrl+S on the lock screen, the
                                  code, the secretary's name, their own PIN

The code is twelve digits, good for seven days and for one use, and stored
only as a scrypt hash (``storage.pins``). Then the secretary gives each group
leader a PIN on the kiosk (K on home), or here:

    xiaozu pin set 王芳            an unlock PIN (a leader, the secretary …)
    xiaozu pin set 王芳 --signin   a member's first sign-in PIN

The PIN is read twice from the terminal without being shown (from standard
input, a line each, when that is not a terminal), never from an argument, so
it stays out of the shell's history and the process list.
"""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys
from pathlib import Path
from typing import TextIO

from rules.models import Branch, Organisation, Person
from rules.organisation import access
from rules.organisation.lookup import LookupProblem, find_person
from rules.organisation.roster_changes import apply_roster
from rules.organisation.roster_columns import RosterError
from storage import FileRepository
from tui.cli.common import EXIT_OK, EXIT_USAGE, Commands, lookup_failed
from tui.core.env import KioskEnv
from tui.roster_file import read_roster


def add_setup_commands(sub: Commands) -> None:
    """Add ``import``, ``init`` and ``pin`` to the command line's subcommands."""
    imp = sub.add_parser(
        "import",
        help="load or update people and groups from a roster: CSV (UTF-8 or GB18030) or .xlsx",
    )
    imp.add_argument("file", type=Path, metavar="ROSTER.csv|.xlsx")
    imp.add_argument(
        "--branch", metavar="NAME", help="the branch's name, on the first import (default 党支部)"
    )
    imp.set_defaults(run=cmd_import)

    init = sub.add_parser(
        "init",
        help="print a one-time set-up code, with which the secretary sets their PIN on the kiosk",
        description="Put an imported branch into service: print a one-time set-up code"
        " (12 digits, good for 7 days, one use; stored only hashed). On the kiosk's lock"
        " screen, Ctrl+S takes the code; the branch secretary (or organisation member)"
        " then sets their own PIN. Running it again replaces the code (also to let a"
        " secretary who forgot their PIN back in).",
    )
    init.set_defaults(run=cmd_init)

    pin = sub.add_parser("pin", help="set a PIN from the command line")
    pin_sub = pin.add_subparsers(dest="pin_command", metavar="ACTION", required=True)
    pin_set = pin_sub.add_parser(
        "set",
        help="set or reset a person's unlock PIN (or, with --signin, a member's sign-in PIN)",
        description="Set or reset the unlock PIN of a group leader, the branch secretary or"
        " the organisation member; with --signin, issue a party member's first sign-in PIN"
        " (they replace it with their own). The PIN (6-12 digits) is read twice from the"
        " terminal, never from an argument; from standard input, one line each, when that"
        " is not a terminal. Not while the kiosk runs.",
    )
    pin_set.add_argument("person", metavar="PERSON", help="a name or a person id")
    pin_set.add_argument(
        "--signin", action="store_true", help="the member's sign-in PIN, not an unlock PIN"
    )
    pin_set.set_defaults(run=cmd_pin_set)


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
# init and pin set


def _say(env: KioskEnv, zh: str, en: str, out: TextIO | None = None) -> None:
    print(env.t(zh, en), file=out if out is not None else sys.stderr)


def _no_roster(env: KioskEnv) -> bool:
    """Says so when the data directory holds no roster (nothing is created)."""
    if FileRepository(env.data_dir, writable=False).organisation() is not None:
        return False
    _say(
        env,
        f"xiaozu: {env.data_dir} 中还没有名册。请先导入:xiaozu import 名册.csv",
        f"xiaozu: {env.data_dir} holds no roster yet. Import one first: xiaozu import roster.csv",
    )
    return True


def cmd_init(env: KioskEnv, args: argparse.Namespace, out: TextIO) -> int:
    if _no_roster(env):
        return EXIT_USAGE
    with FileRepository(env.data_dir, writable=True) as repo:
        org = repo.organisation()
        assert org is not None
        admins = [p for p in org.people if access.is_branch_admin(p)]
        if not admins:
            _say(
                env,
                "xiaozu: 名册中没有支部书记或组织委员,设置码无人可用,没有生成。"
                "请在名册的「支部职务」列为书记填写「书记」,重新导入后再运行 xiaozu init。",
                "xiaozu: the roster names no branch secretary or organisation member, so"
                " nobody could use a set-up code; none was made. Put 书记 (secretary) in the"
                " branch_role column, import the roster again, then run xiaozu init.",
            )
            return EXIT_USAGE
        code = repo.issue_setup_code(env.now())
        holders = repo.pin_holders()
    names = "、".join(p.name for p in admins)
    names_en = ", ".join(p.name for p in admins)
    shown = access.format_setup_code(code)
    data = f" --data {env.data_dir}"
    _say(
        env,
        f"设置码(一次性,7天内有效,只显示这一次,请勿外传):{shown}\n"
        "下一步:\n"
        f"  1. 启动小组:xiaozu{data}\n"
        f"  2. 在锁定屏按 Ctrl+S,输入设置码,选择您的姓名({names}),设置您自己的 PIN(6–12 位数字)。\n"
        "  3. 用这个 PIN 解锁,在主页按 K(PIN 与职务)为各党小组长设置 PIN;"
        f"或在终端运行 xiaozu{data} pin set 姓名。",
        f"Set-up code (one use, good for 7 days, shown only this once; keep it to"
        f" yourself): {shown}\n"
        "Next:\n"
        f"  1. Start the kiosk: xiaozu{data}\n"
        "  2. On the lock screen press Ctrl+S, type the code, choose your name"
        f" ({names_en}) and set your own PIN (6-12 digits).\n"
        "  3. Unlock with it and press K on home (PINs and branch roles) to give each"
        f" group leader a PIN, or run xiaozu{data} pin set NAME in a terminal.",
        out,
    )
    if any(p.id in holders for p in admins):
        _say(
            env,
            "已有 PIN 的人仍可用原 PIN 解锁;用设置码设置的 PIN 会替换所选人员的原 PIN。",
            "Those who have a PIN can still unlock with it; a PIN set with the code replaces"
            " the chosen person's old one.",
            out,
        )
    return EXIT_OK


def cmd_pin_set(env: KioskEnv, args: argparse.Namespace, out: TextIO) -> int:
    if _no_roster(env):
        return EXIT_USAGE
    with FileRepository(env.data_dir, writable=True) as repo:
        org = repo.organisation()
        assert org is not None
        try:
            person = find_person(org, args.person)
        except LookupProblem as problem:
            print(lookup_failed(env, problem), file=sys.stderr)
            _say(env, "没有设置 PIN。", "No PIN was set.")
            return EXIT_USAGE
        refusal = _refusal(
            env, person, org_may_unlock=access.may_unlock(person, org), signin=args.signin
        )
        if refusal:
            print(refusal, file=sys.stderr)
            return EXIT_USAGE
        pin = _read_pin(env, person)
        if pin is None:
            return EXIT_USAGE
        if args.signin:
            version = repo.set_signin_pin(person.id, pin, first=True)
            repo.save_signin_attempts(person.id, access.PinAttempts())
            _say(
                env,
                f"已设置 {person.name}({person.id})的初始签到 PIN(第{version}版);"
                "之前手机上记住的登录已失效。",
                f"Set {person.name}'s ({person.id}) first sign-in PIN (version {version});"
                " phones that remembered the old one must sign in again.",
                out,
            )
        else:
            repo.set_pin(person.id, pin)
            repo.save_pin_attempts(person.id, access.PinAttempts())
            _say(
                env,
                f"已设置 {person.name}({person.id})的解锁 PIN。",
                f"Set {person.name}'s ({person.id}) unlock PIN.",
                out,
            )
    return EXIT_OK


def _refusal(env: KioskEnv, person: Person, *, org_may_unlock: bool, signin: bool) -> str:
    if signin and not person.is_party_member:
        return env.t(
            f"xiaozu: {person.name}({person.id})不是党员,不签到,不需要签到 PIN;没有设置。",
            f"xiaozu: {person.name} ({person.id}) is not a party member and signs in by no"
            " PIN; nothing was set.",
        )
    if not signin and not org_may_unlock:
        return env.t(
            f"xiaozu: {person.name}({person.id})不能解锁本机:只有党小组长、支部书记和组织委员"
            "持有解锁 PIN。成员的签到 PIN 用 --signin;没有设置。",
            f"xiaozu: {person.name} ({person.id}) does not unlock the kiosk: only group"
            " leaders, the secretary and the organisation member hold unlock PINs. For a"
            " member's sign-in PIN add --signin. Nothing was set.",
        )
    return ""


def _read_pin(env: KioskEnv, person: Person) -> str | None:
    """The new PIN, typed twice (not shown on a terminal); None, with the
    reason said, when it is not 6–12 digits or the two differ."""
    low, high = access.NEW_PIN_DIGITS
    first_prompt = env.t(
        f"{person.name} 的新 PIN({low}–{high} 位数字):",
        f"New PIN for {person.name} ({low}-{high} digits): ",
    )
    again_prompt = env.t("再输入一次:", "Once more: ")
    try:
        if sys.stdin.isatty():
            first = getpass.getpass(first_prompt)
            again = getpass.getpass(again_prompt)
        else:
            first = sys.stdin.readline().rstrip("\r\n")
            again = sys.stdin.readline().rstrip("\r\n")
    except (EOFError, KeyboardInterrupt):
        _say(env, "\nxiaozu: 已取消,没有设置 PIN。", "\nxiaozu: cancelled; no PIN was set.")
        return None
    pin = access.new_pin(first)
    if pin is None:
        _say(
            env,
            f"xiaozu: PIN 须为 {low}–{high} 位数字;没有设置。",
            f"xiaozu: a PIN is {low} to {high} digits; nothing was set.",
        )
        return None
    if access.new_pin(again) != pin:
        _say(
            env,
            "xiaozu: 两次输入的 PIN 不一致;没有设置。",
            "xiaozu: the two PINs differ; nothing was set.",
        )
        return None
    return pin
