"""The posterior predictive of one later figure, and how it is scored.

A figure is set against a vintage's posterior predictive distribution: the model value of each
stored posterior draw, times a reporting error with the figure's own ``sigma_log`` (log-normal; for
a ``difference``, normal with standard deviation ``sigma_log x |value|``), mixed over the draws.
This is the same error model the calibration's likelihood uses.

What is scored, per figure:

- **inside the 50% / 90% band**: the central predictive interval (25-75%, 5-95%) meets what the
  figure reports (the value; the range; the half-line of a bound);
- **log kernel**: ``log mean_draws exp(-z**2 / 2)``, the calibration's own likelihood kernel
  (without its normalising constant) averaged over the posterior draws (0 when every draw
  matches the figure, -0.5 when every draw is one sigma off, -2 when two);
- **log score** (:func:`log_predictive`): the log of the predictive density at the reported
  value, normalised (a proper score; higher is better, the opposite sign of ``scoringrules``'
  ``logs_*``). The density is that of the log of the value (of ``value / |value|`` for a
  difference), so it is free of units: for a value figure it is the log kernel minus
  ``log sigma + log(2 pi) / 2``. A range or a bound is scored as the interval-censored event it
  reports: the log of the predictive probability of ``[low, high]`` (of ``[low, inf)``, of
  ``[0, high]``);
- **PIT** (:func:`pit_interval`): the predictive CDF at the reported value; for a range or a
  bound, the interval ``[F(low), F(high)]`` it spans (Czado, Gneiting & Held 2009 score such a
  figure by spreading it uniformly over that interval);
- **error of the median**: the log of the ratio of the posterior median model value to the
  nearest value the figure allows (0 inside a range or bound); for a difference, the relative
  error.

The predictive quantiles at the forecast hubs' levels (:data:`HUB_LEVELS`) are kept for the
weighted interval score and the quantile export (:mod:`ffsim.calibration.scores`).

:class:`Skill` sums these up over a set of figures. Model values and figures are in the units of
the figure's ``measure`` (people, or a ratio).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ffsim.calibration.likelihood import TINY, z_score
from ffsim.calibration.observations import Observation

BAND_LEVELS: tuple[float, ...] = (0.5, 0.9)
"""Central predictive bands whose coverage is reported."""

QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
"""Predictive quantiles reported for each figure."""

HUB_LEVELS: tuple[float, ...] = (
    0.01,
    0.025,
    *(round(0.05 * k, 2) for k in range(1, 20)),
    0.975,
    0.99,
)
"""The 23 quantile levels of the US CDC forecast hubs (0.01, 0.025, 0.05, 0.10, ..., 0.95, 0.975,
0.99): the median and the central intervals of the weighted interval score (Bracher et al. 2021,
PLOS Comput. Biol. 17:e1008618)."""

_HUB_INDEX = {round(level, 6): i for i, level in enumerate(HUB_LEVELS)}
_CENSORED = ("range", "lower_bound", "upper_bound")


def _log_space(o: Observation) -> bool:
    return o.form != "difference"


def standardised(model: np.ndarray, o: Observation, x: float | np.ndarray) -> np.ndarray:
    """The reporting error that takes each draw's model value to reported value ``x``, in units
    of its standard deviation: shape ``x.shape + (draws,)``.

    ``model`` holds one model value per posterior draw. A value of 0 or less is minus infinity
    in log space; an infinite ``x`` is plus infinity.
    """
    model = np.asarray(model, dtype=float)
    sigma = float(o.sigma_log)  # type: ignore[arg-type]
    x = np.asarray(x, dtype=float)
    if _log_space(o):
        with np.errstate(divide="ignore"):
            lx = np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), -np.inf)[..., None]
        return (lx - np.log(np.maximum(model, TINY))) / sigma
    return (x[..., None] - model) / (sigma * abs(float(o.value)))  # type: ignore[arg-type]


def predictive_cdf(model: np.ndarray, o: Observation, x: float | np.ndarray) -> np.ndarray:
    """P(reported value <= x) under the posterior predictive of figure ``o``.

    ``model`` holds one model value per posterior draw.
    """
    from scipy.special import ndtr  # here, not at the top: scipy would slow every ``ffsim`` start

    return ndtr(standardised(model, o, x)).mean(axis=-1)


def _log_ndtr_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``log(Phi(b) - Phi(a))`` for ``a <= b``, accurate far in either tail."""
    from scipy.special import log_ndtr

    upper = a > 0  # both in the upper tail: Phi(-a) - Phi(-b) keeps the digits
    hi = np.where(upper, log_ndtr(-a), log_ndtr(b))
    lo = np.where(upper, log_ndtr(-b), log_ndtr(a))
    with np.errstate(divide="ignore"):
        return hi + np.log1p(-np.exp(lo - hi))


def log_predictive(model: np.ndarray, o: Observation) -> float:
    """Log score of figure ``o``: the log predictive density at its value (of the log of the
    value; of ``value / |value|`` for a difference), or for a range or a bound the log
    predictive probability of the interval it reports. Higher is better.
    """
    from scipy.special import logsumexp

    model = np.asarray(model, dtype=float)
    if o.form in _CENSORED:
        z_lo = standardised(model, o, o.reported_low)
        z_hi = standardised(model, o, o.reported_high)
        per_draw = _log_ndtr_between(z_lo, z_hi)
    else:
        z = standardised(model, o, float(o.value))  # type: ignore[arg-type]
        sigma = float(o.sigma_log)  # type: ignore[arg-type]
        per_draw = -0.5 * np.square(z) - 0.5 * math.log(2 * math.pi) - math.log(sigma)
    return float(logsumexp(per_draw) - math.log(per_draw.size))


def pit_interval(model: np.ndarray, o: Observation) -> tuple[float, float]:
    """Probability integral transform of figure ``o``: ``(F(value), F(value))`` for a value,
    ``(F(low), F(high))`` for a range or a bound (0 below zero, 1 for an open top).
    """
    if o.form not in _CENSORED:
        p = float(predictive_cdf(model, o, float(o.value)))  # type: ignore[arg-type]
        return p, p
    low, high = o.reported_low, o.reported_high
    p_low = float(predictive_cdf(model, o, low)) if low > 0 else 0.0
    p_high = float(predictive_cdf(model, o, high)) if math.isfinite(high) else 1.0
    return p_low, p_high


def predictive_quantiles(
    model: np.ndarray, o: Observation, qs: tuple[float, ...] = QUANTILES
) -> np.ndarray:
    """Quantiles of the posterior predictive of figure ``o`` (bisection on the mixture CDF, to
    ``1e-12`` of a standard deviation of the reporting error, or 80 halvings at most).
    """
    model = np.asarray(model, dtype=float)
    sigma = float(o.sigma_log)  # type: ignore[arg-type]
    target = np.asarray(qs, dtype=float)
    if _log_space(o):
        centre = np.log(np.maximum(model, TINY))
        lo = np.full(target.shape, centre.min() - 8 * sigma)
        hi = np.full(target.shape, centre.max() + 8 * sigma)
        tol = 1e-12 * sigma
    else:
        scale = sigma * abs(float(o.value))  # type: ignore[arg-type]
        lo = np.full(target.shape, model.min() - 8 * scale)
        hi = np.full(target.shape, model.max() + 8 * scale)
        tol = 1e-12 * scale
    for _ in range(80):
        if np.max(hi - lo, initial=0.0) <= tol:
            break
        mid = 0.5 * (lo + hi)
        x = np.exp(mid) if _log_space(o) else mid
        below = predictive_cdf(model, o, x) < target
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    mid = 0.5 * (lo + hi)
    return np.exp(mid) if _log_space(o) else mid


def _meets(o: Observation, low: float, high: float) -> bool:
    """Whether the interval [low, high] meets what figure ``o`` reports."""
    return bool(o.reported_low <= high and o.reported_high >= low)


def median_error(median: float, o: Observation) -> float:
    """Log ratio of ``median`` to the nearest value ``o`` allows (relative error for a
    difference); 0 inside a range or bound.
    """
    if not _log_space(o):
        return (median - float(o.value)) / abs(float(o.value))  # type: ignore[arg-type]
    lo, hi = o.reported_low, o.reported_high
    if lo <= median <= hi:
        return 0.0
    nearest = lo if median < lo else hi
    return math.log(max(median, TINY) / nearest)


@dataclass(frozen=True)
class FigureForecast:
    """One later figure against one vintage's posterior predictive."""

    figure: Observation
    kind: str  # "article" (a later article's fitted figure) or "validation"
    model_median: float
    quantiles: tuple[float, ...]  # predictive, at QUANTILES
    inside: dict[float, bool]  # band level -> whether the band meets the figure
    log_kernel: float
    median_error: float
    log_score: float  # log_predictive: log density, or log probability of a range or bound
    pit: tuple[float, float]  # pit_interval: (F(low), F(high)); equal for a value
    hub_quantiles: tuple[float, ...]  # predictive, at HUB_LEVELS

    def as_dict(self) -> dict[str, Any]:
        """JSON-able summary (for tables, CSV and the app)."""
        o = self.figure
        return {
            "id": o.id,
            "kind": self.kind,
            "outlet": o.outlet,
            "published": o.published.isoformat(),
            "date": o.ref_end.isoformat(),
            "region": o.region,
            "measure": o.measure,
            "form": o.form,
            "reported_low": o.reported_low,
            "reported_high": o.reported_high if math.isfinite(o.reported_high) else None,
            "value": o.value,
            "model_median": self.model_median,
            **{f"p{round(100 * q):02d}": v for q, v in zip(QUANTILES, self.quantiles, strict=True)},
            **{f"inside_{round(100 * k)}": v for k, v in self.inside.items()},
            "log_kernel": self.log_kernel,
            "median_error": self.median_error,
            "log_score": self.log_score,
            "pit_low": self.pit[0],
            "pit_high": self.pit[1],
        }


def score(model: np.ndarray, o: Observation, kind: str) -> FigureForecast:
    """Score later figure ``o`` against model values ``model`` (one per posterior draw)."""
    model = np.asarray(model, dtype=float)
    # one bisection for every level: QUANTILES and the bands' ends are hub levels
    hub = tuple(float(x) for x in predictive_quantiles(model, o, HUB_LEVELS))

    def at(level: float) -> float:
        return hub[_HUB_INDEX[round(level, 6)]]

    inside = {level: _meets(o, at((1 - level) / 2), at((1 + level) / 2)) for level in BAND_LEVELS}
    z = z_score(model, o)
    top = -0.5 * np.square(z)
    log_kernel = float(top.max() + np.log(np.mean(np.exp(top - top.max()))))
    med = float(np.median(model))
    return FigureForecast(
        o,
        kind,
        med,
        tuple(at(level) for level in QUANTILES),
        inside,
        log_kernel,
        median_error(med, o),
        log_predictive(model, o),
        pit_interval(model, o),
        hub,
    )


@dataclass(frozen=True)
class Skill:
    """Summary of one vintage's forecasts (of one kind of later figure, or all)."""

    n: int
    inside: dict[float, int]
    mean_log_kernel: float
    median_abs_error: float

    def share(self, level: float) -> float:
        """Share of the figures inside the band of ``level``."""
        return self.inside[level] / self.n if self.n else float("nan")


def summarise(forecasts: list[FigureForecast]) -> Skill:
    """Counts inside each band, mean log kernel and median absolute error of the median."""
    if not forecasts:
        return Skill(0, dict.fromkeys(BAND_LEVELS, 0), float("nan"), float("nan"))
    return Skill(
        len(forecasts),
        {k: sum(f.inside[k] for f in forecasts) for k in BAND_LEVELS},
        float(np.mean([f.log_kernel for f in forecasts])),
        float(np.median([abs(f.median_error) for f in forecasts])),
    )
