"""What proves who someone is at the kiosk: unlock PINs, members' sign-in
PINs, badges, the set-up code of ``xiaozu init`` and the kiosk's signing key,
with the runs of wrong PINs that lock a person out (rules.organisation.access) and the
kiosk-wide throttle of wrong PINs typed on phones (rules.meeting.signin).

PINs are checked here (scrypt, blocking: call from a thread) and never kept;
only their hashes are stored, by the writer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import datetime

from rules.meeting import signin
from rules.models import Person
from rules.organisation import access
from storage import Repository, StorageError
from tui.core.records import Records
from tui.core.writer import Writer


class Credentials:
    def __init__(self, repo: Repository, records: Records, writer: Writer) -> None:
        self.repo = repo
        self.records = records
        self.writer = writer
        self.secret_problem: StorageError | None = None
        try:
            self._secret: bytes | None = repo.kiosk_secret()
        except StorageError as error:
            # Phones and badges cannot be checked; the leader marks by hand.
            self._secret, self.secret_problem = None, error
        # Who holds an unlock PIN: read with the roster, kept as PINs are set
        # (the lock screen asks at every return, on the UI thread).
        self._pin_holders: set[str] = set(repo.pin_holders())
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
        self._phone_throttle = signin.KioskThrottle()
        self._signin_versions: dict[str, int] = {}
        self._first_signin_pins: set[str] = set()
        self._badge_versions: dict[str, int] = {}

    def read(self) -> None:
        """The versions of sign-in PINs and badges (with the records)."""
        self._signin_versions = self.repo.signin_pin_versions()
        self._first_signin_pins = set(self.repo.first_signin_pins())
        self._badge_versions = self.repo.badge_versions()

    def read_pin_holders(self) -> None:
        self._pin_holders = set(self.repo.pin_holders())

    @property
    def secret(self) -> bytes | None:
        """The signing key of codes, cookies and badges (None when it could
        not be read: see ``secret_problem``)."""
        return self._secret

    # -- unlock PINs ------------------------------------------------------------

    def unlockers(self) -> tuple[Person, ...]:
        """Who the lock screen offers: those who may unlock and hold a PIN."""
        return tuple(p for p in access.unlockers(self.records.org) if p.id in self._pin_holders)

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

        self.writer.submit(write)

    def check_pin(self, person: Person, pin: str, now: datetime) -> access.PinVerdict:
        """Check a PIN typed for ``person``, counting wrong ones toward a
        lockout (rules.organisation.access). Blocking — the scrypt check takes 50–100 ms
        and the first look at a person's run of wrong PINs reads the disk —
        so call it from a thread worker. The new run is kept in memory at once
        and written by the writer, in order with every other write.
        """
        allowed = access.may_unlock(person, self.records.org)
        return self._judge(
            person.id,
            now,
            self._pin_attempts,
            self.repo.pin_attempts,
            lambda: self.repo.verify_pin(person.id, pin) and allowed,
            self.repo.save_pin_attempts,
        )

    # -- the set-up code (xiaozu init) ------------------------------------------

    def setup_code_expires(self, now: datetime) -> datetime | None:
        """When the set-up code printed by ``xiaozu init`` stops working (None:
        there is no code still good)."""
        return self.repo.setup_code_expires(now)

    def check_setup_code(self, typed: str, now: datetime) -> access.PinVerdict:
        """A set-up code typed at the lock screen; wrong ones count toward a
        lockout as a PIN's do (kept in memory: twelve digits are no short
        search anyway). Blocking (scrypt): call it from a thread worker."""
        code = access.setup_code(typed)
        with self._setup_lock:
            verdict = access.judge_pin(
                self._setup_attempts,
                now,
                lambda: code is not None and self.repo.check_setup_code(code, now),
            )
            self._setup_attempts = verdict.attempts
        return verdict

    # -- members' sign-in PINs and badges ----------------------------------------

    def check_signin_pin(self, person: Person, pin: str, now: datetime) -> access.PinVerdict:
        """A member's own sign-in PIN typed on a phone (its wrong PINs are
        counted apart from the unlock PIN's). Blocking."""
        return self._judge(
            person.id,
            now,
            self._signin_attempts,
            self.repo.signin_attempts,
            lambda: self.repo.verify_signin_pin(person.id, pin),
            self.repo.save_signin_attempts,
        )

    @property
    def phone_throttle(self) -> signin.KioskThrottle:
        """Wrong sign-in PINs from every phone together (rules.meeting.signin)."""
        return self._phone_throttle

    def phone_pin_failed(self, now: datetime) -> None:
        """Count a wrong PIN (or unknown member number) typed on a phone."""
        self._phone_throttle = self._phone_throttle.failed(now)

    def forgive_phone_pins(self) -> None:
        """Forget the wrong PINs typed on phones (a fuzz test reaching every check)."""
        self._phone_throttle = signin.KioskThrottle()

    def signin_version(self, person_id: str) -> int | None:
        """The version of the person's sign-in PIN (None: they have none)."""
        return self._signin_versions.get(person_id)

    def signin_pin_is_first(self, person_id: str) -> bool:
        """The member's sign-in PIN is the first one issued to them (by the
        leader or the secretary), still to be replaced by their own."""
        return person_id in self._first_signin_pins

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

        self.writer.submit(write)
        return version

    def badge_versions(self) -> dict[str, int]:
        return dict(self._badge_versions)

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

        self.writer.submit(write)
        return versions

    def check_badge(self, token: str) -> signin.BadgeCheck:
        """A badge read by the scanner: whose it is, or why it is refused."""
        if self._secret is None:
            return signin.BadgeCheck(None, signin.BadgeProblem.FORGED)
        return signin.check_badge(self._secret, token.strip(), self._badge_versions)

    def _judge(
        self,
        person_id: str,
        now: datetime,
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
            verdict = access.judge_pin(before, now, verify)
            after = verdict.attempts
            cache[person_id] = after
            if after != before:
                self.writer.submit(lambda: save(person_id, after))
            return verdict
