"""Sealed records in storage: a sealed meeting reads back with the bytes it
was sealed over, the group's chain head is kept in org.json, and sealing is
the one change finalised minutes accept besides the after-steps (R3)."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path

import pytest

from rules.meeting import flow
from rules.meeting.seal import MUTABLE_AFTER_FINAL as SEALED_AFTER_FINAL
from rules.meeting.seal import SealHead, chain_heads, seal_meeting, seal_on_save, verify
from rules.models import Meeting, Step, TaskAsSet
from storage import FinalisedRecordError, Repository
from storage.codec import structure, unstructure
from storage.repository import MUTABLE_AFTER_FINAL, FileRepository
from tests.storage.conftest import ADDENDUM, at, finalise, make_meeting, make_org


def test_what_is_kept_out_of_a_seal_is_what_may_change_after_finalising() -> None:
    assert SEALED_AFTER_FINAL == MUTABLE_AFTER_FINAL


def _sealed(
    meeting_id: str = "m-2025-01", head: SealHead | None = None
) -> tuple[Meeting, SealHead | None]:
    return seal_meeting(finalise(make_meeting(meeting_id)), head, at(2025, 1, 8, 9, 0))


def test_a_sealed_meeting_reads_back_and_verifies_and_moves_the_head(repo: Repository) -> None:
    repo.save_organisation(make_org())
    first, head = _sealed("m-2025-01")
    repo.save_meeting(first)
    second, head = _sealed("m-2025-02", head)
    repo.save_meeting(second)
    heads = repo.seal_heads()
    assert heads == {"g1": head}
    assert head is not None and head.index == 2 and head.ref is not None
    assert head.ref.meeting_id == "m-2025-02"
    # Read back through the codec (offsets, not zone names): same digests.
    assert verify(repo.meetings(), heads).ok
    # An older record saved again does not move the head back.
    repo.save_meeting(replace(first, step=Step.CHECKED, checked_at=at(2025, 1, 9)))
    assert repo.seal_heads() == {"g1": head}


def test_finalised_minutes_take_a_seal_once_and_keep_it(repo: Repository) -> None:
    repo.save_organisation(make_org())
    unsealed = finalise(make_meeting())
    repo.save_meeting(unsealed)  # finalised before sealing began
    sealed, head = seal_meeting(unsealed, None, at(2025, 2, 1))
    repo.save_meeting(sealed)  # sealing: allowed
    assert repo.seal_heads()["g1"] == head
    assert sealed.seal is not None
    other = replace(sealed, seal=replace(sealed.seal, digest="0" * 64))
    with pytest.raises(FinalisedRecordError):
        repo.save_meeting(other)
    with pytest.raises(FinalisedRecordError):
        repo.save_meeting(replace(sealed, seal=None))


def test_an_addendum_is_appended_with_its_seal_and_kept(repo: Repository) -> None:
    repo.save_organisation(make_org())
    sealed, head = _sealed()
    repo.save_meeting(sealed)
    noted = flow.add_addendum(sealed, "p1", ADDENDUM.text, at(2025, 1, 9))
    saved, head = seal_on_save(noted, sealed, [sealed], head, at(2025, 1, 9))
    repo.save_meeting(saved[-1])
    assert head is not None and repo.seal_heads()["g1"] == head
    assert verify(repo.meetings(), repo.seal_heads()).ok
    stored = repo.meeting(sealed.id)
    assert stored is not None and stored.addenda[0].seal is not None
    edited = replace(stored, addenda=(replace(stored.addenda[0], text="改过的"),))
    with pytest.raises(FinalisedRecordError):
        repo.save_meeting(edited)


def test_an_unreadable_meeting_file_is_named_and_the_rest_still_read(
    file_repo: FileRepository,
) -> None:
    file_repo.save_organisation(make_org())
    file_repo.save_meeting(make_meeting("m-2025-01"))
    file_repo.save_meeting(make_meeting("m-2025-02"))
    damaged = file_repo.data_dir / "meetings" / "2025" / "m-2025-02.json"
    damaged.write_text('{"_meta": ', encoding="utf-8")
    meetings, problems = file_repo.meetings_readable()
    assert [m.id for m in meetings] == ["m-2025-01"]
    assert len(problems) == 1 and "m-2025-02.json" in problems[0].where


# --------------------------------------------------------------------------
# Seals made before a field was added (rules.meeting.seal.V1_FIELDS)

_V1 = Path(__file__).parent.parent / "fixtures" / "seals"


def _v1_meetings(name: str) -> list[Meeting]:
    """Sealed meetings as a kiosk at commit 55b26b7 wrote them (the demo
    branch, and two years of the ten-year sample), read by today's codec."""
    documents = json.loads(gzip.decompress((_V1 / f"{name}_v1.json.gz").read_bytes()))
    return [structure(doc, Meeting, where=name, label="meeting") for doc in documents]


@pytest.mark.parametrize("name", ["demo", "ten_years_2"])
def test_seals_made_before_the_new_fields_still_verify(name: str) -> None:
    meetings = _v1_meetings(name)
    assert len(meetings) > 40
    # The files have none of the fields added since; they read as defaults.
    assert all(m.tasks_set == () and m.signin_opened_at is None for m in meetings)
    assert all(m.notice_as_sent is None for m in meetings)
    result = verify(meetings, chain_heads(meetings))
    assert result.ok, result.problems
    assert result.sealed >= len(meetings)


def test_a_new_field_is_read_and_written_and_an_old_file_reads_with_its_default(
    repo: Repository,
) -> None:
    repo.save_organisation(make_org())
    task = TaskAsSet("t1", "p1", "写心得", at(2025, 1, 20).date())
    meeting = replace(make_meeting(), tasks_set=(task,), signin_opened_at=at(2025, 1, 8, 8, 30))
    repo.save_meeting(meeting)
    again = repo.meeting(meeting.id)
    assert again is not None
    assert again.tasks_set == (task,) and again.signin_opened_at == meeting.signin_opened_at
    document = unstructure(make_meeting())
    del document["tasks_set"], document["signin_opened_at"]
    old = structure(document, Meeting, where="old.json", label="meeting")
    assert old.tasks_set == () and old.signin_opened_at is None
