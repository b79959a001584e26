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

from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from rules import flow
from rules.models import (
    AttendanceStatus,
    Meeting,
    MemberStatus,
    Organisation,
    Person,
    RecordedBy,
)
from tui.env import KioskEnv
from tui.labels import ATTENDANCE_LABELS
from tui.widgets.bindings import localise_bindings

RECORDED_BY_LABELS: dict[RecordedBy, tuple[str, str]] = {
    RecordedBy.PHONE: ("手机签到", "phone"),
    RecordedBy.BADGE: ("胸卡扫码", "badge"),
    RecordedBy.LEADER: ("组长登记", "leader"),
}

MEMBER_STATUS_LABELS: dict[MemberStatus, tuple[str, str]] = {
    MemberStatus.FULL: ("正式党员", "full member"),
    MemberStatus.PROBATIONARY: ("预备党员", "probationary"),
    MemberStatus.DEVELOPMENT_TARGET: ("发展对象", "development target"),
    MemberStatus.ACTIVIST: ("积极分子", "activist"),
    MemberStatus.MASSES: ("群众", "the masses"),
}

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


def roster_entries(meeting: Meeting, org: Organisation, env: KioskEnv) -> list[RosterEntry]:
    """The meeting's expected members (the group's, or every party member at
    a member congress) and then its invited guests, each with their record."""
    t = env.t
    group = org.group(meeting.group_id) if meeting.group_id else None
    chair_id = meeting.chair_id or (group.leader_id if group else None)
    entries: list[RosterEntry] = []

    def entry(person: Person, role: str) -> RosterEntry:
        record = meeting.attendance_of(person.id)
        if person.id == chair_id:
            role += t("·主持", " · chair")
        if person.id == meeting.recorder_id:
            role += t("·记录", " · recorder")
        if record is None:
            return RosterEntry(person.id, person.name, role)
        return RosterEntry(
            person.id,
            person.name,
            role,
            record.status,
            record.reason,
            record.recorded_by,
            record.recorded_at,
        )

    for person in flow.expected_attendees(meeting, org):
        entries.append(entry(person, t(*MEMBER_STATUS_LABELS[person.status])))
    for guest in meeting.guests:
        invited = org.person(guest.person_id)
        if invited is None:
            continue
        role = t("列席·", "guest · ") + t(*MEMBER_STATUS_LABELS[invited.status])
        if guest.delegated_by_committee:
            role += t("·受支委会委托", " · for the committee")
        entries.append(entry(invited, role))
    return entries


class Roster(DataTable[str]):
    """The roster as a table; keys mark the selected person."""

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
        localise_bindings(self, env.lang, _ENGLISH)

    def on_mount(self) -> None:
        t = self.env.t
        self.add_columns(
            t("姓名", "Name"),
            t("身份", "Role"),
            t("出席情况", "Attendance"),
            t("原因", "Reason"),
            t("登记方式", "Recorded"),
        )
        self._fill()

    def show(self, entries: Sequence[RosterEntry]) -> None:
        """Show these rows, keeping the cursor on the same person."""
        selected = self.selected
        self.entries = list(entries)
        if self.is_mounted:
            self._fill(selected)

    def _fill(self, selected: str | None = None) -> None:
        self.clear()
        for row in self.entries:
            self.add_row(*self._cells(row), key=row.person_id)
        ids = [row.person_id for row in self.entries]
        if selected in ids:
            self.move_cursor(row=ids.index(selected), animate=False)

    def _cells(self, row: RosterEntry) -> tuple[str, str, str, str, str]:
        t = self.env.t
        if row.status is None:
            return (row.name, row.role, t("未登记", "not yet"), "", "")
        how = t(*RECORDED_BY_LABELS[row.recorded_by]) if row.recorded_by else ""
        if row.recorded_at is not None:
            how += f" {row.recorded_at.astimezone(self.env.tz):%H:%M}"
        return (row.name, row.role, t(*ATTENDANCE_LABELS[row.status]), row.reason, how)

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
