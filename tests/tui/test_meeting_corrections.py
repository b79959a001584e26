"""Corrections before the record is sealed, driven by keys as a leader would:
an opinion put under the wrong speaker corrected, one taken back, one added
from a later step; a task re-dated and one taken back; finalising shows what
will be sealed and asks (Escape changes nothing), and the tasks as set are
sealed with the minutes. The two moments (sign-in opened, the meeting
started) by their own keys, and a start well before the planned time asks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from rules.meeting.seal import chain_heads, verify
from rules.models import AttendanceStatus, RecordedBy, Step, TaskAsSet
from tests.tui.conftest import LEADER_G1, Clock, saved, start_meeting, stored, unlocked
from tests.tui.test_meeting import (
    G1,
    G1_NEXT,
    HELD_AT,
    choose,
    everyone_present,
    kiosk_of,
    message,
    open_meeting,
    opinion,
    rows,
    run_to_record,
)
from tui.app import XiaozuApp
from tui.screens.meeting import MeetingScreen
from tui.screens.meeting_steps.dialogs import ConfirmDialog, OpinionDialog, TaskDialog


async def add_task(app: XiaozuApp, pilot: Pilot[None], who: str, what: str, due: str) -> None:
    await pilot.press("ctrl+t")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, TaskDialog)
    await choose(pilot, dialog.who, who)
    await pilot.press("tab", *what, "enter", *due, "enter")
    await pilot.pause()
    assert isinstance(app.screen, MeetingScreen)


async def test_a_leader_corrects_opinions_and_tasks_then_confirms_what_is_sealed(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path, clock: Clock
) -> None:
    clock.now = HELD_AT
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        await run_to_record(app, pilot)  # one opinion: 陈秀英 "同意"
        await pilot.press("4")
        await pilot.pause()
        await add_task(app, pilot, "王建国", "向党支部汇报", "2026-12-20")
        await add_task(app, pilot, "陈秀英", "整理台账", "2026-12-10")
        assert kiosk_of(app).records.meeting(G1_NEXT).step is Step.RECORD

        # Back to the discussion from the record step (Tab out of the summary's
        # text first, which is still editable): correct the speaker.
        await pilot.press("tab", "tab")
        assert app.screen.query_one("#summary-tasks", DataTable).has_focus
        await pilot.press("3")
        await pilot.pause()
        table = app.screen.query_one("#discussion-opinions", DataTable)
        assert table.has_focus and rows(table) == [["陈秀英", "个人意见", "同意"]]
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, OpinionDialog)
        assert dialog.query_one("#opinion-text", Input).value == "同意"
        await choose(pilot, dialog.speaker, "刘洋")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert rows(table) == [["刘洋", "个人意见", "同意"]]
        # One more, added looking back; then taken back (it asks first).
        assert await opinion(app, pilot, "赵磊", "补充一点") == ""
        assert len(rows(table)) == 2
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert len(rows(table)) == 2
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert rows(table) == [["刘洋", "个人意见", "同意"]]
        # The last opinion on a topic past the discussion stays (R2).
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert message(app).startswith("[R2]")
        assert kiosk_of(app).records.meeting(G1_NEXT).step is Step.RECORD

        # The summary step: re-date 陈秀英's task, take the other back.
        await pilot.press("4")
        await pilot.pause()
        tasks = app.screen.query_one("#summary-tasks", DataTable)
        await pilot.press("tab", "tab")
        assert tasks.has_focus
        assert [r[0] for r in rows(tasks)] == ["陈秀英", "王建国"]
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TaskDialog)
        due = dialog.query_one("#task-due", Input)
        assert due.value == "2026-12-10"
        due.focus()
        await pilot.press("ctrl+u", *"2026-12-31", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert "已修改任务" in message(app)
        assert [r[:3] for r in rows(tasks)] == [
            ["王建国", "向党支部汇报", "2026年12月20日"],
            ["陈秀英", "整理台账", "2026年12月31日"],
        ]
        tasks.move_cursor(row=0)
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert [r[0] for r in rows(tasks)] == ["陈秀英"]

        # Finalising shows what will be sealed; Escape changes nothing.
        before = kiosk_of(app).records.meeting(G1_NEXT)
        await pilot.press("5")
        await pilot.pause()
        await pilot.press("ctrl+f")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog)
        shown = str(confirm.query_one(".dialog-body Static", Static).render())
        assert "刘洋(个人意见):同意" in shown
        assert "陈秀英:整理台账(期限 2026年12月31日)" in shown
        assert "向党支部汇报" not in shown
        assert "决定事项" in shown and "缺席人员及原因" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert kiosk_of(app).records.meeting(G1_NEXT) == before
        await pilot.press("ctrl+f")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        final = kiosk_of(app).records.meeting(G1_NEXT)
        assert final.step is Step.FINALISED and final.seal is not None
        [task] = kiosk_of(app).tasks(G1_NEXT)
        assert final.tasks_set == (TaskAsSet(task.id, "p05", "整理台账", date(2026, 12, 31)),)

        await saved(app, pilot)
        with stored(demo_dir) as repo:
            on_disk = repo.meeting(G1_NEXT)
            assert [t.id for t in repo.tasks(G1_NEXT)] == [task.id]
            meetings = repo.meetings()
        assert on_disk is not None and on_disk.tasks_set == final.tasks_set
        assert [o.speaker_id for o in on_disk.opinions] == ["p06"]
        assert verify(meetings, chain_heads(meetings)).ok


async def test_sign_in_opens_before_the_start_and_late_is_after_the_real_start(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path, clock: Clock
) -> None:
    clock.now = HELD_AT - timedelta(minutes=20)
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        await open_meeting(app, pilot)
        kiosk = kiosk_of(app)
        keys = {b.binding.id for b in app.screen.active_bindings.values()}
        assert {"meeting.signin", "meeting.start"} <= keys
        await pilot.press("ctrl+g")
        await pilot.pause()
        meeting = kiosk.records.meeting(G1_NEXT)
        assert meeting.step is Step.PREPARATION and meeting.signin_opened_at == clock.now
        assert "签到已开放" in message(app)
        assert "签到已于" in str(app.screen.query_one("#preparation-text", Static).render())
        # A phone sign-in before the start: present.
        clock.now = HELD_AT - timedelta(minutes=5)
        kiosk.sign_in("p05", RecordedBy.PHONE, phone="phone-a")
        # The start is the real time (here, five minutes after the planned one).
        clock.now = HELD_AT + timedelta(minutes=5)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        meeting = kiosk.records.meeting(G1_NEXT)
        assert meeting.started_at == clock.now
        assert meeting.signin_opened_at == HELD_AT - timedelta(minutes=20)
        clock.now = HELD_AT + timedelta(minutes=6)
        kiosk.sign_in("p06", RecordedBy.PHONE, phone="phone-b")
        meeting = kiosk.records.meeting(G1_NEXT)
        assert meeting.attendance_of("p05").status is AttendanceStatus.PRESENT  # type: ignore[union-attr]
        assert meeting.attendance_of("p06").status is AttendanceStatus.LATE  # type: ignore[union-attr]
        await saved(app, pilot)
        with stored(demo_dir) as repo:
            on_disk = repo.meeting(G1_NEXT)
        assert on_disk is not None and on_disk.signin_opened_at == meeting.signin_opened_at


async def test_starting_long_before_the_planned_time_warns_and_asks(
    make_kiosk_app: Callable[..., XiaozuApp], clock: Clock
) -> None:
    clock.now = HELD_AT - timedelta(hours=3)
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        kiosk = kiosk_of(app)
        meeting = kiosk.current_meeting()
        assert meeting is not None and meeting.id == G1_NEXT
        kiosk.update_meeting(G1_NEXT, notice_sent_at=clock.now - timedelta(hours=2))
        await open_meeting(app, pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog)
        shown = str(confirm.query_one(".dialog-body Static", Static).render())
        assert "提前3小时" in shown and "M5" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert kiosk.records.meeting(G1_NEXT).step is Step.PREPARATION
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        started = kiosk.records.meeting(G1_NEXT)
        assert started.step is Step.ABSENTEE_REPORT and started.started_at == clock.now


async def test_a_drop_down_never_opens_and_moves_in_one_key_press(
    make_kiosk_app: Callable[..., XiaozuApp], clock: Clock
) -> None:
    clock.now = HELD_AT
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        await open_meeting(app, pilot)
        await start_meeting(app, pilot)
        await everyone_present(app, pilot, G1)
        await pilot.press("ctrl+n", "ctrl+n")  # the discussion
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, OpinionDialog)
        speaker = dialog.speaker
        choices = speaker.choices()
        assert speaker.has_focus and speaker.value == choices[0]
        # Down changes the choice in place; the list stays closed.
        await pilot.press("down")
        await pilot.pause()
        assert speaker.value == choices[1] and not speaker.expanded
        await pilot.press("up", "up")
        await pilot.pause()
        assert speaker.value == choices[0] and not speaker.expanded
        # Space opens the list (nothing moves); in it Down moves, Enter picks.
        await pilot.press("space")
        await pilot.pause()
        assert speaker.expanded and speaker.value == choices[0]
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert not speaker.expanded and speaker.value == choices[2]
        # Enter goes on to the next field, as in a text box; Tab too.
        await pilot.press("enter")
        await pilot.pause()
        assert dialog.capacity.has_focus and not dialog.capacity.expanded
        await pilot.press("tab")
        assert dialog.text.has_focus
        await pilot.press(*"同意", "enter")  # Enter on the last field saves
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        [said] = kiosk_of(app).records.meeting(G1_NEXT).opinions
        assert said.speaker_id == choices[2] and said.text == "同意"
