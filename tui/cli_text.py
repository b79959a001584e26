"""Messages several commands of ``xiaozu`` print (no Textual)."""

from __future__ import annotations

from rules.models import Organisation
from tui.env import KioskEnv


def no_data(env: KioskEnv) -> str:
    return env.t(
        f"xiaozu: {env.data_dir} 中还没有数据。请先导入名册(xiaozu import 名册.csv)"
        "或生成演示数据(xiaozu demo)。",
        f"xiaozu: {env.data_dir} holds no data yet. Import a roster first"
        " (xiaozu import roster.csv) or make the demo (xiaozu demo).",
    )


def unknown_group(env: KioskEnv, org: Organisation, group_id: str) -> str:
    known = "\n".join(f"  {g.id}  {g.name}" for g in org.groups) or env.t("  (无)", "  (none)")
    return env.t(
        f"xiaozu: 没有编号为 {group_id!r} 的党小组。已有的党小组:\n{known}",
        f"xiaozu: there is no group {group_id!r}. The groups are:\n{known}",
    )
