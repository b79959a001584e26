"""People and groups named on the command line: by id or by name.

A secretary types ``--group 第一党小组`` as readily as ``--group g1``, and a
person's name rather than the id printed on a badge. Names are compared
after NFKC normalisation (full-width letters and digits as typed by a
Chinese input method, compatibility characters) and with the spaces around
them stripped. An id always wins over a name, since ids are unique.

A name two people share (two 张伟 are common) is never guessed at: the
problem lists each of them with their id, group and department, and asks
for the id. An unknown name or id lists what exists, so the user can pick.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from rules.models import Group, Organisation, Person

#: At most this many people are listed when a name is not found.
LISTED_MAX = 20


class LookupProblem(Exception):
    """A name or id that names no one, or more than one: what to do instead,
    in Chinese and English."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_zh, message_en)
        self.message_zh = message_zh
        self.message_en = message_en

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh

    def __str__(self) -> str:
        return self.message_en


def normalise(text: str) -> str:
    """How names are compared: NFKC, no surrounding spaces."""
    return unicodedata.normalize("NFKC", text).strip()


def find_person(org: Organisation, text: str) -> Person:
    """The person ``text`` names: an id, a 党员编号 or a name shared by no one."""
    key = normalise(text)
    if not key:
        raise LookupProblem(
            "没有给出人员:请写姓名或编号。", "no person given: write a name or an id."
        )
    for person in org.people:
        if person.id == key:
            return person
    numbered = [p for p in org.people if p.member_no is not None and normalise(p.member_no) == key]
    if len(numbered) == 1:
        return numbered[0]
    named = [p for p in org.people if normalise(p.name) == key]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        listing = "\n".join(_person_line(org, p, "zh") for p in named)
        listing_en = "\n".join(_person_line(org, p, "en") for p in named)
        raise LookupProblem(
            f"有 {len(named)} 人名叫“{key}”,请改用编号指明是哪一位:\n{listing}",
            f"{len(named)} people are called {key!r}; give the id of the one you mean:\n"
            f"{listing_en}",
        )
    shown = _likely(org.people, key)
    rest = len(org.people) - len(shown)
    listing = "\n".join(_person_line(org, p, "zh") for p in shown) or "  (无)"
    listing_en = "\n".join(_person_line(org, p, "en") for p in shown) or "  (none)"
    if rest > 0:
        listing += f"\n  ……另有 {rest} 人"
        listing_en += f"\n  … and {rest} more"
    raise LookupProblem(
        f"没有姓名或编号为 {key!r} 的人员。名册中有:\n{listing}",
        f"no one is called or has the id {key!r}. The roster has:\n{listing_en}",
    )


def find_group(org: Organisation, text: str, *, active_only: bool = False) -> Group:
    """The group ``text`` names, by id or by name; ``active_only``: not one
    the committee has dissolved."""
    key = normalise(text)
    groups = [g for g in org.groups if g.active or not active_only]
    listing = "\n".join(_group_line(g, "zh") for g in groups) or "  (无)"
    listing_en = "\n".join(_group_line(g, "en") for g in groups) or "  (none)"
    by_id = next((g for g in org.groups if g.id == key), None)
    if by_id is not None and by_id in groups:
        return by_id
    named = [g for g in groups if normalise(g.name) == key]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        same = "\n".join(_group_line(g, "zh") for g in named)
        same_en = "\n".join(_group_line(g, "en") for g in named)
        raise LookupProblem(
            f"有 {len(named)} 个党小组名叫“{key}”,请改用编号指明是哪一个:\n{same}",
            f"{len(named)} groups are called {key!r}; give the id of the one you mean:\n{same_en}",
        )
    if by_id is not None:  # dissolved, and only active groups will do
        day = by_id.dissolved_on.isoformat() if by_id.dissolved_on else ""
        raise LookupProblem(
            f"党小组 {by_id.name}({by_id.id})已于 {day} 撤销。现有的党小组:\n{listing}",
            f"the group {by_id.name} ({by_id.id}) was dissolved on {day}. The groups are:\n"
            f"{listing_en}",
        )
    raise LookupProblem(
        f"没有名称或编号为 {key!r} 的党小组。已有的党小组:\n{listing}",
        f"there is no group called or with the id {key!r}. The groups are:\n{listing_en}",
    )


def _group_line(group: Group, lang: str) -> str:
    line = f"  {group.id}  {group.name}"
    if not group.active:
        day = group.dissolved_on.isoformat() if group.dissolved_on else ""
        line += f"  (dissolved {day})" if lang == "en" else f"  (已撤销 {day})"
    return line


def _person_line(org: Organisation, person: Person, lang: str) -> str:
    """p-3f2a  张伟  第一党小组 · 生产一车间 · 党员编号 DY001"""
    group = org.group(person.group_id) if person.group_id else None
    parts = [group.name if group else ("no group" if lang == "en" else "不在党小组")]
    if person.department:
        parts.append(person.department)
    if person.member_no:
        parts.append(
            f"member no. {person.member_no}" if lang == "en" else f"党员编号 {person.member_no}"
        )
    return f"  {person.id}  {person.name}  {' · '.join(parts)}"


def _likely(people: Sequence[Person], key: str) -> list[Person]:
    """The people most likely meant by an unknown ``key``: those whose name
    shares a character with it first, then the rest, at most LISTED_MAX."""
    chars = set(key)
    ranked = sorted(people, key=lambda p: -len(chars & set(normalise(p.name))))
    return ranked[:LISTED_MAX]
