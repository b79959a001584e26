"""The kiosk's facade: what a screen saves reaches the disk in order, a write
that fails is reported and nothing pretends it was saved, and a leader sees
only their own group."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from rules.checks.findings import SubjectKind
from storage import FileRepository, StorageError, StorageWriteError
from tests.tui.conftest import LEADER_G1, LEADER_G3, NOW, SECRETARY, TZ, Clock
from tui.core.env import KioskEnv
from tui.core.kiosk import Kiosk


def _kiosk(data: Path, clock: Clock | None = None) -> Kiosk:
    env = KioskEnv(data_dir=data, tz=TZ, clock=clock or Clock())
    return Kiosk(env, FileRepository(data).open())


def _unlock(kiosk: Kiosk, person_id: str, group_id: str | None) -> None:
    person = kiosk.org.person(person_id)
    assert person is not None
    kiosk.start_session(person, group_id)


def test_saves_reach_the_disk_in_the_order_they_were_made(demo_dir: Path) -> None:
    kiosk = _kiosk(demo_dir)
    _unlock(kiosk, LEADER_G1, "g1")
    meeting = kiosk.current_meeting()
    assert meeting is not None
    for n in range(30):
        kiosk.save_meeting(replace(meeting, place=f"会议室{n}"))
    kiosk.close()
    on_disk = FileRepository(demo_dir, writable=False).meeting(meeting.id)
    assert on_disk is not None and on_disk.place == "会议室29"


def test_a_failed_write_is_reported_and_the_stored_record_comes_back(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kiosk = _kiosk(demo_dir)
    _unlock(kiosk, LEADER_G1, "g1")
    meeting = kiosk.current_meeting()
    assert meeting is not None
    reported: list[tuple[StorageError, str]] = []
    kiosk.writer.on_error = lambda error, mid: reported.append((error, mid))

    def full_disk(_meeting: object) -> None:
        raise StorageWriteError(demo_dir / "meetings", OSError(28, "No space left on device"))

    monkeypatch.setattr(kiosk.repo, "save_meeting", full_disk)
    kiosk.save_meeting(replace(meeting, place="不会保存"))
    kiosk.writer.flush_sync()
    assert [mid for _, mid in reported] == [meeting.id]
    assert "磁盘空间已满" in reported[0][0].message("zh")
    monkeypatch.undo()
    kiosk.reload()
    assert kiosk.records.meeting(meeting.id).place == meeting.place
    kiosk.close()


def test_a_leader_sees_only_their_own_groups_findings(demo_dir: Path) -> None:
    kiosk = _kiosk(demo_dir)
    _unlock(kiosk, LEADER_G3, "g3")
    mine = kiosk.findings()
    assert any(f.rule == "L1" for f in mine)  # 林晓 is probationary
    for finding in mine:
        if finding.subject.kind is SubjectKind.GROUP:
            assert finding.subject.id == "g3"
    assert not any(f.rule == "G1" for f in mine)  # 第四党小组's problem, not theirs
    _unlock(kiosk, SECRETARY, "g1")
    assert {"G1", "L1"} <= {f.rule for f in kiosk.findings()}
    kiosk.close()


def test_a_new_meeting_takes_its_topic_from_the_years_plan(demo_dir: Path) -> None:
    kiosk = _kiosk(demo_dir)
    _unlock(kiosk, LEADER_G1, "g1")
    december = kiosk.new_meeting(date(2026, 12, 10))
    plan = kiosk.records.plan("g1", 2026)
    assert plan is not None
    assert december.topics == (plan.topic_for(12),)
    assert december.kind.value == "life"  # Y2: December is the group life meeting
    assert december.planned_at.tzinfo is not None and december.planned_at.date() == date(
        2026, 12, 10
    )
    kiosk.close()
    assert FileRepository(demo_dir, writable=False).meeting(december.id) is not None


def test_the_clock_is_the_one_it_was_given(demo_dir: Path) -> None:
    kiosk = _kiosk(demo_dir)
    assert kiosk.now() == NOW
    kiosk.close()


async def test_a_cancelled_wait_never_drops_a_queued_write(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A screen that waits for "saved" and is closed (its worker cancelled)
    must not take a queued write down with it."""
    import asyncio
    import threading

    kiosk = _kiosk(demo_dir)
    _unlock(kiosk, LEADER_G1, "g1")
    meeting = kiosk.current_meeting()
    assert meeting is not None
    release = threading.Event()
    real_save = kiosk.repo.save_meeting

    def held_back(m: object) -> None:
        release.wait(5)
        real_save(m)  # type: ignore[arg-type]

    monkeypatch.setattr(kiosk.repo, "save_meeting", held_back)
    kiosk.save_meeting(replace(meeting, place="第一会议室"))  # the writer is busy with this
    kiosk.save_meeting(replace(meeting, place="第二会议室"))  # queued, not started
    waiter = asyncio.ensure_future(kiosk.writer.flush())
    await asyncio.sleep(0.05)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    release.set()
    assert await kiosk.writer.flush()
    kiosk.close()
    on_disk = FileRepository(demo_dir, writable=False).meeting(meeting.id)
    assert on_disk is not None and on_disk.place == "第二会议室"


async def test_a_sign_in_is_one_journal_record_folded_by_the_meetings_next_save(
    demo_dir: Path,
) -> None:
    """A badge sign-in is on disk when ``flush`` returns, without rewriting
    the meeting's file; the leader's next save of the meeting takes it in,
    and a later change of theirs is not undone at the next start."""
    from rules.meeting import flow
    from rules.models import AttendanceStatus, RecordedBy
    from storage.journal import JOURNAL_NAME, parse

    kiosk = _kiosk(demo_dir)
    _unlock(kiosk, LEADER_G1, "g1")
    meeting = kiosk.records.meeting("m-g1-2026-12")
    planned = flow.plan(meeting, place="会议室", recorder_id=LEADER_G1)
    kiosk.save_meeting(flow.start(planned, kiosk.org, kiosk.now()))
    assert await kiosk.writer.flush()
    kiosk.signin_meeting_id = meeting.id
    (meeting_file,) = demo_dir.glob(f"meetings/*/{meeting.id}.json")
    before = meeting_file.read_bytes()

    kiosk.sign_in("p05", RecordedBy.BADGE)
    kiosk.sign_in("p06", RecordedBy.BADGE)
    assert await kiosk.writer.flush()
    assert meeting_file.read_bytes() == before
    journal = parse((demo_dir / JOURNAL_NAME).read_bytes(), JOURNAL_NAME)
    assert [e.attendance.person_id for e in journal.entries] == ["p05", "p06"]
    with FileRepository(demo_dir, writable=False) as reader:  # xiaozu check, beside
        stored = reader.meeting(meeting.id)
        assert stored is not None and {"p05", "p06"} <= {a.person_id for a in stored.attendance}

    # The leader marks p06 away after all: the meeting's file is saved whole.
    kiosk.update_meeting(
        meeting.id,
        attendance=tuple(
            replace(a, status=AttendanceStatus.ABSENT, reason="临时离开")
            if a.person_id == "p06"
            else a
            for a in kiosk.records.meeting(meeting.id).attendance
        ),
    )
    assert await kiosk.writer.flush()
    assert meeting_file.read_bytes() != before
    # Killed now (no clean stop): the journal still holds both sign-ins.
    kiosk.writer.close()
    kiosk.repo._file_journal.close()  # type: ignore[attr-defined]
    kiosk.repo._lock.release()  # type: ignore[attr-defined]

    again = _kiosk(demo_dir)
    stored = again.records.meeting(meeting.id)
    assert stored.attendance_of("p05").status.attended  # type: ignore[union-attr]
    assert stored.attendance_of("p06").status is AttendanceStatus.ABSENT  # type: ignore[union-attr]
    again.close()
