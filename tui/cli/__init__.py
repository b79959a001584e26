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
(``rules.organisation.lookup``).

Exit status: 0 fine, 1 ``check`` found an error-level finding (``verify``: a
sealed record changed, removed or inserted), 2 a usage or data error (the
message says what to do), 141 the output's reader went away (``| head``; no
traceback). Textual is imported only when the kiosk launches, so the
other commands start fast and run without a terminal; the commands' own
modules only when a command is given, so the kiosk starts without them.

One module per command group: ``demo``, ``setup`` (import, init, pin),
``check`` (check, verify), ``badges``, ``backup`` (backup, restore),
``export`` and ``export_tables``; ``commands`` puts them on the command
line, ``common`` holds what they share.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from storage import StorageError, resolve_data_dir
from tui.cli.common import EXIT_OK, EXIT_PIPE, EXIT_USAGE
from tui.core.env import (
    KioskEnv,
    clock_from,
    idle_seconds_from,
    lang_from,
    phone_settings,
    time_zone,
)


def kiosk_parser() -> argparse.ArgumentParser:
    """The kiosk's options (the commands add theirs: ``tui.cli.commands``)."""
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
    return parser


def _parse_port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0-65535): {text!r}")
    return int(text)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line. Without a command (the kiosk) only the kiosk's
    options are read, so the commands' modules are not imported at all."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if "-h" not in argv and "--help" not in argv:
        args, rest = kiosk_parser().parse_known_args(argv)
        if not rest:
            return args
    # Only here: the commands' modules (the rules engine, roster import,
    # backups, exports …) are a tenth of a second of imports the kiosk never
    # needs (tests/cli/test_cli.py, test_the_kiosk_starts_without_the_commands…).
    from tui.cli.commands import command_parser

    return command_parser(kiosk_parser()).parse_args(argv)


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
    # Only here: Textual and the screens are for the kiosk itself; the
    # commands run without them (tests/cli/test_badges.py,
    # test_the_command_line_starts_without_textual).
    from tui.app import make_app

    make_app(env).run()
    return EXIT_OK
