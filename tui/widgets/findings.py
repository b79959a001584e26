"""What the rules engine finds, as a table, with the seed's words for the
finding under the cursor — so a user sees *why* (SPEC §2).

Used by home (one group's findings) and the branch view (every group's, with
a group column). The parent sets the findings (attributes down) with
``show``; the widget owns nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.cells import cell_len
from textual import getters, on
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import DataTable, Static

from rules.checks.findings import Finding, Severity
from rules.checks.seed import RULES

SEVERITY: dict[Severity, tuple[str, str]] = {
    Severity.ERROR: ("错误", "error"),
    Severity.WARNING: ("警告", "warning"),
    Severity.ADVICE: ("建议", "advice"),
}


def t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


#: Cells a column takes besides its text (DataTable's cell padding).
_COLUMN_PADDING = 2
#: The narrowest the subject and the explanation are wrapped to.
_MIN_SUBJECT, _MIN_MESSAGE = 10, 20


def column_widths(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[int]:
    """Each column's width: its text's, except that the last two (the
    subject and the explanation) share what is left of ``width`` when they
    do not fit, to be wrapped."""
    natural = [
        max([cell_len(header), *(cell_len(row[i]) for row in rows)])
        for i, header in enumerate(headers)
    ]
    room = width - _COLUMN_PADDING * len(headers) - sum(natural[:-2])
    subject, message = natural[-2:]
    if width <= 0 or subject + message <= room:
        return natural
    message = min(message, max(_MIN_MESSAGE, room - min(subject, _MIN_SUBJECT)))
    subject = max(min(subject, _MIN_SUBJECT), room - message)
    return [*natural[:-2], subject, message]


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
        self._rows: list[list[str]] = []
        self._filled_for = -1

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Static("", classes="finding-detail", markup=False)

    def _headers(self) -> list[str]:
        lang = self.lang
        columns = [t(lang, "规则", "Rule"), t(lang, "级别", "Level")]
        if self.with_group:
            columns.append(t(lang, "党小组", "Group"))
        return [*columns, t(lang, "对象", "About"), t(lang, "说明", "Message")]

    def on_mount(self) -> None:
        self._fill()

    def on_resize(self) -> None:
        if self.table.scrollable_content_region.width != self._filled_for:
            self._fill()

    def show(
        self, findings: Sequence[Finding], group_of: Callable[[Finding], str] | None = None
    ) -> None:
        """Show these findings (most serious first, as the engine sorts
        them); ``group_of`` names each one's group for the group column."""
        lang = self.lang
        self.findings = list(findings)
        self._rows = []
        for finding in self.findings:
            zh, en = SEVERITY[finding.severity]
            row = [finding.rule, t(lang, zh, en)]
            if self.with_group:
                row.append(group_of(finding) if group_of is not None else "")
            row += [finding.subject.label_in(lang), finding.message(lang)]
            self._rows.append(row)
        if self.is_mounted:
            self._fill()
        if self.findings:
            self._describe(0)
        else:
            self.detail.update(t(lang, "没有发现问题。", "Nothing found."))

    def _fill(self) -> None:
        """The rows, the subject and the explanation wrapped within the
        width there is (a finding's *why* is never cut off at the edge)."""
        table = self.table
        width = table.scrollable_content_region.width
        self._filled_for = width
        headers = self._headers()
        widths = column_widths(headers, self._rows, width)
        row = table.cursor_row
        table.clear(columns=True)
        for header, cell_width in zip(headers, widths, strict=True):
            table.add_column(header, width=cell_width)
        for cells in self._rows:
            table.add_row(*cells, height=None)
        if 0 <= row < len(self._rows):
            table.move_cursor(row=row, animate=False)

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
            f"{finding.rule} {title} · {level} · {finding.subject.label_in(lang)}\n"
            f"{finding.message(lang)}\n"
            f"{t(lang, '依据', 'Seed')}:「{finding.seed}」"
        )
