"""Where the files ffsim ships live, as package resources (``importlib.resources``).

The repository keeps them in top-level folders (``calibration/``, ``data/``, ``scenarios/``,
``docs/``); the package's folder ``shipped/`` holds a relative link to each, so the same
resource names resolve in a source checkout (an editable install, a plain path entry) and in an
installed wheel (which carries copies of the files). No module locates them through
``__file__``. ffsim is installed as files, not run from a zip archive.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _folder(name: str) -> Path:
    # Resolved: in a checkout the link's target (``calibration/``), as messages name it.
    return Path(str(files("ffsim").joinpath("shipped", name))).resolve()


CALIBRATION_DIR = _folder("calibration")
"""Calibration configs and artifacts: config.toml, articles_only.toml, baseline.json,
vintages/."""

DATA_DIR = _folder("data")
"""Reported figures: observations.csv (fitted) and validation.csv (never fitted)."""

SCENARIO_DIR = _folder("scenarios")
"""The shipped scenario files."""

DOCS_DIR = _folder("docs")
"""The documentation the explorer shows (model.md and the others)."""

BASELINE_PATH = CALIBRATION_DIR / "baseline.json"
"""The shipped calibration artifact: the calibrated baseline."""

VINTAGE_DIR = CALIBRATION_DIR / "vintages"
"""Artifacts of the calibration as of the earlier articles' dates."""

SBC_PATH = CALIBRATION_DIR / "sbc" / "summary.json"
"""The shipped simulation-based calibration run: ranks, checks and provenance."""

CONFIG_PATH = CALIBRATION_DIR / "config.toml"
"""The baseline's calibration config."""

OBSERVATIONS_PATH = DATA_DIR / "observations.csv"
"""The articles' figures."""

VALIDATION_PATH = DATA_DIR / "validation.csv"
"""Figures published later, for validation only."""


IN_CHECKOUT = Path(str(files("ffsim").joinpath("shipped", "calibration"))).is_symlink()
"""True in a source checkout (``shipped/`` holds links to the repository's folders), False in
an installed wheel (``shipped/`` holds copies inside the installed package)."""


def shipped_files() -> tuple[Path, ...]:
    """Every file ffsim ships (artifacts, configs, data, scenarios, docs), resolved: the files
    no command may write over, since commands and the explorer read them.
    """
    found: list[Path] = []
    for folder in (CALIBRATION_DIR, DATA_DIR, SCENARIO_DIR, DOCS_DIR):
        try:
            found += (p.resolve() for p in folder.rglob("*") if p.is_file())
        except OSError:
            continue
    return tuple(found)


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
