"""The generated tables of docs/calibration.md, from the shipped calibration artifact
(calibration/baseline.json): fit summary, every fitted figure, the readings of each statement,
the estimates and the tensions. Figures are in their ``measure``'s units (people, or a ratio).
"""

from __future__ import annotations

from ffsim.calibration.fit_count import beyond_stated
from ffsim.cli.markdown import cell, number


def _artifact() -> dict:
    from ffsim.calibration.baseline import read_artifact

    return read_artifact()


def fit_summary() -> str:
    """One paragraph of fit statistics from the shipped artifact."""
    f = _artifact()["fit"]
    return (
        f"{f['n_within']} of {f['n_fitted']} counted figures ({f['share_within']:.0%}) lie within "
        f"one sigma of the reported value or range at the posterior mode, and "
        f"{f['share_within_2sigma']:.0%} within two ({f['n_rows']} fitted rows, counting for each "
        f"statement with several readings the rows of its most probable reading); log-space "
        f"RMSE {f['rmse_log']:.3f}; log-likelihood {f['log_likelihood']:.3f}, log posterior "
        f"{f['log_posterior']:.3f}. {_starts(f)} Sampler: acceptance fraction "
        f"{f['sampler_acceptance_fraction']:.2f}, longest integrated autocorrelation time "
        f"{f['sampler_autocorr_time_max']:.0f} steps, kept chain "
        f"{f['sampler_kept_steps_over_tau']:.0f} times that, at least "
        f"{f['sampler_effective_samples_min']:,.0f} effective draws."
    )


def _starts(f: dict) -> str:
    """How many optimiser starts reach the mode, how closely, and where the others stop."""
    from ffsim.calibration.artifact import AT_MODE

    lps = [s["log_posterior"] for s in f["optimiser_starts"]]
    best = max(lps)
    at_mode = [x for x in lps if best - x <= AT_MODE]
    lower = [best - x for x in lps if best - x > AT_MODE]
    text = (
        f"{len(at_mode)} of {len(lps)} optimiser starts reach the mode, within "
        f"{f['optimiser_starts_max_relative_spread']:.1e} relative of each other in every "
        "parameter"
    )
    if lower:
        text += (
            f"; {len(lower)} stop{'s' if len(lower) == 1 else ''} at a local mode with a log "
            f"posterior {min(lower):.2g}"
            f"{f' to {max(lower):.2g}' if f'{max(lower):.2g}' != f'{min(lower):.2g}' else ''} lower"
        )
    return text + "."


def fit_table() -> str:
    """Every fitted figure against the model at the best fit, with the posterior 90% band."""
    rows = [
        "| figure | source, date | region | reading | reported | form | sigma | model "
        "| 90% band | z | within |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for o in _artifact()["observations"]:
        lo, hi = o["reported_low"], o["reported_high"]
        reported = (
            f"> {number(lo)}"
            if hi is None
            else f"<= {number(hi)}"
            if lo == 0
            else number(lo)
            if lo == hi
            else f"{number(lo)} to {number(hi)}"
        )
        reading = f"{o['reading_of']}: {o['reading']}" if o["reading"] else "only"
        within = "yes" if o["within"] else "**no**"
        outside = beyond_stated(o["model_value"], lo, hi)
        if outside:
            within += f"; {outside}"
        if not o["counted"]:
            within += " (not counted)"
        rows.append(
            f"| `{o['id']}` | {cell(o['outlet'])}, {o['published']} | {o['region']} "
            f"| {reading} | {reported} | {o['form']} | {o['sigma_log']:g} "
            f"| {number(o['model_value'])} | {number(o['model_p05'])} to {number(o['model_p95'])} "
            f"| {o['z']:+.2f} | {within} |"
        )
    return "\n".join(rows)


def readings_table() -> str:
    """Each statement with several readings: prior weight and posterior probability of each."""
    rows = [
        "| statement | reading | rows | prior weight | probability at the mode "
        "| posterior probability |",
        "|---|---|---|---|---|---|",
    ]
    for st in _artifact()["readings"]:
        for r in st["readings"]:
            mark = " (supported)" if r["reading"] == st["supported"] else ""
            rows.append(
                f"| `{st['statement']}` | {r['reading']}{mark} "
                f"| {', '.join(f'`{x}`' for x in r['rows'])} | {r['prior_weight']:g} "
                f"| {r['probability_at_mode']:.2f} | {r['posterior_probability']:.2f} |"
            )
    return "\n".join(rows)


def estimates_table() -> str:
    """Every free parameter: prior, best fit, posterior 90% interval, identifiability."""
    rows = [
        "| parameter | prior | mode | posterior 5% | 50% | 95% | width vs prior | pinned down |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, p in _artifact()["parameters"].items():
        edge = " (at prior edge)" if p["at_prior_edge"] else ""
        centre = ""
        if p["prior"] == "normal":
            centre = f" mean {p['prior_centre']:.4g}, sd {p['prior_spread']:.4g},"
        elif p["prior"] == "lognormal":
            centre = f" median {p['prior_centre']:.4g}, sigma_log {p['prior_spread']:.3g},"
        rows.append(
            f"| `{name}` | {p['prior']}{centre} [{p['prior_lower']:g}, {p['prior_upper']:g}] "
            f"| {p['estimate']:.4g}{edge} | {p['p05']:.4g} | {p['p50']:.4g} | {p['p95']:.4g} "
            f"| {p['posterior_width_vs_prior']:.2f} | {'yes' if p['pinned_down'] else 'no'} |"
        )
    return "\n".join(rows)


def tensions_table() -> str:
    """Misfits and declared conflicts, from the leave-one-out refits in the artifact."""
    rows = [
        "| figure | z at the mode | z when left out | gain of the other figures (log post.) "
        "| figures that improve most when it is left out |",
        "|---|---|---|---|---|",
    ]
    conflicts = []
    for t in _artifact()["tensions"]:
        if t["kind"] == "misfit":
            better = (
                ", ".join(
                    f"`{b['id']}` ({b['z_at_best_fit']:+.2f} to {b['z_when_left_out']:+.2f})"
                    for b in t["figures_that_improve_most"]
                )
                or "none"
            )
            rows.append(
                f"| `{t['id']}` | {t['z_at_best_fit']:+.2f} | {t['z_when_left_out']:+.2f} "
                f"| {t['gain_in_rest_log_posterior']:.2f} | {better} |"
            )
        else:
            conflicts.append(
                f"- `{t['a']}` (z {t['z_a']:+.2f}) and `{t['b']}` (z {t['z_b']:+.2f}): "
                f"{'both within one sigma' if t['both_within'] else 'not both within one sigma'}"
            )
    return (
        "\n".join(rows)
        + "\n\nDeclared conflicts (`conflicts_with` in the data):\n\n"
        + "\n".join(conflicts)
    )


def agreement_table() -> str:
    """The second reading's agreement with the project's coding, field by field, and every
    disagreement that remains (each settled in data/README.md, "Second reading").
    """
    from ffsim.calibration.agreement import (
        CATEGORICAL,
        agreement,
        extra_rows,
        load_second_reading,
    )
    from ffsim.calibration.observations import load_observations

    ours = load_observations()
    a = agreement(ours)
    extra = extra_rows(ours, load_second_reading())
    rows = [
        f"{len(a.pairs)} fitted and driver rows paired with the second reader's rows for the same "
        f"number of the same sentence; {len(a.unmatched)} not coded by the second reader "
        f"({', '.join(f'`{o.id}`' for o in a.unmatched) or 'none'}); the second reader's "
        f"fitted or driver rows that the project does not fit or use as a driver: "
        f"{', '.join(f'`{i}`' for i in extra) or 'none'}.",
        "",
        "| field | same code | Cohen's kappa |",
        "|---|---|---|",
    ]
    rows += [f"| {f} | {a.share_same[f]:.0%} | {a.kappa[f]:.2f} |" for f in CATEGORICAL]
    rows.append(f"| reference dates within a month | {a.share_dates:.0%} | |")
    rows.append(
        f"| value within the row's sigma_log (pairs share a number by construction) "
        f"| {a.share_values:.0%} | |"
    )
    rows.append(
        f"| sigma_log within 0.05 ({a.n_sigmas} pairs with both) | {a.share_sigmas:.0%} | |"
    )
    rows += ["", "| row | field | project | second reader |", "|---|---|---|---|"]
    rows += [f"| `{i}` | {f} | {cell(x)} | {cell(y)} |" for i, f, x, y in a.disagreements()]
    return "\n".join(rows)
