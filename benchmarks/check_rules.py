"""``xiaozu check`` over years of data, against merely loading the data.

    .venv/bin/python -m benchmarks.check_rules DATA [--repeat 5] [--json]

Timed in this process, ``--repeat`` times each, taking turns, medians
compared:

- check: ``tui.cli.main(["--data", DATA, "check", "--json"])`` with its
  output thrown away: the command's whole work (open the data read-only,
  load every record, run every rule, write the findings as JSON);
- load: a read-only ``FileRepository`` over DATA and ``repo.records()``.

Also, once, the command as a user runs it: a new process
(``python -m tui.cli``, as the ``xiaozu`` command runs it), whose time
includes starting Python and importing xiaozu; for information.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from storage import FileRepository
from tui.cli import main as xiaozu

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class CheckReport:
    repeat: int
    check_s: float  # median, in process
    load_s: float  # median
    ratio: float  # check / load
    process_s: float  # once, a new process
    exit_status: int  # of the command: 0, no error-level finding
    findings: int

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _check(data: Path) -> tuple[float, int, str]:
    out = io.StringIO()
    began = time.perf_counter()
    with contextlib.redirect_stdout(out):
        status = xiaozu(["--data", str(data), "check", "--json"])
    return time.perf_counter() - began, status, out.getvalue()


def _load(data: Path) -> float:
    began = time.perf_counter()
    with FileRepository(data, writable=False) as repo:
        repo.records()
    return time.perf_counter() - began


def measure(data: Path, repeat: int = 5) -> CheckReport:
    _check(data)  # warm the disk cache and the imports, untimed
    checks: list[float] = []
    loads: list[float] = []
    status, printed = 0, "[]"
    for _ in range(repeat):
        loads.append(_load(data))
        seconds, status, printed = _check(data)
        checks.append(seconds)
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tui.cli", "--data", str(data), "check", "--json"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    process_s = time.perf_counter() - began
    check_s, load_s = statistics.median(checks), statistics.median(loads)
    return CheckReport(
        repeat=repeat,
        check_s=check_s,
        load_s=load_s,
        ratio=check_s / load_s,
        process_s=process_s,
        exit_status=status,
        findings=len(json.loads(printed)),
    )


def table(report: CheckReport) -> str:
    return (
        f"xiaozu check (median of {report.repeat}, in process): {report.check_s * 1000:.0f} ms,"
        f" loading the data alone {report.load_s * 1000:.0f} ms, ratio {report.ratio:.2f}x;"
        f" as a new process {report.process_s * 1000:.0f} ms;"
        f" {report.findings} findings, exit status {report.exit_status}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.check_rules")
    parser.add_argument("data", type=Path, help="a data directory")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    report = measure(args.data, args.repeat)
    print(json.dumps(report.to_json(), indent=2) if args.json else table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
