"""What the screens about one meeting share: the kiosk, its language, and the
meeting they show (always read fresh from the kiosk)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.screen import Screen

from rules.models import Meeting
from tui.core.kiosk import Kiosk
from tui.widgets.bindings import localise_bindings


class MeetingBoundScreen(Screen[None]):
    """A screen about one meeting. ``ENGLISH_LABELS`` maps binding ids to the
    footer's English labels."""

    ENGLISH_LABELS: ClassVar[Mapping[str, str]] = {}

    def __init__(self, kiosk: Kiosk, meeting_id: str) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.env = kiosk.env
        self.meeting_id = meeting_id
        localise_bindings(self, self.env.lang, self.ENGLISH_LABELS)

    @property
    def meeting(self) -> Meeting:
        return self.kiosk.records.meeting(self.meeting_id)
