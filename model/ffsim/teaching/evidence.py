"""The answers of the lessons on the evidence: how the calibration weighs two readings of one
statement (lesson 7), and what each vintage foresaw of the world totals (lesson 8).

Read from the shipped calibration artifacts at run time: the baseline's readings table, and each
vintage's 300 stored posterior draws set against the world totals of data/validation.csv (never
fitted). Totals are people.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ffsim.calibration.baseline import BASELINE_PATH, active_artifact, read_artifact
from ffsim.calibration.forecast import Vintage, posterior_result, vintages
from ffsim.calibration.measures import measure
from ffsim.calibration.observations import load_observations, load_validation
from ffsim.core.regions import REGIONS
from ffsim.core.results import Result
from ffsim.teaching.lesson import Answer

STATEMENT = "nyt_2015_09"
"""The statement whose readings lesson 7 weighs (``reading_of`` in data/observations.csv)."""
READINGS = {"as_paraphrased": "the paraphrase", "primary_source": "the primary source"}
"""Its readings, in the order of lesson 7's options, and how the answer names them."""
EARLY_VINTAGE = dt.date(2015, 4, 30)
"""The vintage lesson 8 starts from: only the Daily Beast's figures for Europe are fitted."""
WORLD_REPORTS = ("world_joined_soufan_2017_10", "world_affiliated_icsr_2018_07")
"""The world totals of 2017-2018 (data/validation.csv, never fitted) that lesson 8 sets the
vintages against: the Soufan Center's 'at least 40,000' and ICSR's 41,490."""
WORLD_BINS = (20_000, 35_000)
"""Where lesson 8's options part: fewer than the first, up to the second, more."""


def _reported(row: dict) -> str:
    low, high, form = row["reported_low"], row["reported_high"], row["form"]
    if form == "upper_bound":
        return f"at most {high:,.0f}"
    if form == "lower_bound":
        return f"at least {low:,.0f}"
    if form == "range":
        return f"{low:,.0f} to {high:,.0f}"
    if form == "ratio":
        return f"{low:g} times"
    return f"about {low:,.0f}" if form == "roughly" else f"{low:,.0f}"


def _figure(row: dict) -> str:
    """One figure of the artifact: what it counts, the model's value and the reported one."""
    names = {r.id: r.name for r in REGIONS}
    who = "" if row["region"] == "total" else f" from {names.get(row['region'], row['region'])}"
    date, since = row["date"][:7], row["ref_start"][:7]
    what = {
        "arrivals_total": f"arrivals{who} from {since} to {date}",
        "arrivals_ratio": f"arrivals{who} from {since} to {date} over the year before",
        "cumulative_arrivals": f"arrived{who} by {date}",
        "cumulative_departures": f"set out{who} by {date}, attempts included",
    }.get(row["measure"], f"{row['measure']}{who}, {date}")
    value = row["model_value"]
    model = f"{value:.2f} times" if row["form"] == "ratio" else f"{value:,.0f}"
    outside = "" if row["within"] else ", outside one sigma"
    return f"{what}: model {model} (reported {_reported(row)}{outside})"


def readings_answer(_: Result, __: Result) -> Answer:
    """Lesson "numbers": which reading of :data:`STATEMENT` the other figures favour, from the
    shipped artifact (posterior probabilities, prior weights and the Bayes factor).
    """
    artifact, note = _readings_artifact()
    rows = {o["id"]: o for o in artifact["observations"]}
    statement = next(s for s in artifact["readings"] if s["statement"] == STATEMENT)
    readings = {r["reading"]: r for r in statement["readings"]}
    prob = {name: readings[name]["posterior_probability"] for name in READINGS}
    weight = {name: readings[name]["prior_weight"] for name in READINGS}
    favoured = max(READINGS, key=prob.__getitem__)
    other = next(name for name in READINGS if name != favoured)
    # Bayes factor: how far the other figures moved the odds from the prior weights.
    factor = (prob[favoured] / prob[other]) / (weight[favoured] / weight[other])
    how = "lean towards" if factor < 3 else ("favour" if factor < 20 else "strongly favour")
    listed = {
        name: "; ".join(_figure(rows[i]) for i in readings[name]["rows"]) for name in READINGS
    }
    return Answer(
        list(READINGS).index(favoured),
        f"Read as paraphrased: {listed['as_paraphrased']}. Read from the primary source: "
        f"{listed['primary_source']}. Soufan Group, {_figure(rows['total_cumulative_2015_12'])}. "
        f"The calibration gave the two readings prior weights of {weight[favoured]:g} and "
        f"{weight[other]:g}. Given the other figures, {READINGS[favoured]} has a posterior "
        f"probability of {prob[favoured]:.2f} and {READINGS[other]} {prob[other]:.2f}: they "
        f"{how} {READINGS[favoured]} (Bayes factor {factor:.1f}). The figures weigh the "
        f"readings; the primary source's own text is what settles the question.{note}",
    )


def _readings_artifact() -> tuple[dict, str]:
    """The artifact lesson 7 reads, and a note when it is not the active one.

    The active artifact, when it fitted :data:`STATEMENT` and the Soufan Group's figure; else
    (an early vintage, fitted before the statement was published) the shipped baseline, which
    the note names.
    """
    artifact = read_artifact()
    fitted = {o["id"] for o in artifact["observations"]}
    if (
        any(s["statement"] == STATEMENT for s in artifact["readings"])
        and "total_cumulative_2015_12" in fitted
    ):
        return artifact, ""
    as_of = artifact.get("as_of", "an earlier date")
    note = (
        f" (The calibration in use, {active_artifact().name}, fits the figures published by "
        f"{as_of}, before this statement; the numbers above are the shipped baseline's.)"
    )
    return read_artifact(BASELINE_PATH), note


def _bin(value: float) -> int:
    """Lesson 8's option for a world total."""
    return int(np.searchsorted(WORLD_BINS, value, side="right"))


def world_vintage(as_of: dt.date | None = None) -> tuple[Vintage, dict[str, np.ndarray]]:
    """A vintage (the last when ``as_of`` is ``None``) and, for each report in
    :data:`WORLD_REPORTS`, its world cumulative arrivals at the report's date, one value per
    stored posterior draw.
    """
    observations = load_observations()
    vs = vintages(observations)
    vintage = vs[-1] if as_of is None else next(v for v in vs if v.date == as_of)
    result = posterior_result(read_artifact(vintage.path))
    reports = {o.id: o for o in load_validation()}
    return vintage, {i: measure(result, reports[i]) for i in WORLD_REPORTS}


def _vintage_text(vintage: Vintage, values: np.ndarray, n_articles: int) -> str:
    low, median, high = np.quantile(values, [0.05, 0.5, 0.95])
    return (
        f"a median of {median:,.0f} (90% band {low:,.0f} to {high:,.0f} over its "
        f"{len(values)} posterior draws, a factor of {high / low:.1f} from end to end; "
        f"{vintage.n_fitted} rows fitted, from {n_articles} article"
        f"{'s' if n_articles != 1 else ''})"
    )


def vintages_answer(_: Result, __: Result) -> Answer:
    """Lesson "vintages": the world totals reported in 2017-2018, against the forecasts of the
    vintage of :data:`EARLY_VINTAGE` and of the last vintage.
    """
    reports = {o.id: o for o in load_validation() if o.id in WORLD_REPORTS}
    soufan, icsr = (reports[i] for i in WORLD_REPORTS)
    option = _bin(min(o.reported_low for o in reports.values()))
    observations = load_observations()
    early, early_values = world_vintage(EARLY_VINTAGE)
    last, last_values = world_vintage()

    def articles(v: Vintage) -> int:
        return len(
            {o.source_file for o in observations if o.use == "fit" and o.published <= v.date}
        )

    e, f = early_values[icsr.id], last_values[icsr.id]
    e_med, f_med = float(np.median(e)), float(np.median(f))
    reported = icsr.reported_low
    low, high = np.quantile(e, [0.05, 0.95])
    inside = low <= reported <= high and np.quantile(early_values[soufan.id], 0.95) >= (
        soufan.reported_low
    )
    where = "inside its band, but" if inside else "outside its band, and"
    return Answer(
        option,
        f"The Soufan Center counted at least {soufan.reported_low:,.0f} foreigners who had "
        f"travelled by {soufan.ref_end:%B %Y}, and ICSR {reported:,.0f} by {icsr.ref_end:%B %Y} "
        "(both count people who joined IS, women and minors included; data/validation.csv, "
        f"never fitted). For world arrivals by {icsr.ref_end:%B %Y}, the vintage of "
        f"{early.date} gave {_vintage_text(early, e, articles(early))}: the reports lie "
        f"{where} its median is {max(e_med, reported) / min(e_med, reported):.1f} times "
        f"{'lower' if e_med < reported else 'higher'} (by {soufan.ref_end:%B %Y}, "
        f"{np.median(early_values[soufan.id]):,.0f} against 'at least "
        f"{soufan.reported_low:,.0f}'). The vintage of {last.data_date} gave "
        f"{_vintage_text(last, f, articles(last))}: its median is {abs(1 - f_med / reported):.0%} "
        f"{'below' if f_med < reported else 'above'} ICSR's count. Figures for Europe alone left "
        "the other regions to the priors: a band wide enough to hold the answer is honest about "
        "what was known, but says little. The drivers are the war as it happened, so these are "
        "conditional forecasts (docs/validation.md).",
    )
