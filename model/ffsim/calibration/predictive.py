"""The posterior predictive of one later figure, and how it is scored.

A figure is set against a vintage's posterior predictive distribution: the model value of each
stored posterior draw, times a reporting error with the figure's own ``sigma_log`` (log-normal; for
a ``difference``, normal with standard deviation ``sigma_log x |value|``), mixed over the draws.
This is the same error model the calibration's likelihood uses.

What is scored, per figure:

- **inside the 50% / 90% band**: the central predictive interval (25-75%, 5-95%) meets what the
  figure reports (the value; the range; the half-line of a bound);
- **log score**: ``log mean_draws exp(-z**2 / 2)``, the calibration's own likelihood averaged
  over the posterior draws (0 when every draw matches the figure, -0.5 when every draw is one
  sigma off, -2 when two);
- **error of the median**: the log of the ratio of the posterior median model value to the
  nearest value the figure allows (0 inside a range or bound); for a difference, the relative
  error.

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


def _log_space(o: Observation) -> bool:
    return o.form != "difference"


def predictive_cdf(model: np.ndarray, o: Observation, x: float | np.ndarray) -> np.ndarray:
    """P(reported value <= x) under the posterior predictive of figure ``o``.

    ``model`` holds one model value per posterior draw.
    """
    from scipy.special import ndtr  # here, not at the top: scipy would slow every ``ffsim`` start

    model = np.asarray(model, dtype=float)
    sigma = float(o.sigma_log)  # type: ignore[arg-type]
    x = np.asarray(x, dtype=float)
    if _log_space(o):
        lx = np.log(np.maximum(x, TINY))[..., None]
        z = (lx - np.log(np.maximum(model, TINY))) / sigma
    else:
        z = (x[..., None] - model) / (sigma * abs(float(o.value)))  # type: ignore[arg-type]
    return ndtr(z).mean(axis=-1)


def predictive_quantiles(
    model: np.ndarray, o: Observation, qs: tuple[float, ...] = QUANTILES
) -> np.ndarray:
    """Quantiles of the posterior predictive of figure ``o`` (bisection on the mixture CDF)."""
    model = np.asarray(model, dtype=float)
    sigma = float(o.sigma_log)  # type: ignore[arg-type]
    target = np.asarray(qs, dtype=float)
    if _log_space(o):
        centre = np.log(np.maximum(model, TINY))
        lo = np.full(target.shape, centre.min() - 8 * sigma)
        hi = np.full(target.shape, centre.max() + 8 * sigma)
    else:
        scale = sigma * abs(float(o.value))  # type: ignore[arg-type]
        lo = np.full(target.shape, model.min() - 8 * scale)
        hi = np.full(target.shape, model.max() + 8 * scale)
    for _ in range(80):
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
    log_score: float
    median_error: float

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
            "log_score": self.log_score,
            "median_error": self.median_error,
        }


def score(model: np.ndarray, o: Observation, kind: str) -> FigureForecast:
    """Score later figure ``o`` against model values ``model`` (one per posterior draw)."""
    model = np.asarray(model, dtype=float)
    q = predictive_quantiles(model, o, QUANTILES)
    inside = {}
    for level in BAND_LEVELS:
        lo, hi = predictive_quantiles(model, o, ((1 - level) / 2, (1 + level) / 2))
        inside[level] = _meets(o, float(lo), float(hi))
    z = z_score(model, o)
    top = -0.5 * np.square(z)
    log_score = float(top.max() + np.log(np.mean(np.exp(top - top.max()))))
    med = float(np.median(model))
    return FigureForecast(
        o, kind, med, tuple(float(x) for x in q), inside, log_score, median_error(med, o)
    )


@dataclass(frozen=True)
class Skill:
    """Summary of one vintage's forecasts (of one kind of later figure, or all)."""

    n: int
    inside: dict[float, int]
    mean_log_score: float
    median_abs_error: float

    def share(self, level: float) -> float:
        """Share of the figures inside the band of ``level``."""
        return self.inside[level] / self.n if self.n else float("nan")


def summarise(forecasts: list[FigureForecast]) -> Skill:
    """Counts inside each band, mean log score and median absolute error of the median."""
    if not forecasts:
        return Skill(0, dict.fromkeys(BAND_LEVELS, 0), float("nan"), float("nan"))
    return Skill(
        len(forecasts),
        {k: sum(f.inside[k] for f in forecasts) for k in BAND_LEVELS},
        float(np.mean([f.log_score for f in forecasts])),
        float(np.median([abs(f.median_error) for f in forecasts])),
    )
