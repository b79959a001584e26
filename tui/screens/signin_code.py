"""The sign-in code, large (SPEC §3: "a key shows it large"): the code alone
on the screen at the biggest size that fits, with who has signed in so far,
for members scanning from across the table. Escape or Q goes back.
"""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from rules.meeting import flow
from tui.core.kiosk import Kiosk
from tui.messages import RecordsChanged
from tui.widgets.bindings import localise_bindings
from tui.widgets.qr import qr_matrix
from tui.widgets.signin_code import SigninCode

_ENGLISH = {"code.back": "Back"}

#: Lines the screen keeps for its own text around the code.
_TEXT_LINES = 3


def largest_scale(url: str, width: int, height: int) -> int:
    """The biggest whole scale at which the code for ``url`` fits
    ``width`` x ``height`` cells (two modules a line), at least 1."""
    if not url:
        return 1
    modules = len(qr_matrix(url))
    scale = 1
    while modules * (scale + 1) <= width and (modules * (scale + 1) + 1) // 2 <= height:
        scale += 1
    return scale


class SigninCodeScreen(ModalScreen[None]):
    CSS_PATH = "meeting.tcss"

    BINDINGS = [
        Binding("escape", "dismiss", "返回", id="code.back"),
        Binding("q", "dismiss", "返回", show=False, id="code.back-q"),
    ]

    code = getters.query_one(SigninCode)
    count_line = getters.query_one("#code-count", Static)

    def __init__(self, kiosk: Kiosk, meeting_id: str) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.meeting_id = meeting_id
        localise_bindings(self, kiosk.env.lang, _ENGLISH)

    def compose(self) -> ComposeResult:
        t = self.kiosk.env.t
        with Vertical():
            yield Static(
                t(
                    "请用手机相机或微信扫码签到(二维码每 15 秒更新)· Esc 返回",
                    "Scan with your phone camera or WeChat (changes every 15 s) · Esc: back",
                ),
                id="code-title",
                markup=False,
            )
            with Vertical(id="code-box"):
                yield SigninCode(self.kiosk, caption=False, large=True, id="code-large")
            yield Static("", id="code-count", markup=False)

    def on_mount(self) -> None:
        self.update_count()
        self.fit()
        self.set_interval(1.0, self.fit)

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        """Scale the code to the screen (the address changes its size)."""
        url = self.code.url
        size = self.size
        scale = largest_scale(url, size.width, size.height - _TEXT_LINES)
        if self.code.scale != scale:
            self.code.set_scale(scale)

    @on(RecordsChanged)
    def update_count(self) -> None:
        t = self.kiosk.env.t
        meeting = self.kiosk.records.meeting(self.meeting_id)
        expected = flow.expected_attendees(meeting, self.kiosk.org)
        came = [
            p.name
            for p in expected
            if (r := meeting.attendance_of(p.id)) is not None and r.status.attended
        ]
        names = t("、", ", ").join(came)
        self.count_line.update(
            t(f"已到 {len(came)}/{len(expected)}:", f"Here {len(came)}/{len(expected)}: ") + names
        )
