"""Who may unlock the kiosk, what they then run, and the growing lockout
after wrong PINs (SPEC §4)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from rules.models import BranchRole, Organisation
from rules.organisation import access
from rules.organisation.access import (
    FIRST_LOCKOUT,
    LONGEST_LOCKOUT,
    MAX_TRIES,
    PinAttempts,
    PinOutcome,
    judge_pin,
)

from .conftest import NOW, compliant_org, organisation, person


def wrong(attempts: PinAttempts, now: datetime = NOW) -> access.PinVerdict:
    return judge_pin(attempts, now, lambda: False)


def right(attempts: PinAttempts, now: datetime = NOW) -> access.PinVerdict:
    return judge_pin(attempts, now, lambda: True)


def run_of_wrong(count: int, now: datetime = NOW) -> access.PinVerdict:
    verdict = wrong(PinAttempts(), now)
    for _ in range(count - 1):
        verdict = wrong(verdict.attempts, now)
    return verdict


# -- the lockout ------------------------------------------------------------


def test_a_right_pin_is_accepted_and_ends_the_run() -> None:
    verdict = right(PinAttempts(failures=3, lockouts=2, locked_until=NOW - timedelta(hours=1)))
    assert verdict.accepted
    assert verdict.outcome is PinOutcome.ACCEPTED
    assert verdict.attempts == PinAttempts()
    assert verdict.retry_at is None


def test_each_wrong_pin_says_how_many_tries_are_left() -> None:
    attempts = PinAttempts()
    for left in range(MAX_TRIES - 1, 0, -1):
        verdict = wrong(attempts)
        assert verdict.outcome is PinOutcome.WRONG
        assert verdict.tries_left == left
        assert verdict.retry_at is None
        attempts = verdict.attempts


def test_the_fifth_wrong_pin_in_a_row_locks_out_for_a_minute() -> None:
    verdict = run_of_wrong(MAX_TRIES)
    assert verdict.outcome is PinOutcome.LOCKED_OUT
    assert not verdict.accepted
    assert verdict.attempts.locked_until == NOW + FIRST_LOCKOUT
    assert verdict.retry_at == NOW + FIRST_LOCKOUT
    assert access.locked_for(verdict.attempts, NOW) == FIRST_LOCKOUT


def test_while_locked_out_the_pin_is_not_even_checked() -> None:
    locked = run_of_wrong(MAX_TRIES).attempts

    def must_not_check() -> bool:
        raise AssertionError("the PIN was checked during a lockout")

    verdict = judge_pin(locked, NOW + timedelta(seconds=30), must_not_check)
    assert verdict.outcome is PinOutcome.LOCKED_OUT
    assert verdict.attempts == locked  # waiting is not a wrong PIN
    assert verdict.retry_at == NOW + FIRST_LOCKOUT


def test_after_the_lockout_the_person_may_try_again() -> None:
    locked = run_of_wrong(MAX_TRIES).attempts
    later = NOW + FIRST_LOCKOUT
    assert access.locked_for(locked, later) is None
    assert right(locked, later).accepted
    again = wrong(locked, later)
    assert again.outcome is PinOutcome.WRONG
    assert again.tries_left == MAX_TRIES - 1


def test_each_lockout_lasts_twice_as_long_up_to_a_day() -> None:
    attempts, now, lengths = PinAttempts(), NOW, []
    for _ in range(14):
        for _ in range(MAX_TRIES):
            verdict = wrong(attempts, now)
            attempts = verdict.attempts
        assert verdict.outcome is PinOutcome.LOCKED_OUT
        assert attempts.locked_until is not None
        lengths.append(attempts.locked_until - now)
        now = attempts.locked_until
    assert lengths[:4] == [FIRST_LOCKOUT * k for k in (1, 2, 4, 8)]
    assert max(lengths) == LONGEST_LOCKOUT
    assert lengths[-1] == LONGEST_LOCKOUT


def test_a_long_history_of_lockouts_does_not_overflow() -> None:
    attempts = PinAttempts(failures=MAX_TRIES - 1, lockouts=500)
    verdict = wrong(attempts)
    assert verdict.attempts.locked_until == NOW + LONGEST_LOCKOUT


@pytest.mark.parametrize(
    ("until", "shown"),
    [
        (datetime(2026, 11, 26, 9, 1), datetime(2026, 11, 26, 9, 1)),
        (datetime(2026, 11, 26, 9, 1, 0, 1), datetime(2026, 11, 26, 9, 2)),
        (datetime(2026, 11, 26, 23, 59, 30), datetime(2026, 11, 27, 0, 0)),
    ],
)
def test_retry_time_is_rounded_up_to_the_minute(until: datetime, shown: datetime) -> None:
    attempts = PinAttempts(lockouts=1, locked_until=until.replace(tzinfo=NOW.tzinfo))
    assert access.retry_at(attempts) == shown.replace(tzinfo=NOW.tzinfo)
    assert access.retry_at(PinAttempts()) is None


@pytest.mark.parametrize(
    "bad",
    [
        {"failures": -1},
        {"lockouts": -1},
        {"locked_until": datetime(2026, 11, 26, 9, 1)},  # no time zone
    ],
)
def test_impossible_runs_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        replace(PinAttempts(), **bad)


# -- who may unlock, and what they run -----------------------------------------


def branch_with_admins() -> Organisation:
    org = compliant_org()
    people = (
        *org.people,
        person("zz", "周振", group_id="g2", branch_role=BranchRole.ORGANISATION),
        person("wy", "吴越", group_id="g2", branch_role=BranchRole.COMMITTEE),
    )
    return replace(org, people=people)


def test_leaders_and_branch_admins_may_unlock_in_roster_order() -> None:
    org = branch_with_admins()
    # 张伟 leads g1, 赵强 is secretary, 刘洋 leads g2, 周振 is organisation
    # member; 吴越 (committee member) and ordinary members may not.
    assert [p.id for p in access.unlockers(org)] == ["zw", "zq", "ly", "zz"]
    committee = org.person("wy")
    assert committee is not None and not access.may_unlock(committee, org)


def test_a_leader_runs_their_own_group() -> None:
    org = branch_with_admins()
    leader = org.person("zw")
    assert leader is not None
    assert access.session_groups(leader, org) == ("g1",)
    assert not access.is_branch_admin(leader)


def test_a_branch_admin_chooses_among_every_active_group() -> None:
    org = branch_with_admins()
    for pid in ("zq", "zz"):
        admin = org.person(pid)
        assert admin is not None and access.is_branch_admin(admin)
        assert access.session_groups(admin, org) == ("g1", "g2")


def test_in_a_branch_without_groups_the_secretary_runs_the_member_congress() -> None:
    secretary = person("zq", "赵强", group_id=None, branch_role=BranchRole.SECRETARY)
    member = person("ln", "李娜", group_id=None)
    org = organisation((), (secretary, member))
    assert access.unlockers(org) == (secretary,)
    assert access.session_groups(secretary, org) == (None,)  # B1
    assert access.session_groups(member, org) == ()


def test_a_dissolved_group_is_no_longer_offered() -> None:
    org = branch_with_admins()
    groups = tuple(
        replace(g, dissolved_on=NOW.date() - timedelta(days=1)) if g.id == "g2" else g
        for g in org.groups
    )
    org = replace(org, groups=groups)
    former = org.person("ly")
    assert former is not None and not access.may_unlock(former, org)
    admin = org.person("zq")
    assert admin is not None and access.session_groups(admin, org) == ("g1",)
