"""After the meeting: the leader checks the minutes (A1), reports them to the
branch (A2), and corrects finalised minutes only by a dated addendum (R3)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from rich.cells import cell_len
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Static

from rules.models import Capacity, Meeting, Step
from storage import FileRepository
from tests.tui.conftest import LEADER_G1, NOW, saved, stored, unlocked
from tui.app import XiaozuApp
from tui.screens.after import AfterScreen, NoteDialog
from tui.screens.meeting_steps.dialogs import ConfirmDialog
from tui.widgets.minutes_view import MinutesView, break_offsets

LEADER_G2 = "p10"  # 张海涛, 第二党小组组长


def _text(app: XiaozuApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def _minutes_text(app: XiaozuApp) -> str:
    return app.screen.query_one(MinutesView).plain


def _g2(app: XiaozuApp, step: Step) -> Meeting:
    assert app.kiosk is not None
    return next(m for m in app.kiosk.meetings("g2") if m.step is step)


async def _open_after(app: XiaozuApp, pilot: Pilot[None], meeting_id: str) -> AfterScreen:
    app.open_screen(AfterScreen, meeting_id)
    await pilot.pause()
    assert isinstance(app.screen, AfterScreen)
    return app.screen


async def test_a_checked_meeting_is_reported_to_the_branch_with_the_date(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G2, "g2")
        meeting = _g2(app, Step.CHECKED)
        await _open_after(app, pilot, meeting.id)
        status = _text(app, "#after-status")
        assert "A1 已检查会议记录" in status and "A2 尚未向党支部汇报" in status
        # The whole record, in the seed's parts (R2), and who spoke in which capacity.
        minutes = _minutes_text(app)
        for part in ("时间:", "地点:", "主持人:", "记录人:", "参加人员:", "缺席人员:"):
            assert part in minutes
        assert "会议内容和讨论意见" in minutes and "(个人意见)" in minutes
        assert "归纳小结" in minutes and "决定事项" in minutes and "会后落实任务" in minutes

        # Reporting asks first, naming the meeting (A2 is not taken back).
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        asked = _dialog_text(app)
        assert meeting.id in asked and "第二党小组会议记录" in asked
        assert app.env.date(meeting.held_on) in asked and meeting.topics[0] in asked
        await pilot.press("enter")
        await saved(app, pilot)
        assert "A2 已向党支部汇报:2026年11月26日" in _text(app, "#after-status")
        assert "已保存" in _text(app, "#after-message")
        with stored(demo_dir) as repo:
            on_disk = repo.meeting(meeting.id)
        assert on_disk is not None
        assert on_disk.step is Step.REPORTED
        assert on_disk.reported_at == NOW
        assert on_disk.checked_at == meeting.checked_at

        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AfterScreen)


def _dialog_text(app: XiaozuApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


def _unchecked(demo_dir: Path) -> str:
    """Make g2's latest reported meeting finalised but not yet checked."""
    with FileRepository(demo_dir) as repo:
        meeting = [m for m in repo.meetings() if m.group_id == "g2" and m.step is Step.REPORTED][-1]
        repo.save_meeting(replace(meeting, step=Step.FINALISED, checked_at=None, reported_at=None))
    return meeting.id


async def test_reporting_before_checking_is_refused_then_check_and_report(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    meeting_id = _unchecked(demo_dir)
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G2, "g2")
        await _open_after(app, pilot, meeting_id)
        assert "A1 尚未检查会议记录" in _text(app, "#after-status")

        await pilot.press("r")
        await saved(app, pilot)
        assert "请先检查会议记录,再向党支部汇报" in _text(app, "#after-message")
        with stored(demo_dir) as repo:
            refused = repo.meeting(meeting_id)
        assert refused is not None and refused.step is Step.FINALISED
        assert refused.reported_at is None

        await pilot.press("c")
        await saved(app, pilot)
        assert "A1 已检查会议记录:2026年11月26日" in _text(app, "#after-status")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # not this one after all: nothing recorded
        await saved(app, pilot)
        assert isinstance(app.screen, AfterScreen)
        assert "A2 尚未向党支部汇报" in _text(app, "#after-status")
        await pilot.press("r", "enter")
        await saved(app, pilot)
        with stored(demo_dir) as repo:
            done = repo.meeting(meeting_id)
        assert done is not None and done.step is Step.REPORTED
        assert done.checked_at == NOW and done.reported_at == NOW


async def test_an_addendum_is_dated_and_the_minutes_stay_as_they_were_in_english(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app(lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(app, pilot, LEADER_G2, "g2")
        before = _g2(app, Step.REPORTED)
        await _open_after(app, pilot, before.id)
        assert "A2 reported to the branch" in _text(app, "#after-status")
        assert "Content and discussion" in _minutes_text(app)

        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"Absence reason of one member corrected")
        await pilot.press("ctrl+s")
        await saved(app, pilot)
        assert isinstance(app.screen, AfterScreen)
        assert "Addendum added. Saved." in _text(app, "#after-message")
        assert "Absence reason of one member corrected" in _minutes_text(app)
        assert "2026-11-26 09:00 张海涛" in _minutes_text(app)

        with stored(demo_dir) as repo:
            after = repo.meeting(before.id)
        assert after is not None
        assert len(after.addenda) == 1
        addendum = after.addenda[0]
        assert addendum.at == NOW and addendum.author_id == LEADER_G2
        assert addendum.text == "Absence reason of one member corrected"
        assert replace(after, addenda=()) == before  # R3: the record itself unchanged


async def test_an_empty_addendum_is_refused_and_escape_cancels(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G2, "g2")
        meeting = _g2(app, Step.REPORTED)
        await _open_after(app, pilot, meeting.id)
        await pilot.press("a", "ctrl+s")
        await pilot.pause()
        assert "补充说明不能为空" in _text(app, "#after-message")
        await pilot.press("a", "x", "escape")
        await saved(app, pilot)
        assert isinstance(app.screen, AfterScreen)
        with stored(demo_dir) as repo:
            on_disk = repo.meeting(meeting.id)
        assert on_disk == meeting


async def test_a_meeting_not_finalised_offers_nothing_to_change(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G2, "g2")
        meeting = _g2(app, Step.PREPARATION)
        screen = await _open_after(app, pilot, meeting.id)
        assert "会议记录尚未定稿" in _text(app, "#after-status")
        for action in ("check", "report", "addendum"):
            assert not screen.check_action(action, ())
        await pilot.press("c", "r", "a")
        await saved(app, pilot)
        assert isinstance(app.screen, AfterScreen)
        with stored(demo_dir) as repo:
            assert repo.meeting(meeting.id) == meeting


async def test_minutes_say_who_spoke_for_the_committee_and_brackets_step_through(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        assert app.kiosk is not None
        held = [m for m in app.kiosk.meetings("g1") if m.step.held]
        delegated = next(
            m for m in held if any(o.capacity is Capacity.COMMITTEE for o in m.opinions)
        )
        screen = await _open_after(app, pilot, delegated.id)
        minutes = _minutes_text(app)
        assert "杨帆(代表支委会)" in minutes  # L3: delegated, so for the committee
        assert "王建国" in minutes  # the secretary's task, like anyone else's
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert screen.meeting_id == held[held.index(delegated) + 1].id
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen.meeting_id == delegated.id


def test_minutes_wrap_chinese_between_characters_and_english_between_words() -> None:
    chinese = "小组党费都按月交纳,没有拖欠,建议继续线上交纳并留存凭证。"
    for width in (6, 7, 10, 21):
        lines = Text(chinese).divide(break_offsets(chinese, width))
        assert "".join(line.plain for line in lines) == chinese
        assert all(cell_len(line.plain) <= width for line in lines)
        # Closing punctuation never starts a line (避头点).
        assert not any(line.plain[:1] in ",。" for line in lines)
    # A line starting with a label and a space still breaks inside the Chinese.
    offsets = break_offsets("· 张海涛: " + chinese, 30)
    assert offsets[0] > len("· 张海涛: ")
    english = "Absence reason of one member corrected"
    lines = Text(english).divide(break_offsets(english, 12))
    assert [line.plain.strip() for line in lines] == [
        "Absence",
        "reason of",
        "one member",
        "corrected",
    ]
    # A hanging indent: the first line may be wider than the rest.
    label = "参加人员:张海涛、杨帆、吴刚、郑红梅、黄晓东、何静"
    first, *_ = Text(label).divide(break_offsets(label, 12, 20))
    assert cell_len(first.plain) in (19, 20)


async def test_home_opens_the_minutes_finalised_last_and_the_screen_shows_its_id(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    # Two of g2's minutes wait: October's, checked and not reported, and
    # November's, made unchecked here, finalised after October's.
    _unchecked(demo_dir)
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G2, "g2")
        assert app.kiosk is not None
        waiting = app.kiosk.awaiting_after_steps()
        assert len(waiting) == 2
        last = max(waiting, key=lambda m: m.finalised_at or NOW)
        assert last.id != waiting[0].id  # the kiosk lists them oldest first
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AfterScreen)
        assert app.screen.meeting_id == last.id
        # Its id, for `xiaozu export minutes ID`.
        assert f"编号 {last.id}" in _text(app, "#after-status")
