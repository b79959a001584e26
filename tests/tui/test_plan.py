"""Planning the meeting: everything typed is saved as it is typed (and is on
disk once the writes are flushed); the M2 warning, the M1 reason, R1's
recorder, L3's delegation, M3's consultation, Y1 and Y2."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, SelectionList, Static

from rules.meeting import flow
from rules.models import Guest, MeetingKind, Step
from storage import StorageWriteError
from tests.tui.conftest import LEADER_G1, TZ, saved, stored, unlocked
from tui.app import XiaozuApp
from tui.core.kiosk import Kiosk
from tui.screens.home import HomeScreen
from tui.screens.plan import PlanScreen, parse_day, parse_time

G1_NEXT = "m-g1-2026-12"  # 第一党小组's December meeting, in preparation


def text(app: XiaozuApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def kiosk_of(app: XiaozuApp) -> Kiosk:
    assert app.kiosk is not None
    return app.kiosk


async def type_into(pilot: Pilot[None], app: XiaozuApp, selector: str, value: str) -> None:
    """Focus a field (its text is selected on focus) and type over it."""
    field = app.screen.query_one(selector, Input)
    field.focus()
    await pilot.pause()
    field.value = ""  # clear, then type key by key like a user
    await pilot.press(*value)
    await pilot.pause()


async def open_plan(app: XiaozuApp, pilot: Pilot[None]) -> PlanScreen:
    await pilot.press("p")
    await pilot.pause()
    assert isinstance(app.screen, PlanScreen)
    return app.screen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_postponing_needs_a_reason_then_a_new_meeting_is_planned(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path, size: tuple[int, int]
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=size) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        plan = await open_plan(app, pilot)
        assert plan.meeting_id == G1_NEXT
        # M1: no reason, no postponement.
        plan.query_one("#plan-postpone").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "推迟会议须记录原因" in text(app, "#plan-error")
        assert not kiosk_of(app).records.meeting(G1_NEXT).postponed
        await type_into(pilot, app, "#plan-postpone-reason", "车间检修")
        await type_into(pilot, app, "#plan-postpone-date", "2026-12-10")
        plan.query_one("#plan-postpone").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "已推迟" in text(app, "#plan-state") and "车间检修" in text(app, "#plan-state")
        assert plan.query_one("#plan-form").disabled  # read-only now
        await saved(app, pilot)
        with stored(demo_dir) as repo:
            on_disk = repo.meeting(G1_NEXT)
            assert on_disk is not None and on_disk.postponement is not None
            assert on_disk.postponement.reason == "车间检修"
            assert on_disk.postponement.new_date == date(2026, 12, 10)

        # Home has nothing planned now; P plans the next meeting on the new date.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "尚未安排下次会议" in text(app, "#home-next")
        plan = await open_plan(app, pilot)
        new_id = plan.meeting_id
        assert new_id != G1_NEXT
        assert plan.query_one("#plan-date", Input).value == "2026-12-10"
        # Y1: the first topic comes from the year's plan for December.
        first = plan.query_one("#plan-topic-1", Input).value
        assert first == "党小组生活会:党员应当勇于履行监督义务、行使监督权利"

        await type_into(pilot, app, "#plan-place", "三楼会议室")
        await type_into(pilot, app, "#plan-topic-2", "检查党费交纳情况")
        await type_into(pilot, app, "#plan-requirements", "准备发言提纲")
        await type_into(pilot, app, "#plan-method", "逐一发言")
        await type_into(pilot, app, "#plan-time", "15:00")

        # R1: choose the recorder with the keyboard.
        recorder = plan.query_one("#plan-recorder", Select)
        recorder.focus()
        await pilot.press("space", "down", "down", "enter")  # open, move, pick
        await pilot.pause()
        assert recorder.value not in (Select.NULL, None)
        chosen = recorder.value

        # Guests: an activist, and a committee member delegated by the committee (L3).
        guests = plan.query_one("#plan-guests", SelectionList)
        guests.focus()
        await pilot.press("space")
        await pilot.pause()
        first_guest = guests.selected[0]
        delegated = plan.query_one("#plan-delegated", SelectionList)
        delegated.focus()
        await pilot.pause()
        index = next(
            i
            for i in range(delegated.option_count)
            if delegated.get_option_at_index(i).value == "p03"
        )
        delegated.highlighted = index
        await pilot.press("space")
        await pilot.pause()

        # M3: consulted the branch, recorded now.
        plan.query_one("#plan-consult").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "已于2026年11月26日 09:00与党支部沟通" in text(app, "#plan-consulted")

        await saved(app, pilot)
        with stored(demo_dir) as repo:
            m = repo.meeting(new_id)
        assert m is not None
        assert m.place == "三楼会议室"
        assert m.topics == (first, "检查党费交纳情况")
        assert m.requirements == "准备发言提纲" and m.method == "逐一发言"
        assert m.planned_at == datetime(2026, 12, 10, 15, 0, tzinfo=TZ)
        assert m.recorder_id == chosen
        assert m.chair_id == LEADER_G1  # the leader chairs by default (M6)
        assert m.kind is MeetingKind.LIFE  # December (Y2)
        assert Guest(first_guest, False) in m.guests and Guest("p03", True) in m.guests
        assert m.consulted_branch_at == datetime(2026, 11, 26, 9, 0, tzinfo=TZ)


async def test_a_third_topic_shows_the_m2_warning(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        plan = await open_plan(app, pilot)
        note = plan.topics_note
        assert not note.display
        await type_into(pilot, app, "#plan-topic-2", "学习党章")
        assert not note.display
        await type_into(pilot, app, "#plan-topic-3", "评议党员")
        assert note.display and "每次解决一两个问题" in note.text
        await saved(app, pilot)
        with stored(demo_dir) as repo:
            m = repo.meeting(G1_NEXT)
        assert m is not None and len(m.topics) == 3  # a warning, not a refusal
        # No topic at all: the meeting could not start.
        for n in (1, 2, 3):
            await type_into(pilot, app, f"#plan-topic-{n}", "")
        assert "不能开始" in note.text


async def test_dates_and_times_are_checked_and_the_month_matters(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        plan = await open_plan(app, pilot)
        await type_into(pilot, app, "#plan-date", "2026-13-01")
        assert "YYYY-MM-DD" in plan.when_note.text and plan.when_note.has_class("-error")
        await type_into(pilot, app, "#plan-time", "25:00")
        assert "HH:MM" in plan.when_note.text
        await type_into(pilot, app, "#plan-time", "09:30")
        # Y1: a January meeting reviews last year and decides the year's plan.
        await type_into(pilot, app, "#plan-date", "2027-01-08")
        assert not plan.when_note.display
        assert plan.year_box.display and not plan.life_box.display
        meeting = kiosk_of(app).records.meeting(G1_NEXT)
        assert meeting.reviews_last_year and meeting.decides_annual_plan
        assert meeting.kind is MeetingKind.REGULAR
        assert meeting.planned_at == datetime(2027, 1, 8, 9, 30, tzinfo=TZ)
        # Back to December: the group life meeting, opinions gathered first (Y2).
        await type_into(pilot, app, "#plan-date", "2026-12-03")
        assert plan.life_box.display and not plan.year_box.display
        await type_into(pilot, app, "#plan-opinions", "2026-11-2")
        assert plan.opinions_note.has_class("-error") and "YYYY-MM-DD" in plan.opinions_note.text
        await type_into(pilot, app, "#plan-opinions", "2026-11-25")
        assert "2026年11月25日" in plan.opinions_note.text
        await saved(app, pilot)
        with stored(demo_dir) as repo:
            m = repo.meeting(G1_NEXT)
        assert m is not None and m.kind is MeetingKind.LIFE
        assert not m.reviews_last_year
        assert m.opinions_gathered_on == date(2026, 11, 25)


async def test_tab_moves_between_fields_and_escape_goes_home(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        plan = await open_plan(app, pilot)
        assert app.focused is not None and app.focused.id == "plan-date"
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "plan-time"
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "plan-place"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and plan is not app.screen


async def test_a_meeting_already_held_is_read_only(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        app.open_screen(PlanScreen, "m-g1-2026-11")
        await pilot.pause()
        plan = app.screen
        assert isinstance(plan, PlanScreen)
        assert "只读" in text(app, "#plan-state")
        assert plan.query_one("#plan-form").disabled
        assert kiosk_of(app).records.meeting("m-g1-2026-11").step is Step.REPORTED


async def test_planning_in_english(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app(lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        plan = await open_plan(app, pilot)
        assert "Plan the meeting" in text(app, "#plan-title")
        await type_into(pilot, app, "#plan-date", "3 Dec")
        assert "Write the date as YYYY-MM-DD" in plan.when_note.text
        await type_into(pilot, app, "#plan-date", "2026-12-04")
        await type_into(pilot, app, "#plan-topic-2", "dues")
        await type_into(pilot, app, "#plan-topic-3", "more")
        assert "one or two matters" in plan.topics_note.text
        plan.query_one("#plan-postpone").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "A postponement needs its reason recorded." in text(app, "#plan-error")
        await saved(app, pilot)
        with stored(demo_dir) as repo:
            m = repo.meeting(G1_NEXT)
        assert m is not None and m.planned_at == datetime(2026, 12, 4, 16, 30, tzinfo=TZ)
        assert len(m.topics) == 3


@pytest.mark.parametrize(
    ("typed", "ok"),
    [("2026-12-03", True), ("20261203", False), ("2026-12-3", False), ("2026-02-30", False)],
)
def test_days_are_written_yyyy_mm_dd(typed: str, ok: bool) -> None:
    assert (parse_day(typed) is not None) is ok


@pytest.mark.parametrize(
    ("typed", "ok"), [("14:30", True), ("9:05", True), ("24:00", False), ("14.30", False)]
)
def test_times_are_written_hh_mm(typed: str, ok: bool) -> None:
    assert (parse_time(typed) is not None) is ok


async def test_a_failed_write_shows_what_is_stored(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        plan = await open_plan(app, pilot)
        kiosk = kiosk_of(app)

        def full_disk(_meeting: object) -> None:
            raise StorageWriteError(demo_dir / "meetings", OSError(28, "No space left on device"))

        monkeypatch.setattr(kiosk.repo, "save_meeting", full_disk)
        await type_into(pilot, app, "#plan-place", "不会保存")
        await saved(app, pilot)
        monkeypatch.undo()
        await pilot.pause()
        # The kiosk read the meeting back, and the field shows what is stored.
        assert kiosk.records.meeting(G1_NEXT).place == "生产一车间二楼会议室"
        assert plan.query_one("#plan-place", Input).value == "生产一车间二楼会议室"


async def test_changing_topics_after_the_notice_went_out_says_it_is_out_of_date(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        kiosk = kiosk_of(app)
        meeting = kiosk.records.meeting(G1_NEXT)
        kiosk.save_meeting(flow.record_notice(meeting, kiosk.now()))
        plan = await open_plan(app, pilot)
        note = plan.topics_note
        assert not note.display
        await type_into(pilot, app, "#plan-topic-2", "学习党章")
        assert note.display and "议题已改动" in note.text and "重新发出" in note.text
