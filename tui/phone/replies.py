"""What a phone is answered, from a sign-in's outcome (tui/core/signin.py):
the page, its status and the words of each refusal, Chinese first. Nothing
is decided here."""

from __future__ import annotations

from datetime import datetime

from starlette.responses import HTMLResponse, Response

from rules.models import Meeting
from tui.core.env import KioskEnv
from tui.core.kiosk import Kiosk
from tui.core.signin import Ask, Form, Refused, SignedIn, Why
from tui.labels import ATTENDANCE_LABELS
from tui.phone import pages

_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
}

#: Each refusal: its status, title and what to do (Chinese, English). A
#: title with "{name}" names the person refused.
REFUSALS: dict[Why, tuple[int, tuple[str, str], tuple[str, str]]] = {
    Why.UNAVAILABLE: (
        503,
        ("手机签到暂不可用", "Signing in by phone is not available"),
        (
            "终端的签名密钥无法读取。请党小组长登记您的出席。",
            "The kiosk cannot read its signing key. Ask the leader to mark you present.",
        ),
    ),
    Why.NOT_OPEN: (
        503,
        ("现在没有正在签到的会议", "No meeting is taking sign-ins now"),
        (
            "会议开始后,请扫描会议室屏幕上的二维码签到。",
            "Once the meeting has started, scan the code on the meeting-room screen.",
        ),
    ),
    Why.CODE_OTHER_MEETING: (
        403,
        ("这是另一次会议的二维码", "This code belongs to another meeting"),
        (
            "请扫描本会议室屏幕上当前显示的二维码。",
            "Scan the code on this meeting-room screen now.",
        ),
    ),
    Why.CODE_EXPIRED: (
        410,
        ("二维码已过期", "This code has expired"),
        (
            "屏幕上的二维码每 15 秒更新一次,照片或转发的二维码不能签到。"
            "请在会议室扫描屏幕上当前显示的二维码。",
            "The code on the screen changes every 15 seconds; a photo or a forwarded"
            " code does not work. Scan the code on the screen in the meeting room.",
        ),
    ),
    Why.CODE_INVALID: (
        403,
        ("这不是有效的签到二维码", "This is not a valid sign-in code"),
        ("请扫描会议室屏幕上的二维码。", "Scan the code on the meeting-room screen."),
    ),
    Why.FORM_UNREADABLE: (
        400,
        ("表单无法读取", "The form could not be read"),
        ("请重新扫描屏幕上的二维码。", "Scan the code on the screen again."),
    ),
    Why.PAGE_EXPIRED: (
        410,
        ("签到页面已过期", "This sign-in page has expired"),
        (
            "签到页面打开后 5 分钟内有效。请重新扫描屏幕上的二维码。",
            "A sign-in page lasts 5 minutes. Scan the code on the screen again.",
        ),
    ),
    Why.PAGE_INVALID: (
        403,
        ("这不是本次会议的签到页面", "This is not this meeting's sign-in page"),
        ("请重新扫描屏幕上的二维码。", "Scan the code on the screen again."),
    ),
    Why.NO_COOKIE: (
        400,
        ("请允许此网页使用 Cookie", "Allow this page to use cookies"),
        (
            "签到需要浏览器保存一个 Cookie 来认出这部手机。请在浏览器设置中允许后,"
            "重新扫描屏幕上的二维码。",
            "Signing in needs the browser to keep one cookie that recognises this"
            " phone. Allow it in the browser's settings, then scan the code again.",
        ),
    ),
    Why.ALREADY_SENT: (
        409,
        ("这份表单已经提交过", "This form was already sent"),
        (
            "一份表单只能提交一次。请看会议室屏幕上的名单;如需再签,请重新扫码。",
            "A form is sent only once. Check the roster on the meeting-room screen;"
            " to try again, scan the code again.",
        ),
    ),
    Why.PINS_UNREADABLE: (
        503,
        ("签到暂不可用", "Signing in is not available"),
        (
            "终端无法读取签到数据。请告诉党小组长(屏幕上有原因说明),并请党小组长登记您的出席。",
            "The kiosk cannot read its sign-in data. Tell the leader (the screen"
            " says why) and ask them to mark you present.",
        ),
    ),
    Why.NOT_MEMBER: (
        403,
        ("{name}不是本次会议的党员", "{name} is not a member here"),
        (
            "只有本小组的党员用手机签到;列席人员由党小组长登记。",
            "Only the group's party members sign in by phone; guests are marked by the leader.",
        ),
    ),
    Why.PHONE_USED: (
        409,
        ("这部手机已为他人签到", "This phone has signed someone else in"),
        (
            "每部手机每次会议只能为一人签到。请用您自己的手机,或请党小组长登记。",
            "One phone signs in one person per meeting. Use your own phone, or ask the"
            " leader to mark you.",
        ),
    ),
    Why.NOT_SAVED: (
        500,
        ("签到未能保存", "The sign-in could not be saved"),
        (
            "终端无法写入数据。请告诉党小组长,屏幕上有原因说明。",
            "The kiosk could not write its data. Tell the leader; the screen says why.",
        ),
    ),
}


class Replies:
    """The pages of one kiosk, in its language and time zone."""

    def __init__(self, kiosk: Kiosk) -> None:
        self.kiosk = kiosk
        self.env: KioskEnv = kiosk.env

    def t(self, zh: str, en: str) -> str:
        return self.env.t(zh, en)

    def html(self, text: str, status: int = 200) -> Response:
        return HTMLResponse(text, status, headers=_HEADERS)

    def _refusal(self, title: str, text: str, status: int, meeting: Meeting | None) -> Response:
        subtitle = self.meeting_title(meeting) if meeting else ""
        return self.html(pages.refused(self.env.lang, title, text, meeting=subtitle), status)

    def clock(self, moment: datetime | None) -> str:
        return f"{moment.astimezone(self.env.tz):%H:%M}" if moment else "—"

    def meeting_title(self, meeting: Meeting) -> str:
        org = self.kiosk.org
        group = org.group(meeting.group_id) if meeting.group_id else None
        name = group.name if group else self.t(f"{org.branch.name}党员大会", org.branch.name)
        when = (meeting.started_at or meeting.planned_at).astimezone(self.env.tz)
        title = f"{name} · {self.env.date(when.date())}"
        if meeting.started_at is None:  # sign-in opened before the start
            return title + self.t(f" · 计划 {when:%H:%M} 开始", f" · starts {when:%H:%M}")
        # The real start: a sign-in after it is late (迟到).
        return title + self.t(f" · {when:%H:%M} 已开始", f" · started {when:%H:%M}")

    # -- outcomes ---------------------------------------------------------------------

    def refused(self, outcome: Refused) -> Response:
        if outcome.why is Why.ALREADY:
            name = outcome.person.name if outcome.person else "—"
            at = self.clock(outcome.at)
            return self._refusal(
                self.t(f"{name}已经签到", f"{name} is already signed in"),
                self.t(f"已于 {at} 登记出席,无需再签。", f"Recorded as come at {at}."),
                409,
                outcome.meeting,
            )
        status, title, text = REFUSALS[outcome.why]
        name = outcome.person.name if outcome.person else ""
        meeting = None if outcome.why is Why.NOT_OPEN else outcome.meeting
        return self._refusal(self.t(*title).format(name=name), self.t(*text), status, meeting)

    def form(self, outcome: Form) -> Response:
        lang, title = self.env.lang, self.meeting_title(outcome.meeting)
        known = outcome.remembered
        if known is not None:
            if not outcome.remembered_is_member:
                # Another group's member: a one-tap button would only be refused.
                return self.html(pages.not_member_here(lang, title, outcome.ticket, known.name))
            return self.html(pages.one_tap(lang, title, outcome.ticket, known.name))
        error = self._asked_again(outcome)
        return self.html(
            pages.signin_form(lang, title, outcome.ticket, number=outcome.number, error=error)
        )

    def _asked_again(self, outcome: Form) -> str:
        until = self.clock(outcome.until)
        if outcome.ask is Ask.FORGOTTEN:
            return self.t(
                "这部手机不再记得您(PIN 可能已重设)。请输入党员编号和签到 PIN。",
                "This phone no longer remembers you (the PIN may have been reset)."
                " Enter your member number and sign-in PIN.",
            )
        if outcome.ask is Ask.KIOSK_BUSY:
            return self.t(
                f"本终端刚才收到太多错误的 PIN,请于 {until} 后再试,或请党小组长登记。",
                f"This kiosk has had too many wrong PINs; try again after {until},"
                " or ask the leader to mark you.",
            )
        if outcome.ask is Ask.LOCKED_OUT:
            return self.t(
                f"PIN 错误次数过多,请于 {until} 后再试,或请党小组长登记。",
                f"Too many wrong PINs; try again after {until}, or ask the leader to mark you.",
            )
        if outcome.ask is Ask.WRONG:
            left = outcome.tries_left
            more = (
                self.t(f"还可以再试 {left} 次。", f"{left} tries left. ")
                if left is not None
                else ""
            )
            return self.t(
                f"党员编号或签到 PIN 不正确。{more}还没有签到 PIN 的,请找党小组长设置。",
                f"Wrong member number or sign-in PIN. {more}No sign-in PIN yet? Ask your"
                " group leader to set one.",
            )
        return ""

    def signed_in(self, outcome: SignedIn) -> Response:
        return self.html(
            pages.signed_in(
                self.env.lang,
                self.meeting_title(outcome.meeting),
                outcome.person.name,
                self.t(*ATTENDANCE_LABELS[outcome.status]),
                self.clock(outcome.at),
            )
        )

    # -- what is not a page -------------------------------------------------------------

    def about(self) -> Response:
        return self.html(pages.about(self.env.lang))

    def error_page(self, status: int) -> Response:
        """A request that is not one of the pages', or could not be read."""
        if status == 404:
            title = self.t("没有这个页面", "There is no such page")
        elif status == 413:
            title = self.t("发送的内容太大", "What was sent is too large")
        elif status == 408:
            title = self.t("请求超时", "The request took too long")
        elif status >= 500:
            title = self.t("终端出了问题", "The kiosk ran into a problem")
        else:
            title = self.t("请求无法读取", "The request could not be read")
        text = self.t(
            "请用手机相机扫描会议室屏幕上的二维码签到。",
            "Scan the code on the meeting-room screen with the phone's camera to sign in.",
        )
        if status >= 500:
            text = self.t(
                "请重新扫码;如果仍不行,请党小组长登记您的出席。",
                "Scan the code again; if it still fails, ask the leader to mark you present.",
            )
        return self._refusal(title, text, status, None)
