"""Messages several commands of ``xiaozu`` print (no Textual)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.env import KioskEnv

if TYPE_CHECKING:
    from rules.lookup import LookupProblem


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
