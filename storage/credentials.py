"""Credentials, kept in org.json beside the roster they belong to.

Tables: ``credentials`` (unlock PINs, scrypt-hashed, storage.pins),
``pin_attempts`` (runs of wrong PINs, so a lockout survives a restart),
``signin_credentials`` (members' sign-in PINs, hashed, with a version),
``signin_attempts``, ``badges`` (each member's current badge version) and
``setup_code`` (the one-time set-up code of ``xiaozu init``, hashed, with its
expiry). A PIN is never stored, only its hash; every change is one write of
org.json, and only for a person in the roster.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from rules.organisation import access
from rules.organisation.access import PinAttempts
from storage import codec, pins
from storage.atomic import MarkedJSONStorage, Tables
from storage.errors import RecordNotFoundError
from storage.org_file import CREDENTIALS_TABLE, OrgFile, decode_org
from storage.tables import Documents, docs, invalid, put

PIN_ATTEMPTS_TABLE: Final = "pin_attempts"
SIGNIN_CREDENTIALS_TABLE: Final = "signin_credentials"
SIGNIN_ATTEMPTS_TABLE: Final = "signin_attempts"
BADGES_TABLE: Final = "badges"
SETUP_CODE_TABLE: Final = "setup_code"


def _find_pin_attempts(
    data: Tables, person_id: str, where: Path | str, table: str
) -> tuple[str, PinAttempts] | None:
    """The document id and the run of wrong PINs stored for ``person_id``."""
    for doc_id, doc in docs(data, table):
        if doc.get("person_id") != person_id:
            continue
        fields = {key: value for key, value in doc.items() if key != "person_id"}
        label = f"{table}[{doc_id}]"
        return doc_id, codec.structure(fields, PinAttempts, where=where, label=label)
    return None


class Credentials:
    """PINs, their throttles, badges and the set-up code, in org.json."""

    def __init__(self, documents: Documents, org: OrgFile) -> None:
        self._documents = documents
        self._org = org

    def _credential(
        self, person_id: str, table: str = CREDENTIALS_TABLE
    ) -> tuple[pins.PinHash, int] | None:
        """The stored hash of the person's PIN (unlock or sign-in) and its
        version (0 for unlock PINs, which have none)."""
        storage, data = self._org.open()
        if data is None:
            return None
        org = decode_org(data, storage.where)
        if org.person(person_id) is None:
            return None
        for doc_id, doc in docs(data, table):
            if doc.get("person_id") == person_id:
                label = f"{table}[{doc_id}]"
                # Unlock PINs have no version; a sign-in PIN's starts at 1.
                least = 1 if table == SIGNIN_CREDENTIALS_TABLE else 0
                version = doc.get("version", 0)
                if not isinstance(version, int) or isinstance(version, bool) or version < least:
                    raise invalid(storage.where, f"{label}: bad version {version!r}")
                try:
                    return pins.PinHash.from_document(doc), version
                except ValueError as exc:
                    raise invalid(storage.where, f"{label}: {exc}") from exc
        return None

    def _person_data(
        self, person_id: str, zh_what: str, en_what: str
    ) -> tuple[MarkedJSONStorage, Tables]:
        """org.json's storage and tables, for a change about a person who
        must be in the roster."""
        self._documents.check_can_write()
        storage, data = self._org.open()
        if data is None or decode_org(data, storage.where).person(person_id) is None:
            raise RecordNotFoundError(
                f"名册中没有人员 {person_id},{zh_what}。",
                f"There is no person {person_id} in the roster; {en_what}.",
            )
        return storage, data

    # -- unlock PINs ---------------------------------------------------------

    def set_pin(self, person_id: str, pin: str, *, end_setup: bool = False) -> None:
        """Store a salted scrypt hash of ``pin`` (never the PIN itself)."""
        storage, data = self._person_data(person_id, "无法设置 PIN", "the PIN was not set")
        document = {"person_id": person_id, **pins.hash_pin(pin).to_document()}
        put(data, CREDENTIALS_TABLE, "person_id", person_id, document)
        if end_setup:
            data.pop(SETUP_CODE_TABLE, None)
        storage.write(data)

    def verify_pin(self, person_id: str, pin: str) -> bool:
        found = self._credential(person_id)
        return pins.check_pin(pin, found[0] if found else None)

    def has_pin(self, person_id: str) -> bool:
        return self._credential(person_id) is not None

    def pin_holders(self) -> frozenset[str]:
        org = self._org.organisation()
        if org is None:
            return frozenset()
        _, data = self._org.open()
        return frozenset(
            person_id
            for _, doc in docs(data or {}, CREDENTIALS_TABLE)
            if isinstance(person_id := doc.get("person_id"), str) and org.person(person_id)
        )

    def attempts(self, person_id: str, table: str = PIN_ATTEMPTS_TABLE) -> PinAttempts:
        """The person's run of wrong PINs (unlock, or ``SIGNIN_ATTEMPTS_TABLE``)."""
        storage, data = self._org.open()
        if data is None:
            return PinAttempts()
        found = _find_pin_attempts(data, person_id, storage.where, table)
        return found[1] if found is not None else PinAttempts()

    def save_attempts(
        self, person_id: str, attempts: PinAttempts, table: str = PIN_ATTEMPTS_TABLE
    ) -> None:
        storage, data = self._person_data(
            person_id, "无法记录 PIN 尝试", "the PIN attempts were not stored"
        )
        found = _find_pin_attempts(data, person_id, storage.where, table)
        if attempts == PinAttempts():
            if found is None:
                return  # nothing to forget: no write, no fsync
            del data[table][found[0]]
        else:
            document = {"person_id": person_id, **codec.unstructure(attempts)}
            put(data, table, "person_id", person_id, document)
        storage.write(data)

    # -- putting a branch into service (xiaozu init) ---------------------------

    def issue_setup_code(self, now: datetime) -> str:
        self._documents.check_can_write()
        storage, data = self._org.open()
        if data is None:
            raise self._documents.no_organisation()
        code = pins.new_setup_code()
        expires = now + access.SETUP_CODE_LIFETIME
        document = {
            "issued_at": codec.unstructure_as(now, datetime),
            "expires_at": codec.unstructure_as(expires, datetime),
            **pins.hash_pin(code).to_document(),
        }
        data[SETUP_CODE_TABLE] = {"1": document}
        storage.write(data)
        return code

    def _setup_code(self) -> tuple[pins.PinHash, datetime] | None:
        storage, data = self._org.open()
        if data is None:
            return None
        found = docs(data, SETUP_CODE_TABLE)
        if not found:
            return None
        doc_id, doc = found[0]
        label = f"{SETUP_CODE_TABLE}[{doc_id}]"
        try:
            expires = datetime.fromisoformat(doc["expires_at"])
            if expires.utcoffset() is None:
                raise ValueError("expires_at has no UTC offset")
            return pins.PinHash.from_document(doc), expires
        except (KeyError, ValueError, TypeError) as exc:
            raise invalid(storage.where, f"{label}: {exc}") from exc

    def setup_code_expires(self, now: datetime) -> datetime | None:
        found = self._setup_code()
        if found is None or now >= found[1]:
            return None
        return found[1]

    def check_setup_code(self, code: str, now: datetime) -> bool:
        found = self._setup_code()
        stored = found[0] if found is not None and now < found[1] else None
        return pins.check_pin(code, stored)

    # -- signing in: members' PINs and badges ----------------------------------

    def set_signin_pin(self, person_id: str, pin: str, *, first: bool = True) -> int:
        storage, data = self._person_data(
            person_id, "无法设置签到 PIN", "the sign-in PIN was not set"
        )
        found = self._credential(person_id, SIGNIN_CREDENTIALS_TABLE)
        version = (found[1] if found else 0) + 1
        document: dict[str, Any] = {
            "person_id": person_id,
            "version": version,
            **pins.hash_pin(pin).to_document(),
        }
        if first:
            document["first"] = True
        put(data, SIGNIN_CREDENTIALS_TABLE, "person_id", person_id, document)
        storage.write(data)
        return version

    def verify_signin_pin(self, person_id: str, pin: str) -> bool:
        found = self._credential(person_id, SIGNIN_CREDENTIALS_TABLE)
        return pins.check_pin(pin, found[0] if found else None)

    def signin_pin_versions(self) -> dict[str, int]:
        return self._versions(SIGNIN_CREDENTIALS_TABLE)

    def first_signin_pins(self) -> frozenset[str]:
        _, data = self._org.open()
        return frozenset(
            person_id
            for _, doc in docs(data or {}, SIGNIN_CREDENTIALS_TABLE)
            if doc.get("first") is True and isinstance(person_id := doc.get("person_id"), str)
        )

    def _versions(self, table: str) -> dict[str, int]:
        storage, data = self._org.open()
        if data is None:
            return {}
        versions: dict[str, int] = {}
        for doc_id, doc in docs(data, table):
            person_id, version = doc.get("person_id"), doc.get("version")
            if (
                not isinstance(person_id, str)
                or not isinstance(version, int)
                or isinstance(version, bool)
                or version < 1
            ):
                raise invalid(storage.where, f"{table}[{doc_id}]: bad person or version")
            versions[person_id] = version
        return versions

    def badge_versions(self) -> dict[str, int]:
        return self._versions(BADGES_TABLE)

    def issue_badges(self, person_ids: Iterable[str], *, reissue: bool = False) -> dict[str, int]:
        self._documents.check_can_write()
        wanted = list(dict.fromkeys(person_ids))
        storage, data = self._org.open()
        org = decode_org(data, storage.where) if data is not None else None
        unknown = [p for p in wanted if org is None or org.person(p) is None]
        if unknown or data is None:
            raise RecordNotFoundError(
                f"名册中没有人员 {'、'.join(unknown)},未制作胸卡。",
                f"There is no person {', '.join(unknown)} in the roster; no badge was made.",
            )
        current = self.badge_versions()
        changed = False
        for person_id in wanted:
            if reissue or person_id not in current:
                current[person_id] = current.get(person_id, 0) + 1
                document = {"person_id": person_id, "version": current[person_id]}
                put(data, BADGES_TABLE, "person_id", person_id, document)
                changed = True
        if changed:
            storage.write(data)
        return {p: current[p] for p in wanted}
