"""The ``xiaozu`` command's entry point: ``python -m tui.start …`` is the
same as ``xiaozu …`` (tests and benchmarks run it so, without installing)."""

from __future__ import annotations

from tui.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
