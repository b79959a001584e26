"""Group commit (tui/core/writer.py, storage/journal.py): members who sign in
while the kiosk is still writing share one sync, each phone is told
"signed in" only once its record is on disk, and when the disk fails every
phone of the batch is told its sign-in was not saved."""

from __future__ import annotations

import asyncio
import errno
import os
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from rules.models import RecordedBy
from storage import FileRepository, StorageError
from storage import journal as journal_module
from tests.faults.headless import G1_NEXT, NUMBER, PINS, make_demo, signing_in
from tests.tui.test_core_signin import scan
from tui.core.kiosk import Kiosk
from tui.core.signin import PhoneSignin, Refused, SignedIn, Why

MEMBERS = tuple(NUMBER)  # p05 … p08, each with a sign-in PIN


@pytest.fixture
async def kiosk(tmp_path: Path) -> AsyncIterator[Kiosk]:
    async with signing_in(make_demo(tmp_path / "data")) as kiosk:
        yield kiosk


@pytest.fixture
def syncs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Every fdatasync of the journal, counted."""
    counted: list[int] = []
    real = os.fdatasync

    def fdatasync(fd: int) -> None:
        counted.append(fd)
        real(fd)

    monkeypatch.setattr(journal_module.os, "fdatasync", fdatasync)
    yield counted


def busy(kiosk: Kiosk) -> threading.Event:
    """Keep the writer's thread at a write until the event is set (as a
    save of the minutes or a slow disk would)."""
    gate = threading.Event()

    def slow_write() -> None:
        gate.wait(30)

    kiosk.writer.submit(slow_write)
    return gate


def on_disk(kiosk: Kiosk) -> set[str]:
    with FileRepository(kiosk.env.data_dir, writable=False) as reader:
        meeting = reader.meeting(G1_NEXT)
    assert meeting is not None
    return {a.person_id for a in meeting.attendance if a.recorded_by is RecordedBy.PHONE}


async def in_memory(kiosk: Kiosk, count: int) -> None:
    """Wait until ``count`` sign-ins are recorded in the kiosk's memory (the
    phones then wait for the disk)."""
    for _ in range(3000):
        if len(kiosk.records.meeting(G1_NEXT).attendance) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the sign-ins were not recorded")


async def phones_sign_in(kiosk: Kiosk, gate: threading.Event) -> list[object]:
    """Each member sends number and PIN from a phone of their own, at once;
    the writer is let go once every sign-in waits for it."""
    desk = PhoneSignin(kiosk)
    forms = [scan(desk) for _ in MEMBERS]
    sent = [
        asyncio.create_task(
            desk.submitted(
                {"ticket": form.ticket, "number": NUMBER[member], "pin": PINS[member]},
                form.cookie,
            )
        )
        for form, member in zip(forms, MEMBERS, strict=True)
    ]
    await in_memory(kiosk, len(MEMBERS))
    assert not any(task.done() for task in sent), "a phone was answered before the disk"
    gate.set()
    return list(await asyncio.gather(*sent))


async def test_phones_that_sign_in_together_share_one_sync(kiosk: Kiosk, syncs: list[int]) -> None:
    gate = busy(kiosk)
    before = kiosk.writer.batches
    outcomes = await phones_sign_in(kiosk, gate)
    assert all(isinstance(outcome, SignedIn) for outcome in outcomes), outcomes
    assert {o.person.id for o in outcomes if isinstance(o, SignedIn)} == set(MEMBERS)
    assert len(syncs) == 1 and kiosk.writer.batches == before + 1
    assert on_disk(kiosk) == set(MEMBERS)


async def test_a_failed_sync_tells_every_phone_of_the_batch(
    kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    failed: list[tuple[str, str]] = []

    def on_error(error: StorageError, meeting_id: str) -> None:
        failed.append((type(error).__name__, meeting_id))

    kiosk.writer.on_error = on_error

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(journal_module.os, "fdatasync", full)
    outcomes = await phones_sign_in(kiosk, busy(kiosk))
    assert all(isinstance(o, Refused) and o.why is Why.NOT_SAVED for o in outcomes), outcomes
    assert failed == [("StorageWriteError", G1_NEXT)] * len(MEMBERS)
    monkeypatch.undo()
    assert on_disk(kiosk) == set()


async def test_a_write_between_sign_ins_keeps_its_place(kiosk: Kiosk, syncs: list[int]) -> None:
    """A change the leader makes between two sign-ins is written between
    them: the second sign-in waits for a batch of its own."""
    gate = busy(kiosk)
    before = kiosk.writer.batches
    first, second = MEMBERS[:2]
    kiosk.sign_in(first, RecordedBy.PHONE, phone="phone-1")
    order: list[str] = []
    kiosk.writer.submit(lambda: order.append(f"write after {len(syncs)} syncs"))
    kiosk.sign_in(second, RecordedBy.PHONE, phone="phone-2")
    gate.set()
    assert await kiosk.writer.flush()
    assert order == ["write after 1 syncs"]
    assert kiosk.writer.batches == before + 2 and len(syncs) == 2
    assert on_disk(kiosk) == {first, second}
