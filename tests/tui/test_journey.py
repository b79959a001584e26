"""A group leader's whole month at the kiosk, by keys alone: unlock with the
PIN, plan, send the notice, hold the meeting through its five steps, finalise
the minutes, check them (A1), report them to the branch (A2), and close the
follow-up task (A3). Then the data directory holds all of it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot

from rules.models import AttendanceStatus, Step, TaskStatus
from tests.tui.conftest import LEADER_G1, TZ, Clock, loaded, saved, stored
from tests.tui.test_meeting import G1, G1_NEXT, HELD_AT, choose, mark, opinion
from tests.tui.test_plan import type_into
from tui.app import XiaozuApp
from tui.screens.after import AfterScreen
from tui.screens.home import HomeScreen
from tui.screens.lock import LockScreen
from tui.screens.meeting import MeetingScreen
from tui.screens.meeting_steps.dialogs import TaskDialog
from tui.screens.notice import NoticeScreen
from tui.screens.plan import PlanScreen
from tui.screens.tasks import TasksScreen

TWO_DAYS_BEFORE = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)


async def settle(app: XiaozuApp, pilot: Pilot[None]) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize(("size", "lang"), [((80, 24), "zh"), ((120, 40), "en")])
async def test_a_leader_goes_from_the_lock_screen_to_reported_minutes_and_a_closed_task(
    make_kiosk_app: Callable[..., XiaozuApp],
    demo_dir: Path,
    demo_pins: dict[str, str],
    clock: Clock,
    size: tuple[int, int],
    lang: str,
) -> None:
    clock.now = TWO_DAYS_BEFORE
    app = make_kiosk_app(lang=lang)
    async with app.run_test(size=size) as pilot:
        await loaded(app, pilot)
        assert isinstance(app.screen, LockScreen)
        assert app.kiosk is not None
        kiosk = app.kiosk

        # Unlock: 李志强 is second on the list; a wrong PIN first.
        await pilot.press("down", *"000000", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen) and kiosk.session is None
        await pilot.press(*demo_pins[LEADER_G1], "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert kiosk.session is not None and kiosk.session.user.id == LEADER_G1

        # Plan: the December meeting is prepared; change its place.
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        await type_into(pilot, app, "#plan-place", "车间党员活动室")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert kiosk.records.meeting(G1_NEXT).place == "车间党员活动室"

        # Notice (M5): two days ahead, sent now.
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoticeScreen)
        await pilot.press("s")
        await pilot.pause()
        assert kiosk.records.meeting(G1_NEXT).notice_sent_at == TWO_DAYS_BEFORE
        await pilot.press("escape")
        await pilot.pause()

        # The meeting day.
        clock.now = HELD_AT
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        await pilot.press("ctrl+o")
        await pilot.pause()
        for person_id in G1[:-1]:
            await mark(app, pilot, person_id, "p")
        await mark(app, pilot, G1[-1], "v", "出差")
        await pilot.press("ctrl+n", "ctrl+n")  # agenda, then discussion
        await pilot.pause()
        topics = kiosk.records.meeting(G1_NEXT).topics
        for index in range(len(topics)):
            if index:
                await pilot.press("t")
                await pilot.pause()
            personal = "personal opinion" if lang == "en" else "个人意见"
            said = f"同意第{index + 1}项"
            assert await opinion(app, pilot, "陈秀英", said, personal) == ""
        await pilot.press("ctrl+n")  # summary
        await pilot.pause()
        await pilot.press(*"大家同意", "tab", *"按月检查党费")
        await pilot.press("ctrl+t")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TaskDialog)
        await choose(pilot, dialog.who, "赵磊")
        await pilot.press("tab", *"整理党费台账", "enter", *"2026-12-20", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        await pilot.press("ctrl+n")  # record
        await pilot.pause()
        await pilot.press("ctrl+f", "enter")  # finalise: it asks first, Enter confirms
        await pilot.pause()
        assert kiosk.records.meeting(G1_NEXT).step is Step.FINALISED
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

        # After the meeting: check the minutes, then report them to the branch.
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AfterScreen) and app.screen.meeting_id == G1_NEXT
        await pilot.press("r")  # reporting before checking is refused (A2)
        await settle(app, pilot)
        assert kiosk.records.meeting(G1_NEXT).step is Step.FINALISED
        await pilot.press("c", "r", "enter")  # reporting asks first, naming the meeting
        await settle(app, pilot)
        assert kiosk.records.meeting(G1_NEXT).step is Step.REPORTED
        await pilot.press("escape")
        await pilot.pause()

        # Follow the task to done.
        await pilot.press("t")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TasksScreen)
        ours = next(i for i, row in enumerate(screen.rows) if row.task.what == "整理党费台账")
        await pilot.press("ctrl+home", *(["down"] * ours))
        await pilot.pause()
        assert screen.selected is not None and screen.selected.what == "整理党费台账"
        await pilot.press("c", *"已完成", "ctrl+s")
        await saved(app, pilot)

    with stored(demo_dir) as repo:
        meeting = repo.meeting(G1_NEXT)
        assert meeting is not None
        assert meeting.step is Step.REPORTED
        assert meeting.place == "车间党员活动室"
        assert meeting.notice_sent_at == TWO_DAYS_BEFORE
        assert meeting.checked_at == HELD_AT and meeting.reported_at == HELD_AT
        leave = meeting.attendance_of(G1[-1])
        assert leave is not None and leave.status is AttendanceStatus.ON_LEAVE
        assert len(meeting.opinions) == len(meeting.topics)
        assert meeting.summary == "大家同意" and meeting.decisions == ("按月检查党费",)
        [task] = repo.tasks(G1_NEXT)
        assert task.what == "整理党费台账" and task.status is TaskStatus.DONE
        assert task.done_at == HELD_AT
