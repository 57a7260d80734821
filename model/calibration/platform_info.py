"""What machine a calibration ran on: CPU, BLAS kernels and numpy's SIMD targets."""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any

UNKNOWN = "unknown"


def _cpu_model() -> str:
    try:
        with Path("/proc/cpuinfo").open(encoding="utf-8", errors="replace") as f:
            for line in f:
                key, sep, value = line.partition(":")
                if sep and key.strip() == "model name" and value.strip():
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or UNKNOWN


def _blas() -> list[dict[str, str]] | str:
    try:
        # Load every BLAS ffsim uses, so the list does not depend on what was imported before.
        import numpy  # noqa: F401
        import scipy.linalg  # noqa: F401
        from threadpoolctl import threadpool_info
    except ImportError:
        return UNKNOWN
    libraries = [
        {
            key: str(info.get(key) or UNKNOWN)
            for key in ("internal_api", "prefix", "version", "architecture")
        }
        for info in threadpool_info()
        if info.get("user_api") == "blas"
    ]
    return sorted(libraries, key=lambda d: tuple(d.values()))


def _numpy_simd() -> dict[str, Any]:
    try:
        from numpy._core import _multiarray_umath as umath
    except ImportError:
        return {"baseline": UNKNOWN, "dispatch_available": UNKNOWN}
    baseline = getattr(umath, "__cpu_baseline__", None)
    dispatch = getattr(umath, "__cpu_dispatch__", None)
    features = getattr(umath, "__cpu_features__", None)
    available: list[str] | str = UNKNOWN
    if dispatch is not None and isinstance(features, dict):
        available = [str(f) for f in dispatch if features.get(f)]
    return {
        "baseline": [str(f) for f in baseline] if baseline is not None else UNKNOWN,
        "dispatch_available": available,
    }


def platform_fingerprint() -> dict[str, Any]:
    """The parts of this machine that can change floating-point results, as a JSON-able dict.

    Two runs of the same code on the same package versions give bit-identical results when
    these agree. File paths and thread counts are left out: they do not change the numbers.

    Returns
    -------
    dict
        ``cpu`` (model name from /proc/cpuinfo, else ``platform.processor()``, else
        ``"unknown"``), ``machine`` (architecture, e.g. ``x86_64``), ``blas`` (one entry per
        loaded BLAS: ``internal_api``, ``prefix``, ``version`` and ``architecture``, the
        OpenBLAS kernel such as ``"SkylakeX"`` or ``"Haswell"``), and ``numpy_simd``
        (``baseline`` and ``dispatch_available``, the dispatch targets this CPU supports).
        Anything that cannot be found is ``"unknown"``.
    """
    return {
        "cpu": _cpu_model(),
        "machine": platform.machine() or UNKNOWN,
        "blas": _blas(),
        "numpy_simd": _numpy_simd(),
    }
