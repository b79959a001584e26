"""Messages that travel up the kiosk's DOM (STYLE: attributes down, messages
up)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class RecordsChanged(Message):
    """The records were read again from disk (after a failed write): screens
    showing records refresh themselves."""

    meeting_id: str = ""
