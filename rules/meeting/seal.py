"""Sealed records (R3: 会议记录要认真保管,存档备查): finalised minutes and
every addendum are links of one hash chain per group.

When minutes are finalised they are sealed: the link's digest is SHA-256 over
the previous link's digest and the canonical bytes of the meeting — every
field of it, attendance, opinions and summary included, except what may still
change after finalising (``MUTABLE_AFTER_FINAL``: how far the meeting has got
afterwards, and the addenda, which are links of their own). A field added to
``Meeting`` later is covered without anyone having to remember it. A
correction after sealing is a dated addendum (the minutes stay as they were);
the addendum is sealed as the next link of the same chain, so it verifies,
and a later edit of it does not.

The chain's newest link (its head) is also kept apart from the meetings (in
org.json, by ``storage``), so removing the newest record is caught, not only
a record in the middle. ``verify`` recomputes every chain and names each
record changed, removed or inserted after sealing.

What this is and is not: a chain without a key. It catches a record edited,
deleted or slipped in by hand, or by a program that does not know the
chain; someone who rewrites the chain from the changed record on *and* the
head can make it verify. It is a check on the archive, not a signature.

The canonical bytes: JSON with sorted keys, no whitespace, UTF-8; enums by
value, tuples as lists, dates and datetimes ISO 8601 (with their UTC offset,
as ``storage.codec`` keeps them), so a meeting reads back from its file with
the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import MISSING, Field, dataclass, fields, is_dataclass, replace
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Any

from rules.models import (
    Addendum,
    Attendance,
    Election,
    ElectionRound,
    Guest,
    Meeting,
    NoticeAsSent,
    Opinion,
    Postponement,
    Seal,
    SealRef,
    TaskAsSet,
    VoteCount,
)

#: What may change once minutes are final (R3), kept out of the seal: the
#: after-steps (A1, A2) and the addenda, appended only and sealed on their
#: own. Must be ``storage.repository.MUTABLE_AFTER_FINAL`` (a test says so).
MUTABLE_AFTER_FINAL = frozenset({"step", "checked_at", "reported_at", "addenda"})
_NOT_SEALED = MUTABLE_AFTER_FINAL | {"seal"}
_SEAL_ONLY = frozenset({"seal"})

_CHAIN = "xiaozu:seal-chain:v1"

#: The fields of every record a seal covers, as they were when sealing began
#: (commit 55b26b7): always hashed, at their default or not. A field added
#: since is hashed only when it is not at its default, so a record sealed
#: before it existed (read back with the default) keeps its digest. Never
#: change an entry; a record type new since then gets its own entry, with
#: the fields it has when it is first sealed (``TaskAsSet``), so later fields
#: of it are forward-compatible too.
V1_FIELDS: dict[type, frozenset[str]] = {
    Meeting: frozenset(
        {
            "id",
            "group_id",
            "planned_at",
            "place",
            "kind",
            "topics",
            "method",
            "requirements",
            "recorder_id",
            "chair_id",
            "guests",
            "consulted_branch_at",
            "notice_sent_at",
            "postponement",
            "reviews_last_year",
            "decides_annual_plan",
            "opinions_gathered_on",
            "step",
            "started_at",
            "ended_at",
            "expected_ids",
            "attendance",
            "current_topic",
            "opinions",
            "summary",
            "decisions",
            "finalised_at",
            "checked_at",
            "reported_at",
            "addenda",
            "elections",
            "seal",
        }
    ),
    Guest: frozenset({"person_id", "delegated_by_committee"}),
    Postponement: frozenset({"reason", "decided_at", "new_date"}),
    Attendance: frozenset({"person_id", "status", "reason", "recorded_by", "recorded_at", "phone"}),
    Opinion: frozenset({"speaker_id", "topic_index", "text", "capacity", "at"}),
    Addendum: frozenset({"at", "author_id", "text", "seal"}),
    Seal: frozenset({"index", "prev", "digest", "sealed_at", "prev_ref"}),
    SealRef: frozenset({"meeting_id", "held_on", "addendum"}),
    Election: frozenset(
        {"id", "method", "candidate_ids", "opened_at", "rounds", "elected_id", "closed_at"}
    ),
    ElectionRound: frozenset(
        {
            "number",
            "candidate_ids",
            "eligible_ids",
            "voter_ids",
            "counts",
            "blank",
            "invalid",
            "closed_at",
        }
    ),
    VoteCount: frozenset({"candidate_id", "votes"}),
    # New since v1, sealed from their first use: the tasks as set (会后任务),
    # what the notice said.
    TaskAsSet: frozenset({"task_id", "assignee_id", "what", "due"}),
    NoticeAsSent: frozenset({"planned_at", "place", "topics"}),
}

_ALWAYS = object()  # a field hashed whatever it holds


def _default_of(field: Field[Any]) -> Any:
    if field.default is not MISSING:
        return field.default
    if field.default_factory is not MISSING:
        return field.default_factory()
    return _ALWAYS  # a required field: there is no default to leave out


_PLANS: dict[type, tuple[tuple[str, Any], ...]] = {}


def _field_plan(cls: type) -> tuple[tuple[str, Any], ...]:
    """Each field of ``cls`` with the default that leaves it out of the
    hashed form (``_ALWAYS``: never left out). A subclass goes by the entry
    of the record type it extends; a type with no entry (one newer than
    sealing that nobody gave one) hashes its required fields always and the
    others when not at their default, so its later fields are
    forward-compatible as well."""
    plan = _PLANS.get(cls)
    if plan is None:
        frozen = next((V1_FIELDS[base] for base in cls.__mro__ if base in V1_FIELDS), frozenset())
        plan = _PLANS[cls] = tuple(
            (f.name, _ALWAYS if f.name in frozen else _default_of(f)) for f in fields(cls)
        )
    return plan


def _sealed_fields(value: Any, omit: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The fields of a record that its seal covers (see ``V1_FIELDS``), but
    ``omit``, each as canonical data."""
    out: dict[str, Any] = {}
    for name, default in _PLANS.get(type(value)) or _field_plan(type(value)):
        if name in omit:
            continue
        item = getattr(value, name)
        if default is _ALWAYS or item != default:
            out[name] = canonical(item)
    return out


# --------------------------------------------------------------------------
# Canonical bytes


def canonical(value: Any) -> Any:
    """``value`` as plain JSON data, the same whatever the object came from
    (built in memory, or read back from a data file)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Enum):
        return canonical(value.value)
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError(f"cannot seal a naive datetime ({value.isoformat()})")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return _sealed_fields(value)
    if isinstance(value, tuple | list):
        return [canonical(item) for item in value]
    if isinstance(value, dict):
        return {str(key): canonical(item) for key, item in value.items()}
    raise TypeError(f"cannot seal a {type(value).__name__}")


def canonical_bytes(value: Any) -> bytes:
    text = json.dumps(canonical(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def sealed_content(meeting: Meeting) -> dict[str, Any]:
    """The minutes as sealed: every field but those that may change later
    (a field newer than sealing only when it holds something, ``V1_FIELDS``)."""
    return _sealed_fields(meeting, _NOT_SEALED)


def _addendum_content(meeting: Meeting, number: int, addendum: Addendum) -> dict[str, Any]:
    body = _sealed_fields(addendum, _SEAL_ONLY)
    return {"meeting_id": meeting.id, "number": number, "addendum": body}


def genesis(group_id: str | None) -> str:
    """Where a group's chain starts: its own, so links cannot be moved from
    one group's chain to another's."""
    return hashlib.sha256(f"{_CHAIN}:group:{json.dumps(group_id)}".encode()).hexdigest()


def _digest(
    prev: str, kind: str, content: dict[str, Any], index: int, at: datetime, ref: SealRef | None
) -> str:
    payload = canonical_bytes(
        {"kind": kind, "record": content, "index": index, "sealed_at": at, "prev_ref": ref}
    )
    return hashlib.sha256(prev.encode("ascii", "replace") + payload).hexdigest()


# --------------------------------------------------------------------------
# Sealing


@dataclass(frozen=True)
class SealHead:
    """A group's newest link: how long its chain is and how it ends."""

    group_id: str | None
    index: int
    digest: str
    ref: SealRef | None = None


def _ref(meeting: Meeting, addendum: int = 0) -> SealRef:
    return SealRef(meeting.id, meeting.held_on, addendum)


def _link(
    head: SealHead | None,
    group_id: str | None,
    kind: str,
    content: dict[str, Any],
    at: datetime,
    ref: SealRef,
) -> tuple[Seal, SealHead]:
    if at.utcoffset() is None:
        raise ValueError("the clock must be timezone-aware")
    index = head.index + 1 if head is not None else 1
    prev = head.digest if head is not None else genesis(group_id)
    prev_ref = head.ref if head is not None else None
    digest = _digest(prev, kind, content, index, at, prev_ref)
    seal = Seal(index=index, prev=prev, digest=digest, sealed_at=at, prev_ref=prev_ref)
    return seal, SealHead(group_id, index, digest, ref)


def seal_meeting(
    meeting: Meeting,
    head: SealHead | None,
    now: datetime,
    *,
    minutes: bool = True,
) -> tuple[Meeting, SealHead | None]:
    """Seal what is not yet sealed of finalised minutes: the minutes
    themselves (unless ``minutes`` is False), then each addendum without a
    seal, in order, each the next link after ``head``. Returns the meeting
    and the group's new head. Minutes not yet final are returned as they are.
    """
    if not meeting.step.minutes_final:
        return meeting, head
    gid = meeting.group_id
    if minutes and meeting.seal is None:
        seal, head = _link(head, gid, "minutes", sealed_content(meeting), now, _ref(meeting))
        meeting = replace(meeting, seal=seal)
    addenda = list(meeting.addenda)
    for number, addendum in enumerate(addenda, 1):
        if addendum.seal is None:
            content = _addendum_content(meeting, number, addendum)
            seal, head = _link(head, gid, "addendum", content, now, _ref(meeting, number))
            addenda[number - 1] = replace(addendum, seal=seal)
    if addenda != list(meeting.addenda):
        meeting = replace(meeting, addenda=tuple(addenda))
    return meeting, head


def seal_history(meetings: Iterable[Meeting]) -> tuple[Meeting, ...]:
    """Seal records made before sealing (the demo's history): each group's
    finalised minutes in the order they were finalised, sealed at that
    moment, each addendum at its own date. Order of ``meetings`` is kept."""
    given = list(meetings)
    order = sorted(
        (i for i, m in enumerate(given) if m.step.minutes_final),
        key=lambda i: (given[i].finalised_at or given[i].planned_at, given[i].id),
    )
    heads: dict[str | None, SealHead | None] = {}
    for i in order:
        meeting = given[i]
        head = heads.get(meeting.group_id)
        at = meeting.finalised_at or meeting.planned_at
        meeting, head = seal_meeting(replace(meeting, addenda=()), head, at)
        for addendum in given[i].addenda:
            with_one = replace(meeting, addenda=(*meeting.addenda, addendum))
            meeting, head = seal_meeting(with_one, head, addendum.at)
        given[i] = meeting
        heads[meeting.group_id] = head
    return tuple(given)


def newest_link(meeting: Meeting) -> SealHead | None:
    """The meeting's newest sealed record as a chain head (None: unsealed)."""
    best: SealHead | None = None
    candidates: list[tuple[Seal | None, int]] = [(meeting.seal, 0)]
    candidates += [(a.seal, n) for n, a in enumerate(meeting.addenda, 1)]
    for seal, number in candidates:
        if seal is not None and (best is None or seal.index > best.index):
            best = SealHead(meeting.group_id, seal.index, seal.digest, _ref(meeting, number))
    return best


def chain_heads(meetings: Iterable[Meeting]) -> dict[str | None, SealHead]:
    """Each group's newest link among ``meetings`` (what org.json keeps as
    the heads, for records that are whole)."""
    heads: dict[str | None, SealHead] = {}
    for meeting in meetings:
        link = newest_link(meeting)
        current = heads.get(meeting.group_id)
        if link is not None and (current is None or link.index > current.index):
            heads[meeting.group_id] = link
    return heads


# --------------------------------------------------------------------------
# Verifying


class ProblemKind(StrEnum):
    CHANGED = "changed"  # 已被改动
    REMOVED = "removed"  # 已被删除
    INSERTED = "inserted"  # 被插入
    UNREADABLE = "unreadable"  # the file cannot be read at all


class Reason(StrEnum):
    CONTENT = "content"  # the record no longer matches its seal
    NOT_FINAL = "not_final"  # sealed minutes no longer marked final
    RESEALED = "resealed"  # changed and sealed again: what follows no longer fits
    MISSING = "missing"  # a link of the chain is gone
    HEAD_MISSING = "head_missing"  # the chain head kept in org.json is gone
    DUPLICATE = "duplicate"  # a second record claims a link's place
    OFF_CHAIN = "off_chain"  # a seal that is no link of the chain
    UNSEALED = "unsealed"  # finalised but never sealed, in a sealed chain
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class SealProblem:
    """One record changed, removed or inserted after sealing."""

    kind: ProblemKind
    reason: Reason
    group_id: str | None
    ref: SealRef | None = None  # the record; None when it cannot be named
    index: int | None = None  # its place in the chain
    where: str = ""  # the file, when it cannot be read

    def describe(self, group_zh: str, group_en: str | None = None) -> tuple[str, str]:
        """What happened, in Chinese and English, naming the record and its
        group (by its name in each language)."""
        zh_what = _record_names(self, group_zh)[0]
        en_what = _record_names(self, group_en or group_zh)[1]
        zh, en = _REASON_TEXT[self.reason]
        return f"{zh_what}:{zh}", f"{en_what}: {en}"


_KIND_TEXT: dict[ProblemKind, tuple[str, str]] = {
    ProblemKind.CHANGED: ("封存后被改动", "changed after sealing"),
    ProblemKind.REMOVED: ("封存后被删除", "removed after sealing"),
    ProblemKind.INSERTED: ("封存后被插入", "inserted after sealing"),
    ProblemKind.UNREADABLE: ("无法读取", "cannot be read"),
}


def kind_text(kind: ProblemKind) -> tuple[str, str]:
    return _KIND_TEXT[kind]


_REASON_TEXT: dict[Reason, tuple[str, str]] = {
    Reason.CONTENT: (
        "内容与封存时不一致(记录已被改动)",
        "its content no longer matches its seal (the record was changed)",
    ),
    Reason.NOT_FINAL: (
        "已封存的记录不再标为定稿(定稿状态被改动)",
        "sealed minutes are no longer marked final (their state was changed)",
    ),
    Reason.RESEALED: (
        "其封存与链中其后的记录(或 org.json 中的链头)不符:记录被改动后重新封存,或链头被改动",
        "its seal does not fit what follows it in the chain (the next record, or the chain"
        " head in org.json): it was changed and sealed again, or the head was changed",
    ),
    Reason.MISSING: (
        "封存链中的这条记录已不存在(文件被删除)",
        "this record of the sealed chain is gone (its file was deleted)",
    ),
    Reason.HEAD_MISSING: (
        "org.json 中该组的封存链头已不存在,无法确认最新的记录是否被删除",
        "the group's chain head in org.json is gone; whether the newest records were"
        " removed cannot be told",
    ),
    Reason.DUPLICATE: (
        "声称占据封存链中另一条记录的位置(复制或伪造的记录)",
        "claims the place of another record in the sealed chain (a copy or a forgery)",
    ),
    Reason.OFF_CHAIN: (
        "其封存不属于该组的封存链(伪造的封存)",
        "its seal is no link of the group's chain (a made-up seal)",
    ),
    Reason.UNSEALED: (
        "已定稿却没有封存,而该组的记录都在定稿时封存(封存后被放入)",
        "finalised but never sealed, where the group's records are sealed when finalised"
        " (put in after sealing)",
    ),
    Reason.UNREADABLE: (
        "文件无法读取,其中的记录无法核验",
        "the file cannot be read, so its records cannot be verified",
    ),
}


def _record_names(problem: SealProblem, group_name: str) -> tuple[str, str]:
    ref = problem.ref
    if problem.reason is Reason.UNREADABLE:
        return f"文件 {problem.where}", f"File {problem.where}"
    if problem.reason is Reason.HEAD_MISSING:
        return f"{group_name}的封存链", f"The sealed chain of {group_name}"
    place = f"(第 {problem.index} 号)" if problem.index is not None else ""
    place_en = f" (no. {problem.index})" if problem.index is not None else ""
    if ref is None:
        return (
            f"{group_name}的封存记录{place}",
            f"A sealed record of {group_name}{place_en}",
        )
    day = ref.held_on.isoformat()
    if ref.addendum:
        return (
            f"{group_name} {day} 会议({ref.meeting_id})的第 {ref.addendum} 条补充说明{place}",
            f"Addendum {ref.addendum} to the minutes of {group_name}, {day}"
            f" ({ref.meeting_id}){place_en}",
        )
    return (
        f"{group_name} {day} 的会议记录({ref.meeting_id}){place}",
        f"The minutes of {group_name}, {day} ({ref.meeting_id}){place_en}",
    )


@dataclass(frozen=True)
class ChainSummary:
    """A group's chain as verified: how many records are sealed in it."""

    group_id: str | None
    minutes: int = 0  # sealed minutes
    addenda: int = 0  # sealed addenda
    unsealed: int = 0  # finalised before sealing began (no chain yet): not a problem

    @property
    def sealed(self) -> int:
        return self.minutes + self.addenda


@dataclass(frozen=True)
class Verification:
    chains: tuple[ChainSummary, ...] = ()
    problems: tuple[SealProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def sealed(self) -> int:
        return sum(chain.sealed for chain in self.chains)


@dataclass(frozen=True)
class _Link:
    ref: SealRef
    seal: Seal
    recomputed: str  # the digest the record's content gives now
    final: bool  # the minutes are still marked final

    @property
    def intact(self) -> bool:
        return self.recomputed == self.seal.digest


def _links_of(meeting: Meeting) -> list[_Link]:
    links: list[_Link] = []
    final = meeting.step.minutes_final
    if meeting.seal is not None:
        s = meeting.seal
        digest = _digest(
            s.prev, "minutes", sealed_content(meeting), s.index, s.sealed_at, s.prev_ref
        )
        links.append(_Link(_ref(meeting), s, digest, final))
    for number, addendum in enumerate(meeting.addenda, 1):
        if addendum.seal is not None:
            s = addendum.seal
            content = _addendum_content(meeting, number, addendum)
            digest = _digest(s.prev, "addendum", content, s.index, s.sealed_at, s.prev_ref)
            links.append(_Link(_ref(meeting, number), s, digest, True))
    return links


def verify(meetings: Iterable[Meeting], heads: Mapping[str | None, SealHead]) -> Verification:
    """Recompute every group's chain from the records and the stored heads;
    name every record changed, removed or inserted after sealing."""
    by_group: dict[str | None, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        by_group[meeting.group_id].append(meeting)
    group_ids = sorted(set(by_group) | set(heads), key=lambda g: (g is not None, g or ""))
    chains: list[ChainSummary] = []
    problems: list[SealProblem] = []
    for gid in group_ids:
        own = sorted(by_group.get(gid, []), key=lambda m: (m.planned_at, m.id))
        links = [link for m in own for link in _links_of(m)]
        head = heads.get(gid)
        found = _verify_chain(gid, links, head)
        unsealed = [
            (m, n)
            for m in own
            if m.step.minutes_final
            for n in ([0] if m.seal is None else [])
            + [i for i, a in enumerate(m.addenda, 1) if a.seal is None]
        ]
        legacy = 0
        if links or head is not None:
            found += [
                SealProblem(ProblemKind.INSERTED, Reason.UNSEALED, gid, _ref(m, n))
                for m, n in unsealed
            ]
        else:
            legacy = len(unsealed)
        problems += found
        if links or head is not None or legacy:
            minutes = sum(1 for link in links if not link.ref.addendum)
            chains.append(ChainSummary(gid, minutes, len(links) - minutes, legacy))
    return Verification(tuple(chains), tuple(problems))


def _verify_chain(gid: str | None, links: list[_Link], head: SealHead | None) -> list[SealProblem]:
    problems: list[SealProblem] = []
    flagged: set[int] = set()  # id() of links already named

    def name(kind: ProblemKind, reason: Reason, link: _Link) -> None:
        flagged.add(id(link))
        problems.append(SealProblem(kind, reason, gid, link.ref, link.seal.index))

    if head is None:
        if not links:
            return problems
        problems.append(SealProblem(ProblemKind.REMOVED, Reason.HEAD_MISSING, gid))
        top, top_digest, top_ref = max(link.seal.index for link in links), None, None
    else:
        top, top_digest, top_ref = head.index, head.digest, head.ref

    at: dict[int, list[_Link]] = defaultdict(list)
    for link in links:
        if 1 <= link.seal.index <= top:
            at[link.seal.index].append(link)
        else:
            name(ProblemKind.INSERTED, Reason.OFF_CHAIN, link)

    expected: set[str] | None = {genesis(gid)}  # None: after a gap, anything
    previous: _Link | None = None
    for index in range(1, top + 1):
        candidates = at.get(index, [])
        if not candidates:
            problems.append(
                SealProblem(
                    ProblemKind.REMOVED,
                    Reason.MISSING,
                    gid,
                    _named_by(index, at, top, top_ref),
                    index,
                )
            )
            expected, previous = None, None
            continue

        def continues(link: _Link, wanted: set[str] | None = expected) -> bool:
            return wanted is None or link.seal.prev in wanted

        # The genuine record continues the chain and still matches its seal.
        candidates.sort(key=lambda link: (not continues(link), not link.intact))
        chosen, *others = candidates
        for other in others:
            name(ProblemKind.INSERTED, Reason.DUPLICATE, other)
        if not chosen.intact:
            name(ProblemKind.CHANGED, Reason.CONTENT, chosen)
        elif not chosen.final:
            name(ProblemKind.CHANGED, Reason.NOT_FINAL, chosen)
        elif not continues(chosen) and previous is not None and id(previous) not in flagged:
            # This one is whole but does not follow its predecessor: the
            # predecessor was changed and sealed again.
            name(ProblemKind.CHANGED, Reason.RESEALED, previous)
        expected, previous = {chosen.seal.digest, chosen.recomputed}, chosen
    if (
        top_digest is not None
        and previous is not None
        and previous.seal.digest != top_digest
        and id(previous) not in flagged
    ):
        name(ProblemKind.CHANGED, Reason.RESEALED, previous)
    problems.sort(key=lambda p: p.index or 0)
    return problems


def _named_by(
    index: int, at: Mapping[int, list[_Link]], top: int, top_ref: SealRef | None
) -> SealRef | None:
    """A missing link is named by the link after it (or by the head)."""
    if index == top:
        return top_ref
    for link in sorted(at.get(index + 1, []), key=lambda link: not link.intact):
        if link.seal.prev_ref is not None:
            return link.seal.prev_ref
    return None


def seal_on_save(
    meeting: Meeting,
    before: Meeting | None,
    group_meetings: Iterable[Meeting],
    head: SealHead | None,
    now: datetime,
) -> tuple[list[Meeting], SealHead | None]:
    """What to store when ``meeting`` is saved (``before`` is its last saved
    state): minutes finalised now are sealed, and so is each new addendum.

    The first time a group's records are sealed, its finalised minutes from
    before sealing began (``group_meetings``) are sealed first, oldest first,
    so the chain covers the whole archive. Once a group has a chain, minutes
    that were already final without a seal are left unsealed (verify names
    them): sealing them now would make a record slipped in look genuine.
    Returns the meetings to save, this one last, and the group's new head.
    """
    if not meeting.step.minutes_final:
        return [meeting], head
    out: list[Meeting] = []
    had_chain = head is not None
    if not had_chain:
        earlier = sorted(
            (
                m
                for m in group_meetings
                if m.id != meeting.id
                and m.group_id == meeting.group_id
                and m.step.minutes_final
                and (m.seal is None or any(a.seal is None for a in m.addenda))
            ),
            key=lambda m: (m.finalised_at or m.planned_at, m.id),
        )
        for old in earlier:
            sealed, head = seal_meeting(old, head, now)
            out.append(sealed)
    becomes_final = before is None or not before.step.minutes_final
    sealed, head = seal_meeting(meeting, head, now, minutes=becomes_final or not had_chain)
    out.append(sealed)
    return out, head
