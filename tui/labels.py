"""Words the kiosk, the phone page and the exports share, as (zh, en) pairs.

No Textual here: the phone page and the exports use them too.
"""

from __future__ import annotations

from rules.models import AttendanceStatus, Capacity, MeetingKind

ATTENDANCE_LABELS: dict[AttendanceStatus, tuple[str, str]] = {
    AttendanceStatus.PRESENT: ("出席", "present"),
    AttendanceStatus.LATE: ("迟到", "late"),
    AttendanceStatus.ON_LEAVE: ("请假", "on leave"),
    AttendanceStatus.ABSENT: ("缺席", "absent"),
}

CAPACITY_LABELS: dict[Capacity, tuple[str, str]] = {
    Capacity.PERSONAL: ("个人意见", "personal opinion"),
    Capacity.COMMITTEE: ("代表支委会", "for the branch committee"),
}

KIND_LABELS: dict[MeetingKind, tuple[str, str]] = {
    MeetingKind.REGULAR: ("党小组会", "group meeting"),
    MeetingKind.SPECIAL: ("党小组会(特殊任务)", "special group meeting"),
    MeetingKind.LIFE: ("党小组生活会", "group life meeting"),
    MeetingKind.MEMBER_CONGRESS: ("党员大会", "party member congress"),
}
