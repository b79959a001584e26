"""What several of ``xiaozu``'s commands share: the exit statuses, the
messages they all print, and the one check of where a file may be written."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TypeAlias

from rules.organisation.lookup import LookupProblem
from tui.core.env import KioskEnv

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_PIPE = 128 + 13  # 128 + SIGPIPE, as a shell reports a reader that went away

#: The sub-parsers a command group adds its commands to (argparse's class is
#: private, and not subscriptable at run time).
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def fail(message: str) -> int:
    """Say why on standard error; the status of a usage or data error."""
    print(message, file=sys.stderr)
    return EXIT_USAGE


def no_data(env: KioskEnv) -> str:
    return env.t(
        f"xiaozu: {env.data_dir} 中还没有数据。请先导入名册(xiaozu import 名册.csv)"
        "或生成演示数据(xiaozu demo)。",
        f"xiaozu: {env.data_dir} holds no data yet. Import a roster first"
        " (xiaozu import roster.csv) or make the demo (xiaozu demo).",
    )


def lookup_failed(env: KioskEnv, problem: LookupProblem) -> str:
    """A name or id on the command line that names no one, or more than one."""
    return f"xiaozu: {problem.message(env.lang)}"


#: What ``unwritable`` adds when a command writes nothing because of it.
NOTHING_WRITTEN = ("没有写出任何文件。", "nothing was written.")


def unwritable(
    env: KioskEnv, path: Path, nothing_done: tuple[str, str] = NOTHING_WRITTEN
) -> str | None:
    """Why a file cannot be written at ``path``, followed by what the command
    therefore did not do (``nothing_done``, Chinese and English), or None if
    it can be written (so far as can be told before writing)."""
    then_zh, then_en = nothing_done
    parent = path.parent
    if not parent.is_dir():
        return env.t(
            f"xiaozu: 文件夹 {parent} 不存在,{then_zh}",
            f"xiaozu: the folder {parent} does not exist; {then_en}",
        )
    if not os.access(parent, os.W_OK | os.X_OK) or (
        path.exists() and (path.is_dir() or not os.access(path, os.W_OK))
    ):
        return env.t(
            f"xiaozu: 无法写入 {path},{then_zh}",
            f"xiaozu: {path} cannot be written; {then_en}",
        )
    return None
