"""Compare: shipped and saved scenarios side by side, outcome table, attribution."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ffsim.app_pages import charts, runner, state
from ffsim.scenarios.attribution import BALANCES, explain
from ffsim.scenarios.compare import OUTCOMES, compare
from ffsim.scenarios.scenario import Scenario, check_scenario_text
from ffsim.scenarios.scenario_io import scenario_to_toml

st.title("Compare scenarios")
st.caption(
    "Every scenario runs the same 200 posterior draws; differences from the first scenario are "
    "taken draw by draw (docs/scenarios.md). Intervals are 90%."
)


@st.cache_data(max_entries=64, show_spinner=False)
def _scenario(text: str, label: str) -> Scenario | None:
    return check_scenario_text(text, label)[0]


def _valid(text: str, label: str) -> Scenario:
    """A scenario offered by :func:`options` (only valid ones are offered)."""
    scenario, problems = check_scenario_text(text, label)
    if scenario is None:
        raise ValueError(f"{label}: {'; '.join(problems)}")
    return scenario


def options() -> dict[str, str]:
    """Label -> scenario TOML, for the current, shipped and saved scenarios."""
    out = {"Current (from Explore)": scenario_to_toml(state.current())}
    for stem, path in state.SHIPPED.items():
        text = path.read_text("utf-8")
        s = _scenario(text, stem)
        if s is not None:
            out[s.name] = text
    out.update({f"Saved: {name}": text for name, text in state.saved().items()})
    return out


@st.cache_data(max_entries=32, show_spinner=False)
def _compare(texts: tuple[str, ...], labels: tuple[str, ...]):  # noqa: ANN202
    return compare([_valid(t, lab) for t, lab in zip(texts, labels, strict=True)], draws=200)


@st.cache_data(max_entries=32, show_spinner=False)
def _explain(a: str, b: str, outcome: str):  # noqa: ANN202
    return explain(_valid(a, "A"), _valid(b, "B"), outcome)


available = options()
names = list(available)
chosen = st.multiselect(
    "Scenarios (the first is the reference)", names, default=names[1:3], key="compare:chosen"
)
if len(chosen) < 1:
    st.info("Choose at least one scenario.")
    st.stop()
texts = tuple(available[n] for n in chosen)
c = _compare(texts, tuple(chosen))

rows = []
for outcome, label in OUTCOMES.items():
    q, d = c.quantiles(outcome), c.difference(outcome)
    for i, name in enumerate(chosen):
        if outcome == "peak_month":
            low, high = c.month_label(q[i, 0]), c.month_label(q[i, 2])
            value = f"{c.month_label(c.best[outcome][i])} ({low} to {high})"
            diff = ""
        else:
            value = f"{c.best[outcome][i]:,.0f} ({q[i, 0]:,.0f} to {q[i, 2]:,.0f})"
            diff = "" if i == 0 else f"{d[i, 1]:+,.0f} ({d[i, 0]:+,.0f} to {d[i, 2]:+,.0f})"
        rows.append(
            {
                "outcome": label,
                "scenario": name,
                "best fit (90%)": value,
                "difference from first (90%)": diff,
            }
        )
st.subheader("Outcomes by the end of the run")
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

variable = st.selectbox("Variable over time", list(charts.VARIABLE_TITLES), key="compare:variable")
results = {n: runner.run(_valid(available[n], n)) for n in chosen}
band_of = {n: runner.bands(_valid(available[n], n)).get(variable) for n in chosen}
left, right = st.columns(2)
with left:
    st.plotly_chart(
        charts.overlay_figure(
            results, variable, {k: v for k, v in band_of.items() if v is not None}
        ),
        key="compare:overlay",
    )
with right:
    if len(chosen) > 1:
        st.plotly_chart(charts.difference_figure(results, variable), key="compare:difference")

if len(chosen) > 1:
    st.subheader("Explain a difference")
    a_name = st.selectbox("From", chosen, index=0, key="compare:a")
    b_name = st.selectbox("To", chosen, index=1, key="compare:b")
    outcome = st.selectbox("Stock at the end of the run", list(BALANCES), key="compare:outcome")
    e = _explain(available[a_name], available[b_name], outcome)
    st.write(
        f"{outcome}: {e.value_a:,.0f} in '{a_name}', {e.value_b:,.0f} in '{b_name}', "
        f"difference {e.total:+,.0f} (best-fit parameters)."
    )
    if e.components:
        cols = st.columns(2)
        cols[0].plotly_chart(
            charts.attribution_figure(
                list(e.components),
                list(e.shapley),
                "By what changed (Shapley values; they sum to the difference)",
            ),
            key="compare:shapley",
        )
        pairs = zip(e.components, e.one_at_a_time, strict=True)
        one_at_a_time = ", ".join(f"{n} {v:+,.0f}" for n, v in pairs)
        cols[0].caption(f"One at a time: {one_at_a_time}; interaction {e.interaction:+,.0f}.")
        cols[1].plotly_chart(
            charts.attribution_figure(
                list(e.flows), list(e.flows.values()), "By flow (stock balance)"
            ),
            key="compare:flows",
        )
    else:
        st.info("These two scenarios give the model the same inputs.")
