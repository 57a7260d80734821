"""Model quantities that correspond to reported figures, computed from a (possibly ensemble) run.

A figure that refers to a date is read at the end of that day; a figure over a period runs from
the start of its first day to the end of its last. Values between month boundaries are
interpolated linearly in the states, which is exact for the accumulating stocks to the order of
the integrator. Every function returns one value per ensemble member (a scalar for one run).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ffsim.calibration.observations import Observation
from ffsim.core import layout
from ffsim.core.drivers import months_since
from ffsim.core.outputs import Output, Outputs
from ffsim.core.results import Result


def start_of(result: Result | Outputs) -> dt.date:
    """First day of the run."""
    first = result.dates[0]
    return dt.date(first.year, first.month, 1)


def time_at(result: Result | Outputs, date: dt.date, end_of_day: bool = True) -> float:
    """Months from the start of the run to ``date`` (its end by default), within the run."""
    day = date + dt.timedelta(days=1) if end_of_day else date
    t = months_since(start_of(result), day)
    n = len(result.dates)
    if not 0.0 <= t <= n:
        raise ValueError(f"{date} is outside the run ({start_of(result)} to {result.dates[-1]})")
    return t


def regional_sum(result: Result | Outputs, index: int, regions: tuple[str, ...]) -> np.ndarray:
    """Trajectory (..., n_months + 1) of regional stock ``index`` summed over ``regions``."""
    return result.regional_sum(index, tuple(regions))


def theatre_killed(result: Result | Outputs) -> np.ndarray:
    """Trajectory of all fighters killed, foreign and local."""
    return result.theatre("killed_all_fighters")


def outputs_read(obs: Observation) -> tuple[Output, ...]:
    """The trajectories :func:`measure` reads for ``obs``: what an ensemble must store for it
    (``ffsim.core.outputs``, every month boundary).
    """
    m, regions = obs.measure, tuple(obs.regions)
    if m is None:
        raise ValueError(f"observation {obs.id}: no measure; it is not a fitted figure")
    if m == "killed_all_fighters_total":
        return (Output("killed_all_fighters"),)
    if m == "fighting_abroad":
        return (Output("in_theatre", regions), Output("moved_on", regions))
    if m.startswith("arrivals_"):
        return (Output("cumulative_arrivals", regions),)
    if m == "departures_per_month":
        return (Output("cumulative_departures", regions),)
    if m == "in_theatre_fall_from_peak":
        return (Output("in_theatre", regions),)
    return (Output(m, regions),)


def value_at(trajectory: np.ndarray, t: float) -> np.ndarray:
    """Linear interpolation of a trajectory sampled at whole months, at time ``t``."""
    k = min(int(np.floor(t)), trajectory.shape[-1] - 2)
    w = t - k
    return (1.0 - w) * trajectory[..., k] + w * trajectory[..., k + 1]


def _between(  # noqa: ANN202
    result: Result | Outputs, index: int, regions: tuple[str, ...], a: dt.date, b: dt.date
):
    cum = regional_sum(result, index, regions)
    ta, tb = time_at(result, a, end_of_day=False), time_at(result, b)
    return value_at(cum, tb) - value_at(cum, ta), tb - ta


def _arrivals_between(result: Result | Outputs, regions: tuple[str, ...], a: dt.date, b: dt.date):  # noqa: ANN202
    return _between(result, layout.CUM_ARRIVALS, regions, a, b)


def measure(result: Result | Outputs, obs: Observation) -> np.ndarray:
    """The model's value of the quantity that observation ``obs`` reports, times the share of
    it the figure counts (``obs.counted_share``: the fighters among everyone who travelled).
    """
    value = _model_value(result, obs)
    return value if obs.counted_share == 1.0 else value * obs.counted_share


def _model_value(result: Result | Outputs, obs: Observation) -> np.ndarray:
    regions = obs.regions
    m = obs.measure
    if m in ("cumulative_arrivals", "cumulative_departures", "in_theatre", "returned", "killed"):
        index = {
            "cumulative_arrivals": layout.CUM_ARRIVALS,
            "cumulative_departures": layout.CUM_DEPARTURES,
            "in_theatre": layout.IN_THEATRE,
            "returned": layout.RETURNED,  # cumulative: returnees never leave the stock
            "killed": layout.KILLED,  # foreign fighters killed, cumulative
        }[m]
        return value_at(regional_sum(result, index, regions), time_at(result, obs.ref_end))
    if m == "fighting_abroad":  # in theatre plus moved on to other theatres
        t = time_at(result, obs.ref_end)
        in_theatre = value_at(regional_sum(result, layout.IN_THEATRE, regions), t)
        return in_theatre + value_at(regional_sum(result, layout.MOVED_ON, regions), t)
    if m == "arrivals_total":
        return _arrivals_between(result, regions, obs.ref_start, obs.ref_end)[0]
    if m == "arrivals_per_month":
        total, months = _arrivals_between(result, regions, obs.ref_start, obs.ref_end)
        return total / months
    if m == "departures_per_month":
        total, months = _between(result, layout.CUM_DEPARTURES, regions, obs.ref_start, obs.ref_end)
        return total / months
    if m == "arrivals_ratio":
        assert obs.base_start is not None and obs.base_end is not None
        later, _ = _arrivals_between(result, regions, obs.ref_start, obs.ref_end)
        earlier, _ = _arrivals_between(result, regions, obs.base_start, obs.base_end)
        return np.clip(later, 1e-9, None) / np.clip(earlier, 1e-9, None)
    if m == "arrivals_peak_month":
        monthly = np.diff(regional_sum(result, layout.CUM_ARRIVALS, regions), axis=-1)
        ta, tb = time_at(result, obs.ref_start, end_of_day=False), time_at(result, obs.ref_end)
        first, last = int(np.floor(ta)), min(int(np.ceil(tb)), monthly.shape[-1])
        return monthly[..., first:last].max(axis=-1)
    if m == "killed_all_fighters_total":
        killed = theatre_killed(result)
        ta, tb = time_at(result, obs.ref_start, end_of_day=False), time_at(result, obs.ref_end)
        return value_at(killed, tb) - value_at(killed, ta)
    if m == "in_theatre_fall_from_peak":
        stock = regional_sum(result, layout.IN_THEATRE, regions)
        ta, tb = time_at(result, obs.ref_start, end_of_day=False), time_at(result, obs.ref_end)
        inside = stock[..., int(np.ceil(ta)) : int(np.floor(tb)) + 1]
        end = value_at(stock, tb)
        peak = np.maximum(np.maximum(inside.max(axis=-1), value_at(stock, ta)), end)
        return peak - end
    raise ValueError(f"observation {obs.id}: no measure {m!r}")
