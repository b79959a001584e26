"""The kiosk: what the screens and the phone pages know of the world and may
change in it.

It is put together from the parts of the core, each in its own module:
``records`` (the branch's records in memory), ``writer`` (the ordered,
durable writes), ``credentials`` (PINs, badges, the signing key) and the
session (who unlocked it, for which group). What a session sees (its
group's meetings, tasks and findings) and every change to the records
(saved in memory at once, then queued for the writer) are here.
"""

from __future__ import annotations

import functools
import secrets
import threading
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from rules.checks.findings import Finding
from rules.dues.book import DuesPayment, DuesRate
from rules.meeting import seal, signin
from rules.models import (
    AnnualPlan,
    FollowUpTask,
    Group,
    GroupChange,
    Meeting,
    MeetingKind,
    Organisation,
    Person,
    PersonChange,
    RecordedBy,
    Step,
)
from rules.organisation import access
from rules.year.plan_template import template_month
from storage import Repository
from tui.core.credentials import Credentials
from tui.core.env import KioskEnv
from tui.core.records import Records
from tui.core.writer import Writer

DEFAULT_MEETING_TIME = time(14, 30)


@dataclass(frozen=True)
class Session:
    """Who unlocked the kiosk, and for which group (None: the branch's own
    member congress, for a branch without groups — B1)."""

    user: Person
    group_id: str | None
    branch_admin: bool


class Kiosk:
    def __init__(self, env: KioskEnv, repo: Repository, *, records: bool = True) -> None:
        self.env = env
        self.repo = repo
        self.writer = Writer(env)
        # The organisation only, at first: enough for the lock screen.
        self.records = Records(repo)
        self.credentials = Credentials(repo, self.records, self.writer)
        self.session: Session | None = None
        # The meeting taking sign-ins by phone or badge (SPEC §3): set by the
        # meeting screen while it shows a meeting in its five steps.
        self.signin_meeting_id: str | None = None
        # Set once the records (meetings, tasks, plans, dues, history) are in
        # memory. ``records=False`` leaves them to ``load_records``.
        self._loaded = threading.Event()
        self._load_error: BaseException | None = None
        if records:
            self.load_records()

    @property
    def org(self) -> Organisation:
        return self.records.org

    def now(self) -> datetime:
        return self.env.now()

    def today(self) -> date:
        return self.now().date()

    # -- loading ----------------------------------------------------------------

    def load_records(self) -> None:
        """Read the records from storage. Raises what the storage raises;
        ``wait_loaded`` then raises it too."""
        try:
            self.records.read(self.now())
            self.credentials.read()
        except BaseException as error:
            self._load_error = error
            raise
        finally:
            self._loaded.set()

    def load_records_later(self) -> Future[None]:
        """``load_records`` on the writer's thread, in order with every write
        (a PIN attempt written meanwhile is not read half-way)."""
        return self.writer.run(self.load_records)

    @property
    def loaded(self) -> bool:
        return self._loaded.is_set() and self._load_error is None

    @property
    def load_error(self) -> BaseException | None:
        """Why the records could not be read (None: they were, or are being)."""
        return self._load_error

    def wait_loaded(self, timeout: float | None = None) -> bool:
        """Block until the records are in memory (from a worker thread: the
        lock screen's PIN check waits here before unlocking). False when they
        could not be read, or not within ``timeout``."""
        return self._loaded.wait(timeout) and self._load_error is None

    def reload(self) -> None:
        """Read everything from storage again (after a failed write). Before
        the records are in, the organisation only: the records are being
        read from storage anyway (on the writer's thread, after the write)."""
        self.records.read_organisation()
        self.credentials.read_pin_holders()
        if self.loaded:
            self.records.read(self.now())
            self.credentials.read()

    # -- the session --------------------------------------------------------------

    def start_session(self, person: Person, group_id: str | None) -> Session:
        self.session = Session(person, group_id, access.is_branch_admin(person))
        return self.session

    def end_session(self) -> None:
        self.session = None

    def check_pin(self, person: Person, pin: str) -> access.PinVerdict:
        """An unlock PIN typed for ``person`` (blocking: scrypt)."""
        return self.credentials.check_pin(person, pin, self.now())

    def _session_group(self) -> str | None:
        return self.session.group_id if self.session else None

    # -- what the session sees ------------------------------------------------------

    def group(self) -> Group | None:
        """The unlocked group (None for a branch without groups)."""
        if self.session is None or self.session.group_id is None:
            return None
        return self.org.group(self.session.group_id)

    def group_name(self) -> str:
        group = self.group()
        if group is not None:
            return group.name
        return self.env.t(f"{self.org.branch.name}党员大会", f"{self.org.branch.name} congress")

    def meetings(self, group_id: str | None = None) -> list[Meeting]:
        """The session group's meetings (or ``group_id``'s), oldest first."""
        return self.records.meetings_of(group_id if group_id is not None else self._session_group())

    def tasks(self, meeting_id: str | None = None) -> list[FollowUpTask]:
        """Tasks of one meeting, or of all the session group's meetings."""
        wanted = [meeting_id] if meeting_id is not None else [m.id for m in self.meetings()]
        return self.records.tasks_of(wanted)

    def current_meeting(self) -> Meeting | None:
        """The meeting under way or being prepared: the earliest that is not
        yet finalised and not postponed."""
        open_ones = [
            m for m in self.meetings() if not m.step.minutes_final and m.postponement is None
        ]
        held = [m for m in open_ones if m.step.held]
        candidates = held or open_ones
        return candidates[0] if candidates else None

    def awaiting_after_steps(self) -> list[Meeting]:
        """Finalised minutes not yet checked (A1) or not yet reported (A2)."""
        return [m for m in self.meetings() if m.step in (Step.FINALISED, Step.CHECKED)]

    def findings(self) -> list[Finding]:
        """What the rules engine finds, limited to what the session may see."""
        found = self.records.findings(self.now())
        if self.session is None or self.session.branch_admin:
            return found
        gid = self._session_group()
        return [f for f in found if self._concerns(f, gid)]

    def _concerns(self, finding: Finding, group_id: str | None) -> bool:
        """A finding about the group, or about one of its meetings, tasks or
        people (a record no longer known concerns nobody)."""
        if finding.subject.kind.value not in ("group", "meeting", "task", "person"):
            return False
        if finding.subject.kind.value == "group":
            return finding.subject.id == group_id
        known = self.records.group_of(finding)
        return known == group_id and self.records.knows(finding)

    def planned_topic(self, day: date) -> str:
        """The topic the session group's year plan gives the month of ``day``
        (Y1), else the seed's template's — as ``new_meeting`` fills it in."""
        gid = self._session_group()
        annual = self.records.plan(gid, day.year) if gid is not None else None
        topic = annual.topic_for(day.month) if annual else None
        if topic is None:
            month = template_month(day.month)
            topic = month.title_zh if self.env.lang == "zh" else month.title_en
        return topic

    def dues_members(self) -> tuple[Person, ...]:
        """Whose dues the session keeps: the group's party members (every
        party member for a branch without groups)."""
        gid = self._session_group()
        return self.org.members_of(gid) if gid is not None else self.org.party_members

    # -- signing in (SPEC §3) ---------------------------------------------------------

    def signin_meeting(self) -> Meeting | None:
        """The meeting taking sign-ins now, if any."""
        meeting = self.records.find_meeting(self.signin_meeting_id or "")
        if meeting is None or not signin.open_for_signin(meeting):
            return None
        return meeting

    def sign_in(self, person_id: str, by: RecordedBy, phone: str = "") -> Meeting:
        """Record that ``person_id`` came to the meeting taking sign-ins, by
        phone or badge (rules.meeting.signin.sign_in); raises SigninRefused and
        changes nothing when that is not allowed."""
        meeting = self.signin_meeting()
        if meeting is None:
            raise signin.SigninRefused(signin.Refusal.NOT_OPEN, person_id)
        changed = signin.sign_in(meeting, self.org, person_id, self.now(), by=by, phone=phone)
        record = changed.attendance_of(person_id)
        assert record is not None
        # Not a rewrite of the meeting's file: one record appended to the
        # sign-in journal, folded into the file by the meeting's next save;
        # sign-ins arriving together share one sync (group commit). A
        # sign-in never finalises, so there is nothing to seal.
        self.records.put_meeting(changed)
        self.writer.submit_together((changed.id, record), self.repo.append_signins, changed.id)
        return changed

    def sign_in_badge(self, token: str) -> tuple[signin.BadgeCheck, Meeting | None]:
        """A badge read by the scanner: check it, and sign its owner in.
        Raises SigninRefused as ``sign_in`` does."""
        verdict = self.credentials.check_badge(token)
        if not verdict.ok or verdict.person_id is None:
            return verdict, None
        return verdict, self.sign_in(verdict.person_id, RecordedBy.BADGE)

    # -- changing the records -----------------------------------------------------------

    def new_meeting(self, planned_on: date | None = None) -> Meeting:
        """A meeting in preparation for the session's group, its topic taken
        from the year's plan for that month (Y1) or the seed's template."""
        gid = self._session_group()
        day = planned_on or self.today() + timedelta(days=3)
        planned_at = datetime.combine(day, DEFAULT_MEETING_TIME, self.env.tz)
        topic = self.planned_topic(day)
        kind = MeetingKind.MEMBER_CONGRESS if gid is None else MeetingKind.REGULAR
        if kind is MeetingKind.REGULAR and day.month == 12:
            kind = MeetingKind.LIFE
        group = self.group()
        meeting = Meeting(
            id=f"m-{gid or 'branch'}-{day:%Y%m%d}-{secrets.token_hex(3)}",
            group_id=gid,
            planned_at=planned_at,
            kind=kind,
            topics=(topic,),
            chair_id=group.leader_id if group else (self.session.user.id if self.session else None),
            decides_annual_plan=day.month == 1,
            reviews_last_year=day.month == 1,
        )
        self.save_meeting(meeting)
        return meeting

    def save_meeting(self, meeting: Meeting) -> None:
        # Minutes finalised now, and each new addendum, are sealed into the
        # group's chain on the way (R3, rules.meeting.seal): every path that
        # finalises comes through here.
        gid = meeting.group_id
        group = self.records.meetings_to_seal(gid)
        before = self.records.find_meeting(meeting.id)
        to_save, head = seal.seal_on_save(
            meeting, before, group, self.records.seal_head(gid), self.now()
        )
        if head is not None:
            self.records.put_seal_head(gid, head)
        for each in to_save:
            self.records.put_meeting(each)
            self.writer.submit(functools.partial(self.repo.save_meeting, each), each.id)

    def update_meeting(self, meeting_id: str, **changes: object) -> Meeting:
        meeting = replace(self.records.meeting(meeting_id), **changes)  # type: ignore[arg-type]
        self.save_meeting(meeting)
        return self.records.meeting(meeting_id)  # as saved (sealed, when finalised)

    def save_task(self, task: FollowUpTask) -> None:
        self.records.put_task(task)
        self.writer.submit(lambda: self.repo.save_task(task), task.meeting_id)

    def delete_task(self, task: FollowUpTask) -> None:
        """Take back a task set at a meeting not yet finalised."""
        self.records.drop_task(task)
        self.writer.submit(lambda: self.repo.delete_task(task), task.meeting_id)

    def new_task_id(self) -> str:
        return f"t-{secrets.token_hex(4)}"

    def save_plan(self, plan: AnnualPlan) -> None:
        self.records.put_plan(plan)
        self.writer.submit(lambda: self.repo.save_plan(plan))

    def save_organisation(
        self, org: Organisation, history: Iterable[PersonChange | GroupChange] = ()
    ) -> None:
        """A change to groups or people (and the history of it): in memory at
        once, written in order with every other write, organisation and
        history together in one atomic write."""
        changes = tuple(history)
        self.records.put_organisation(org, changes)
        self.writer.submit(lambda: self.repo.save_organisation(org, changes))

    def save_dues_rate(self, rate: DuesRate) -> None:
        self.records.put_dues_rate(rate)
        self.writer.submit(lambda: self.repo.save_dues_rate(rate))

    def save_dues_payment(self, payment: DuesPayment) -> None:
        self.records.put_dues_payment(payment)
        self.writer.submit(lambda: self.repo.save_dues_payment(payment))

    def new_dues_payment_id(self) -> str:
        return f"d-{self.today():%Y%m%d}-{secrets.token_hex(4)}"

    def close(self) -> None:
        self.writer.close()
        self.repo.close()
