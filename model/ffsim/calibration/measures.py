"""Model quantities that correspond to reported figures, computed from a (possibly ensemble) run.

A figure that refers to a date is read at the end of that day; a figure over a period runs from
the start of its first day to the end of its last. Values between month boundaries are
interpolated linearly in the states, which is exact for the accumulating stocks to the order of
the integrator. Every function returns one value per ensemble member (a scalar for one run).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ffsim.calibration.observations import RATIO_MEASURES, Observation
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
        read: tuple[Output, ...] = (Output("in_theatre", regions), Output("moved_on", regions))
    elif m.startswith("arrivals_"):
        read = (Output(arrivals_stock(obs), regions),)
    elif m == "departures_per_month":
        read = (Output("cumulative_departures", regions),)
    elif m == "in_theatre_fall_from_peak":
        read = (Output("in_theatre", regions),)
    else:
        read = (Output(fighters_or(obs, m), regions),)
    if counts_fighters(obs) and m in STOCK_MEASURES_OF_PEOPLE:
        read += (Output("cumulative_arrivals", regions), Output("fighters_arrived", regions))
    return read


def counts_fighters(obs: Observation) -> bool:
    """Whether the figure counts fighters only: it is set against the model's travellers less
    the women and minors among them (``fighters_arrived``; docs/calibration.md, "Travellers by
    kind"). A ratio of two counts of the same people is not: the share cancels.
    """
    return obs.population == "fighters" and obs.measure not in RATIO_MEASURES


def fighters_or(obs: Observation, name: str) -> str:
    """``fighters_arrived`` in place of ``cumulative_arrivals`` for a count of fighters."""
    return "fighters_arrived" if name == "cumulative_arrivals" and counts_fighters(obs) else name


def arrivals_stock(obs: Observation) -> str:
    """The cumulative stock whose differences are the arrivals ``obs`` counts."""
    return fighters_or(obs, "cumulative_arrivals")


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


def measure(result: Result | Outputs, obs: Observation) -> np.ndarray:
    """The model's value of the quantity that observation ``obs`` reports, times the share of
    it the figure counts (``obs.counted_share``). A count of fighters (:func:`counts_fighters`)
    is set against the arrivals less the women and minors among them, and a stock of fighters
    against the stock times the fighters' share of everyone who has arrived.
    """
    value = _model_value(result, obs)
    if counts_fighters(obs) and obs.measure in STOCK_MEASURES_OF_PEOPLE:
        t = time_at(result, obs.ref_end)
        arrived = value_at(regional_sum(result, layout.CUM_ARRIVALS, obs.regions), t)
        fighters = value_at(regional_sum(result, layout.FIGHTERS_ARRIVED, obs.regions), t)
        value = value * fighters / np.clip(arrived, 1e-9, None)
    return value if obs.counted_share == 1.0 else value * obs.counted_share


STOCK_MEASURES_OF_PEOPLE = frozenset(
    {"cumulative_departures", "in_theatre", "returned", "killed", "fighting_abroad"}
)
"""Measures of people that a count of fighters reads at the fighters' share of everyone who has
arrived by then (women and minors are taken to leave theatre at the rates of the rest)."""


def _model_value(result: Result | Outputs, obs: Observation) -> np.ndarray:
    regions = obs.regions
    m = obs.measure
    arrivals_index = (
        layout.FIGHTERS_ARRIVED
        if arrivals_stock(obs) == "fighters_arrived"
        else layout.CUM_ARRIVALS
    )

    def _arrivals_between(  # noqa: ANN202
        result: Result | Outputs, regions: tuple[str, ...], a: dt.date, b: dt.date
    ):
        return _between(result, arrivals_index, regions, a, b)

    if m in ("cumulative_arrivals", "cumulative_departures", "in_theatre", "returned", "killed"):
        index = {
            "cumulative_arrivals": arrivals_index,
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
        monthly = np.diff(regional_sum(result, arrivals_index, regions), axis=-1)
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
