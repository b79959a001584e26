"""The sign-in QR code drawn in the terminal (SPEC §3).

Two module rows go in one text line, with half blocks. The convention: a
character's foreground is DARK and its background LIGHT, so

    top dark, bottom dark  -> "█"
    top dark, bottom light -> "▀"
    top light, bottom dark -> "▄"
    both light             -> " "

and the widget always draws black (#000000) on white (#ffffff), set both in
its CSS and on the text itself, so a dark or light theme cannot invert the
code (an inverted code does not scan on many phones). The quiet zone of four
light modules is part of the matrix, so it is drawn white too.
"""

from __future__ import annotations

import qrcode
import qrcode.constants
from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

#: Modules of light margin around the code (the QR standard asks for 4).
QUIET_ZONE = 4

#: Dark modules on a light background, in true colour (not ANSI "black",
#: which a terminal theme may repaint).
QR_STYLE = Style(color="#000000", bgcolor="#ffffff")

#: The words in place of a code that does not fit (not a code's colours).
TOO_SMALL_STYLE = Style(color="#000000", bgcolor="#ffd700", bold=True)

_BLOCKS = {
    (True, True): "█",
    (True, False): "▀",
    (False, True): "▄",
    (False, False): " ",
}


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules of the smallest code (error correction M) holding
    ``data``, True for dark, with the quiet zone included."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return [[bool(module) for module in row] for row in code.get_matrix()]


def scaled(matrix: list[list[bool]], scale: int) -> list[list[bool]]:
    """Each module as a ``scale`` x ``scale`` square of modules (a half block
    is about square, so the code stays square at any scale)."""
    if scale == 1:
        return matrix
    return [[m for m in row for _ in range(scale)] for row in matrix for _ in range(scale)]


def half_block_lines(matrix: list[list[bool]]) -> list[str]:
    """Two module rows per line (see the module docstring for the
    convention). An odd last row is paired with a light row."""
    lines: list[str] = []
    for y in range(0, len(matrix), 2):
        top = matrix[y]
        bottom = matrix[y + 1] if y + 1 < len(matrix) else [False] * len(top)
        lines.append("".join(_BLOCKS[t, b] for t, b in zip(top, bottom, strict=True)))
    return lines


class QRCode(Widget):
    """Shows ``data`` as a QR code, as big as the code.

    Given less room than the code (``max-height: 100%`` in a container too
    short for it), the code is not drawn at all: a cut code does not scan,
    and a member would only try and fail, so the widget says ``too_small``
    instead. The decision is made as the code is drawn, from the widget's
    own size, so that no frame shows a cut code.
    """

    DEFAULT_CSS = """
    QRCode {
        width: auto;
        height: auto;
        color: #000000;
        background: #ffffff;
    }
    """

    data: reactive[str] = reactive("", layout=True)
    scale: reactive[int] = reactive(1, layout=True)
    #: What to say where the code does not fit.
    too_small: reactive[str] = reactive("")

    def __init__(
        self,
        data: str = "",
        *,
        scale: int = 1,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._cache: tuple[str, int, list[str]] = ("", 1, [])
        self.set_reactive(QRCode.data, data)
        self.set_reactive(QRCode.scale, scale)

    @property
    def lines(self) -> list[str]:
        """The half-block lines for the current ``data`` (none when empty)."""
        if self._cache[:2] != (self.data, self.scale):
            matrix = scaled(qr_matrix(self.data), self.scale) if self.data else []
            self._cache = (self.data, self.scale, half_block_lines(matrix) if matrix else [])
        return self._cache[2]

    def get_content_width(self, container: Size, viewport: Size) -> int:
        lines = self.lines
        return len(lines[0]) if lines else 0

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines)

    @property
    def fits(self) -> bool:
        """Whether the whole code is in the room the widget has."""
        lines = self.lines
        if not lines:
            return True
        width, height = self.size
        return len(lines) <= height and len(lines[0]) <= min(width, self.screen.size.width)

    def render(self) -> RenderResult:
        lines = self.lines
        if not self.fits:
            return Text(self.too_small, style=TOO_SMALL_STYLE, end="")
        return Text("\n".join(lines), style=QR_STYLE, no_wrap=True, overflow="crop", end="")
