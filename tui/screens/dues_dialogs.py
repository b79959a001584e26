"""The dues screen's two forms: a payment (交纳党费) and a member's monthly
amount (月缴纳额).

Each is handed a ``save`` function by the dues screen, which answers None
when the change was made (the form closes) or the refusal to show (the form
stays open, nothing typed is lost). Escape closes without saving.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual import getters
from textual.app import ComposeResult
from textual.widgets import Input, Static

from tui.core.env import KioskEnv
from tui.screens.meeting_steps.dialogs import FormDialog
from tui.widgets.form_fields import FieldSelect


@dataclass(frozen=True)
class PaymentDraft:
    months: str
    amount: str
    paid_on: str
    collected_by: str


@dataclass(frozen=True)
class RateDraft:
    amount: str
    since: str


class DuesDialog(FormDialog):
    """A dues form: the meeting dialogs' form with a hint under its title."""

    CSS_PATH = "dues.tcss"


class PaymentDialog(DuesDialog):
    """Months covered, amount, the day paid, who collected it."""

    months = getters.query_one("#dues-months", Input)
    amount = getters.query_one("#dues-amount", Input)
    paid_on = getters.query_one("#dues-paid-on", Input)
    collector = getters.query_one("#dues-collector", FieldSelect)

    def __init__(
        self,
        env: KioskEnv,
        title: str,
        hint: str,
        draft: PaymentDraft,
        collectors: Sequence[tuple[str, str]],
        save: Callable[[PaymentDraft], str | None],
    ) -> None:
        super().__init__(env, title, hint)
        self.draft = draft
        self.collectors = list(collectors)  # (label, person id)
        self.save = save

    def fields(self) -> ComposeResult:
        t = self.env.t
        yield Static(
            t("所交月份(如 9-11 或 9,10)", "Months (e.g. 9-11 or 9,10)"), classes="dialog-label"
        )
        yield Input(self.draft.months, id="dues-months")
        yield Static(t("金额(元)", "Amount (yuan)"), classes="dialog-label")
        yield Input(self.draft.amount, id="dues-amount")
        yield Static(t("交纳日期", "Paid on"), classes="dialog-label")
        yield Input(self.draft.paid_on, placeholder="YYYY-MM-DD", id="dues-paid-on", max_length=10)
        yield Static(t("收缴人", "Collected by"), classes="dialog-label")
        yield FieldSelect(
            self.collectors,
            allow_blank=False,
            value=self.draft.collected_by,
            id="dues-collector",
            compact=True,
        )

    def attempt(self) -> str | None:
        return self.save(
            PaymentDraft(
                months=self.months.value,
                amount=self.amount.value,
                paid_on=self.paid_on.value,
                collected_by=str(self.collector.value),
            )
        )


class RateDialog(DuesDialog):
    """A member's monthly amount, from a month on."""

    amount = getters.query_one("#dues-rate", Input)
    since = getters.query_one("#dues-since", Input)

    def __init__(
        self,
        env: KioskEnv,
        title: str,
        hint: str,
        draft: RateDraft,
        save: Callable[[RateDraft], str | None],
    ) -> None:
        super().__init__(env, title, hint)
        self.draft = draft
        self.save = save

    def fields(self) -> ComposeResult:
        t = self.env.t
        yield Static(
            t("每月应交(元,0 为免交)", "Each month (yuan; 0: exempt)"), classes="dialog-label"
        )
        yield Input(self.draft.amount, id="dues-rate")
        yield Static(t("自哪个月起(YYYY-MM)", "From the month (YYYY-MM)"), classes="dialog-label")
        yield Input(self.draft.since, placeholder="YYYY-MM", id="dues-since", max_length=7)

    def attempt(self) -> str | None:
        return self.save(RateDraft(amount=self.amount.value, since=self.since.value))
