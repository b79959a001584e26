"""The minutes of a meeting (会议记录), read-only, in the seed's order.

时间、地点、参加人员、缺席人员、会议内容和讨论意见 (R2) — with the chair, the
recorder, each speaker's capacity (L3: 个人意见 or 代表支委会), the summary,
decisions, follow-up tasks and any dated addenda (R3).

The parent hands it a ``rules.meeting.minutes.Minutes`` (attributes down) and calls
``show`` when the record changes; the view owns nothing else. It scrolls with
the keyboard when focused, so long minutes fit at 80x24.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len
from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from rules.meeting.minutes import AttendeeLine, Minutes
from rules.models import AttendanceStatus, Capacity, TaskStatus
from tui.core.env import KioskEnv
from tui.labels import ATTENDANCE_LABELS as ATTENDANCE
from tui.labels import CAPACITY_LABELS as CAPACITY

#: The reason ``minutes_of`` gives for a member with no attendance record.
UNRECORDED = "未登记"

#: Closing punctuation that does not start a line (避头点).
_NO_LINE_START = frozenset(",。、;:?!)》」』”’…—,.;:?!)]")

_HEAD = "bold"
_WARN = "bold red"
_DIM = "dim"


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of ``WrappedText``: its text, the indent of its first
    line and of the lines it wraps onto."""

    text: Text
    indent: int = 0
    hanging: int | None = None  # continuation indent; ``indent`` when None


def _wide(char: str) -> bool:
    return cell_len(char) == 2


def break_offsets(plain: str, width: int, first_width: int | None = None) -> list[int]:
    """Where to break ``plain`` so no line is wider than ``width`` cells (the
    first line no wider than ``first_width``, when given).

    Chinese is written without spaces, so a line may break before or after
    any wide (CJK) character as well as after a space; a Latin word moves
    whole to the next line unless it is longer than a line. No line starts
    with closing punctuation (,。、 …) if the character before can go along.
    """
    breaks: list[int] = []
    line_start = col = 0
    opportunity = 0  # the last index after line_start where a line may begin
    limit = width if first_width is None else first_width
    for index, char in enumerate(plain):
        before = plain[index - 1] if index else ""
        if index > line_start and (_wide(char) or _wide(before) or before == " "):
            opportunity = index
        size = cell_len(char)
        if col + size <= limit or index == line_start:
            col += size
            continue
        if char == " ":  # a space at the end of a line hangs there and is dropped
            if index + 1 < len(plain):
                breaks.append(index + 1)
            line_start = opportunity = index + 1
            col, limit = 0, width
            continue
        # The last place a line may begin; a word longer than a line folds.
        cut = opportunity if opportunity > line_start else index
        if cut == index and char in _NO_LINE_START and index - 1 > line_start:
            cut = index - 1  # the character before goes along with the punctuation
        breaks.append(cut)
        line_start = opportunity = cut
        col, limit = cell_len(plain[cut : index + 1]), width
    return breaks


def lay_out(paragraphs: Sequence[Paragraph], width: int) -> Text:
    """The paragraphs as one text broken into lines that fit ``width``
    (unbroken when the width is not known yet)."""
    out = Text()
    for number, paragraph in enumerate(paragraphs):
        if number:
            out.append("\n")
        first = paragraph.indent
        rest = paragraph.hanging if paragraph.hanging is not None else first
        text = paragraph.text
        if width <= max(first, rest) + 4:
            out.append(" " * first)
            out.append_text(text)
            continue
        offsets = break_offsets(text.plain, width - rest, width - first)
        for index, line in enumerate(text.divide(offsets)):
            if index:
                out.append("\n")
            line.rstrip()
            out.append(" " * (rest if index else first))
            out.append_text(line)
    return out


class WrappedText(Static):
    """Paragraphs of Chinese or English text wrapped to the widget's width
    (``break_offsets``), with hanging indents. Set them with ``set``."""

    DEFAULT_CSS = """
    WrappedText {
        width: 1fr;
        height: auto;
    }
    """

    def __init__(
        self,
        paragraphs: Sequence[Paragraph] = (),
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self.paragraphs: tuple[Paragraph, ...] = tuple(paragraphs)
        self._laid_out_for = -1

    def set(self, paragraphs: Sequence[Paragraph]) -> None:
        self.paragraphs = tuple(paragraphs)
        self._lay_out(force=True)

    @property
    def plain(self) -> str:
        """The text, unwrapped."""
        return "\n".join(" " * p.indent + p.text.plain for p in self.paragraphs)

    def on_mount(self) -> None:
        self._lay_out(force=True)

    def on_resize(self) -> None:
        self._lay_out()

    def _lay_out(self, *, force: bool = False) -> None:
        width = self.content_region.width if self.is_mounted else 0
        if force or width != self._laid_out_for:
            self._laid_out_for = width
            self.update(lay_out(self.paragraphs, width))


class MinutesView(VerticalScroll):
    """A read-only view of ``Minutes``.

    ``names`` turns a person id into a name, for the follow-up tasks'
    assignees and the addenda's authors (``Minutes`` carries ids for those);
    without it the ids show.
    """

    DEFAULT_CSS = """
    MinutesView {
        height: 1fr;
        padding: 0 1;
    }
    """

    text = getters.query_one(".minutes-text", WrappedText)

    def __init__(
        self,
        minutes: Minutes,
        env: KioskEnv,
        *,
        names: Callable[[str], str] | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.minutes = minutes
        self.env = env
        self.names = names

    def compose(self) -> ComposeResult:
        yield WrappedText(self.paragraphs(self.minutes), classes="minutes-text")

    def show(self, minutes: Minutes) -> None:
        """Show these minutes instead."""
        self.minutes = minutes
        if self.is_mounted:
            self.text.set(self.paragraphs(minutes))

    @property
    def plain(self) -> str:
        """The minutes shown, as plain unwrapped text."""
        return "\n".join(" " * p.indent + p.text.plain for p in self.paragraphs(self.minutes))

    # -- the text -------------------------------------------------------------

    def paragraphs(self, minutes: Minutes) -> list[Paragraph]:
        """The minutes, paragraph by paragraph, in the seed's order."""
        t = self.env.t
        en = self.env.lang == "en"
        out: list[Paragraph] = []

        def line(
            text: str | Text = "", style: str = "", indent: int = 0, hanging: int | None = None
        ) -> None:
            body = text if isinstance(text, Text) else Text(text, style=style)
            out.append(Paragraph(body, indent, hanging))

        def field(zh: str, en_label: str, value: str) -> None:
            label = t(zh, en_label)
            line(Text.assemble((label, _HEAD), value), hanging=cell_len(label))

        def head(zh: str, en_label: str) -> None:
            line()
            line(t(zh, en_label), _HEAD)

        line(minutes.heading(self.env.lang), "bold underline")
        if minutes.missing:
            sep = ", " if en else "、"
            missing = sep.join(p.label(self.env.lang) for p in minutes.missing)
            line(
                t(f"记录尚不完整,缺少:{missing}", f"Incomplete minutes; missing: {missing}"), _WARN
            )
        field("时间:", "Time: ", self._span(minutes.started_at, minutes.ended_at))
        field("地点:", "Place: ", minutes.place or "—")
        field("主持人:", "Chair: ", minutes.chair or "—")
        field("记录人:", "Recorder: ", minutes.recorder or "—")
        members = [a for a in minutes.attendees if not a.guest]
        guests = [a for a in minutes.attendees if a.guest]
        field(
            "应到人数:",
            "Expected: ",
            t(
                f"{minutes.expected}人,实到{len(members)}人",
                f"{minutes.expected}, present {len(members)}",
            ),
        )
        field("参加人员:", "Attendees: ", self._people(members))
        if guests:
            field("列席人员:", "Guests: ", self._people(guests))
        field("缺席人员:", "Absentees: ", self._people(minutes.absentees, reasons=True))

        head("会议内容和讨论意见", "Content and discussion")
        if not minutes.topics:
            line(t("(尚无议题)", "(no topics yet)"), _DIM, indent=2)
        for number, topic in enumerate(minutes.topics, 1):
            label = t(f"议题{number}:", f"Topic {number}: ")
            line(Text.assemble((label, _HEAD), topic.topic), hanging=cell_len(label))
            if not topic.opinions:
                line(t("(尚无讨论意见)", "(no opinions yet)"), _DIM, indent=2)
            for opinion in topic.opinions:
                capacity = t(*CAPACITY[opinion.capacity])
                style = _HEAD if opinion.capacity is Capacity.COMMITTEE else _DIM
                body = Text.assemble(
                    "· " + opinion.speaker if en else "·" + opinion.speaker,
                    (f" ({capacity})" if en else f"({capacity})", style),
                    ": " if en else ":",
                    opinion.text,
                )
                line(body, indent=2, hanging=4 if en else 3)

        head("归纳小结", "Summary")
        line(minutes.summary or "—", indent=2)
        head("决定事项", "Decisions")
        if not minutes.decisions:
            line("—", indent=2)
        for number, decision in enumerate(minutes.decisions, 1):
            prefix = f"{number}. " if en else f"{number}."
            line(prefix + decision, indent=2, hanging=2 + cell_len(prefix))

        if minutes.elections:  # 选举党小组长 (L2): method, counts, result
            head("选举", "Elections")
            for record in minutes.elections:
                for number, text in enumerate(record.lines(self.env.lang)):
                    line(text, _HEAD if number == 0 else "", indent=2 if number == 0 else 4)

        head("会后落实任务", "Follow-up tasks")
        if not minutes.tasks:
            line("—", indent=2)
        for number, task in enumerate(minutes.tasks, 1):
            done = task.status is TaskStatus.DONE
            state = t("已完成", "done") if done else t("未完成", "open")
            due = self.env.date(task.due)
            who = self._person_name(task.assignee_id)
            prefix = f"{number}. " if en else f"{number}."
            line(
                prefix
                + t(
                    f"{who}:{task.what}(期限{due},{state})",
                    f"{who}: {task.what} (due {due}, {state})",
                ),
                indent=2,
                hanging=2 + cell_len(prefix),
            )

        if minutes.addenda:
            head("补充说明(定稿后另附,原记录不变)", "Addenda (the finalised minutes unchanged)")
            for addendum in minutes.addenda:
                line(
                    f"{self._when(addendum.at)} {self._person_name(addendum.author_id)}",
                    _HEAD,
                    indent=2,
                )
                line(addendum.text, indent=4)
        return out

    def _when(self, moment: datetime) -> str:
        local = moment.astimezone(self.env.tz)
        return f"{self.env.date(local.date())} {local:%H:%M}"

    def _span(self, start: datetime | None, end: datetime | None) -> str:
        if start is None:
            return self.env.t("(会议尚未开始)", "(not started)")
        text = self._when(start)
        if end is not None:
            local_end = end.astimezone(self.env.tz)
            same_day = local_end.date() == start.astimezone(self.env.tz).date()
            text += f"–{local_end:%H:%M}" if same_day else f" – {self._when(end)}"
        return text

    def _people(
        self, lines: list[AttendeeLine] | tuple[AttendeeLine, ...], *, reasons: bool = False
    ) -> str:
        if not lines:
            return self.env.t("无", "none")
        en = self.env.lang == "en"
        shown = []
        for person in lines:
            status = self.env.t(*ATTENDANCE[person.status])
            if person.status is AttendanceStatus.PRESENT and not reasons:
                shown.append(person.name)
            elif reasons and person.reason:
                reason = person.reason
                if en and reason == UNRECORDED:
                    reason = "not recorded"
                shown.append(
                    f"{person.name} ({status}: {reason})"
                    if en
                    else f"{person.name}({status}:{reason})"
                )
            else:
                shown.append(f"{person.name} ({status})" if en else f"{person.name}({status})")
        return (", " if en else "、").join(shown)

    def _person_name(self, person_id: str) -> str:
        return self.names(person_id) if self.names is not None else person_id
