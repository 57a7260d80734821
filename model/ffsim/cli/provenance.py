"""Where a run's output came from: the sidecar JSON written beside ``ffsim run --out``.

``run.csv`` gets ``run.csv.json`` holding the ffsim version, the scenario (name, file and the
content hash of what the model was given), the calibration artifact the run started from (as
the repository names it, and the SHA-256 of its bytes), the posterior draws used, the columns,
and the time. The table itself (CSV, Parquet or Excel, ``run.parquet`` getting
``run.parquet.json``) stays a plain table any reader can load.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from ffsim import __version__
from ffsim.calibration.baseline import active_artifact
from ffsim.resources import shown
from ffsim.scenarios.scenario import Scenario

FORMAT = "ffsim-run/1"
"""Identifies the sidecar's layout."""


def sidecar_path(out: Path) -> Path:
    """The sidecar of table ``out``: the same name with ``.json`` added."""
    return out.with_name(out.name + ".json")


def run_provenance(
    scenario: Scenario, scenario_file: str | None, draws: int | None, columns: list[str]
) -> dict[str, Any]:
    """Everything needed to tell where a run's numbers came from and to make them again."""
    artifact = active_artifact()
    return {
        "format": FORMAT,
        "ffsim_version": __version__,
        "scenario": scenario.name,
        "scenario_file": scenario_file,
        "scenario_sha256": scenario.content_hash(),
        "artifact": shown(artifact),
        "artifact_sha256": hashlib.sha256(artifact.read_bytes()).hexdigest(),
        "posterior_draws": draws,
        "columns": columns,
        "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def sidecar_text(provenance: dict[str, Any]) -> str:
    """The sidecar's JSON text; it is written with its CSV, in one group
    (:func:`ffsim.core.writer.write_files`).
    """
    return json.dumps(provenance, indent=1) + "\n"
