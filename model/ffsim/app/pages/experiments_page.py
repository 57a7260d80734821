"""Experiments: under which assumptions does a policy fail? Scenario discovery with PRIM over
posterior scenarios, and the robustness of the policy against the baseline.
"""

from __future__ import annotations

import streamlit as st

from ffsim.app import discovery_view, runner
from ffsim.core.errors import InputError
from ffsim.core.executor import SerialExecutor
from ffsim.exploration.discovery import fails_to_cut, prim_box
from ffsim.exploration.evaluate import outcome_labels
from ffsim.exploration.factors import factor_labels
from ffsim.exploration.robustness import robustness
from ffsim.exploration.run import Experiments, experiments, shipped_policies
from ffsim.resources import SCENARIO_DIR
from ffsim.scenarios.scenario import baseline_scenario, load_scenario

SIZES = (100, 200, 400)  # posterior scenarios offered; each runs twice (baseline and policy)
NOT_CUT = ("peak_month",)  # outcomes that are not amounts to cut (a month)

st.title("Experiments")
st.caption(
    "Each scenario is a draw of the calibrated posterior (the parameter sets consistent with "
    "the reported figures). The chosen policy and the baseline run on the same scenarios; "
    "scenario discovery (PRIM, from EMA Workbench) then finds the assumptions under which the "
    "policy fails to cut the outcome by the share asked. Coverage: the share of all failures "
    "that lie in the box; density: the share of failures among the scenarios in the box."
)


@st.cache_data(max_entries=1, show_spinner="Reading the shipped scenarios...")
def _policy_names() -> dict[str, str]:
    names = {"baseline": baseline_scenario().name}
    for key in shipped_policies()[1:]:
        names[key] = load_scenario(SCENARIO_DIR / f"{key}.toml").name
    return names


@st.cache_data(max_entries=16, show_spinner="Running the scenarios (a few seconds)...")
def _run(policy: str, n: int, artifact_key: str) -> Experiments:
    return experiments(n=n, policies=["baseline", policy], executor=SerialExecutor())


names = _policy_names()
outcomes = {
    k: v for k, v in outcome_labels(baseline_scenario().settings).items() if k not in NOT_CUT
}
left, middle, right, far = st.columns([3, 2, 2, 1])
policy = left.selectbox(
    "Policy",
    [k for k in names if k != "baseline"],
    index=[k for k in names if k != "baseline"].index("border_closed_year_earlier")
    if "border_closed_year_earlier" in names
    else 0,
    format_func=names.__getitem__,
)
outcome = middle.selectbox(
    "Outcome",
    list(outcomes),
    index=list(outcomes).index("in_theatre_2016") if "in_theatre_2016" in outcomes else 0,
    format_func=lambda k: discovery_view.headline(outcomes[k]),
)
cut = right.slider("Cut asked of the policy (%)", 5, 60, 20, step=5)
n = far.selectbox("Scenarios", SIZES, index=1, format_func=lambda v: f"{v:,}")

result = _run(policy, n, runner.artifact_key())
x, y = fails_to_cut(result, policy, "baseline", outcome, cut / 100)
st.subheader("When does the policy fail?")
st.write(
    discovery_view.failure_sentence(names[policy], outcomes[outcome], cut / 100, int(y.sum()), n)
)
if y.any():
    try:
        box = prim_box(x, y)
    except InputError as exc:
        st.info(str(exc))
    else:
        st.write(
            f"It fails mostly when the assumptions below lie in these ranges (coverage "
            f"{box.coverage:.0%}, density {box.density:.0%}):"
        )
        st.dataframe(
            discovery_view.box_table(box, factor_labels()), hide_index=True, width="stretch"
        )

st.subheader("Robustness over the scenarios")
table = robustness(result, outcome)
st.caption(
    f"{discovery_view.headline(outcomes[outcome])} (persons; lower is better). Regret: in each "
    "scenario, the policy's outcome minus the lower of the two."
)
st.dataframe(discovery_view.robustness_view(table, names), width="stretch")
