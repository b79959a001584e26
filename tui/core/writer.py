"""The writer: every change to the records goes to the disk in the order it
was made, on one background thread (writes with fsync never run on the UI
loop).

A screen tells the user "saved" only once ``flush`` (or ``stored``) has said
so; a write that failed is reported through ``on_error``, and the caller
reads the record back from disk so the screen shows what is really stored.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from threading import Lock
from typing import TypeVar

from storage import StorageError
from tui.core.env import KioskEnv

T = TypeVar("T")


async def _done(future: Future[None]) -> None:
    """Wait until a queued write has been tried. Only this wait is
    cancellable: the write itself goes on (as with ``asyncio.shield``, with
    one wake-up of the loop instead of three, a sign-in's "saved" sooner)."""
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[None] = loop.create_future()

    def wake(_: object) -> None:
        if not waiter.done():
            waiter.set_result(None)

    def done(_: object) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits
            loop.call_soon_threadsafe(wake, None)

    future.add_done_callback(done)
    await waiter


class Writer:
    """One thread that writes, in order, what it is given."""

    def __init__(self, env: KioskEnv) -> None:
        self.env = env
        #: Told of each write that did not reach the disk, with the id of the
        #: meeting it was for ("" for the branch's other records).
        self.on_error: Callable[[StorageError, str], None] | None = None
        #: The last write that did not reach the disk (for a screen to name it).
        self.last_error: StorageError | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xiaozu-writer")
        # Queued writes not yet tried, oldest first (a dict keeps the order).
        self._pending: dict[Future[None], None] = {}
        self._lock = Lock()
        self._failed = 0  # writes failed since the last flush

    def submit(self, write: Callable[[], None], meeting_id: str = "") -> None:
        """Queue ``write``; ``meeting_id`` names what it was for, if it fails."""
        future = self._thread.submit(write)
        with self._lock:
            self._pending[future] = None
        future.add_done_callback(lambda f: self._written(f, meeting_id))

    def run(self, work: Callable[[], T]) -> Future[T]:
        """Run ``work`` on the writer's thread, in order with every write (a
        read that must not see a write half-way), not counted as a write."""
        return self._thread.submit(work)

    def _written(self, future: Future[None], meeting_id: str) -> None:
        error = future.exception()
        with self._lock:
            if isinstance(error, StorageError):
                # Before the write leaves the queue: a screen that finds the
                # queue empty also finds the failure.
                self.last_error = error
                self._failed += 1
            self._pending.pop(future, None)
        if error is None:
            return
        if isinstance(error, StorageError) and self.on_error is not None:
            self.on_error(error, meeting_id)
        elif self.on_error is None:
            raise error

    async def flush(self) -> bool:
        """Wait until every write queued so far has been tried; True when all
        of them reached the disk (a failure is reported through ``on_error``).

        The wait is shielded: a waiter that is cancelled (a screen closed, the
        kiosk locked) never cancels a write that is still queued.
        """
        ok = True
        # Newest first: with one thread taking writes in order, once the
        # newest is done so are all before it.
        for future in reversed(self._queued()):
            if not future.done():
                await _done(future)
            error = future.exception()
            if isinstance(error, StorageError):
                ok = False
            elif error is not None:
                raise error
        # A write that failed before this call (and so left the queue) counts
        # too: True means every write since the last flush reached the disk.
        with self._lock:
            failed, self._failed = self._failed, 0
        return ok and not failed

    async def stored(self, failed_before: StorageError | None) -> bool:
        """Whether the writes just queued reached the disk, for a screen that
        says "saved" only then: ``failed_before`` is ``last_error`` as it was
        before they were queued (a write that failed sooner than ``flush``
        was called changes it)."""
        flushed = await self.flush()
        return flushed and self.last_error is failed_before

    def not_saved(self, zh: str, en: str) -> str:
        """``zh`` / ``en`` (what was not saved) with why, in the kiosk's language."""
        error = self.last_error
        why = error.message(self.env.lang) if error is not None else ""
        return self.env.t(f"{zh}:{why}", f"{en}: {why}")

    def _queued(self) -> list[Future[None]]:
        with self._lock:
            return list(self._pending)

    def flush_sync(self) -> None:
        """Wait, blocking, until every queued write has been tried."""
        for future in self._queued():
            with contextlib.suppress(StorageError):
                future.result()

    def close(self) -> None:
        self.flush_sync()
        self._thread.shutdown(wait=True)
