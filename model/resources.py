"""Where the files ffsim ships live, as package resources (``importlib.resources``).

The repository keeps them in top-level folders that the package maps in (``pyproject.toml``,
``package-dir``): ``calibration/`` is ``ffsim._calibration``, ``data/`` is ``ffsim._data``,
``scenarios/`` is ``ffsim._scenarios`` and ``docs/`` is ``ffsim._docs``. The same names resolve
in a source checkout (an editable install) and in an installed wheel, so no module locates
them through ``__file__``. ffsim is installed as files, not run from a zip archive.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _folder(package: str) -> Path:
    return Path(str(files(package)))


CALIBRATION_DIR = _folder("ffsim._calibration")
"""Calibration configs and artifacts: config.toml, articles_only.toml, baseline.json,
vintages/."""

DATA_DIR = _folder("ffsim._data")
"""Reported figures: observations.csv (fitted) and validation.csv (never fitted)."""

SCENARIO_DIR = _folder("ffsim._scenarios")
"""The shipped scenario files."""

DOCS_DIR = _folder("ffsim._docs")
"""The documentation the explorer shows (model.md and the others)."""

BASELINE_PATH = CALIBRATION_DIR / "baseline.json"
"""The shipped calibration artifact: the calibrated baseline."""

VINTAGE_DIR = CALIBRATION_DIR / "vintages"
"""Artifacts of the calibration as of the earlier articles' dates."""

CONFIG_PATH = CALIBRATION_DIR / "config.toml"
"""The baseline's calibration config."""

OBSERVATIONS_PATH = DATA_DIR / "observations.csv"
"""The articles' figures."""

VALIDATION_PATH = DATA_DIR / "validation.csv"
"""Figures published later, for validation only."""


def shown(path: Path) -> str:
    """A shipped file as the repository names it (``calibration/baseline.json``), any other
    path as given: the same text wherever ffsim is installed.
    """
    for folder, name in (
        (CALIBRATION_DIR, "calibration"),
        (DATA_DIR, "data"),
        (SCENARIO_DIR, "scenarios"),
        (DOCS_DIR, "docs"),
    ):
        try:
            return f"{name}/{Path(path).resolve().relative_to(folder.resolve()).as_posix()}"
        except ValueError:
            continue
    return str(path)
