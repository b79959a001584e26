"""What the rules engine reports: a finding names the rule, how serious it
is, what it is about, says so in Chinese and English, and quotes the seed."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # the rules are broken
    WARNING = "warning"  # likely broken, or about to be
    ADVICE = "advice"  # the seed recommends otherwise

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "advice": 2}[self.value]


class SubjectKind(StrEnum):
    BRANCH = "branch"
    GROUP = "group"
    PERSON = "person"
    MEETING = "meeting"
    TASK = "task"


@dataclass(frozen=True)
class Subject:
    kind: SubjectKind
    id: str
    label: str  # human name: 第一党小组, 张伟, 第一党小组 2026年3月12日会议
    # The label in English where it is not a name alone (a meeting: 第一党小组
    # meeting of 12 March 2026); not part of a subject's identity.
    label_en: str | None = field(default=None, compare=False)

    def label_in(self, lang: str = "zh") -> str:
        return self.label_en if lang == "en" and self.label_en else self.label

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Finding:
    rule: str  # "G1", "M5" …
    severity: Severity
    subject: Subject
    message_zh: str
    message_en: str
    seed: str  # the seed's own words this rule enforces

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh
