"""A short line beside a field: a warning, an error, or nothing at all."""

from __future__ import annotations

from typing import Literal

from textual.widgets import Static

Level = Literal["", "warning", "error"]


class Note(Static):
    """Says one thing (with ``-warning`` or ``-error``), and takes no room
    when there is nothing to say."""

    DEFAULT_CSS = """
    Note {
        height: auto;
        display: none;
    }
    Note.-warning {
        color: $warning;
    }
    Note.-error {
        color: $error;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self.text = ""

    def say(self, text: str = "", level: Level = "") -> None:
        self.text = text
        self.update(text)
        self.set_class(level == "warning", "-warning")
        self.set_class(level == "error", "-error")
        self.display = bool(text)
