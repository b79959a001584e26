"""What the rules engine finds, as a table, with the seed's words for the
finding under the cursor — so a user sees *why* (SPEC §2).

Used by home (one group's findings) and the branch view (every group's, with
a group column). The parent sets the findings (attributes down) with
``show``; the widget owns nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import getters, on
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import DataTable, Static

from rules.findings import Finding, Severity
from rules.seed import RULES

SEVERITY: dict[Severity, tuple[str, str]] = {
    Severity.ERROR: ("错误", "error"),
    Severity.WARNING: ("警告", "warning"),
    Severity.ADVICE: ("建议", "advice"),
}


def t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


class FindingsView(Widget):
    """A findings table and, below it, the selected finding in full with the
    seed's words it rests on.

    With ``compact`` the seed's words show only while the table has focus
    (on demand), so a small screen keeps its room for the rest.
    """

    DEFAULT_CSS = """
    FindingsView {
        height: auto;
    }
    FindingsView > DataTable {
        height: auto;
    }
    FindingsView > .finding-detail {
        height: auto;
        padding: 0 1;
        border-top: solid $primary;
    }
    FindingsView.-compact > .finding-detail {
        display: none;
    }
    FindingsView.-compact:focus-within > .finding-detail {
        display: block;
    }
    """

    table = getters.query_one(DataTable)
    detail = getters.query_one(".finding-detail", Static)

    def __init__(
        self,
        lang: str,
        *,
        with_group: bool = False,
        compact: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="-compact" if compact else None)
        self.lang = lang
        self.with_group = with_group
        self.findings: list[Finding] = []

    def compose(self) -> ComposeResult:
        lang = self.lang
        table: DataTable[str] = DataTable(cursor_type="row", zebra_stripes=True)
        columns = [t(lang, "规则", "Rule"), t(lang, "级别", "Level")]
        if self.with_group:
            columns.append(t(lang, "党小组", "Group"))
        columns += [t(lang, "对象", "About"), t(lang, "说明", "Message")]
        table.add_columns(*columns)
        yield table
        yield Static("", classes="finding-detail", markup=False)

    def show(
        self, findings: Sequence[Finding], group_of: Callable[[Finding], str] | None = None
    ) -> None:
        """Show these findings (most serious first, as the engine sorts
        them); ``group_of`` names each one's group for the group column."""
        lang = self.lang
        self.findings = list(findings)
        table = self.table
        table.clear()
        for finding in self.findings:
            zh, en = SEVERITY[finding.severity]
            row = [finding.rule, t(lang, zh, en)]
            if self.with_group:
                row.append(group_of(finding) if group_of is not None else "")
            row += [finding.subject.label, finding.message(lang)]
            table.add_row(*row)
        if self.findings:
            self._describe(0)
        else:
            self.detail.update(t(lang, "没有发现问题。", "Nothing found."))

    @property
    def selected(self) -> Finding | None:
        row = self.table.cursor_row
        return self.findings[row] if 0 <= row < len(self.findings) else None

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._describe(event.cursor_row)

    def _describe(self, row: int) -> None:
        if not 0 <= row < len(self.findings):
            return
        finding = self.findings[row]
        lang = self.lang
        rule = RULES.get(finding.rule)
        title = t(lang, rule.title_zh, rule.title_en) if rule is not None else ""
        level = t(lang, *SEVERITY[finding.severity])
        self.detail.update(
            f"{finding.rule} {title} · {level} · {finding.subject.label}\n"
            f"{finding.message(lang)}\n"
            f"{t(lang, '依据', 'Seed')}:「{finding.seed}」"
        )
