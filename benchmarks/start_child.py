"""One start of the kiosk or of a bare Textual app, for ``benchmarks.kiosk_start``.

    python -m benchmarks.start_child kiosk DATA | bare

It writes "ready <peak KiB>" once its first screen is up and "loaded <peak
KiB> <bytes read>" once everything is loaded (see ``benchmarks.kiosk_start``;
the bytes are ``rchar`` of /proc/self/io: every read, files and pipes). The module
imports only the standard library's asyncio, os, sys, time and pathlib, which
Textual imports anyway: both processes hold what their app needs and
nothing of the benchmark's (argparse, statistics, subprocess …), which
would add the same megabytes to both sides of the ratio.
"""

from __future__ import annotations

import asyncio
import resource
import sys
import time
from pathlib import Path

#: The child's two lines (each followed by its peak KiB), and how long the
#: parent waits for them.
READY = "ready "
LOADED = "loaded "
WAIT = 120.0  # no start of a healthy run takes anywhere near this long


def peak_kib() -> int:
    """This process's peak resident memory, KiB.

    On Linux, ``ru_maxrss`` keeps the parent's peak across fork and exec (it
    is the larger of the two), so a child of a big parent would report the
    parent's size; the process's own high-water mark is ``VmHWM`` in
    /proc/self/status, the same figure for the process alone."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak // 1024 if sys.platform == "darwin" else peak


def bytes_read() -> int:
    """Bytes this process has read so far (0 where /proc has no io file)."""
    try:
        for line in Path("/proc/self/io").read_text().splitlines():
            if line.startswith("rchar:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


async def _until(condition: object, seconds: float = WAIT) -> None:
    assert callable(condition)
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not appear")
        await asyncio.sleep(0.002)


async def _child_kiosk(data: Path) -> int:
    # As the ``xiaozu`` command starts the kiosk (tui.cli.main): the command
    # line read, then the app.
    from tui.cli import environment, parse_args

    env = environment(parse_args(["--data", str(data), "--bind", "127.0.0.1", "--port", "0"]))
    from tui.app import make_app
    from tui.screens.lock import LockScreen

    app = make_app(env)
    async with app.run_test(size=(80, 24)):
        await _until(lambda: isinstance(app.screen, LockScreen) and app.screen.is_mounted)
        print(f"{READY}{peak_kib()}", flush=True)
        # Then everything behind it: the records in memory and the phone
        # page listening. The peak memory that counts is this one.
        await _until(
            lambda: (
                app.kiosk is not None
                and app.kiosk.loaded
                and app.phone is not None
                and app.phone.port is not None
            )
        )
        print(f"{LOADED}{peak_kib()} {bytes_read()}", flush=True)
    return 0


async def _child_bare() -> int:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("小组")

    app = Bare()
    async with app.run_test(size=(80, 24)):
        await _until(lambda: bool(app.query(Static)) and app.query_one(Static).is_mounted)
        print(f"{READY}{peak_kib()}", flush=True)
        print(f"{LOADED}{peak_kib()} {bytes_read()}", flush=True)  # nothing more to load
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["bare"]:
        return asyncio.run(_child_bare())
    if len(argv) == 2 and argv[0] == "kiosk":
        return asyncio.run(_child_kiosk(Path(argv[1])))
    print("usage: python -m benchmarks.start_child kiosk DATA | bare", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
