"""Arrivals in 2016-2017 under the border scenarios, against the baseline, over the posterior.

Arrivals in 2016-2017 are cumulative arrivals at the end of 2017 less those at the end of 2015.
Each scenario runs at its best fit and over the same posterior draws as the baseline (as
``ffsim compare`` does); the difference and the ratio are paired draw by draw. Quoted in
``docs/calibration.md``, "Policy effects and regions".

    .venv/bin/python benchmarks/border_scenarios.py [DRAWS]
"""

from __future__ import annotations

import sys

import numpy as np

from ffsim.core.outputs import Selection
from ffsim.core.simulate import simulate_outputs
from ffsim.resources import SCENARIO_DIR
from ffsim.scenarios.compare import posterior_members
from ffsim.scenarios.scenario import baseline_scenario, load_scenario

SCENARIOS = ("no_border_tightening", "border_closed_year_earlier")


def interval(x: np.ndarray, fmt: str) -> str:
    """The 5% and 95% quantiles of ``x``, formatted."""
    low, high = np.quantile(x, [0.05, 0.95])
    return f"{low:{fmt}} to {high:{fmt}}"


def main(draws: int = 300) -> None:
    """Print the baseline's arrivals in 2016-2017 and each scenario's difference and ratio."""
    runs = [baseline_scenario()] + [load_scenario(SCENARIO_DIR / f"{n}.toml") for n in SCENARIOS]
    packed, drivers = [], []
    for s in runs:
        packed.append(
            np.vstack([s.parameters.pack()[None], posterior_members(s.parameters, draws)])
        )
        drivers += [s.drivers] * (draws + 1)
    result = simulate_outputs(
        np.vstack(packed), Selection.of(("cumulative_arrivals",)), drivers, runs[0].settings
    )
    months = [f"{d:%Y-%m}" for d in result.dates]
    cumulative = result.stock("cumulative_arrivals")
    window = cumulative[..., months.index("2017-12")] - cumulative[..., months.index("2015-12")]
    arrivals = window.reshape(len(runs), draws + 1)
    base = arrivals[0]
    print(f"baseline: {base[0]:,.0f} ({interval(base[1:], ',.0f')})")
    for name, own in zip(SCENARIOS, arrivals[1:], strict=True):
        diff, ratio = own - base, own / base
        print(
            f"{name}: {own[0]:,.0f}; difference {diff[0]:+,.0f} ({interval(diff[1:], '+,.0f')}); "
            f"ratio {ratio[0]:.2f} ({interval(ratio[1:], '.2f')})"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
