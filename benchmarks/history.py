"""Cost flat in history (issue 15): the kiosk started on one year of the
branch and on thirty, in new processes taking turns.

    .venv/bin/python -m benchmarks.history [--years 30] [--repeat 5]

Reported, each as the long history against one year measured in the same
run: the peak memory once everything is loaded (aim at most 1.15x), the
bytes read by then (rchar; the aim is that they do not grow with the
years), and the time to loaded. These are starts on files as the last start
left them, which find the history index (``storage.history_index``) good;
the first start after the files are written reads every file and writes the
index, and its bytes and time are reported too (the long history's, against
the same start on one year).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from benchmarks.data import TZ, size_on_disk, write_branch
from benchmarks.kiosk_start import KIOSK, Start, start_once
from storage.documents import SETTLE_NS

MEMORY_AIM = 1.15


@dataclass(frozen=True)
class Side:
    years: int
    meetings: int
    megabytes: float  # of JSON on disk
    peak_kib: float  # medians, once loaded
    read_bytes: float
    loaded_s: float
    rebuild_read_bytes: float  # the first start, which reads every file
    rebuild_loaded_s: float


@dataclass(frozen=True)
class HistoryReport:
    repeat: int
    short: Side
    long: Side
    window: Side  # two years: the years the kiosk holds whole in memory

    @property
    def memory_ratio(self) -> float:
        return self.long.peak_kib / self.short.peak_kib

    @property
    def read_ratio(self) -> float:
        return self.long.read_bytes / self.short.read_bytes

    @property
    def window_read_ratio(self) -> float:
        return self.long.read_bytes / self.window.read_bytes

    @property
    def loaded_ratio(self) -> float:
        return self.long.loaded_s / self.short.loaded_s

    def to_json(self) -> dict[str, object]:
        return {
            **asdict(self),
            "memory_ratio": self.memory_ratio,
            "read_ratio": self.read_ratio,
            "window_read_ratio": self.window_read_ratio,
            "loaded_ratio": self.loaded_ratio,
        }


def _side(years: int, meetings: int, data: Path, first: Start, starts: list[Start]) -> Side:
    def median(field: str) -> float:
        return float(statistics.median(getattr(s, field) for s in starts))

    return Side(
        years,
        meetings,
        size_on_disk(data) / 1e6,
        median("loaded_peak_kib"),
        median("loaded_read_bytes"),
        median("loaded_seconds"),
        first.loaded_read_bytes,
        first.loaded_seconds,
    )


def measure(years: int = 30, repeat: int = 5, now: datetime | None = None) -> HistoryReport:
    now = now or datetime.now(TZ)
    with tempfile.TemporaryDirectory(prefix="xiaozu-history-") as tmp:
        one, two, many = Path(tmp) / "one", Path(tmp) / "two", Path(tmp) / "many"
        short_branch = write_branch(one, 1, now)
        window_branch = write_branch(two, 2, now)
        long_branch = write_branch(many, years, now)
        # Files written a moment ago are not fingerprinted (SETTLE_NS): wait,
        # as a kiosk started later would find them.
        time.sleep(SETTLE_NS / 1e9 + 0.5)
        first_one = start_once(KIOSK, one)  # reads every file, writes the index
        first_two = start_once(KIOSK, two)
        first_many = start_once(KIOSK, many)
        short: list[Start] = []
        window: list[Start] = []
        long: list[Start] = []
        for _ in range(repeat):
            short.append(start_once(KIOSK, one))
            window.append(start_once(KIOSK, two))
            long.append(start_once(KIOSK, many))
        return HistoryReport(
            repeat,
            _side(1, len(short_branch.records.meetings), one, first_one, short),
            _side(years, len(long_branch.records.meetings), many, first_many, long),
            _side(2, len(window_branch.records.meetings), two, first_two, window),
        )


def table(report: HistoryReport) -> str:
    s, lo = report.short, report.long
    return "\n".join(
        [
            f"1 year ({s.meetings} meetings, {s.megabytes:.1f} MB) against {lo.years} years"
            f" ({lo.meetings} meetings, {lo.megabytes:.1f} MB), median of {report.repeat} each",
            f"peak memory once loaded: {lo.peak_kib / 1024:.1f} MiB against"
            f" {s.peak_kib / 1024:.1f} MiB = {report.memory_ratio:.2f}x (aim {MEMORY_AIM}x)",
            f"bytes read by then: {lo.read_bytes / 1e6:.1f} MB against"
            f" {s.read_bytes / 1e6:.1f} MB = {report.read_ratio:.2f}x;"
            f" against 2 years (the years held whole in memory)"
            f" {report.window.read_bytes / 1e6:.1f} MB = {report.window_read_ratio:.2f}x",
            f"time to loaded: {lo.loaded_s:.2f} s against {s.loaded_s:.2f} s"
            f" = {report.loaded_ratio:.2f}x",
            f"the first start, which reads every file and writes the history index:"
            f" {lo.rebuild_read_bytes / 1e6:.1f} MB read against"
            f" {s.rebuild_read_bytes / 1e6:.1f} MB, {lo.rebuild_loaded_s:.2f} s to loaded"
            f" against {s.rebuild_loaded_s:.2f} s",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.history")
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    print(table(measure(args.years, args.repeat)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
