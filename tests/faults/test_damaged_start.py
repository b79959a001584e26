"""The kiosk started on an org.json whose sign-in tables are damaged (issue 7,
"Faults"): it shows what is wrong, naming the file, and leaves the file
byte for byte as it was. Each kind of damage: a table that is not a table,
a sign-in PIN version that is not a number, a badge table of another
program's shape. (Runs of wrong sign-in PINs are read only when that member
types a PIN, so they do not stop the start.)
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Static
from textual.worker import WorkerFailed

from tests.faults.headless import make_demo
from tests.tui.conftest import clock, make_kiosk_app  # noqa: F401 (fixtures)
from tui.app import ProblemScreen, XiaozuApp


def _tables(data: Path) -> dict[str, dict[str, object]]:
    return json.loads((data / "org.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


DAMAGE: dict[str, Callable[[dict[str, dict[str, object]]], None]] = {
    "credentials not a table": lambda t: t.__setitem__("signin_credentials", ["p05"]),
    "version a word": lambda t: next(iter(t["signin_credentials"].values())).__setitem__(  # type: ignore[attr-defined]
        "version", "two"
    ),
    "badges of another program": lambda t: t.__setitem__(
        "badges", {"1": {"uid": 7, "kind": "nfc"}}
    ),
}


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    return make_demo(tmp_path / "data")


@pytest.mark.parametrize("damage", list(DAMAGE.values()), ids=list(DAMAGE))
async def test_damaged_signin_tables_stop_the_kiosk_with_a_message_naming_org_json(
    make_kiosk_app: Callable[..., XiaozuApp],  # noqa: F811
    demo_dir: Path,
    damage: Callable[[dict[str, dict[str, object]]], None],
) -> None:
    tables = _tables(demo_dir)
    damage(tables)
    raw = json.dumps(tables, ensure_ascii=False, indent=2).encode("utf-8")
    (demo_dir / "org.json").write_bytes(raw)
    app = make_kiosk_app(data=demo_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        with contextlib.suppress(WorkerFailed):  # the load fails, as it should
            await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ProblemScreen), "the kiosk opened on damaged data"
        shown = str(app.screen.query_one("#problem", Static).render())
        assert "org.json" in shown, shown
        assert app.kiosk is None
    assert (demo_dir / "org.json").read_bytes() == raw


async def test_a_damaged_sign_in_journal_stops_the_kiosk_naming_it_and_is_kept(
    make_kiosk_app: Callable[..., XiaozuApp],  # noqa: F811
    demo_dir: Path,
) -> None:
    """Sign-ins not yet folded live in signins.journal (storage.journal): one
    that is not ours is named, never overwritten by a fresh journal."""
    raw = b"XIAOZU?" + bytes(100) + b"\x01\x02\x03"
    (demo_dir / "signins.journal").write_bytes(raw)
    app = make_kiosk_app(data=demo_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        with contextlib.suppress(WorkerFailed):
            await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ProblemScreen), "the kiosk opened on a damaged journal"
        shown = str(app.screen.query_one("#problem", Static).render())
        assert "signins.journal" in shown, shown
        assert app.kiosk is None
    assert (demo_dir / "signins.journal").read_bytes() == raw
