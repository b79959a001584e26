"""The lock screen, leaving the kiosk, and the idle lock (SPEC §4): PINs typed
as a person types them, wrong ones counted toward a lockout that survives a
restart, and nothing of the last user left on the screen."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from rules.models import Person
from rules.organisation.access import PinAttempts, PinVerdict
from rules.samples.demo import demo_branch
from storage import FileRepository
from tests.tui.conftest import (
    LEADER_G1,
    NOW,
    SECRETARY,
    Clock,
    loaded,
    stored,
    unlocked,
)
from tui.app import XiaozuApp
from tui.core.kiosk import Kiosk
from tui.screens.exit import ExitScreen
from tui.screens.lock import GroupChoiceScreen, LockScreen, PinForm

WRONG = "808080"  # nobody's demo PIN


async def settle(app: XiaozuApp, pilot: Pilot[None]) -> None:
    """Wait for the PIN check (a thread worker) and what follows from it."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def choose(app: XiaozuApp, pilot: Pilot[None], person_id: str) -> None:
    """Move the highlight to ``person_id`` with the arrow keys."""
    assert app.kiosk is not None
    ids = [p.id for p in app.kiosk.credentials.unlockers()]
    form = app.screen.query_one(PinForm)
    current = form.query_one(OptionList).highlighted or 0
    step = ids.index(person_id) - current
    await pilot.press(*(["down"] * step if step > 0 else ["up"] * -step))
    chosen = form.chosen()
    assert chosen is not None and chosen.id == person_id


async def type_pin(app: XiaozuApp, pilot: Pilot[None], pin: str) -> None:
    await pilot.press(*pin, "enter")
    await settle(app, pilot)


def said(app: XiaozuApp) -> str:
    return str(app.screen.query_one("#pin-message", Static).render())


def field(app: XiaozuApp) -> Input:
    return app.screen.query_one("#pin", Input)


def lock_screen(app: XiaozuApp) -> LockScreen:
    screen = app.screen
    assert isinstance(screen, LockScreen)
    return screen


def shown_outside_the_names(screen: LockScreen) -> str:
    """Every text the lock screen shows (toasts included), but the list of
    the people who may unlock."""
    names = screen.query_one("#pin-people", OptionList)
    parts = []
    for widget in screen.query("*"):
        if widget is names or names in widget.ancestors:
            continue
        if isinstance(widget, Static | Input):
            parts.append(str(widget.render()))
        if isinstance(widget, Input):
            parts.append(widget.value)
    return "\n".join(parts)


def files_of(data: Path) -> list[Path]:
    return [path for path in data.rglob("*") if path.is_file()]


# -- unlocking --------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_leader_unlocks_with_the_right_pin_and_lands_on_home(
    make_kiosk_app: Callable[..., XiaozuApp], demo_pins: dict[str, str], size: tuple[int, int]
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=size) as pilot:
        await loaded(app, pilot)
        screen = lock_screen(app)
        title = str(screen.query_one("#lock-title", Static).render())
        branch = str(screen.query_one("#lock-branch", Static).render())
        assert title == "小组 · 党小组会"
        assert app.kiosk is not None and branch == app.kiosk.org.branch.name
        names = screen.query_one("#pin-people", OptionList)
        assert names.option_count == 6  # four leaders, the secretary, the organisation member
        assert app.focused is field(app) and field(app).password
        await choose(app, pilot, LEADER_G1)
        await type_pin(app, pilot, demo_pins[LEADER_G1])
        session = app.kiosk.session
        assert session is not None
        assert (session.user.id, session.group_id, session.branch_admin) == (LEADER_G1, "g1", False)
        assert not isinstance(app.screen, LockScreen)
        assert isinstance(app.screen_stack[1], LockScreen)  # still at the bottom
        assert screen.at_rest  # the lock screen beneath keeps nothing


async def test_a_wrong_pin_says_how_many_tries_are_left_and_keeps_the_lock(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await choose(app, pilot, LEADER_G1)
        await type_pin(app, pilot, WRONG)
        assert app.kiosk is not None and app.kiosk.session is None
        assert isinstance(app.screen, LockScreen)
        assert said(app) == "PIN 不正确,剩余尝试次数:4"
        assert field(app).value == ""
        await type_pin(app, pilot, WRONG)
        assert said(app) == "PIN 不正确,剩余尝试次数:3"
        # Choosing someone else clears what was said about the last person.
        await pilot.press("up")
        assert said(app) == ""


async def test_an_empty_pin_is_not_a_try(make_kiosk_app: Callable[..., XiaozuApp]) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert said(app) == "请输入 PIN。"
        assert app.kiosk is not None  # and nothing was counted:
        await app.kiosk.writer.flush()
        assert stored(app.env.data_dir).pin_attempts(SECRETARY) == PinAttempts()


async def test_five_wrong_pins_lock_out_until_the_clock_has_moved_on(
    make_kiosk_app: Callable[..., XiaozuApp], demo_pins: dict[str, str], clock: Clock
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await choose(app, pilot, LEADER_G1)
        for _ in range(5):
            await type_pin(app, pilot, WRONG)
        assert said(app) == "已锁定,请于 09:01 后再试"
        # Even the right PIN is refused while locked out.
        await type_pin(app, pilot, demo_pins[LEADER_G1])
        assert said(app) == "已锁定,请于 09:01 后再试"
        assert app.kiosk is not None and app.kiosk.session is None
        # Others are not locked out.
        await choose(app, pilot, SECRETARY)
        await type_pin(app, pilot, WRONG)
        assert said(app) == "PIN 不正确,剩余尝试次数:4"

        clock.now = NOW + timedelta(minutes=1)
        await choose(app, pilot, LEADER_G1)
        await type_pin(app, pilot, demo_pins[LEADER_G1])
        assert app.kiosk.session is not None
        assert app.kiosk.session.user.id == LEADER_G1
        await app.kiosk.writer.flush()
        assert stored(app.env.data_dir).pin_attempts(LEADER_G1) == PinAttempts()


async def test_a_lockout_survives_a_restart_of_the_kiosk(
    make_kiosk_app: Callable[..., XiaozuApp],
    demo_pins: dict[str, str],
    clock: Clock,
    demo_dir: Path,
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await choose(app, pilot, LEADER_G1)
        for _ in range(5):
            await type_pin(app, pilot, WRONG)
        assert said(app) == "已锁定,请于 09:01 后再试"
    locked = stored(demo_dir).pin_attempts(LEADER_G1)
    assert locked.locked_until == NOW + timedelta(minutes=1)

    clock.now = NOW + timedelta(seconds=30)
    again = make_kiosk_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await loaded(again, pilot)
        await choose(again, pilot, LEADER_G1)
        await type_pin(again, pilot, demo_pins[LEADER_G1])
        assert said(again) == "已锁定,请于 09:01 后再试"
        assert again.kiosk is not None and again.kiosk.session is None
        clock.now = NOW + timedelta(minutes=1, seconds=1)
        await type_pin(again, pilot, demo_pins[LEADER_G1])
        assert again.kiosk.session is not None


async def test_a_lockout_into_tomorrow_names_the_day(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    with FileRepository(demo_dir) as repo:
        tomorrow = NOW + timedelta(hours=23, minutes=30)
        repo.save_pin_attempts(LEADER_G1, PinAttempts(lockouts=11, locked_until=tomorrow))
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await choose(app, pilot, LEADER_G1)
        await type_pin(app, pilot, WRONG)
        assert said(app) == "已锁定,请于 2026年11月27日 08:30 后再试"


async def test_the_pin_is_checked_off_the_ui_loop_and_never_named(
    make_kiosk_app: Callable[..., XiaozuApp],
    demo_pins: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release, threads = threading.Event(), []
    check = Kiosk.check_pin

    def slow_check(kiosk: Kiosk, person: Person, pin: str) -> PinVerdict:
        threads.append(threading.current_thread())
        release.wait(5)
        return check(kiosk, person, pin)

    monkeypatch.setattr(Kiosk, "check_pin", slow_check)
    pin = demo_pins[LEADER_G1]
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await choose(app, pilot, LEADER_G1)
        await pilot.press(*pin, "enter")
        await pilot.pause()
        # The check is running; the screen still takes keys, the field is
        # already empty, and no worker is named after its PIN argument.
        assert said(app) == "正在验证…" and field(app).value == ""
        await pilot.press("1")
        assert field(app).value == "1"
        assert all(pin not in repr(w) and pin not in w.description for w in app.workers)
        release.set()
        await settle(app, pilot)
        assert threads and threads[0] is not threading.main_thread()
        assert app.kiosk is not None and app.kiosk.session is not None


# -- branch admins choose a group ---------------------------------------------------


async def test_a_branch_admin_chooses_the_group_before_home(
    make_kiosk_app: Callable[..., XiaozuApp], demo_pins: dict[str, str]
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await choose(app, pilot, SECRETARY)
        await type_pin(app, pilot, demo_pins[SECRETARY])
        assert isinstance(app.screen, GroupChoiceScreen)
        assert app.kiosk is not None and app.kiosk.session is None
        assert "王建国" in str(app.screen.query_one("#choose-title", Static).render())
        groups = app.screen.query_one("#choose-groups", OptionList)
        assert groups.option_count == 4
        assert "第一党小组" in str(groups.get_option_at_index(0).prompt)
        # Escape: back to the lock screen, as if nothing had happened.
        await pilot.press("escape")
        await pilot.pause()
        assert lock_screen(app).at_rest
        await choose(app, pilot, SECRETARY)
        await type_pin(app, pilot, demo_pins[SECRETARY])
        await pilot.press("down", "down", "enter")
        await settle(app, pilot)
        session = app.kiosk.session
        assert session is not None
        assert (session.user.id, session.group_id, session.branch_admin) == (SECRETARY, "g3", True)
        assert not isinstance(app.screen, LockScreen | GroupChoiceScreen)


async def test_in_a_branch_without_groups_the_secretary_runs_the_member_congress(
    make_kiosk_app: Callable[..., XiaozuApp], tmp_path: Path
) -> None:
    demo = demo_branch(NOW)
    org = demo.records.organisation
    org = replace(org, groups=(), people=tuple(replace(p, group_id=None) for p in org.people))
    data = tmp_path / "no-groups"
    with FileRepository(data) as repo:
        repo.save_organisation(org)
        repo.set_pin(SECRETARY, demo.pins[SECRETARY])
    app = make_kiosk_app(data=data)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        assert app.kiosk is not None and [p.id for p in app.kiosk.credentials.unlockers()] == [
            SECRETARY
        ]
        await type_pin(app, pilot, demo.pins[SECRETARY])
        assert isinstance(app.screen, GroupChoiceScreen)
        groups = app.screen.query_one("#choose-groups", OptionList)
        assert groups.option_count == 1
        assert "党员大会" in str(groups.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle(app, pilot)
        session = app.kiosk.session
        assert session is not None and session.group_id is None  # B1


# -- locking ----------------------------------------------------------------------


async def until(pilot: Pilot[None], condition: Callable[[], bool], limit: float = 15.0) -> None:
    """Wait for ``condition`` (polling), at most ``limit`` seconds: timing on
    a busy machine varies, the outcome must not."""
    import time

    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "waited too long"
        await pilot.pause(0.05)


async def test_idle_time_locks_and_the_lock_screen_shows_nothing_of_the_last_user(
    make_kiosk_app: Callable[..., XiaozuApp], demo_pins: dict[str, str]
) -> None:
    # Two seconds: time enough to see the session before it locks, on a busy
    # machine too.
    app = make_kiosk_app(idle_seconds=2.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await choose(app, pilot, LEADER_G1)
        await type_pin(app, pilot, demo_pins[LEADER_G1])
        assert app.kiosk is not None and app.kiosk.session is not None
        assert not isinstance(app.screen, LockScreen)
        app.notify("李志强 · 第一党小组:已保存")
        kiosk = app.kiosk
        await until(pilot, lambda: kiosk.session is None)
        screen = lock_screen(app)
        assert len(app.screen_stack) == 2
        assert screen.at_rest
        assert field(app).value == "" and said(app) == ""
        assert screen.query_one("#pin-people", OptionList).highlighted == 0
        text = shown_outside_the_names(screen)
        assert "小组 · 党小组会" in text  # the text was gathered
        for trace in ("李志强", "第一党小组", demo_pins[LEADER_G1], "已保存"):
            assert trace not in text
        assert not app._notifications
        # The idle lock does not lock again and again at rest.
        await pilot.pause(0.4)
        assert app.screen is screen


async def test_idle_time_clears_a_half_used_lock_screen(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app(idle_seconds=2.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await choose(app, pilot, LEADER_G1)
        await type_pin(app, pilot, WRONG)
        await pilot.press(*"12")
        assert not lock_screen(app).at_rest
        await until(pilot, lambda: lock_screen(app).at_rest)
        assert field(app).value == "" and said(app) == ""


async def test_idle_time_closes_the_group_choice(
    make_kiosk_app: Callable[..., XiaozuApp], demo_pins: dict[str, str]
) -> None:
    app = make_kiosk_app(idle_seconds=2.0)  # time enough to check the PIN under load
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await type_pin(app, pilot, demo_pins[SECRETARY])
        assert isinstance(app.screen, GroupChoiceScreen)
        await until(pilot, lambda: isinstance(app.screen, LockScreen) and app.screen.at_rest)
        assert lock_screen(app).at_rest
        assert "王建国" not in shown_outside_the_names(lock_screen(app))


async def test_ctrl_l_locks_at_once(make_kiosk_app: Callable[..., XiaozuApp]) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        assert not isinstance(app.screen, LockScreen)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.kiosk is not None and app.kiosk.session is None
        assert lock_screen(app).at_rest


# -- leaving ------------------------------------------------------------------------


async def test_leaving_needs_the_unlocked_users_pin(
    make_kiosk_app: Callable[..., XiaozuApp], demo_pins: dict[str, str]
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        home = app.screen
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ExitScreen)
        assert "李志强" in str(app.screen.query_one("#check-hint", Static).render())
        assert not app.screen.query("#pin-people")  # no one else to choose
        await type_pin(app, pilot, demo_pins[SECRETARY])  # someone else's PIN
        assert app.is_running and app.return_code is None
        assert said(app) == "PIN 不正确,剩余尝试次数:4"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is home
        assert app.kiosk is not None and app.kiosk.session is not None
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert isinstance(app.screen, ExitScreen)
        await type_pin(app, pilot, demo_pins[LEADER_G1])
        assert app.return_code == 0


async def test_leaving_a_locked_kiosk_needs_a_pin_of_anyone_who_may_unlock(
    make_kiosk_app: Callable[..., XiaozuApp], demo_pins: dict[str, str]
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ExitScreen)
        assert app.screen.query_one("#pin-people", OptionList).option_count == 6
        await choose(app, pilot, LEADER_G1)
        await type_pin(app, pilot, WRONG)
        assert app.return_code is None
        await type_pin(app, pilot, demo_pins[LEADER_G1])
        assert app.return_code == 0


async def test_wrong_pins_to_leave_count_toward_the_same_lockout(
    make_kiosk_app: Callable[..., XiaozuApp], demo_pins: dict[str, str]
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await choose(app, pilot, LEADER_G1)
        await type_pin(app, pilot, WRONG)
        await type_pin(app, pilot, WRONG)
        await pilot.press("ctrl+q")
        await pilot.pause()
        await choose(app, pilot, LEADER_G1)
        for left in (2, 1):
            await type_pin(app, pilot, WRONG)
            assert said(app) == f"PIN 不正确,剩余尝试次数:{left}"
        await type_pin(app, pilot, WRONG)
        assert said(app) == "已锁定,请于 09:01 后再试"
        await pilot.press("escape")
        await pilot.pause()
        await choose(app, pilot, LEADER_G1)
        await type_pin(app, pilot, demo_pins[LEADER_G1])
        assert said(app) == "已锁定,请于 09:01 后再试"
        assert app.kiosk is not None and app.kiosk.session is None


# -- the PIN stays secret -------------------------------------------------------------


async def test_no_pin_reaches_a_file_or_the_clipboard(
    make_kiosk_app: Callable[..., XiaozuApp], demo_pins: dict[str, str], demo_dir: Path
) -> None:
    pin = demo_pins[LEADER_G1]
    assert all(WRONG.encode() not in path.read_bytes() for path in files_of(demo_dir))
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await choose(app, pilot, LEADER_G1)
        for _ in range(5):
            await type_pin(app, pilot, WRONG)
        await pilot.press(*pin, "ctrl+a", "ctrl+x")  # select all, cut: nothing goes
        await pilot.press("super+c")
        assert pin not in app.clipboard
        assert field(app).value == pin
        await pilot.press("enter")
        await settle(app, pilot)
        assert pin not in said(app) and not app._notifications
    for path in files_of(demo_dir):
        content = path.read_bytes()
        assert pin.encode() not in content, path
        assert WRONG.encode() not in content, path


# -- language, keys --------------------------------------------------------------------


async def test_the_lock_screen_in_english(
    make_kiosk_app: Callable[..., XiaozuApp], demo_pins: dict[str, str]
) -> None:
    app = make_kiosk_app(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        screen = lock_screen(app)
        assert str(screen.query_one("#lock-title", Static).render()) == (
            "xiaozu · party group meeting"
        )
        assert "secretary" in str(
            screen.query_one("#pin-people", OptionList).get_option_at_index(0).prompt
        )
        await type_pin(app, pilot, WRONG)
        assert said(app) == "Wrong PIN; tries left: 4"
        await type_pin(app, pilot, demo_pins[SECRETARY])
        assert isinstance(app.screen, GroupChoiceScreen)
        assert "choose the meeting" in str(app.screen.query_one("#choose-title", Static).render())


def test_every_binding_has_an_id() -> None:
    for owner in (LockScreen, ExitScreen, GroupChoiceScreen, PinForm, XiaozuApp):
        for binding in owner.__dict__.get("BINDINGS", []):  # its own, not Textual's
            assert not isinstance(binding, tuple) and binding.id, (owner, binding)


# -- the lock screen comes first ---------------------------------------------------


async def test_the_lock_screen_is_up_before_the_records_and_an_unlock_waits_for_them(
    make_kiosk_app: Callable[..., XiaozuApp],
    demo_pins: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ten years of records take a second or more to read: the lock screen
    does not wait for them (it needs the roster only), and a leader who has
    typed the right PIN lands on home once they are in, never on an empty
    home."""
    release = threading.Event()
    read_records = Kiosk.load_records

    def slow_records(kiosk: Kiosk) -> None:
        assert release.wait(30), "the test never let the records load"
        read_records(kiosk)

    monkeypatch.setattr(Kiosk, "load_records", slow_records)
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LockScreen) and app.screen.is_mounted)
        assert app.kiosk is not None and not app.kiosk.loaded
        await choose(app, pilot, LEADER_G1)
        # Not type_pin: its wait for every worker would wait for the records.
        await pilot.press(*demo_pins[LEADER_G1], "enter")
        await pilot.pause(0.5)
        assert isinstance(app.screen, LockScreen) and app.kiosk.session is None
        assert said(app) == "正在验证…"
        release.set()
        await until(pilot, lambda: not isinstance(app.screen, LockScreen))
        await settle(app, pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        session = app.kiosk.session
        assert session is not None and session.user.id == LEADER_G1
        assert app.kiosk.loaded and app.kiosk.meetings()  # home has the group's records


async def test_a_lock_screen_still_being_drawn_counts_as_at_rest(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    """The idle check can come while the lock screen's form is still being
    mounted: nothing is typed or chosen then, so it is at rest (the check
    once stopped the kiosk there, looking for the list of names)."""
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.kiosk is not None)
        assert app.kiosk is not None
        form = PinForm(app.kiosk, id="not-yet-mounted")
        assert form.at_rest
