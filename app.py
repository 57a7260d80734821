"""ffsim explorer: adjust parameters and see the stocks of people by source region."""

from __future__ import annotations

import streamlit as st

from app_pages.charts import regional_figure
from app_pages.runner import run
from app_pages.widgets import parameter_widgets, reset_widgets
from model import __version__
from model.baseline import baseline_label, baseline_parameters
from model.errors import InputError

st.set_page_config(page_title="ffsim explorer", layout="wide")
st.title("Foreign-fighter flows to Syria and Iraq, 2012-2018")
st.caption(
    f"ffsim {__version__}: a stock-and-flow model of the recruitment pipeline, by source region. "
    f"Sliders start at the {baseline_label()}, estimated from figures reported in five news "
    "articles (2015-2017); the dashed line on every chart is that baseline. "
    "Hover over a slider's help icon for its unit and source."
)

BASELINE = baseline_parameters()

with st.sidebar:
    st.button("Reset to baseline", on_click=reset_widgets)
    overrides = parameter_widgets(BASELINE)

try:
    params = BASELINE.with_overrides(overrides)
except InputError as exc:  # widgets are bounded, so this guards against stale session state
    st.error(f"Invalid parameters, showing the baseline:\n\n{exc}")
    params = BASELINE

result = run(params)
baseline = run(BASELINE)

end = result.dates[-1]
cols = st.columns(4)
for col, (label, name) in zip(
    cols,
    [
        ("Set out by end of run", "cumulative_departures"),
        ("In theatre at end of run", "in_theatre"),
        ("Returned", "returned"),
        ("Killed", "killed"),
    ],
    strict=True,
):
    now, base = result.stock(name)[-1], baseline.stock(name)[-1]
    # Neutral colouring: a change in these counts is not "good" or "bad" in itself.
    col.metric(
        f"{label} ({end:%Y-%m})",
        f"{now:,.0f}",
        f"{now - base:+,.0f} vs baseline",
        delta_color="off",
    )

left, right = st.columns(2)
for i, variable in enumerate(
    ["in_theatre", "cumulative_departures", "departures", "arrivals", "returned", "killed"]
):
    with left if i % 2 == 0 else right:
        st.plotly_chart(regional_figure(result, baseline, variable), key=f"chart:{variable}")
