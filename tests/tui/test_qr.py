"""The sign-in QR code as drawn in the terminal (SPEC §3): it must scan.

"Scan" here means the real decoder, zxing-cpp, reads back exactly the data
from a picture rasterised from the half-block characters (each module 4x4
pixels). zxing-cpp takes any 2-D uint8 buffer, so a ``memoryview`` cast to
(height, width) is enough: no numpy, no Pillow. ``try_invert=False`` makes
the decoder refuse a light-on-dark code, so a passing test also proves the
polarity is right.
"""

from __future__ import annotations

import pytest
import zxingcpp
from rich.color import Color
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.strip import Strip

from rules.meeting.signin import room_token
from tests.tui.conftest import NOW
from tui.widgets.qr import QRCode, half_block_lines, qr_matrix

SCALE = 4
# A real sign-in address: the kiosk's address and a real room token (53
# characters, all in the QR code's alphanumeric set).
URL = "HTTP://192.168.1.20:8765/S/" + room_token(b"secret", "m-g1-2026-12", NOW)
# A kiosk named by a long host name instead (64 characters).
URL_60 = "HTTP://KIOSK-ROOM-3.EXAMPLE.CN:8765/S/" + room_token(b"secret", "m-g1", NOW)

_TOP_DARK = {"█": True, "▀": True, "▄": False, " ": False}
_BOTTOM_DARK = {"█": True, "▀": False, "▄": True, " ": False}


def _raster(cells: list[list[tuple[bool, bool]]], scale: int = SCALE) -> memoryview:
    """A grayscale picture of terminal cells, each (top dark, bottom dark),
    a cell being ``scale`` pixels wide and ``2 * scale`` high."""
    height, width = 2 * len(cells) * scale, len(cells[0]) * scale
    pixels = bytearray()
    for row in cells:
        for half in (0, 1):
            line = bytearray()
            for cell in row:
                line += bytes([0 if cell[half] else 255]) * scale
            pixels += bytes(line) * scale
    assert len(pixels) == width * height
    return memoryview(bytes(pixels)).cast("B", (height, width))


def _cells_of_lines(lines: list[str]) -> list[list[tuple[bool, bool]]]:
    return [[(_TOP_DARK[ch], _BOTTOM_DARK[ch]) for ch in line] for line in lines]


def _decode(image: memoryview) -> list[str]:
    found = zxingcpp.read_barcodes(
        image,
        formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode),
        try_invert=False,
        try_rotate=False,
    )
    return [barcode.text for barcode in found]


def _luminance(color: Color | None) -> float:
    assert color is not None, "the QR code must set its colours explicitly"
    red, green, blue = color.get_truecolor()
    return 0.299 * red + 0.587 * green + 0.114 * blue


def _cells_of_strips(strips: list[Strip]) -> list[list[tuple[bool, bool]]]:
    """What the terminal shows: each half of each cell is painted in the
    segment's foreground (the block part) or background (the rest)."""
    cells = []
    for strip in strips:
        row = []
        for segment in strip:
            assert isinstance(segment, Segment) and segment.style is not None
            fg_dark = _luminance(segment.style.color) < 128
            bg_dark = _luminance(segment.style.bgcolor) < 128
            for ch in segment.text:
                top = fg_dark if _TOP_DARK[ch] else bg_dark
                bottom = fg_dark if _BOTTOM_DARK[ch] else bg_dark
                row.append((top, bottom))
        cells.append(row)
    return cells


# --- the matrix and the half blocks ------------------------------------------------


def test_matrix_includes_a_four_module_quiet_zone() -> None:
    matrix = qr_matrix("hello")
    assert len(matrix) == len(matrix[0]) == 21 + 8  # version 1 and 2 x 4 light modules
    for ring in range(4):
        assert not any(matrix[ring]) and not any(matrix[-1 - ring])
        assert not any(row[ring] or row[-1 - ring] for row in matrix)
    # The finder pattern's corner starts right inside the quiet zone.
    assert matrix[4][4] and matrix[4][10] and matrix[10][4]


def test_half_block_convention() -> None:
    matrix = [[True, True, False, False], [True, False, True, False], [True, False, False, True]]
    # Row pairs (0, 1) and (2, light).
    assert half_block_lines(matrix) == ["█▀▄ ", "▀  ▀"]


@pytest.mark.parametrize("data", [URL, URL_60, "hello", "签到 http://k/s?t=1.x"])
def test_half_block_lines_decode_back_to_the_data(data: str) -> None:
    lines = half_block_lines(qr_matrix(data))
    assert _decode(_raster(_cells_of_lines(lines))) == [data]


def test_inverted_code_does_not_decode_so_polarity_is_tested() -> None:
    lines = half_block_lines(qr_matrix(URL))
    inverted = [[(not top, not bottom) for top, bottom in row] for row in _cells_of_lines(lines)]
    assert _decode(_raster(inverted)) == []


def test_quiet_zone_is_white_in_the_lines() -> None:
    lines = half_block_lines(qr_matrix(URL))
    assert lines[0].strip() == "" and lines[1].strip() == ""  # top four module rows
    assert lines[-1].strip() == "" and lines[-2].strip() == ""
    assert all(line[:4] == "    " and line[-4:] == "    " for line in lines)


# --- the widget --------------------------------------------------------------------


class QRApp(App[None]):
    def __init__(self, data: str, theme: str) -> None:
        super().__init__()
        self._data = data
        self._theme = theme

    def compose(self) -> ComposeResult:
        yield QRCode(self._data)

    def on_mount(self) -> None:
        self.theme = self._theme


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("data", [URL_60, URL])
async def test_widget_draws_the_lines_black_on_white_within_80x24(data: str, theme: str) -> None:
    app = QRApp(data, theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        widget = app.query_one(QRCode)
        expected = half_block_lines(qr_matrix(data))
        width, height = widget.size
        assert (width, height) == (len(expected[0]), len(expected))
        assert width <= 49 and height <= 24
        assert app.screen.region.contains_region(widget.region)

        strips = [widget.render_line(y) for y in range(height)]
        assert [strip.text for strip in strips] == expected
        for strip in strips:
            for segment in strip:
                assert segment.style is not None
                assert segment.style.color is not None and segment.style.bgcolor is not None
                assert segment.style.color.get_truecolor() == (0, 0, 0)
                assert segment.style.bgcolor.get_truecolor() == (255, 255, 255)
        # What is on screen, read as a picture, scans.
        assert _decode(_raster(_cells_of_strips(strips))) == [data]


async def test_sizes_at_80x24() -> None:
    """The sizes the report quotes: a sign-in address with an IPv4 address
    (53 characters) is version 3 (29 + 8 = 37 modules, 19 lines), which fits
    beside the roster at 80x24; with a long host name (64 characters) it is
    version 4 (33 + 8 = 41 modules, 21 lines)."""
    assert len(URL) == 53 and len(URL_60) == 64
    assert len(qr_matrix(URL)) == 37 and len(half_block_lines(qr_matrix(URL))) == 19
    assert len(qr_matrix(URL_60)) == 41 and len(half_block_lines(qr_matrix(URL_60))) == 21


async def test_changing_data_redraws_and_resizes() -> None:
    app = QRApp("hello", "textual-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        widget = app.query_one(QRCode)
        assert widget.size.width == 29
        widget.data = URL
        await pilot.pause()
        assert widget.size.width == 37
        strips = [widget.render_line(y) for y in range(widget.size.height)]
        assert _decode(_raster(_cells_of_strips(strips))) == [URL]
        widget.data = ""
        await pilot.pause()
        assert widget.lines == []
        assert widget.size.height == 0
