"""Calibration: every reported figure against the model, residuals, posteriors, identifiability."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from app_pages import charts, runner

artifact = runner.artifact()
fit = artifact["fit"]
st.title("Calibration against the reported figures")
st.caption(
    "Method, data and what the model cannot reconcile: docs/calibration.md. Figures: "
    "data/observations.csv, one row per number in the five articles, with its source."
)
cols = st.columns(4)
cols[0].metric("Within one sigma", f"{fit['n_within']} of {fit['n_fitted']}")
cols[1].metric("Within two sigma", f"{fit['share_within_2sigma']:.0%}")
cols[2].metric("Log-space RMSE", f"{fit['rmse_log']:.3f}")
cols[3].metric("Posterior draws stored", f"{len(artifact['posterior_sample']['values'])}")

observations = artifact["observations"]
st.plotly_chart(charts.fit_figure(observations), key="calibration:fit")
st.plotly_chart(charts.residual_figure(observations), key="calibration:residuals")

st.subheader("What the figures pin down, and what they do not")
rows = [
    {
        "parameter": name,
        "best fit": f"{p['estimate']:.4g}",
        "posterior 90%": f"{p['p05']:.4g} to {p['p95']:.4g}",
        "prior": f"{p['prior']} [{p['prior_lower']:g}, {p['prior_upper']:g}]",
        "posterior width / prior width": round(p["posterior_width_vs_prior"], 2),
        "pinned down": "yes" if p["pinned_down"] else "no",
        "best fit at prior edge": "yes" if p["at_prior_edge"] else "",
    }
    for name, p in artifact["parameters"].items()
]
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
st.caption(artifact["identifiability"]["rule"])

st.subheader("Posterior draws of each estimated parameter (red: best fit)")
names = artifact["posterior_sample"]["names"]
values = np.asarray(artifact["posterior_sample"]["values"])
grid = st.columns(3)
for j, name in enumerate(names):
    p = artifact["parameters"][name]
    grid[j % 3].plotly_chart(
        charts.posterior_figure(
            values[:, j],
            name,
            (p["prior_lower"], p["prior_upper"]),
            p["estimate"],
            p["prior"] == "loguniform",
        ),
        key=f"calibration:posterior:{name}",
    )

st.subheader("Tensions between sources")
misfits = [t for t in artifact["tensions"] if t["kind"] == "misfit"]
st.dataframe(
    pd.DataFrame(
        [
            {
                "figure": t["id"],
                "z at best fit": round(t["z_at_best_fit"], 2),
                "z when left out": round(t["z_when_left_out"], 2),
                "gain of the other figures": round(t["gain_in_rest_log_posterior"], 2),
                "improve most when left out": ", ".join(
                    b["id"] for b in t["figures_that_improve_most"]
                ),
            }
            for t in misfits
        ]
    ),
    hide_index=True,
    width="stretch",
)
