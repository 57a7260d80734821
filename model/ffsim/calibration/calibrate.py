"""Estimation: the posterior mode by bounded multi-start optimisation, then an emcee sample.

The central estimate is the posterior mode of a :class:`~ffsim.calibration.problem.Problem` in
its unit-cube coordinates: :func:`~ffsim.calibration.optimise.optimise` (L-BFGS-B, then Newton
steps) from several starts. The posterior sample is an emcee chain whose every move (half the
walkers) is simulated as one ensemble. Last, every misfit is left out in turn and the fit
repeated, to measure what it costs the rest of the data (the tensions).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import emcee
import numpy as np

from ffsim.calibration.fit_count import counted_rows
from ffsim.calibration.optimise import optimise
from ffsim.calibration.problem import Problem
from ffsim.core.parameters import Parameters

Progress = Callable[[str, float | None], None]
"""Called with a line of text and the estimated fraction of the whole calibration done."""

STAGE_SHARE = {"optimise": 0.3, "sample": 0.55, "tensions": 0.15}
"""Rough shares of the wall time of each stage, for the time-left estimate."""


TAU_MULTIPLE = 50
"""The kept chain is at least this many times its longest integrated autocorrelation time
(emcee's rule for a reliable estimate of that time), if ``max_steps`` allows."""

EXTENSION = 2_000
"""Steps added at a time while the kept chain is shorter than that."""


def _autocorr_time(chain: np.ndarray) -> np.ndarray:
    """Integrated autocorrelation time of each parameter (steps) of a chain (steps, walkers,
    k), without emcee's warning below 50 of them, which the artifact reports as numbers.
    """
    emcee_logger = logging.getLogger("emcee")
    level = emcee_logger.level
    emcee_logger.setLevel(logging.ERROR)
    try:
        return np.asarray(emcee.autocorr.integrated_time(chain, quiet=True))
    finally:
        emcee_logger.setLevel(level)


def sampler_moves() -> list[tuple[emcee.moves.Move, float]]:
    """The sampler's proposals: emcee's differential-evolution move alone (Nelson et al. 2014,
    affine-invariant since emcee 3.1.5).

    Not its ``DESnookerMove``: in emcee 3.1.6 (the newest release) that move scales its step by
    ``sqrt`` rather than the length of the walker's offset and halves the Jacobian's exponent,
    so its chain does not sample the target (fixed upstream in dfm/emcee pull request 531,
    December 2024, not yet released). Simulation-based calibration found it: with it, on the
    shipped priors alone, the draws' standard deviations were 0.82 times the priors' and the
    prior's draws fell outside the chain's 90% intervals 19% of the time, at any chain length;
    with the DE move alone, 1.00 and 10% (docs/validation.md; ``tests/calibration/
    test_sampler.py``).
    """
    return [(emcee.moves.DEMove(), 1.0)]


class Calibrator:
    """Best fit and posterior sample for a :class:`Problem`.

    Parameters
    ----------
    problem
        What to fit.
    seed
        Seed of every random choice (start points, walkers, moves); stored as given.
    progress
        Called with a line of text at each stage; ``None`` for silence.

    Attributes set by :meth:`fit`
    ------------------------------
    best_unit_, best_theta_ : the posterior mode, in the unit cube and in parameter units
    best_log_likelihood_ : its log posterior (log-likelihood plus log prior, up to a constant)
    starts_ : (start point, end point, log-likelihood, iterations) of each optimiser run
    chain_unit_ : emcee chain after burn-in, (steps - burn, walkers, k)
    sample_theta_ : ``keep`` posterior draws, evenly spaced over the flattened chain
    acceptance_fraction_ : mean acceptance fraction of the walkers
    autocorr_time_ : integrated autocorrelation time of each parameter (steps)
    """

    def __init__(self, problem: Problem, seed: int, progress: Progress | None = None) -> None:
        self.problem = problem
        self.seed = seed
        self.progress = progress

    def _say(self, text: str, done: float | None = None) -> None:
        if self.progress is not None:
            self.progress(text, done)

    def fit(self, tensions: bool = True) -> Calibrator:
        """Run the multi-start optimisation, then the posterior sampler.

        ``tensions=False`` leaves out the last stage (each misfit left out in turn), which
        simulation-based calibration does not read (``tensions_`` is then empty).
        """
        return self.fit_point()._sample(tensions)

    def fit_point(self) -> Calibrator:
        """Run only the multi-start optimisation (sets ``best_*`` and ``starts_``)."""
        self._rng = np.random.default_rng(self.seed)
        rng = self._rng
        cfg = self.problem.config
        k = len(cfg.free)
        default_theta = np.array([self.problem.base.pack()[f.packed_index()] for f in cfg.free])
        starts = [np.clip(self.problem.unit(default_theta), 0.0, 1.0)]
        starts += list(rng.random((cfg.optimizer.n_starts - 1, k)))
        self.starts_ = []
        for i, u0 in enumerate(starts):
            u, ll, nit = optimise(self.problem, u0, cfg.optimizer.max_iter)
            self.starts_.append((u0, u, ll, nit))
            self._say(
                f"optimiser start {i + 1}/{len(starts)}: log posterior {ll:.4f} "
                f"after {nit} iterations",
                STAGE_SHARE["optimise"] * (i + 1) / len(starts),
            )
        best = max(self.starts_, key=lambda s: s[2])
        self.best_unit_ = best[1]
        self.best_theta_ = self.problem.theta(best[1])
        self.best_log_likelihood_ = best[2]
        return self

    def _sample(self, tensions: bool = True) -> Calibrator:
        rng, cfg = self._rng, self.problem.config
        k = len(cfg.free)
        s = cfg.sampler
        walkers = np.clip(self.best_unit_ + 1e-3 * rng.standard_normal((s.walkers, k)), 0, 1)
        sampler = emcee.EnsembleSampler(
            s.walkers, k, self.problem.log_posterior_unit, vectorize=True, moves=sampler_moves()
        )
        sampler.random_state = np.random.RandomState(self.seed).get_state()
        limit = s.max_steps or s.steps
        self._advance(sampler, walkers, s.steps, limit)
        self.autocorr_time_ = _autocorr_time(sampler.get_chain()[s.burn :])
        # emcee's rule for a reliable autocorrelation time: a chain of 50 of them. Extend the
        # chain, from where it stands and with its own random stream, until it holds.
        while sampler.iteration < limit and sampler.iteration - s.burn < TAU_MULTIPLE * np.max(
            self.autocorr_time_
        ):
            extra = min(EXTENSION, limit - sampler.iteration)
            self._say(
                f"sampler: {sampler.iteration - s.burn} kept steps are "
                f"{(sampler.iteration - s.burn) / np.max(self.autocorr_time_):.1f} "
                f"autocorrelation times, under {TAU_MULTIPLE}: {extra} more"
            )
            self._advance(sampler, None, extra, limit)
            self.autocorr_time_ = _autocorr_time(sampler.get_chain()[s.burn :])
        self.chain_unit_ = sampler.get_chain()[s.burn :]
        self.acceptance_fraction_ = float(np.mean(sampler.acceptance_fraction))
        flat = self.chain_unit_.reshape(-1, k)
        picks = np.linspace(0, flat.shape[0] - 1, s.keep).round().astype(int)
        self.sample_unit_ = flat[picks]
        self.sample_theta_ = self.problem.theta(self.sample_unit_)
        # The mode is the optimiser's; a draw above it means a start missed it: polish from there.
        sample_lp = self.problem.log_posterior_unit(self.sample_unit_)
        if sample_lp.max() > self.best_log_likelihood_ + 1e-9:
            j = int(sample_lp.argmax())
            u, lp, nit = optimise(self.problem, self.sample_unit_[j], cfg.optimizer.max_iter)
            self.starts_.append((self.sample_unit_[j], u, lp, nit))
            self._say(f"a posterior draw lay above the mode; re-optimised: {lp:.4f}")
            if lp > self.best_log_likelihood_:
                self.best_unit_, self.best_log_likelihood_ = u, lp
                self.best_theta_ = self.problem.theta(u)
        self.tensions_ = self._tensions() if tensions else []
        return self

    def _advance(
        self, sampler: emcee.EnsembleSampler, start: np.ndarray | None, steps: int, limit: int
    ) -> None:
        """Run ``steps`` more steps (from ``start``, or from where the chain stands)."""
        first = sampler.iteration
        state = start if start is not None else sampler.get_last_sample()
        planned = self.problem.config.sampler.steps
        report_every = max(1, planned // 10)
        for i, _ in enumerate(sampler.sample(state, iterations=steps), start=first + 1):
            if i % report_every == 0 or i == first + steps:
                # the planned steps make the bar; an extension is said as such, the bar full
                done = STAGE_SHARE["optimise"] + STAGE_SHARE["sample"] * min(1.0, i / planned)
                where = f"{i}/{planned}" if i <= planned else f"{i} (extended; at most {limit})"
                self._say(f"sampler: step {where}", done)

    def counted_rows(self) -> tuple[int, ...]:
        """Rows that count in the fit statistics: single readings, and for each statement the
        rows of its most probable reading at the mode.
        """
        problem = self.problem
        return counted_rows(
            problem.z(problem.model_values(self.best_theta_[None]))[0], problem.statements
        )

    def _tensions(self) -> list[dict[str, Any]]:
        """What each misfit costs the rest of the data, and how declared conflicts resolve.

        For every counted figure outside one sigma at the mode, the fit is repeated without it
        (without its whole statement if it is one reading of several), from the mode; the gain
        in the rest's log posterior measures how hard the rest of the data pulls against it,
        and the figures that move most are named.
        """
        problem, cfg = self.problem, self.problem.config
        obs = problem.observations
        z = problem.z(problem.model_values(self.best_theta_[None]))[0]
        out: list[dict[str, Any]] = []
        misfits = [i for i in self.counted_rows() if abs(z[i]) > 1.0]
        for n, i in enumerate(misfits):
            leave = {i}
            for st in problem.statements:
                rows = {j for r in st.readings for j in r.rows}
                if i in rows:
                    leave |= rows
            rest = replace(
                problem, observations=tuple(o for j, o in enumerate(obs) if j not in leave)
            )
            lp_before = float(rest.log_posterior_unit(self.best_unit_[None])[0])
            u, lp_rest, _ = optimise(rest, self.best_unit_.copy(), cfg.optimizer.max_iter)
            z_new = problem.z(problem.model_values(problem.theta(u)[None]))[0]
            moved = np.argsort(-(np.abs(z) - np.abs(z_new)))
            out.append(
                {
                    "kind": "misfit",
                    "id": obs[i].id,
                    "left_out": [obs[j].id for j in sorted(leave)],
                    "z_at_best_fit": float(z[i]),
                    "z_when_left_out": float(z_new[i]),
                    "gain_in_rest_log_posterior": float(lp_rest - lp_before),
                    "figures_that_improve_most": [
                        {
                            "id": obs[j].id,
                            "z_at_best_fit": float(z[j]),
                            "z_when_left_out": float(z_new[j]),
                        }
                        for j in moved[:3]
                        if j not in leave and abs(z_new[j]) < abs(z[j]) - 0.05
                    ],
                }
            )
            self._say(
                f"tension: {obs[i].id} z={z[i]:+.2f}, rest gains {lp_rest - lp_before:.3f}",
                1.0 - STAGE_SHARE["tensions"] * (1 - (n + 1) / len(misfits)),
            )
        ids = [o.id for o in obs]
        for i, o in enumerate(obs):
            if o.conflicts_with and o.conflicts_with in ids and o.id < o.conflicts_with:
                j = ids.index(o.conflicts_with)
                out.append(
                    {
                        "kind": "declared_conflict",
                        "a": o.id,
                        "b": o.conflicts_with,
                        "z_a": float(z[i]),
                        "z_b": float(z[j]),
                        "both_within": bool(abs(z[i]) <= 1 and abs(z[j]) <= 1),
                    }
                )
        return out

    def best_parameters(self) -> Parameters:
        """The full parameter set at the best fit."""
        overrides: dict[str, object] = {}
        for f, value in zip(self.problem.config.free, self.best_theta_, strict=True):
            base, _, region = f.name.partition(".")
            if region:
                overrides.setdefault(base, {})[region] = float(value)  # type: ignore[index]
            else:
                overrides[base] = float(value)
        return self.problem.base.with_overrides(overrides)
