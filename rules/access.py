"""Who may unlock the shared kiosk, and what they may see (SPEC §4).

- Branch secretary / organisation member: everything in the branch.
- Group leader: their own group's people, meetings, minutes and tasks.
- Members: sign in; nothing else on the shared screen.

Wrong PINs lock a person out for a growing time: five wrong in a row lock
them out for a minute, the next five for two, then four, and so on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from rules.models import BranchRole, Group, Organisation, Person

MAX_TRIES = 5
FIRST_LOCKOUT = timedelta(minutes=1)
LONGEST_LOCKOUT = timedelta(hours=24)


@dataclass(frozen=True)
class PinAttempts:
    """One person's run of wrong PINs, kept across restarts of the kiosk."""

    failures: int = 0  # wrong PINs since the last success or lockout
    lockouts: int = 0  # lockouts since the last success
    locked_until: datetime | None = None


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
    length = min(FIRST_LOCKOUT * 2 ** (lockouts - 1), LONGEST_LOCKOUT)
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
