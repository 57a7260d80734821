"""Telling the user that the model is being compiled: only when numba really compiles.

The kernels are compiled by numba on their first call and kept in an on-disk cache
(:mod:`ffsim.core.jit`); a first run after installing or updating ffsim compiles for several
seconds, later runs load the compiled code in well under a second. numba announces a
compilation with its ``numba:compile`` event, which it fires only after a cache miss (a kernel
loaded from the cache fires none): :func:`on_compile` calls a function once, when the first
compilation within its block starts, so the command line prints a line and the explorer shows a
notice then and only then.

This module is not one of the kernel's sources (``jit.KERNEL_SOURCES``): editing it does not
invalidate the compiled kernels.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

COMPILE_MESSAGE = (
    "compiling the model for this computer (once after installing or updating ffsim; it takes "
    "a few seconds to a minute; later runs load the compiled model)"
)
"""What the command line and the explorer say while the model compiles."""


@contextlib.contextmanager
def on_compile(callback: Callable[[], None]) -> Iterator[None]:
    """Within the block, call ``callback`` once, when numba starts compiling a function (a
    cache miss); never when every function is already compiled or loaded from the cache.
    """
    from numba.core import event

    called = False

    class _Listener(event.Listener):
        def on_start(self, ev: Any) -> None:
            nonlocal called
            if not called:
                called = True
                callback()

        def on_end(self, ev: Any) -> None:
            pass

    with event.install_listener("numba:compile", _Listener()):
        yield


def warm_up() -> None:
    """Call the kernels of a run and of an ensemble once, on one month: they are compiled (or
    loaded from the cache) now rather than inside the first real run.
    """
    import numpy as np

    from ffsim.core.parameters import Parameters
    from ffsim.core.simulate import Settings, simulate, simulate_ensemble

    one_month = Settings(start="2012-01", end="2012-01")
    simulate(None, None, one_month)
    simulate_ensemble(np.atleast_2d(Parameters().pack()), None, one_month)
