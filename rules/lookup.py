"""Placeholder: replaced by the cli branch's rules/lookup.py at merge."""

from __future__ import annotations

import unicodedata

from rules.models import Group, Organisation, Person


class LookupProblem(Exception):
    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_zh, self.message_en = message_zh, message_en


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def find_person(org: Organisation, text: str) -> Person:
    wanted = _norm(text)
    for person in org.people:
        if person.id == wanted:
            return person
    named = [p for p in org.people if _norm(p.name) == wanted]
    if len(named) == 1:
        return named[0]
    if named:
        ids = ", ".join(p.id for p in named)
        raise LookupProblem(f"有多人名为 {wanted}:{ids}", f"Several are named {wanted}: {ids}")
    raise LookupProblem(f"名册中没有 {wanted}", f"No {wanted} in the roster")


def find_group(org: Organisation, text: str, *, active_only: bool = False) -> Group:
    wanted = _norm(text)
    for group in org.groups:
        named = group.id == wanted or _norm(group.name) == wanted
        if named and (group.active or not active_only):
            return group
    raise LookupProblem(f"没有党小组 {wanted}", f"No group {wanted}")
