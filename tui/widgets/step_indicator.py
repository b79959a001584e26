"""Where the meeting stands among its five steps (会中主要议程).

一 报告缺席 · 二 按议题 · 三 讨论 · 四 小结 · 五 记录 — the steps done are
ticked, the meeting's own step is highlighted, and a step the leader is only
looking back at is underlined. The parent sets ``step`` and ``viewing``
(attributes down); the indicator owns nothing else.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from rules.models import Step

#: The five steps, in the order the rules give them.
FIVE_STEPS: tuple[Step, ...] = (
    Step.ABSENTEE_REPORT,
    Step.AGENDA,
    Step.DISCUSSION,
    Step.SUMMARY,
    Step.RECORD,
)

SHORT_LABELS: dict[Step, tuple[str, str]] = {
    Step.ABSENTEE_REPORT: ("一 报告缺席", "1 Absentees"),
    Step.AGENDA: ("二 按议题", "2 Agenda"),
    Step.DISCUSSION: ("三 讨论", "3 Discussion"),
    Step.SUMMARY: ("四 小结", "4 Summary"),
    Step.RECORD: ("五 记录", "5 Record"),
}


class StepIndicator(Static):
    """One line: the five steps, the meeting's step highlighted."""

    DEFAULT_CSS = """
    StepIndicator {
        width: 1fr;
        height: auto;
        padding: 0 1;
    }
    """

    step: reactive[Step] = reactive(Step.PREPARATION)
    viewing: reactive[Step] = reactive(Step.PREPARATION)

    def __init__(self, lang: str = "zh", *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.lang = lang

    def _label(self, step: Step) -> str:
        zh, en = SHORT_LABELS[step]
        return en if self.lang == "en" else zh

    def watch_step(self) -> None:
        self.update(self.line())

    def watch_viewing(self) -> None:
        self.update(self.line())

    def line(self) -> Text:
        """The indicator as text (also what tests read)."""
        en = self.lang == "en"
        out = Text()
        if self.step is Step.PREPARATION:
            out.append("Preparation › " if en else "会前准备 › ", style="bold")
        for index, step in enumerate(FIVE_STEPS):
            if index:
                out.append(" · ", style="dim")
            label = self._label(step)
            if step.order < self.step.order:
                style = "green"
                label = "✓" + label
            elif step is self.step:
                style = "bold reverse"
            else:
                style = "dim"
            if step is self.viewing and step is not self.step:
                style += " underline"
            out.append(label, style=style)
        if self.step.minutes_final:
            out.append(" · 已定稿" if not en else " · final", style="bold")
        return out
