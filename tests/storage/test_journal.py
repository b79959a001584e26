"""Sign-ins in the journal (storage.journal): appended with one sync, seen at
once by every reader, folded into the meeting's file later, and never lost
or replayed over a newer change.

Contract tests run against both repositories; then what a user would notice
on disk: a kill before any fold, a power cut in the middle of an append, the
leader's change after a sign-in, ``xiaozu check`` beside the kiosk, a
damaged journal, a full disk, a backup."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from rules.models import Attendance, AttendanceStatus, Meeting, RecordedBy, Step
from storage import (
    DataFileError,
    DataFileProblem,
    FileRepository,
    RecordNotFoundError,
    Repository,
    StorageWriteError,
)
from storage import journal as journal_module
from storage.backup import create_backup, restore_backup
from storage.journal import HEADER_SIZE, JOURNAL_NAME, parse
from tests.storage.conftest import at, make_meeting, make_org

ROOT = Path(__file__).resolve().parents[2]
MEETING_ID = "m-2025-01"
MEETING_FILE = Path("meetings/2025/m-2025-01.json")


def open_meeting() -> Meeting:
    """A meeting at its first step, nobody recorded yet."""
    return make_meeting(step=Step.ABSENTEE_REPORT, attendance=(), ended_at=None)


def came(person_id: str, minute: int = 25, by: RecordedBy = RecordedBy.PHONE) -> Attendance:
    return Attendance(
        person_id,
        AttendanceStatus.PRESENT,
        recorded_by=by,
        recorded_at=at(2025, 1, 7, 19, minute),
        phone=f"phone-{person_id}" if by is RecordedBy.PHONE else "",
    )


def statuses(meeting: Meeting | None) -> dict[str, AttendanceStatus]:
    assert meeting is not None
    return {a.person_id: a.status for a in meeting.attendance}


def set_up(repository: Repository) -> None:
    repository.save_organisation(make_org())
    repository.save_meeting(open_meeting())


def abandon(repository: FileRepository) -> None:
    """Leave the data directory as a kill would: no fold at the end."""
    repository._file_journal.close()
    assert repository._lock is not None
    repository._lock.release()


def stored_attendance(data: Path) -> list[str]:
    """The people in the meeting's own file (without the journal)."""
    document = json.loads((data / MEETING_FILE).read_text("utf-8"))
    return [a["person_id"] for a in document["meeting"]["1"]["attendance"]]


def journal_records(data: Path) -> int:
    return len(parse((data / JOURNAL_NAME).read_bytes(), JOURNAL_NAME).entries)


# -- the contract, both repositories -------------------------------------------


def test_a_sign_in_is_read_back_at_once_and_folded_later(repo: Repository) -> None:
    set_up(repo)
    repo.append_signin(MEETING_ID, came("p1"))
    repo.append_signin(MEETING_ID, came("p2", 27))
    assert statuses(repo.meeting(MEETING_ID)) == {
        "p1": AttendanceStatus.PRESENT,
        "p2": AttendanceStatus.PRESENT,
    }
    assert [m.attendance for m in repo.meetings()] == [repo.meeting(MEETING_ID).attendance]  # type: ignore[union-attr]
    assert repo.records().meetings[0].attendance_of("p2") == came("p2", 27)
    assert repo.fold_signins() == 2
    assert repo.fold_signins() == 0
    assert statuses(repo.meeting(MEETING_ID)) == {
        "p1": AttendanceStatus.PRESENT,
        "p2": AttendanceStatus.PRESENT,
    }


def test_a_sign_in_to_a_meeting_not_stored_is_refused(repo: Repository) -> None:
    set_up(repo)
    with pytest.raises(RecordNotFoundError, match="m-2025-99"):
        repo.append_signin("m-2025-99", came("p1"))


def test_the_leaders_later_change_is_not_undone_by_the_journal(repo: Repository) -> None:
    set_up(repo)
    repo.append_signin(MEETING_ID, came("p1"))
    signed_in = repo.meeting(MEETING_ID)
    assert signed_in is not None
    # The leader marks p1 absent after all (the kiosk saves the whole meeting).
    absent = Attendance("p1", AttendanceStatus.ABSENT, reason="未到会")
    repo.save_meeting(replace(signed_in, attendance=(absent,)))
    assert statuses(repo.meeting(MEETING_ID)) == {"p1": AttendanceStatus.ABSENT}
    repo.fold_signins()
    assert statuses(repo.meeting(MEETING_ID)) == {"p1": AttendanceStatus.ABSENT}
    # A later sign-in of someone else still counts.
    repo.append_signin(MEETING_ID, came("p2", 40))
    assert statuses(repo.meeting(MEETING_ID)) == {
        "p1": AttendanceStatus.ABSENT,
        "p2": AttendanceStatus.PRESENT,
    }


# -- on disk --------------------------------------------------------------------


KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from storage import FileRepository
from tests.storage.conftest import at
from tests.storage.test_journal import came
repo = FileRepository(Path(sys.argv[1])).open()
repo.append_signin("m-2025-01", came("p1"))
repo.append_signin("m-2025-01", came("p2", 27))
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_sign_in_survives_a_kill_before_any_fold(data_dir: Path) -> None:
    with FileRepository(data_dir) as repository:
        set_up(repository)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, str(data_dir)], cwd=ROOT, check=False
    )
    assert killed.returncode == -signal.SIGKILL
    # Only in the journal so far; `xiaozu check` beside the kiosk sees them.
    assert stored_attendance(data_dir) == []
    assert journal_records(data_dir) == 2
    with FileRepository(data_dir, writable=False) as reader:
        assert set(statuses(reader.meeting(MEETING_ID))) == {"p1", "p2"}
        meetings, damaged = reader.meetings_readable()
        assert not damaged and set(statuses(meetings[0])) == {"p1", "p2"}
    # The next start folds them into the meeting's file, and the journal is empty.
    with FileRepository(data_dir) as repository:
        assert stored_attendance(data_dir) == ["p1", "p2"]
        assert journal_records(data_dir) == 0
        assert set(statuses(repository.meeting(MEETING_ID))) == {"p1", "p2"}


def test_a_torn_last_record_is_ignored_and_the_earlier_ones_kept(data_dir: Path) -> None:
    repository = FileRepository(data_dir).open()
    set_up(repository)
    for number, person_id in enumerate(("p1", "p2", "p3")):
        repository.append_signin(MEETING_ID, came(person_id, 20 + number))
    abandon(repository)
    # A power cut in the middle of the third append: its end never got there.
    path = data_dir / JOURNAL_NAME
    raw = bytearray(path.read_bytes())
    end = parse(bytes(raw), path).end
    raw[end - 10 : end] = bytes(10)
    path.write_bytes(bytes(raw))

    state = parse(path.read_bytes(), path)
    assert state.torn and [e.attendance.person_id for e in state.entries] == ["p1", "p2"]
    with FileRepository(data_dir, writable=False) as reader:
        assert set(statuses(reader.meeting(MEETING_ID))) == {"p1", "p2"}
    with FileRepository(data_dir) as repository:
        assert set(statuses(repository.meeting(MEETING_ID))) == {"p1", "p2"}
        repository.append_signin(MEETING_ID, came("p3", 30))
    assert stored_attendance(data_dir) == ["p1", "p2", "p3"]


def test_after_a_restart_the_leaders_change_stays(data_dir: Path) -> None:
    repository = FileRepository(data_dir).open()
    set_up(repository)
    repository.append_signin(MEETING_ID, came("p1"))
    signed_in = repository.meeting(MEETING_ID)
    assert signed_in is not None
    absent = Attendance("p1", AttendanceStatus.ABSENT, reason="未到会")
    repository.save_meeting(replace(signed_in, attendance=(absent,)))
    repository.append_signin(MEETING_ID, came("p2", 40))
    abandon(repository)  # killed: the journal still holds both sign-ins
    assert journal_records(data_dir) == 2
    with FileRepository(data_dir, writable=False) as reader:
        assert statuses(reader.meeting(MEETING_ID)) == {
            "p1": AttendanceStatus.ABSENT,
            "p2": AttendanceStatus.PRESENT,
        }
    with FileRepository(data_dir) as repository:
        assert statuses(repository.meeting(MEETING_ID)) == {
            "p1": AttendanceStatus.ABSENT,
            "p2": AttendanceStatus.PRESENT,
        }
    assert stored_attendance(data_dir) == ["p1", "p2"]


def test_a_clean_stop_leaves_no_sign_in_in_the_journal(data_dir: Path) -> None:
    with FileRepository(data_dir) as repository:
        set_up(repository)
        repository.append_signin(MEETING_ID, came("p1"))
        assert stored_attendance(data_dir) == []
    assert stored_attendance(data_dir) == ["p1"]
    assert journal_records(data_dir) == 0


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda raw: b"not a journal at all" + raw[20:], DataFileProblem.FOREIGN),
        (lambda raw: raw[:10], DataFileProblem.TRUNCATED),
        # The first record damaged, the second whole: not a torn tail.
        (lambda raw: raw[: HEADER_SIZE + 30] + b"X" + raw[HEADER_SIZE + 31 :], None),
    ],
    ids=["foreign", "truncated", "damaged-in-the-middle"],
)
def test_a_damaged_journal_is_named_and_left_byte_for_byte(
    data_dir: Path, damage: object, problem: DataFileProblem | None
) -> None:
    repository = FileRepository(data_dir).open()
    set_up(repository)
    repository.append_signin(MEETING_ID, came("p1"))
    repository.append_signin(MEETING_ID, came("p2", 27))
    abandon(repository)
    path = data_dir / JOURNAL_NAME
    damaged = damage(path.read_bytes())  # type: ignore[operator]
    path.write_bytes(damaged)

    with pytest.raises(DataFileError) as caught:
        FileRepository(data_dir).open()
    error = caught.value
    assert error.problem is (problem or DataFileProblem.INVALID)
    assert JOURNAL_NAME in error.message("zh") and "该文件未被改动" in error.message("zh")
    assert JOURNAL_NAME in error.message("en")
    assert path.read_bytes() == damaged
    # The lock was let go: the next try (after a restore) is not "busy".
    with FileRepository(data_dir, writable=False) as reader:
        with pytest.raises(DataFileError):
            reader.meeting(MEETING_ID)
        meetings, problems = reader.meetings_readable()
        assert [p.where for p in problems] == [str(path)] and len(meetings) == 1
    assert path.read_bytes() == damaged


def test_a_full_disk_refuses_the_sign_in_clearly_and_loses_nothing(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FileRepository(data_dir) as repository:
        set_up(repository)
        repository.append_signin(MEETING_ID, came("p1"))
        before = (data_dir / JOURNAL_NAME).read_bytes()

        def full_disk(fd: int, payload: bytes, offset: int) -> None:
            os.pwrite(fd, payload[: len(payload) // 2], offset)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(journal_module, "_pwrite_all", full_disk)
        with pytest.raises(StorageWriteError) as caught:
            repository.append_signin(MEETING_ID, came("p2", 27))
        said = caught.value.message("zh")
        assert "磁盘空间已满" in said and JOURNAL_NAME in said and "原有文件未被改动" in said
        assert "the disk is full" in caught.value.message("en")
        assert (data_dir / JOURNAL_NAME).read_bytes() == before
        assert set(statuses(repository.meeting(MEETING_ID))) == {"p1"}

        monkeypatch.undo()
        repository.append_signin(MEETING_ID, came("p3", 29))
        assert set(statuses(repository.meeting(MEETING_ID))) == {"p1", "p3"}
    with FileRepository(data_dir, writable=False) as reader:
        assert set(statuses(reader.meeting(MEETING_ID))) == {"p1", "p3"}


def test_the_journal_grows_when_its_zeros_run_out(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal_module, "CHUNK", 512)
    repository = FileRepository(data_dir).open()
    set_up(repository)
    people = [f"p{n}" for n in range(1, 5)] * 3
    for number, person_id in enumerate(people):
        repository.append_signin(MEETING_ID, came(person_id, number))
    abandon(repository)
    assert (data_dir / JOURNAL_NAME).stat().st_size > 512
    assert journal_records(data_dir) == len(people)
    with FileRepository(data_dir) as repository:
        assert statuses(repository.meeting(MEETING_ID)) == dict.fromkeys(
            ("p1", "p2", "p3", "p4"), AttendanceStatus.PRESENT
        )
    assert (data_dir / JOURNAL_NAME).stat().st_size == 512


def test_a_backup_holds_sign_ins_not_yet_folded(data_dir: Path, tmp_path: Path) -> None:
    repository = FileRepository(data_dir).open()
    set_up(repository)
    repository.append_signin(MEETING_ID, came("p1"))
    # The kiosk runs on: the backup reads beside it.
    taken = create_backup(data_dir, tmp_path / "backup.tar.gz", now=datetime(2025, 1, 8))
    abandon(repository)
    restored = tmp_path / "restored"
    restore_backup(taken.archive, restored, now=datetime(2025, 1, 9))
    with FileRepository(restored, writable=False) as reader:
        assert set(statuses(reader.meeting(MEETING_ID))) == {"p1"}


def test_a_journal_made_anew_numbers_on_from_what_the_meetings_hold(data_dir: Path) -> None:
    """A lost journal (deleted by hand, say) must not make later sign-ins
    look older than what the meetings' files already hold."""
    with FileRepository(data_dir) as repository:
        set_up(repository)
        for number, person_id in enumerate(("p1", "p2", "p3")):
            repository.append_signin(MEETING_ID, came(person_id, 20 + number))
    (data_dir / JOURNAL_NAME).unlink()
    with FileRepository(data_dir) as repository:
        repository.append_signin(MEETING_ID, came("p4", 35))
        state = parse((data_dir / JOURNAL_NAME).read_bytes(), JOURNAL_NAME)
        assert [e.seq for e in state.entries] == [4]
        abandon(repository)
    with FileRepository(data_dir) as repository:
        assert set(statuses(repository.meeting(MEETING_ID))) == {"p1", "p2", "p3", "p4"}


# -- group commit: sign-ins that arrive together share one sync ------------------


def test_sign_ins_that_arrive_together_are_written_with_one_sync(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_up(repo)
    syncs: list[int] = []
    real = os.fdatasync

    def counted(fd: int) -> None:
        syncs.append(fd)
        real(fd)

    monkeypatch.setattr(journal_module.os, "fdatasync", counted)
    outcomes = repo.append_signins(
        [(MEETING_ID, came("p1")), ("m-2025-99", came("p2")), (MEETING_ID, came("p3", 30))]
    )
    # The one for a meeting that is not stored fails alone, with its reason.
    assert outcomes[0] is None and outcomes[2] is None
    assert isinstance(outcomes[1], RecordNotFoundError)
    assert set(statuses(repo.meeting(MEETING_ID))) == {"p1", "p3"}
    if isinstance(repo, FileRepository):
        assert len(syncs) == 1
        with FileRepository(repo.data_dir, writable=False) as reader:
            assert set(statuses(reader.meeting(MEETING_ID))) == {"p1", "p3"}


def test_a_failed_sync_fails_every_sign_in_of_its_batch_and_keeps_none(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repository = FileRepository(data_dir).open()
    set_up(repository)
    repository.append_signin(MEETING_ID, came("p1"))

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(journal_module.os, "fdatasync", full)
        outcomes = repository.append_signins([(MEETING_ID, came("p2")), (MEETING_ID, came("p3"))])
    assert all(isinstance(outcome, StorageWriteError) for outcome in outcomes)
    assert set(statuses(repository.meeting(MEETING_ID))) == {"p1"}
    abandon(repository)
    assert journal_records(data_dir) == 1
    with FileRepository(data_dir) as repository:
        assert set(statuses(repository.meeting(MEETING_ID))) == {"p1"}


def _batch_on_disk(data_dir: Path) -> tuple[Path, bytes, list[int]]:
    """A journal holding p1 alone, then p2, p3, p4 in one batch, as a kill
    leaves it; with the offsets of the batch's records."""
    repository = FileRepository(data_dir).open()
    set_up(repository)
    repository.append_signin(MEETING_ID, came("p1"))
    before = parse((data_dir / JOURNAL_NAME).read_bytes(), JOURNAL_NAME).end
    assert repository.append_signins(
        [(MEETING_ID, came(p, 30 + n)) for n, p in enumerate(("p2", "p3", "p4"))]
    ) == [None, None, None]
    abandon(repository)
    path = data_dir / JOURNAL_NAME
    raw = path.read_bytes()
    offsets = [before]
    for _ in range(2):
        length = int.from_bytes(raw[offsets[-1] + 4 : offsets[-1] + 8], "little")
        offsets.append(offsets[-1] + journal_module.RECORD_HEADER_SIZE + length)
    assert raw[offsets[0] : offsets[0] + 4] == journal_module.BATCH_MAGIC
    assert raw[offsets[2] : offsets[2] + 4] == journal_module.RECORD_MAGIC
    return path, raw, offsets


@pytest.mark.parametrize(
    "lost",
    ["first-record-damaged", "middle-page-never-written", "last-record-missing"],
)
def test_a_batch_cut_short_by_a_power_cut_is_ignored_whole(data_dir: Path, lost: str) -> None:
    """A power cut during a batch's sync may leave any of its pages on the
    disk: none of the batch was confirmed, so none of it counts, and the
    sign-ins confirmed before it stay."""
    path, raw, offsets = _batch_on_disk(data_dir)
    damaged = bytearray(raw)
    if lost == "first-record-damaged":  # its payload's end did not get there
        damaged[offsets[1] - 8 : offsets[1]] = bytes(8)
    elif lost == "middle-page-never-written":
        damaged[offsets[1] : offsets[2]] = bytes(offsets[2] - offsets[1])
    else:
        damaged[offsets[2] : offsets[2] + 30] = bytes(30)
    path.write_bytes(bytes(damaged))

    state = parse(path.read_bytes(), path)
    assert state.torn and [e.attendance.person_id for e in state.entries] == ["p1"]
    with FileRepository(data_dir) as repository:
        assert set(statuses(repository.meeting(MEETING_ID))) == {"p1"}
        repository.append_signin(MEETING_ID, came("p2", 40))
    assert stored_attendance(data_dir) == ["p1", "p2"]


def test_a_damaged_record_of_a_confirmed_batch_with_more_after_it_is_damage(
    data_dir: Path,
) -> None:
    """The first sign-in (alone, confirmed) damaged with the batch after it
    whole: not a power cut, and never read past or written over."""
    path, raw, _ = _batch_on_disk(data_dir)
    damaged = raw[: HEADER_SIZE + 30] + b"X" + raw[HEADER_SIZE + 31 :]
    path.write_bytes(damaged)
    with pytest.raises(DataFileError) as caught:
        FileRepository(data_dir).open()
    assert "damaged" in caught.value.message("en")
    assert path.read_bytes() == damaged


def test_a_journal_from_before_group_commit_is_read_and_started_again(data_dir: Path) -> None:
    """A format 1 journal (every record on its own) left by a kill of an
    older xiaozu: its sign-ins are folded in, and the journal started again
    in this format before it takes a batch."""
    with FileRepository(data_dir) as repository:
        set_up(repository)
    first = 1
    crc = journal_module.zlib.crc32(journal_module.struct.pack("<IQ", 1, first))
    header = journal_module._HEADER.pack(journal_module.MAGIC, 1, crc, first)
    records = journal_module.record_bytes(1, MEETING_ID, came("p1"))
    records += journal_module.record_bytes(2, MEETING_ID, came("p2", 27))
    old = header + records
    (data_dir / JOURNAL_NAME).write_bytes(old + bytes(journal_module.CHUNK - len(old)))
    assert parse((data_dir / JOURNAL_NAME).read_bytes(), JOURNAL_NAME).version == 1
    with FileRepository(data_dir) as repository:
        assert set(statuses(repository.meeting(MEETING_ID))) == {"p1", "p2"}
        assert repository.append_signins(
            [(MEETING_ID, came("p3", 30)), (MEETING_ID, came("p4", 31))]
        ) == [None, None]
        state = parse((data_dir / JOURNAL_NAME).read_bytes(), JOURNAL_NAME)
        assert state.version == journal_module.FORMAT
        assert [e.seq for e in state.entries] == [3, 4]
    assert stored_attendance(data_dir) == ["p1", "p2", "p3", "p4"]
