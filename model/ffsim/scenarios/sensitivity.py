"""Sensitivity of an output to the calibrated parameters and to the policy levers.

One at a time (a tornado): each free parameter is set to its posterior 5% and 95% values and
each lever to the ends of its range, all else at the baseline, and the output at a date is
recorded. Global (Sobol): first-order and total indices over time, with SALib, for the free
parameters varied uniformly over their posterior 90% intervals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ffsim.calibration.baseline import read_artifact
from ffsim.calibration.config import CalibrationConfig
from ffsim.core.drivers import Drivers
from ffsim.core.errors import InputError
from ffsim.core.executor import Executor, SerialExecutor, chunks
from ffsim.core.layout import REGIONAL_STOCK_NAMES
from ffsim.core.outputs import Selection
from ffsim.core.results import FLOWS, STOCKS
from ffsim.core.simulate import Settings, simulate_outputs
from ffsim.scenarios.attribution import stock_at
from ffsim.scenarios.levers import Levers
from ffsim.scenarios.scenario import Scenario

OUTPUTS = tuple(s for s in STOCKS if s in REGIONAL_STOCK_NAMES)


@dataclass(frozen=True)
class TornadoBar:
    """One bar of a tornado: the output at the low and high setting of one input."""

    name: str
    kind: str  # "parameter" or "lever"
    low_setting: float
    high_setting: float
    low_output: float
    high_output: float

    @property
    def swing(self) -> float:
        """Width of the bar: how far the output moves between the two settings."""
        return abs(self.high_output - self.low_output)


def _free(artifact: dict) -> list:
    return list(CalibrationConfig.model_validate(artifact["config"]).free)


def tornado(
    base: Scenario,
    output: str,
    region: str,
    date: dt.date,
    path: Path | None = None,
) -> tuple[float, list[TornadoBar]]:
    """The output at ``date`` for ``base`` and every one-at-a-time setting, largest swing first."""
    if output not in OUTPUTS:
        raise InputError(f"--output {output}: allowed {', '.join(OUTPUTS)}")
    artifact = read_artifact(path)
    settings, packed, drivers = [], [base.parameters.pack()], [base.drivers]
    for f in _free(artifact):
        p = artifact["parameters"][f.name]
        for value in (p["p05"], p["p95"]):
            row = base.parameters.pack().copy()
            row[f.packed_index()] = value
            packed.append(row)
            drivers.append(base.drivers)
        settings.append((f.name, "parameter", p["p05"], p["p95"]))
    for name, field in Levers.model_fields.items():
        lo, hi = field.json_schema_extra["lower"], field.json_schema_extra["upper"]  # type: ignore[index]
        for value in (lo, hi):
            scenario = replace(base, levers=base.levers.model_copy(update={name: value}))
            packed.append(scenario.parameters.pack())
            drivers.append(scenario.drivers)
        settings.append((name, "lever", lo, hi))
    selection = Selection.of((output,), region)  # every month: stock_at interpolates
    result = simulate_outputs(np.stack(packed), selection, drivers, base.settings)
    values = stock_at(result, output, region, date)
    bars = [
        TornadoBar(name, kind, lo, hi, float(values[1 + 2 * i]), float(values[2 + 2 * i]))
        for i, (name, kind, lo, hi) in enumerate(settings)
    ]
    return float(values[0]), sorted(bars, key=lambda b: -b.swing)


@dataclass(frozen=True)
class SobolResult:
    """First-order and total Sobol indices of each input at each date, with confidence."""

    names: tuple[str, ...]
    dates: tuple[dt.date, ...]
    first_order: np.ndarray  # (n_dates, n_params)
    total: np.ndarray  # (n_dates, n_params)
    total_conf: np.ndarray  # (n_dates, n_params), 95% confidence half-width
    n_runs: int


@dataclass(frozen=True)
class SeriesTask:
    """Runs of a Sobol sample, one chunk of it: what :func:`series_of` needs (picklable)."""

    packed: np.ndarray
    output: str
    region: str
    drivers: Drivers
    settings: Settings


def series_of(task: SeriesTask) -> np.ndarray:
    """The monthly series (runs, months) of the task's output for each of its runs."""
    selection = Selection.of((task.output,), task.region)
    result = simulate_outputs(task.packed, selection, task.drivers, task.settings)
    if task.output in FLOWS:
        return result.flow(task.output, task.region)
    return result.stock(task.output, task.region)


def sobol(
    base: Scenario,
    output: str,
    region: str,
    every: int = 12,
    n: int = 256,
    seed: int = 0,
    path: Path | None = None,
    executor: Executor | None = None,
) -> SobolResult:
    """Sobol indices of ``output`` every ``every`` months, over the posterior 90% ranges.

    ``n`` is SALib's base sample size (a power of two); the model runs ``n * (k + 2)`` times,
    in chunks over ``executor``'s workers (:mod:`ffsim.core.executor`; by default in this
    process, as one ensemble call): the indices do not depend on where the runs went.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    if output not in OUTPUTS and output not in FLOWS:
        raise InputError(f"--output {output}: allowed {', '.join(OUTPUTS + tuple(FLOWS))}")
    if n < 2 or n & (n - 1):
        raise InputError(f"--n {n}: must be a power of two, at least 2")
    artifact = read_artifact(path)
    free = _free(artifact)
    bounds = [
        [artifact["parameters"][f.name]["p05"], artifact["parameters"][f.name]["p95"]] for f in free
    ]
    names = [f.name for f in free]
    problem = {"num_vars": len(free), "names": names, "bounds": bounds}
    x = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    packed = np.tile(base.parameters.pack(), (x.shape[0], 1))
    packed[:, [f.packed_index() for f in free]] = x
    executor = executor or SerialExecutor()
    parts = chunks(packed.shape[0], executor.workers, per_worker=2, smallest=512)
    if len(parts) == 1:
        parts = [range(packed.shape[0])]
    tasks = [
        SeriesTask(packed[part.start : part.stop], output, region, base.drivers, base.settings)
        for part in parts
    ]
    series = np.concatenate(executor.map(series_of, tasks), axis=0)
    dates = base.settings.month_ends()
    months = list(range(every - 1, series.shape[1], every))
    s1, st, conf = [], [], []
    for m in months:
        y = series[:, m]
        if np.ptp(y) == 0.0:  # nothing varies at this date: every index is zero
            zeros = np.zeros(len(free))
            s1.append(zeros)
            st.append(zeros)
            conf.append(zeros)
            continue
        res = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
        s1.append(res["S1"])
        st.append(res["ST"])
        conf.append(res["ST_conf"])
    return SobolResult(
        tuple(names),
        tuple(dates[m] for m in months),
        np.array(s1),
        np.array(st),
        np.array(conf),
        int(x.shape[0]),
    )
