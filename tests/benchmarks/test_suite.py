"""The whole benchmark suite, run tiny (one year, twelve phones, one second,
one repetition): it runs to the end, writes every figure in the documented
shape, and its correctness fields hold.

Nothing here asserts on time: speed is what the benchmarks report, as
ratios within one run, never a test's verdict (machines are shared and
noisy).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.__main__ import main

# Fuzz, kill, browser and benchmark tests: the slow tier (README's test command runs it).
pytestmark = pytest.mark.slow

KEYS = {"name", "value", "unit", "baseline", "baseline_name", "ratio", "aim", "met", "note"}
PHONES = 12
# The aims of issue 15: start and memory are guard rails against the bare
# Textual app; one durable sign-in against SQLite.
RATIO_AIMS = {"cold_start_to_lock_screen": 1.6, "peak_memory_loaded": 2.0, "signin_write": 1.5}
# Cost flat in history: a long history against one year, same run.
HISTORY_AIMS = {"history_peak_memory_loaded": 1.15, "history_bytes_read_to_loaded": 1.0}
# A room of phones, the app's roster on screen.
ROOM = ("recorded", "one_tap_p99", "first_time_p99", "one_tap_syncs_per_signin")
ROOM += ("burst_syncs_per_signin",)


def test_the_suite_writes_every_figure_and_records_every_phone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "figures.json"
    argv = ["--years", "1", "--phones", str(PHONES), "--seconds", "1", "--repeat", "1"]
    argv += ["--history-years", "3", "--room", str(PHONES)]
    status = main([*argv, "--json", str(out)])
    printed = capsys.readouterr().out
    assert status == 0
    figures = json.loads(out.read_text(encoding="utf-8"))
    by_name = {f["name"]: f for f in figures}
    assert set(by_name) == {
        *RATIO_AIMS,
        "check",
        "check_new_process",
        f"signin_{PHONES}_phones_recorded",
        f"signin_{PHONES}_phones_first_time_p99",
        f"signin_{PHONES}_phones_one_tap_p99",
        *HISTORY_AIMS,
        "history_time_to_loaded",
        "history_bytes_read_against_window",
        *(f"room_{PHONES}_{name}" for name in ROOM),
    }
    for figure in figures:
        assert set(figure) == KEYS
        assert isinstance(figure["value"], int | float) and figure["value"] > 0
        assert figure["name"] in printed  # the table shows it too
    for name, aim in {**RATIO_AIMS, **HISTORY_AIMS}.items():
        figure = by_name[name]
        # A ratio against a baseline measured in the same run, with its aim.
        assert figure["baseline"] > 0 and figure["aim"] == aim
        assert figure["ratio"] == pytest.approx(figure["value"] / figure["baseline"])
        assert figure["met"] is (figure["ratio"] <= aim)
    for name in ("history_time_to_loaded", "history_bytes_read_against_window"):
        reported = by_name[name]
        assert reported["ratio"] == pytest.approx(reported["value"] / reported["baseline"])
    check = by_name["check"]
    assert check["aim"] == 1.5 and check["met"] is (check["ratio"] <= 1.5)
    assert check["ratio"] == pytest.approx(check["value"] / check["baseline"])
    # Correctness: every phone recorded, in memory and on disk, both passes.
    recorded = by_name[f"signin_{PHONES}_phones_recorded"]
    assert recorded["value"] == PHONES and recorded["aim"] == PHONES
    for name in ("first_time", "one_tap"):
        p99 = by_name[f"signin_{PHONES}_phones_{name}_p99"]
        assert p99["unit"] == "ms" and p99["baseline"] > 0 and p99["ratio"] > 0
    # The room: every phone recorded (memory, disk, the roster on screen).
    room = by_name[f"room_{PHONES}_recorded"]
    assert room["value"] == PHONES and room["aim"] == PHONES
    tap = by_name[f"room_{PHONES}_one_tap_p99"]
    assert tap["aim"] == 3.0 and tap["met"] is (tap["ratio"] <= 3.0)
    pin = by_name[f"room_{PHONES}_first_time_p99"]
    assert pin["aim"] == 2000 and pin["met"] is (pin["value"] < 2000)
    assert "1 years: 8 groups, 96 members" in printed


def test_bad_arguments_are_usage_errors() -> None:
    for argv in (["--years", "0"], ["--repeat", "0"], ["--phones", "5"], ["--history-years", "1"]):
        with pytest.raises(SystemExit) as stopped:
            main(argv)
        assert stopped.value.code == 2
