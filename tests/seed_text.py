"""The course text the rules quote, as shipped in docs/seed.txt (a copy of
shared/seed/, so that a clone alone can check every quotation)."""

from __future__ import annotations

from pathlib import Path

SEED_FILE = Path(__file__).parents[1] / "docs" / "seed.txt"
SEED = SEED_FILE.read_text(encoding="utf-8")
