"""The meeting, one step at a time (会中主要议程), driven by keys as a leader
would: start; sign-in and the absentee report (M6); the agenda; the
discussion with each speaker's capacity (L3, R2); the summary with decisions
and follow-up tasks (A3); the record, finalised only when complete (R2) and
never changed after (R3). Everything is on disk once the writes are flushed,
and a restarted kiosk resumes at the step the meeting was on. A branch
without groups runs the same flow as its member congress (B1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList, Select, Static, TextArea

from rules.meeting import flow
from rules.meeting.minutes import Minutes
from rules.models import (
    AttendanceStatus,
    Branch,
    BranchRole,
    Capacity,
    Meeting,
    MeetingKind,
    MemberStatus,
    Organisation,
    Person,
    RecordedBy,
    Step,
)
from storage import FileRepository
from tests.tui.conftest import LEADER_G1, SECRETARY, TZ, Clock, saved, stored, unlocked
from tui.app import XiaozuApp
from tui.core.kiosk import Kiosk
from tui.screens.meeting import MeetingScreen
from tui.screens.meeting_steps.dialogs import OpinionDialog, ReasonDialog, TaskDialog
from tui.widgets.minutes_view import MinutesView
from tui.widgets.roster import Roster
from tui.widgets.step_indicator import StepIndicator

G1_NEXT = "m-g1-2026-12"  # 第一党小组's December meeting, in preparation
HELD_AT = datetime(2026, 12, 3, 16, 30, tzinfo=TZ)  # its planned time
TOPICS = (
    "党小组生活会:党员应当勇于履行监督义务、行使监督权利",
    "检查小组党员党费交纳情况",
)
G1 = ("p01", "p04", "p05", "p06", "p07", "p08", "p09")
NAMES = {"p01": "王建国", "p05": "陈秀英", "p06": "刘洋", "p07": "赵磊", "p09": "周涛"}


# -- helpers --------------------------------------------------------------------


def kiosk_of(app: XiaozuApp) -> Kiosk:
    assert app.kiosk is not None
    return app.kiosk


def text(app: XiaozuApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def message(app: XiaozuApp) -> str:
    return text(app, "#meeting-message")


def steps_line(app: XiaozuApp) -> str:
    return app.screen.query_one(StepIndicator).line().plain


def minutes_shown(app: XiaozuApp) -> Minutes:
    """The minutes the record step shows for review."""
    return app.screen.query_one(MinutesView).minutes


def rows(table: DataTable[str]) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def screen_of(app: XiaozuApp) -> MeetingScreen:
    assert isinstance(app.screen, MeetingScreen)
    return app.screen


def prepare(app: XiaozuApp, **changes: object) -> Meeting:
    """Change the plan as the plan screen would, before the meeting opens."""
    kiosk = kiosk_of(app)
    meeting = kiosk.current_meeting()
    assert meeting is not None and meeting.id == G1_NEXT
    planned = flow.plan(meeting, **changes)
    kiosk.save_meeting(planned)
    return planned


async def open_meeting(app: XiaozuApp, pilot: Pilot[None]) -> MeetingScreen:
    """From home, the key that opens the meeting."""
    await pilot.press("m")
    await pilot.pause()
    return screen_of(app)


async def to_row(app: XiaozuApp, pilot: Pilot[None], person_id: str) -> None:
    """Move the roster's cursor to ``person_id`` with the arrow keys."""
    roster = app.screen.query_one(Roster)
    assert roster.has_focus
    target = [e.person_id for e in roster.entries].index(person_id)
    while roster.cursor_row != target:
        await pilot.press("down" if roster.cursor_row < target else "up")
    assert roster.selected == person_id


async def mark(
    app: XiaozuApp, pilot: Pilot[None], person_id: str, key: str, reason: str = ""
) -> None:
    """Mark one person with the roster's key; type the reason when asked."""
    await to_row(app, pilot, person_id)
    await pilot.press(key)
    await pilot.pause()
    if reason:
        assert isinstance(app.screen, ReasonDialog)
        await pilot.press(*reason, "enter")
        await pilot.pause()
    assert isinstance(app.screen, MeetingScreen)


async def choose(pilot: Pilot[None], select: Select[str], label: str) -> None:
    """Open the focused select (Space) and move to ``label`` with the arrow
    keys; Enter picks it."""
    assert select.has_focus
    await pilot.press("space")
    await pilot.pause()
    overlay = select.query_one(OptionList)
    labels = [str(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count)]
    target = labels.index(label)
    current = overlay.highlighted or 0
    for _ in range(abs(target - current)):
        await pilot.press("down" if target > current else "up")
    await pilot.press("enter")
    await pilot.pause()


async def opinion(
    app: XiaozuApp,
    pilot: Pilot[None],
    speaker: str,
    said: str,
    capacity: str = "个人意见",
) -> str:
    """Record one opinion in the dialog; the dialog's refusal, if any."""
    await pilot.press("o")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, OpinionDialog)
    await choose(pilot, dialog.speaker, speaker)
    await pilot.press("tab")
    await choose(pilot, dialog.capacity, capacity)
    await pilot.press("tab")
    await pilot.press(*said, "enter")
    await pilot.pause()
    if app.screen is dialog:
        return str(dialog.error_line.render())
    return ""


async def everyone_present(app: XiaozuApp, pilot: Pilot[None], people: tuple[str, ...]) -> None:
    for person_id in people:
        await mark(app, pilot, person_id, "p")


async def run_to_record(app: XiaozuApp, pilot: Pilot[None]) -> None:
    """A short meeting from preparation to the record step, everyone present."""
    await open_meeting(app, pilot)
    await pilot.press("ctrl+o")
    await pilot.pause()
    await everyone_present(app, pilot, G1)
    await pilot.press("ctrl+n", "ctrl+n")  # agenda, discussion
    await pilot.pause()
    assert await opinion(app, pilot, "陈秀英", "同意") == ""
    await pilot.press("ctrl+n")  # summary
    await pilot.pause()
    await pilot.press(*"同意", "ctrl+n")  # record
    await pilot.pause()
    assert kiosk_of(app).records.meeting(G1_NEXT).step is Step.RECORD


# -- the whole meeting ------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_leader_runs_a_whole_meeting_step_by_step(
    make_kiosk_app: Callable[..., XiaozuApp],
    demo_dir: Path,
    clock: Clock,
    size: tuple[int, int],
) -> None:
    clock.now = HELD_AT
    app = make_kiosk_app()
    async with app.run_test(size=size) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        prepare(app, topics=TOPICS)
        screen = await open_meeting(app, pilot)
        assert screen.meeting_id == G1_NEXT
        assert "第一党小组" in text(app, "#meeting-title")
        assert steps_line(app).startswith("会前准备")

        # Start: step one, the roster with everyone expected, nobody marked yet.
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert kiosk_of(app).records.meeting(G1_NEXT).step is Step.ABSENTEE_REPORT
        roster = app.screen.query_one(Roster)
        assert roster.has_focus
        assert [e.person_id for e in roster.entries] == list(G1)
        assert all(row[2] == "未登记" for row in rows(roster))

        await mark(app, pilot, "p01", "p")
        await mark(app, pilot, "p04", "p")
        await mark(app, pilot, "p05", "p")
        await mark(app, pilot, "p06", "v", "出差在外")
        await mark(app, pilot, "p07", "l")
        await mark(app, pilot, "p08", "p")
        # M6: 周涛 is not yet accounted for.
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert message(app).startswith("[M6]") and "周涛" in message(app)
        assert kiosk_of(app).records.meeting(G1_NEXT).step is Step.ABSENTEE_REPORT
        # Nothing skips a step.
        await pilot.press("3")
        await pilot.pause()
        assert "不能跳过「按议题进行」" in message(app)
        assert kiosk_of(app).records.meeting(G1_NEXT).step is Step.ABSENTEE_REPORT

        # An absence needs its reason: an empty one is refused in the dialog.
        await to_row(app, pilot, "p09")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        assert "须写明原因" in str(app.screen.error_line.render())
        await pilot.press(*"生病住院", "enter")
        await pilot.pause()
        statuses = {row[0]: row for row in rows(roster)}
        assert statuses["刘洋"][2:4] == ["请假", "出差在外"]
        assert statuses["赵磊"][2] == "迟到" and statuses["周涛"][2:4] == ["缺席", "生病住院"]
        # At 80 columns the table has the short label; the line under it
        # gives the highlighted row in full.
        assert statuses["王建国"][4] == ("组长登记 16:30" if size == (120, 40) else "组长")
        await to_row(app, pilot, "p01")
        assert "王建国 · 正式党员 · 出席 · 组长登记 16:30" in text(app, "#roster-detail")
        await to_row(app, pilot, "p09")
        assert "周涛 · 正式党员 · 缺席:生病住院 · 组长登记 16:30" in text(app, "#roster-detail")
        opening = text(app, "#opening-text")
        assert "应到 7 人,到会 5 人(其中迟到 1 人)" in opening
        assert "刘洋请假(出差在外)" in opening and "周涛缺席(生病住院)" in opening
        assert TOPICS[1] in opening and "开法:会前征求意见" in opening and "要求:" in opening

        # Step two: the agenda, the current topic marked.
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert kiosk_of(app).records.meeting(G1_NEXT).step is Step.AGENDA
        assert f"▶ 1.{TOPICS[0]}(当前)" in text(app, "#agenda-text")
        assert "✓一 报告缺席" in steps_line(app)

        # Step three: the discussion, topic by topic.
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert kiosk_of(app).records.meeting(G1_NEXT).step is Step.DISCUSSION
        assert text(app, "#discussion-topic").startswith("议题1/2")
        # L3: the secretary was not delegated by the committee for this meeting.
        refused = await opinion(app, pilot, "王建国", "支委会认为应当加强监督", "代表支委会")
        assert refused.startswith("[L3]") and "受支委会委托" in refused
        await pilot.press("shift+tab")  # back to the capacity, what was typed stays
        await choose(pilot, app.screen.query_one("#opinion-capacity", Select), "个人意见")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert await opinion(app, pilot, "陈秀英", "要敢于批评") == ""
        table = app.screen.query_one("#discussion-opinions", DataTable)
        assert rows(table) == [
            ["王建国", "个人意见", "支委会认为应当加强监督"],
            ["陈秀英", "个人意见", "要敢于批评"],
        ]
        # R2: the second topic has no opinion yet.
        await pilot.press("t")
        await pilot.pause()
        assert text(app, "#discussion-topic").startswith("议题2/2")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert message(app).startswith("[R2]") and TOPICS[1] in message(app)
        # The late-comer speaks too; one on leave is not offered as a speaker.
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OpinionDialog)
        offered = {label for label, _ in app.screen.speakers}
        assert "赵磊" in offered and "刘洋" not in offered and "周涛" not in offered
        await pilot.press("escape")
        await pilot.pause()
        assert await opinion(app, pilot, "赵磊", "党费已按时交纳") == ""

        # Step four: the summary, decisions and a task for the secretary.
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert kiosk_of(app).records.meeting(G1_NEXT).step is Step.SUMMARY
        summary = app.screen.query_one("#summary-text", TextArea)
        assert summary.has_focus
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert message(app).startswith("[R2]") and "小结" in message(app)
        await pilot.press(*"大家表态履行监督义务", "tab")
        await pilot.press(*"每月检查党费", "enter", *"建立监督台账")
        await pilot.pause()
        stored_now = kiosk_of(app).records.meeting(G1_NEXT)
        assert stored_now.summary == "大家表态履行监督义务"
        assert stored_now.decisions == ("每月检查党费", "建立监督台账")
        await pilot.press("ctrl+t")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TaskDialog)
        await choose(pilot, dialog.who, "王建国")
        await pilot.press("tab", *"向党支部汇报整改清单", "enter", *"2026-12-01", "enter")
        await pilot.pause()
        assert app.screen is dialog and "[A3]" in str(dialog.error_line.render())
        await pilot.press("ctrl+u", *"2026-12-20", "enter")  # clear the date, type again
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        [task_row] = rows(app.screen.query_one("#summary-tasks", DataTable))
        assert task_row[:3] == ["王建国", "向党支部汇报整改清单", "2026年12月20日"]

        # Step five: the whole record, then finalised.
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert kiosk_of(app).records.meeting(G1_NEXT).step is Step.RECORD
        record = minutes_shown(app)
        assert record.started_at == HELD_AT and record.place == "生产一车间二楼会议室"
        assert (record.chair, record.recorder, record.expected) == ("李志强", "孙丽", 7)
        assert len(record.attendees) == 5
        away = {(a.name, a.status, a.reason) for a in record.absentees}
        assert away == {
            ("刘洋", AttendanceStatus.ON_LEAVE, "出差在外"),
            ("周涛", AttendanceStatus.ABSENT, "生病住院"),
        }
        spoken = [[(o.speaker, o.capacity, o.text) for o in t.opinions] for t in record.topics]
        assert spoken == [
            [
                ("王建国", Capacity.PERSONAL, "支委会认为应当加强监督"),
                ("陈秀英", Capacity.PERSONAL, "要敢于批评"),
            ],
            [("赵磊", Capacity.PERSONAL, "党费已按时交纳")],
        ]
        assert record.summary == "大家表态履行监督义务"
        assert record.decisions == ("每月检查党费", "建立监督台账")
        assert [(t.assignee_id, t.what) for t in record.tasks] == [
            (SECRETARY, "向党支部汇报整改清单")
        ]
        assert record.complete
        await pilot.press("ctrl+f", "enter")  # asks first: confirm
        await pilot.pause()
        assert kiosk_of(app).records.meeting(G1_NEXT).step is Step.FINALISED
        assert "已定稿" in text(app, "#record-state") and "只读" in text(app, "#record-state")
        assert steps_line(app).endswith("已定稿")

        await saved(app, pilot)
        with stored(demo_dir) as repo:
            meeting = repo.meeting(G1_NEXT)
            [task] = repo.tasks(G1_NEXT)
        assert meeting is not None and meeting.step is Step.FINALISED
        assert meeting.started_at == HELD_AT and meeting.finalised_at == HELD_AT
        records = {a.person_id: a for a in meeting.attendance}
        assert set(records) == set(G1)
        assert all(a.recorded_by is RecordedBy.LEADER for a in records.values())
        assert records["p06"].status is AttendanceStatus.ON_LEAVE
        assert records["p06"].reason == "出差在外"
        assert records["p07"].status is AttendanceStatus.LATE
        assert records["p09"].status is AttendanceStatus.ABSENT
        assert records["p09"].reason == "生病住院"
        assert records["p01"].status is AttendanceStatus.PRESENT
        said = [(o.speaker_id, o.topic_index, o.capacity, o.text) for o in meeting.opinions]
        assert said == [
            ("p01", 0, Capacity.PERSONAL, "支委会认为应当加强监督"),
            ("p05", 0, Capacity.PERSONAL, "要敢于批评"),
            ("p07", 1, Capacity.PERSONAL, "党费已按时交纳"),
        ]
        assert meeting.summary == "大家表态履行监督义务"
        assert meeting.decisions == ("每月检查党费", "建立监督台账")
        assert (task.assignee_id, task.what, task.due) == (
            SECRETARY,
            "向党支部汇报整改清单",
            date(2026, 12, 20),
        )


# -- refusals -------------------------------------------------------------------------


async def test_a_meeting_without_a_place_cannot_start(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path, clock: Clock
) -> None:
    """The minutes must say where (R2), so the meeting does not open without
    a place: minutes that could never be finalised are not begun."""
    clock.now = HELD_AT
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        prepare(app, place="")
        await open_meeting(app, pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert message(app).startswith("[R2]") and "地点" in message(app)
        assert kiosk_of(app).records.meeting(G1_NEXT).step is Step.PREPARATION
        await saved(app, pilot)
        with stored(demo_dir) as repo:
            meeting = repo.meeting(G1_NEXT)
        assert meeting is not None and meeting.step is Step.PREPARATION


async def test_finalised_minutes_are_read_only(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path, clock: Clock
) -> None:
    clock.now = HELD_AT
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        await run_to_record(app, pilot)
        await pilot.press("ctrl+f", "enter")  # asks first: confirm
        await pilot.pause()
        screen = screen_of(app)
        final = kiosk_of(app).records.meeting(G1_NEXT)
        assert final.step is Step.FINALISED
        # Looking back at the roster is allowed; changing it is not (R3).
        await pilot.press("1")
        await pilot.pause()
        await mark(app, pilot, "p09", "a")
        assert message(app).startswith("[R3]") and "已定稿" in message(app)
        assert not isinstance(app.screen, ReasonDialog)
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen) and message(app).startswith("[R3]")
        screen.say("")
        await pilot.press("t")
        await pilot.pause()
        assert message(app).startswith("[R3]")
        await pilot.press("4")
        await pilot.pause()
        assert app.screen.query_one("#summary-text", TextArea).read_only
        screen.say("")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen) and message(app).startswith("[R3]")
        # The record says so, and offers neither "next" nor "finalise" any more.
        await pilot.press("5")
        await pilot.pause()
        assert "只读" in text(app, "#record-state")
        keys = {b.binding.id for b in app.screen.active_bindings.values()}
        assert "meeting.finalise" not in keys and "meeting.next" not in keys
        assert kiosk_of(app).records.meeting(G1_NEXT) == final
        await saved(app, pilot)
        with stored(demo_dir) as repo:
            assert repo.meeting(G1_NEXT) == final


# -- resuming -----------------------------------------------------------------------------


async def test_a_restarted_kiosk_resumes_at_the_step_the_meeting_was_on(
    make_kiosk_app: Callable[..., XiaozuApp], clock: Clock
) -> None:
    clock.now = HELD_AT
    first = make_kiosk_app()
    async with first.run_test(size=(80, 24)) as pilot:
        await unlocked(first, pilot, LEADER_G1, "g1")
        await open_meeting(first, pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await everyone_present(first, pilot, G1)
        await pilot.press("ctrl+n", "ctrl+n")
        await pilot.pause()
        assert await opinion(first, pilot, "陈秀英", "同意") == ""
        assert kiosk_of(first).records.meeting(G1_NEXT).step is Step.DISCUSSION

    second = make_kiosk_app()
    async with second.run_test(size=(80, 24)) as pilot:
        await unlocked(second, pilot, LEADER_G1, "g1")
        screen = await open_meeting(second, pilot)
        assert screen.viewing is Step.DISCUSSION
        assert "✓二 按议题" in steps_line(second)
        table = second.screen.query_one("#discussion-opinions", DataTable)
        assert rows(table) == [["陈秀英", "个人意见", "同意"]]
        roster_before = kiosk_of(second).records.meeting(G1_NEXT).attendance
        assert len(roster_before) == len(G1)


# -- a branch without groups (B1) --------------------------------------------------------


def congress_dir(tmp_path: Path) -> Path:
    """A small branch with no groups: the secretary holds the member congress."""
    data = tmp_path / "congress"
    people = (
        Person("s1", "钱书记", MemberStatus.FULL, "D1", branch_role=BranchRole.SECRETARY),
        Person("s2", "孔明", MemberStatus.FULL, "D2"),
        Person("s3", "曾红", MemberStatus.FULL, "D3"),
        Person("s4", "严小", MemberStatus.PROBATIONARY, "D4"),
        Person("s5", "邵群", MemberStatus.MASSES),
    )
    with FileRepository(data) as repo:
        repo.save_organisation(Organisation(Branch("b1", "机关党支部"), (), people))
        repo.set_pin("s1", "246810")
        repo.save_meeting(
            Meeting(
                id="m-branch-20261203",
                group_id=None,
                planned_at=HELD_AT,
                place="机关会议室",
                kind=MeetingKind.MEMBER_CONGRESS,
                chair_id="s1",
            )
        )
    return data


async def test_a_branch_without_groups_runs_its_member_congress(
    make_kiosk_app: Callable[..., XiaozuApp], tmp_path: Path, clock: Clock
) -> None:
    clock.now = HELD_AT
    app = make_kiosk_app(data=congress_dir(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, "s1", None)
        await open_meeting(app, pilot)
        assert "机关党支部 · 党员大会" in text(app, "#meeting-title")
        # M2: no topic yet; R1: no recorder named yet (the plan screen sets both).
        kiosk = kiosk_of(app)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert message(app).startswith("[M2]") and "议题" in message(app)
        kiosk.save_meeting(
            flow.plan(kiosk.records.meeting("m-branch-20261203"), topics=("学习党章",))
        )
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert message(app).startswith("[R1]") and "记录人" in message(app)
        kiosk.save_meeting(flow.plan(kiosk.records.meeting("m-branch-20261203"), recorder_id="s2"))
        await pilot.press("ctrl+o")
        await pilot.pause()
        roster = app.screen.query_one(Roster)
        # Every party member of the branch is expected; the masses are not.
        assert [e.person_id for e in roster.entries] == ["s1", "s2", "s3", "s4"]
        await everyone_present(app, pilot, ("s1", "s2", "s3", "s4"))
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert kiosk.records.meeting("m-branch-20261203").step is Step.AGENDA
        assert "学习党章" in text(app, "#agenda-text")


# -- in English ------------------------------------------------------------------------------


async def test_the_meeting_in_english(
    make_kiosk_app: Callable[..., XiaozuApp], clock: Clock
) -> None:
    clock.now = HELD_AT
    app = make_kiosk_app(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        await open_meeting(app, pilot)
        assert steps_line(app).startswith("Preparation › 1 Absentees · 2 Agenda")
        labels = {b.binding.description for b in app.screen.active_bindings.values()}
        assert {"Back", "Start"} <= labels
        await pilot.press("ctrl+o")
        await pilot.pause()
        labels = {b.binding.description for b in app.screen.active_bindings.values()}
        assert {"Present", "Late", "Leave", "Absent", "Next step"} <= labels
        await mark(app, pilot, "p06", "v", "travelling")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert message(app).startswith("[M6] Attendance not yet recorded for:")
        assert "on leave" in rows(app.screen.query_one(Roster))[3][2]
        assert "Expected 7, present 0" in text(app, "#opening-text")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, MeetingScreen)
