"""The group editor, as the branch secretary uses it: set up a group, change
a leader (a probationary member is refused, with the reason), move members,
dissolve a group, change a member's status with a reason and read the
history. A group leader cannot reach it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from rules.models import GroupChangeKind, MemberStatus, PersonField
from storage import FileRepository
from tests.tui.conftest import LEADER_G1, NOW, SECRETARY, saved, stored, unlocked
from tui.app import XiaozuApp
from tui.screens.groups import GroupsScreen
from tui.screens.groups_dialogs import ChangeDialog, HistoryDialog
from tui.screens.home import HomeScreen
from tui.screens.overview import OverviewScreen

TODAY = NOW.date()


def text(app: XiaozuApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_groups(app: XiaozuApp, pilot: Pilot[None]) -> GroupsScreen:
    await unlocked(app, pilot, SECRETARY, "g1")
    await pilot.press("b")
    await pilot.pause()
    assert isinstance(app.screen, OverviewScreen)
    await pilot.press("g")
    await pilot.pause()
    assert isinstance(app.screen, GroupsScreen)
    return app.screen


async def pick_group(screen: GroupsScreen, pilot: Pilot[None], name: str) -> None:
    """Move the cursor to the group by keys, then Enter into its members."""
    screen.groups_table.focus()
    await pilot.press("ctrl+home")
    for _ in range(screen.groups_table.row_count):
        if str(screen.groups_table.get_row_at(screen.groups_table.cursor_row)[0]) == name:
            break
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()
    assert screen.members_table.has_focus


async def pick_member(screen: GroupsScreen, pilot: Pilot[None], name: str) -> None:
    await pilot.press("ctrl+home")
    for _ in range(len(screen.people)):
        person = screen.selected_person
        if person is not None and person.name == name:
            return
        await pilot.press("down")
    raise AssertionError(f"{name} is not listed")


async def choose(pilot: Pilot[None], select: Select[str], label: str) -> None:
    """Open the focused choice (Space) and go down to ``label``, as a user would."""
    select.focus()
    await pilot.press("space")
    await pilot.pause()
    for _ in range(10):
        if select.expanded is False:
            break
        overlay = select.query_one("SelectOverlay")
        highlighted = overlay.highlighted_option  # type: ignore[attr-defined]
        if highlighted is not None and str(highlighted.prompt) == label:
            await pilot.press("enter")
            break
        await pilot.press("down")
    await pilot.pause()
    assert select.selection is not None


async def save_dialog(app: XiaozuApp, pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+s")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await saved(app, pilot)


def message(app: XiaozuApp) -> str:
    return text(app, "#groups-message")


async def test_the_secretary_sets_up_a_group(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_groups(app, pilot)
        assert "4 个党小组" in text(app, "#groups-title")
        await pilot.press("n")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ChangeDialog)
        assert "及时向上级报告" in str(dialog.query_one("#change-note", Static).render())
        await pilot.press(*"第五党小组")
        # A report upward dated before the decision is refused in the dialog.
        dialog.query_one("#field-reported", Input).value = "2026-11-01"
        dialog.query_one("#field-decided", Input).value = "2026-11-20"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ChangeDialog)
        assert "不能早于支委会决定" in str(app.screen.query_one("#change-error").render())
        dialog.query_one("#field-reported", Input).value = ""
        await choose(pilot, dialog.query_one("#field-leader", Select), "周涛 · 第一党小组")
        await save_dialog(app, pilot)

        assert isinstance(app.screen, GroupsScreen)
        assert "已保存" in message(app) and "建立党小组" in message(app)
        assert "5 个党小组" in text(app, "#groups-title")
        with stored(demo_dir) as repo:
            org = repo.organisation()
            assert org is not None
            new = next(g for g in org.groups if g.name == "第五党小组")
            assert new.decided_on == date(2026, 11, 20) and new.reported_up_on is None
            assert new.leader_id == "p09"
            leader = org.person("p09")
            assert leader is not None and leader.group_id == new.id
            kinds = [c.kind for c in repo.group_changes(new.id)]
            assert GroupChangeKind.CREATED in kinds and GroupChangeKind.LEADER_CHANGED in kinds
        # The branch view shows the new group with its G1 finding (one member).
        await pilot.press("escape")
        await pilot.pause()
        overview = app.screen
        assert isinstance(overview, OverviewScreen)
        rows = [
            [str(c) for c in overview.groups_table.get_row_at(i)]
            for i in range(overview.groups_table.row_count)
        ]
        assert rows[-1][:3] == ["第五党小组", "周涛", "1"]
        assert screen.kiosk.org.group(new.id) is not None


async def test_a_probationary_member_is_refused_as_leader_with_the_reason(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_groups(app, pilot)
        await pick_group(screen, pilot, "第一党小组")
        await pick_member(screen, pilot, "赵磊")
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, GroupsScreen)  # no form for someone barred
        assert "赵磊:预备党员,不能担任党小组长" in message(app)
        await pick_member(screen, pilot, "刘洋")
        await pilot.press("l")
        await pilot.pause()
        assert "受留党察看处分,不能担任党小组长" in message(app)

        # 第三党小组's probationary leader is replaced by a full member.
        await pick_group(screen, pilot, "第三党小组")
        await pick_member(screen, pilot, "徐文博")
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, ChangeDialog)
        assert "现任组长:林晓" in str(app.screen.query_one("#change-note").render())
        app.screen.query_one("#field-reason", Input).focus()
        await pilot.press(*"本组党员大会选举")
        await save_dialog(app, pilot)
        assert "已保存:组长变更" in message(app)
        with stored(demo_dir) as repo:
            org = repo.organisation()
            assert org is not None
            group3 = org.group("g3")
            assert group3 is not None and group3.leader_id == "p16"
            (change,) = repo.group_changes("g3")
            assert (change.old, change.new, change.reason) == ("p15", "p16", "本组党员大会选举")
            assert change.by == SECRETARY
        assert not [
            f
            for f in app.kiosk.findings()  # type: ignore[union-attr]
            if f.rule == "L1" and f.subject.id == "g3"
        ]


async def test_members_are_moved_then_the_group_is_dissolved(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_groups(app, pilot)
        await pick_group(screen, pilot, "第四党小组")
        # Not while it has members: the screen says who to move first.
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, GroupsScreen)
        assert "不能撤销第四党小组" in message(app) and "朱红" in message(app)
        # Where its members would go: no group holds their departments, so the
        # smallest group (G1, G4).
        suggest = screen.suggest_table
        assert suggest.display and suggest.row_count == 2

        for name in ("郭倩", "朱红"):
            await pick_group(screen, pilot, "第四党小组")
            await pick_member(screen, pilot, name)
            await pilot.press("m")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, ChangeDialog)
            target = dialog.query_one("#field-to", Select)
            assert target.value in {"g1", "g2", "g3"}  # the suggestion, chosen already
            await save_dialog(app, pilot)
            assert "已保存" in message(app)
        assert "现在没有组长" in message(app)  # 朱红 led 第四党小组

        screen.groups_table.focus()
        await pilot.press("ctrl+home", "down", "down", "down")
        await pilot.pause()
        assert screen.selected_group is not None and screen.selected_group.id == "g4"
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ChangeDialog)
        app.screen.query_one("#field-reason", Input).focus()
        await pilot.press(*"支委会决定并入")
        await save_dialog(app, pilot)
        assert "已保存:撤销党小组" in message(app)
        assert "3 个党小组" in text(app, "#groups-title")
        with stored(demo_dir) as repo:
            org = repo.organisation()
            assert org is not None
            group4 = org.group("g4")
            assert group4 is not None and group4.dissolved_on == TODAY
            moved = [c for c in repo.group_changes() if c.kind is GroupChangeKind.MEMBER_MOVED]
            assert {c.person_id for c in moved} == {"p19", "p20"}
            assert all(c.old == "g4" for c in moved)


async def test_a_status_change_needs_a_reason_and_shows_in_the_history(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_groups(app, pilot)
        await pick_group(screen, pilot, "第三党小组")
        await pick_member(screen, pilot, "林晓")
        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ChangeDialog)
        await choose(pilot, dialog.query_one("#field-status", Select), "正式党员")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ChangeDialog)
        assert "请填写原因" in str(dialog.query_one("#change-error").render())
        dialog.query_one("#field-on", Input).value = "2026-11-20"
        dialog.query_one("#field-reason", Input).focus()
        await pilot.press(*"支部大会讨论通过按期转正")
        await save_dialog(app, pilot)
        assert "已保存:身份" in message(app)
        with stored(demo_dir) as repo:
            org = repo.organisation()
            assert org is not None
            person = org.person("p15")
            assert person is not None and person.status is MemberStatus.FULL
            (change,) = repo.person_changes("p15")
            assert change.field is PersonField.STATUS and change.on == date(2026, 11, 20)
            assert change.reason == "支部大会讨论通过按期转正"

        screen.members_table.focus()
        await pick_member(screen, pilot, "林晓")
        await pilot.press("h")
        await pilot.pause()
        history = app.screen
        assert isinstance(history, HistoryDialog)
        table = history.query_one("#history-table", DataTable)
        row = [str(c) for c in table.get_row_at(0)]
        assert row[:5] == [
            "2026年11月20日",
            "身份",
            "预备党员",
            "正式党员",
            "支部大会讨论通过按期转正",
        ]
        assert row[5].startswith("王建国")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GroupsScreen)


async def test_the_group_editor_in_english(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_groups(app, pilot)
        assert "4 groups" in text(app, "#groups-title")
        await pick_group(screen, pilot, "第一党小组")
        await pick_member(screen, pilot, "赵磊")
        await pilot.press("l")
        await pilot.pause()
        assert "probationary member: cannot be leader" in message(app)
        labels = {b.binding.description for b in app.screen.active_bindings.values()}
        assert {"New group", "Make leader", "Move", "Dissolve", "History"} <= labels


async def test_a_group_leader_cannot_reach_the_group_editor(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)  # no branch view for a leader
        # Even opened by name, the editor refuses and offers no change.
        app.open_screen(GroupsScreen)
        await pilot.pause()
        assert isinstance(app.screen, GroupsScreen)
        assert "只供支部书记和组织委员使用" in text(app, "#groups-title")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, GroupsScreen)
        labels = {b.binding.description for b in app.screen.active_bindings.values()}
        assert "新建小组" not in labels


async def test_the_branch_view_filters_a_group_s_findings(
    make_kiosk_app: Callable[..., XiaozuApp],
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(app, pilot, SECRETARY, "g1")
        await pilot.press("b")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OverviewScreen)
        screen.groups_table.focus()
        await pilot.press("down", "down", "enter")  # 第三党小组
        await pilot.pause()
        view = screen.findings_view
        assert {f.subject.label for f in view.findings if f.subject.kind.value == "group"} == {
            "第三党小组"
        }
        assert "只显示第三党小组的发现" in text(app, "#branch-scope")
        view.table.focus()
        await pilot.pause()
        assert "必须是中共正式党员" in str(view.detail.render())
        screen.groups_table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert len({screen.kiosk.records.group_of(f) for f in view.findings}) > 1


async def test_a_branch_without_groups_shows_its_member_congresses(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    with FileRepository(demo_dir) as repo:
        org = repo.organisation()
        assert org is not None
        repo.save_organisation(
            replace(
                org,
                groups=tuple(replace(g, dissolved_on=date(2026, 6, 30)) for g in org.groups),
            )
        )
    app = make_kiosk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(app, pilot, SECRETARY, None)
        await pilot.press("b")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OverviewScreen)
        assert not screen.groups_table.display
        congresses = screen.query_one("#congresses", DataTable)
        assert congresses.display and congresses.row_count >= 12
        assert str(congresses.get_row_at(0)[0]) == "2026年11月"
        assert "应当每月召开一次党员大会" in text(app, "#branch-scope")
        assert any(f.rule == "B1" for f in screen.findings_view.findings)
