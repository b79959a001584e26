"""The commands on the command line, group by group, in the order ``xiaozu
--help`` lists them. To add a group, write its module with an ``add_…``
function (``add_demo_command`` is the smallest) and put it in the list."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from tui.cli.backup import add_backup_commands
from tui.cli.badges import add_badges_command
from tui.cli.check import add_check_command, add_verify_command
from tui.cli.common import Commands
from tui.cli.demo import add_demo_command
from tui.cli.export import add_export_command
from tui.cli.setup import add_setup_commands

COMMAND_GROUPS: list[Callable[[Commands], None]] = [
    add_demo_command,
    add_setup_commands,  # import, init, pin set
    add_check_command,
    add_badges_command,
    add_verify_command,
    add_export_command,  # the kinds: tui.cli.export.EXPORT_KINDS
    add_backup_commands,  # backup, restore
]


def command_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """``parser`` (the kiosk's options) with every command added."""
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add_group in COMMAND_GROUPS:
        add_group(sub)
    return parser
