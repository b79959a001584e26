"""Follow-up tasks tracked to done (A3): overdue ones stand out, progress is
noted, a task is closed with an optional note; the branch secretary's tasks
are handled like anyone else's (L3)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from textual.widgets import DataTable, Static

from rules.models import TaskStatus
from storage import FileRepository
from tests.tui.conftest import LEADER_G1, LEADER_G3, NOW, SECRETARY, saved, stored, unlocked
from tui.app import XiaozuApp
from tui.screens.after import NoteDialog
from tui.screens.tasks import Section, TasksScreen


def _text(app: XiaozuApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def _cells(app: XiaozuApp, row: int) -> list[str]:
    table = app.screen.query_one("#tasks-table", DataTable)
    return [str(cell) for cell in table.get_row_at(row)]


async def _open_tasks(app: XiaozuApp) -> TasksScreen:
    app.open_screen(TasksScreen)
    await app.workers.wait_for_complete()
    assert isinstance(app.screen, TasksScreen)
    return app.screen


async def test_the_overdue_task_is_noted_and_closed(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G3, "g3")
        screen = await _open_tasks(app)
        await pilot.pause()
        # Overdue first, and marked so.
        first = screen.rows[0]
        assert first.section is Section.OVERDUE
        task = first.task
        assert task.status is TaskStatus.OPEN and task.due < NOW.date()
        state, due, _who, what, *_ = _cells(app, 0)
        assert state.startswith("已逾期") and "天" in state
        assert what == task.what and due == f"{task.due.year}年{task.due.month}月{task.due.day}日"
        assert "已逾期 1" in _text(app, "#tasks-title")
        assert "已联系相关部门" in screen.detail.plain  # the last progress note

        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"cailiao", "ctrl+s")
        await pilot.pause()
        assert "已记录进展" in _text(app, "#tasks-message")
        assert "cailiao" in _cells(app, 0)[-1]  # the row's last progress note

        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"done", "ctrl+s")
        await saved(app, pilot)
        assert "任务已标记为完成。已保存。" in _text(app, "#tasks-message")
        assert screen.selected is not None and screen.selected.id == task.id
        assert screen.section_of(screen.selected) is Section.DONE
        assert "已逾期 0" in _text(app, "#tasks-title")

        with stored(demo_dir) as repo:
            on_disk = next(t for t in repo.tasks() if t.id == task.id)
        assert on_disk.status is TaskStatus.DONE
        assert on_disk.done_at == NOW
        assert [n.text for n in on_disk.notes] == [task.notes[0].text, "cailiao", "done"]
        assert on_disk.notes[-1].at == NOW

        # A task done can take no more notes: the keys are there but inactive.
        assert screen.check_action("note", ()) is None
        assert screen.check_action("close_task", ()) is None


async def test_an_empty_progress_note_is_refused_and_nothing_changes(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G3, "g3")
        screen = await _open_tasks(app)
        await pilot.pause()
        task = screen.rows[0].task
        await pilot.press("n", "ctrl+s")
        await pilot.pause()
        assert "进展说明不能为空" in _text(app, "#tasks-message")
        await pilot.press("c", "escape")  # cancelled: still open
        await saved(app, pilot)
        with stored(demo_dir) as repo:
            assert next(t for t in repo.tasks() if t.id == task.id) == task


async def test_filter_and_close_without_a_note_in_english_at_120x40(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    app = make_kiosk_app(lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(app, pilot, LEADER_G3, "g3")
        screen = await _open_tasks(app)
        await pilot.pause()
        assert "Follow-up tasks (A3)" in _text(app, "#tasks-title")
        assert _cells(app, 0)[0].endswith("days overdue")
        sections = [r.section for r in screen.rows]
        assert sections == sorted(sections, key=list(Section).index)  # overdue, open, done

        await pilot.press("f")  # overdue only
        assert "showing: overdue" in _text(app, "#tasks-title")
        assert [r.section for r in screen.rows] == [Section.OVERDUE]
        await pilot.press("f")  # open only
        assert all(r.section is Section.OPEN for r in screen.rows)
        await pilot.press("f")  # done only
        assert screen.rows and all(r.section is Section.DONE for r in screen.rows)
        await pilot.press("f")
        assert "showing: all" in _text(app, "#tasks-title")

        # The cursor stayed on the task it was on; go back to the top.
        await pilot.press("ctrl+home")
        task = screen.rows[0].task
        assert screen.selected == task
        await pilot.press("c", "ctrl+s")  # closing note left empty
        await saved(app, pilot)
        assert "Task marked done. Saved." in _text(app, "#tasks-message")
        with stored(demo_dir) as repo:
            on_disk = next(t for t in repo.tasks() if t.id == task.id)
        assert on_disk.status is TaskStatus.DONE and on_disk.done_at == NOW
        assert on_disk.notes == task.notes

        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TasksScreen)


async def test_the_secretarys_task_is_handled_like_anyone_elses(
    make_kiosk_app: Callable[..., XiaozuApp], demo_dir: Path
) -> None:
    # L3: the leader gave the branch secretary a task; reopen it on disk so
    # the leader can follow it up.
    with FileRepository(demo_dir) as repo:
        task = next(t for t in repo.tasks() if t.assignee_id == SECRETARY)
        task = replace(task, status=TaskStatus.OPEN, done_at=None, notes=(), due=NOW.date())
        repo.save_task(task)
    app = make_kiosk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlocked(app, pilot, LEADER_G1, "g1")
        screen = await _open_tasks(app)
        await pilot.pause()
        row = next(i for i, r in enumerate(screen.rows) if r.task.id == task.id)
        assert screen.rows[row].section is Section.OPEN  # due today: not overdue yet
        assert _cells(app, row)[2] == "王建国(书记)"
        screen.table.move_cursor(row=row)
        await pilot.pause()
        await pilot.press("n", *"tongzhi", "ctrl+s")
        await pilot.press("c", "ctrl+s")
        await saved(app, pilot)
        with stored(demo_dir) as repo:
            on_disk = next(t for t in repo.tasks() if t.id == task.id)
        assert on_disk.status is TaskStatus.DONE and on_disk.done_at == NOW
        assert [n.text for n in on_disk.notes] == ["tongzhi"]
