"""Compare two structures of the war's appeal by their fit and by leave-one-article-out prediction.

A: the war's logistic rise alone (the shipped configuration, ``caliphate_effect`` fixed at 0).
B: A plus the caliphate as a dated event (``caliphate_effect`` estimated, weakly informative
lognormal prior on [0.05, 4]). Each structure is fitted (posterior mode, the shipped optimiser
settings) to every counted figure, then refitted without each article in turn; the left-out
article's figures are scored by their log-likelihood at the refitted mode (readings mixed as in
the likelihood). Prints one JSON line per structure. ``docs/calibration.md``, "The caliphate:
two structures", quotes the result.

    .venv/bin/python benchmarks/structures.py
"""

from __future__ import annotations

import json

from ffsim.calibration.calibrate import Calibrator
from ffsim.calibration.config import CalibrationConfig, FreeParameter, load_config
from ffsim.calibration.fit_count import counted_rows
from ffsim.calibration.observations import fitted, load_observations
from ffsim.calibration.problem import Problem
from ffsim.calibration.vintages import data_date
from ffsim.core.parameters import Parameters

CALIPHATE_PRIOR = FreeParameter(
    name="caliphate_effect",
    prior="lognormal",
    lower=0.05,
    upper=4.0,
    median=0.447,
    sigma_log=1.096,
    source="weakly informative (no evidence of the time sizes it)",
)
"""Structure B's prior: the weak rule on [0.05, 4] (geometric centre, quarter log range)."""


def structures() -> dict[str, tuple[CalibrationConfig, Parameters]]:
    """The two structures: their configurations and fixed parameters."""
    # The baseline's set-up: the priors and constraints published by its data's date.
    shipped = load_config().as_of(data_date(load_observations(), None))
    with_event = shipped.model_copy(update={"free": (*shipped.free, CALIPHATE_PRIOR)})
    return {
        "A_war_rise_only": (shipped, Parameters(caliphate_effect=0.0)),
        "B_war_rise_and_caliphate": (with_event, Parameters()),
    }


def score(config: CalibrationConfig, base: Parameters) -> dict[str, object]:
    """Fit, counted figures within one sigma, and the leave-one-article-out scores."""
    observations = fitted(load_observations())
    problem = Problem(config, observations, base)
    cal = Calibrator(problem, config.seed).fit_point()
    values = problem.model_values(cal.best_theta_[None])
    z = problem.z(values)[0]
    rows = counted_rows(z, problem.statements)
    out: dict[str, object] = {
        "free": len(config.free),
        "log_posterior": round(float(cal.best_log_likelihood_), 3),
        "log_likelihood": round(float(problem.log_likelihood_values(values)[0]), 3),
        "within_one_sigma": f"{sum(abs(z[i]) <= 1 for i in rows)}/{len(rows)}",
        "mode": {n: round(float(v), 4) for n, v in zip(config.names, cal.best_theta_, strict=True)},
    }
    left_out = {}
    for article in sorted({o.source_file for o in observations}):
        train = tuple(o for o in observations if o.source_file != article)
        test = tuple(o for o in observations if o.source_file == article)
        refit = Calibrator(Problem(config, train, base), config.seed).fit_point()
        held = Problem(config, test, base)
        lpd = held.log_likelihood_values(held.model_values(refit.best_theta_[None]))[0]
        left_out[article] = round(float(lpd), 3)
    out["left_out"] = left_out
    out["left_out_total"] = round(sum(left_out.values()), 3)
    return out


def main() -> None:
    for name, (config, base) in structures().items():
        print(json.dumps({"structure": name, **score(config, base)}), flush=True)


if __name__ == "__main__":
    main()
