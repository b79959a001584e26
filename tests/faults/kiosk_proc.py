"""A headless kiosk to kill: the kiosk's records (``tui.core.kiosk.Kiosk``) and its
phone sign-in page (``tui.phone.server.PhoneServer``) on one asyncio loop, as
the Textual kiosk runs them, but without Textual, in a process of its own.

    python -m tests.faults.kiosk_proc DATA_DIR

Starting a Python process with these imports takes seconds on a busy
machine, and a fault test kills the kiosk hundreds of times. So this process
is a *zygote*: it imports everything once, then reads commands (one JSON
object a line) on stdin and forks a fresh kiosk for each ``run``. Each kiosk
is a whole process: it opens the data directory as ``xiaozu`` does (taking
its lock, removing a crash's temporary files), loads every record, starts the
meeting if it is not started yet, takes sign-ins for it and serves the phone
page on 127.0.0.1 on a free port. The test kills it with SIGKILL (the kernel
releases its lock), then asks the zygote to reap it.

Commands and answers (stdout, one JSON object a line):

* ``{"op": "run", "meeting": ID}`` → from the kiosk, once it listens:
  ``{"op": "ready", "pid", "port", "meeting", "step", "started"}``
  (``started``: this kiosk started the meeting), or ``{"op": "failed",
  "pid", "error"}``;
* ``{"op": "reap", "pid": PID}`` → ``{"op": "reaped", "pid", "signal"}``;
* end of input, or ``{"op": "quit"}``: the zygote ends.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

# Imported once, in the zygote, so that a forked kiosk starts at once.
import uvicorn.protocols.http.h11_impl  # noqa: F401

from rules.meeting import flow
from rules.models import Meeting, Step
from storage import FileRepository
from tui.core.env import KioskEnv
from tui.core.kiosk import Kiosk
from tui.phone.server import PhoneServer

TZ = ZoneInfo("Asia/Shanghai")
GROUP = "g1"
PLACE = "生产一车间二楼会议室"


def _say(message: dict[str, Any]) -> None:
    # os.write, not sys.stdout: no buffer is shared between zygote and kiosk.
    os.write(1, (json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8"))


def new_meeting(kiosk: Kiosk, meeting_id: str, now: datetime) -> Meeting:
    """A meeting of g1 now, as a leader would plan one at the kiosk."""
    group = kiosk.org.group(GROUP)
    assert group is not None
    earlier = kiosk.meetings(GROUP)
    topics = earlier[-1].topics if earlier else ("学习",)
    return Meeting(
        id=meeting_id,
        group_id=GROUP,
        planned_at=now.replace(second=0, microsecond=0),
        topics=topics or ("学习",),
        chair_id=group.leader_id,
    )


async def serve(data: Path, meeting_id: str) -> None:
    repo = FileRepository(data).open()
    kiosk = Kiosk(KioskEnv(data, tz=TZ), repo)
    started = False
    try:
        meeting = kiosk.records.meeting(meeting_id)
    except KeyError:
        meeting = new_meeting(kiosk, meeting_id, kiosk.now())
    if meeting.step is Step.PREPARATION:
        group = kiosk.org.group(GROUP)
        planned = flow.plan(
            meeting,
            place=meeting.place or PLACE,
            recorder_id=meeting.recorder_id or (group.leader_id if group else None),
        )
        kiosk.save_meeting(flow.start(planned, kiosk.org, kiosk.now()))
        if not await kiosk.writer.flush():
            raise RuntimeError(f"the meeting {meeting_id} could not be saved")
        started = True
    kiosk.signin_meeting_id = meeting_id
    server = PhoneServer(kiosk)
    if not await server.start("127.0.0.1", 0):
        problem = server.problem
        raise RuntimeError(problem.en if problem else "the phone server did not start")
    _say(
        {
            "op": "ready",
            "pid": os.getpid(),
            "port": server.port,
            "meeting": meeting_id,
            "step": kiosk.records.meeting(meeting_id).step.value,
            "started": started,
        }
    )
    await asyncio.Event().wait()  # until killed


def kiosk_main(data: Path, meeting_id: str) -> None:
    """The forked kiosk: it serves until it is killed."""
    code = 1
    try:
        asyncio.run(serve(data, meeting_id))
    except BaseException:
        _say({"op": "failed", "pid": os.getpid(), "error": traceback.format_exc()})
    finally:
        os._exit(code)


def zygote(data: Path) -> int:
    for line in sys.stdin:
        if not line.strip():
            continue
        message = json.loads(line)
        if message["op"] == "run":
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                kiosk_main(data, message["meeting"])
        elif message["op"] == "reap":
            pid, status = os.waitpid(int(message["pid"]), 0)
            killed = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
            _say({"op": "reaped", "pid": pid, "signal": killed})
        elif message["op"] == "quit":
            break
    return 0


if __name__ == "__main__":
    sys.exit(zygote(Path(sys.argv[1])))
