"""The meeting notice (M5): the text to copy into the group's chat or print,
and recording that it went out.

"党小组要把会议的时间、地点、议题、要求提前一至三天通知本组党员". Sending it
less than one day or more than three days ahead is said right here, with the
seed's words — a warning, not a refusal: the leader may have reasons, and the
rules engine reports it too. Recording "sent" again over an earlier sending
asks first; a plan changed after the notice went out (time, place, topics)
is said to leave the notice out of date, here and on the plan screen.
"""

from __future__ import annotations

from datetime import datetime

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Static, TextArea

from rules.checks.seed import RULES
from rules.meeting import flow
from rules.meeting.flow import FlowError
from rules.meeting.notice import (
    NoticePart,
    NoticeTiming,
    days_ahead,
    notice_of,
    notice_out_of_date,
    timing,
)
from rules.models import Meeting
from tui.core.env import KioskEnv
from tui.messages import RecordsChanged
from tui.screens.base import MeetingBoundScreen
from tui.screens.meeting_steps.dialogs import ConfirmDialog
from tui.widgets.footer import KeysFooter
from tui.widgets.note import Note

_ENGLISH = {"notice.copy": "Copy", "notice.sent": "Sent now", "notice.back": "Back"}

_PARTS: dict[NoticePart, tuple[str, str]] = {
    NoticePart.TIME: ("时间", "time"),
    NoticePart.PLACE: ("地点", "place"),
    NoticePart.TOPICS: ("议题", "topics"),
}


def out_of_date_text(meeting: Meeting, env: KioskEnv) -> str:
    """What to tell the leader when the plan changed after the notice went
    out ("" when the notice still says what the meeting is)."""
    parts = notice_out_of_date(meeting)
    if not parts:
        return ""
    zh = "、".join(_PARTS[p][0] for p in parts)
    en = ", ".join(_PARTS[p][1] for p in parts)
    return env.t(
        f"(M5)通知发出后{zh}已改动,已发出的通知已过时:请在通知页(首页按 N)重新发出并按 S 记录。",
        f"M5 · The {en} changed after the notice went out: the notice is out of date."
        " Send it again from the notice screen (N on home) and press S.",
    )


class NoticeScreen(MeetingBoundScreen):
    """The notice of one meeting."""

    CSS_PATH = "plan.tcss"

    ENGLISH_LABELS = _ENGLISH
    BINDINGS = [
        Binding("c", "copy", "复制通知", id="notice.copy"),
        Binding("s", "sent", "记为已发出", id="notice.sent"),
        Binding("escape", "back", "返回", id="notice.back"),
    ]

    title_line = getters.query_one("#notice-title", Static)
    status_line = getters.query_one("#notice-status", Static)
    timing_note = getters.query_one("#notice-timing", Note)
    stale_note = getters.query_one("#notice-stale", Note)
    error_note = getters.query_one("#notice-error", Note)
    text_area = getters.query_one("#notice-text", TextArea)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="notice-title", markup=False)
        yield Static("", id="notice-status", markup=False)
        yield Note(id="notice-timing")
        yield Note(id="notice-stale")
        yield Note(id="notice-error")
        yield TextArea(id="notice-text", read_only=True, soft_wrap=True, show_cursor=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.show()
        self.text_area.focus()

    @on(RecordsChanged)
    def _records_changed(self) -> None:
        self.show()

    def notice_text(self) -> str:
        session = self.kiosk.session
        notice = notice_of(
            self.meeting,
            self.kiosk.org,
            self.kiosk.today(),
            sender_id=session.user.id if session is not None else None,
        )
        return notice.text(self.env.lang)

    def show(self) -> None:
        t, env, meeting = self.env.t, self.env, self.meeting
        day = env.date(meeting.planned_at.astimezone(env.tz).date())
        self.title_line.update(
            t(
                f"会议通知 · {self.kiosk.group_name()} · {day}",
                f"Notice · {self.kiosk.group_name()} · {day}",
            )
        )
        self.text_area.load_text(self.notice_text())
        sent = meeting.notice_sent_at
        if sent is None:
            self.status_line.update(
                t(
                    "尚未发出通知。复制下面的通知发到本组群里或打印,发出后按 S 记录。",
                    "Not sent yet. Copy the notice below into the group's chat or print it;"
                    " press S once it has gone out.",
                )
            )
        else:
            local = sent.astimezone(env.tz)
            ahead = days_ahead(meeting, sent)
            self.status_line.update(
                t(
                    f"通知已于{env.date(local.date())} {local:%H:%M}发出(提前{ahead}天)。",
                    f"Notice sent {env.date(local.date())} {local:%H:%M} ({ahead} days ahead).",
                )
            )
        self._show_timing(sent)
        stale = out_of_date_text(meeting, env)
        if stale:
            self.stale_note.say(stale, "warning")
        else:
            self.stale_note.say()

    def _show_timing(self, sent: datetime | None) -> None:
        """M5: one to three days ahead, said before sending and after."""
        t, meeting = self.env.t, self.meeting
        at = sent or self.kiosk.now()
        ahead = days_ahead(meeting, at)
        when = timing(meeting, at)
        seed = RULES["M5"].seed
        if when is NoticeTiming.ON_TIME:
            self.timing_note.say(
                t(
                    f"提前{ahead}天,符合“提前一至三天通知”。",
                    f"{ahead} days ahead: within one to three days.",
                )
            )
            return
        if sent is None:
            lead_zh, lead_en = f"现在发出将提前{ahead}天", f"Sending now is {ahead} days ahead"
        else:
            lead_zh, lead_en = f"通知提前{ahead}天发出", f"The notice went out {ahead} days ahead"
        if when is NoticeTiming.TOO_EARLY:
            zh, en = f"{lead_zh},超过三天", f"{lead_en}, more than three"
        else:
            zh = f"{lead_zh},不足一天" if sent is not None else "现在发出已不足一天"
            en = (
                f"{lead_en}, less than one"
                if sent is not None
                else "Sending now is less than a day ahead"
            )
        self.timing_note.say(
            t(
                f"(M5){zh}:「{seed}」。",
                f"M5 · {en}: notify members one to three days ahead (「{seed}」).",
            ),
            "warning",
        )

    # -- keys --------------------------------------------------------------------------

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text_area.text)
        self.notify(self.env.t("通知已复制。", "Notice copied."))

    def action_sent(self) -> None:
        """Record that the notice went out now; over an earlier sending it
        asks first (the earlier time would be replaced)."""
        t, env = self.env.t, self.env
        try:
            flow.record_notice(self.meeting, self.kiosk.now())
        except FlowError as error:
            self.error_note.say(f"{error.rule} · {error.message(env.lang)}", "error")
            return
        earlier = self.meeting.notice_sent_at
        if earlier is None:
            self._record_sent()
            return
        local = earlier.astimezone(env.tz)
        when = f"{env.date(local.date())} {local:%H:%M}"
        body = t(
            f"通知已记为 {when} 发出。改记为现在发出吗?原来的发出时间将被替换。",
            f"The notice is recorded as sent {when}. Record it as sent now instead?"
            " The earlier time will be replaced.",
        )
        title = t("重新记录通知发出时间?", "Record the notice as sent again?")
        self.app.push_screen(ConfirmDialog(env, title, body, self._record_sent))

    def _record_sent(self) -> str | None:
        try:
            sent = flow.record_notice(self.meeting, self.kiosk.now())
        except FlowError as error:
            text = f"{error.rule} · {error.message(self.env.lang)}"
            self.error_note.say(text, "error")
            return text
        self.error_note.say()
        self.kiosk.save_meeting(sent)
        self.show()
        return None

    def action_back(self) -> None:
        self.dismiss()
