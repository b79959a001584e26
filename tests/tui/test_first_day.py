"""A real branch's first day (issue 14): from an empty directory and the
branch's own roster to a secretary and a leader who can unlock, as README
says — import, ``xiaozu init``, the set-up code on the lock screen, the
secretary's own PIN, a leader's PIN from the kiosk — then the leader's first
meeting to sealed minutes, with an opinion and a task corrected before
finalising; and a kiosk that never strands the room while nobody holds a PIN."""

from __future__ import annotations

import asyncio
import io
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Select, Static

from rules.meeting.seal import chain_heads, verify
from rules.models import Step
from storage import FileRepository
from tests.tui.conftest import NOW
from tests.tui.test_meeting import choose, everyone_present, opinion, rows
from tests.tui.test_meeting_corrections import add_task
from tui.app import XiaozuApp
from tui.cli import main
from tui.screens.exit import ExitScreen, LeaveWithoutPinScreen
from tui.screens.home import HomeScreen
from tui.screens.lock import GroupChoiceScreen, LockScreen
from tui.screens.meeting import MeetingScreen
from tui.screens.meeting_steps.dialogs import ConfirmDialog, OpinionDialog, TaskDialog
from tui.screens.officers import OfficersScreen
from tui.screens.pin_dialog import PinDialog
from tui.screens.plan import PlanScreen
from tui.screens.setup import AdminChoiceScreen, SetupCodeScreen

ROSTER = (
    "姓名,党员编号,党小组,部门,身份,党纪处分,领导职务,支部职务,组长\r\n"
    "李红,GD001,第一党小组,生产一车间,正式党员,,否,书记,否\r\n"
    "王建国,GD002,第一党小组,生产一车间,正式党员,,否,,是\r\n"
    "赵磊,GD003,第一党小组,生产一车间,正式党员,,否,,否\r\n"
    "孙芳,GD004,第一党小组,生产一车间,预备党员,,否,,否\r\n"
)
SECRETARY_PIN = "482915"
LEADER_PIN = "730264"


@pytest.fixture
def new_branch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """An empty directory, the roster as a spreadsheet saves it (UTF-8 with a
    BOM, CRLF), imported; then ``xiaozu init``. Returns the data and the code."""
    monkeypatch.setenv("XIAOZU_NOW", NOW.isoformat())
    data = tmp_path / "branch"
    roster = tmp_path / "roster.csv"
    roster.write_bytes(ROSTER.encode("utf-8-sig"))
    assert main(["--data", str(data), "import", str(roster)]) == 0
    out = io.StringIO()
    old = sys.stdout
    sys.stdout = out
    try:
        assert main(["--data", str(data), "init"]) == 0
    finally:
        sys.stdout = old
    match = re.search(r"\d{4} \d{4} \d{4}", out.getvalue())
    assert match is not None
    return data, match[0]


async def until(pilot: Pilot[None], ready: Callable[[], bool], what: str) -> None:
    for _ in range(400):
        if ready():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def text_of(app: XiaozuApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def lock_screen_up(app: XiaozuApp, pilot: Pilot[None]) -> LockScreen:
    await until(pilot, lambda: isinstance(app.screen, LockScreen), "the lock screen")
    await until(pilot, lambda: app.kiosk is not None and app.kiosk.loaded, "the records")
    await pilot.pause()
    assert isinstance(app.screen, LockScreen)
    return app.screen


async def type_new_pin(app: XiaozuApp, pilot: Pilot[None], pin: str) -> None:
    await until(pilot, lambda: isinstance(app.screen, PinDialog), "the PIN dialog")
    await pilot.press(*pin, "enter", *pin, "enter")


async def test_from_a_roster_to_a_secretary_and_a_leader_who_unlock(
    new_branch: tuple[Path, str], make_kiosk_app: Callable[..., XiaozuApp]
) -> None:
    data, code = new_branch
    app = make_kiosk_app(data=data)
    async with app.run_test(size=(80, 24)) as pilot:
        lock = await lock_screen_up(app, pilot)
        assert lock.form.people == ()
        assert "xiaozu init" in text_of(app, "#lock-hint")
        assert "Ctrl+S" in text_of(app, "#lock-keys")

        # A wrong code is refused, with the tries left.
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, SetupCodeScreen), "the code")
        await pilot.press(*"111122223333", "enter")
        await until(pilot, lambda: "剩余尝试次数:4" in text_of(app, "#setup-message"), "refusal")
        assert isinstance(app.screen, SetupCodeScreen)
        assert app.screen.query_one("#setup-code", Input).value == ""

        # The right one (as printed, with its spaces): the secretary's name, their PIN.
        await pilot.press(*code, "enter")
        await until(pilot, lambda: isinstance(app.screen, AdminChoiceScreen), "the names")
        names = app.screen.query_one(OptionList)
        assert names.option_count == 1 and "李红" in str(names.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await type_new_pin(app, pilot, SECRETARY_PIN)
        await until(pilot, lambda: "已保存" in text_of(app, "#pin-message"), "saved")
        assert isinstance(app.screen, LockScreen)
        assert [p.name for p in app.screen.form.people] == ["李红"]
        with FileRepository(data, writable=False) as repo:
            org = repo.organisation()
            assert org is not None
            secretary = next(p.id for p in org.people if p.name == "李红")
            leader = next(p.id for p in org.people if p.name == "王建国")
            assert repo.verify_pin(secretary, SECRETARY_PIN)
            assert repo.setup_code_expires(NOW) is None  # the code is used up
        for path in data.rglob("*"):
            if path.is_file():
                assert SECRETARY_PIN.encode() not in path.read_bytes()
                assert code.replace(" ", "").encode() not in path.read_bytes()

        # The secretary unlocks, opens PINs and branch roles (K), gives the leader a PIN.
        await pilot.press(*SECRETARY_PIN, "enter")
        await until(pilot, lambda: isinstance(app.screen, GroupChoiceScreen), "group choice")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
        await pilot.press("k")
        await until(pilot, lambda: isinstance(app.screen, OfficersScreen), "PINs and roles")
        screen = app.screen
        assert isinstance(screen, OfficersScreen)
        assert "尚无 PIN:王建国" in text_of(app, "#officers-title")
        table = screen.query_one(DataTable)
        while screen.selected is None or screen.selected.id != leader:
            await pilot.press("down")
        assert [str(c) for c in table.get_row_at(table.cursor_row)][2:] == [
            "第一党小组组长",
            "未设置",
        ]
        await pilot.press("p")
        await type_new_pin(app, pilot, LEADER_PIN)
        await until(pilot, lambda: "已保存" in text_of(app, "#officers-message"), "saved")
        assert [str(c) for c in table.get_row_at(table.cursor_row)][3] == "已设置"

        # A member without a part needs no unlock PIN, and is told where a part is given.
        while screen.selected is None or screen.selected.name != "赵磊":
            await pilot.press("down")
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, OfficersScreen)
        assert "不需要解锁 PIN" in text_of(app, "#officers-message")

        # Lock; the leader is offered now, and unlocks with their own PIN.
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, LockScreen), "the lock screen")
        await until(pilot, lambda: len(app.screen.query_one(OptionList).options) == 2, "two names")
        await pilot.press("down", *LEADER_PIN, "enter")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "the leader's home")
        assert app.kiosk is not None and app.kiosk.session is not None
        assert app.kiosk.session.user.id == leader and app.kiosk.session.group_id is not None

        await first_meeting(app, pilot, data)


async def first_meeting(app: XiaozuApp, pilot: Pilot[None], data: Path) -> None:
    """The leader plans and runs the group's first meeting to sealed minutes:
    an opinion recorded under the wrong speaker is corrected, and a task's
    due date is put right, before Ctrl+F shows what will be sealed."""
    kiosk = app.kiosk
    assert kiosk is not None
    org = kiosk.org
    ids = {p.name: p.id for p in org.people}
    # Plan: today at nine (now), in the workshop, the recorder chosen by keys.
    await pilot.press("p")
    await until(pilot, lambda: isinstance(app.screen, PlanScreen), "the plan")
    plan = app.screen
    assert isinstance(plan, PlanScreen)
    meeting_id = plan.meeting_id
    for selector, value in (
        ("#plan-date", f"{NOW:%Y-%m-%d}"),
        ("#plan-time", f"{NOW:%H:%M}"),
        ("#plan-place", "一车间会议室"),
    ):
        field = plan.query_one(selector, Input)
        field.focus()
        field.value = ""
        await pilot.press(*value)
    recorder = plan.query_one("#plan-recorder", Select)
    recorder.focus()
    await pilot.press("space", "down", "enter")
    await pilot.pause()
    assert recorder.value not in (Select.NULL, None)
    await pilot.press("escape")
    await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")

    # The meeting: start, everyone present, an opinion under the wrong speaker.
    await pilot.press("m")
    await until(pilot, lambda: isinstance(app.screen, MeetingScreen), "the meeting")
    await pilot.press("ctrl+o")
    await pilot.pause()
    assert kiosk.session is not None and kiosk.session.group_id is not None
    members = org.members_of(kiosk.session.group_id)
    await everyone_present(app, pilot, tuple(p.id for p in members))
    await pilot.press("ctrl+n", "ctrl+n")  # agenda, discussion
    await pilot.pause()
    assert await opinion(app, pilot, "赵磊", "同意本月的学习安排") == ""
    table = app.screen.query_one("#discussion-opinions", DataTable)
    table.focus()
    await pilot.press("enter")  # it was 孙芳 who said it
    await until(pilot, lambda: isinstance(app.screen, OpinionDialog), "the opinion")
    dialog = app.screen
    assert isinstance(dialog, OpinionDialog)
    await choose(pilot, dialog.speaker, "孙芳")
    await pilot.press("ctrl+s")
    await until(pilot, lambda: isinstance(app.screen, MeetingScreen), "the meeting")
    assert rows(table) == [["孙芳", "个人意见", "同意本月的学习安排"]]

    # Summary, and a task given the wrong due date, then re-dated.
    await pilot.press("ctrl+n")
    await pilot.pause()
    await pilot.press(*"同意学习安排")
    await add_task(app, pilot, "赵磊", "整理学习笔记", "2026-12-01")
    tasks = app.screen.query_one("#summary-tasks", DataTable)
    tasks.focus()
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, TaskDialog), "the task")
    due = app.screen.query_one("#task-due", Input)
    due.focus()
    await pilot.press("ctrl+u", *"2026-12-15", "ctrl+s")
    await until(pilot, lambda: isinstance(app.screen, MeetingScreen), "the meeting")
    assert [r[:3] for r in rows(tasks)] == [["赵磊", "整理学习笔记", "2026年12月15日"]]

    # The record step; Ctrl+F shows what will be sealed and asks.
    await pilot.press("ctrl+n")
    await pilot.pause()
    await pilot.press("ctrl+f")
    await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "what will be sealed")
    shown = str(app.screen.query_one(".dialog-body Static", Static).render())
    assert "孙芳(个人意见):同意本月的学习安排" in shown
    assert "赵磊:整理学习笔记(期限 2026年12月15日)" in shown
    await pilot.press("enter")
    await until(pilot, lambda: kiosk.records.meeting(meeting_id).seal is not None, "the seal")
    await kiosk.writer.flush()
    with FileRepository(data, writable=False) as repo:
        sealed = repo.meeting(meeting_id)
        meetings = repo.meetings()
    assert sealed is not None and sealed.step is Step.FINALISED
    assert [o.speaker_id for o in sealed.opinions] == [ids["孙芳"]]
    assert [(t.assignee_id, t.due) for t in sealed.tasks_set] == [(ids["赵磊"], date(2026, 12, 15))]
    assert verify(meetings, chain_heads(meetings)).ok


async def test_nobody_with_a_pin_can_still_leave_and_is_told_how_to_begin(
    new_branch: tuple[Path, str], make_kiosk_app: Callable[..., XiaozuApp]
) -> None:
    data, _ = new_branch
    app = make_kiosk_app(data=data, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await lock_screen_up(app, pilot)
        assert "xiaozu init" in text_of(app, "#lock-hint")
        # No list of names and no PIN field while there is nobody to choose.
        assert not app.screen.query("#pin") and not app.screen.query("#pin-people")
        assert "Ctrl+S" in text_of(app, "#lock-hint")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, LeaveWithoutPinScreen), "leave")
        assert "xiaozu init" in text_of(app, "#check-hint")
        await pilot.press("escape")  # back, nothing happened
        await until(pilot, lambda: isinstance(app.screen, LockScreen), "the lock screen")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, LeaveWithoutPinScreen), "leave")
        await pilot.press("enter")
        await until(pilot, lambda: not app.is_running, "the kiosk to close")


async def test_once_a_pin_exists_leaving_needs_one(
    new_branch: tuple[Path, str], make_kiosk_app: Callable[..., XiaozuApp]
) -> None:
    data, _ = new_branch
    with FileRepository(data) as repo:
        org = repo.organisation()
        assert org is not None
        repo.set_pin(next(p.id for p in org.people if p.name == "李红"), SECRETARY_PIN)
    app = make_kiosk_app(data=data)
    async with app.run_test(size=(80, 24)) as pilot:
        await lock_screen_up(app, pilot)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, ExitScreen), "the PIN check")
        await asyncio.sleep(0)
        assert app.is_running


async def test_a_change_of_secretary_is_made_on_the_kiosk(
    new_branch: tuple[Path, str], make_kiosk_app: Callable[..., XiaozuApp]
) -> None:
    """换届: the secretary gives the seat to 赵磊, who sets their PIN there at
    once; the old secretary no longer sees the whole branch and is locked out."""
    data, _ = new_branch
    with FileRepository(data) as repo:
        org = repo.organisation()
        assert org is not None
        old = next(p.id for p in org.people if p.name == "李红")
        new = next(p.id for p in org.people if p.name == "赵磊")
        repo.set_pin(old, SECRETARY_PIN)
    app = make_kiosk_app(data=data)
    async with app.run_test(size=(80, 24)) as pilot:
        await lock_screen_up(app, pilot)
        await pilot.press(*SECRETARY_PIN, "enter")
        await until(pilot, lambda: isinstance(app.screen, GroupChoiceScreen), "group choice")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
        await pilot.press("k")
        await until(pilot, lambda: isinstance(app.screen, OfficersScreen), "PINs and roles")
        screen = app.screen
        assert isinstance(screen, OfficersScreen)
        while screen.selected is None or screen.selected.id != new:
            await pilot.press("down")
        await pilot.press("r")
        await until(pilot, lambda: app.screen is not screen, "the role dialog")
        dialog = app.screen
        from textual.widgets import Select

        dialog.query_one("#field-role", Select).value = "secretary"
        dialog.query_one("#field-reason", Input).value = "支部委员会换届选举"
        await pilot.press("ctrl+s")
        # The new secretary types their PIN at once; then the old one, who gave
        # up the seat, is locked out.
        await type_new_pin(app, pilot, LEADER_PIN)
        await until(pilot, lambda: isinstance(app.screen, LockScreen), "locked")
        with FileRepository(data, writable=False) as repo:
            org = repo.organisation()
            assert org is not None
            assert org.person(new).branch_role.value == "secretary"  # type: ignore[union-attr]
            assert org.person(old).branch_role.value == "none"  # type: ignore[union-attr]
            changes = [(c.person_id, c.new) for c in repo.person_changes()]
            assert changes == [(old, "none"), (new, "secretary")]
            assert repo.verify_pin(new, LEADER_PIN)
        # The lock screen offers the new secretary only.
        lock = app.screen
        assert isinstance(lock, LockScreen)
        await until(
            pilot,
            lambda: [p.id for p in lock.form.people] == [new],
            "the new secretary on the lock screen",
        )
