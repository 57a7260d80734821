"""The numba decorator for the kernel, with an on-disk cache keyed by the kernel's source.

numba's own cache is invalidated only when a function's own file changes; a kernel in
``integrate.py`` that calls ``rhs.py`` would keep a stale copy of an edited right-hand side.
Here the cache directory is named by a hash of every kernel source file, so any edit to any of
them compiles afresh, and unchanged code loads compiled in well under a second.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numba

KERNEL_SOURCES = (
    "structure.py",
    "layout.py",
    "drivers.py",
    "rhs.py",
    "integrate.py",
    "euler.py",
    "jit.py",
)
"""Files whose text the compiled kernels depend on (the layout's positions derive from the
structure's order of stocks; the caliphate's dates in ``rhs.py`` are computed with the
calendar arithmetic of ``drivers.py``)."""


def kernel_hash() -> str:
    """Short hash of the kernel's source files and the numba version."""
    digest = hashlib.sha256(numba.__version__.encode())
    here = Path(__file__).parent
    for name in KERNEL_SOURCES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    """Where compiled kernels are kept: ``$FFSIM_CACHE_DIR`` or ``~/.cache/ffsim``, per hash."""
    base = os.environ.get("FFSIM_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "ffsim"
    )
    return Path(base) / "numba" / kernel_hash()


numba.config.CACHE_DIR = str(cache_dir())  # type: ignore[attr-defined]


def kernel(parallel: bool = False) -> Callable[[Callable[..., Any]], Any]:
    """Compile a kernel function: nopython, cached, numpy's error model (no division checks)."""
    return numba.njit(cache=True, error_model="numpy", parallel=parallel)
