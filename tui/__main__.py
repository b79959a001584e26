"""``python -m tui …``: the same as the ``xiaozu`` command."""

from tui.cli import main

raise SystemExit(main())
