"""``python -m tui.cli …`` is ``xiaozu …`` (tests and benchmarks run it so)."""

from tui.cli import main

raise SystemExit(main())
