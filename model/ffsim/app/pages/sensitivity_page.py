"""Sensitivity: a one-at-a-time tornado and Sobol indices over time for the current scenario."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ffsim.app import guard, runner, state, widgets
from ffsim.app.chart_parts import REGION_NAMES, variable_title, variable_unit
from ffsim.app.links import plain
from ffsim.app.sensitivity_charts import sobol_figure, tornado_figure
from ffsim.core.errors import InputError
from ffsim.scenarios.scenario import Scenario
from ffsim.scenarios.scenario_io import scenario_to_toml
from ffsim.scenarios.sensitivity import OUTPUTS, SobolResult, TornadoBar, sobol, tornado

TORNADO_MONTH = "2016-06"  # default month of the tornado, when within the run (else its last)
SOBOL_SIZES = (64, 128, 256)  # Sobol base samples offered: n x (free parameters + 2) runs
SOBOL_EVERY = 12  # months between the dates of the Sobol indices

st.title("Sensitivity")
st.caption(
    "Which inputs move an output, for the current scenario (from Explore). One at a time: each "
    "estimated parameter is set to the 5% and then the 95% value of its calibrated (posterior) "
    "90% range, and each policy lever to the lower and then the upper end of its range, "
    "everything else as in the scenario; each bar runs from the output at the low setting to "
    "the output at the high setting, around the scenario's value. Sobol indices vary all "
    "estimated parameters together, uniformly over their posterior 90% ranges: the first-order "
    "index is the share of the output's variance due to one parameter alone, the total index "
    "adds its interactions with the others. Levers are not part of the Sobol indices."
)


@st.cache_data(max_entries=64, show_spinner="Checking the scenario...")
def _scenario(text: str) -> Scenario:
    scenario, problems = state.checked(text, "current scenario")
    if scenario is None:
        raise InputError("; ".join(problems))
    return scenario


@st.cache_data(max_entries=64, show_spinner="Running every one-at-a-time setting...")
def _tornado(
    text: str, output: str, region: str, date: dt.date, artifact_key: str
) -> tuple[float, list[TornadoBar]]:
    return tornado(_scenario(text), output, region, date)


@st.cache_data(max_entries=16, show_spinner="Computing Sobol indices (a few seconds)...")
def _sobol(text: str, output: str, region: str, n: int, artifact_key: str) -> SobolResult:
    return sobol(_scenario(text), output, region, SOBOL_EVERY, n)


text = scenario_to_toml(state.current())
scenario = _scenario(text)
month_ends = scenario.settings.month_ends()
months = [f"{d:%Y-%m}" for d in month_ends]

left, middle, right = st.columns(3)
output = left.selectbox(
    "Output",
    list(OUTPUTS),
    index=list(OUTPUTS).index("in_theatre"),  # as `ffsim sensitivity`'s default
    format_func=variable_title,
    key="sensitivity:output",
)
region = middle.selectbox(
    "Region",
    ["total", *REGION_NAMES],
    format_func=lambda r: "All regions" if r == "total" else REGION_NAMES[r],
    key="sensitivity:region",
)
month = right.selectbox(
    "Month of the tornado",
    months,
    index=months.index(TORNADO_MONTH) if TORNADO_MONTH in months else len(months) - 1,
    key="sensitivity:month",
)
date = month_ends[months.index(month)]
where = "all regions" if region == "total" else REGION_NAMES[region]

try:
    base, bars = _tornado(text, output, region, date, runner.artifact_key())
except InputError as exc:
    st.error(f"The sensitivity cannot be computed: {plain(str(exc))}")
    st.stop()
except guard.BAD_CONTENT as exc:
    guard.damaged(exc)

st.subheader("One at a time")
st.write(
    f"{variable_title(output)}, {where}, at the end of {month}: {base:,.0f} in "
    f"'{plain(scenario.name)}'."
)
widgets.chart(
    st,
    tornado_figure(
        base, bars, f"{variable_title(output)}, {where}, {month}", variable_unit(output)
    ),
    key="sensitivity:tornado",
)

st.subheader("Sobol indices over time")
n = st.selectbox("Base sample", SOBOL_SIZES, key="sensitivity:n")
st.caption(
    f"Every {SOBOL_EVERY} months; the {n} base samples make {n} times the number of estimated "
    "parameters plus two runs. Small samples give rough indices."
)
key = (text, output, region, n, runner.artifact_key())
if st.button("Compute Sobol indices", key="sensitivity:compute"):
    st.session_state["sensitivity:sobol_key"] = key
if st.session_state.get("sensitivity:sobol_key") == key:
    try:
        s = _sobol(*key)
    except InputError as exc:
        st.error(f"The Sobol indices cannot be computed: {plain(str(exc))}")
        st.stop()
    except guard.BAD_CONTENT as exc:
        guard.damaged(exc)
    st.caption(f"{s.n_runs:,} runs.")
    first = sobol_figure(s, "first_order", "First-order index (one parameter alone)", legend=False)
    total = sobol_figure(s, "total", "Total index (with its interactions)", legend=False)
    widgets.legend(st, first)
    cols = st.columns(2)
    widgets.chart(cols[0], first, key="sensitivity:first_order")
    widgets.chart(cols[1], total, key="sensitivity:total")
else:
    st.info("Press the button to compute the Sobol indices for these choices.")
