"""Explore: move levers and assumptions; stocks and flows by region with bands and the fit."""

from __future__ import annotations

import streamlit as st

from ffsim import __version__
from ffsim.app import chart_parts, charts, runner, sankey, state, widgets
from ffsim.core.variables import VARIABLES
from ffsim.scenarios.scenario import baseline_scenario

st.title("Foreign-fighter flows to Syria and Iraq, 2012-2018")
st.caption(
    f"ffsim {__version__}. A stock-and-flow model of the recruitment pipeline by source region, "
    "calibrated against figures reported in five news articles (2015-2017). The dashed violet "
    "line on every chart is the calibrated baseline; the grey band is the 90% range over posterior "
    "draws "
    "of the estimated parameters, with the settings shown. Slider help gives units and sources."
)
start = state.current()
# The policy levers are in the page itself, first: a phone shows them without opening the
# sidebar; the world assumptions, folded by topic, are in the sidebar.
with st.expander("Start here: policy levers", expanded=True):
    widgets.lever_widgets(start, columns=3)
with st.sidebar:
    st.caption(f"Base: {state.base_label()}")
    st.button("Reset to base", on_click=state.reset_changes)
    st.subheader("World assumptions")
    widgets.assumption_widgets(start, runner.artifact()["parameters"])

scenario = state.current()
result = runner.run(scenario)
baseline = runner.reference(scenario)  # the baseline over the scenario's span and step
bands = runner.bands(scenario)

score = runner.fit_score(scenario)
base_score = runner.fit_score(baseline_scenario())
end = result.dates[-1]


def versus_baseline(difference: float, text: str) -> str | None:
    """The metric's delta: none when the difference rounds to zero (no "+0" arrow)."""
    return None if round(difference) == 0 else f"{text} vs baseline"


cols = st.columns(5)
cols[0].metric(
    "Within one sigma",
    f"{score.within} of {score.counted}",
    versus_baseline(score.within - base_score.within, f"{score.within - base_score.within:+d}"),
    delta_color="off",
    help="Reported figures from the articles that this run meets within one sigma of their "
    "uncertainty, of those the fit counts: each figure read one way, and of a statement read "
    "in several ways the rows of its most probable reading for this run (docs/calibration.md; "
    "the Calibration page gives the same count at the calibrated baseline). Log-likelihood "
    f"{score.log_likelihood:.1f} (baseline {base_score.log_likelihood:.1f}).",
)
for col, name in zip(
    cols[1:], ("cumulative_departures", "in_theatre", "returned", "killed"), strict=True
):
    now, base = result.stock(name)[-1], baseline.stock(name)[-1]
    # Neutral colouring: a change in these counts is not "good" or "bad" in itself.
    col.metric(
        f"{VARIABLES[name].heading} ({end:%Y-%m})",
        f"{now:,.0f}",
        versus_baseline(now - base, f"{now - base:+,.0f}"),
        delta_color="off",
    )

not_drawn = ", ".join(chart_parts.NOT_DRAWN.values())
st.caption(
    "Red marks are the world figures from the articles that the score counts: a stock at its "
    "date; a flow at the middle of its period, with a bar across the period at its monthly rate "
    "(a total over a period at its monthly average; dotted, the highest month within the "
    "period). A triangle is a bound, pointing the open way; whiskers span a range. A count of "
    "fighters is drawn as reported, though the charts show everyone who travelled: it is "
    "fitted to the model's arrivals less the women and minors among them (their share rises "
    "from about a tenth before the caliphate to a quarter to three fifths from mid-2015, by "
    "region). Grey hollow "
    "marks are world figures published later (data/validation.csv), never fitted: a check of "
    f"the model, not its input. Not on these charts: figures of a region or group of regions, "
    f"{not_drawn} (the Calibration page shows every fitted figure)."
)
reported = (*score.figures, *runner.validation())  # each drawn where it belongs
figures = {
    variable: charts.regional_figure(
        result, baseline, variable, bands[variable], reported, legend=False
    )
    for variable in runner.BAND_VARIABLES
}
# One legend for the grid: every chart shows the same regions, band, baseline and marks.
widgets.legend(st, *figures.values())
left, right = st.columns(2)
for i, (variable, figure) in enumerate(figures.items()):
    with left if i % 2 == 0 else right:
        widgets.chart(st, figure, key=f"chart:{variable}")
widgets.chart(st, sankey.ledger_sankey(result), key="chart:sankey")
