"""The Forecasts page's rows and tables, as plain data: the marks on the band charts, the rows of
the forecast strip, the later figures' table and the skill table of every vintage.

Pure functions of a vintage's scored later figures (:mod:`ffsim.calibration.forecast`), without
streamlit; figures are in the units of their ``measure`` (people, or a ratio).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ffsim.calibration.forecast import Vintage, count_text, reported_text
from ffsim.calibration.observations import Observation
from ffsim.calibration.predictive import FigureForecast, summarise
from ffsim.calibration.scores import pit_text, proper_scores, wis
from ffsim.calibration.vintages import rows_as_of


def _hover(o: Observation, note: str) -> str:
    return (
        f"{o.id}<br>{o.outlet}, published {o.published}<br>refers to {o.ref_end}: "
        f"{reported_text(o)}<br>{note}"
    )


def marks(
    v: Vintage,
    forecasts: list[FigureForecast],
    variable: str,
    observations: tuple[Observation, ...],
) -> list[dict[str, Any]]:
    """The world-total figures of ``variable``, as marks for a band chart.

    First those the vintage fits (of ``observations``), then the later ones; drawn by
    :func:`ffsim.app.forecast_charts.forecast_band_figure`.
    """
    out = []
    for o in rows_as_of(observations, v.date):
        if o.measure == variable and o.region == "total":
            note = "fitted by this vintage"
            if o.reading_of:
                note += f" (reading '{o.reading}' of {o.reading_of})"
            out.append(_mark(o, "fitted", _hover(o, note)))
    for f in forecasts:
        o = f.figure
        if o.measure == variable and o.region == "total":
            q = f.quantiles
            status = "inside" if f.inside[0.9] else "outside"
            note = (
                f"published later ({f.kind}); 90% predictive interval "
                f"{q[0]:,.0f} to {q[-1]:,.0f}, {'meets' if f.inside[0.9] else 'misses'} it"
            )
            out.append(_mark(o, status, _hover(o, note)))
    return out


def _mark(o: Observation, status: str, hover: str) -> dict[str, Any]:
    high = o.reported_high
    return {
        "id": o.id,
        "date": o.ref_end.isoformat(),
        "reported_low": o.reported_low,
        "reported_high": high if high != float("inf") else None,
        "form": o.form,
        "status": status,
        "hover": hover,
    }


def source(o: Observation) -> str:
    """The outlet, short: its name before any comma or parenthesis (the hover has it whole)."""
    return o.outlet.split(" (")[0].split(",")[0]


def strip_rows(forecasts: list[FigureForecast]) -> list[dict[str, Any]]:
    """Rows of the forecast strip: each later figure's summary, its label and what it reports."""
    return [
        {
            **f.as_dict(),
            "label": f"{f.figure.label} ({source(f.figure)}, {f.figure.published})",
            "reported": reported_text(f.figure),
        }
        for f in forecasts
    ]


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def figure_frame(forecasts: list[FigureForecast]) -> pd.DataFrame:
    """One row per later figure: what was reported, the predictive bands, the scores."""
    return pd.DataFrame(
        [
            {
                "figure": f.figure.label,
                "kind": f.kind,
                "outlet": f.figure.outlet,
                "published": f.figure.published.isoformat(),
                "reported": reported_text(f.figure),
                "model median": _fmt(f.model_median),
                "50% predictive": f"{_fmt(f.quantiles[1])} to {_fmt(f.quantiles[3])}",
                "90% predictive": f"{_fmt(f.quantiles[0])} to {_fmt(f.quantiles[4])}",
                "in 50%": "yes" if f.inside[0.5] else "no",
                "in 90%": "yes" if f.inside[0.9] else "no",
                "log kernel": round(f.log_kernel, 2),
                "WIS": round(float(w), 3),
                "log score": round(f.log_score, 2),
                "PIT": pit_text(f.pit),
                "identifier": f.figure.id,
            }
            for f, w in zip(forecasts, wis(forecasts), strict=True)
        ]
    )


def skill_frame(
    report: list[tuple[Vintage, list[FigureForecast]]], chosen: Vintage
) -> pd.DataFrame:
    """One row per vintage: coverage of its bands and its scores (as ``skill_table``), as text
    for a static table that wraps its headers to the page (numbers to two decimals).
    """
    rows = []
    for v, forecasts in report:
        s = summarise(forecasts)
        val = summarise([f for f in forecasts if f.kind == "validation"])
        rows.append(
            {
                "shown above": "yes" if v.date == chosen.date else "",
                "vintage": v.label,
                "figures fitted": str(v.n_fitted),
                "later figures (articles + validation)": f"{s.n} ({s.n - val.n} + {val.n})",
                "inside 50% band": count_text(s.inside[0.5], s.n),
                "inside 90% band": count_text(s.inside[0.9], s.n),
                "validation rows inside 90%": count_text(val.inside[0.9], val.n),
                "mean log kernel": f"{s.mean_log_kernel:.2f}",
                "median's abs. log error": f"{s.median_abs_error:.2f}",
            }
        )
    return pd.DataFrame(rows)


def proper_frame(
    report: list[tuple[Vintage, list[FigureForecast]]], chosen: Vintage
) -> pd.DataFrame:
    """One row per vintage: its proper scores (as ``proper_table``), with short headers."""
    rows = []
    for v, forecasts in report:
        p = proper_scores(forecasts)
        rows.append(
            {
                "shown": "yes" if v.date == chosen.date else "",
                "vintage": str(v.date),
                "figures": p.n,
                "WIS (log)": round(p.mean_wis, 3),
                "log score": round(p.mean_log_score, 2),
                "PIT histogram": p.histogram_text(),
                "mean PIT": round(p.mean_pit, 2),
                "flat PIT p": round(p.uniformity_p, 2),
            }
        )
    return pd.DataFrame(rows)
