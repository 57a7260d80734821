"""The calibrated baseline: the best-fit parameters of the shipped calibration artifact."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from model.parameters import Parameters

ROOT = Path(__file__).resolve().parents[1]
BASELINE_PATH = ROOT / "calibration" / "baseline.json"


def read_artifact(path: Path = BASELINE_PATH) -> dict[str, Any]:
    """Read a calibration artifact (JSON)."""
    return json.loads(path.read_text("utf-8"))


@lru_cache(maxsize=4)
def baseline_parameters(path: Path = BASELINE_PATH) -> Parameters:
    """Best-fit parameters of the artifact at ``path`` (the shipped baseline by default).

    Falls back to the schema defaults only when no artifact exists at ``path``.
    """
    if not path.exists():
        return Parameters()
    return Parameters.model_validate(read_artifact(path)["best_fit_parameters"])


def baseline_label(path: Path = BASELINE_PATH) -> str:
    """How to name the baseline in output."""
    return "calibrated baseline" if path.exists() else "default parameters (no calibration shipped)"
