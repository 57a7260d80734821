"""Proper scores of a vintage's forecasts: the weighted interval score, the log score and the PIT.

Each later figure's posterior predictive (:mod:`ffsim.calibration.predictive`) is scored three
ways, as the forecast hubs and ``scoringrules`` (Zanetta & Allen 2024) do:

- **WIS**, the weighted interval score of the CDC forecast hubs (Bracher, Ray, Gneiting & Reich
  2021, PLOS Comput. Biol. 17:e1008618): the predictive median and the 11 central intervals of
  the 23 hub quantiles (:data:`~ffsim.calibration.predictive.HUB_LEVELS`), weights
  ``alpha_k / 2`` and ``1/2`` for the median, divided by ``11.5``; lower is better, 0 for a
  point forecast at the value. Computed by ``scoringrules.weighted_interval_score`` with its
  ``numba`` backend (its ``numpy`` backend of version 0.10.0 adds the median itself where the
  definition has the median's absolute error; a test checks the hand formula). The WIS is taken
  on the natural log of the figure and of the quantiles (Bosse et al. 2023, "Scoring
  epidemiological forecasts on transformed scales"), so a world total and a country's count
  weigh alike: 0.1 is about a tenth off. A difference (the one fall of fighters in theatre) is
  scored on ``x / |value|``, the scale of its reporting error. A range or a bound has no single
  value: it is scored at the value it allows nearest the predictive median (the median itself
  when inside), as the error of the median is; so a range or bound that the median meets
  scores the forecast's spread alone. This is not a proper score for such figures; the log
  score below is.
- **Log score**: the log predictive density at the value, or the log predictive probability of
  the interval a range or bound reports (:func:`~ffsim.calibration.predictive.log_predictive`).
- **PIT**: the predictive CDF at the value, or the interval ``[F(low), F(high)]`` of a range or
  bound (:func:`~ffsim.calibration.predictive.pit_interval`). A vintage's PIT histogram spreads
  each figure uniformly over its interval (the non-randomised PIT of Czado, Gneiting & Held
  2009, Biometrics 65:1254); for forecasts as spread as the figures it is flat, a hump in the
  middle means bands too wide, a U too narrow, a slope a bias.

Pure functions: no file is read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ffsim.calibration.predictive import HUB_LEVELS, FigureForecast

PIT_BINS = 5
"""Bins of the PIT histogram (0-0.2, ..., 0.8-1); with 9 to 31 figures a vintage, finer bins
would hold one or two figures each."""

_K = len(HUB_LEVELS) // 2  # central intervals: 11
_ALPHA = np.array([2 * level for level in HUB_LEVELS[:_K]])  # 0.02, 0.05, 0.1, 0.2, ..., 0.9


def _scaled(f: FigureForecast, x: np.ndarray | float) -> np.ndarray:
    """``x`` on the scale the WIS is taken on: its log, or ``x / |value|`` for a difference."""
    o = f.figure
    x = np.asarray(x, dtype=float)
    if o.form == "difference":
        return x / abs(float(o.value))  # type: ignore[arg-type]
    return np.log(x)


def scored_value(f: FigureForecast) -> float:
    """The value the WIS of ``f`` is taken at: the figure's value; for a range or a bound, the
    value it allows nearest the predictive median (people, or a ratio).
    """
    o = f.figure
    if o.form in ("range", "lower_bound", "upper_bound"):
        median = f.hub_quantiles[_K]
        return float(min(max(median, o.reported_low), o.reported_high))
    return float(o.value)  # type: ignore[arg-type]


def wis(forecasts: list[FigureForecast]) -> np.ndarray:
    """Weighted interval score of each forecast (see the module's note on scales and bounds)."""
    if not forecasts:
        return np.zeros(0)
    # here, not at the top: importing scoringrules compiles its numba kernels (seconds), which
    # only scoring should pay
    import scoringrules as sr

    q = np.array([_scaled(f, np.array(f.hub_quantiles)) for f in forecasts])
    obs = np.array([float(_scaled(f, scored_value(f))) for f in forecasts])
    return np.asarray(
        sr.weighted_interval_score(
            obs,
            q[:, _K],
            q[:, :_K],
            q[:, ::-1][:, :_K],
            _ALPHA,
            w_median=0.5,
            w_alpha=_ALPHA / 2,
            backend="numba",
        ),
        dtype=float,
    ).reshape(len(forecasts))


def pit_histogram(pits: list[tuple[float, float]], bins: int = PIT_BINS) -> np.ndarray:
    """Non-randomised PIT histogram: how many figures fall in each of ``bins`` equal bins of
    [0, 1], each figure spread uniformly over its PIT interval (a value is all in one bin).
    """
    edges = np.linspace(0.0, 1.0, bins + 1)
    counts = np.zeros(bins)
    for low, high in pits:
        if high - low > 1e-12:
            overlap = np.clip(np.minimum(edges[1:], high) - np.maximum(edges[:-1], low), 0, None)
            counts += overlap / (high - low)
        else:
            counts[min(int(low * bins), bins - 1)] += 1.0
    return counts


def uniformity_p_value(counts: np.ndarray) -> float:
    """Pearson's chi-square test of a flat PIT histogram (``bins - 1`` degrees of freedom).

    Approximate: the counts of spread figures are fractions, the figures are few and not all
    independent (several reports draw on the same national counts).
    """
    from scipy.stats import chi2

    n = float(counts.sum())
    if n == 0:
        return float("nan")
    expected = n / counts.size
    stat = float(np.sum((counts - expected) ** 2) / expected)
    return float(chi2.sf(stat, counts.size - 1))


@dataclass(frozen=True)
class ProperScores:
    """The proper scores of one vintage's later figures."""

    n: int
    mean_wis: float  # on the log scale (see the module's note)
    mean_log_score: float  # higher is better
    pit_counts: tuple[float, ...]  # PIT_BINS bins of [0, 1]
    mean_pit: float  # of the PIT intervals' midpoints; 0.5 without bias
    uniformity_p: float  # chi-square test of a flat histogram

    def histogram_text(self) -> str:
        """The PIT histogram as counts, lowest bin first: ``"3 · 5 · 10 · 4 · 2"``."""
        return " · ".join(_count(c) for c in self.pit_counts)


def _count(c: float) -> str:
    return f"{c:.0f}" if abs(c - round(c)) < 0.05 else f"{c:.1f}"


def proper_scores(forecasts: list[FigureForecast]) -> ProperScores:
    """Mean WIS, mean log score, the PIT histogram and its test for one vintage."""
    if not forecasts:
        nan = float("nan")
        return ProperScores(0, nan, nan, (0.0,) * PIT_BINS, nan, nan)
    counts = pit_histogram([f.pit for f in forecasts])
    return ProperScores(
        len(forecasts),
        float(np.mean(wis(forecasts))),
        float(np.mean([f.log_score for f in forecasts])),
        tuple(float(c) for c in counts),
        float(np.mean([(f.pit[0] + f.pit[1]) / 2 for f in forecasts])),
        uniformity_p_value(counts),
    )


def pit_text(pit: tuple[float, float]) -> str:
    """A figure's PIT: ``"0.42"``, or ``"0.10-1"`` for the interval of a range or bound."""
    low, high = pit
    if math.isclose(low, high, abs_tol=5e-3):
        return f"{low:.2f}"
    return f"{low:.2f}-{high:.2f}" if high < 1 else f"{low:.2f}-1"
