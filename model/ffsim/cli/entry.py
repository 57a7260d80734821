"""The ``ffsim`` command as a process (the console script and ``python -m ffsim``).

A short command spends a third of its time in Python's cyclic garbage collector, walking the
objects numba creates when it imports and loads a cached kernel, not ffsim's own. Measured on
``ffsim run`` with a warm compile cache (README, "Speed"): about 0.1 s in collections during
the imports and 0.15 s in the interpreter's last collection at exit. So, as mypy does for its
own command line, the collector runs less often (a first generation of 200,000 objects rather
than 700), and the objects still alive when the command has finished are frozen, so that the
collection at exit skips them. Nothing is left to that collection: every file is written and
closed inside the command, and standard output is flushed by the interpreter as usual.

Code that calls :func:`ffsim.cli.main.main` in its own process (tests, notebooks) is unaffected.
"""

from __future__ import annotations

import gc
import sys
from typing import NoReturn

GC_THRESHOLDS = (200_000, 30, 30)
"""The collector's thresholds while the command runs (CPython's are 700, 10, 10); mypy's."""


def main() -> NoReturn:
    """Run the ``ffsim`` command line and exit with its code."""
    gc.set_threshold(*GC_THRESHOLDS)
    from ffsim.cli.main import main as command_line  # after the tuning: it imports numba

    code = command_line()
    gc.freeze()
    sys.exit(code)
