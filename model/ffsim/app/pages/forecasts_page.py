"""Forecasts: what each vintage of the calibration foresaw, against the figures published later."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ffsim.app import charts, runner, widgets
from ffsim.app.forecast_charts import forecast_band_figure, forecast_strip_figure
from ffsim.app.forecast_rows import figure_frame, marks, proper_frame, skill_frame, strip_rows
from ffsim.calibration.baseline import BASELINE_PATH
from ffsim.calibration.forecast import Vintage, count_text, reported_text, vintages
from ffsim.calibration.observations import Observation
from ffsim.calibration.predictive import FigureForecast, summarise
from ffsim.calibration.scores import proper_scores
from ffsim.calibration.vintages import rows_as_of
from ffsim.teaching.plain_names import plain_label

HIGHLIGHT = "background-color: rgba(31, 119, 180, 0.18)"

st.title("Forecasts: what could have been known, when")
st.caption(
    "A vintage is the calibration made with only the figures published by its date: the same "
    "model, priors and sampler as the baseline, fitted to fewer figures. Its posterior draws "
    "give a forecast of every figure published later: the later articles' figures and the "
    "reports of 2016-2018 in data/validation.csv, which no vintage fits. Method and caveats: "
    "docs/validation.md."
)

observations = runner.all_observations()
vintage_list = vintages(observations)
labels = [v.label for v in vintage_list]
choice = st.radio(
    "Vintage: the calibration as it could have been made on",
    labels,
    key="forecasts:vintage",
    horizontal=True,
)
vintage: Vintage = vintage_list[labels.index(choice)]
as_of = vintage.date.isoformat()


def known(v: Vintage) -> None:
    """What the vintage fits: how many rows, from which articles."""
    rows = rows_as_of(observations, v.date)
    outlets: dict[str, list[Observation]] = {}
    for o in rows:
        outlets.setdefault(f"{o.outlet}, published {o.published}", []).append(o)
    statements = {o.reading_of for o in rows if o.reading_of}
    articles = len({o.source_file for o in rows})
    st.subheader("What was known on that date")
    text = (
        f"**{v.n_fitted} rows fitted**, from {articles} article{'s' if articles != 1 else ''}, "
        f"the latest published on {v.data_date}."
    )
    if v.data_date != v.date:
        text += (
            f" The article of {v.date} reports no figure the model fits, so this vintage is the "
            f"one of {v.data_date}."
        )
    if v.path == BASELINE_PATH:
        text += " It fits every figure: the shipped baseline (calibration/baseline.json)."
    if statements:
        n_read = sum(1 for o in rows if o.reading_of)
        text += (
            f" {n_read} of the rows are alternative readings of {len(statements)} "
            f"statement{'s' if len(statements) != 1 else ''}, fitted as a mixture "
            "(docs/calibration.md)."
        )
    st.markdown(text)
    st.markdown(
        "\n".join(
            f"- {name}: {len(rs)} row{'s' if len(rs) != 1 else ''}" for name, rs in outlets.items()
        )
    )
    with st.expander("The fitted rows"):
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Figure": o.label,
                        "Outlet": o.outlet,
                        "Published": o.published.isoformat(),
                        "Reported": reported_text(o),
                        "Reading": plain_label(o.reading) if o.reading_of else "",
                        "Identifier": o.id,
                    }
                    for o in rows
                ]
            ),
            hide_index=True,
            width="stretch",
        )


known(vintage)
bands: dict[str, Any] | None
forecasts: list[FigureForecast]
try:
    bands = runner.vintage_bands(as_of)
    forecasts = runner.vintage_forecasts(as_of)
except runner.ArtifactError as exc:
    st.error(str(exc))
    bands, forecasts = None, []

if bands is not None:
    skill = summarise(forecasts)
    proper = proper_scores(forecasts)
    validation_skill = summarise([f for f in forecasts if f.kind == "validation"])
    cols = st.columns(5)
    cols[0].metric(
        "Later figures",
        skill.n,
        help=f"{skill.n - validation_skill.n} from later articles, {validation_skill.n} "
        "validation rows",
    )
    cols[1].metric("Inside the 50% predictive band", count_text(skill.inside[0.5], skill.n))
    cols[2].metric("Inside the 90% predictive band", count_text(skill.inside[0.9], skill.n))
    cols[3].metric(
        "Mean WIS (log scale)",
        f"{proper.mean_wis:.3f}",
        help="Weighted interval score of the 23 forecast-hub quantiles, on the log of the "
        "figures: lower is better, 0.1 is about a tenth off (docs/validation.md)",
    )
    cols[4].metric(
        "Mean log score",
        f"{proper.mean_log_score:.2f}",
        help="Log predictive density at each figure (log probability of a range or bound): "
        "higher is better (docs/validation.md)",
    )

    st.subheader("The world totals: the vintage's posterior bands and the reported figures")
    st.caption(
        f"Shaded: 50% and 90% of the model value over the vintage's {bands['draws']} posterior "
        "draws (the model alone, without reporting error); line: the median. Dotted line: the "
        "vintage's date. Grey: world totals this vintage fits. Blue or red: world totals "
        "published later, blue when the figure's 90% predictive interval (the band plus the "
        "figure's own reporting error) meets what was reported, red when it misses. Triangles "
        "are bounds (up: at least; down: at most); a range has bars. Figures for a region, and "
        "flows, are in the strip below."
    )
    figures = {
        variable: forecast_band_figure(
            bands["dates"],
            bands["bands"][variable],
            f"{charts.VARIABLE_TITLES[variable]}, all regions",
            as_of,
            marks(vintage, forecasts, variable, observations),
        )
        for variable in runner.FORECAST_VARIABLES
    }
    # One legend for the grid (each chart hides its own).
    widgets.legend(st, *figures.values())
    grid = st.columns(2)
    for i, (variable, figure) in enumerate(figures.items()):
        widgets.chart(grid[i % 2], figure, key=f"forecasts:band:{variable}")

    st.subheader("Every later figure against the forecast")
    if forecasts:
        st.caption(
            "Each row is a figure published after the vintage: its 50% (grey) and 90% (blue "
            "when it meets the figure, red when it misses) posterior predictive intervals, "
            "which include the figure's reporting error, the predictive median (white) and "
            "what was reported (grey: a diamond for a value, a bar for a range, a triangle "
            "pointing the open way for a bound). Log scale."
        )
        widgets.chart(st, forecast_strip_figure(strip_rows(forecasts)), key="forecasts:strip")
        with st.expander("The later figures as a table"):
            st.dataframe(figure_frame(forecasts), hide_index=True, width="stretch")
    else:
        st.info("No figure was published after this vintage.")

st.subheader("Forecast skill of every vintage")
report, failed = [], []
for v in vintage_list:
    try:
        report.append((v, runner.vintage_forecasts(v.date.isoformat())))
    except runner.ArtifactError as exc:
        failed.append(str(exc))
if report:
    frame = skill_frame(report, vintage)
    chosen_row = [v.date for v, _ in report].index(vintage.date) if bands is not None else -1
    # a static table: its headers wrap, so that it fits the page (a data grid scrolled)
    st.table(
        frame.style.apply(
            lambda row: [HIGHLIGHT if row.name == chosen_row else "" for _ in row], axis=1
        ).hide(axis="index")
    )
if report:
    st.markdown("**Proper scores of every vintage**")
    st.caption(
        "WIS: weighted interval score of the forecast hubs, on the log of the figures (lower is "
        "better). Log score: log predictive density, or log probability of a range or bound "
        "(higher is better). PIT histogram: figures in the bins 0-0.2, ..., 0.8-1 of the "
        "predictive CDF, a range or bound spread over its interval; flat when the bands are as "
        "wide as the figures' scatter, a hump in the middle when wider; p: chi-square test of "
        "a flat histogram."
    )
    st.table(proper_frame(report, vintage).style.hide(axis="index"))  # static, as above
for message in failed:
    st.error(f"Left out of the skill table: {message}")
st.markdown(
    "How to read this. **The bands include each figure's reporting error**: the predictive "
    "interval of a figure is the vintage's posterior of the model value times the error the "
    "calibration assigns to that figure (its `sigma_log`: definitions, coverage, rounding), so "
    "a figure can fall inside a wide band while the model's median is far from it; the log "
    "kernel (0 for a perfect match, -0.5 when every draw is one sigma off), the proper scores "
    "and the error of the median measure how close. **These are conditional forecasts**: "
    "every vintage runs the drivers (territory held, pay, the air campaign, the border "
    "closure, prevention) as they "
    "happened, so the skill is that of the model's structure and parameters given the course "
    "of the war, not a foresight of the war itself. **Validation rows are never fitted** by "
    "any vintage (data/validation.csv). A statement read in two ways is scored as its source "
    "states it. The two last vintages fit the same figures and differ only in which figures "
    "count as later. Method and caveats: docs/validation.md."
)
st.caption(
    'The Learn page\'s lesson "What could have been known, when?" walks through the vintage '
    "of 2015-04-30 on this page."
)
