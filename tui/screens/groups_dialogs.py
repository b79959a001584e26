"""Dialogs of the group editor (tui.screens.groups): a small form that
applies one organisation change, and a history list.

The form is handed ``apply``, which turns the typed values into an
``OrgChange`` (a pure function of rules.organisation.groups or .people) or raises ``ChangeRefused``;
a refusal is shown in the dialog, which stays open so the user can correct
it. The dialog is dismissed with the change, which the screen then saves.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Input, Select, Static

from rules.organisation.changes import ChangeRefused, OrgChange
from tui.core.env import KioskEnv
from tui.widgets.bindings import localise_bindings
from tui.widgets.form_fields import FORM_KEYS_TEXT, FieldSelect, next_field

_ENGLISH = {"change.save": "Save", "change.cancel": "Cancel", "history.back": "Close"}

_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_day(text: str) -> date | None:
    """A day written YYYY-MM-DD (full-width digits too), or None."""
    match = _DAY.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


class BadInput(ValueError):
    """A value typed in a form that cannot be read (e.g. a date)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def day_field(
    values: Mapping[str, str], key: str, label: str, *, optional: bool = False
) -> date | None:
    """The form's ``key`` as a date (None when empty and ``optional``)."""
    text = values.get(key, "").strip()
    if not text and optional:
        return None
    day = parse_day(text)
    if day is None:
        raise BadInput(
            f"{label}请写成 年-月-日,例如 2026-11-20。",
            f"Write the {label} as YYYY-MM-DD, e.g. 2026-11-20.",
        )
    return day


@dataclass(frozen=True)
class Field:
    """One field of a change form: text (or a date, typed as text), or a
    choice among ``choices`` (label, value)."""

    key: str
    label: str
    value: str = ""
    choices: Sequence[tuple[str, str]] = ()
    placeholder: str = ""
    allow_blank: bool = False


class ChangeDialog(ModalScreen[OrgChange | None]):
    """A form for one change to the organisation."""

    CSS_PATH = "groups.tcss"

    BINDINGS = [
        Binding("ctrl+s", "save", "保存", id="change.save"),
        Binding("escape", "cancel", "取消", id="change.cancel"),
    ]

    error_line = getters.query_one("#change-error", Static)

    def __init__(
        self,
        env: KioskEnv,
        title: str,
        note: str,
        fields: Sequence[Field],
        apply: Callable[[Mapping[str, str]], OrgChange],
    ) -> None:
        super().__init__()
        self.env = env
        self.title_text = title
        self.note = note
        self.fields = list(fields)
        self.apply = apply
        localise_bindings(self, env.lang, _ENGLISH)

    def compose(self) -> ComposeResult:
        t = self.env.t
        with Vertical(id="change-dialog"):
            yield Static(self.title_text, id="change-title", markup=False)
            if self.note:
                yield Static(self.note, id="change-note", markup=False)
            with VerticalScroll(id="change-fields"):
                for field in self.fields:
                    yield Static(field.label, classes="change-label", markup=False)
                    yield self._widget(field)
            yield Static("", id="change-error", markup=False)
            yield Static(t(*FORM_KEYS_TEXT), id="change-keys")
        yield Footer()

    def _widget(self, field: Field) -> Widget:
        widget_id = f"field-{field.key}"
        if field.choices:
            select = FieldSelect(
                list(field.choices),
                value=field.value if field.value else Select.NULL,
                allow_blank=field.allow_blank or not field.value,
                prompt=self.env.t("(无)", "(none)") if field.allow_blank else "—",
                id=widget_id,
            )
            return select
        return Input(value=field.value, placeholder=field.placeholder, id=widget_id)

    def on_mount(self) -> None:
        first = self._widgets()
        if first:
            first[0].focus()

    def _widgets(self) -> list[Widget]:
        return [self.query_one(f"#field-{f.key}") for f in self.fields]

    def values(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for field, widget in zip(self.fields, self._widgets(), strict=True):
            if isinstance(widget, Input):
                found[field.key] = widget.value
            elif isinstance(widget, Select):
                value = widget.value
                found[field.key] = value if isinstance(value, str) else ""
        return found

    @on(Input.Submitted)
    @on(FieldSelect.Submitted)
    def _submitted(self, event: Input.Submitted | FieldSelect.Submitted) -> None:
        """Enter goes on to the next field; on the last it saves."""
        event.stop()
        next_field(self, event.control, self.action_save)

    def action_save(self) -> None:
        try:
            change = self.apply(self.values())
        except ChangeRefused as refused:
            self._refuse(refused.message(self.env.lang))
            return
        except BadInput as bad:
            self._refuse(self.env.t(bad.zh, bad.en))
            return
        self.dismiss(change)

    def _refuse(self, text: str) -> None:
        self.error_line.update(self.env.t(f"不能保存:{text}", f"Not saved: {text}"))

    def action_cancel(self) -> None:
        self.dismiss(None)


class HistoryDialog(ModalScreen[None]):
    """A person's or a group's history, oldest first."""

    CSS_PATH = "groups.tcss"

    BINDINGS = [Binding("escape", "close", "关闭", id="history.back")]

    def __init__(
        self, env: KioskEnv, title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]
    ) -> None:
        super().__init__()
        self.env = env
        self.title_text = title
        self.columns = list(columns)
        self.rows = [list(r) for r in rows]
        localise_bindings(self, env.lang, _ENGLISH)

    def compose(self) -> ComposeResult:
        t = self.env.t
        with Vertical(id="history-dialog"):
            yield Static(self.title_text, id="history-title", markup=False)
            table: DataTable[str] = DataTable(id="history-table", cursor_type="row")
            table.add_columns(*self.columns)
            for row in self.rows:
                table.add_row(*row)
            yield table
            if not self.rows:
                yield Static(t("还没有变更记录。", "No changes recorded yet."), id="history-empty")
            yield Static(t("Esc 关闭", "Esc close"), id="history-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#history-table").focus()

    def action_close(self) -> None:
        self.dismiss(None)
