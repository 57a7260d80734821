"""Forecast skill: what each vintage of the calibration foresaw, against the later figures.

A vintage (:mod:`ffsim.calibration.vintages`) is fitted to the figures published by its date. Every
figure published after that date is a *later figure*: the later articles' fitted figures and every
row of ``data/validation.csv`` (reports of October 2017 to July 2018, never fitted). Each later
figure is set against the vintage's posterior predictive distribution: the model value of each
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

The drivers (territory held, pay, air campaign, border closure, prevention) are the realised
series in every vintage: forecasts are conditional on the course of the war, and score the
model's structure and parameters, not a foresight of the war itself.

A statement read in two ways is scored as its source states it: the reading named in
:data:`AS_STATED_READINGS` (the primary source behind a paraphrase, or the figure as the
article gives it), never the reading a later fit preferred.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import ndtr

from ffsim.calibration.baseline import read_artifact
from ffsim.calibration.likelihood import TINY, z_score
from ffsim.calibration.measures import measure
from ffsim.calibration.observations import Observation, fitted, load_observations, load_validation
from ffsim.calibration.uncertainty import posterior_packed
from ffsim.calibration.vintages import article_dates, data_date, rows_as_of, vintage_path
from ffsim.core.parameters import Parameters
from ffsim.core.simulate import simulate_ensemble

AS_STATED_READINGS: tuple[str, ...] = ("primary_source", "eu_as_stated")
"""For a statement with several readings, the reading scored as a later figure: the figure as
its primary source states it (``primary_source`` of the NYT paraphrase) or as the article
gives it (``eu_as_stated``). A test checks that every statement has exactly one of these."""

BAND_LEVELS: tuple[float, ...] = (0.5, 0.9)
"""Central predictive bands whose coverage is reported."""

QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
"""Predictive quantiles reported for each figure."""


@dataclass(frozen=True)
class Vintage:
    """One vintage: the article date it stands for, the date of its latest fitted figure, and
    where its artifact is."""

    date: dt.date
    data_date: dt.date
    path: Path
    n_fitted: int

    @property
    def label(self) -> str:
        """How the vintage is named in tables and on the page."""
        if self.data_date == self.date:
            return f"as of {self.date}"
        return f"as of {self.date} (fits the figures of {self.data_date})"


def vintages(observations: tuple[Observation, ...]) -> tuple[Vintage, ...]:
    """The five vintages, one for each article's date, in order."""
    return tuple(
        Vintage(
            d,
            data_date(observations, d),
            vintage_path(d, observations),
            len(rows_as_of(observations, d)),
        )
        for d in article_dates(observations)
    )


def as_stated(o: Observation) -> Observation | None:
    """The row as a later figure: plain if it is the reading as stated, ``None`` if it is
    another reading."""
    if not o.reading_of:
        return o
    if o.reading not in AS_STATED_READINGS:
        return None
    return o.model_copy(update={"reading_of": "", "reading": "", "reading_weight": None})


def later_figures(
    date: dt.date, observations: tuple[Observation, ...], validation: tuple[Observation, ...]
) -> tuple[Observation, ...]:
    """Figures published after ``date``: the later articles' fitted figures (as stated), then
    the validation rows."""
    later = [as_stated(o) for o in fitted(observations) if o.published > date]
    rows = [o for o in later if o is not None]
    return (*rows, *(o for o in validation if o.published > date))


def _log_space(o: Observation) -> bool:
    return o.form != "difference"


def predictive_cdf(model: np.ndarray, o: Observation, x: float | np.ndarray) -> np.ndarray:
    """P(reported value <= x) under the posterior predictive of figure ``o``.

    ``model`` holds one model value per posterior draw.
    """
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
    difference); 0 inside a range or bound."""
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


def posterior_result(artifact: dict[str, Any]):  # noqa: ANN201 (a Result)
    """Simulate every stored posterior draw of ``artifact`` (one ensemble call)."""
    base = Parameters.model_validate(artifact["best_fit_parameters"])
    return simulate_ensemble(posterior_packed(base, artifact))


def forecast_vintage(
    vintage: Vintage,
    observations: tuple[Observation, ...],
    validation: tuple[Observation, ...],
    artifact: dict[str, Any] | None = None,
) -> list[FigureForecast]:
    """Every later figure of ``vintage`` scored against its posterior predictive."""
    artifact = read_artifact(vintage.path) if artifact is None else artifact
    result = posterior_result(artifact)
    validation_ids = {o.id for o in validation}
    return [
        score(measure(result, o), o, "validation" if o.id in validation_ids else "article")
        for o in later_figures(vintage.date, observations, validation)
    ]


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


Report = list[tuple[Vintage, list[FigureForecast]]]
"""Each vintage with its scored later figures."""


def forecast_all(
    observations: tuple[Observation, ...] | None = None,
    validation: tuple[Observation, ...] | None = None,
) -> Report:
    """Score every vintage against its later figures (the shipped data by default)."""
    observations = load_observations() if observations is None else observations
    validation = load_validation() if validation is None else validation
    artifacts: dict[Path, dict[str, Any]] = {}
    report = []
    for v in vintages(observations):
        artifact = artifacts.setdefault(v.path, read_artifact(v.path))
        report.append((v, forecast_vintage(v, observations, validation, artifact)))
    return report


def _count(k: int, n: int) -> str:
    return f"{k} of {n} ({k / n:.0%})" if n else "none"


def skill_table(report: Report) -> str:
    """Markdown table: one row per vintage, the coverage of its bands and its scores."""
    head = (
        "| vintage | figures fitted | later figures (articles + validation) "
        "| inside 50% band | inside 90% band | validation rows inside 90% band "
        "| mean log score | median abs. log error of the median |"
    )
    lines = [head, "|" + "---|" * 8]
    for v, forecasts in report:
        s = summarise(forecasts)
        val = summarise([f for f in forecasts if f.kind == "validation"])
        n_art = s.n - val.n
        lines.append(
            f"| {v.label} | {v.n_fitted} | {s.n} ({n_art} + {val.n}) "
            f"| {_count(s.inside[0.5], s.n)} | {_count(s.inside[0.9], s.n)} "
            f"| {_count(val.inside[0.9], val.n)} "
            f"| {s.mean_log_score:.2f} | {s.median_abs_error:.2f} |"
        )
    return "\n".join(lines)


def _num(x: float | None) -> str:
    if x is None or not math.isfinite(x):
        return ""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def reported_text(o: Observation) -> str:
    """The figure as reported: a value, a range or a bound."""
    if o.form == "lower_bound":
        return f"at least {_num(o.reported_low)}"
    if o.form == "upper_bound":
        return f"at most {_num(o.reported_high)}"
    if o.form == "range":
        return f"{_num(o.reported_low)} to {_num(o.reported_high)}"
    return _num(o.value)


def figure_table(forecasts: list[FigureForecast]) -> str:
    """Markdown table of one vintage's later figures: reported, predictive band, scores."""
    head = (
        "| figure | kind | published | reported | model median | 50% band | 90% band "
        "| in 50% | in 90% | log score |"
    )
    lines = [head, "|" + "---|" * 10]
    for f in forecasts:
        o, q = f.figure, f.quantiles
        lines.append(
            f"| {o.id} | {f.kind} | {o.published} | {reported_text(o)} | {_num(f.model_median)} "
            f"| {_num(q[1])} to {_num(q[3])} | {_num(q[0])} to {_num(q[4])} "
            f"| {'yes' if f.inside[0.5] else 'no'} | {'yes' if f.inside[0.9] else 'no'} "
            f"| {f.log_score:.2f} |"
        )
    return "\n".join(lines)
