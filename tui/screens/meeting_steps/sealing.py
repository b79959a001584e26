"""What finalising will seal (R3: 认真保管,存档备查), as the leader is asked
to confirm it: the speakers and their opinions, the decisions, the follow-up
tasks as set at the meeting (会后任务: who, what, by when), and who is absent
and why."""

from __future__ import annotations

from collections.abc import Sequence

from rules.meeting.minutes import minutes_of
from rules.models import FollowUpTask, Meeting, Organisation
from tui.core.env import KioskEnv
from tui.labels import ATTENDANCE_LABELS, CAPACITY_LABELS


def sealing_preview(
    meeting: Meeting, org: Organisation, tasks: Sequence[FollowUpTask], env: KioskEnv
) -> str:
    t = env.t
    minutes = minutes_of(meeting, org, tasks)
    lines = [
        t(
            "定稿后会议记录封存,不能再修改(更正只能另加注明日期的补充说明)。将封存:",
            "Once finalised the minutes are sealed and never change (a correction is a"
            " dated addendum). This will be sealed:",
        ),
        "",
        t("发言及意见:", "Speakers and their opinions:"),
    ]
    for number, topic in enumerate(minutes.topics, 1):
        lines.append(t(f" 议题{number}:{topic.topic}", f" Topic {number}: {topic.topic}"))
        for said in topic.opinions:
            capacity = t(*CAPACITY_LABELS[said.capacity])
            lines.append(
                t(
                    f"  · {said.speaker}({capacity}):{said.text}",
                    f"  · {said.speaker} ({capacity}): {said.text}",
                )
            )
        if not topic.opinions:
            lines.append(t("  (无)", "  (none)"))
    lines += ["", t("小结:", "Summary: ") + (minutes.summary or "—")]
    lines.append(t("决定事项:", "Decisions:"))
    lines += [f" {n}. {d}" for n, d in enumerate(minutes.decisions, 1)] or [t(" (无)", " (none)")]
    lines.append(t("会后任务(谁、做什么、何时完成):", "Follow-up tasks (who, what, by when):"))
    for number, task in enumerate(minutes.tasks, 1):
        who, due = _name(org, task.assignee_id), env.date(task.due)
        lines.append(
            t(
                f" {number}. {who}:{task.what}(期限 {due})",
                f" {number}. {who}: {task.what} (due {due})",
            )
        )
    if not minutes.tasks:
        lines.append(t(" (无)", " (none)"))
    lines.append(t("缺席人员及原因:", "Absent, and why:"))
    for away in minutes.absentees:
        status = t(*ATTENDANCE_LABELS[away.status])
        reason = away.reason or "—"
        lines.append(t(f" {away.name} {status}({reason})", f" {away.name} {status} ({reason})"))
    if not minutes.absentees:
        lines.append(t(" (无,全体到会)", " (none: everyone came)"))
    return "\n".join(lines)


def _name(org: Organisation, person_id: str) -> str:
    person = org.person(person_id)
    return person.name if person else person_id
