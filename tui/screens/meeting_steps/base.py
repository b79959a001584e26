"""What every step panel shares: the meeting as it stands, handed down, and
the messages a panel sends up to the meeting screen."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.widget import Widget

from rules.models import FollowUpTask, Meeting, Organisation
from tui.core.env import KioskEnv


@dataclass(frozen=True)
class MeetingState:
    """The meeting, its branch and its follow-up tasks, as the screen last
    read them from the kiosk."""

    meeting: Meeting
    org: Organisation
    tasks: tuple[FollowUpTask, ...] = ()

    def name(self, person_id: str | None) -> str:
        person = self.org.person(person_id) if person_id else None
        return person.name if person else "—"


class StepPanel(Widget):
    """One step of the meeting. ``show`` hands it the meeting; the panel
    redraws itself from it and owns nothing else."""

    DEFAULT_CSS = """
    StepPanel {
        layout: vertical;
        height: 1fr;
    }
    """

    def __init__(self, env: KioskEnv, state: MeetingState, *, id: str) -> None:
        super().__init__(id=id)
        self.env = env
        self.state = state

    def on_mount(self) -> None:
        self.refresh_content()

    def show(self, state: MeetingState) -> None:
        self.state = state
        if self.is_mounted:
            self.refresh_content()

    def refresh_content(self) -> None:
        """Redraw from ``self.state``."""

    def focus_main(self) -> None:
        """Give the keyboard to the panel's main widget."""
        for widget in self.query("*"):
            if widget.focusable:
                widget.focus()
                return


@dataclass
class OpinionWanted(Message):
    """The leader wants to record a speaker's opinion (三、围绕中心,组织讨论)."""


@dataclass
class NextTopicWanted(Message):
    """The leader moves the discussion to the next topic (按议题进行)."""


@dataclass
class TaskWanted(Message):
    """The leader wants to add a follow-up task: who, what, by when (A3)."""


@dataclass
class SummaryEdited(Message):
    """The leader typed in the summary or the decisions (归纳小结)."""

    summary: str
    decisions: tuple[str, ...]


@dataclass
class OpinionEditWanted(Message):
    """The leader wants to correct an opinion (its number in the meeting's
    opinions) before the minutes are sealed."""

    number: int


@dataclass
class OpinionDeleteWanted(Message):
    """The leader wants to take back an opinion (its number in the meeting's
    opinions)."""

    number: int


@dataclass
class TaskEditWanted(Message):
    """The leader wants to correct a follow-up task as set (who, what, when)."""

    task_id: str


@dataclass
class TaskDeleteWanted(Message):
    """The leader wants to take back a follow-up task set at the meeting."""

    task_id: str
