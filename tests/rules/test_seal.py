"""Sealed records (R3: 认真保管,存档备查): finalised minutes and addenda are
links of a per-group hash chain; verify names every record changed, removed
or inserted after sealing."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.meeting import flow
from rules.meeting.seal import (
    MUTABLE_AFTER_FINAL,
    V1_FIELDS,
    ProblemKind,
    Reason,
    SealHead,
    Verification,
    chain_heads,
    seal_meeting,
    seal_on_save,
    sealed_content,
    verify,
)
from rules.models import AttendanceStatus, Meeting, NoticeAsSent, Seal, Step, TaskAsSet
from rules.samples.demo import demo_branch

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=TZ)


@pytest.fixture(scope="module")
def demo_meetings() -> tuple[Meeting, ...]:
    return demo_branch(NOW).records.meetings


def heads_of(meetings: tuple[Meeting, ...] | list[Meeting]) -> dict[str | None, SealHead]:
    return chain_heads(meetings)


def g1(meetings: tuple[Meeting, ...] | list[Meeting]) -> list[Meeting]:
    """The first group's sealed minutes, in chain order."""
    own = [m for m in meetings if m.group_id == "g1" and m.seal is not None]
    return sorted(own, key=lambda m: m.seal.index if m.seal else 0)


def swap(meetings: tuple[Meeting, ...], new: Meeting) -> list[Meeting]:
    return [new if m.id == new.id else m for m in meetings]


def only(result: Verification) -> tuple[ProblemKind, Reason, str | None, int]:
    assert len(result.problems) == 1, result.problems
    problem = result.problems[0]
    ref = problem.ref
    return problem.kind, problem.reason, ref.meeting_id if ref else None, ref.addendum if ref else 0


# --------------------------------------------------------------------------
# Sealing


def test_the_demo_s_finalised_minutes_are_sealed_and_verify(
    demo_meetings: tuple[Meeting, ...],
) -> None:
    final = [m for m in demo_meetings if m.step.minutes_final]
    assert final and all(m.seal is not None for m in final)
    assert all(m.seal is None for m in demo_meetings if not m.step.minutes_final)
    indexes = [m.seal.index for m in g1(demo_meetings) if m.seal]
    assert indexes == list(range(1, len(indexes) + 1))
    result = verify(demo_meetings, heads_of(demo_meetings))
    assert result.ok
    assert {c.group_id: c.minutes for c in result.chains} == {
        "g1": 11,
        "g2": 11,
        "g3": 12,
        "g4": 12,
    }
    assert result.sealed == 46


def test_every_field_but_those_that_may_change_after_finalising_is_sealed() -> None:
    # A field added to Meeting later is sealed without anyone listing it: the
    # fields sealing began with always, a newer one once it holds something.
    # (Changed with tasks_set / signin_opened_at / notice_as_sent: at their defaults they are
    # left out, so seals made before them keep verifying.)
    names = {f.name for f in dataclasses.fields(Meeting)}
    meeting = Meeting(id="m", group_id="g1", planned_at=NOW)
    assert set(sealed_content(meeting)) == V1_FIELDS[Meeting] - MUTABLE_AFTER_FINAL - {"seal"}
    assert {"attendance", "opinions", "summary", "finalised_at"} <= set(sealed_content(meeting))
    task = TaskAsSet("t1", "p1", "写心得", NOW.date())
    said = NoticeAsSent(NOW, "会议室", ("学习",))
    full = replace(meeting, tasks_set=(task,), signin_opened_at=NOW, notice_as_sent=said)
    assert set(sealed_content(full)) == names - MUTABLE_AFTER_FINAL - {"seal"}
    # No field sealing began with is gone or renamed (an old seal would break).
    for cls, frozen in V1_FIELDS.items():
        assert frozen <= {f.name for f in dataclasses.fields(cls)}, cls


def _with_new_field(meeting: Meeting, cls: type[Meeting], **values: object) -> Meeting:
    given = {f.name: getattr(meeting, f.name) for f in dataclasses.fields(meeting)}
    return cls(**given, **values)


def test_a_field_added_to_meeting_keeps_old_seals_and_is_covered_when_set(
    demo_meetings: tuple[Meeting, ...],
) -> None:
    later = dataclasses.make_dataclass(
        "MeetingLater",
        [("chaired_remotely", bool, dataclasses.field(default=False))],
        bases=(Meeting,),
        frozen=True,
    )
    # Every seal made before the field existed reads back with its default.
    as_read = [_with_new_field(m, later) for m in demo_meetings]
    assert verify(as_read, heads_of(demo_meetings)).ok
    # A value other than the default is sealed: changing it breaks the seal.
    target = g1(demo_meetings)[-1]
    changed = _with_new_field(target, later, chaired_remotely=True)
    result = verify(swap(tuple(as_read), changed), heads_of(demo_meetings))
    assert only(result) == (ProblemKind.CHANGED, Reason.CONTENT, target.id, 0)
    # Sealed with the field set, it verifies, and setting it back is caught.
    resealed, head = seal_meeting(replace(changed, seal=None), None, NOW)
    assert resealed.seal is not None
    assert verify([resealed], {"g1": head} if head else {}).ok
    back = _with_new_field(replace(target, seal=resealed.seal), later)
    assert not verify([back], {"g1": head} if head else {}).ok


def test_a_field_added_inside_a_record_of_the_meeting_is_forward_compatible(
    demo_meetings: tuple[Meeting, ...],
) -> None:
    target = g1(demo_meetings)[-1]
    opinion_later = dataclasses.make_dataclass(
        "OpinionLater",
        [("topic_title", str, dataclasses.field(default=""))],
        bases=(type(target.opinions[0]),),
        frozen=True,
    )

    def with_opinions(**values: object) -> Meeting:
        opinions = tuple(
            opinion_later(**{f.name: getattr(o, f.name) for f in dataclasses.fields(o)}, **values)
            for o in target.opinions
        )
        return replace(target, opinions=opinions)

    heads = heads_of(demo_meetings)
    assert verify(swap(demo_meetings, with_opinions()), heads).ok
    result = verify(swap(demo_meetings, with_opinions(topic_title="x")), heads)
    assert only(result) == (ProblemKind.CHANGED, Reason.CONTENT, target.id, 0)


def test_sealing_needs_final_minutes_and_a_timezone(demo_meetings: tuple[Meeting, ...]) -> None:
    open_one = next(m for m in demo_meetings if not m.step.minutes_final)
    assert seal_meeting(open_one, None, NOW) == (open_one, None)
    final = replace(g1(demo_meetings)[0], seal=None)
    with pytest.raises(ValueError):
        seal_meeting(final, None, NOW.replace(tzinfo=None))


def test_the_first_seal_of_a_group_seals_its_earlier_minutes_first(
    demo_meetings: tuple[Meeting, ...],
) -> None:
    # Records from before sealing began: nothing sealed, no chain yet.
    legacy = [replace(m, seal=None) for m in g1(demo_meetings)]
    assert verify(legacy, {}).ok  # not a problem, only counted
    assert verify(legacy, {}).chains[0].unsealed == len(legacy)
    newest = replace(legacy[-1], step=Step.RECORD, finalised_at=None)
    finalised = replace(newest, step=Step.FINALISED, finalised_at=NOW)
    saved, head = seal_on_save(finalised, newest, legacy, None, NOW)
    assert [m.id for m in saved][-1] == finalised.id
    assert len(saved) == len(legacy)  # the earlier ones, then this one
    assert head is not None and head.index == len(legacy)
    assert verify(saved, {"g1": head}).ok


def test_minutes_final_before_the_chain_are_not_sealed_once_it_exists(
    demo_meetings: tuple[Meeting, ...],
) -> None:
    # A finalised record without a seal in a sealed group was put in by
    # hand: saving it (e.g. with an addendum) must not make it genuine.
    chain = g1(demo_meetings)
    slipped_in = replace(chain[3], id="m-g1-forged", seal=None)
    head = heads_of(chain)["g1"]
    with_note = flow.add_addendum(slipped_in, "p04", "更正", NOW)
    saved, new_head = seal_on_save(with_note, slipped_in, chain, head, NOW)
    assert saved[-1].seal is None and saved[-1].addenda[0].seal is not None
    assert new_head is not None
    result = verify([*chain, saved[-1]], {"g1": new_head})
    assert only(result) == (ProblemKind.INSERTED, Reason.UNSEALED, "m-g1-forged", 0)


# --------------------------------------------------------------------------
# What verify catches


def test_an_edited_opinion_is_named_as_changed(demo_meetings: tuple[Meeting, ...]) -> None:
    target = g1(demo_meetings)[4]
    opinion = target.opinions[0]
    edited = replace(target, opinions=(replace(opinion, text=opinion.text + "。"),))
    result = verify(swap(demo_meetings, edited), heads_of(demo_meetings))
    assert only(result) == (ProblemKind.CHANGED, Reason.CONTENT, target.id, 0)
    zh, en = result.problems[0].describe("第一党小组", "Group 1")
    assert target.id in zh and target.held_on.isoformat() in zh and "改动" in zh
    assert "Group 1" in en and "changed" in en


def test_an_attendance_status_changed_is_named(demo_meetings: tuple[Meeting, ...]) -> None:
    target = g1(demo_meetings)[2]
    first = target.attendance[0]
    status = (
        AttendanceStatus.ABSENT
        if first.status is AttendanceStatus.PRESENT
        else AttendanceStatus.PRESENT
    )
    edited = replace(target, attendance=(replace(first, status=status), *target.attendance[1:]))
    result = verify(swap(demo_meetings, edited), heads_of(demo_meetings))
    assert only(result)[:3] == (ProblemKind.CHANGED, Reason.CONTENT, target.id)


def test_what_may_change_after_finalising_does_not_break_the_seal(
    demo_meetings: tuple[Meeting, ...],
) -> None:
    target = g1(demo_meetings)[1]
    later = replace(target, step=Step.FINALISED, checked_at=None, reported_at=None)
    assert verify(swap(demo_meetings, later), heads_of(demo_meetings)).ok


def test_sealed_minutes_set_back_to_an_open_step_are_changed(
    demo_meetings: tuple[Meeting, ...],
) -> None:
    target = g1(demo_meetings)[1]
    reopened = replace(target, step=Step.RECORD)
    result = verify(swap(demo_meetings, reopened), heads_of(demo_meetings))
    assert only(result) == (ProblemKind.CHANGED, Reason.NOT_FINAL, target.id, 0)


def test_a_record_changed_and_sealed_again_is_caught_by_the_next_link(
    demo_meetings: tuple[Meeting, ...],
) -> None:
    chain = g1(demo_meetings)
    target = chain[5]
    assert target.seal is not None and chain[4].seal is not None
    prev = SealHead("g1", chain[4].seal.index, chain[4].seal.digest, target.seal.prev_ref)
    # Sealed again with a new summary, as a program that knows the chain
    # would: its own digest fits, the next record's link does not.
    resealed, _ = seal_meeting(
        replace(target, summary="另一份小结", seal=None), prev, target.seal.sealed_at
    )
    assert resealed.seal is not None and resealed.seal.index == target.seal.index
    result = verify(swap(demo_meetings, resealed), heads_of(demo_meetings))
    assert only(result) == (ProblemKind.CHANGED, Reason.RESEALED, target.id, 0)


def test_an_edited_digest_is_changed(demo_meetings: tuple[Meeting, ...]) -> None:
    target = g1(demo_meetings)[0]
    assert target.seal is not None
    forged = replace(target, seal=replace(target.seal, digest="0" * 64))
    result = verify(swap(demo_meetings, forged), heads_of(demo_meetings))
    assert only(result) == (ProblemKind.CHANGED, Reason.CONTENT, target.id, 0)


def test_a_removed_record_is_named_by_the_one_after_it(
    demo_meetings: tuple[Meeting, ...],
) -> None:
    gone = g1(demo_meetings)[6]
    rest = [m for m in demo_meetings if m.id != gone.id]
    result = verify(rest, heads_of(demo_meetings))
    assert only(result) == (ProblemKind.REMOVED, Reason.MISSING, gone.id, 0)
    problem = result.problems[0]
    assert problem.ref is not None and problem.ref.held_on == gone.held_on
    assert gone.seal is not None and problem.index == gone.seal.index


def test_the_newest_record_removed_is_named_by_the_head(
    demo_meetings: tuple[Meeting, ...],
) -> None:
    newest = g1(demo_meetings)[-1]
    rest = [m for m in demo_meetings if m.id != newest.id]
    result = verify(rest, heads_of(demo_meetings))
    assert only(result) == (ProblemKind.REMOVED, Reason.MISSING, newest.id, 0)


def test_a_missing_chain_head_is_a_problem(demo_meetings: tuple[Meeting, ...]) -> None:
    heads = heads_of(demo_meetings)
    del heads["g2"]
    result = verify(demo_meetings, heads)
    assert [(p.kind, p.reason, p.group_id) for p in result.problems] == [
        (ProblemKind.REMOVED, Reason.HEAD_MISSING, "g2")
    ]


def test_a_copy_under_a_new_id_is_inserted_and_the_original_stands(
    demo_meetings: tuple[Meeting, ...],
) -> None:
    original = g1(demo_meetings)[3]
    copy = replace(original, id="m-g1-copy")
    result = verify([*demo_meetings, copy], heads_of(demo_meetings))
    assert only(result) == (ProblemKind.INSERTED, Reason.DUPLICATE, "m-g1-copy", 0)


def test_a_forged_meeting_with_a_made_up_seal_is_inserted(
    demo_meetings: tuple[Meeting, ...],
) -> None:
    model = g1(demo_meetings)[3]
    for index in (model.seal.index if model.seal else 4, 99, 0):
        made_up = Seal(index=index, prev="ab" * 32, digest="cd" * 32, sealed_at=NOW)
        forged = replace(model, id=f"m-g1-forged-{index}", summary="伪造", seal=made_up)
        result = verify([*demo_meetings, forged], heads_of(demo_meetings))
        kind, reason, meeting_id, _ = only(result)
        assert (kind, meeting_id) == (ProblemKind.INSERTED, forged.id)
        assert reason in (Reason.DUPLICATE, Reason.OFF_CHAIN)


def test_an_unsealed_finalised_meeting_in_a_sealed_group_is_inserted(
    demo_meetings: tuple[Meeting, ...],
) -> None:
    model = g1(demo_meetings)[3]
    forged = replace(model, id="m-g1-old", planned_at=model.planned_at - timedelta(days=400))
    forged = replace(forged, seal=None)
    result = verify([*demo_meetings, forged], heads_of(demo_meetings))
    assert only(result) == (ProblemKind.INSERTED, Reason.UNSEALED, "m-g1-old", 0)


# --------------------------------------------------------------------------
# Addenda


def _with_addendum(
    meetings: tuple[Meeting, ...], text: str
) -> tuple[list[Meeting], dict[str | None, SealHead], Meeting]:
    chain = g1(meetings)
    target = chain[2]
    corrected = flow.add_addendum(target, "p04", text, NOW)
    saved, head = seal_on_save(corrected, target, chain, heads_of(meetings)["g1"], NOW)
    assert len(saved) == 1 and head is not None
    heads = heads_of(meetings)
    heads["g1"] = head
    return swap(meetings, saved[0]), heads, saved[0]


def test_an_addendum_added_by_the_flow_is_sealed_and_verifies(
    demo_meetings: tuple[Meeting, ...],
) -> None:
    meetings, heads, corrected = _with_addendum(demo_meetings, "缺席原因更正为出差")
    addendum = corrected.addenda[0]
    assert addendum.seal is not None
    assert addendum.seal.index == len(g1(demo_meetings)) + 1
    assert corrected.seal == g1(demo_meetings)[2].seal  # the minutes' seal stays
    result = verify(meetings, heads)
    assert result.ok
    assert {c.group_id: c.addenda for c in result.chains}["g1"] == 1


def test_an_addendum_edited_afterwards_is_named(demo_meetings: tuple[Meeting, ...]) -> None:
    meetings, heads, corrected = _with_addendum(demo_meetings, "缺席原因更正为出差")
    edited = replace(corrected, addenda=(replace(corrected.addenda[0], text="缺席原因更正为病假"),))
    result = verify(swap(tuple(meetings), edited), heads)
    assert only(result) == (ProblemKind.CHANGED, Reason.CONTENT, corrected.id, 1)
    zh, en = result.problems[0].describe("第一党小组")
    assert "第 1 条补充说明" in zh and "Addendum 1" in en


def test_an_addendum_removed_or_slipped_in_is_named(demo_meetings: tuple[Meeting, ...]) -> None:
    meetings, heads, corrected = _with_addendum(demo_meetings, "缺席原因更正为出差")
    removed = replace(corrected, addenda=())
    result = verify(swap(tuple(meetings), removed), heads)
    assert only(result) == (ProblemKind.REMOVED, Reason.MISSING, corrected.id, 1)
    unsealed = replace(corrected.addenda[0], seal=None, text="另一条")
    slipped = replace(corrected, addenda=(*corrected.addenda, unsealed))
    result = verify(swap(tuple(meetings), slipped), heads)
    assert only(result) == (ProblemKind.INSERTED, Reason.UNSEALED, corrected.id, 2)
