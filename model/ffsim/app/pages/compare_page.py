"""Compare: shipped and saved scenarios side by side, outcome table, attribution."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ffsim.app import charts, guard, runner, saved, state, widgets
from ffsim.app.chart_parts import variable_title
from ffsim.app.links import plain
from ffsim.app.sensitivity_charts import input_label
from ffsim.core.errors import InputError
from ffsim.scenarios.attribution import BALANCES, explain
from ffsim.scenarios.compare import (
    OUTCOMES,
    OUTSIDE_MARK,
    compare,
    outside_note,
    reading,
    signed,
)
from ffsim.scenarios.scenario import Scenario
from ffsim.scenarios.scenario_io import scenario_to_toml

DRAWS = 200  # posterior draws every compared scenario runs (fewer if the artifact has fewer)

st.title("Compare scenarios")
st.caption(
    f"Every scenario runs at its best fit and over the same {DRAWS} posterior draws (fewer if "
    "the calibration stores fewer); docs/scenarios.md explains the table. Compared scenarios "
    "must cover the same span ([settings])."
)


@st.cache_data(max_entries=64, show_spinner="Checking the scenario...")
def _scenario(text: str, label: str) -> tuple[Scenario | None, list[str]]:
    return state.checked(text, label)


def _valid(text: str, label: str) -> Scenario:
    """A scenario offered by :func:`options` (only valid ones are offered)."""
    scenario, problems = _scenario(text, label)
    if scenario is None:
        raise InputError(f"{label}: {'; '.join(problems)}")
    return scenario


def options() -> tuple[dict[str, str], list[str]]:
    """Label -> scenario TOML, for the current, shipped and saved scenarios that are valid;
    and what is wrong with the saved ones that are not.
    """
    out = {"Current (from Explore)": scenario_to_toml(state.current())}
    for stem, text in state.SHIPPED_TEXT.items():
        s = _scenario(text, stem)[0]
        if s is not None:
            out[s.name] = text
    invalid = []
    for name, text in saved.entries().items():
        s, problems = _scenario(text, name)
        if s is None:
            invalid.append(f"{plain(name)}: {plain('; '.join(problems[:2]))}")
        else:
            out[f"Saved: {name}"] = text
    return out, invalid


@st.cache_data(max_entries=32, show_spinner="Running every scenario over the posterior draws...")
def _compare(texts: tuple[str, ...], labels: tuple[str, ...], artifact_key: str):  # noqa: ANN202
    draws = min(DRAWS, len(runner.artifact()["posterior_sample"]["values"]))
    return compare([_valid(t, lab) for t, lab in zip(texts, labels, strict=True)], draws=draws)


def component_label(name: str) -> str:
    """A component of an explanation (``levers.x``, ``parameters.x``, ``drivers.x``) as the
    sliders and charts name it.
    """
    part, _, field = name.partition(".")
    if part == "drivers":
        return f"{field.replace('_', ' ')} (driver series)"
    return input_label(field)


@st.cache_data(max_entries=32, show_spinner="Explaining the difference (every mix of changes)...")
def _explain(a: str, b: str, outcome: str):  # noqa: ANN202
    return explain(_valid(a, "A"), _valid(b, "B"), outcome)


available, not_offered = options()
if not_offered:
    st.caption("Saved scenarios not offered, as they no longer load: " + " · ".join(not_offered))
names = list(available)
chosen = st.multiselect(
    "Scenarios (the first is the reference)", names, default=names[1:3], key="compare:chosen"
)
if len(chosen) < 1:
    st.info("Choose at least one scenario.")
    st.stop()
texts = tuple(available[n] for n in chosen)
try:
    c = _compare(texts, tuple(chosen), runner.artifact_key())
except InputError as exc:  # different spans, or too few draws in the artifact
    st.error(f"These scenarios cannot be compared: {plain(str(exc))}")
    st.stop()
except guard.BAD_CONTENT as exc:
    guard.damaged(exc)

rows, outside = [], 0
for outcome, label in OUTCOMES.items():
    q, d = c.quantiles(outcome), c.difference(outcome)
    best_d, off = c.best_difference(outcome), c.difference_outside(outcome)
    outside += int(off.sum())
    for i, name in enumerate(chosen):
        mark = f" {OUTSIDE_MARK}" if off[i] else ""
        if outcome == "peak_month":
            low, high = c.month_label(q[i, 0]), c.month_label(q[i, 2])
            value = f"{c.month_label(c.best[outcome][i])} ({low} to {high})"
            diff = f"{signed(best_d[i])} months ({signed(d[i, 0])} to {signed(d[i, 2])}){mark}"
        else:
            value = f"{c.best[outcome][i]:,.0f} ({q[i, 0]:,.0f} to {q[i, 2]:,.0f})"
            diff = f"{signed(best_d[i])} ({signed(d[i, 0])} to {signed(d[i, 2])}){mark}"
        rows.append(
            {
                "Outcome": label,
                "Scenario": name,
                "Best fit (90%)": value,
                "Difference from the first (paired 90%)": "" if i == 0 else diff,
            }
        )
st.subheader("Outcomes by the end of the run")
# a static table: its text wraps, so that a phone shows every column
st.table(pd.DataFrame(rows).set_index("Outcome"))
draws = c.draws[next(iter(OUTCOMES))].shape[1]
st.caption(reading(draws, f"'{plain(chosen[0])}'"))
if len(chosen) > 1:
    st.caption(plain(outside_note(outside)))

variable = st.selectbox(
    "Variable over time",
    list(charts.VARIABLE_TITLES),
    format_func=charts.VARIABLE_TITLES.__getitem__,
    key="compare:variable",
)
results = {n: runner.run(_valid(available[n], n)) for n in chosen}
band_of = {n: runner.bands(_valid(available[n], n)).get(variable) for n in chosen}
left, right = st.columns(2)
with left:
    widgets.chart(
        st,
        charts.overlay_figure(
            results, variable, {k: v for k, v in band_of.items() if v is not None}
        ),
        key="compare:overlay",
    )
with right:
    if len(chosen) > 1:
        widgets.chart(st, charts.difference_figure(results, variable), key="compare:difference")

if len(chosen) > 1:
    st.subheader("Explain a difference")
    a_name = st.selectbox("From", chosen, index=0, key="compare:a")
    b_name = st.selectbox("To", chosen, index=1, key="compare:b")
    outcome = st.selectbox(
        "Stock at the end of the run",
        list(BALANCES),
        format_func=variable_title,
        key="compare:outcome",
    )
    e = _explain(available[a_name], available[b_name], outcome)
    st.write(
        f"{variable_title(outcome)}: {e.value_a:,.0f} in '{plain(a_name)}', "
        f"{e.value_b:,.0f} in '{plain(b_name)}', "
        f"difference {e.total:+,.0f} (best-fit parameters)."
    )
    if e.components:
        cols = st.columns(2)
        widgets.chart(
            cols[0],
            charts.attribution_figure(
                [component_label(n) for n in e.components],
                list(e.shapley),
                "By what changed (Shapley values)",
            ),
            key="compare:shapley",
        )
        pairs = zip(e.components, e.one_at_a_time, strict=True)
        one_at_a_time = ", ".join(f"{component_label(n)} {v:+,.0f}" for n, v in pairs)
        cols[0].caption(
            f"The Shapley values sum to the difference. One at a time: {one_at_a_time}; "
            f"interaction {e.interaction:+,.0f}."
        )
        widgets.chart(
            cols[1],
            charts.attribution_figure(
                [f.replace("_", " ") for f in e.flows],
                list(e.flows.values()),
                "By flow (stock balance)",
            ),
            key="compare:flows",
        )
    else:
        st.info("These two scenarios give the model the same inputs.")
