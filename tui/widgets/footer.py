"""A footer that wraps: every key a screen shows, on as many lines as the
terminal's width needs.

Textual's ``Footer`` puts the keys on one line and lets the rest run off the
right edge, so at 80 columns a leader could not see keys such as Ctrl+L
(lock). This footer lays the same keys out in rows that fit the width it has,
and lays them out again when that width changes.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: Cells a key takes besides its key and description: the key's padding on
#: both sides, the description's padding on the right (Footer's styles).
_KEY_EXTRA = 3


class KeysFooter(Footer):
    """The screen's shown bindings, wrapped onto as many lines as needed."""

    DEFAULT_CSS = """
    KeysFooter {
        layout: vertical;
        height: auto;
        max-height: 4;
    }
    KeysFooter > HorizontalGroup {
        width: 100%;
        height: 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, show_command_palette=False)
        self._laid_out_for = 0

    def compose(self) -> ComposeResult:
        keys = [key for key in super().compose() if isinstance(key, FooterKey)]
        width = self.size.width or self.app.size.width
        self._laid_out_for = width
        for row in key_rows([_key_width(key) for key in keys], width):
            with HorizontalGroup():
                yield from (keys[i] for i in row)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._laid_out_for and self._bindings_ready:
            self.call_after_refresh(self.recompose)


def _key_width(key: FooterKey) -> int:
    return cell_len(key.key_display) + cell_len(key.description) + _KEY_EXTRA


def key_rows(widths: list[int], width: int) -> list[list[int]]:
    """The keys (by index) on each line, in order, each line at most
    ``width`` cells (a key wider than a line gets a line of its own)."""
    rows: list[list[int]] = []
    used = width + 1
    for index, cells in enumerate(widths):
        if used + cells > width and (not rows or rows[-1]):
            rows.append([])
            used = 0
        rows[-1].append(index)
        used += cells
    return rows
