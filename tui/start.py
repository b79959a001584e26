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
* One malloc arena (glibc's ``M_ARENA_MAX``, as ``MALLOC_ARENA_MAX=1``
  would set it). glibc gives each thread that allocates its own arena, and
  the kiosk reads its records on its writer thread: the freed parse buffers
  then stay resident in an arena of their own, 1.5 MiB of the kiosk's peak
  memory (issue 7). Python allocates under one lock (the GIL) anyway, so
  threads lose nothing by sharing one. Where the C library is not glibc the
  call is not there, and nothing changes.
"""

from __future__ import annotations

import gc

_M_ARENA_MAX = -8  # glibc's malloc.h


def prepare() -> None:
    """Set the process up for the kiosk; first thing, before any import."""
    gc.disable()
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (ImportError, OSError, AttributeError):
        return
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt(_M_ARENA_MAX, 1)


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
