"""The roster of a meeting: who is expected, who came, and how each record
was made (SPEC §3: present / late / on leave / absent; phone, badge or the
leader's hand).

The parent builds the rows with ``roster_entries`` and hands them down with
``show``; the roster owns only its cursor. Its keys mark the person on the
selected row and say so with a ``Roster.Mark`` message: the screen decides,
through the meeting flow, what that means (a reason for leave, late after the
opening, nothing at all once the minutes are final).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len, set_cell_size
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from rules.meeting import flow
from rules.models import (
    AttendanceStatus,
    Meeting,
    MemberStatus,
    Organisation,
    Person,
    RecordedBy,
)
from tui.core.env import KioskEnv
from tui.labels import ATTENDANCE_LABELS
from tui.widgets.bindings import localise_bindings

RECORDED_BY_LABELS: dict[RecordedBy, tuple[str, str]] = {
    RecordedBy.PHONE: ("手机签到", "phone"),
    RecordedBy.BADGE: ("胸卡扫码", "badge"),
    RecordedBy.LEADER: ("组长登记", "leader"),
}

#: The same, where the roster is narrow (80 columns beside the code).
RECORDED_BY_SHORT: dict[RecordedBy, tuple[str, str]] = {
    RecordedBy.PHONE: ("手机", "phone"),
    RecordedBy.BADGE: ("胸卡", "badge"),
    RecordedBy.LEADER: ("组长", "leader"),
}

MEMBER_STATUS_LABELS: dict[MemberStatus, tuple[str, str]] = {
    MemberStatus.FULL: ("正式党员", "full member"),
    MemberStatus.PROBATIONARY: ("预备党员", "probationary"),
    MemberStatus.DEVELOPMENT_TARGET: ("发展对象", "development target"),
    MemberStatus.ACTIVIST: ("积极分子", "activist"),
    MemberStatus.MASSES: ("群众", "the masses"),
}

#: The same, short, where the roster is narrow.
MEMBER_STATUS_SHORT: dict[MemberStatus, tuple[str, str]] = {
    MemberStatus.FULL: ("正式", "full"),
    MemberStatus.PROBATIONARY: ("预备", "prob."),
    MemberStatus.DEVELOPMENT_TARGET: ("发展对象", "target"),
    MemberStatus.ACTIVIST: ("积极分子", "activist"),
    MemberStatus.MASSES: ("群众", "masses"),
}

#: Cells a roster column takes besides its text (DataTable's cell padding).
_COLUMN_PADDING = 2
#: The narrowest the reason column gets before the role gives way.
_MIN_REASON = 6
#: The room a reason needs for the full labels to stay (else short ones).
_FULL_LABELS_REASON = 16

_ENGLISH = {
    "meeting.present": "Present",
    "meeting.late": "Late",
    "meeting.leave": "Leave",
    "meeting.absent": "Absent",
}


@dataclass(frozen=True)
class RosterEntry:
    """One row: a person expected at the meeting or invited to it."""

    person_id: str
    name: str
    role: str
    status: AttendanceStatus | None = None
    reason: str = ""
    recorded_by: RecordedBy | None = None
    recorded_at: datetime | None = None
    #: ``role`` in a few characters, for a narrow roster.
    short_role: str = ""


def roster_entries(meeting: Meeting, org: Organisation, env: KioskEnv) -> list[RosterEntry]:
    """The meeting's expected members (the group's, or every party member at
    a member congress) and then its invited guests, each with their record."""
    t = env.t
    group = org.group(meeting.group_id) if meeting.group_id else None
    chair_id = meeting.chair_id or (group.leader_id if group else None)
    entries: list[RosterEntry] = []

    def entry(person: Person, role: str, short: str) -> RosterEntry:
        record = meeting.attendance_of(person.id)
        marks = ""
        if person.id == chair_id:
            role += t("·主持", " · chair")
            marks += t("·主持", "·chair")
        if person.id == meeting.recorder_id:
            role += t("·记录", " · recorder")
            marks += t("·记录", "·rec.")
        if record is None:
            return RosterEntry(person.id, person.name, role, short_role=short + marks)
        return RosterEntry(
            person.id,
            person.name,
            role,
            record.status,
            record.reason,
            record.recorded_by,
            record.recorded_at,
            short + marks,
        )

    for person in flow.expected_attendees(meeting, org):
        status = person.status
        entries.append(
            entry(person, t(*MEMBER_STATUS_LABELS[status]), t(*MEMBER_STATUS_SHORT[status]))
        )
    for guest in meeting.guests:
        invited = org.person(guest.person_id)
        if invited is None:
            continue
        role = t("列席·", "guest · ") + t(*MEMBER_STATUS_LABELS[invited.status])
        short = t("列席·", "guest·") + t(*MEMBER_STATUS_SHORT[invited.status])
        if guest.delegated_by_committee:
            role += t("·受支委会委托", " · for the committee")
            short += t("·受托", "·deleg.")
        entries.append(entry(invited, role, short))
    return entries


class Roster(DataTable[str]):
    """The roster as a table; keys mark the selected person.

    Where the full columns do not fit (80 columns, beside the code), the
    "how" column drops the time and the shorter labels, and the role and the
    reason are shortened with "…"; ``describe`` gives the highlighted row in
    full, for the line under the table (``RosterDetail``)."""

    BINDINGS = [
        Binding("p", "mark('present')", "出席", id="meeting.present"),
        Binding("l", "mark('late')", "迟到", id="meeting.late"),
        Binding("v", "mark('on_leave')", "请假", id="meeting.leave"),
        Binding("a", "mark('absent')", "缺席", id="meeting.absent"),
    ]

    DEFAULT_CSS = """
    Roster {
        height: auto;
    }
    """

    @dataclass
    class Mark(Message):
        """Mark ``person_id`` with ``status`` (the screen asks for a reason
        where one is needed)."""

        roster: Roster
        person_id: str
        status: AttendanceStatus

        @property
        def control(self) -> Roster:
            return self.roster

    def __init__(self, env: KioskEnv, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.env = env
        self.entries: list[RosterEntry] = []
        self._filled_for = -1
        # What the table shows: its headers, column widths and people; the cells.
        self._layout: tuple[list[str], list[int], list[str]] | None = None
        self._shown: list[list[str]] = []
        localise_bindings(self, env.lang, _ENGLISH)

    def on_mount(self) -> None:
        self._fill()

    def on_resize(self) -> None:
        if self._width() != self._filled_for:
            self._fill(self.selected)

    def show(self, entries: Sequence[RosterEntry]) -> None:
        """Show these rows, keeping the cursor on the same person."""
        selected = self.selected
        self.entries = list(entries)
        if self.is_mounted:
            self._fill(selected)

    def _width(self) -> int:
        return self.scrollable_content_region.width

    def _headers(self, short: bool = False) -> list[str]:
        t = self.env.t
        return [
            t("姓名", "Name"),
            t("身份", "Role"),
            t("出席情况", "Attendance") if not short else t("出席", "Here"),
            t("原因", "Reason"),
            t("登记方式", "Recorded") if not short else t("登记", "How"),
        ]

    def _fill(self, selected: str | None = None) -> None:
        width = self._width()
        self._filled_for = width
        headers = self._headers()
        shown = [self._cells(row) for row in self.entries]
        if width > 0 and _room_for_reason(headers, shown, width) < _FULL_LABELS_REASON:
            # Short labels, so that the reason keeps some room.
            headers = self._headers(short=True)
            shown = [self._cells(row, short=True) for row in self.entries]
        if width > 0:
            shown = _fitted(headers, shown, width)
        widths = _column_widths(headers, shown)
        layout = (headers, widths, [row.person_id for row in self.entries])
        if layout == self._layout:
            # The same people in the same columns (a sign-in, a mark): only
            # the cells that changed are redrawn, not the whole table (in a
            # room of 200, a sign-in a moment).
            for row, before, cells in zip(self.entries, self._shown, shown, strict=True):
                for column, (old, new) in enumerate(zip(before, cells, strict=True)):
                    if old != new:
                        self.update_cell(row.person_id, f"c{column}", new)
            self._shown = shown
            return
        self._layout, self._shown = layout, shown
        self.clear(columns=True)
        for column, (header, cell_width) in enumerate(zip(headers, widths, strict=True)):
            self.add_column(header, width=cell_width, key=f"c{column}")
        for row, cells in zip(self.entries, shown, strict=True):
            self.add_row(*cells, key=row.person_id)
        ids = layout[2]
        if selected in ids:
            self.move_cursor(row=ids.index(selected), animate=False)

    def _cells(self, row: RosterEntry, short: bool = False) -> list[str]:
        t = self.env.t
        role = (row.short_role or row.role) if short else row.role
        if row.status is None:
            return [row.name, role, t("未登记", "not yet"), "", ""]
        status = t(*ATTENDANCE_LABELS[row.status])
        return [row.name, role, status, row.reason, self._how(row, short)]

    def _how(self, row: RosterEntry, short: bool = False) -> str:
        if row.recorded_by is None:
            return ""
        how = self.env.t(*(RECORDED_BY_SHORT if short else RECORDED_BY_LABELS)[row.recorded_by])
        if row.recorded_at is not None and not short:
            how += f" {row.recorded_at.astimezone(self.env.tz):%H:%M}"
        return how

    def describe(self, person_id: str | None) -> str:
        """The row of ``person_id`` in full, in one sentence."""
        t = self.env.t
        row = next((e for e in self.entries if e.person_id == person_id), None)
        if row is None:
            return ""
        parts = [row.name, row.role]
        if row.status is None:
            parts.append(t("未登记", "not yet recorded"))
        else:
            state = t(*ATTENDANCE_LABELS[row.status])
            parts.append(
                t(f"{state}:{row.reason}", f"{state}: {row.reason}") if row.reason else state
            )
            parts.append(self._how(row))
        return " · ".join(part for part in parts if part)

    @property
    def selected(self) -> str | None:
        """The person on the cursor's row."""
        if not self.is_mounted or self.row_count != len(self.entries):
            return None
        if not 0 <= self.cursor_row < len(self.entries):
            return None
        return self.entries[self.cursor_row].person_id

    def action_mark(self, status: str) -> None:
        person_id = self.selected
        if person_id is not None:
            self.post_message(self.Mark(self, person_id, AttendanceStatus(status)))


class RosterDetail(Static):
    """The highlighted row of the roster in full, wrapped (the table may
    have had to shorten it)."""

    DEFAULT_CSS = """
    RosterDetail {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    """


def _column_widths(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    return [
        max([cell_len(header), *(cell_len(cells[i]) for cells in rows)])
        for i, header in enumerate(headers)
    ]


def _room_for_reason(headers: Sequence[str], rows: list[list[str]], width: int) -> int:
    """The cells left for the reason with every other column in full."""
    natural = _column_widths(headers, rows)
    return width - _COLUMN_PADDING * len(headers) - sum(natural) + natural[3]


def _fitted(headers: Sequence[str], rows: list[list[str]], width: int) -> list[list[str]]:
    """``rows`` with the role (column 1) and then the reason (column 3)
    shortened so that the table is at most ``width`` cells wide."""
    natural = _column_widths(headers, rows)
    room = width - _COLUMN_PADDING * len(headers)
    fixed = natural[0] + natural[2] + natural[4]
    reason = min(natural[3], max(_MIN_REASON, room - fixed - natural[1]))
    reason = max(cell_len(headers[3]), reason)
    role = min(natural[1], max(cell_len(headers[1]), room - fixed - reason))
    return [
        [cells[0], _shortened(cells[1], role), cells[2], _shortened(cells[3], reason), cells[4]]
        for cells in rows
    ]


def _shortened(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, with "…" when it was cut."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, max(0, width - 1)).rstrip() + "…"
