"""Generate the tables of docs/model.md (from the schema) and docs/calibration.md (from the
shipped calibration artifact).

``python -m ffsim.cli.docs docs/model.md docs/calibration.md`` rewrites the text between the
``BEGIN``/``END`` markers present in each file; a test fails when a file is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ffsim.core.drivers import DEFAULT_DRIVERS
from ffsim.core.parameters import PARAMETER_SPECS

MARKERS = {
    "STOCK FLOW DIAGRAM": "stock_flow_block",
    "LOOP DIAGRAM": "loop_block",
    "PARAMETER TABLE": "parameter_table",
    "DRIVER TABLE": "driver_table",
    "FIT SUMMARY": "fit_summary",
    "FIT TABLE": "fit_table",
    "ESTIMATES TABLE": "estimates_table",
    "TENSIONS TABLE": "tensions_table",
    "READINGS TABLE": "readings_table",
    "LEVER TABLE": "lever_table",
    "SCENARIO LIST": "scenario_list",
    "COMPARE TABLE": "compare_table",
    "SKILL TABLE": "skill_block",
    "VINTAGE TABLE": "vintage_block",
    "FORECAST FIGURES": "forecast_figures",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _default(value: float | dict[str, float]) -> str:
    if isinstance(value, dict):
        return "<br>".join(f"{k}: {v:g}" for k, v in value.items())
    return f"{value:.4g}"


def parameter_table() -> str:
    """Markdown table of every parameter: name, category, default, bounds, unit, meaning, source."""
    rows = [
        "| parameter | kind | default | range | unit | meaning | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in PARAMETER_SPECS:
        kind = s.category + (", regional" if s.regional else "")
        rows.append(
            f"| `{s.name}` | {kind} | {_default(s.default)} | [{s.lower:g}, {s.upper:g}] "
            f"| {_cell(s.unit)} | {_cell(s.description)} | {_cell(s.source)} |"
        )
    return "\n".join(rows)


def driver_table() -> str:
    """Markdown table of every default driver knot with its source."""
    rows = ["| driver | unit | date | value | source |", "|---|---|---|---|---|"]
    for name, series in DEFAULT_DRIVERS:
        for k in series.knots:
            rows.append(
                f"| `{name}` | {_cell(series.unit)} | {k.date} | {k.value:g} | {_cell(k.source)} |"
            )
    return "\n".join(rows)


def stock_flow_block() -> str:
    """The stock-and-flow diagram as a Mermaid code block."""
    from ffsim.teaching.diagram import stock_flow_mermaid

    return f"```mermaid\n{stock_flow_mermaid()}```"


def loop_block() -> str:
    """The causal loop diagram as a Mermaid code block."""
    from ffsim.teaching.diagram import loop_mermaid

    return f"```mermaid\n{loop_mermaid()}```"


def _artifact() -> dict:
    from ffsim.calibration.baseline import read_artifact

    return read_artifact()


def _num(x: float | None) -> str:
    if x is None:
        return "none"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def fit_summary() -> str:
    """One paragraph of fit statistics from the shipped artifact."""
    f = _artifact()["fit"]
    return (
        f"{f['n_within']} of {f['n_fitted']} counted figures ({f['share_within']:.0%}) lie within "
        f"one sigma of the reported value or range at the posterior mode, and "
        f"{f['share_within_2sigma']:.0%} within two ({f['n_rows']} fitted rows, counting for each "
        f"statement with several readings the rows of its most probable reading); log-space "
        f"RMSE {f['rmse_log']:.3f}; log-likelihood {f['log_likelihood']:.3f}, log posterior "
        f"{f['log_posterior']:.3f}. All {len(f['optimiser_starts'])} optimiser starts reach the "
        f"mode within {f['optimiser_starts_max_relative_spread']:.1e} relative in every "
        f"parameter. Sampler: acceptance fraction "
        f"{f['sampler_acceptance_fraction']:.2f}, longest integrated autocorrelation time "
        f"{f['sampler_autocorr_time_max']:.0f} steps, kept chain "
        f"{f['sampler_kept_steps_over_tau']:.0f} times that, at least "
        f"{f['sampler_effective_samples_min']:,.0f} effective draws."
    )


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
            f"> {_num(lo)}"
            if hi is None
            else f"<= {_num(hi)}"
            if lo == 0
            else _num(lo)
            if lo == hi
            else f"{_num(lo)} to {_num(hi)}"
        )
        reading = f"{o['reading_of']}: {o['reading']}" if o["reading"] else "only"
        within = "yes" if o["within"] else "**no**"
        if not o["counted"]:
            within += " (not counted)"
        rows.append(
            f"| `{o['id']}` | {_cell(o['outlet'])}, {o['published']} | {o['region']} "
            f"| {reading} | {reported} | {o['form']} | {o['sigma_log']:g} "
            f"| {_num(o['model_value'])} | {_num(o['model_p05'])} to {_num(o['model_p95'])} "
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


def lever_table() -> str:
    """Every policy lever: default, range, unit, meaning."""
    from ffsim.scenarios.levers import LEVER_SPECS

    rows = ["| lever | default | range | unit | meaning |", "|---|---|---|---|---|"]
    for spec in LEVER_SPECS.values():
        rows.append(
            f"| `{spec.name}` | {spec.default:g} | [{spec.lower:g}, {spec.upper:g}] "
            f"| {spec.unit} | {_cell(spec.description)} |"
        )
    return "\n".join(rows)


def _shipped() -> list:
    from ffsim.scenarios.scenario import SCENARIO_DIR, load_scenario

    return [(p, load_scenario(p)) for p in sorted(SCENARIO_DIR.glob("*.toml"))]


def scenario_list() -> str:
    """Every shipped scenario: file, base, what it changes, its question and motivation."""
    from ffsim.scenarios.scenario import baseline_scenario

    base = baseline_scenario()
    out = []
    for path, s in _shipped():
        levers = ", ".join(
            f"`{k} = {v:g}`" for k, v in s.levers.model_dump(exclude_defaults=True).items()
        )
        drivers = ", ".join(
            f"`{n}`" for n, series in s.raw_drivers if series != getattr(base.raw_drivers, n)
        )
        changes = (
            "; ".join(
                x
                for x in (
                    f"levers {levers}" if levers else "",
                    f"drivers {drivers}" if drivers else "",
                )
                if x
            )
            or "nothing (the baseline itself)"
        )
        out.append(
            f"### {s.name}\n\n`scenarios/{path.name}`, base `{s.base}`, content hash "
            f"`{s.content_hash()[:16]}`. Changes: {changes}.\n\n"
            f"{' '.join(s.description.split())}\n\n*Motivation:* {' '.join(s.motivation.split())}"
        )
    return "\n\n".join(out)


def compare_table() -> str:
    """Outcomes by the end of 2018 for every shipped scenario: best fit and 90% interval."""
    from ffsim.scenarios.compare import compare

    shipped = _shipped()
    c = compare([s for _, s in shipped], draws=200)
    cols = ("cumulative_arrivals", "peak_in_theatre", "killed", "returned", "intercepted")
    head = "| scenario | " + " | ".join(cols) + " | peak month |"
    rows = [head, "|---" * (len(cols) + 2) + "|"]
    for i, name in enumerate(c.names):
        cells = []
        for col in cols:
            q = c.quantiles(col)[i]
            cells.append(f"{_num(c.best[col][i])} ({_num(q[0])} to {_num(q[2])})")
        rows.append(
            f"| {name} | " + " | ".join(cells) + f" | {c.month_label(c.best['peak_month'][i])} |"
        )
    return "\n".join(rows)


_REPORT: list = []


def _forecasts() -> list:
    """The forecast report of every vintage, computed once per run."""
    if not _REPORT:
        from ffsim.calibration.forecast import forecast_all

        _REPORT.extend(forecast_all())
    return _REPORT


def skill_block() -> str:
    """The forecast-skill table of docs/validation.md."""
    from ffsim.calibration.forecast import skill_table

    return skill_table(_forecasts())


def vintage_block() -> str:
    """One row per vintage artifact: what it fitted and how well its optimiser and sampler did."""
    from ffsim.calibration.baseline import read_artifact
    from ffsim.resources import shown

    rows = [
        "| vintage | artifact | figures fitted | starts at the mode | effective draws |",
        "|---|---|---|---|---|",
    ]
    for v, _ in _forecasts():
        a = read_artifact(v.path)
        f = a["fit"]
        best = max(s["log_posterior"] for s in f["optimiser_starts"])
        at_mode = sum(best - s["log_posterior"] <= 1e-6 for s in f["optimiser_starts"])
        rows.append(
            f"| {v.label} | `{shown(v.path)}` | {v.n_fitted} "
            f"| {at_mode} of {len(f['optimiser_starts'])} "
            f"| {f['sampler_effective_samples_min']:,.0f} |"
        )
    return "\n".join(rows)


def forecast_figures() -> str:
    """Every later figure of every vintage, one table per vintage."""
    from ffsim.calibration.forecast import figure_table

    parts = []
    for v, forecasts in _forecasts():
        parts.append(f"### Vintage {v.label}\n\n{figure_table(forecasts)}")
    return "\n\n".join(parts)


def render(text: str) -> str:
    """Replace every generated block present in ``text`` with its current content."""
    found = False
    for marker, func in MARKERS.items():
        begin, end = f"<!-- BEGIN {marker} -->", f"<!-- END {marker} -->"
        head, sep, rest = text.partition(begin)
        if not sep:
            continue
        found = True
        _, sep, tail = rest.partition(end)
        if not sep:
            raise ValueError(f"marker {end} not found")
        text = f"{head}{begin}\n{globals()[func]()}\n{end}{tail}"
    if not found:
        raise ValueError("no generated block found")
    return text


def main(argv: list[str]) -> int:
    """Rewrite the generated blocks of every file named in ``argv``."""
    defaults = ["docs/model.md", "docs/calibration.md", "docs/scenarios.md", "docs/validation.md"]
    for name in argv or defaults:
        path = Path(name)
        path.write_text(render(path.read_text("utf-8")), "utf-8")
        print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
