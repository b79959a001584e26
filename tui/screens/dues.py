"""Party dues (按时收缴党费): the group's members by the months of a year.

Each cell says whether the month is paid (✓), unpaid (✗), part paid (◐),
not yet due (·), exempt (○) or has no amount set (–). R records a payment for
the member on the cursor (the months still owed and their amount filled in,
collected by whoever unlocked the kiosk), E sets their monthly amount from a
month on, O shows the October dues check (十月:党费检查), [ and ] change the
year. Opened from home with D; Escape goes back.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from rules.dues.book import (
    DuesError,
    Month,
    MonthDues,
    MonthState,
    member_year,
    months_text,
    new_payment,
    new_rate,
    parse_months,
    parse_yuan,
    suggested_payment,
    yuan,
)
from rules.dues.report import dues_check
from rules.models import Person
from tui.core.kiosk import Kiosk
from tui.messages import RecordsChanged
from tui.screens.dues_dialogs import PaymentDialog, PaymentDraft, RateDialog, RateDraft
from tui.widgets.bindings import localise_bindings
from tui.widgets.footer import KeysFooter

_ENGLISH = {
    "dues.pay": "Payment",
    "dues.rate": "Amount",
    "dues.check": "October check",
    "dues.prev": "Year −",
    "dues.next": "Year +",
    "dues.back": "Back",
}

#: A month as one cell: its mark and style.
MARKS: dict[MonthState, tuple[str, str]] = {
    MonthState.PAID: ("✓", "green"),
    MonthState.UNPAID: ("✗", "bold red"),
    MonthState.PARTIAL: ("◐", "bold yellow"),
    MonthState.NOT_DUE: ("·", "dim"),
    MonthState.EXEMPT: ("○", ""),
    MonthState.NO_RATE: ("–", "dim"),
}


def month_cell(month: MonthDues) -> Text:
    mark, style = MARKS[month.state]
    return Text(mark, style=style, justify="center")


def months_input(months: tuple[Month, ...]) -> str:
    """Months of one year as they are typed: ``9-11``, ``3,5``."""
    numbers = [m.month for m in months]
    parts: list[str] = []
    start = prev = None
    for number in [*numbers, None]:
        if number is not None and prev is not None and number == prev + 1:
            prev = number
            continue
        if start is not None and prev is not None:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = number
    return ",".join(parts)


def parse_day(text: str, today: date) -> date | None:
    """``2026-11-05``, or ``11-05`` in this year."""
    cleaned = text.strip()
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        pass
    try:
        return date.fromisoformat(f"{today.year}-{cleaned}")
    except ValueError:
        return None


class DuesScreen(Screen[None]):
    """The session group's dues, a year at a time."""

    CSS_PATH = "dues.tcss"

    BINDINGS = [
        Binding("r", "pay", "记录交纳", id="dues.pay"),
        Binding("e", "rate", "月缴额", id="dues.rate"),
        Binding("o", "check", "十月检查", id="dues.check"),
        Binding("left_square_bracket", "year(-1)", "上一年", id="dues.prev"),
        Binding("right_square_bracket", "year(1)", "下一年", id="dues.next"),
        Binding("escape", "back", "返回", id="dues.back"),
    ]

    title_line = getters.query_one("#dues-title", Static)
    table = getters.query_one("#dues-table", DataTable)
    legend = getters.query_one("#dues-legend", Static)
    detail = getters.query_one("#dues-detail", Static)
    message_line = getters.query_one("#dues-message", Static)

    def __init__(self, kiosk: Kiosk) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.env = kiosk.env
        self.year = kiosk.today().year
        self.members: list[Person] = []
        self.showing_check = False
        localise_bindings(self, self.env.lang, _ENGLISH)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="dues-title", markup=False)
        yield DataTable(id="dues-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="dues-legend", markup=False)
        with VerticalScroll(id="dues-body"):
            yield Static("", id="dues-detail", markup=False)
        yield Static("", id="dues-message", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        t = self.env.t
        self.table.add_column(t("姓名", "Name"), key="name")
        self.table.add_column(t("月缴额", "Monthly"), key="rate")
        for month in range(1, 13):
            self.table.add_column(f"{month:>2}", key=f"m{month}")
        self.table.add_column(t("欠缴", "Owed"), key="owed")
        self.legend.update(
            t(
                "✓ 已交  ✗ 未交  ◐ 部分  · 未到期  ○ 免交  – 未核定月缴额",
                "✓ paid  ✗ unpaid  ◐ part paid  · not due  ○ exempt  – no amount set",
            )
        )
        self.refresh_content()
        self.table.focus()

    @on(RecordsChanged)
    def _records_changed(self) -> None:
        self.refresh_content()

    # -- showing ----------------------------------------------------------------

    @property
    def selected(self) -> Person | None:
        row = self.table.cursor_row
        if 0 <= row < len(self.members) and self.table.row_count == len(self.members):
            return self.members[row]
        return None

    def refresh_content(self) -> None:
        kiosk, t = self.kiosk, self.env.t
        keep = self.selected.id if self.selected is not None else None
        today = kiosk.today()
        book = kiosk.records.dues(self.year)
        self.members = list(kiosk.dues_members())
        years = [member_year(book, p.id, self.year, today) for p in self.members]
        owing = sum(1 for y in years if y.unpaid)
        owed = sum(y.owed_fen for y in years)
        self.title_line.update(
            t(
                f"党费收缴 · {kiosk.group_name()} · {self.year}年 · "
                f"截至{self.env.date(today)}:欠缴 {owing} 人,合计 {yuan(owed)} 元",
                f"Party dues · {kiosk.group_name()} · {self.year} · as of "
                f"{self.env.date(today)}: {owing} owing, {yuan(owed)} yuan in all",
            )
        )
        table = self.table
        table.clear()
        for person, year in zip(self.members, years, strict=True):
            rate = book.rate_for(person.id, min(Month(self.year, 12), Month.of(today)))
            owed_cell = Text("")
            if year.owed_fen:
                owed_cell = Text(
                    t(
                        f"{len(year.unpaid)}个月 {yuan(year.owed_fen)}",
                        f"{len(year.unpaid)} mo {yuan(year.owed_fen)}",
                    ),
                    style="bold red",
                )
            table.add_row(
                Text(person.name),
                Text(yuan(rate) if rate is not None else t("未核定", "not set"), justify="right"),
                *(month_cell(m) for m in year.months),
                owed_cell,
                key=person.id,
            )
        ids = [p.id for p in self.members]
        if keep in ids:
            table.move_cursor(row=ids.index(keep), animate=False)
        self._describe()

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        if not self.showing_check:
            self._describe()

    def _describe(self) -> None:
        if self.showing_check:
            self.detail.update(self._check_text())
            return
        person = self.selected
        self.detail.update(self._member_text(person) if person is not None else "")

    def _member_text(self, person: Person) -> str:
        t, env, kiosk = self.env.t, self.env, self.kiosk
        book, today = kiosk.records.dues(self.year), kiosk.today()
        year = member_year(book, person.id, self.year, today)
        rates = book.rates_of(person.id)
        lines = [person.name]
        if rates:
            lines.append(
                t("月缴额:", "Monthly amount: ")
                + t("、", "; ").join(
                    t(
                        f"自{r.since.year}年{r.since.month}月起 {yuan(r.amount_fen)} 元",
                        f"{yuan(r.amount_fen)} from {r.since}",
                    )
                    for r in rates
                )
            )
        else:
            lines.append(t("月缴额尚未核定:按 E 设置。", "No monthly amount set: press E."))
        if year.unpaid:
            lines.append(
                t(
                    f"{self.year}年欠缴:{months_text(year.unpaid, 'zh', self.year)},"
                    f"共 {yuan(year.owed_fen)} 元",
                    f"Unpaid in {self.year}: {months_text(year.unpaid, 'en', self.year)}, "
                    f"{yuan(year.owed_fen)} yuan",
                )
            )
        else:
            lines.append(t(f"{self.year}年无欠缴。", f"Nothing owed for {self.year}."))
        payments = [
            p for p in book.payments_of(person.id) if any(m.year == self.year for m in p.months)
        ]
        lines.append(t(f"交纳记录({len(payments)} 笔):", f"Payments ({len(payments)}):"))
        for payment in reversed(payments):
            covered = months_text(payment.months, env.lang, self.year)
            who = kiosk.records.name(payment.collected_by)
            lines.append(
                t(
                    f"  {env.date(payment.paid_on)} 交 {covered} {yuan(payment.amount_fen)} 元"
                    f" · 收缴人 {who}",
                    f"  {env.date(payment.paid_on)} {covered}: {yuan(payment.amount_fen)} yuan"
                    f" · collected by {who}",
                )
            )
        return "\n".join(lines)

    def _check_text(self) -> str:
        """The October dues check (十月:党费政策和党费检查)."""
        t, kiosk = self.env.t, self.kiosk
        book, today = kiosk.records.dues(self.year), kiosk.today()
        report = dues_check(book, self.members, self.year, today)
        through = report.through
        lines = [
            t(
                f"党费检查({self.year}年1月至{through.month}月)· {kiosk.group_name()}",
                f"Dues check (January to {date(self.year, through.month, 1):%B} "
                f"{self.year}) · {kiosk.group_name()}",
            ),
            t(
                f"党员 {len(report.rows)} 人,欠缴 {len(report.owing)} 人,"
                f"共欠 {report.unpaid_months} 个月、{yuan(report.owed_fen)} 元。",
                f"{len(report.rows)} members, {len(report.owing)} owing: "
                f"{report.unpaid_months} months, {yuan(report.owed_fen)} yuan in all.",
            ),
        ]
        for row in report.owing:
            lines.append(
                t(
                    f"  {row.person.name}:欠 {months_text(row.unpaid, 'zh', self.year)},"
                    f"{yuan(row.owed_fen)} 元",
                    f"  {row.person.name}: {months_text(row.unpaid, 'en', self.year)}, "
                    f"{yuan(row.owed_fen)} yuan",
                )
            )
        if not report.owing:
            lines.append(t("  全组按时足额交纳。", "  Everyone paid in full and on time."))
        unset = [row.person.name for row in report.rows if row.no_rate]
        if unset:
            lines.append(t("月缴额未核定:", "No monthly amount set: ") + t("、", ", ").join(unset))
        session = kiosk.session
        if session is not None and session.branch_admin:
            lines.append(t("各党小组:", "Every group:"))
            for group in kiosk.org.active_groups:
                other = dues_check(book, kiosk.org.members_of(group.id), self.year, today)
                lines.append(
                    t(
                        f"  {group.name}:{len(other.rows)} 人,欠缴 {len(other.owing)} 人,"
                        f"{yuan(other.owed_fen)} 元",
                        f"  {group.name}: {len(other.rows)} members, {len(other.owing)} owing, "
                        f"{yuan(other.owed_fen)} yuan",
                    )
                )
        lines.append(t("再按 O 回到个人明细。", "Press O again for the member's details."))
        return "\n".join(lines)

    def _say(self, text: str, error: bool = False) -> None:
        self.message_line.update(text)
        self.message_line.set_class(error, "-error")

    # -- keys ---------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss()

    def action_year(self, step: int) -> None:
        self.year += step
        self.refresh_content()

    def action_check(self) -> None:
        self.showing_check = not self.showing_check
        self._describe()

    def action_pay(self) -> None:
        person = self.selected
        if person is None:
            return
        t, kiosk = self.env.t, self.kiosk
        today = kiosk.today()
        suggested = suggested_payment(kiosk.records.dues(self.year), person.id, self.year, today)
        session = kiosk.session
        user = session.user if session is not None else None
        collectors = [(p.name, p.id) for p in self.members]
        if user is not None and user.id not in {p.id for p in self.members}:
            collectors.insert(0, (user.name, user.id))
        draft = PaymentDraft(
            months=months_input(suggested.months),
            amount=yuan(suggested.amount_fen) if suggested.amount_fen else "",
            paid_on=today.isoformat(),
            collected_by=user.id if user is not None else collectors[0][1],
        )
        dialog = PaymentDialog(
            self.env,
            t(
                f"记录交纳党费:{person.name}({self.year}年)",
                f"Dues paid: {person.name} ({self.year})",
            ),
            t(
                "已填入尚欠的月份和金额;按实际所交修改。",
                "The months still owed and their amount are filled in;"
                " change them to what was paid.",
            ),
            draft,
            collectors,
            lambda typed: self._record_payment(person, typed),
        )
        self.app.push_screen(dialog)

    def _record_payment(self, person: Person, typed: PaymentDraft) -> str | None:
        kiosk, lang = self.kiosk, self.env.lang
        today = kiosk.today()
        try:
            months = parse_months(typed.months, self.year)
            amount = parse_yuan(typed.amount)
            paid_on = parse_day(typed.paid_on, today)
            if paid_on is None:
                raise DuesError(
                    f"“{typed.paid_on}”不是日期,请写成 YYYY-MM-DD。",
                    f"{typed.paid_on!r} is not a date; type YYYY-MM-DD.",
                )
            payment = new_payment(
                kiosk.records.dues(self.year),
                payment_id=kiosk.new_dues_payment_id(),
                person_id=person.id,
                months=months,
                amount_fen=amount,
                paid_on=paid_on,
                collected_by=typed.collected_by,
                today=today,
                recorded_at=kiosk.now(),
            )
        except DuesError as error:
            return error.message(lang)
        kiosk.save_dues_payment(payment)
        self.refresh_content()
        done = self.env.t(
            f"已记录:{person.name} 交 {months_text(months, 'zh', self.year)} {yuan(amount)} 元。",
            f"Recorded: {person.name} paid {months_text(months, 'en', self.year)},"
            f" {yuan(amount)} yuan.",
        )
        self._say(done + self.env.t("正在保存…", " Saving…"))
        self._confirm_saved(done)
        return None

    def action_rate(self) -> None:
        person = self.selected
        if person is None:
            return
        t, kiosk = self.env.t, self.kiosk
        current = Month.of(kiosk.today())
        since = current if current.year == self.year else Month(self.year, 1)
        rate = kiosk.records.dues(self.year).rate_for(person.id, since)
        dialog = RateDialog(
            self.env,
            t(f"月缴纳额:{person.name}", f"Monthly amount: {person.name}"),
            t(
                "按支部核定的标准填写;从所填月份起按新标准计算,之前的月份不变。",
                "As the branch set it; it applies from that month on, earlier months keep theirs.",
            ),
            RateDraft(amount=yuan(rate) if rate is not None else "", since=str(since)),
            lambda typed: self._set_rate(person, typed),
        )
        self.app.push_screen(dialog)

    def _set_rate(self, person: Person, typed: RateDraft) -> str | None:
        kiosk, lang = self.kiosk, self.env.lang
        try:
            amount = parse_yuan(typed.amount)
            year_text, _, month_text = typed.since.strip().partition("-")
            try:
                since = Month(int(year_text), int(month_text))
            except ValueError:
                raise DuesError(
                    f"“{typed.since}”不是月份,请写成 YYYY-MM。",
                    f"{typed.since!r} is not a month; type YYYY-MM.",
                ) from None
            session = kiosk.session
            rate = new_rate(
                person.id, since, amount, kiosk.today(), session.user.id if session else None
            )
        except DuesError as error:
            return error.message(lang)
        kiosk.save_dues_rate(rate)
        self.refresh_content()
        done = self.env.t(
            f"已设置:{person.name} 自{since.year}年{since.month}月起每月 {yuan(amount)} 元。",
            f"Set: {person.name} pays {yuan(amount)} yuan a month from {since}.",
        )
        self._say(done + self.env.t("正在保存…", " Saving…"))
        self._confirm_saved(done)
        return None

    @work(group="dues-save", exit_on_error=False)
    async def _confirm_saved(self, done: str) -> None:
        # A failed write is reported by the app (save_failed), which reloads
        # the records and sends RecordsChanged.
        if await self.kiosk.writer.flush():
            self._say(done + self.env.t("已保存。", " Saved."))
        else:
            self._say(self.env.t("保存失败,见上方提示。", "Not saved: see the message."), True)
