"""Changing what a ``Static`` says, without needless work."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Static


def update_text(static: Static, text: str) -> None:
    """Show ``text`` in ``static``: nothing when it already shows it; no new
    layout of the screen when only characters of the same width changed (a
    count going from 41 to 42), as it then takes the same lines. A layout of
    a screen holding a long roster takes a good part of a frame, and a room
    of members signing in changes a count many times a second."""
    shown = static.content
    if isinstance(shown, str) and shown == text:
        return
    same_size = isinstance(shown, str) and cell_len(shown) == cell_len(text)
    static.update(text, layout=not same_size)
