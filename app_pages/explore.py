"""Explore: move levers and assumptions; stocks and flows by region with bands and the fit."""

from __future__ import annotations

import streamlit as st

from ffsim import __version__
from ffsim.app_pages import charts, runner, sankey, state, widgets
from ffsim.core.variables import VARIABLES
from ffsim.scenarios.scenario import baseline_scenario

st.title("Foreign-fighter flows to Syria and Iraq, 2012-2018")
st.caption(
    f"ffsim {__version__}. A stock-and-flow model of the recruitment pipeline by source region, "
    "calibrated against figures reported in five news articles (2015-2017). The dashed line on "
    "every chart is the calibrated baseline; the grey band is the 90% range over posterior draws "
    "of the estimated parameters, with the settings shown. Red marks are the world figures "
    "reported: a stock at its date, a flow per month over its period (a triangle is a bound). "
    "Slider help gives units and sources."
)
start = state.current()
with st.sidebar:
    st.caption(f"Base: {state.base_label()}")
    st.button("Reset to base", on_click=state.reset_changes)
    st.subheader("Policy levers")
    widgets.lever_widgets(start)
    st.subheader("World assumptions")
    widgets.assumption_widgets(start, runner.artifact()["parameters"])

scenario = state.current()
result = runner.run(scenario)
baseline = runner.reference(scenario)  # the baseline over the scenario's span and step
bands = runner.bands(scenario)

within, n, loglik = runner.fit_score(scenario)
base_within, _, base_loglik = runner.fit_score(baseline_scenario())
end = result.dates[-1]


def versus_baseline(difference: float, text: str) -> str | None:
    """The metric's delta: none when the difference rounds to zero (no "+0" arrow)."""
    return None if round(difference) == 0 else f"{text} vs baseline"


cols = st.columns(5)
cols[0].metric(
    "Reported figures matched (within one sigma)",
    f"{within} of {n}",
    versus_baseline(within - base_within, f"{within - base_within:+d}"),
    delta_color="off",
    help="Reported figures from the articles (docs/calibration.md) that this run meets within "
    f"one sigma of their uncertainty. Log-likelihood {loglik:.1f} (baseline {base_loglik:.1f}).",
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

reported = (*runner.all_observations(), *runner.validation())  # drawn where each belongs
left, right = st.columns(2)
for i, variable in enumerate(runner.BAND_VARIABLES):
    with left if i % 2 == 0 else right:
        widgets.chart(
            st,
            charts.regional_figure(result, baseline, variable, bands[variable], reported),
            key=f"chart:{variable}",
        )
widgets.chart(st, sankey.ledger_sankey(result), key="chart:sankey")
