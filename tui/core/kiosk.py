"""What the screens know of the world: the branch's records, the session, the
clock.

Records are held in memory so the screens read without touching the disk.
Every change is applied to memory at once and queued to be written, in
order, by one background thread (disk writes with fsync never run on the UI
loop). A screen tells the user "saved" only when ``flush`` has returned; a
failed write is reported through ``on_error`` and the record is read back from
disk so the screen shows what is really stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import secrets
import threading
import unicodedata
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from rules import access
from rules.models import (
    AnnualPlan,
    BranchRecords,
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
    TaskStatus,
)
from storage import Repository, StorageError
from tui.core.env import KioskEnv

if TYPE_CHECKING:
    from rules import seal, signin
    from rules.dues import DuesBook, DuesPayment, DuesRate
    from rules.findings import Finding

# The rule modules the lock screen does not need (rules.signin, rules.seal,
# rules.engine, rules.dues, rules.plan_template) are imported where used, so
# that the first screen is up sooner; ``load_records`` imports them behind it.

DEFAULT_MEETING_TIME = time(14, 30)


def _number_key(member_no: str) -> str:
    """A member number as typed on any phone: full-width digits and letters
    (a Chinese input method) and lower case count as the same number."""
    return unicodedata.normalize("NFKC", member_no).strip().upper()


async def _done(future: Future[None]) -> None:
    """Wait until a queued write has been tried. Only this wait is
    cancellable: the write itself goes on (as with ``asyncio.shield``, with
    one wake-up of the loop instead of three, a sign-in's "saved" sooner)."""
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[None] = loop.create_future()

    def wake(_: object) -> None:
        if not waiter.done():
            waiter.set_result(None)

    def done(_: object) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits
            loop.call_soon_threadsafe(wake, None)

    future.add_done_callback(done)
    await waiter


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
        self.session: Session | None = None
        self.on_error: Callable[[StorageError, str], None] | None = None
        # The last write that did not reach the disk (for a screen to name it).
        self.last_error: StorageError | None = None
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xiaozu-writer")
        # Queued writes not yet tried, oldest first (a dict keeps the order).
        self._pending: dict[Future[None], None] = {}
        self._pending_lock = threading.Lock()
        self._failed = 0  # writes failed since the last flush
        # One PIN check at a time per person (their run of wrong PINs is read,
        # judged and replaced as one step); different people in parallel, as
        # scrypt releases the GIL and the kiosk has more than one core.
        self._pin_locks: dict[str, threading.Lock] = {}
        self._pin_locks_guard = threading.Lock()
        # Runs of wrong PINs, read from storage when first needed. Kept over a
        # reload: a failed write must not forgive wrong PINs.
        self._pin_attempts: dict[str, access.PinAttempts] = {}
        self._signin_attempts: dict[str, access.PinAttempts] = {}
        self._setup_attempts = access.PinAttempts()
        self._setup_lock = threading.Lock()  # one set-up code check at a time
        # Signing in (SPEC §3). The meeting taking sign-ins by phone or badge:
        # set by the meeting screen while it shows a meeting in its five steps.
        self.signin_meeting_id: str | None = None
        self._kiosk_throttle: signin.KioskThrottle | None = None
        self.secret_problem: StorageError | None = None
        try:
            self._secret: bytes | None = repo.kiosk_secret()
        except StorageError as error:
            # Phones and badges cannot be checked; the leader marks by hand.
            self._secret, self.secret_problem = None, error
        # Set once the records (meetings, tasks, plans, dues, history) are in
        # memory; before that only the organisation is (enough for the lock
        # screen). ``records=False`` leaves them to ``load_records``.
        self._loaded = threading.Event()
        self._load_error: BaseException | None = None
        self._read_organisation()
        if records:
            self.load_records()

    # -- reading ------------------------------------------------------------

    def _read_organisation(self) -> None:
        org = self.repo.organisation()
        if org is None:
            raise LookupError("no organisation")
        self.org: Organisation = org
        # Who holds an unlock PIN: read with the roster, kept as PINs are set
        # (the lock screen asks at every return, on the UI thread).
        self._pin_holders: set[str] = set(self.repo.pin_holders())

    def load_records(self) -> None:
        """Read the records from storage (once at start, after the lock screen
        is up: ten years of meetings take a second). Raises what the storage
        raises; ``wait_loaded`` then raises it too."""
        from rules import engine, plan_template, seal, signin  # noqa: F401 (behind the lock screen)

        try:
            self._read_records()
        except BaseException as error:
            self._load_error = error
            raise
        finally:
            self._loaded.set()

    def load_records_later(self) -> Future[None]:
        """``load_records`` on the writer thread, in order with every write
        (a PIN attempt written meanwhile is not read half-way)."""
        return self._writer.submit(self.load_records)

    @property
    def kiosk_throttle(self) -> signin.KioskThrottle:
        """Wrong sign-in PINs from every phone together (rules.signin)."""
        if self._kiosk_throttle is None:
            from rules import signin

            self._kiosk_throttle = signin.KioskThrottle()
        return self._kiosk_throttle

    @kiosk_throttle.setter
    def kiosk_throttle(self, throttle: signin.KioskThrottle) -> None:
        self._kiosk_throttle = throttle

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
        read from storage anyway (on the writer thread, after the write)."""
        self._read_organisation()
        if self.loaded:
            self._read_records()

    def _read_records(self) -> None:
        # Dues first: their year files are the biggest, and the memory their
        # parsing frees is taken up again by the meetings read after them.
        self._dues: DuesBook = self.repo.dues()
        # One pass over the meeting files (each read and decoded once).
        records = self.repo.records()
        self._meetings: dict[str, Meeting] = {m.id: m for m in records.meetings}
        self._tasks: dict[str, FollowUpTask] = {t.id: t for t in records.tasks}
        self._plans: dict[tuple[str, int], AnnualPlan] = {
            (p.group_id, p.year): p for p in records.plans
        }
        self._records_since = records.records_since
        self._signin_versions = self.repo.signin_pin_versions()
        self._first_signin_pins = set(self.repo.first_signin_pins())
        self._badge_versions = self.repo.badge_versions()
        self._seal_heads: dict[str | None, seal.SealHead] = self.repo.seal_heads()
        self._person_changes: list[PersonChange] = self.repo.person_changes()
        self._group_changes: list[GroupChange] = self.repo.group_changes()

    def now(self) -> datetime:
        return self.env.now()

    def today(self) -> date:
        return self.now().date()

    def person(self, person_id: str | None) -> Person | None:
        return self.org.person(person_id) if person_id else None

    def name(self, person_id: str | None) -> str:
        person = self.person(person_id)
        return person.name if person else "—"

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

    def meeting(self, meeting_id: str) -> Meeting:
        return self._meetings[meeting_id]

    def meetings(self, group_id: str | None = None) -> list[Meeting]:
        """The session group's meetings (or ``group_id``'s), oldest first."""
        gid = group_id if group_id is not None else self._session_group()
        return sorted(
            (m for m in self._meetings.values() if m.group_id == gid),
            key=lambda m: (m.planned_at, m.id),
        )

    def meetings_all(self) -> list[Meeting]:
        """Every meeting of the branch, whichever group."""
        return list(self._meetings.values())

    def tasks(self, meeting_id: str | None = None) -> list[FollowUpTask]:
        """Tasks of one meeting, or of all the session group's meetings."""
        wanted = {meeting_id} if meeting_id is not None else {m.id for m in self.meetings()}
        return sorted(
            (t for t in self._tasks.values() if t.meeting_id in wanted),
            key=lambda t: (t.status is TaskStatus.DONE, t.due, t.id),
        )

    def plan(self, group_id: str, year: int) -> AnnualPlan | None:
        return self._plans.get((group_id, year))

    def person_changes(self, person_id: str | None = None) -> list[PersonChange]:
        """The history of people's status and discipline, oldest first."""
        return [c for c in self._person_changes if person_id in (None, c.person_id)]

    def group_changes(self, group_id: str | None = None) -> list[GroupChange]:
        """The history of the groups, oldest first."""
        return [c for c in self._group_changes if group_id in (None, c.group_id)]

    def records(self) -> BranchRecords:
        return BranchRecords(
            organisation=self.org,
            meetings=tuple(sorted(self._meetings.values(), key=lambda m: (m.planned_at, m.id))),
            tasks=tuple(self._tasks.values()),
            plans=tuple(self._plans.values()),
            records_since=self._records_since,
        )

    def findings(self) -> list[Finding]:
        """What the rules engine finds, limited to what the session may see."""
        from rules.engine import check

        found = check(self.records(), self.now())
        if self.session is None or self.session.branch_admin:
            return found
        return [f for f in found if self._concerns_session(f)]

    def _concerns_session(self, finding: Finding) -> bool:
        gid = self._session_group()
        kind, ident = finding.subject.kind.value, finding.subject.id
        if kind == "group":
            return ident == gid
        if kind == "meeting":
            m = self._meetings.get(ident)
            return m is not None and m.group_id == gid
        if kind == "task":
            t = self._tasks.get(ident)
            return (
                t is not None
                and self._meetings.get(t.meeting_id, None) is not None
                and (self._meetings[t.meeting_id].group_id == gid)
            )
        if kind == "person":
            p = self.org.person(ident)
            return p is not None and p.group_id == gid
        return False

    def _session_group(self) -> str | None:
        return self.session.group_id if self.session else None

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

    # -- for home and the branch view (home, plan, notice screens) -------------

    def finding_group_id(self, finding: Finding) -> str | None:
        """The group a finding is about: the group itself, the group holding
        the meeting, the group of the task's meeting or of the person. None
        for the branch as a whole (or a record no longer known)."""
        kind, ident = finding.subject.kind.value, finding.subject.id
        if kind == "group":
            return ident
        if kind == "meeting":
            meeting = self._meetings.get(ident)
            return meeting.group_id if meeting is not None else None
        if kind == "task":
            task = self._tasks.get(ident)
            held = self._meetings.get(task.meeting_id) if task is not None else None
            return held.group_id if held is not None else None
        if kind == "person":
            person = self.org.person(ident)
            return person.group_id if person is not None else None
        return None

    def planned_topic(self, day: date) -> str:
        """The topic the session group's year plan gives the month of ``day``
        (Y1), else the seed's template's — as ``new_meeting`` fills it in."""
        from rules.plan_template import template_month

        gid = self._session_group()
        annual = self.plan(gid, day.year) if gid is not None else None
        topic = annual.topic_for(day.month) if annual else None
        if topic is None:
            month = template_month(day.month)
            topic = month.title_zh if self.env.lang == "zh" else month.title_en
        return topic

    # -- the session ----------------------------------------------------------

    def unlockers(self) -> tuple[Person, ...]:
        """Who the lock screen offers: those who may unlock and hold a PIN."""
        return tuple(p for p in access.unlockers(self.org) if p.id in self._pin_holders)

    def pin_holders(self) -> frozenset[str]:
        return frozenset(self._pin_holders)

    def set_pin(self, person_id: str, pin: str, *, end_setup: bool = False) -> None:
        """Give a person a new unlock PIN (hashed on the writer thread), which
        also ends a lockout of theirs; ``end_setup``: the set-up code it was
        set with is used up in the same write."""
        self._pin_attempts.pop(person_id, None)
        self._pin_holders.add(person_id)

        def write() -> None:
            self.repo.set_pin(person_id, pin, end_setup=end_setup)
            self.repo.save_pin_attempts(person_id, access.PinAttempts())

        self._queue(write, "")

    # -- putting a branch into service (xiaozu init) -----------------------------

    def setup_code_expires(self) -> datetime | None:
        """When the set-up code printed by ``xiaozu init`` stops working (None:
        there is no code still good)."""
        return self.repo.setup_code_expires(self.now())

    def check_setup_code(self, typed: str) -> access.PinVerdict:
        """A set-up code typed at the lock screen; wrong ones count toward a
        lockout as a PIN's do (kept in memory: twelve digits are no short
        search anyway). Blocking (scrypt): call it from a thread worker."""
        code = access.setup_code(typed)
        with self._setup_lock:
            before = self._setup_attempts
            verdict = access.judge_pin(
                before,
                self.now(),
                lambda: code is not None and self.repo.check_setup_code(code, self.now()),
            )
            self._setup_attempts = verdict.attempts
        return verdict

    def start_session(self, person: Person, group_id: str | None) -> Session:
        self.session = Session(person, group_id, access.is_branch_admin(person))
        return self.session

    def end_session(self) -> None:
        self.session = None

    def check_pin(self, person: Person, pin: str) -> access.PinVerdict:
        """Check a PIN typed for ``person``, counting wrong ones toward a
        lockout (rules.access). Blocking — the scrypt check takes 50–100 ms
        and the first look at a person's run of wrong PINs reads the disk —
        so call it from a thread worker. The new run is kept in memory at once
        and written by the background writer, in order with every other write.
        """
        allowed = access.may_unlock(person, self.org)
        return self._judge(
            person.id,
            self._pin_attempts,
            self.repo.pin_attempts,
            lambda: self.repo.verify_pin(person.id, pin) and allowed,
            self.repo.save_pin_attempts,
        )

    def check_signin_pin(self, person: Person, pin: str) -> access.PinVerdict:
        """The same for a member's own sign-in PIN typed on a phone (its
        wrong PINs are counted apart from the unlock PIN's). Blocking."""
        return self._judge(
            person.id,
            self._signin_attempts,
            self.repo.signin_attempts,
            lambda: self.repo.verify_signin_pin(person.id, pin),
            self.repo.save_signin_attempts,
        )

    def _judge(
        self,
        person_id: str,
        cache: dict[str, access.PinAttempts],
        load: Callable[[str], access.PinAttempts],
        verify: Callable[[], bool],
        save: Callable[[str, access.PinAttempts], None],
    ) -> access.PinVerdict:
        with self._pin_locks_guard:
            lock = self._pin_locks.setdefault(f"{id(cache)}:{person_id}", threading.Lock())
        with lock:
            before = cache.get(person_id)
            if before is None:
                before = load(person_id)
            verdict = access.judge_pin(before, self.now(), verify)
            after = verdict.attempts
            cache[person_id] = after
            if after != before:
                self._queue(lambda: save(person_id, after), "")
            return verdict

    # -- signing in (SPEC §3) ---------------------------------------------------

    @property
    def secret(self) -> bytes | None:
        """The signing key of codes, cookies and badges (None when it could
        not be read: see ``secret_problem``)."""
        return self._secret

    def signin_meeting(self) -> Meeting | None:
        """The meeting taking sign-ins now, if any."""
        from rules import signin

        meeting = self._meetings.get(self.signin_meeting_id or "")
        if meeting is None or not signin.open_for_signin(meeting):
            return None
        return meeting

    def signin_version(self, person_id: str) -> int | None:
        """The version of the person's sign-in PIN (None: they have none)."""
        return self._signin_versions.get(person_id)

    def signin_pin_is_first(self, person_id: str) -> bool:
        """The member's sign-in PIN is the first one issued to them (by the
        leader or the secretary), still to be replaced by their own."""
        return person_id in self._first_signin_pins

    def badge_versions(self) -> dict[str, int]:
        return dict(self._badge_versions)

    def person_by_number(self, member_no: str) -> Person | None:
        """The party member with this member number (党员编号)."""
        wanted = _number_key(member_no)
        if not wanted:
            return None
        for person in self.org.people:
            if person.member_no and _number_key(person.member_no) == wanted:
                return person if person.is_party_member else None
        return None

    def set_signin_pin(self, person_id: str, pin: str) -> int:
        """Issue a member a first sign-in PIN, or reset a forgotten one (hashed
        on the writer thread, marked as issued: the member is to replace it);
        every phone remembered with the old one is forgotten."""
        version = self._signin_versions.get(person_id, 0) + 1
        self._signin_versions[person_id] = version
        self._first_signin_pins.add(person_id)
        self._signin_attempts.pop(person_id, None)

        def write() -> None:
            self.repo.set_signin_pin(person_id, pin, first=True)
            self.repo.save_signin_attempts(person_id, access.PinAttempts())

        self._queue(write, "")
        return version

    def issue_badges(self, person_ids: Iterable[str], *, reissue: bool) -> dict[str, int]:
        """Give each person a badge version at once (1 for a first badge; with
        ``reissue``, a new version, which revokes their older badges) and
        queue the write; returns the versions of the people named."""
        wanted = list(dict.fromkeys(person_ids))
        for person_id in wanted:
            if reissue or person_id not in self._badge_versions:
                self._badge_versions[person_id] = self._badge_versions.get(person_id, 0) + 1
        versions = {p: self._badge_versions[p] for p in wanted}

        def write() -> None:
            self.repo.issue_badges(wanted, reissue=reissue)

        self._queue(write, "")
        return versions

    def sign_in(self, person_id: str, by: RecordedBy, phone: str = "") -> Meeting:
        """Record that ``person_id`` came to the meeting taking sign-ins, by
        phone or badge (rules.signin.sign_in); raises SigninRefused and
        changes nothing when that is not allowed."""
        from rules import signin

        meeting = self.signin_meeting()
        if meeting is None:
            raise signin.SigninRefused(signin.Refusal.NOT_OPEN, person_id)
        changed = signin.sign_in(meeting, self.org, person_id, self.now(), by=by, phone=phone)
        record = changed.attendance_of(person_id)
        assert record is not None
        # Not a rewrite of the meeting's file: one record appended to the
        # sign-in journal (one sync), folded into the file by the meeting's
        # next save. A sign-in never finalises, so there is nothing to seal.
        self._meetings[changed.id] = changed
        self._queue(functools.partial(self.repo.append_signin, changed.id, record), changed.id)
        return changed

    def sign_in_badge(self, token: str) -> tuple[signin.BadgeCheck, Meeting | None]:
        """A badge read by the scanner: check it, and sign its owner in.
        Raises SigninRefused as ``sign_in`` does."""
        from rules import signin

        if self._secret is None:
            return signin.BadgeCheck(None, signin.BadgeProblem.FORGED), None
        verdict = signin.check_badge(self._secret, token.strip(), self._badge_versions)
        if not verdict.ok or verdict.person_id is None:
            return verdict, None
        return verdict, self.sign_in(verdict.person_id, RecordedBy.BADGE)

    # -- changing -------------------------------------------------------------

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
        from rules import seal

        # Minutes finalised now, and each new addendum, are sealed into the
        # group's chain on the way (R3, rules.seal): every path that
        # finalises comes through here.
        gid = meeting.group_id
        group = [m for m in self._meetings.values() if m.group_id == gid]
        before = self._meetings.get(meeting.id)
        head = self._seal_heads.get(gid)
        to_save, head = seal.seal_on_save(meeting, before, group, head, self.now())
        if head is not None:
            self._seal_heads[gid] = head
        for each in to_save:
            self._meetings[each.id] = each
            self._queue(functools.partial(self.repo.save_meeting, each), each.id)

    def save_task(self, task: FollowUpTask) -> None:
        self._tasks[task.id] = task
        self._queue(lambda: self.repo.save_task(task), task.meeting_id)

    def delete_task(self, task: FollowUpTask) -> None:
        """Take back a task set at a meeting not yet finalised."""
        self._tasks.pop(task.id, None)
        self._queue(lambda: self.repo.delete_task(task), task.meeting_id)

    def save_plan(self, plan: AnnualPlan) -> None:
        self._plans[(plan.group_id, plan.year)] = plan
        self._queue(lambda: self.repo.save_plan(plan), "")

    def save_organisation(
        self, org: Organisation, history: Iterable[PersonChange | GroupChange] = ()
    ) -> None:
        """A change to groups or people (and the history of it): in memory at
        once, written in order with every other write, organisation and
        history together in one atomic write."""
        changes = tuple(history)
        self.org = org
        self._person_changes += [c for c in changes if isinstance(c, PersonChange)]
        self._group_changes += [c for c in changes if isinstance(c, GroupChange)]
        self._queue(lambda: self.repo.save_organisation(org, changes), "")

    # -- party dues (rules.dues) ------------------------------------------------

    def dues(self) -> DuesBook:
        """Every dues rate and payment of the branch."""
        return self._dues

    def dues_members(self) -> tuple[Person, ...]:
        """Whose dues the session keeps: the group's party members (every
        party member for a branch without groups)."""
        gid = self._session_group()
        return self.org.members_of(gid) if gid is not None else self.org.party_members

    def save_dues_rate(self, rate: DuesRate) -> None:
        self._dues = self._dues.with_rate(rate)
        self._queue(lambda: self.repo.save_dues_rate(rate), "")

    def save_dues_payment(self, payment: DuesPayment) -> None:
        self._dues = self._dues.with_payment(payment)
        self._queue(lambda: self.repo.save_dues_payment(payment), "")

    def new_dues_payment_id(self) -> str:
        return f"d-{self.today():%Y%m%d}-{secrets.token_hex(4)}"

    def update_meeting(self, meeting_id: str, **changes: object) -> Meeting:
        meeting = replace(self._meetings[meeting_id], **changes)  # type: ignore[arg-type]
        self.save_meeting(meeting)
        return self._meetings[meeting_id]  # as saved (sealed, when finalised)

    def new_task_id(self) -> str:
        return f"t-{secrets.token_hex(4)}"

    def _queue(self, write: Callable[[], None], meeting_id: str) -> None:
        future = self._writer.submit(write)
        with self._pending_lock:
            self._pending[future] = None
        future.add_done_callback(lambda f: self._written(f, meeting_id))

    def _written(self, future: Future[None], meeting_id: str) -> None:
        error = future.exception()
        with self._pending_lock:
            if isinstance(error, StorageError):
                # Before the write leaves the queue: a screen that finds the
                # queue empty also finds the failure.
                self.last_error = error
                self._failed += 1
            self._pending.pop(future, None)
        if error is None:
            return
        if isinstance(error, StorageError) and self.on_error is not None:
            self.on_error(error, meeting_id)
        elif self.on_error is None:
            raise error

    async def flush(self) -> bool:
        """Wait until every write queued so far has been tried; True when all
        of them reached the disk (a failure is reported through ``on_error``).

        The wait is shielded: a waiter that is cancelled (a screen closed, the
        kiosk locked) never cancels a write that is still queued.
        """
        ok = True
        # Newest first: with one writer taking writes in order, once the
        # newest is done so are all before it.
        for future in reversed(self._queued()):
            if not future.done():
                await _done(future)
            error = future.exception()
            if isinstance(error, StorageError):
                ok = False
            elif error is not None:
                raise error
        # A write that failed before this call (and so left the queue) counts
        # too: True means every write since the last flush reached the disk.
        with self._pending_lock:
            failed, self._failed = self._failed, 0
        return ok and not failed

    async def stored(self, failed_before: StorageError | None) -> bool:
        """Whether the writes just queued reached the disk, for a screen that
        says "saved" only then: ``failed_before`` is ``last_error`` as it was
        before they were queued (a write that failed sooner than ``flush``
        was called changes it)."""
        flushed = await self.flush()
        return flushed and self.last_error is failed_before

    def not_saved(self, zh: str, en: str) -> str:
        """``zh`` / ``en`` (what was not saved) with why, in the kiosk's language."""
        error = self.last_error
        why = error.message(self.env.lang) if error is not None else ""
        return self.env.t(f"{zh}:{why}", f"{en}: {why}")

    def _queued(self) -> list[Future[None]]:
        with self._pending_lock:
            return list(self._pending)

    def flush_sync(self) -> None:
        for future in self._queued():
            with contextlib.suppress(StorageError):
                future.result()

    def close(self) -> None:
        self.flush_sync()
        self._writer.shutdown(wait=True)
        self.repo.close()
