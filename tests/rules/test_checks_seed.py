"""The rule registry quotes the seed exactly, and every check says which
line of the seed it enforces."""

from __future__ import annotations

import re

import pytest

from rules import checks
from rules.checks import Check
from rules.checks.engine import CHECKS
from rules.checks.seed import RULES
from tests.seed_text import SEED

SPEC_IDS = [
    "G1",
    "G2",
    "G3",
    "G4",
    "G5",
    "B1",
    "L1",
    "L2",
    "L3",
    "M1",
    "M2",
    "M3",
    "M4",
    "M5",
    "M6",
    "R1",
    "R2",
    "R3",
    "A1",
    "A2",
    "A3",
    "Y1",
    "Y2",
]


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED


def test_registry_has_every_spec_rule_in_order() -> None:
    assert list(RULES) == SPEC_IDS
    for rule_id, info in RULES.items():
        assert info.id == rule_id
        assert info.title_zh and info.title_en and info.seed


@pytest.mark.parametrize("rule_id", SPEC_IDS)
def test_seed_words_occur_verbatim_in_the_seed(rule_id: str, seed_text: str) -> None:
    assert RULES[rule_id].seed in seed_text


def test_known_quotes() -> None:
    assert RULES["G1"].seed == "每个党小组一般不得少于三名党员"
    assert RULES["M5"].seed == "党小组要把会议的时间、地点、议题、要求提前一至三天通知本组党员"
    assert "正式党员" in RULES["L1"].seed
    assert "受支委会的委托" in RULES["L3"].seed


def test_engine_runs_every_check_of_the_package() -> None:
    assert set(CHECKS) == set(checks.ALL_CHECKS)
    assert len(CHECKS) == len(set(CHECKS))


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_each_check_quotes_the_seed_in_its_docstring(check: Check, seed_text: str) -> None:
    name = getattr(check, "__name__", repr(check))
    doc = check.__doc__ or ""
    rule_id = doc.split()[0]
    assert rule_id in RULES, f"{name}: docstring must start with its rule id"
    # Every run of Chinese text in the docstring's first paragraph is the seed's own.
    first = doc.split("\n\n")[0]
    runs = [r for r in re.split(r"[\s…;.()]+|—", first) if re.search(r"[\u4e00-\u9fff]", r)]
    assert runs, f"{name} quotes no seed words"
    for run in runs:
        assert run in seed_text, f"{name}: {run!r} is not in the seed"


def test_every_checked_rule_has_a_check() -> None:
    checked = {(c.__doc__ or "").split()[0] for c in CHECKS}
    assert checked == set(SPEC_IDS) - {"L2", "M4", "R3"}
