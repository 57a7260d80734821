"""Forecast skill: what each vintage of the calibration foresaw, against the later figures.

A vintage (:mod:`ffsim.calibration.vintages`) is fitted to the figures published by its date. Every
figure published after that date is a *later figure*: the later articles' fitted figures and every
row of ``data/validation.csv`` (reports of October 2017 to July 2018, never fitted). Each later
figure is set against the vintage's posterior predictive distribution and scored
(:mod:`ffsim.calibration.predictive`; the proper scores in :mod:`ffsim.calibration.scores`); the
tables here give the scores as Markdown, for ``ffsim forecast-skill`` and docs/validation.md.

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

from ffsim.calibration.baseline import read_artifact
from ffsim.calibration.measures import measure, outputs_read
from ffsim.calibration.observations import Observation, fitted, load_observations, load_validation
from ffsim.calibration.predictive import FigureForecast, score, summarise
from ffsim.calibration.scores import pit_text, proper_scores, wis
from ffsim.calibration.uncertainty import posterior_packed
from ffsim.calibration.vintages import article_dates, data_date, rows_as_of, vintage_path
from ffsim.core.outputs import Outputs, Selection
from ffsim.core.parameters import Parameters
from ffsim.core.results import Result
from ffsim.core.simulate import simulate_ensemble, simulate_outputs

AS_STATED_READINGS: tuple[str, ...] = ("primary_source", "eu_as_stated", "as_reported")
"""For a statement with several readings, the reading scored as a later figure: the figure as
its primary source states it (``primary_source`` of the NYT paraphrase) or as the article
gives it (``eu_as_stated``; ``as_reported`` for Tunisia's 4,000, whose primary source is only
inferred). A test checks that every statement has exactly one of these."""


@dataclass(frozen=True)
class Vintage:
    """One vintage: the article date it stands for, the date of its latest fitted figure, and
    where its artifact is.
    """

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
    another reading.
    """
    if not o.reading_of:
        return o
    if o.reading not in AS_STATED_READINGS:
        return None
    return o.model_copy(update={"reading_of": "", "reading": "", "reading_weight": None})


def later_figures(
    date: dt.date, observations: tuple[Observation, ...], validation: tuple[Observation, ...]
) -> tuple[Observation, ...]:
    """Figures published after ``date``: the later articles' fitted figures (as stated), then
    the validation rows.
    """
    later = [as_stated(o) for o in fitted(observations) if o.published > date]
    rows = [o for o in later if o is not None]
    return (*rows, *(o for o in validation if o.published > date))


def posterior_result(
    artifact: dict[str, Any], selection: Selection | None = None
) -> Result | Outputs:
    """Simulate every stored posterior draw of ``artifact`` (one ensemble call), keeping the
    outputs ``selection`` names (every state when it is None).
    """
    base = Parameters.model_validate(artifact["best_fit_parameters"])
    packed = posterior_packed(base, artifact)
    return simulate_ensemble(packed) if selection is None else simulate_outputs(packed, selection)


def forecast_vintage(
    vintage: Vintage,
    observations: tuple[Observation, ...],
    validation: tuple[Observation, ...],
    artifact: dict[str, Any] | None = None,
) -> list[FigureForecast]:
    """Every later figure of ``vintage`` scored against its posterior predictive."""
    artifact = read_artifact(vintage.path) if artifact is None else artifact
    figures = later_figures(vintage.date, observations, validation)
    read = tuple(dict.fromkeys(out for o in figures for out in outputs_read(o)))
    result = posterior_result(artifact, Selection(read))
    validation_ids = {o.id for o in validation}
    return [
        score(measure(result, o), o, "validation" if o.id in validation_ids else "article")
        for o in figures
    ]


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


def count_text(k: int, n: int) -> str:
    """``k`` of ``n`` figures, with the share: ``"3 of 4 (75%)"``, or ``"none"`` when n is 0."""
    return f"{k} of {n} ({k / n:.0%})" if n else "none"


def skill_table(report: Report) -> str:
    """Markdown table: one row per vintage, the coverage of its bands and its scores."""
    head = (
        "| vintage | figures fitted | later figures (articles + validation) "
        "| inside 50% band | inside 90% band | validation rows inside 90% band "
        "| mean log kernel | median abs. log error of the median |"
    )
    lines = [head, "|" + "---|" * 8]
    for v, forecasts in report:
        s = summarise(forecasts)
        val = summarise([f for f in forecasts if f.kind == "validation"])
        n_art = s.n - val.n
        lines.append(
            f"| {v.label} | {v.n_fitted} | {s.n} ({n_art} + {val.n}) "
            f"| {count_text(s.inside[0.5], s.n)} | {count_text(s.inside[0.9], s.n)} "
            f"| {count_text(val.inside[0.9], val.n)} "
            f"| {s.mean_log_kernel:.2f} | {s.median_abs_error:.2f} |"
        )
    return "\n".join(lines)


def common_figures(report: Report) -> set[str]:
    """Identifiers of the later figures that every vintage of ``report`` forecasts."""
    ids = [{f.figure.id for f in forecasts} for _, forecasts in report]
    return set.intersection(*ids) if ids else set()


def proper_table(report: Report) -> str:
    """Markdown table: one row per vintage, its proper scores (:mod:`ffsim.calibration.scores`),
    and its mean WIS on the figures every vintage forecasts (the same figures for all).
    """
    common = common_figures(report)
    n = len(common)
    head = (
        "| vintage | later figures | mean WIS (log scale) | mean log score "
        f"| mean WIS, the {n} figures every vintage scores | mean log score, the same {n} "
        "| PIT histogram (0-0.2, ..., 0.8-1) | mean PIT | flat PIT (chi-square p) |"
    )
    lines = [head, "|" + "---|" * 9]
    for v, forecasts in report:
        p = proper_scores(forecasts)
        shared = proper_scores([f for f in forecasts if f.figure.id in common])
        lines.append(
            f"| {v.label} | {p.n} | {p.mean_wis:.3f} | {p.mean_log_score:.2f} "
            f"| {shared.mean_wis:.3f} | {shared.mean_log_score:.2f} "
            f"| {p.histogram_text()} | {p.mean_pit:.2f} | {p.uniformity_p:.2f} |"
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
        "| in 50% | in 90% | log kernel | WIS | log score | PIT |"
    )
    lines = [head, "|" + "---|" * 13]
    for f, w in zip(forecasts, wis(forecasts), strict=True):
        o, q = f.figure, f.quantiles
        lines.append(
            f"| {o.id} | {f.kind} | {o.published} | {reported_text(o)} | {_num(f.model_median)} "
            f"| {_num(q[1])} to {_num(q[3])} | {_num(q[0])} to {_num(q[4])} "
            f"| {'yes' if f.inside[0.5] else 'no'} | {'yes' if f.inside[0.9] else 'no'} "
            f"| {f.log_kernel:.2f} | {w:.3f} | {f.log_score:.2f} | {pit_text(f.pit)} |"
        )
    return "\n".join(lines)
