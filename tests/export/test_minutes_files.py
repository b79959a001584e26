"""The minutes as filed (A2): the Word document, opened with python-docx, and
the Markdown hold every R2 field of a demo meeting, in order."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from rules.meeting.minutes import meeting_members
from rules.models import AttendanceStatus, Capacity, Step, TaskAsSet
from tests.export.conftest import (
    ADDENDUM,
    COMMITTEE_WORDS,
    GUEST_ID,
    GUEST_WORDS,
    TZ,
    Example,
)
from tui.export.files import minutes_bytes

ORDER_ZH = [
    "时间",
    "地点",
    "主持人",
    "记录人",
    "应到人数",
    "实到人数",
    "出席人员",
    "缺席人员及原因",
    "列席人员",
    "议题",
    "讨论情况",
    "小结",
    "决定事项",
    "会后任务",
    "补充说明",
]
CAPACITY_ZH = {Capacity.PERSONAL: "个人意见", Capacity.COMMITTEE: "代表支委会"}
ORDER_EN = [
    "Time",
    "Place",
    "Chair",
    "Recorder",
    "Expected",
    "Present",
    "Attendees",
    "Absent, with reasons",
    "Also present (guests)",
    "Topics",
    "Discussion",
    "Summary",
    "Decisions",
    "Follow-up tasks",
    "Addenda",
]


def docx_lines(data: bytes) -> list[str]:
    """The document's body in order: a paragraph's text, or a table row's
    cells joined by " | "."""
    document = Document(BytesIO(data))
    lines: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            lines.append(item.text)
        else:
            assert isinstance(item, Table)
            lines.extend(" | ".join(cell.text for cell in row.cells) for row in item.rows)
    return lines


def docx_headings(data: bytes) -> list[str]:
    document = Document(BytesIO(data))
    return [p.text for p in document.paragraphs if p.style.name == "Heading 1"]


def first_line(lines: list[str], label: str, *, start: int = 0) -> int:
    """The index of the first line at or after ``start`` that is the label
    (a heading) or begins with it (a row of the head table, a Markdown field)."""
    for index in range(start, len(lines)):
        line = lines[index].lstrip("-#* ")
        if line == label or line.startswith(f"{label} |") or line.startswith(f"{label}**"):
            return index
    raise AssertionError(f"{label!r} not found after line {start}:\n" + "\n".join(lines))


def assert_in_order(lines: list[str], labels: list[str]) -> list[int]:
    positions, at = [], 0
    for label in labels:
        at = first_line(lines, label, start=at)
        positions.append(at)
        at += 1
    return positions


def expected_values(example: Example) -> dict[str, list[str]]:
    """What each part must show, from the meeting's own data."""
    meeting, org = example.meeting, example.org
    assert meeting.started_at is not None and meeting.ended_at is not None
    start = meeting.started_at.astimezone(TZ)
    end = meeting.ended_at.astimezone(TZ)
    name = {p.id: p.name for p in org.people}
    members = meeting_members(meeting, org)
    came = [a for a in meeting.attendance if a.status.attended and a.person_id != GUEST_ID]
    late = [a for a in came if a.status is AttendanceStatus.LATE]
    away = [a for a in meeting.attendance if not a.status.attended]
    assert (
        late
        and away
        and {a.status for a in away}
        == {
            AttendanceStatus.ON_LEAVE,
            AttendanceStatus.ABSENT,
        }
    )
    group = org.group("g2")
    assert group is not None and group.leader_id is not None and meeting.recorder_id
    tasks = [t for t in example.tasks if t.meeting_id == meeting.id]
    assert tasks
    return {
        "时间": [f"{start.year}年{start.month}月{start.day}日 {start:%H:%M}—{end:%H:%M}"],
        "地点": [meeting.place],
        "主持人": [name[group.leader_id]],
        "记录人": [name[meeting.recorder_id]],
        "应到人数": [f"{len(members)}人"],
        "实到人数": [f"{len(came)}人", f"迟到{len(late)}人"],
        "出席人员": [name[a.person_id] for a in came]
        + [f"{name[a.person_id]}(迟到)" for a in late],
        "缺席人员及原因": [
            f"{name[a.person_id]}({'请假' if a.status is AttendanceStatus.ON_LEAVE else '缺席'}"
            f":{a.reason})"
            for a in away
        ],
        "列席人员": [f"{name[GUEST_ID]}(群众)"],
        "议题": list(meeting.topics),
        "讨论情况": [
            f"{name[o.speaker_id]}({CAPACITY_ZH[o.capacity]}):{o.text}" for o in meeting.opinions
        ],
        "小结": [meeting.summary],
        "决定事项": list(meeting.decisions),
        "会后任务": [
            f"{name[t.assignee_id]} | {t.what} | {t.due.year}年{t.due.month}月{t.due.day}日"
            for t in tasks
        ],
        "补充说明": [ADDENDUM],
    }


def section(lines: list[str], positions: list[int], index: int) -> str:
    end = positions[index + 1] if index + 1 < len(positions) else len(lines)
    return "\n".join(lines[positions[index] : end])


def test_the_word_document_holds_every_r2_field_of_a_demo_meeting_in_order(
    example: Example,
) -> None:
    data = minutes_bytes(example.meeting, example.org, example.tasks, fmt="docx", lang="zh", tz=TZ)
    lines = docx_lines(data)
    assert lines[0] == "第二党小组党小组会会议记录"
    # Finalised, checked and reported, as the record says.
    assert "定稿" in lines[1] and "已向党支部汇报" in lines[1]
    positions = assert_in_order(lines, ORDER_ZH)
    for index, (label, values) in enumerate(expected_values(example).items()):
        assert ORDER_ZH[index] == label
        part = section(lines, positions, index)
        for value in values:
            assert value in part, f"{label}: {value!r} not in\n{part}"
    # The parts are real headings (the navigation pane of Word shows them).
    assert docx_headings(data) == ORDER_ZH[9:]
    # The addendum is kept apart, after the record, never merged into it.
    addenda = positions[-1]
    assert all(ADDENDUM not in line for line in lines[:addenda])
    assert any(line.startswith("2026年4月9日") and ADDENDUM in line for line in lines[addenda:])


def test_the_markdown_holds_the_same_fields_in_the_same_order(example: Example) -> None:
    text = minutes_bytes(
        example.meeting, example.org, example.tasks, fmt="md", lang="zh", tz=TZ
    ).decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "# 第二党小组党小组会会议记录"
    positions = assert_in_order(lines, ORDER_ZH)
    for index, (label, values) in enumerate(expected_values(example).items()):
        # A space follows a bold speaker's "(个人意见):" — Markdown closes
        # ** after punctuation only before a space.
        part = section(lines, positions, index).replace("**", "").replace(": ", ":")
        for value in values:
            assert value in part, f"{label}: {value!r} not in\n{part}"
    assert f"## {ORDER_ZH[-1]}" in lines
    assert all(ADDENDUM not in line for line in lines[: positions[-1]])


def test_english_headings_with_lang_en(example: Example) -> None:
    data = minutes_bytes(example.meeting, example.org, example.tasks, fmt="docx", lang="en", tz=TZ)
    lines = docx_lines(data)
    assert lines[0] == "Minutes of the group meeting — 第二党小组"
    assert_in_order(lines, ORDER_EN)
    text = "\n".join(lines)
    assert f"(for the branch committee): {COMMITTEE_WORDS}" in text
    assert f"(personal opinion): {GUEST_WORDS}" in text
    assert "(late)" in text and "(on leave: 病假)" in text


def test_a_meeting_not_finalised_is_exported_as_a_draft(example: Example) -> None:
    meeting = replace(example.meeting, step=Step.RECORD, finalised_at=None, summary="")
    lines = docx_lines(
        minutes_bytes(meeting, example.org, example.tasks, fmt="docx", lang="zh", tz=TZ)
    )
    assert lines[0] == "第二党小组党小组会会议记录(草稿)"
    assert any("草稿:本记录尚未定稿" in line for line in lines)
    assert any("尚缺:会议内容" in line for line in lines)
    text = minutes_bytes(meeting, example.org, example.tasks, fmt="md", lang="zh", tz=TZ)
    assert text.decode().startswith("# 第二党小组党小组会会议记录(草稿)")


def test_a_delegated_committee_member_is_listed_as_such(example: Example) -> None:
    """L3: the minutes say in which capacity a committee member sat in."""
    meeting = next(m for m in example.records.meetings if m.id == "m-g1-2026-03")
    lines = docx_lines(
        minutes_bytes(meeting, example.org, example.tasks, fmt="docx", lang="zh", tz=TZ)
    )
    guests = next(line for line in lines if line.startswith("列席人员 |"))
    assert "杨帆(正式党员,受支委会委托)" in guests
    assert any(line.startswith("杨帆(代表支委会):") for line in lines)


def test_markdown_shows_typed_text_as_typed(example: Example) -> None:
    meeting = replace(example.meeting, summary="*不是* 标题 # 也不是 | 表格")
    text = minutes_bytes(meeting, example.org, example.tasks, fmt="md", lang="zh", tz=TZ)
    assert r"\*不是\* 标题 \# 也不是 \| 表格" in text.decode()


def test_decisions_typed_with_numbers_and_the_tasks_as_set_in_the_filed_minutes(
    example: Example,
) -> None:
    own = [t for t in example.tasks if t.meeting_id == example.meeting.id]
    assert own, "the example meeting has a task"
    task = own[0]
    frozen = TaskAsSet(task.id, task.assignee_id, "会上定的任务", task.due)
    meeting = replace(
        example.meeting, decisions=("一、按月检查党费", "2. 建立台账"), tasks_set=(frozen,)
    )
    # The task changed afterwards: the filed minutes keep it as set.
    later = [replace(task, what="会后改写的任务")]
    for fmt in ("docx", "md"):
        data = minutes_bytes(meeting, example.org, later, fmt=fmt, lang="zh", tz=TZ)
        text = "\n".join(docx_lines(data)) if fmt == "docx" else data.decode("utf-8")
        assert "1. 按月检查党费" in text and "2. 建立台账" in text, fmt
        assert "一、按月检查党费" not in text and "2. 2." not in text, fmt
        assert "会上定的任务" in text and "会后改写的任务" not in text, fmt
    # Older minutes (no frozen copy) list the tasks as they stand.
    older = minutes_bytes(example.meeting, example.org, later, fmt="md", lang="zh", tz=TZ)
    assert "会后改写的任务" in older.decode("utf-8")
