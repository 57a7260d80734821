"""Robustness of policies across scenarios: percentiles, regret and satisficing.

Every policy is run on the same scenarios (``ffsim.exploration.run.experiments`` with
``policies``), so each scenario's outcomes can be set side by side. For an outcome to be kept
low (people in theatre, departures, the killed):

- percentiles: the outcome's 5%, 50% and 95% over the scenarios;
- regret: in each scenario, the policy's outcome minus the lowest of any policy in that scenario
  (Savage's minimax regret); the table gives its largest and its 90th percentile;
- satisficing: the share of scenarios in which the outcome stays at or below a threshold
  (Starr's domain criterion).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ffsim.core.errors import InputError
from ffsim.exploration.run import Experiments


def by_scenario(result: Experiments, outcome: str) -> pd.DataFrame:
    """The outcome in a table of scenarios (rows) by policy (columns)."""
    if outcome not in result.outcomes:
        raise InputError(f"outcome {outcome!r}: allowed {', '.join(result.outcomes)}")
    frame = result.experiments[["scenario", "policy"]].assign(value=result.outcomes[outcome])
    wide = frame.pivot(index="scenario", columns="policy", values="value")
    return wide[list(dict.fromkeys(result.experiments["policy"]))]


def robustness(result: Experiments, outcome: str, threshold: float | None = None) -> pd.DataFrame:
    """One row per policy: the outcome's percentiles, regret and (given a ``threshold``) the
    share of scenarios satisficing it; lower outcomes are better.
    """
    wide = by_scenario(result, outcome)
    if wide.shape[1] < 2:
        raise InputError("robustness needs two policies or more on the same scenarios")
    values = wide.to_numpy()
    regret = values - values.min(axis=1, keepdims=True)
    table = pd.DataFrame(
        {
            "p05": np.percentile(values, 5, axis=0),
            "median": np.percentile(values, 50, axis=0),
            "p95": np.percentile(values, 95, axis=0),
            "max_regret": regret.max(axis=0),
            "p90_regret": np.percentile(regret, 90, axis=0),
        },
        index=pd.Index(wide.columns, name="policy"),
    )
    if threshold is not None:
        table["satisficing"] = (values <= threshold).mean(axis=0)
    return table
