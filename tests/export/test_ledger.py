"""The year's ledger (台账) opened with openpyxl matches the data: the counts
of each meeting, the attendance grid, the follow-up tasks; and another part
of xiaozu can add its own sheet."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from rules.meeting.minutes import meeting_members
from rules.models import TaskStatus
from tests.export.conftest import NOW, TZ, Example
from tui.export.ledger_xlsx import FIRST_ROW, Ledger, ledger_xlsx


def _open(example: Example, group_ids: tuple[str | None, ...] = ("g2",), extra=()) -> Workbook:
    ledger = Ledger(example.records, 2026, group_ids, NOW, TZ, "zh")
    return load_workbook(BytesIO(ledger_xlsx(ledger, extra)))


def _rows(sheet: Worksheet) -> list[dict[str, object]]:
    header = [c.value for c in sheet[2]]
    return [
        dict(zip(header, row, strict=True))
        for row in sheet.iter_rows(min_row=FIRST_ROW, values_only=True)
    ]


def _day(value: object) -> date:
    return value.date() if hasattr(value, "date") else value  # type: ignore[return-value]


def test_the_meetings_sheet_counts_match_the_data(example: Example) -> None:
    book = _open(example)
    assert book.sheetnames == ["汇总", "第二党小组-会议", "第二党小组-出勤", "第二党小组-后续任务"]
    rows = _rows(book["第二党小组-会议"])
    meetings = [
        m for m in example.records.meetings if m.group_id == "g2" and m.held_on.year == 2026
    ]
    held = {
        m.planned_at.date() if m.started_at is None else m.started_at.date(): m for m in meetings
    }
    by_day = {_day(r["日期"]): r for r in rows}
    april = by_day[date(2026, 4, 7)]
    meeting = held[date(2026, 4, 7)]
    members = meeting_members(meeting, example.org)
    statuses = [meeting.attendance_of(p.id) for p in members]
    assert april["应到"] == len(members) == 6
    assert april["实到"] == sum(1 for a in statuses if a and a.status.attended) == 4
    assert april["迟到"] == 1 and april["请假"] == 1 and april["缺席"] == 1
    assert april["列席"] == 1  # the guest added to the example
    assert april["状态"] == "已召开"
    assert april["主持人"] == "张海涛" and april["记录人"] == "何静"
    assert meeting.topics[0] in str(april["议题"])
    assert _day(april["记录检查日期(A1)"]) == meeting.checked_at.astimezone(TZ).date()  # type: ignore[union-attr]
    assert _day(april["向支部汇报日期(A2)"]) == meeting.reported_at.astimezone(TZ).date()  # type: ignore[union-attr]
    # December's life meeting is planned; August had no meeting and no
    # postponement (M1: the demo's deliberate gap).
    assert by_day[date(2026, 12, 3)]["状态"] == "计划"
    assert by_day[date(2026, 12, 3)]["实到"] is None
    assert "本月未开会" in str(by_day[date(2026, 8, 1)]["状态"])
    assert len(rows) == len(meetings) + 1


def test_a_postponed_meeting_shows_its_reason(example: Example) -> None:
    rows = _rows(_open(example, ("g1",))["第一党小组-会议"])
    july = next(r for r in rows if r["状态"] == "已推迟")
    assert "紧急订单" in str(july["推迟原因/改期"]) and "2026-08-03" in str(july["推迟原因/改期"])


def test_the_attendance_grid_has_a_cell_per_person_and_meeting(example: Example) -> None:
    sheet = _open(example)["第二党小组-出勤"]
    header = [c.value for c in sheet[2]]
    assert header[:2] == ["姓名", "身份"]
    assert header[-4:] == ["出席", "迟到", "请假", "缺席"]
    column = header.index("04-07")
    grid = {row[0]: row for row in sheet.iter_rows(min_row=FIRST_ROW, values_only=True)}
    assert grid["杨帆"][column] == "迟到"
    assert grid["郑红梅"][column] == "请假:病假"
    assert str(grid["黄晓东"][column]).startswith("缺席:未请假")
    assert grid["张海涛"][column] == "出席"
    assert grid["曹玉兰"][1] == "列席·群众" and grid["曹玉兰"][column] == "出席"
    # a member's status as the roster has it: a probationary member is 预备党员
    assert grid["黄晓东"][1] == "预备党员" and grid["张海涛"][1] == "正式党员"
    # Each person's totals agree with the cells.
    held = header[2:-4]
    for name, row in grid.items():
        cells = [str(v or "") for v in row[2 : 2 + len(held)]]
        present, late, leave, absent = row[-4:]
        assert late == sum(c == "迟到" for c in cells), name
        assert present == sum(c in ("出席", "迟到") for c in cells), name
        assert leave == sum(c.startswith("请假") for c in cells), name
        assert absent == sum(c.startswith(("缺席", "未登记")) for c in cells), name


def test_the_tasks_sheet_lists_who_what_due_status_and_closed(example: Example) -> None:
    """Named as the kiosk's tasks screen names them (后续任务; 期限, 状态 未完成 …)."""
    sheet = _open(example)["第二党小组-后续任务"]
    assert sheet.cell(1, 1).value == "第二党小组 2026年后续任务落实情况(A3)"
    rows = _rows(sheet)
    g2 = {m.id for m in example.records.meetings if m.group_id == "g2" and m.held_on.year == 2026}
    tasks = [t for t in example.tasks if t.meeting_id in g2]
    assert len(rows) == len(tasks)
    names = {p.id: p.name for p in example.org.people}
    for task in tasks:
        row = next(r for r in rows if r["任务"] == task.what)
        assert row["负责人"] == names[task.assignee_id]
        assert _day(row["期限"]) == task.due
        if task.status is TaskStatus.DONE:
            assert row["状态"] == "已完成"
            assert _day(row["完成日期"]) == task.done_at.astimezone(TZ).date()  # type: ignore[union-attr]
        else:
            overdue = f"已逾期{(NOW.date() - task.due).days}天"
            assert row["状态"] == ("未完成" if task.due >= NOW.date() else overdue)
            assert row["完成日期"] is None


def test_the_summary_adds_up_every_group(example: Example) -> None:
    book = _open(example, ("g1", "g2", "g3", "g4"))
    rows = {r["党小组"]: r for r in _rows(book["汇总"])}
    assert set(rows) == {"第一党小组", "第二党小组", "第三党小组", "第四党小组"}
    g2 = [m for m in example.records.meetings if m.group_id == "g2" and m.held_on.year == 2026]
    assert rows["第二党小组"]["已召开"] == sum(1 for m in g2 if m.step.held)
    assert rows["第二党小组"]["无会议的月份"] == "8月"
    assert rows["第一党小组"]["已推迟"] == 1


def test_another_part_adds_its_sheet_through_the_hook(example: Example) -> None:
    def dues(book: Workbook, ledger: Ledger) -> None:
        sheet = ledger.sheet(book, ledger.t("党费", "Dues"), "党费收缴", ["姓名", "已交"])
        sheet.cell(FIRST_ROW, 1, "张海涛")

    book = _open(example, extra=[dues])
    assert book.sheetnames[-1] == "党费"
    assert book["党费"].cell(FIRST_ROW, 1).value == "张海涛"


_CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def test_an_english_ledger_is_english_wherever_xiaozu_writes_the_words(example: Example) -> None:
    """Only what people typed (names, topics, places, reasons) stays Chinese."""
    ledger = Ledger(example.records, 2026, ("g1", "g2"), NOW, TZ, "en")
    book = load_workbook(BytesIO(ledger_xlsx(ledger)))
    org = example.org
    names = sorted([org.branch.name, *(g.name for g in org.groups)], key=len, reverse=True)

    def words(text: object) -> str:
        text = str(text or "")
        for name in names:
            text = text.replace(name, "")
        return text

    assert book.sheetnames[-1] == "第二党小组 follow-up tasks"
    for sheet in book.worksheets:
        assert not _CJK.search(words(sheet.title)), sheet.title
        assert not _CJK.search(words(sheet.cell(1, 1).value)), sheet.cell(1, 1).value
        for cell in sheet[2]:
            assert not _CJK.search(str(cell.value or "")), (sheet.title, cell.value)
    grid = book["第二党小组 attendance"]
    people = {r[0]: r for r in grid.iter_rows(min_row=FIRST_ROW, values_only=True)}
    assert people["黄晓东"][1] == "probationary member"
    assert people["曹玉兰"][1] == "guest · non-member"
    for row in people.values():  # 出席 / 请假:reason … in English, the reason as typed
        for value in row[2:-4]:
            assert not _CJK.search(str(value or "").split(":")[0]), value
    for row in _rows(book["第二党小组 meetings"]):
        assert not _CJK.search(f"{row['Kind']} {row['Status']}"), row
    for row in _rows(book["第二党小组 follow-up tasks"]):
        assert not _CJK.search(str(row["State"])), row
