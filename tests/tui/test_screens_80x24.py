"""What a leader sees at 80x24 (issue 14): every key a screen offers is in
its footer, Ctrl+L among them; the roster's columns (how a member signed in,
why they are away) are readable beside the sign-in code.

"Sees" means the text as the terminal shows it: the screen as composited,
line by line.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rich.cells import set_cell_size

from tests.tui.conftest import LEADER_G1, SECRETARY, loaded, unlocked
from tests.tui.test_meeting import HELD_AT, mark
from tests.tui.test_snapshots import _last_finalised, _meeting_started
from tui.app import XiaozuApp
from tui.screens.after import AfterScreen
from tui.screens.overview import OverviewScreen
from tui.screens.tasks import TasksScreen
from tui.screens.year import YearScreen
from tui.widgets.findings import FindingsView, column_widths
from tui.widgets.footer import key_rows
from tui.widgets.roster import Roster

LONG_REASON = "未请假:夜班后在家休息,未看到通知,会后已说明"


def screen_lines(app: XiaozuApp) -> list[str]:
    """The screen as the terminal shows it, one string a line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def region_lines(app: XiaozuApp, x: int, y: int, width: int, height: int) -> list[str]:
    """The screen's text in a rectangle (columns counted in cells)."""
    strips = app.screen._compositor.render_strips()
    return [strip.crop(x, x + width).text for strip in strips[y : y + height]]


def left_of(line: str, cells: int) -> str:
    """The part of a screen line left of column ``cells``."""
    return set_cell_size(line, cells)


def shown_keys(app: XiaozuApp) -> list[tuple[str, str]]:
    """(key as displayed, label) of every binding the screen offers now."""
    keys = []
    for _node, binding, enabled, _tooltip in app.screen.active_bindings.values():
        if binding.show and enabled:
            keys.append((app.get_key_display(binding), binding.description))
    return keys


def assert_every_key_in_the_footer(app: XiaozuApp) -> None:
    lines = screen_lines(app)
    footer = app.screen.query_one("KeysFooter")
    top = footer.region.y
    assert footer.region.bottom == len(lines), "the footer is not at the bottom"
    text = "\n".join(lines[top:])
    offered = shown_keys(app)
    assert offered
    for key, label in offered:
        assert f"{key} {label}" in text, f"{key} {label} is not in the footer:\n{text}"


# -- the footer ------------------------------------------------------------------


def test_keys_wrap_onto_lines_that_fit() -> None:
    assert key_rows([10, 10, 10], 30) == [[0, 1, 2]]
    assert key_rows([10, 10, 11], 30) == [[0, 1], [2]]
    assert key_rows([40, 5], 30) == [[0], [1]]  # a key wider than a line: its own
    assert key_rows([], 30) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_every_main_screen_shows_every_key_and_ctrl_l(
    make_kiosk_app: Callable[..., XiaozuApp], lang: str, size: tuple[int, int]
) -> None:
    app = make_kiosk_app(lang=lang)
    lock = "^l 锁定" if lang == "zh" else "^l Lock"
    async with app.run_test(size=size) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        assert_every_key_in_the_footer(app)
        assert lock in "\n".join(screen_lines(app))
        for screen, args in (
            (AfterScreen, _last_finalised(app)),
            (TasksScreen, ()),
            (YearScreen, ()),
        ):
            app.open_screen(screen, *args)
            await pilot.pause()
            assert_every_key_in_the_footer(app)
            assert lock in "\n".join(screen_lines(app)[-3:])
            app.pop_screen()
            await pilot.pause()
        await _meeting_started(app, pilot)
        assert_every_key_in_the_footer(app)
        assert lock in "\n".join(screen_lines(app)[-3:])
        # Ctrl+L shown is Ctrl+L working.
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.kiosk is not None and app.kiosk.session is None
        assert lock not in "\n".join(screen_lines(app))  # nothing to lock now


# -- the roster --------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_how_and_why_are_readable_beside_the_code_at_80x24(
    make_kiosk_app: Callable[..., XiaozuApp], lang: str
) -> None:
    app = make_kiosk_app(lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        await _meeting_started(app, pilot)  # 李志强 and 王建国 present, 刘洋 on leave
        await mark(app, pilot, "p09", "a", LONG_REASON)
        roster = app.screen.query_one(Roster)
        qr = app.screen.query_one("#signin-qr")
        # The roster ends before the code begins: nothing runs under it.
        assert roster.region.right <= qr.region.x
        assert roster.virtual_size.width <= roster.scrollable_content_region.width
        lines = screen_lines(app)
        row = next(line for line in lines if line.lstrip().startswith("周涛"))
        shown = left_of(row, qr.region.x)
        # How: the short label; why: shortened, and saying so.
        assert ("组长" if lang == "zh" else "leader") in shown
        assert ("缺席" if lang == "zh" else "absent") in shown
        assert "未请" in shown and "…" in shown and LONG_REASON not in shown
        # The highlighted row in full, wrapped under the table.
        detail = "".join(left_of(line, qr.region.x).strip() for line in lines)
        assert LONG_REASON in detail
        assert ("组长登记 16:30" if lang == "zh" else "leader 16:30") in detail


async def test_at_120x40_the_roster_has_every_column_in_full(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        await _meeting_started(app, pilot)  # 李志强 and 王建国 present, 刘洋 on leave
        await mark(app, pilot, "p09", "a", LONG_REASON)
        lines = screen_lines(app)
        row = next(line for line in lines if line.lstrip().startswith("周涛"))
        assert "组长登记 16:30" in row and "正式党员" in row and "出席情况" in "\n".join(lines)
        # The reason as far as there is room, the rest under the table.
        assert LONG_REASON[:12] in row and "…" in row
        assert LONG_REASON in "".join(line.strip() for line in lines)


# -- the findings ------------------------------------------------------------------


def test_the_explanation_and_subject_share_what_is_left_to_wrap() -> None:
    headers = ["Rule", "Level", "About", "Message"]
    rows = [["M5", "warning", "x" * 30, "y" * 100]]
    assert column_widths(headers, rows, 200) == [4, 7, 30, 100]  # it all fits
    rule, level, about, message = column_widths(headers, rows, 80)
    assert (rule, level) == (4, 7) and about + message + 4 + 7 + 8 == 80
    assert message >= 20 and about >= 10


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("where", ["home", "branch"])
async def test_every_finding_is_explained_in_full_at_80x24(
    make_kiosk_app: Callable[..., XiaozuApp], lang: str, where: str
) -> None:
    app = make_kiosk_app(lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        if where == "home":
            await unlocked(app, pilot, LEADER_G1, "g1")
        else:
            await unlocked(app, pilot, SECRETARY, "g1")
            app.open_screen(OverviewScreen)
            await pilot.pause()
        view = app.screen.query_one(FindingsView)
        assert view.findings
        # Scrolled into view one by one, each explanation is on screen whole
        # (wrapped within the table), never cut at the right edge.
        table = view.table
        for index, finding in enumerate(view.findings):
            table.move_cursor(row=index, animate=False)
            await pilot.pause()
            assert table.virtual_size.width <= table.scrollable_content_region.width
            # The explanation column, as the screen shows it.
            widths = [column.get_render_width(table) for column in table.ordered_columns]
            x = table.content_region.x + sum(widths[:-1])
            r = table.region
            column = region_lines(app, x, r.y, widths[-1], r.height)
            # Wrapping drops the spaces it breaks at: compare without them.
            joined = "".join("".join(column).split())
            assert "".join(finding.message(lang).split()) in joined, (finding.rule, column)


# -- English is English ----------------------------------------------------------


async def test_in_english_meetings_and_minutes_are_named_in_english(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app(lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(app, pilot, SECRETARY, "g1")
        app.open_screen(OverviewScreen)
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        # The A2 finding's subject: a meeting, named in English.
        assert "meeting of 7 October 2026" in text
        assert "日会议" not in text and "会议记录" not in text
        app.pop_screen()
        app.open_screen(AfterScreen, *_last_finalised(app))
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "Minutes of the group meeting — 第一党小组" in text
        assert "会议记录" not in text


def test_the_minutes_title_is_shared_in_both_languages() -> None:
    from rules.meeting.minutes import minutes_of, minutes_title
    from rules.samples.demo import demo_branch
    from tests.tui.conftest import NOW

    demo = demo_branch(NOW)
    meeting = next(m for m in demo.records.meetings if m.step.minutes_final and m.group_id == "g1")
    org = demo.records.organisation
    assert minutes_title(meeting, org) == "第一党小组会议记录"
    assert minutes_title(meeting, org, "en") == "Minutes of the group life meeting — 第一党小组"
    minutes = minutes_of(meeting, org)
    assert minutes.heading("zh") == minutes.title == minutes_title(meeting, org)
    assert minutes.heading("en") == minutes_title(meeting, org, "en")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_year_topics_use_the_width_there_is(
    make_kiosk_app: Callable[..., XiaozuApp], size: tuple[int, int]
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=size) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        app.open_screen(YearScreen)
        await pilot.pause()
        table = app.screen.query_one("#year-table")
        assert table.virtual_size.width <= table.scrollable_content_region.width
        text = "\n".join(screen_lines(app))
        full = "通报上一年工作情况,制定本年度计划并分工,决定全年每月会议内容"
        if size == (120, 40):
            assert full in text  # 31 characters: more than the old fixed 26 cells
        else:
            assert full[:10] in text and full not in text.split("────")[0]


# -- the exit dialog ------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_exit_dialog_does_not_overlap_the_lock_box(
    make_kiosk_app: Callable[..., XiaozuApp], size: tuple[int, int]
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=size) as pilot:
        await loaded(app, pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        lines = screen_lines(app)
        text = "\n".join(lines)
        # One box on screen, the exit dialog's; nothing of the lock box or its keys.
        assert "退出小组" in text
        assert sum(line.count("╭") for line in lines) == 1, text
        assert sum(line.count("╰") for line in lines) == 1, text
        assert "选择您的姓名,输入 PIN 解锁" not in text and "Ctrl+Q 退出" not in text
        await pilot.press("escape")
        await pilot.pause()
        assert "选择您的姓名,输入 PIN 解锁" in "\n".join(screen_lines(app))


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_every_meeting_step_shows_every_key_at_80x24(
    make_kiosk_app: Callable[..., XiaozuApp], lang: str
) -> None:
    from tests.tui.test_meeting import G1, everyone_present, open_meeting, opinion

    app = make_kiosk_app(lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        assert app.kiosk is not None
        app.kiosk.env.clock.now = HELD_AT  # type: ignore[union-attr]
        await open_meeting(app, pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await everyone_present(app, pilot, G1)
        assert_every_key_in_the_footer(app)  # one: sign-in and the absentee report
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert_every_key_in_the_footer(app)  # two: the agenda
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert_every_key_in_the_footer(app)  # three: the discussion
        speaker = "陈秀英"  # names are the same in both languages
        capacity = "个人意见" if lang == "zh" else "personal opinion"
        assert await opinion(app, pilot, speaker, "同意", capacity) == ""
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert_every_key_in_the_footer(app)  # four: the summary
        await pilot.press(*"同意", "ctrl+n")
        await pilot.pause()
        assert_every_key_in_the_footer(app)  # five: the record
