"""The sign-in benchmark, run small: every member is recorded, in the kiosk's
memory and on disk, in both passes, and the results carry every field.

Nothing here asserts on time: speed is what the benchmark reports, as ratios
within one run, never a test's verdict (machines are shared and noisy).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from benchmarks.signin_http import main
from benchmarks.signin_report import PassResult, Sample, Stats, judge

# Fuzz, kill, browser and benchmark tests: the slow tier (README's test command runs it).
pytestmark = pytest.mark.slow

MEMBERS = 8
STATS = {"n", "p50_ms", "p99_ms", "mean_ms", "max_ms"}
PASS = {"name", "phones", "answered", "wall_s", "last_walk_s", "max_start_lag_ms", "first"}
PASS |= {"round_trip", "walk", "problems"}
SIGNIN = {"run", "meeting_id", "expected", "recorded_kiosk", "recorded_disk", "all_recorded"}
SIGNIN |= {"n_in_seconds", "baseline", "baseline_round_trip", "baseline_walk", "ratios"}
SIGNIN |= {"window_s", "syncs", "batches"}
RATIOS = {"round_trip_p50", "round_trip_p99", "walk_p50", "walk_p99"}


def _stats(found: dict[str, Any], n: int) -> None:
    assert set(found) == STATS
    assert found["n"] == n


def _pass(found: dict[str, Any]) -> None:
    assert set(found) == PASS
    assert found["phones"] == MEMBERS and found["answered"] == MEMBERS
    assert found["problems"] == []
    for kind in ("first", "round_trip", "walk"):
        _stats(found[kind], MEMBERS)


def test_every_member_signs_in_both_times_and_the_report_is_complete(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["--members", str(MEMBERS), "--seconds", "1", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert status == 0 and report["ok"] is True
    assert report["members"] == MEMBERS and report["seconds"] == 1.0
    assert set(report["static"]) == {"static before", "static between", "static after"}
    for static in report["static"].values():
        _pass(static)
    for name in ("first_time", "one_tap"):
        signin = report[name]
        assert set(signin) == SIGNIN
        # Recorded by phone: in the kiosk's memory and read back from disk.
        assert signin["expected"] == MEMBERS
        assert signin["recorded_kiosk"] == MEMBERS and signin["recorded_disk"] == MEMBERS
        assert signin["all_recorded"] is True
        _pass(signin["run"])
        _stats(signin["baseline_round_trip"], 2 * MEMBERS)
        _stats(signin["baseline_walk"], 2 * MEMBERS)
        assert set(signin["ratios"]) == RATIOS
        assert all(isinstance(r, float) for r in signin["ratios"].values())
        assert isinstance(signin["n_in_seconds"], bool)
        # Every sign-in is on disk: at least one sync for the journal's batches.
        assert 1 <= signin["batches"] <= MEMBERS and signin["syncs"] >= signin["batches"]
    # The one-tap pass signs in to a meeting of its own.
    assert report["first_time"]["meeting_id"] != report["one_tap"]["meeting_id"]
    assert report["first_time"]["baseline"] == "static before + static between"
    assert report["one_tap"]["baseline"] == "static between + static after"
    _stats(report["scrypt"], 10)
    assert isinstance(report["one_tap_p99_within_3x"], bool)


def test_a_member_missing_in_memory_or_on_disk_is_not_all_recorded() -> None:
    samples = [Sample(i, True, 0.001, 0.001, 0.002, 0.0, 0.1 * i) for i in range(MEMBERS)]
    run = PassResult.of("first time", samples)
    static = PassResult.of("static", samples)

    def verdict(expected: int, in_memory: int, on_disk: int) -> tuple[bool, bool]:
        found = judge(run, "m", (expected, in_memory), on_disk, MEMBERS, 1.0, [static])
        return found.all_recorded, found.n_in_seconds

    assert verdict(MEMBERS, MEMBERS, MEMBERS) == (True, True)
    assert verdict(MEMBERS, MEMBERS, MEMBERS - 1) == (False, False)
    assert verdict(MEMBERS, MEMBERS - 1, MEMBERS) == (False, False)
    assert verdict(MEMBERS + 1, MEMBERS, MEMBERS) == (False, False)


def test_too_few_members_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--members", "3"])
    assert stopped.value.code == 2


def test_percentiles_interpolate() -> None:
    stats = Stats.of([i / 1000 for i in range(1, 101)])  # 1 … 100 ms
    assert stats.n == 100 and stats.max_ms == 100.0
    assert stats.p50_ms == pytest.approx(50.5) and stats.p99_ms == pytest.approx(99.01)
