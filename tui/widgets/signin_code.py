"""The sign-in code on the meeting screen (SPEC §3): the QR code phones scan,
redrawn as its token changes every 15 seconds, or, when phones cannot sign
in, why not and what still works (badges, marking by hand).

The widget asks the app's phone server for the code's address once a second
(``PhoneServer.code_url``); the QR widget re-encodes only when it changes.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from tui.core.env import KioskEnv
from tui.core.kiosk import Kiosk
from tui.widgets.qr import QRCode


class SigninCode(Vertical):
    """The code (or the reason there is none) and, space permitting, a line
    saying what to do with it. It takes the height its container gives it,
    and the code says so where that is too little (``QRCode.too_small``)."""

    DEFAULT_CSS = """
    SigninCode {
        width: auto;
        height: 100%;
        align-horizontal: center;
    }
    SigninCode > QRCode {
        max-height: 100%;
    }
    SigninCode > #signin-why {
        width: 37;
        height: auto;
        padding: 0 1;
        color: $warning;
    }
    SigninCode > #signin-caption {
        width: auto;
        height: auto;
        color: $text-muted;
    }
    """

    def __init__(
        self,
        kiosk: Kiosk,
        *,
        scale: int = 1,
        caption: bool = True,
        large: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.kiosk = kiosk
        self.env: KioskEnv = kiosk.env
        self.scale = scale
        self.show_caption = caption
        self.large = large

    def compose(self) -> ComposeResult:
        t = self.env.t
        qr = QRCode("", scale=self.scale, id="signin-qr")
        if self.large:
            qr.too_small = t(
                "窗口太小,二维码显示不全,无法扫描。请放大终端窗口。",
                "The window is too small for a code that scans. Enlarge the terminal window.",
            )
        else:
            qr.too_small = t(
                "窗口太小,二维码显示不全,无法扫描。请放大终端窗口,或按 Q 显示大二维码。",
                "The window is too small for a code that scans."
                " Enlarge the terminal window, or press Q for the large code.",
            )
        yield qr
        yield Static("", id="signin-why", markup=False)
        # Below the code: where there is no room for it, it is the one cut.
        yield Static("", id="signin-caption", markup=False)

    def on_mount(self) -> None:
        self.update_code()
        self.set_interval(1.0, self.update_code)

    @property
    def url(self) -> str:
        """The address in the code on screen ("" when there is none)."""
        return self.query_one("#signin-qr", QRCode).data

    def set_scale(self, scale: int) -> None:
        self.scale = scale
        self.query_one("#signin-qr", QRCode).scale = scale

    def update_code(self) -> None:
        t = self.env.t
        server = getattr(self.app, "phone", None)
        url, why = "", ""
        if (
            self.kiosk.credentials.secret is None
            and self.kiosk.credentials.secret_problem is not None
        ):
            problem = self.kiosk.credentials.secret_problem.message(self.env.lang)
            why = t("手机签到不可用:", "Phone sign-in is off: ") + problem
        elif self.env.phone_port is None:
            why = t(
                "手机签到已关闭(XIAOZU_PORT=off)。请用胸卡签到,或由党小组长登记。",
                "Phone sign-in is turned off (XIAOZU_PORT=off). Use badges, or mark by hand.",
            )
        elif server is None or (server.base is None and server.problem is None):
            why = t("正在启动手机签到……", "Starting phone sign-in…")
        elif server.problem is not None:
            why = server.problem.message(self.env.lang)
        elif self.kiosk.signin_meeting() is None:
            why = t("签到已结束。", "Signing in has closed.")
        else:
            url = server.code_url() or ""
        qr = self.query_one("#signin-qr", QRCode)
        if qr.data != url:
            qr.data = url
        qr.display = bool(url)
        why_line = self.query_one("#signin-why", Static)
        why_line.update(why)
        why_line.display = bool(why)
        caption = self.query_one("#signin-caption", Static)
        caption.update(
            t("手机扫码签到 · 每15秒更新", "Scan to sign in · changes every 15 s") if url else ""
        )
        caption.display = bool(url) and self.show_caption
