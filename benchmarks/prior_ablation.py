"""How many counted figures the best fit holds within one sigma when groups of priors are flat.

The baseline's set-up (as of 2016-09-11) is optimised (best fit only, eight starts, seed 1) with
each group of its weakly informative and evidence-based priors replaced by the flat priors of
``calibration/articles_only.toml``, the others kept; and with every prior flat, with and
without the prior constraints. Quoted in ``docs/calibration.md``, "What the model cannot
reconcile". About a minute a set-up on two cores.

    .venv/bin/python benchmarks/prior_ablation.py
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ffsim.calibration.calibrate import Calibrator
from ffsim.calibration.config import ARTICLES_ONLY_CONFIG, CalibrationConfig, load_config
from ffsim.calibration.fit_count import fit_count
from ffsim.calibration.observations import fitted, load_observations
from ffsim.calibration.problem import Problem
from ffsim.core.parameters import Parameters

AS_OF = dt.date(2016, 9, 11)
BASE = load_config().as_of(AS_OF)
FLAT = load_config(ARTICLES_ONLY_CONFIG).as_of(AS_OF)


def flat_for(chosen: Callable[[str], bool]) -> CalibrationConfig:
    """The baseline's set-up with the flat prior of every chosen free parameter."""
    flat = {f.name: f for f in FLAT.free}
    free = tuple(flat.get(f.name, f) if chosen(f.name) else f for f in BASE.free)
    return BASE.model_copy(update={"free": free})


SETUPS: dict[str, CalibrationConfig] = {
    "baseline": BASE,
    "baseline priors, no prior constraints": BASE.model_copy(update={"constraint": ()}),
    "flat regional return, death and prevention priors": flat_for(
        lambda n: n.split(".")[0] in ("return_propensity", "death_propensity", "prevention_share")
    ),
    "flat radicalisation-rate priors": flat_for(lambda n: n.startswith("radicalisation_rate")),
    "flat global priors": flat_for(lambda n: "." not in n),
    "every prior flat, with the prior constraints": FLAT.model_copy(
        update={"constraint": BASE.constraint}
    ),
    "every prior flat (articles_only.toml)": FLAT,
}


def main() -> None:
    """Print, for each set-up, the count within one sigma and the figures outside it."""
    observations = fitted(load_observations())
    for label, config in SETUPS.items():
        problem = Problem(config, observations, Parameters())
        cal = Calibrator(problem, seed=1).fit_point()
        z = problem.z(problem.model_values(cal.best_theta_[None]))[0]
        count = fit_count(z, problem.statements)
        outside = [problem.observations[i].id for i in count.rows if abs(z[i]) > 1.0]
        print(f"{label}: {count.n_within} of {len(count.rows)}; outside: {', '.join(outside)}")


if __name__ == "__main__":
    main()
