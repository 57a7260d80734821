"""Experiments on disk: two Parquet files in a folder (pyarrow through pandas).

``experiments.parquet`` holds the experiments table, with the design record in its metadata;
``outcomes.parquet`` one column per outcome, row for row. Both are written together through the
one writer (``ffsim.core.writer``): either both files are replaced or neither is.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd

from ffsim.core.errors import InputError
from ffsim.core.writer import write_files
from ffsim.exploration.run import Experiments

EXPERIMENTS_FILE = "experiments.parquet"
OUTCOMES_FILE = "outcomes.parquet"
DESIGN_KEY = "ffsim_design"


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def write_experiments(result: Experiments, folder: Path) -> tuple[Path, Path]:
    """Write ``result`` into ``folder`` (created if missing); returns the two files' paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    table = result.experiments.copy()
    table.attrs = {DESIGN_KEY: json.dumps(result.design)}
    paths = (folder / EXPERIMENTS_FILE, folder / OUTCOMES_FILE)
    write_files([(paths[0], _parquet(table)), (paths[1], _parquet(result.outcomes_frame()))])
    return paths


def read_experiments(folder: Path) -> Experiments:
    """The experiments written by :func:`write_experiments` into ``folder``.

    Raises
    ------
    InputError
        When a file is missing, is not Parquet, or the two do not belong together.
    """
    folder = Path(folder)
    try:
        table = pd.read_parquet(folder / EXPERIMENTS_FILE)
        outcomes = pd.read_parquet(folder / OUTCOMES_FILE)
    except (OSError, ValueError) as exc:
        raise InputError(f"{folder}: cannot read the experiments: {exc}") from None
    if len(table) != len(outcomes) or DESIGN_KEY not in table.attrs:
        raise InputError(
            f"{folder}: {EXPERIMENTS_FILE} and {OUTCOMES_FILE} do not belong together "
            f"({len(table)} and {len(outcomes)} rows); write them with `ffsim experiments`"
        )
    design = json.loads(table.attrs.pop(DESIGN_KEY))
    return Experiments(table, {c: outcomes[c].to_numpy() for c in outcomes.columns}, design)
