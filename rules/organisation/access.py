"""Who may unlock the shared kiosk, and what they may see (SPEC §4).

- Branch secretary / organisation member: everything in the branch.
- Group leader: their own group's people, meetings, minutes and tasks.
- Members: sign in; nothing else on the shared screen.

Wrong PINs lock a person out for a growing time: five wrong in a row lock
them out for a minute, the next five for two, then four, and so on, up to a
day ("PINs are stored hashed; repeated wrong PINs lock out for a while").
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from rules.models import BranchRole, Group, Organisation, Person

MAX_TRIES = 5
FIRST_LOCKOUT = timedelta(minutes=1)
LONGEST_LOCKOUT = timedelta(hours=24)

#: How many digits a new PIN has, unlock and sign-in PINs alike: six at the
#: least, so that a copy of the data does not give them up to a short offline
#: search (a million scrypt checks each). PINs set earlier with fewer digits
#: still work until they are replaced.
NEW_PIN_DIGITS = (6, 12)
_NEW_PIN = re.compile(r"[0-9]{6,12}", re.ASCII)

#: The one-time set-up code (``xiaozu init``): twelve digits, good for a week,
#: used once. With it, and nobody else's PIN, a branch secretary or
#: organisation member sets their own PIN on the kiosk.
SETUP_CODE_DIGITS = 12
SETUP_CODE_LIFETIME = timedelta(days=7)
_SETUP_CODE = re.compile(r"[0-9]{12}", re.ASCII)


def new_pin(typed: str) -> str | None:
    """A new PIN as it is stored, or None when it is not 6–12 digits.
    Full-width digits (a Chinese input method) count as the digits they look
    like."""
    pin = unicodedata.normalize("NFKC", typed).strip()
    return pin if _NEW_PIN.fullmatch(pin) else None


def setup_code(typed: str) -> str | None:
    """A typed set-up code without the spaces or dashes it was printed with,
    or None when it is not twelve digits."""
    code = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", typed))
    return code if _SETUP_CODE.fullmatch(code) else None


def format_setup_code(code: str) -> str:
    """``483129705516`` as it is printed: ``4831 2970 5516``."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


@dataclass(frozen=True)
class PinAttempts:
    """One person's run of wrong PINs, kept across restarts of the kiosk."""

    failures: int = 0  # wrong PINs since the last success or lockout
    lockouts: int = 0  # lockouts since the last success
    locked_until: datetime | None = None

    def __post_init__(self) -> None:
        if self.failures < 0 or self.lockouts < 0:
            raise ValueError("PIN attempt counts cannot be negative")
        if self.locked_until is not None and self.locked_until.utcoffset() is None:
            raise ValueError("locked_until needs a time zone")


class PinOutcome(StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    LOCKED_OUT = "locked out"  # by this wrong PIN, or still from earlier ones


@dataclass(frozen=True)
class PinVerdict:
    """What one PIN typed at the kiosk came to, and the person's run of wrong
    PINs afterwards (to be stored, so that a lockout survives a restart)."""

    outcome: PinOutcome
    attempts: PinAttempts

    @property
    def accepted(self) -> bool:
        return self.outcome is PinOutcome.ACCEPTED

    @property
    def tries_left(self) -> int:
        """Wrong PINs the person may still type before being locked out."""
        return tries_left(self.attempts)

    @property
    def retry_at(self) -> datetime | None:
        """When a locked-out person may try again (None unless locked out)."""
        if self.outcome is not PinOutcome.LOCKED_OUT:
            return None
        return retry_at(self.attempts)


def tries_left(attempts: PinAttempts) -> int:
    return max(MAX_TRIES - attempts.failures, 0)


def retry_at(attempts: PinAttempts) -> datetime | None:
    """The end of the lockout, rounded up to the whole minute, so that "try
    again after 09:02" is never too early."""
    until = attempts.locked_until
    if until is None:
        return None
    whole = until.replace(second=0, microsecond=0)
    return whole if whole == until else whole + timedelta(minutes=1)


def judge_pin(attempts: PinAttempts, now: datetime, pin_is_right: Callable[[], bool]) -> PinVerdict:
    """One PIN typed by a person whose run of wrong PINs is ``attempts``.

    While the person is locked out the PIN is not even checked
    (``pin_is_right`` is not called), so a lockout cannot be used to go on
    guessing. A right PIN ends the run; a wrong one counts toward the next
    lockout.
    """
    if locked_for(attempts, now) is not None:
        return PinVerdict(PinOutcome.LOCKED_OUT, attempts)
    if pin_is_right():
        return PinVerdict(PinOutcome.ACCEPTED, after_success())
    after = after_failure(attempts, now)
    locked = locked_for(after, now) is not None
    return PinVerdict(PinOutcome.LOCKED_OUT if locked else PinOutcome.WRONG, after)


def locked_for(attempts: PinAttempts, now: datetime) -> timedelta | None:
    """How long the person is still locked out, or None."""
    if attempts.locked_until is None or now >= attempts.locked_until:
        return None
    return attempts.locked_until - now


def after_failure(attempts: PinAttempts, now: datetime) -> PinAttempts:
    """A wrong PIN. The fifth in a row locks out, each lockout twice as long."""
    failures = attempts.failures + 1
    if failures < MAX_TRIES:
        return PinAttempts(failures, attempts.lockouts, attempts.locked_until)
    lockouts = attempts.lockouts + 1
    # Cap the doubling before multiplying: timedelta overflows after ~40 of them.
    doublings = min(lockouts - 1, math.ceil(math.log2(LONGEST_LOCKOUT / FIRST_LOCKOUT)))
    length = min(FIRST_LOCKOUT * 2**doublings, LONGEST_LOCKOUT)
    return PinAttempts(failures=0, lockouts=lockouts, locked_until=now + length)


def after_success() -> PinAttempts:
    return PinAttempts()


def is_branch_admin(person: Person) -> bool:
    """书记 and 组织委员 see the whole branch."""
    return person.branch_role in (BranchRole.SECRETARY, BranchRole.ORGANISATION)


def led_groups(person: Person, org: Organisation) -> tuple[Group, ...]:
    return tuple(g for g in org.active_groups if g.leader_id == person.id)


def groups_for(person: Person, org: Organisation) -> tuple[Group, ...]:
    """The groups whose meetings this person may run and see."""
    if is_branch_admin(person):
        return org.active_groups
    return led_groups(person, org)


def may_unlock(person: Person, org: Organisation) -> bool:
    """Group leaders and the branch's secretary or organisation member.

    In a branch without groups (B1) the secretary runs the member congress.
    """
    return is_branch_admin(person) or bool(led_groups(person, org))


def unlockers(org: Organisation) -> tuple[Person, ...]:
    """The people the lock screen offers, in roster order."""
    return tuple(p for p in org.people if may_unlock(p, org))


def session_groups(person: Person, org: Organisation) -> tuple[str | None, ...]:
    """What a person who unlocked the kiosk may run: the meetings of one of
    these groups, or (``None``) the branch's member congress when a branch
    admin's branch has no groups (B1: 没有党小组的党支部,应当每月召开一次党员大会)."""
    groups = groups_for(person, org)
    if groups:
        return tuple(g.id for g in groups)
    return (None,) if is_branch_admin(person) else ()
