"""The plan's form (tui.screens.plan): its fields laid out, who can be chosen
in them (the recorder and chair, guests, the committee's delegates, L3), and
the fields filled from the meeting; and how a day and a time are typed.

``PlanFields.compose`` is yielded from the plan screen's own compose, so the
fields are the screen's (no widget between them), and the screen saves each
as it is typed.
"""

from __future__ import annotations

import re
from datetime import date, time

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, SelectionList, Static
from textual.widgets.select import NoSelection

from rules.models import Meeting, MeetingKind, MemberStatus, Person
from rules.organisation.changes import BRANCH_ROLE_LABELS, STATUS_LABELS
from tui.core.env import KioskEnv
from tui.core.kiosk import Kiosk
from tui.labels import KIND_LABELS
from tui.widgets.form_fields import FieldSelect
from tui.widgets.note import Note

TOPIC_LINES = 3  # a third line is allowed, with the M2 warning

_GUEST_ORDER = (
    MemberStatus.ACTIVIST,
    MemberStatus.DEVELOPMENT_TARGET,
    MemberStatus.MASSES,
    MemberStatus.FULL,
    MemberStatus.PROBATIONARY,
)


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(\d{1,2}):(\d{2})")


def parse_day(text: str) -> date | None:
    """A day written YYYY-MM-DD, or None."""
    if not _DAY.fullmatch(text.strip()):
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def parse_time(text: str) -> time | None:
    """A time written HH:MM (24-hour), or None."""
    match = _TIME.fullmatch(text.strip())
    if match is None:
        return None
    try:
        return time(int(match[1]), int(match[2]))
    except ValueError:
        return None


class PlanFields:
    """The fields of one meeting's plan, for the kiosk it is planned on."""

    def __init__(self, kiosk: Kiosk, meeting_id: str) -> None:
        self.kiosk = kiosk
        self.meeting_id = meeting_id

    @property
    def env(self) -> KioskEnv:
        return self.kiosk.env

    @property
    def meeting(self) -> Meeting:
        return self.kiosk.records.meeting(self.meeting_id)

    # -- who can be chosen ---------------------------------------------------------

    def members(self) -> tuple[Person, ...]:
        """Who may record or chair: the group's members (the branch's, for a
        member congress)."""
        org, gid = self.kiosk.org, self.meeting.group_id
        return org.members_of(gid) if gid is not None else org.party_members

    def guest_candidates(self) -> list[Person]:
        """Activists, development targets and the masses; and branch committee
        members from outside the group, who may sit in (L3)."""
        org, gid = self.kiosk.org, self.meeting.group_id
        people = [
            p
            for p in org.people
            if not p.is_party_member or (p.branch_role.on_committee and p.group_id != gid)
        ]
        return sorted(people, key=lambda p: (_GUEST_ORDER.index(p.status), p.id))

    def committee(self) -> list[Person]:
        return [p for p in self.kiosk.org.people if p.branch_role.on_committee]

    def who(self, person: Person) -> str:
        t = self.env.t
        role = person.branch_role
        what = t(*(BRANCH_ROLE_LABELS[role] if role.on_committee else STATUS_LABELS[person.status]))
        if person.department:
            what = f"{what} · {person.department}"
        return t(f"{person.name}({what})", f"{person.name} ({what})")

    # -- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """The form, to be yielded from the screen's compose."""
        t, meeting = self.env.t, self.meeting
        when = meeting.planned_at.astimezone(self.env.tz)
        with VerticalScroll(id="plan-form"):
            yield _row(
                t("日期 时间", "Date, time"),
                Input(f"{when:%Y-%m-%d}", placeholder="YYYY-MM-DD", id="plan-date", compact=True),
                Input(f"{when:%H:%M}", placeholder="HH:MM", id="plan-time", compact=True),
            )
            yield Note(id="plan-when-note", classes="plan-note")
            yield _row(
                t("地点", "Place"),
                Input(
                    meeting.place, placeholder=t("会议地点", "where"), id="plan-place", compact=True
                ),
            )
            for n in range(1, TOPIC_LINES + 1):
                topic = meeting.topics[n - 1] if n <= len(meeting.topics) else ""
                yield _row(
                    t(f"议题{n}", f"Topic {n}"),
                    Input(
                        topic, placeholder=t("议题", "topic"), id=f"plan-topic-{n}", compact=True
                    ),
                )
            yield Note(id="plan-topics-note", classes="plan-note")
            yield _row(
                t("开法", "How it runs"),
                Input(
                    meeting.method,
                    placeholder=t("会议怎么开", "how the meeting runs"),
                    id="plan-method",
                    compact=True,
                ),
            )
            yield _row(
                t("要求", "Requirements"),
                Input(
                    meeting.requirements,
                    placeholder=t("对党员的要求", "what members should do"),
                    id="plan-requirements",
                    compact=True,
                ),
            )
            people = [(p.name, p.id) for p in self.members()]
            yield _row(
                t("记录人", "Recorder"),
                FieldSelect(
                    people,
                    prompt=t("指定记录人(R1)", "name the recorder (R1)"),
                    value=self.member_or_blank(meeting.recorder_id),
                    id="plan-recorder",
                    compact=True,
                ),
            )
            chair = meeting.chair_id or self.leader_id()
            yield _row(
                t("主持人", "Chair"),
                FieldSelect(
                    people,
                    prompt=t("主持人", "chair"),
                    value=self.member_or_blank(chair),
                    id="plan-chair",
                    compact=True,
                ),
            )
            kinds = [MeetingKind.REGULAR, MeetingKind.SPECIAL, MeetingKind.LIFE]
            if meeting.kind is MeetingKind.MEMBER_CONGRESS:
                kinds = [MeetingKind.MEMBER_CONGRESS]
            yield _row(
                t("会议类型", "Kind"),
                FieldSelect(
                    [(t(*KIND_LABELS[k]), k) for k in kinds],
                    value=meeting.kind,
                    allow_blank=False,
                    id="plan-kind",
                    compact=True,
                ),
            )
            with Vertical(id="plan-y1", classes="plan-box"):
                yield Static(
                    t(
                        "1月份会议(Y1):通报上年工作,决定全年每月党小组会议内容",
                        "January (Y1): review last year, decide every month's topics",
                    ),
                    classes="plan-note",
                )
                yield Checkbox(
                    t("通报上一年党小组工作情况", "Reviews last year's work"),
                    meeting.reviews_last_year,
                    id="plan-reviews",
                    compact=True,
                )
                yield Checkbox(
                    t("决定全年每月党小组会议内容", "Decides the year's monthly topics"),
                    meeting.decides_annual_plan,
                    id="plan-decides",
                    compact=True,
                )
            with Vertical(id="plan-y2", classes="plan-box"):
                gathered = meeting.opinions_gathered_on
                yield _row(
                    t("征求意见日期", "Opinions gathered"),
                    Input(
                        gathered.isoformat() if gathered else "",
                        placeholder="YYYY-MM-DD",
                        id="plan-opinions",
                        compact=True,
                    ),
                )
                yield Note(id="plan-opinions-note", classes="plan-note")
            with Horizontal(classes="plan-row"):
                yield Label(t("会前沟通", "Branch"), classes="plan-label")
                yield Static("", id="plan-consulted", markup=False)
            yield Button(
                t("已与党支部沟通(记为现在)", "Consulted the branch (record now)"),
                id="plan-consult",
                compact=True,
            )
            yield Label(
                t(
                    "列席人员:入党积极分子、发展对象、群众、支委(空格选择)",
                    "Guests: activists, development targets, the masses, committee (space)",
                ),
                classes="plan-heading",
            )
            invited = {g.person_id for g in meeting.guests}
            yield SelectionList[str](
                *[(self.who(p), p.id, p.id in invited) for p in self.guest_candidates()],
                id="plan-guests",
            )
            yield Label(
                t(
                    "受支委会委托代表支委会发言(L3)",
                    "Delegated by the branch committee to speak for it (L3)",
                ),
                classes="plan-heading",
            )
            delegated = {g.person_id for g in meeting.guests if g.delegated_by_committee}
            yield SelectionList[str](
                *[(self.who(p), p.id, p.id in delegated) for p in self.committee()],
                id="plan-delegated",
            )
            yield Label(t("推迟会议(M1)", "Postpone (M1)"), classes="plan-heading")
            yield _row(
                t("推迟原因", "Reason"),
                Input(
                    placeholder=t("必须写明原因", "a reason is required"),
                    id="plan-postpone-reason",
                    compact=True,
                ),
            )
            yield _row(
                t("改期至", "New date"),
                Input(placeholder="YYYY-MM-DD", id="plan-postpone-date", compact=True),
            )
            yield Button(
                t("推迟会议", "Postpone"), id="plan-postpone", variant="warning", compact=True
            )

    def member_or_blank(self, person_id: str | None) -> str | NoSelection:
        """A Select's value: the person if they are (still) a member."""
        members = {p.id for p in self.members()}
        return person_id if person_id in members and person_id is not None else Select.NULL

    def leader_id(self) -> str | None:
        gid = self.meeting.group_id
        group = self.kiosk.org.group(gid) if gid is not None else None
        return group.leader_id if group is not None else None

    def fill(self, form: Widget) -> None:
        """Every field of ``form`` (the plan screen) from the meeting as the
        kiosk holds it, without saving it back."""
        meeting, env = self.meeting, self.env
        when = meeting.planned_at.astimezone(env.tz)
        values = {
            "#plan-date": f"{when:%Y-%m-%d}",
            "#plan-time": f"{when:%H:%M}",
            "#plan-place": meeting.place,
            "#plan-method": meeting.method,
            "#plan-requirements": meeting.requirements,
            "#plan-opinions": (
                meeting.opinions_gathered_on.isoformat() if meeting.opinions_gathered_on else ""
            ),
        }
        for n in range(1, TOPIC_LINES + 1):
            values[f"#plan-topic-{n}"] = meeting.topics[n - 1] if n <= len(meeting.topics) else ""
        invited = {g.person_id for g in meeting.guests}
        delegated = {g.person_id for g in meeting.guests if g.delegated_by_committee}
        with form.prevent(
            Input.Changed, Select.Changed, Checkbox.Changed, SelectionList.SelectedChanged
        ):
            for selector, value in values.items():
                form.query_one(selector, Input).value = value
            form.query_one("#plan-recorder", Select).value = self.member_or_blank(
                meeting.recorder_id
            )
            form.query_one("#plan-chair", Select).value = self.member_or_blank(
                meeting.chair_id or self.leader_id()
            )
            form.query_one("#plan-kind", Select).value = meeting.kind
            form.query_one("#plan-reviews", Checkbox).value = meeting.reviews_last_year
            form.query_one("#plan-decides", Checkbox).value = meeting.decides_annual_plan
            for choices, chosen in (
                (form.query_one("#plan-guests", SelectionList), invited),
                (form.query_one("#plan-delegated", SelectionList), delegated),
            ):
                choices.deselect_all()
                for pid in chosen:
                    if any(
                        choices.get_option_at_index(i).value == pid
                        for i in range(choices.option_count)
                    ):
                        choices.select(pid)


def _row(label: str, *fields: Widget) -> Horizontal:
    return Horizontal(Label(label, classes="plan-label"), *fields, classes="plan-row")
