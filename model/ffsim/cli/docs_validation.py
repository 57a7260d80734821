"""The generated tables of docs/validation.md: the forecast skill of every vintage, its proper
scores (WIS, log score, PIT), the vintage artifacts (calibration/vintages/*.json and the
baseline) and every later figure of each vintage.
The forecast report (:func:`ffsim.calibration.forecast.forecast_all`) is computed once per run.
"""

from __future__ import annotations

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


def proper_block() -> str:
    """The proper-score table of docs/validation.md: WIS, log score and PIT of every vintage."""
    from ffsim.calibration.forecast import proper_table

    return proper_table(_forecasts())


def vintage_block() -> str:
    """One row per vintage artifact: what it fitted and how well its optimiser and sampler did."""
    from ffsim.calibration.baseline import read_artifact
    from ffsim.calibration.config import FreeParameter
    from ffsim.resources import shown

    rows = [
        "| vintage | artifact | figures fitted | informative priors from evidence of the time "
        "| weakly informative instead (evidence published later) "
        "| starts at the mode | effective draws |",
        "|---|---|---|---|---|---|---|",
    ]
    for v, _ in _forecasts():
        a = read_artifact(v.path)
        f = a["fit"]
        best = max(s["log_posterior"] for s in f["optimiser_starts"])
        at_mode = sum(best - s["log_posterior"] <= 1e-6 for s in f["optimiser_starts"])
        priors = [FreeParameter.model_validate(p) for p in a["config"]["free"]]
        kept = [p.name for p in priors if p.evidence_published is not None]
        weak = [p.name for p in priors if "was published on" in p.source]
        rows.append(
            f"| {v.label} | `{shown(v.path)}` | {v.n_fitted} "
            f"| {', '.join(f'`{n}`' for n in kept) or 'none'} "
            f"| {', '.join(f'`{n}`' for n in weak) or 'none'} "
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
