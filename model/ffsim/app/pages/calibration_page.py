"""Calibration: every reported figure against the model, residuals, posteriors, identifiability."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from ffsim.app import calibration_charts, guard, runner, widgets
from ffsim.app.sbc_charts import sbc_ecdf_figure
from ffsim.app.sensitivity_charts import input_label
from ffsim.calibration.sbc import LOG_LIKELIHOOD
from ffsim.calibration.sbc_summary import JUDGED_FROM
from ffsim.resources import shown
from ffsim.teaching.plain_names import plain_label, plain_text


def table(rows: list[dict[str, str]]) -> None:
    """``rows`` as a static table: its text and headers wrap, so that it fits the page at
    1280 px (a data grid scrolled sideways), numbers already written as text.
    """
    st.table(pd.DataFrame(rows).style.hide(axis="index"))


def page(artifact: dict) -> None:
    """Draw the page from the calibration artifact."""
    st.title("Calibration against the reported figures")
    fit = artifact["fit"]
    st.caption(
        "Method, data and what the model cannot reconcile: docs/calibration.md. Figures: "
        "data/observations.csv, one row per number in the five articles (and per reading of a "
        "number that admits several), with its source."
    )
    st.markdown(
        f"**Central estimate**: the {fit['central_estimate']}, under priors from the evidence of "
        f"the time (calibration/config.toml). All {len(fit['optimiser_starts'])} optimiser starts "
        f"reach it within {fit['optimiser_starts_max_relative_spread']:.1e} relative. "
        "`calibration/articles_only.toml` runs the same calibration with flat priors."
    )
    cols = st.columns(4)
    cols[0].metric("Within one sigma (counted)", f"{fit['n_within']} of {fit['n_fitted']}")
    cols[1].metric("Within two sigma", f"{fit['share_within_2sigma']:.0%}")
    cols[2].metric("Log-space RMSE", f"{fit['rmse_log']:.3f}")
    cols[3].metric("Posterior draws stored", f"{len(artifact['posterior_sample']['values'])}")

    observations = artifact["observations"]
    label_of = dict(
        zip(
            (o["id"] for o in observations),
            calibration_charts.figure_labels(observations),
            strict=True,
        )
    )
    st.caption(
        "Each row is one reported figure. Grey: what was reported (a tick at a value, a bar "
        "across a range, a bound to its open side). Dot: the model at the best fit, blue within "
        "one sigma of the report, red outside; lighter blue bar: the model's 90% posterior band."
    )
    widgets.chart(st, calibration_charts.fit_figure(observations), key="calibration:fit")
    widgets.chart(st, calibration_charts.residual_figure(observations), key="calibration:residuals")

    st.subheader("One statement, several readings")
    st.caption(
        "A figure that admits several readings (as paraphrased or as its primary source gave it; "
        "which Europe) enters the fit as a mixture over its readings. The probabilities say which "
        "reading the other figures support; the fit counts the rows of the most probable one."
    )
    source_of = {o["id"]: f"{o['outlet']}, {o['published']}" for o in observations}
    table(
        [
            {
                "statement": next(
                    (source_of[i] for q in stmt["readings"] for i in q["rows"] if i in source_of),
                    "",
                ),
                "reading": plain_label(r["reading"]),
                "figures": "; ".join(label_of.get(i, i) for i in r["rows"]),
                "prior weight": f"{r['prior_weight']:g}",
                "probability at the mode": f"{r['probability_at_mode']:.2f}",
                "posterior probability": f"{r['posterior_probability']:.2f}",
                "identifier": stmt["statement"],
            }
            for stmt in artifact["readings"]
            for r in stmt["readings"]
        ]
    )

    st.subheader("What the figures pin down, and what they do not")
    table(
        [
            {
                "parameter": input_label(name),
                "mode": f"{p['estimate']:.4g}",
                "posterior 90%": f"{p['p05']:.4g} to {p['p95']:.4g}",
                "prior": f"{p['prior']} [{p['prior_lower']:g}, {p['prior_upper']:g}]",
                "posterior width / prior width": f"{p['posterior_width_vs_prior']:.2f}",
                "pinned down": "yes" if p["pinned_down"] else "no",
                "mode at prior edge": "yes" if p["at_prior_edge"] else "",
            }
            for name, p in artifact["parameters"].items()
        ]
    )
    st.caption(artifact["identifiability"]["rule"])
    st.caption("Where each prior comes from, and the parameter's name in the config files:")
    table(
        [
            {
                "parameter": input_label(name),
                "prior source": plain_text(p["prior_source"]),
                "identifier": name,
            }
            for name, p in artifact["parameters"].items()
        ]
    )

    st.subheader("Posterior draws of each estimated parameter (red: the mode)")
    names = artifact["posterior_sample"]["names"]
    values = np.asarray(artifact["posterior_sample"]["values"])
    grid = st.columns(3)
    for j, name in enumerate(names):
        p = artifact["parameters"][name]
        widgets.chart(
            grid[j % 3],
            calibration_charts.posterior_figure(
                values[:, j],
                input_label(name),
                (p["prior_lower"], p["prior_upper"]),
                p["estimate"],
                p["prior"] in ("loguniform", "lognormal"),
            ),
            key=f"calibration:posterior:{name}",
        )

    st.subheader("Tensions between sources")
    misfits = [t for t in artifact["tensions"] if t["kind"] == "misfit"]
    table(
        [
            {
                "figure": label_of.get(t["id"], t["id"]),
                "z at the mode": f"{t['z_at_best_fit']:.2f}",
                "z when left out": f"{t['z_when_left_out']:.2f}",
                "gain of the other figures": f"{t['gain_in_rest_log_posterior']:.2f}",
                "improve most when left out": "; ".join(
                    label_of.get(b["id"], b["id"]) for b in t["figures_that_improve_most"]
                ),
                "identifier": t["id"],
            }
            for t in misfits
        ]
    )


# Panels of the SBC chart: the log-likelihood and the quantities that fail, or come closest to
# failing (the smallest chi-square p-values); the table lists every quantity. (A comment: a bare
# string in a page would be drawn by Streamlit's magic.)
SBC_DRAWN = 4


def sbc_label(name: str) -> str:
    """A quantity of the SBC run in plain words."""
    return "log-likelihood of the figures" if name == LOG_LIKELIHOOD else input_label(name)


def sbc_section() -> None:
    """The shipped simulation-based calibration: how far it has come, its verdict, the curves of
    the quantities nearest to failing and every quantity's checks. A missing or unreadable
    summary is said in one line; the rest of the page stands.
    """
    st.subheader("Does the inference recover what it should? (simulation-based calibration)")
    st.caption(
        "Each replication draws 'true' parameters from the priors, simulates the reported "
        "figures from them through the same reporting model the fit assumes, calibrates on those "
        "figures as the shipped calibration does, and ranks each true value among posterior draws. "
        "If the inference is sound, every rank is equally likely: each curve below stays near 0, "
        "inside its grey band. Method and results: docs/validation.md."
    )
    try:
        summary = runner.sbc_summary()
        n, draws = int(summary["replications"]), int(summary["run"]["draws"])
        checks = {c["name"]: c for c in summary["checks"]}
        ranks = {name: np.asarray(v, dtype=int) for name, v in summary["ranks"].items()}
        seconds = [float(r["seconds"]) for r in summary["records"]]
    except (OSError, *guard.BAD_CONTENT) as exc:
        st.warning(
            f"{shown(runner.SBC_PATH)} cannot be read ({type(exc).__name__}): no SBC run to show. "
            "`ffsim sbc --out FOLDER` makes one."
        )
        return
    cols = st.columns(3)
    cols[0].metric("Replications", f"{n}")
    if summary.get("passes") is None or not checks:
        cols[1].metric("Verdict", "not yet judged", help=f"given from {JUDGED_FROM} replications")
    else:
        passing = sum(bool(c["passes"]) for c in checks.values())
        cols[1].metric("Quantities that pass", f"{passing} of {len(checks)}")
    cols[2].metric("Minutes a replication", f"{np.median(seconds) / 60:.1f}" if seconds else "-")
    if not checks:
        return
    nearest = sorted(
        (name for name in checks if name != LOG_LIKELIHOOD),
        key=lambda name: (bool(checks[name]["passes"]), checks[name]["p_value"]),
    )[: SBC_DRAWN - 1]
    shown_names = [LOG_LIKELIHOOD, *nearest]
    widgets.chart(
        st,
        sbc_ecdf_figure(
            {name: ranks[name] for name in shown_names if name in ranks},
            draws,
            labels={name: sbc_label(name) for name in shown_names},
            columns=1,
            title="SBC: the ranks nearest to failing",
        ),
        key="calibration:sbc",
    )
    judged = summary.get("passes") is not None
    table(
        [
            {
                "quantity": sbc_label(name),
                "chi-square p": f"{c['p_value']:.3g}",
                "inside its 95% band": "yes" if c["inside_bands"] else "no",
                "true value inside the 90% interval": f"{c['coverage']:.0%}",
                "verdict": ("passes" if c["passes"] else "fails") if judged else "not judged",
                "how the ranks depart": c.get("shape", "") or "",
                "identifier": name,
            }
            for name, c in sorted(checks.items(), key=lambda kv: kv[1]["p_value"])
        ]
    )


try:
    page(runner.artifact())
    sbc_section()
except guard.BAD_CONTENT as exc:  # a damaged part of the artifact: say so, name the file
    guard.damaged(exc)
