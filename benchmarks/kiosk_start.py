"""Cold start to the lock screen, and the kiosk's peak memory once it has
everything loaded, each against a bare Textual app that shows one line, in
the same run.

    .venv/bin/python -m benchmarks.kiosk_start DATA [--repeat 11] [--json]

Each start is a new Python process (``python -m benchmarks.start_child
kiosk|bare``, a module that imports next to nothing itself), so imports,
reading the data directory and the first paint are all in it. The child runs
the app headless, 80x24, with Textual's own test harness (``App.run_test``)
and writes two lines to its parent:

* "ready" when the screen that counts is mounted: the kiosk's ``LockScreen``
  (org.json read: the names and PINs it needs), or the bare app's one line;
* "loaded" once the kiosk has everything behind it: ten years of records
  in memory (read on its writer thread after the lock screen is drawn; an
  unlock waits for them) and the phone sign-in page listening on a free port
  of 127.0.0.1. The bare app has nothing more to load.

Each line carries the process's peak resident memory so far (``VmHWM``, the
process's own ``ru_maxrss``: see ``start_child.peak_kib``). The start time is the
parent's, from just before the child is spawned to the "ready" line read;
the peak memory compared is the one at "loaded" (the kiosk as it then
stays). The two kinds take turns, ``--repeat`` times each, and the medians
are compared, which cancels most drift of a shared machine.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.start_child import LOADED, READY, WAIT

ROOT = Path(__file__).resolve().parents[1]
KIOSK, BARE = "kiosk", "bare"


# --------------------------------------------------------------------------
# The parent


@dataclass(frozen=True)
class Start:
    kind: str
    seconds: float  # to the first screen (the lock screen)
    peak_kib: int  # the peak then
    loaded_seconds: float  # to everything loaded (records, phone page)
    loaded_peak_kib: int  # the peak then
    loaded_read_bytes: int = 0  # bytes read by then (rchar)


def start_once(kind: str, data: Path | None) -> Start:
    """One child process of ``kind``: seconds to the screen, peak memory."""
    command = [sys.executable, "-m", "benchmarks.start_child", kind]
    if data is not None:
        command.append(str(data))
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    began = time.perf_counter()
    child = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    seconds = time.perf_counter() - began
    loaded = child.stdout.readline()
    loaded_seconds = time.perf_counter() - began
    try:
        _, errors = child.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        child.kill()
        _, errors = child.communicate()
    if not line.startswith(READY) or not loaded.startswith(LOADED) or child.returncode != 0:
        raise RuntimeError(
            f"the {kind} app did not reach its screen: {line!r} {loaded!r} {errors[-2000:]}"
        )
    peak, read = (int(n) for n in loaded[len(LOADED) :].split())
    return Start(kind, seconds, int(line[len(READY) :]), loaded_seconds, peak, read)


@dataclass(frozen=True)
class StartReport:
    repeat: int
    kiosk_s: float  # medians
    bare_s: float
    kiosk_peak_kib: int  # once loaded (records and phone page)
    bare_peak_kib: int
    kiosk_lock_peak_kib: int  # at the lock screen, before the records
    kiosk_loaded_s: float  # to the records loaded and the phone page up
    start_ratio: float
    memory_ratio: float
    starts: tuple[Start, ...]

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def measure(data: Path, repeat: int = 11) -> StartReport:
    starts: list[Start] = []
    # Like for like: Textual was byte-compiled when it was installed, so
    # ours is too (as scripts/setup does), whatever PYTHONDONTWRITEBYTECODE says.
    for package in ("rules", "storage", "tui", "benchmarks"):
        compileall.compile_dir(ROOT / package, quiet=1)
    start_once(BARE, None)  # warm the disk cache for both, untimed
    start_once(KIOSK, data)
    for _ in range(repeat):
        starts.append(start_once(BARE, None))
        starts.append(start_once(KIOSK, data))

    def median(kind: str, field: str) -> float:
        return float(statistics.median(getattr(s, field) for s in starts if s.kind == kind))

    kiosk_s, bare_s = median(KIOSK, "seconds"), median(BARE, "seconds")
    kiosk_kib, bare_kib = median(KIOSK, "loaded_peak_kib"), median(BARE, "loaded_peak_kib")
    return StartReport(
        repeat=repeat,
        kiosk_s=kiosk_s,
        bare_s=bare_s,
        kiosk_peak_kib=int(kiosk_kib),
        bare_peak_kib=int(bare_kib),
        kiosk_lock_peak_kib=int(median(KIOSK, "peak_kib")),
        kiosk_loaded_s=median(KIOSK, "loaded_seconds"),
        start_ratio=kiosk_s / bare_s,
        memory_ratio=kiosk_kib / bare_kib,
        starts=tuple(starts),
    )


def table(report: StartReport) -> str:
    return "\n".join(
        [
            f"cold start to the lock screen (median of {report.repeat}):"
            f" kiosk {report.kiosk_s * 1000:.0f} ms, bare Textual app"
            f" {report.bare_s * 1000:.0f} ms, ratio {report.start_ratio:.2f}x",
            f"to the records loaded and the phone page up: kiosk"
            f" {report.kiosk_loaded_s * 1000:.0f} ms",
            f"peak memory, everything loaded: kiosk {report.kiosk_peak_kib / 1024:.1f} MiB"
            f" (at the lock screen {report.kiosk_lock_peak_kib / 1024:.1f} MiB),"
            f" bare Textual app {report.bare_peak_kib / 1024:.1f} MiB,"
            f" ratio {report.memory_ratio:.2f}x",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.kiosk_start")
    parser.add_argument("data", type=Path, nargs="?", help="a data directory")
    parser.add_argument("--repeat", type=int, default=11, help="starts of each kind")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.data is None:
        parser.error("a data directory is needed")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    report = measure(args.data, args.repeat)
    print(json.dumps(report.to_json(), indent=2) if args.json else table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
