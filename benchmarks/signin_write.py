"""One durable sign-in write with years of data, against a single-row
insert-and-commit in SQLite (WAL, synchronous=FULL) in the same directory,
in the same run.

    .venv/bin/python -m benchmarks.signin_write DATA [--rounds 4] [--json]

The kiosk's real path: a ``tui.core.kiosk.Kiosk`` (no Textual) over ``DATA``
opens a meeting of g1 (``rules.meeting.flow``), then each of its members signs in by
badge, ``Kiosk.sign_in`` then ``await Kiosk.flush()``, which returns once the
sign-in is on disk: one record appended to the sign-in journal
(``<data>/signins.journal``, ``storage.journal``), written over space the
file already holds (zeros), then one ``fdatasync`` — no rename, no change of
the file's size. The meeting's own file takes the sign-ins in later (the
meeting's next save, the kiosk's clean stop, or the next start); the first
sign-in of a data directory also makes the journal, which shows in the p99,
not the median. One write is timed from the call to the flush returning.
Each round is a new meeting of g1, four weeks after the last.

The baseline: a SQLite database in ``DATA`` itself (same file system, same
disk), WAL journal, ``synchronous=FULL``: one attendance row inserted and
committed per sample. Kiosk writes and SQLite commits take turns, so drift
of a shared machine touches both alike; the medians are compared. The
database is removed afterwards. Storage is not changed here: the figure is
what the kiosk does today. The sign-ins are read back by a read-only
repository after the kiosk's clean stop (which folds them into the meetings'
files).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

from rules.meeting import flow
from rules.models import Meeting, RecordedBy, Step
from storage import FileRepository
from tui.core.env import KioskEnv
from tui.core.kiosk import Kiosk

GROUP = "g1"
_DB = "bench-baseline.sqlite3"


@dataclass(frozen=True)
class WriteReport:
    writes: int
    kiosk_median_ms: float
    kiosk_p99_ms: float
    sqlite_median_ms: float
    sqlite_p99_ms: float
    ratio: float  # kiosk median / SQLite median
    recorded: int  # sign-ins found in the meetings read back from disk

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _p99(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


class _Sqlite:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute(
            "CREATE TABLE attendance (meeting_id TEXT, person_id TEXT, status TEXT, at TEXT)"
        )
        self.n = 0

    def write(self) -> float:
        self.n += 1
        began = time.perf_counter()
        self.db.execute("BEGIN")
        self.db.execute(
            "INSERT INTO attendance VALUES (?, ?, ?, ?)",
            ("m-bench", f"p{self.n:04d}", "present", time.time()),
        )
        self.db.execute("COMMIT")
        return time.perf_counter() - began

    def close(self) -> None:
        self.db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


async def _open_meeting(kiosk: Kiosk, after: Meeting | None) -> Meeting:
    if after is None:
        ready = [
            m
            for m in kiosk.meetings(GROUP)
            if m.step is Step.PREPARATION and m.postponement is None
        ]
        meeting = min(ready, key=lambda m: (m.planned_at, m.id))
    else:
        planned_at = after.planned_at + timedelta(weeks=4)
        meeting = Meeting(
            id=f"m-{GROUP}-{planned_at:%Y%m%d}-write",
            group_id=GROUP,
            planned_at=planned_at,
            topics=after.topics,
            chair_id=after.chair_id,
        )
    return await start_for_signin(kiosk, meeting, "会议室")


async def start_for_signin(kiosk: Kiosk, meeting: Meeting, place: str) -> Meeting:
    """``meeting`` planned (at ``place`` unless it has one), started, saved
    and taking sign-ins (also used by benchmarks.signin_http)."""
    group = kiosk.org.group(GROUP)
    planned = flow.plan(
        meeting,
        place=meeting.place or place,
        recorder_id=meeting.recorder_id or (group.leader_id if group else None),
    )
    # Started at its planned time: nobody counts as late, and the meeting is
    # open for sign-in whatever today's date.
    started = flow.start(planned, kiosk.org, kiosk.now())
    kiosk.save_meeting(started)
    if not await kiosk.writer.flush():
        raise RuntimeError(f"the meeting {started.id} could not be saved")
    kiosk.signin_meeting_id = started.id
    return started


async def measure(data: Path, rounds: int = 4) -> WriteReport:
    repo = FileRepository(data).open()
    kiosk = Kiosk(KioskEnv(data), repo)
    sqlite = _Sqlite(data / _DB)
    ours: list[float] = []
    theirs: list[float] = []
    opened: list[Meeting] = []
    try:
        sqlite.write()  # the table's first page, untimed
        meeting: Meeting | None = None
        for _ in range(rounds):
            meeting = await _open_meeting(kiosk, meeting)
            opened.append(meeting)
            for person in kiosk.org.members_of(GROUP):
                theirs.append(sqlite.write())
                began = time.perf_counter()
                kiosk.sign_in(person.id, RecordedBy.BADGE)
                if not await kiosk.writer.flush():
                    raise RuntimeError("a sign-in was not saved")
                ours.append(time.perf_counter() - began)
    finally:
        sqlite.close()
        await kiosk.writer.flush()
        kiosk.close()
    with FileRepository(data, writable=False) as reader:
        recorded = 0
        for meeting in opened:
            found = reader.meeting(meeting.id)
            recorded += sum(
                1 for a in (found.attendance if found else ()) if a.recorded_by is RecordedBy.BADGE
            )
    ours_ms = statistics.median(ours) * 1000
    theirs_ms = statistics.median(theirs) * 1000
    return WriteReport(
        writes=len(ours),
        kiosk_median_ms=ours_ms,
        kiosk_p99_ms=_p99(ours) * 1000,
        sqlite_median_ms=theirs_ms,
        sqlite_p99_ms=_p99(theirs) * 1000,
        ratio=ours_ms / theirs_ms,
        recorded=recorded,
    )


def table(report: WriteReport) -> str:
    return (
        f"one durable sign-in write ({report.writes} writes): kiosk median"
        f" {report.kiosk_median_ms:.2f} ms (p99 {report.kiosk_p99_ms:.2f}), SQLite WAL"
        f" synchronous=FULL insert+commit median {report.sqlite_median_ms:.2f} ms"
        f" (p99 {report.sqlite_p99_ms:.2f}), ratio {report.ratio:.2f}x;"
        f" {report.recorded} of {report.writes} read back from disk"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.signin_write")
    parser.add_argument("data", type=Path, help="a data directory (it is written to)")
    parser.add_argument("--rounds", type=int, default=4, help="meetings of g1 to sign in to")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    report = asyncio.run(measure(args.data, args.rounds))
    print(json.dumps(report.to_json(), indent=2) if args.json else table(report))
    return 0 if report.recorded == report.writes else 1


if __name__ == "__main__":
    sys.exit(main())
