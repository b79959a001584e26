"""Verifying the sealed records of a data directory (R3: 存档备查), for
``xiaozu verify`` and the kiosk's verify screen alike.

Reads only, from the disk (not from what a kiosk holds in memory), so it
works while the kiosk runs and sees what an archive check must see: the
files as they are. A meeting file that cannot be read at all is named as a
problem and the rest are still verified; an unreadable org.json (which holds
the chain heads) raises its ``DataFileError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rules.meeting.seal import ChainSummary, ProblemKind, kind_text, verify
from rules.models import Organisation
from storage import RecordNotFoundError, Repository


@dataclass(frozen=True)
class ProblemLine:
    """One record changed, removed or inserted after sealing (or a file that
    cannot be read), said in both languages."""

    kind: ProblemKind
    group_id: str | None
    group_name_zh: str
    group_name_en: str
    meeting_id: str | None
    held_on: date | None
    addendum: int  # 0: the minutes themselves
    index: int | None  # the place in the chain
    message_zh: str
    message_en: str

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_zh

    def title(self, lang: str) -> str:
        """The kind of problem, in ``lang``."""
        zh, en = kind_text(self.kind)
        return en if lang == "en" else zh

    def as_json(self, lang: str) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "group_id": self.group_id,
            "group_name": self.group_name_en if lang == "en" else self.group_name_zh,
            "meeting_id": self.meeting_id,
            "held_on": self.held_on.isoformat() if self.held_on else None,
            "addendum": self.addendum or None,
            "index": self.index,
            "message": self.message(lang),
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


@dataclass(frozen=True)
class ChainLine:
    """A group's sealed chain, counted."""

    group_id: str | None
    group_name_zh: str
    group_name_en: str
    minutes: int
    addenda: int
    unsealed: int  # finalised before sealing began; sealed with the next

    @property
    def sealed(self) -> int:
        return self.minutes + self.addenda

    def group_name(self, lang: str) -> str:
        return self.group_name_en if lang == "en" else self.group_name_zh


@dataclass(frozen=True)
class VerifyReport:
    branch: str
    chains: tuple[ChainLine, ...]
    problems: tuple[ProblemLine, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def sealed(self) -> int:
        return sum(chain.sealed for chain in self.chains)

    def for_group(self, group_id: str | None) -> VerifyReport:
        """Only what concerns one group (files that cannot be read stay:
        whose records they hold cannot be told)."""
        return VerifyReport(
            self.branch,
            tuple(c for c in self.chains if c.group_id == group_id),
            tuple(
                p
                for p in self.problems
                if p.group_id == group_id or p.kind is ProblemKind.UNREADABLE
            ),
        )


def group_names(org: Organisation, group_id: str | None) -> tuple[str, str]:
    """A chain's group, by name in Chinese and English."""
    if group_id is None:
        return f"{org.branch.name}党员大会", f"the {org.branch.name} member congress"
    group = org.group(group_id)
    name = group.name if group is not None else group_id
    return name, name


def verify_repository(repo: Repository) -> VerifyReport:
    """Read the sealed records and the chain heads; verify every chain."""
    org = repo.organisation()
    if org is None:
        raise RecordNotFoundError(
            "数据目录中还没有支部数据。", "The data directory holds no branch."
        )
    heads = repo.seal_heads()
    meetings, unreadable = repo.meetings_readable()
    verification = verify(meetings, heads)
    chains = tuple(_chain_line(org, chain) for chain in verification.chains)
    problems = [
        ProblemLine(
            ProblemKind.UNREADABLE,
            None,
            "",
            "",
            None,
            None,
            0,
            None,
            error.message("zh"),
            error.message("en"),
        )
        for error in unreadable
    ]
    for problem in verification.problems:
        zh_name, en_name = group_names(org, problem.group_id)
        zh, en = problem.describe(zh_name, en_name)
        ref = problem.ref
        problems.append(
            ProblemLine(
                problem.kind,
                problem.group_id,
                zh_name,
                en_name,
                ref.meeting_id if ref else None,
                ref.held_on if ref else None,
                ref.addendum if ref else 0,
                problem.index,
                zh,
                en,
            )
        )
    return VerifyReport(org.branch.name, chains, tuple(problems))


def _chain_line(org: Organisation, chain: ChainSummary) -> ChainLine:
    return ChainLine(
        chain.group_id,
        *group_names(org, chain.group_id),
        chain.minutes,
        chain.addenda,
        chain.unsealed,
    )
