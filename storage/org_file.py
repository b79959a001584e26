"""org.json: the branch, its groups and people, their history, the day the
records begin, and each group's newest sealed record.

Tables: ``branch`` (one record), ``groups``, ``people``, ``person_changes``
and ``group_changes`` (the history of people's status and discipline, and of
the groups: appended in the same write as the change), ``settings``
(``records_since``), ``seal_heads`` (each group's newest sealed record,
rules.meeting.seal: moved forward when a sealed meeting is saved). The credentials
kept in the same file are ``storage.credentials``'.

An organisation import (branch, groups and people together) is one write:
all or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Final

from rules.meeting.seal import SealHead
from rules.models import Branch, Group, GroupChange, Organisation, Person, PersonChange
from storage import codec
from storage.atomic import MarkedJSONStorage, Tables
from storage.tables import ORG, ORG_NAME, Documents, append, docs, invalid, put, read_table

BRANCH_TABLE: Final = "branch"
GROUPS_TABLE: Final = "groups"
PEOPLE_TABLE: Final = "people"
CREDENTIALS_TABLE: Final = "credentials"
SETTINGS_TABLE: Final = "settings"
PERSON_CHANGES_TABLE: Final = "person_changes"
GROUP_CHANGES_TABLE: Final = "group_changes"
# Each group's newest sealed record (rules.meeting.seal.SealHead), so that removing
# the newest sealed meeting file is caught.
SEAL_HEADS_TABLE: Final = "seal_heads"


def decode_org(data: Tables, where: Path | str) -> Organisation:
    branches = docs(data, BRANCH_TABLE)
    if len(branches) != 1:
        raise invalid(where, f"expected one branch record, found {len(branches)}")
    branch = codec.structure(branches[0][1], Branch, where=where, label=BRANCH_TABLE)
    groups = read_table(data, GROUPS_TABLE, Group, where)
    people = read_table(data, PEOPLE_TABLE, Person, where)
    _decode_records_since(data, where)
    return Organisation(branch=branch, groups=groups, people=people)


def _decode_history(
    data: Tables, where: Path | str
) -> tuple[tuple[PersonChange, ...], tuple[GroupChange, ...]]:
    """The organisation's history tables, in the order they were appended."""
    people = read_table(data, PERSON_CHANGES_TABLE, PersonChange, where)
    groups = read_table(data, GROUP_CHANGES_TABLE, GroupChange, where)
    return people, groups


def _decode_records_since(data: Tables, where: Path | str) -> date | None:
    settings = docs(data, SETTINGS_TABLE)
    if not settings:
        return None
    value = settings[0][1].get("records_since")
    label = f"{SETTINGS_TABLE}[{settings[0][0]}].records_since"
    return codec.structure(value, date | None, where=where, label=label)  # type: ignore[arg-type]


class OrgFile:
    """org.json's organisation, history, first day and seal heads."""

    def __init__(self, documents: Documents) -> None:
        self._documents = documents
        self._orgs: dict[str, tuple[bytes, Organisation]] = {}

    def exists(self) -> bool:
        return self._documents.store.exists(ORG_NAME)

    def open(self) -> tuple[MarkedJSONStorage, Tables | None]:
        """org.json's storage and tables, to change them (None: not stored)."""
        return self._documents.open(ORG_NAME, ORG)

    def organisation(self) -> Organisation | None:
        return self._documents.cached(self._orgs, ORG_NAME, ORG, decode_org)

    def save_organisation(
        self, org: Organisation, history: Iterable[PersonChange | GroupChange] = ()
    ) -> None:
        self._documents.check_can_write()
        storage, data = self.open()
        data = data or {}
        if data:
            decode_org(data, storage.where)  # never write over what we cannot read
            _decode_history(data, storage.where)
        for change in history:
            is_person = isinstance(change, PersonChange)
            table = PERSON_CHANGES_TABLE if is_person else GROUP_CHANGES_TABLE
            append(data, table, codec.unstructure(change))
        data[BRANCH_TABLE] = {"1": codec.unstructure(org.branch)}
        data[GROUPS_TABLE] = {
            str(number): codec.unstructure(group) for number, group in enumerate(org.groups, 1)
        }
        data[PEOPLE_TABLE] = {
            str(number): codec.unstructure(person) for number, person in enumerate(org.people, 1)
        }
        data.setdefault(CREDENTIALS_TABLE, {})
        storage.write(data)

    def person_changes(self, person_id: str | None = None) -> list[PersonChange]:
        people, _ = self._history()
        return [c for c in people if person_id is None or c.person_id == person_id]

    def group_changes(self, group_id: str | None = None) -> list[GroupChange]:
        _, groups = self._history()
        return [c for c in groups if group_id is None or c.group_id == group_id]

    def _history(self) -> tuple[tuple[PersonChange, ...], tuple[GroupChange, ...]]:
        storage, data = self.open()
        return ((), ()) if data is None else _decode_history(data, storage.where)

    def save_records_since(self, day: date) -> None:
        self._documents.check_can_write()
        storage, data = self.open()
        if data is None:
            raise self._documents.no_organisation()
        decode_org(data, storage.where)
        data[SETTINGS_TABLE] = {"1": {"records_since": codec.unstructure_as(day, date)}}
        storage.write(data)

    def records_since(self) -> date | None:
        storage, data = self.open()
        return None if data is None else _decode_records_since(data, storage.where)

    # -- sealed records (R3, rules.meeting.seal) -------------------------------------

    def seal_heads(self) -> dict[str | None, SealHead]:
        storage, data = self.open()
        if data is None:
            return {}
        heads: dict[str | None, SealHead] = {}
        for doc_id, doc in docs(data, SEAL_HEADS_TABLE):
            label = f"{SEAL_HEADS_TABLE}[{doc_id}]"
            head = codec.structure(doc, SealHead, where=storage.where, label=label)
            if head.group_id in heads:
                raise invalid(storage.where, f"{label}: a second head for {head.group_id!r}")
            heads[head.group_id] = head
        return heads

    def advance_seal_head(self, link: SealHead) -> None:
        """Keep the group's newest link in org.json, written after the
        meeting's file (a crash between the two shows as a record sealed
        after the head, which verify names)."""
        current = self.seal_heads().get(link.group_id)
        if current is not None and current.index >= link.index:
            return
        storage, data = self.open()
        if data is None:
            raise self._documents.no_organisation()
        decode_org(data, storage.where)  # never write over what we cannot read
        put(data, SEAL_HEADS_TABLE, "group_id", link.group_id, codec.unstructure(link))
        storage.write(data)
