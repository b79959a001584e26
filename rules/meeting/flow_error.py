"""The refusal of a step the rules do not allow now (``rules.meeting.flow``, and the
election's steps in ``rules.meeting.election``), in a module of its own so that both
raise it without one importing the other."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FlowError(Exception):
    """A step the rules do not allow now, with what to do about it."""

    rule: str
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh

    def __str__(self) -> str:
        return self.message_en
