"""The room benchmark, run small: the kiosk's own app with the sign-in
roster on screen takes every phone of three passes (first time, one tap, a
burst), from several loopback addresses, and its roster shows each one.

Nothing here asserts on time (see test_signin_http.py).
"""

from __future__ import annotations

import json

import pytest

from benchmarks.signin_room import main

pytestmark = pytest.mark.slow

MEMBERS = 10


def test_a_small_room_signs_in_and_the_roster_on_screen_shows_everyone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(
        [
            *("--members", str(MEMBERS), "--seconds", "1", "--pin-seconds", "1.5"),
            *("--burst-seconds", "0.1", "--addresses", "3", "--json"),
        ]
    )
    room = json.loads(capsys.readouterr().out)
    assert status == 0 and room["ok"] is True
    report = room["http"]
    assert report["addresses"] == 3 and report["pin_seconds"] == 1.5
    passes = [report["first_time"], report["one_tap"], report["burst"]]
    assert len({p["meeting_id"] for p in passes}) == 3
    for signin in passes:
        assert signin["recorded_kiosk"] == MEMBERS and signin["recorded_disk"] == MEMBERS
        assert signin["run"]["answered"] == MEMBERS and signin["run"]["problems"] == []
        assert signin["syncs"] >= signin["batches"] >= 1
    assert room["on_screen_first_time"] == MEMBERS
    assert room["on_screen_one_tap"] == MEMBERS and room["on_screen_burst"] == MEMBERS
    for aim in ("one_tap_p99_within", "first_time_p99_under", "one_tap_in_window"):
        assert isinstance(room[aim], bool)


def test_bad_arguments_are_usage_errors() -> None:
    for argv in (["--members", "3"], ["--addresses", "0"], ["--burst-seconds", "-1"]):
        with pytest.raises(SystemExit) as stopped:
            main(argv)
        assert stopped.value.code == 2
