"""What machine a calibration ran on: CPU, BLAS kernels and numpy's SIMD targets; and how two
such fingerprints differ, in words (why a re-run is checked by the statistical rule).
"""

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
        from numpy._core import _multiarray_umath as umath  # type: ignore[attr-defined]
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


def blas_kernels(platform: dict[str, Any]) -> str:
    """The OpenBLAS kernels of a :func:`platform_fingerprint` (``"SkylakeX"``, say), joined."""
    blas = platform.get("blas")
    if not isinstance(blas, list):
        return str(blas)
    return ", ".join(sorted({str(b.get("architecture")) for b in blas})) or "none"


def _libraries(platform: dict[str, Any]) -> str:
    blas = platform.get("blas")
    if not isinstance(blas, list):
        return str(blas)
    return ", ".join(f"{b.get('internal_api')} {b.get('version')}" for b in blas) or "none"


def _simd(platform: dict[str, Any]) -> str:
    simd = platform.get("numpy_simd")
    targets = simd.get("dispatch_available") if isinstance(simd, dict) else simd
    return (" ".join(targets) or "none") if isinstance(targets, list) else str(targets)


def platform_reasons(shipped: dict[str, Any] | None, new: dict[str, Any] | None) -> list[str]:
    """How the platform recorded in an artifact (``shipped``) differs from this one (``new``).

    Both are :func:`platform_fingerprint` dicts, or ``None`` where none was recorded. Each
    reason is one phrase (``"BLAS kernel Haswell here, SkylakeX in the artifact"``); a
    differing BLAS is named by its kernel when the kernels differ, else by library and version.
    """
    if shipped is None:
        here = f" (here: BLAS kernel {blas_kernels(new)}, CPU {new.get('cpu')})" if new else ""
        return [f"the artifact records no platform{here}"]
    if new is None:
        return ["no platform recorded here"]
    reasons = []
    if shipped.get("cpu") != new.get("cpu"):
        reasons.append(f"CPU {new.get('cpu')} here, {shipped.get('cpu')} in the artifact")
    if shipped.get("machine") != new.get("machine"):
        reasons.append(f"{new.get('machine')} here, {shipped.get('machine')} in the artifact")
    if shipped.get("blas") != new.get("blas"):
        if blas_kernels(shipped) != blas_kernels(new):
            reasons.append(
                f"BLAS kernel {blas_kernels(new)} here, {blas_kernels(shipped)} in the artifact"
            )
        else:
            reasons.append(f"BLAS {_libraries(new)} here, {_libraries(shipped)} in the artifact")
    if shipped.get("numpy_simd") != new.get("numpy_simd"):
        reasons.append(f"numpy SIMD {_simd(new)} here, {_simd(shipped)} in the artifact")
    other = sorted((set(shipped) | set(new)) - {"cpu", "machine", "blas", "numpy_simd"})
    reasons += [f"platform {k} differs" for k in other if shipped.get(k) != new.get(k)]
    return reasons
