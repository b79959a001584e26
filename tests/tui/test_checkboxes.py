"""An unticked box looks unticked (issue 14): with the kiosk's styles, the
"X" of an unticked checkbox or selection-list entry is drawn in the box's
own colour (so the box is empty), and a ticked one stands out."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList

import tui

TCSS = Path(tui.__file__).with_name("app.tcss")


class Boxes(App[None]):
    CSS_PATH = TCSS

    def __init__(self, theme: str) -> None:
        super().__init__()
        self._theme = theme

    def compose(self) -> ComposeResult:
        yield Checkbox("off", False, id="off", compact=True)
        yield Checkbox("on", True, id="on", compact=True)
        yield Checkbox("off, full size", False, id="off-full")
        yield SelectionList[str](("off", "a", False), ("on", "b", True), id="list")

    def on_mount(self) -> None:
        self.theme = self._theme


def _x(strip: Strip) -> Segment:
    return next(s for s in strip if "X" in s.text)


def _shows_x(segment: Segment) -> bool:
    style = segment.style
    assert style is not None and style.color is not None and style.bgcolor is not None
    return style.color.get_truecolor() != style.bgcolor.get_truecolor()


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_unticked_boxes_are_empty_and_ticked_ones_are_not(theme: str) -> None:
    app = Boxes(theme)
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        for name in ("off", "off-full"):
            box = app.query_one(f"#{name}", Checkbox)
            assert not box.value and not _shows_x(_x(box.render_line(box.size.height // 2)))
        on = app.query_one("#on", Checkbox)
        assert on.value and _shows_x(_x(on.render_line(0)))
        listing = app.query_one("#list", SelectionList)
        lines = [listing.render_line(y) for y in range(listing.size.height)]
        with_x = [line for line in lines if "X" in line.text]
        assert len(with_x) == 2
        assert not _shows_x(_x(with_x[0])) and _shows_x(_x(with_x[1]))
