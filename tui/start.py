"""The ``xiaozu`` command's entry point.

Starting the kiosk imports Textual and our modules and reads the
organisation: some hundred thousand objects, and almost no reference cycles
among them. CPython's cyclic garbage collector would still walk them all,
again and again, as they pile up: about a tenth of the time to the lock
screen. So the collector is off from the very first import, and the kiosk
turns it back on once the years of records are in memory
(``XiaozuApp.load_records``), after ``gc.freeze()`` has set everything it
loaded aside for good. A command (check, export …) turns it on at once
(``tui.cli.main``). Reference counting frees memory as ever meanwhile.
"""

from __future__ import annotations

import gc


def main() -> int:
    gc.disable()
    from tui.cli import main as cli_main

    return cli_main()
