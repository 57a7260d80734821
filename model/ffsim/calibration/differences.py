"""Where two calibration artifacts differ: every differing value, and a summary by section.

Artifacts are compared as read from JSON (dicts, lists and plain values). Volatile provenance
(times, git commit, kernel hash, platform) is left out, as in
:func:`ffsim.calibration.artifact.compare`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ffsim.calibration.artifact import VOLATILE


@dataclass(frozen=True)
class _Difference:
    path: str
    shipped: Any
    new: Any

    @property
    def section(self) -> str:
        return self.path.split(".", 1)[0].split("[", 1)[0]

    @property
    def relative(self) -> float | None:
        """``|new - shipped| / |shipped|`` for two numbers (inf from 0), else None."""
        a, b = self.shipped, self.new
        if not _is_number(a) or not _is_number(b):
            return None
        return relative_difference(float(a), float(b))


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def relative_difference(shipped: float, new: float) -> float:
    """``|new - shipped| / |shipped|``: 0 when equal, inf from 0 or for a non-finite value."""
    if shipped == new:
        return 0.0
    if shipped == 0.0 or not (math.isfinite(shipped) and math.isfinite(new)):
        return math.inf
    return abs(new - shipped) / abs(shipped)


def _walk(shipped: Any, new: Any, path: str = "") -> Iterator[_Difference]:
    """Every differing value (as :func:`ffsim.calibration.artifact.compare` finds them, rtol 0)."""
    if isinstance(shipped, dict) and isinstance(new, dict):
        for key in sorted(set(shipped) | set(new)):
            if key in VOLATILE:
                continue
            where = f"{path}.{key}" if path else key
            if key not in shipped or key not in new:
                yield _Difference(where, shipped.get(key), new.get(key))
            else:
                yield from _walk(shipped[key], new[key], where)
    elif isinstance(shipped, list) and isinstance(new, list):
        if len(shipped) != len(new):
            yield _Difference(path, f"{len(shipped)} items", f"{len(new)} items")
        else:
            for i, (a, b) in enumerate(zip(shipped, new, strict=True)):
                yield from _walk(a, b, f"{path}[{i}]")
    elif shipped != new:
        yield _Difference(path, shipped, new)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def without_platform(artifact: dict[str, Any]) -> dict[str, Any]:
    """The artifact with ``provenance.platform`` left out (a shallow copy)."""
    prov = {k: v for k, v in artifact.get("provenance", {}).items() if k != "platform"}
    return {**artifact, "provenance": prov}


def section_summary(shipped: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Per top-level section: how many values differ and the largest relative difference.

    Volatile provenance (times, git commit, kernel hash, platform) is left out, as in
    :func:`ffsim.calibration.artifact.compare`.
    """
    by_section: dict[str, list[_Difference]] = {}
    for d in _walk(without_platform(shipped), without_platform(new)):
        by_section.setdefault(d.section, []).append(d)
    lines = []
    for section, diffs in sorted(by_section.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        n = len(diffs)
        text = f"{section}: {n} value{' differs' if n == 1 else 's differ'}"
        numeric = [d for d in diffs if d.relative is not None]
        if numeric:
            worst = max(numeric, key=lambda d: d.relative or 0.0)
            text += (
                f", largest relative difference {worst.relative:.2g} at {worst.path} "
                f"(shipped {worst.shipped!r}, now {worst.new!r})"
            )
        others = [d for d in diffs if d.relative is None]
        if others:
            text += (
                f"; {len(others)} not numbers, e.g. {others[0].path} "
                f"(shipped {_short(others[0].shipped)}, now {_short(others[0].new)})"
            )
        lines.append(text)
    return lines
