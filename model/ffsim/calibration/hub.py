"""Every vintage's forecasts as quantiles in the forecast hubs' long format, for scoring elsewhere.

One row per vintage x later figure x quantile level (the 23 levels of the US CDC hubs,
:data:`~ffsim.calibration.predictive.HUB_LEVELS`), the quantile of the figure's posterior
predictive (the model value of each posterior draw times the figure's reporting error,
:mod:`ffsim.calibration.predictive`):

- ``as_of``: the vintage's date (the article date it stands for, as ``ffsim forecast-skill``
  names it);
- ``target``: the later figure's identifier (``id`` of ``data/observations.csv`` or
  ``data/validation.csv``, where its source, definition and reported value are);
- ``horizon``: whole calendar months from ``as_of`` to ``target_end_date`` (negative when a
  later report counts a past date);
- ``quantile_level``, ``value``: the predictive quantile, in the units of ``measure`` (people,
  or a ratio);
- ``target_end_date``: the end of the period the figure counts (``ref_end``); ``region``,
  ``measure`` and ``form`` (value, range or bound) as in the data files.

The hubverse calls ``as_of`` the reference date and ``quantile_level`` the output type id.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ffsim.calibration.forecast import Report
from ffsim.calibration.predictive import HUB_LEVELS

HUB_COLUMNS: tuple[str, ...] = (
    "as_of",
    "target",
    "horizon",
    "quantile_level",
    "value",
    "target_end_date",
    "region",
    "measure",
    "form",
)
"""Columns of the quantile export, in order."""


def horizon_months(as_of: dt.date, end: dt.date) -> int:
    """Calendar months from ``as_of`` to ``end`` (the day of the month is ignored)."""
    return (end.year - as_of.year) * 12 + (end.month - as_of.month)


def quantile_columns(report: Report) -> dict[str, np.ndarray]:
    """The long table of every vintage's quantiles, as equal-length columns (:data:`HUB_COLUMNS`).

    Dates are ``datetime64[D]``; levels and values floats; the rest text or integers.
    """
    rows: dict[str, list[object]] = {c: [] for c in HUB_COLUMNS}
    for v, forecasts in report:
        for f in forecasts:
            o = f.figure
            for level, value in zip(HUB_LEVELS, f.hub_quantiles, strict=True):
                rows["as_of"].append(v.date)
                rows["target"].append(o.id)
                rows["horizon"].append(horizon_months(v.date, o.ref_end))
                rows["quantile_level"].append(level)
                rows["value"].append(value)
                rows["target_end_date"].append(o.ref_end)
                rows["region"].append(o.region)
                rows["measure"].append(o.measure)
                rows["form"].append(o.form)
    dates = ("as_of", "target_end_date")
    return {
        c: np.array(rows[c], dtype="datetime64[D]" if c in dates else None) for c in HUB_COLUMNS
    }
