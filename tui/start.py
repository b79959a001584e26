"""The ``xiaozu`` command's entry point, and how the process is set up for
the kiosk before anything else is imported.

* The cyclic garbage collector is off while the kiosk starts. Starting
  imports Textual and our modules and reads the organisation: some hundred
  thousand objects and almost no reference cycles among them, which the
  collector would still walk again and again as they pile up (about a tenth
  of the time to the lock screen). The kiosk turns it back on once the years
  of records are in memory (``started``), after ``gc.freeze()`` has set
  everything loaded by then aside for good; a command (check, export …)
  turns it on before it runs (``tui.cli.main``).
  Reference counting frees memory as ever meanwhile.
* Two settings of glibc's malloc (as ``MALLOC_ARENA_MAX=1`` and
  ``MALLOC_MMAP_THRESHOLD_=131072`` would set them), which together take
  about 1 MiB off the kiosk's peak memory (issue 7):

  - One arena. glibc gives each thread that allocates its own, and the
    kiosk reads its records on its writer thread: the freed parse buffers
    would stay resident in an arena of their own. Python allocates under one
    lock (the GIL) anyway, so threads lose nothing by sharing one.
  - A fixed threshold (glibc's default, 128 KiB) above which a block is
    mapped on its own and given back to the system when freed. Left to
    itself, glibc raises the threshold each time such a block is freed, so
    after the first year of dues has been read (a megabyte of file and of
    parsed text), the next ones are carved out of the heap, and the heap
    stays that big.

  Where the C library is not glibc the call is not there, and nothing
  changes.
* The time zone database's search path given to ``zoneinfo`` directly.
  Unless PYTHONTZPATH is set, ``zoneinfo`` reads its path from ``sysconfig``,
  which loads the whole of Python's build configuration (a thousand
  variables, 0.65 MiB kept for good) to read that one. The path given is
  CPython's default (configure's ``--with-tzpath``); where a build keeps its
  zones elsewhere, they are found in the ``tzdata`` package, a dependency.
  A PYTHONTZPATH the user set is left alone, and the process environment is
  as it was afterwards.
"""

from __future__ import annotations

import gc
import os
import sys

_M_ARENA_MAX = -8  # glibc's malloc.h
_M_MMAP_THRESHOLD = -3
#: CPython's default TZPATH (configure's --with-tzpath).
ZONE_PATH = "/usr/share/zoneinfo:/usr/lib/zoneinfo:/usr/share/lib/zoneinfo:/etc/zoneinfo"


def prepare() -> None:
    """Set the process up for the kiosk; first thing, before any import."""
    gc.disable()
    _zone_path()
    _one_arena()


def _zone_path() -> None:
    if "zoneinfo" in sys.modules or "PYTHONTZPATH" in os.environ:
        return
    os.environ["PYTHONTZPATH"] = ZONE_PATH
    try:
        import zoneinfo  # noqa: F401 (it reads the path once, when imported)
    finally:
        del os.environ["PYTHONTZPATH"]


def _one_arena() -> None:
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (ImportError, OSError, AttributeError):
        return
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt(_M_ARENA_MAX, 1)
    mallopt(_M_MMAP_THRESHOLD, 128 * 1024)


def started() -> None:
    """The start is over (the kiosk's records are in, or could not be read;
    a command is about to run): if the collector was off for it, what is
    loaded by now stays for good (``gc.freeze``: never walked again) and the
    collector is back on."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def main() -> int:
    prepare()
    from tui.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":  # python -m tui.start …: the same as ``xiaozu …``
    raise SystemExit(main())
