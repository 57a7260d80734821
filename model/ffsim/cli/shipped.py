"""The artifact ``ffsim calibrate --check`` compares a re-run with, read and checked before the
calibration starts: it must be a calibration artifact of this version's format
(:mod:`ffsim.calibration.artifact_model`), so a corrupt file is a one-line error at once, never a
traceback after the whole calibration.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ffsim.calibration.artifact_model import checked_artifact, parse_json
from ffsim.core.errors import InputError
from ffsim.core.files import MAX_ARTIFACT_BYTES, read_input_text

MAX_DEPTH = 32
"""Deepest nesting of arrays and objects accepted (a calibration artifact has 5 levels; the
comparison of the check walks every level, so a free-form part may not nest deeper)."""


def _depth(value: Any) -> int:
    """How deeply ``value`` nests arrays and objects (found without recursion)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth + 1)
            if deepest > MAX_DEPTH:
                break
            stack += [(x, depth + 1) for x in (item.values() if isinstance(item, dict) else item)]
    return deepest


def read_shipped(out: Path) -> dict[str, Any]:
    """Read the artifact at ``--out`` for ``--check``.

    Raises
    ------
    InputError
        ``--out <path>: ...``: not a small regular text file, not JSON, nested too deeply, or
        not a calibration artifact (the field, the value and what is needed are named).
    """
    where = f"--out {out}"
    artifact = parse_json(read_input_text("--out", out, MAX_ARTIFACT_BYTES), where)
    if _depth(artifact) > MAX_DEPTH:
        raise InputError(
            f"{where}: not a calibration artifact (nested more than {MAX_DEPTH} levels deep)"
        )
    return checked_artifact(artifact, where)
