"""The writer: every change to the records goes to the disk in the order it
was made, on one background thread (writes with fsync never run on the UI
loop).

A screen tells the user "saved" only once ``flush`` (or ``stored``) has said
so; a write that failed is reported through ``on_error``, and the caller
reads the record back from disk so the screen shows what is really stored.

Group commit (``submit_together``): sign-ins that arrive while the thread is
busy (a room of members scanning the code at once) wait in one batch, and
are written together with one sync when the thread gets to them; each is
done (and its phone told) only once the whole batch is durable, and each
has its own outcome. A batch takes only writes queued one after the other:
any other write queued between two sign-ins closes it, so the order of
every write is kept.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from threading import Lock
from typing import Any, Generic, TypeVar

from storage import StorageError
from tui.core.env import KioskEnv

T = TypeVar("T")
Item = TypeVar("Item")

#: Writes a batch of items; says, in order, what became of each (None: on disk).
WriteAll = Callable[[Sequence[Item]], Sequence[StorageError | None]]


@dataclass
class _Batch(Generic[Item]):
    """Items waiting to be written together, each with its own future."""

    write_all: WriteAll[Item]
    items: list[Item] = field(default_factory=list)
    futures: list[Future[None]] = field(default_factory=list)


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
        # The batch still taking items (queued, not yet begun), if any.
        self._open: _Batch[Any] | None = None
        #: How many batches ``submit_together`` has written, and how many
        #: items they held (for a benchmark to report what a batch holds).
        self.batches = 0
        self.batched = 0

    def submit(self, write: Callable[[], None], meeting_id: str = "") -> None:
        """Queue ``write``; ``meeting_id`` names what it was for, if it fails."""
        with self._lock:
            self._open = None  # a sign-in after this write goes after it
            future = self._thread.submit(write)
            self._pending[future] = None
        future.add_done_callback(lambda f: self._written(f, meeting_id))

    def submit_together(self, item: Item, write_all: WriteAll[Item], meeting_id: str = "") -> None:
        """Queue ``item`` to be written by ``write_all`` in one batch with the
        items queued right before it for the same ``write_all`` and not yet
        begun; done when its batch is on disk, failed with its own error."""
        future: Future[None] = Future()
        with self._lock:
            batch = self._open
            if batch is None or batch.write_all != write_all:
                batch = self._open = _Batch(write_all)
                self._thread.submit(self._write_batch, batch)
            batch.items.append(item)
            batch.futures.append(future)
            self._pending[future] = None
        future.add_done_callback(lambda f: self._written(f, meeting_id))

    def _write_batch(self, batch: _Batch[Any]) -> None:
        with self._lock:
            if self._open is batch:
                self._open = None  # from now on, items make a new batch
            items, futures = list(batch.items), list(batch.futures)
            self.batches += 1
            self.batched += len(items)
        try:
            outcomes = list(batch.write_all(items))
            if len(outcomes) != len(items):
                raise RuntimeError(f"{len(items)} items written, {len(outcomes)} outcomes")
        except BaseException as error:  # every item fails with it
            for future in futures:
                future.set_exception(error)
            return
        for future, outcome in zip(futures, outcomes, strict=True):
            if outcome is None:
                future.set_result(None)
            else:
                future.set_exception(outcome)

    def run(self, work: Callable[[], T]) -> Future[T]:
        """Run ``work`` on the writer's thread, in order with every write (a
        read that must not see a write half-way), not counted as a write."""
        with self._lock:
            self._open = None  # a sign-in queued after it is not read by it
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
