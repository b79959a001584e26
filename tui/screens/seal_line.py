"""One line that shows how a meeting's minutes are sealed (R3, rules.meeting.seal):
beside the minutes on the after screen."""

from __future__ import annotations

from rich.text import Text

from rules.models import Meeting
from tui.core.env import KioskEnv

#: How much of a digest is shown: enough to compare by eye with
#: ``xiaozu verify --json`` or a printed copy.
SHORT_DIGEST = 12


def seal_line(meeting: Meeting, env: KioskEnv) -> Text:
    """R3 封存: the link's number, short digest and when it was sealed, and
    how many addenda are sealed after it."""
    t = env.t
    seal = meeting.seal
    if seal is None:
        return Text(
            t(
                "R3 尚未封存(定稿于启用封存之前,本组下次定稿时一并封存)",
                "R3 not sealed (finalised before sealing began; sealed with the group's next)",
            ),
            style="dim",
        )
    at = seal.sealed_at.astimezone(env.tz)
    when = f"{env.date(at.date())} {at:%H:%M}"
    short = seal.digest[:SHORT_DIGEST]
    out = Text(
        t(
            f"R3 已封存:第 {seal.index} 号 · {short} · 封存于{when}",
            f"R3 sealed: no. {seal.index} · {short} · sealed {when}",
        )
    )
    sealed_addenda = sum(1 for a in meeting.addenda if a.seal is not None)
    if sealed_addenda:
        out.append(
            t(f" · 补充说明 {sealed_addenda} 条已封存", f" · {sealed_addenda} addenda sealed")
        )
    return out
