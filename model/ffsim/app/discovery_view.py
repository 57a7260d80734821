"""What the Experiments page shows, as plain data: the sentence of a policy's failures, the PRIM
box in plain words and the robustness table with plain headers (no streamlit here).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ffsim.exploration.discovery import Box

ROBUSTNESS_HEADERS = {
    "p05": "5% of scenarios",
    "median": "Median",
    "p95": "95% of scenarios",
    "max_regret": "Largest regret",
    "p90_regret": "Regret, 90% of scenarios",
    "satisficing": "Share at or below the threshold",
}


def failure_sentence(policy: str, outcome: str, cut: float, cases: int, scenarios: int) -> str:
    """The sentence of a policy's failures: ``... fails to cut "killed" by 20% ... in 64 of
    200 scenarios ...``.
    """
    return (
        f'{policy} fails to cut "{outcome}" by {cut:.0%} from its value under the baseline in '
        f"{cases:,} of {scenarios:,} scenarios drawn from the calibrated posterior."
    )


def headline(label: str) -> str:
    """An outcome's label as a heading or an option: its first letter in capitals."""
    return label[:1].upper() + label[1:]


def box_table(box: Box, labels: Mapping[str, str]) -> pd.DataFrame:
    """The box's limits with plain names and three significant digits."""
    return pd.DataFrame(
        {
            "Assumption": [labels.get(n, n) for n in box.limits.index],
            "From": [f"{v:,.3g}" for v in box.limits["min"]],
            "To": [f"{v:,.3g}" for v in box.limits["max"]],
        }
    )


def robustness_view(table: pd.DataFrame, policy_names: Mapping[str, str]) -> pd.DataFrame:
    """The robustness table with plain headers, plain policy names and whole persons."""
    shown = pd.DataFrame(index=[policy_names.get(p, p) for p in table.index])
    shown.index.name = "Policy"
    for column, header in ROBUSTNESS_HEADERS.items():
        if column in table:
            values = table[column].to_numpy()
            shown[header] = (
                [f"{v:.0%}" for v in values]
                if column == "satisficing"
                else [f"{round(v):,}" for v in values]
            )
    return shown
