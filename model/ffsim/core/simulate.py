"""Run the model: settings, driver tables, the RK4 integrator and a solve_ivp reference.

Three ways to run: :func:`simulate` (one run, every state), :func:`simulate_ensemble` (many
runs, every state) and :func:`simulate_outputs` (many runs, only the outputs a
:class:`~ffsim.core.outputs.Selection` names, into a buffer the caller may reuse).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Sequence
from datetime import date  # `dt` is also the name of the time step in Settings
from functools import lru_cache

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ffsim.core import layout
from ffsim.core.drivers import DEFAULT_DRIVERS, LOSS_WINDOW, Drivers, months_since
from ffsim.core.integrate import integrate_batch, integrate_ensemble
from ffsim.core.outputs import Outputs, Selection
from ffsim.core.parameters import Parameters
from ffsim.core.regions import REGION_IDS
from ffsim.core.results import Result, radicalisation_rates
from ffsim.core.rhs import initial_state, rhs

FIRST_MONTH = "2000-01"
"""Earliest ``start`` of a run."""

LAST_MONTH = "2040-12"
"""Latest ``end`` of a run."""

MIN_DT = 1 / 128
"""Smallest integration step (month)."""

N_REGIONS = len(REGION_IDS)
"""Source regions of every run."""

N_STATE = layout.n_state(N_REGIONS)
"""Length of the state vector."""

MAX_STEPS = 12_000
"""Most integration steps in a run (months x steps per month): bounds time and memory."""


MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
"""A month as written in settings: YYYY-MM, ASCII digits only (``\\d`` would take any
script's digits)."""


def _month_index(text: str) -> int:
    year, month = (int(x) for x in text.split("-"))
    return year * 12 + month - 1


class Settings(BaseModel):
    """Time span and step of a run.

    The run starts on the first day of ``start`` and ends on the last day of ``end``; output is
    monthly. ``start`` and ``end`` are real months between :data:`FIRST_MONTH` and
    :data:`LAST_MONTH`, ``end`` not before ``start``. ``dt`` is the Runge-Kutta step in months:
    a number (not a string or true/false), 1/n of a month with n from 1 to 128, and the run at
    most :data:`MAX_STEPS` steps.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: str = Field("2012-01", strict=True, description="First month, YYYY-MM.")
    end: str = Field("2018-12", strict=True, description="Last month, YYYY-MM.")
    dt: float = Field(0.25, strict=True, gt=0.0, le=1.0, description="Integration step (month).")

    @field_validator("start", "end")
    @classmethod
    def _real_month(cls, v: str) -> str:
        if not MONTH.fullmatch(v):
            raise ValueError(f"{v!r}: allowed: a month as YYYY-MM in ASCII digits, e.g. 2014-06")
        month = int(v[5:])
        if not 1 <= month <= 12:
            raise ValueError(f"{v!r} has month {month:02d}; allowed: a month 01 to 12, YYYY-MM")
        if not FIRST_MONTH <= v <= LAST_MONTH:
            raise ValueError(f"{v!r} is outside the months allowed, {FIRST_MONTH} to {LAST_MONTH}")
        return v

    @field_validator("dt")
    @classmethod
    def _divides_month(cls, v: float) -> float:
        if v < MIN_DT:
            raise ValueError(f"dt = {v:g} is below the smallest step allowed, 1/128 month")
        steps = round(1.0 / v)
        if abs(steps * v - 1.0) > 1e-12:
            raise ValueError(f"dt = {v:g} must be 1/n of a month (1, 0.5, 0.25, 0.125, ...)")
        return v

    @model_validator(mode="after")
    def _ordered(self) -> Settings:
        if self.n_months < 1:
            raise ValueError(f"end {self.end} is before start {self.start}; allowed: end >= start")
        if self.n_months * self.steps_per_month > MAX_STEPS:
            raise ValueError(
                f"{self.n_months} months at dt = {self.dt:g} make "
                f"{self.n_months * self.steps_per_month} steps; allowed: at most {MAX_STEPS} "
                "(a larger dt or a shorter run)"
            )
        return self

    @property
    def start_date(self) -> date:
        """First day of the first month."""
        y, m = (int(x) for x in self.start.split("-"))
        return dt.date(y, m, 1)

    @property
    def n_months(self) -> int:
        """Months in the run, ``start`` and ``end`` included."""
        return _month_index(self.end) - _month_index(self.start) + 1

    @property
    def steps_per_month(self) -> int:
        """Integrator steps per month (``1 / dt``)."""
        return round(1.0 / self.dt)

    def month_ends(self) -> tuple[date, ...]:
        """Dates of the monthly output: the last day of each month."""
        out = []
        y, m = self.start_date.year, self.start_date.month
        for _ in range(self.n_months):
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
            out.append(dt.date(y, m, 1) - dt.timedelta(days=1))
        return tuple(out)


DEFAULT_SETTINGS = Settings()


@lru_cache(maxsize=64)
def _month_ends(settings: Settings) -> tuple[dt.date, ...]:
    return settings.month_ends()


@lru_cache(maxsize=64)
def _span(settings: Settings) -> tuple[int, int]:
    """``(n_months, steps_per_month)`` of ``settings``, computed once per settings value."""
    return settings.n_months, settings.steps_per_month


_RECENT_TABLES: dict[int, tuple[Drivers, Settings, np.ndarray]] = {}
"""Driver tables of the driver sets used last, by the identity of the (immutable) driver set.

Hashing a driver set to look it up in :func:`driver_table`'s cache walks every knot (about
14 us, a twentieth of one run); most callers pass the same object again (``DEFAULT_DRIVERS``,
a scenario's drivers), which this finds by identity. Holding the object keeps its id unique."""

MAX_RECENT_TABLES = 8
"""Driver sets kept in :data:`_RECENT_TABLES`."""


def _table_of(drivers: Drivers, settings: Settings) -> np.ndarray:
    """:func:`driver_table`, first looked up by the identity of ``drivers`` and ``settings``."""
    hit = _RECENT_TABLES.get(id(drivers))
    if hit is not None and hit[0] is drivers and hit[1] is settings:
        return hit[2]
    table = driver_table(drivers, settings)
    if len(_RECENT_TABLES) >= MAX_RECENT_TABLES:
        _RECENT_TABLES.clear()
    _RECENT_TABLES[id(drivers)] = (drivers, settings, table)
    return table


@lru_cache(maxsize=64)
def driver_table(drivers: Drivers, settings: Settings) -> np.ndarray:
    """Kernel inputs at every half step: shape (2 * steps + 1, N_INPUTS, 1), read-only.

    The five drivers, calendar time and territory loss (:meth:`Drivers.inputs`).
    """
    n_half = 2 * settings.n_months * settings.steps_per_month
    months = np.arange(n_half + 1) * (settings.dt / 2.0)
    table = np.ascontiguousarray(drivers.inputs(months, settings.start_date)[:, :, None])
    table.setflags(write=False)
    return table


@lru_cache(maxsize=1)
def _full_state() -> np.ndarray:
    """Channels of the full state: one per row of the state vector (read-only)."""
    rows = np.arange(layout.n_state(len(REGION_IDS)), dtype=np.int64)[:, None]
    rows.setflags(write=False)
    return rows


@lru_cache(maxsize=64)
def _every_boundary(n_months: int) -> np.ndarray:
    boundaries = np.arange(n_months + 1, dtype=np.int64)
    boundaries.setflags(write=False)
    return boundaries


def simulate(
    params: Parameters | None = None,
    drivers: Drivers | None = None,
    settings: Settings = DEFAULT_SETTINGS,
) -> Result:
    """Run the model once with fixed-step RK4.

    Parameters
    ----------
    params, drivers
        Defaults when omitted.
    settings
        Time span and step.
    """
    packed, table, states = single_run_inputs(params, drivers, settings)
    _integrate(integrate_batch, packed[:, None], table, settings, _full_state(), states)
    return _result(packed, settings, states[0])


def single_run_inputs(
    params: Parameters | None, drivers: Drivers | None, settings: Settings
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What one run's kernel takes: the packed parameters (n_params,), the driver table (rows,
    N_INPUTS, 1) and an empty state buffer (1, n_months + 1, n_state); defaults when omitted.
    """
    packed = (params or Parameters()).pack()
    table = _table_of(drivers or DEFAULT_DRIVERS, settings)
    states = np.empty((1, _span(settings)[0] + 1, N_STATE))
    return packed, table, states


def _integrate(
    kernel: Callable[..., None],
    packed_columns: np.ndarray,
    table: np.ndarray,
    settings: Settings,
    channels: np.ndarray,
    out: np.ndarray,
    boundaries: np.ndarray | None = None,
) -> None:
    """Run an RK4 kernel of :mod:`ffsim.core.integrate` (``integrate_batch`` or
    ``integrate_ensemble``) over :data:`REGION_IDS` at ``settings``' step, recording
    ``channels`` at month ``boundaries`` (every boundary when omitted) into ``out``.
    """
    n_months, steps_per_month = _span(settings)
    kernel(
        packed_columns,
        table,
        settings.dt,
        steps_per_month,
        n_months,
        N_REGIONS,
        channels,
        _every_boundary(n_months) if boundaries is None else boundaries,
        out,
    )


def _result(packed: np.ndarray, settings: Settings, states: np.ndarray) -> Result:
    """A Result of states (n_months + 1, n_state) or (E, n_months + 1, n_state) at month ends."""
    rates = radicalisation_rates(packed, len(REGION_IDS))
    return Result(_month_ends(settings), REGION_IDS, states, rates)


def _ensemble_inputs(
    packed: np.ndarray,
    drivers: Drivers | Sequence[Drivers] | None,
    settings: Settings,
) -> tuple[np.ndarray, np.ndarray]:
    """Packed parameters (E, n_params), checked, and the driver table (rows, N_INPUTS, E or 1)."""
    packed = np.ascontiguousarray(np.atleast_2d(packed), dtype=np.float64)
    if packed.shape[1] != layout.n_parameters(len(REGION_IDS)):
        raise ValueError(
            f"packed parameters have {packed.shape[1]} columns, expected "
            f"{layout.n_parameters(len(REGION_IDS))}"
        )
    if drivers is None or isinstance(drivers, Drivers):
        table = _table_of(drivers or DEFAULT_DRIVERS, settings)
    else:
        if len(drivers) != packed.shape[0]:
            raise ValueError(f"{len(drivers)} driver sets for {packed.shape[0]} members")
        table = np.concatenate([driver_table(d, settings) for d in drivers], axis=2)
    return packed, table


def simulate_ensemble(
    packed: np.ndarray,
    drivers: Drivers | Sequence[Drivers] | None = None,
    settings: Settings = DEFAULT_SETTINGS,
) -> Result:
    """Run many parameter sets in one call and keep every state (see :func:`simulate_outputs`
    for a large ensemble of which only some outputs are read).

    Parameters
    ----------
    packed
        Packed parameter vectors, shape (E, n_params) (rows of ``Parameters.pack``).
    drivers
        One driver set shared by all members, or one per member.
    """
    packed, table = _ensemble_inputs(packed, drivers, settings)
    states = np.empty((packed.shape[0], settings.n_months + 1, layout.n_state(len(REGION_IDS))))
    columns = np.ascontiguousarray(packed.T)
    _integrate(integrate_ensemble, columns, table, settings, _full_state(), states)
    return _result(packed, settings, states)


def simulate_outputs(
    packed: np.ndarray,
    selection: Selection,
    drivers: Drivers | Sequence[Drivers] | None = None,
    settings: Settings = DEFAULT_SETTINGS,
    out: np.ndarray | None = None,
) -> Outputs:
    """Run many parameter sets and keep only the outputs that ``selection`` names.

    Parameters
    ----------
    packed
        Packed parameter vectors, shape (E, n_params) (rows of ``Parameters.pack``).
    selection
        The stocks and flows to keep, their regions and months.
    drivers
        One driver set shared by all members, or one per member.
    settings
        Time span and step.
    out
        A buffer to write the values into, of shape ``selection.shape(E, settings.n_months)``,
        float64, C-contiguous and writable, typically the ``values`` of an earlier call, which
        this call overwrites; a new one is allocated when omitted. Reusing it saves allocating
        and first touching fresh memory at every call.

    Raises
    ------
    ValueError
        When a selected month is beyond the run, or ``out`` does not fit; the message says
        what is allowed.
    """
    packed, table = _ensemble_inputs(packed, drivers, settings)
    shape = selection.shape(packed.shape[0], settings.n_months)
    if out is None:
        out = np.empty(shape)
    elif (
        out.shape != shape
        or out.dtype != np.float64
        or not out.flags.c_contiguous
        or not out.flags.writeable
    ):
        raise ValueError(
            f"out has shape {out.shape}, dtype {out.dtype}"
            f"{'' if out.flags.c_contiguous else ', not C-contiguous'}"
            f"{'' if out.flags.writeable else ', read-only'}; allowed: a writable C-contiguous "
            f"float64 array of shape {shape}"
        )
    boundaries = selection.boundaries(settings.n_months)
    _integrate(
        integrate_ensemble,
        np.ascontiguousarray(packed.T),
        table,
        settings,
        selection.rows(REGION_IDS),
        out,
        np.array(boundaries, dtype=np.int64),
    )
    rates = radicalisation_rates(packed, len(REGION_IDS))
    return Outputs(_month_ends(settings), REGION_IDS, selection, boundaries, out, rates)


def simulate_reference(
    params: Parameters | None = None,
    drivers: Drivers | None = None,
    settings: Settings = DEFAULT_SETTINGS,
    rtol: float = 1e-8,
    atol: float = 1e-8,
) -> Result:
    """Run the same right-hand side with scipy's adaptive ``solve_ivp`` (DOP853).

    The reference against which the fixed-step integrator is tested. Integration restarts at
    every driver knot so the adaptive steps never straddle a kink.
    """
    from scipy.integrate import solve_ivp  # here: scipy costs ``ffsim run`` a third of a second

    params = params or Parameters()
    drivers = drivers or DEFAULT_DRIVERS
    start = settings.start_date
    p = params.pack()
    knots_x = [
        np.array([months_since(start, k.date) for k in getattr(drivers, name).knots])
        for name in layout.DRIVER_NAMES
    ]
    # Territory loss has kinks at the territory knots shifted by the loss window.
    knots_x.append(knots_x[layout.TERRITORY] + LOSS_WINDOW)

    def driver_values(t: float) -> np.ndarray:
        return drivers.inputs(np.array([t]), start)[0]

    def fun(t: float, y: np.ndarray) -> np.ndarray:
        return rhs(y, p, driver_values(t))

    n = settings.n_months
    y = initial_state(p[:, None], driver_values(0.0)[:, None], len(REGION_IDS))[:, 0]
    breaks = sorted({0.0, float(n), *(float(x) for xs in knots_x for x in xs if 0.0 < x < n)})
    months = np.arange(n + 1, dtype=float)
    states = np.empty((n + 1, y.shape[0]))
    states[0] = y
    for a, b in itertools.pairwise(breaks):
        inside = months[(months > a) & (months < b)]
        t_eval = np.append(inside, b)
        sol = solve_ivp(fun, (a, b), y, method="DOP853", rtol=rtol, atol=atol, t_eval=t_eval)
        if not sol.success:
            raise RuntimeError(f"solve_ivp failed on [{a}, {b}]: {sol.message}")
        y = sol.y[:, -1]
        states[inside.astype(int)] = sol.y.T[:-1]
        if b == int(b):
            states[int(b)] = y
    rates = radicalisation_rates(p, len(REGION_IDS))
    return Result(_month_ends(settings), REGION_IDS, states, rates)
