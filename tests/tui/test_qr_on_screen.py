"""The sign-in code as the terminal shows it, frame by frame (SPEC §3, issue
14): never drawn wrong, not even for a moment.

Every frame the kiosk draws while a code is on screen is read back from the
composited screen (what the terminal shows, other widgets and dialogs
included, not the code widget's own lines) and scanned with zxing-cpp. A
roster refresh, a phone's sign-in, a dialog opened and closed, the large
code shown and closed: every frame either scans to the code's address or,
where the terminal is too small for the whole code, shows no code at all and
says what to do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.screen import Screen

from tests.tui.conftest import LEADER_G1, unlocked
from tests.tui.test_meeting import G1_NEXT, mark, to_row
from tests.tui.test_qr import _cells_of_strips, _decode, _raster
from tests.tui.test_snapshots import _meeting_started
from tui.app import XiaozuApp
from tui.messages import RecordsChanged
from tui.screens.meeting import MeetingScreen
from tui.screens.meeting_steps.dialogs import ReasonDialog
from tui.screens.signin_code import SigninCodeScreen
from tui.widgets.qr import QRCode

#: A kiosk named by a long host name: a bigger code (41 modules, 21 lines).
LONG_ADDRESS = "HTTP://KIOSK-ROOM-3.EXAMPLE.CN:8765"
_BLOCKS = set("█▀▄")


def frame_of(screen: Screen[Any]) -> str:
    """What this frame shows where the code is: "code <data>" when it scans
    as drawn, "words <text>" when no code is drawn there, "cut …" else."""
    qrs = [qr for qr in screen.query(QRCode) if qr.data and qr.display]
    if not qrs:
        return "none"
    qr = qrs[0]
    region = qr.region
    strips = screen._compositor.render_strips()
    seen = [s.crop(region.x, region.x + len(qr.lines[0])) for s in strips[region.y :]]
    seen = seen[: len(qr.lines)]
    text = "".join(strip.text for strip in seen)
    if not _BLOCKS & set(text):
        return "words " + "".join(text.split())
    try:
        found = _decode(_raster(_cells_of_strips(seen)))
    except AssertionError:  # a cell painted in theme colours: something covers it
        return f"cut (covered) at {region}"
    return f"code {found[0]}" if found == [qr.data] else f"cut {found} at {region}"


class Frames:
    """Every frame drawn for a screen showing a code, as ``frame_of`` reads it."""

    def __init__(self, app: XiaozuApp) -> None:
        self.app = app
        self.seen: list[str] = []
        display = app._display

        def recording(screen: Screen[Any], renderable: Any) -> None:
            if renderable is not None and screen is app.screen:
                self.seen.append(frame_of(screen))
            display(screen, renderable)

        app._display = recording  # type: ignore[method-assign]

    def take(self) -> list[str]:
        seen, self.seen = self.seen, []
        return seen

    def assert_all_scan(self, url: str) -> None:
        seen = [f for f in self.take() if f != "none"]
        assert seen, "no frame showed the code"
        wrong = [f for f in seen if f != f"code {url}"]
        assert not wrong, wrong


@pytest.fixture
def frames() -> Iterator[Callable[[XiaozuApp], Frames]]:
    yield Frames


def code_url(app: XiaozuApp) -> str:
    return app.screen.query_one("#signin-qr", QRCode).data


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_no_frame_shows_a_code_that_does_not_scan(
    make_kiosk_app: Callable[..., XiaozuApp],
    frames: Callable[[XiaozuApp], Frames],
    size: tuple[int, int],
) -> None:
    app = make_kiosk_app()
    seen = frames(app)
    async with app.run_test(size=size) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        await _meeting_started(app, pilot)
        url = code_url(app)
        assert url.startswith("HTTP://192.168.1.20:8765/S/")
        seen.assert_all_scan(url)

        # The roster refreshed: by a key, and as when a phone signs in.
        await mark(app, pilot, "p05", "p")
        app.screen.post_message(RecordsChanged(G1_NEXT))
        await pilot.pause()
        seen.assert_all_scan(url)

        # A dialog over the screen, closed with Escape, then with a reason.
        await to_row(app, pilot, "p07")
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        seen.take()  # the dialog may cover the code; it is not a member's to scan
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        seen.assert_all_scan(url)
        await pilot.press("v")
        await pilot.pause()
        seen.take()
        await pilot.press(*"出差", "enter")
        await pilot.pause()
        seen.assert_all_scan(url)

        # The large code, and back.
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, SigninCodeScreen)
        seen.assert_all_scan(url)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        seen.assert_all_scan(url)


async def test_too_small_for_the_code_it_says_so_and_q_shows_one_that_scans(
    make_kiosk_app: Callable[..., XiaozuApp], frames: Callable[[XiaozuApp], Frames]
) -> None:
    app = make_kiosk_app(phone_address=LONG_ADDRESS)
    seen = frames(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        await _meeting_started(app, pilot)
        url = code_url(app)
        assert url.startswith(LONG_ADDRESS)
        shown = [f for f in seen.take() if f != "none"]
        assert shown and all(f.startswith("words ") for f in shown), shown
        assert "窗口太小" in shown[-1] and "按Q显示大二维码" in shown[-1]

        # The large code fits the same terminal, and scans.
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, SigninCodeScreen)
        seen.assert_all_scan(url)

        # Smaller still: the large code says so too, without the Q.
        await pilot.resize_terminal(80, 20)
        await pilot.pause()
        shown = [f for f in seen.take() if f != "none"]
        assert shown and shown[-1].startswith("words 窗口太小"), shown
        assert "请放大终端窗口" in shown[-1] and "按Q" not in shown[-1]
        assert not [f for f in shown if f.startswith("cut")], shown

        # Back at a size that fits: the code again, whole.
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        seen.take()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        seen.assert_all_scan(url)


async def test_the_kiosk_speaks_english_about_a_small_window(
    make_kiosk_app: Callable[..., XiaozuApp], frames: Callable[[XiaozuApp], Frames]
) -> None:
    app = make_kiosk_app(lang="en", phone_address=LONG_ADDRESS)
    seen = frames(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        await _meeting_started(app, pilot)
        shown = [f for f in seen.take() if f != "none"]
        assert "pressQforthelargecode" in shown[-1] and "window" in shown[-1]


async def test_resizing_never_leaves_a_cut_code(
    make_kiosk_app: Callable[..., XiaozuApp],
    frames: Callable[[XiaozuApp], Frames],
) -> None:
    app = make_kiosk_app()
    seen = frames(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        await _meeting_started(app, pilot)
        url = code_url(app)
        for height in (30, 24, 22, 20, 24, 40):
            await pilot.resize_terminal(80, height)
            await pilot.pause()
        shown = [f for f in seen.take() if f != "none"]
        assert not [f for f in shown if f.startswith("cut")], shown
        assert f"code {url}" in shown and any(f.startswith("words ") for f in shown)
        assert shown[-1] == f"code {url}"
