"""Messages that travel up the kiosk's DOM (STYLE: attributes down, messages
up)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class RecordsChanged(Message):
    """The records changed behind the screen's back — read again from disk
    after a failed write, or a member signed in by phone: screens showing
    records refresh themselves."""

    meeting_id: str = ""
