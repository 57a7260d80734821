"""Benchmarks of the simulator. Prints a Markdown table of medians; never part of the tests.

Usage: ``python benchmarks/run.py [N]`` (or ``make bench``; N whole calibrations, default 3);
``python benchmarks/run.py single`` times only one run against its kernel (a few seconds), and
``python benchmarks/run.py posterior`` one call of the calibration's log posterior against its
model runs.
Machines are shared and noisy, so every figure is the median of repeated runs after a warm-up,
and ratios to the targets are given; the selected-output ensemble is timed interleaved with the
compute floor (nothing stored), so both see the same load.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numba
import numpy as np

from ffsim.core.drivers import DEFAULT_DRIVERS
from ffsim.core.integrate import integrate_batch, integrate_ensemble
from ffsim.core.outputs import Selection
from ffsim.core.parameters import Parameters
from ffsim.core.regions import REGION_IDS
from ffsim.core.simulate import (
    DEFAULT_SETTINGS,
    driver_table,
    simulate,
    simulate_ensemble,
    simulate_outputs,
    single_run_inputs,
)

THREE_OUTPUTS = Selection.of(("in_theatre", "killed", "returned"))
"""The issue's case: three world totals, every month."""


def median_seconds(func, repeat: int) -> float:
    func()  # warm-up: compilation and caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold_start_seconds() -> float:
    """First run in a fresh process with an empty compile cache (includes JIT compilation)."""
    code = (
        "import time; t = time.perf_counter();"
        "from ffsim.core.simulate import simulate; simulate();"
        "print(time.perf_counter() - t)"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "FFSIM_CACHE_DIR": cache}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
    return float(out.stdout.strip())


def calibration_seconds(repeat: int) -> tuple[float, float]:
    """Median wall time of the point estimate (optimiser only) and of the whole calibration."""
    from ffsim.calibration.calibrate import Calibrator
    from ffsim.calibration.config import DEFAULT_CONFIG, load_config
    from ffsim.calibration.observations import DEFAULT_PATH, fitted, load_observations
    from ffsim.calibration.problem import Problem
    from ffsim.cli.calibrate_command import run_calibration

    config = load_config()
    problem = Problem(config, fitted(load_observations()), Parameters())
    point = median_seconds(lambda: Calibrator(problem, config.seed).fit_point(), repeat)
    whole = []
    for _ in range(repeat):
        start = time.perf_counter()
        run_calibration(DEFAULT_CONFIG, DEFAULT_PATH, None, progress=lambda s: None)
        whole.append(time.perf_counter() - start)
    return point, statistics.median(whole)


def compare_seconds(repeat: int) -> float:
    """Median time of comparing the first seven shipped scenarios, 200 draws each."""
    from ffsim.scenarios.compare import compare
    from ffsim.scenarios.scenario import SCENARIO_DIR, load_scenario

    scenarios = [load_scenario(p) for p in sorted(SCENARIO_DIR.glob("*.toml"))[:7]]
    return median_seconds(lambda: compare(scenarios, draws=200), repeat)


def nothing_stored(packed: np.ndarray) -> None:
    """The compute floor: integrate every member and record nothing."""
    settings = DEFAULT_SETTINGS
    integrate_ensemble(
        np.ascontiguousarray(packed.T),
        driver_table(DEFAULT_DRIVERS, settings),
        settings.dt,
        settings.steps_per_month,
        settings.n_months,
        len(REGION_IDS),
        np.zeros((0, 1), dtype=np.int64),
        np.zeros(0, dtype=np.int64),
        np.empty((packed.shape[0], 0, 0)),
    )


def single_run_against_kernel(repeat: int = 2000) -> tuple[float, float]:
    """Median seconds of one ``simulate(params)`` and of its kernel alone, interleaved.

    The kernel alone is :func:`~ffsim.core.integrate.integrate_batch` called with inputs made
    beforehand (packed parameters, driver table, state buffer): the floor of one run. What
    ``simulate`` adds is the Python around it (packing, looking up the driver table, the buffer,
    the Result).
    """
    params = Parameters()
    settings = DEFAULT_SETTINGS
    packed, table, states = single_run_inputs(params, None, settings)
    columns = packed[:, None]
    channels = np.arange(states.shape[2], dtype=np.int64)[:, None]
    boundaries = np.arange(settings.n_months + 1, dtype=np.int64)
    args = (settings.dt, settings.steps_per_month, settings.n_months, len(REGION_IDS))

    def kernel() -> None:
        integrate_batch(columns, table, *args, channels, boundaries, states)

    whole, alone = [], []
    for func in (kernel, lambda: simulate(params)):
        func()  # warm-up
    for _ in range(repeat):
        for times, func in ((whole, lambda: simulate(params)), (alone, kernel)):
            start = time.perf_counter()
            func()
            times.append(time.perf_counter() - start)
    return statistics.median(whole), statistics.median(alone)


def posterior_against_kernel(repeat: int = 300) -> tuple[float, float]:
    """Median seconds of one call of the shipped calibration's log posterior for the 50 walkers
    a move updates (half of 100) near the best fit, and of the model runs of that call alone,
    interleaved. The difference is the Python around the runs: the unit cube mapped to values,
    the measures of the figures, the likelihood, the priors and the constraints.
    """
    from ffsim.calibration.profiles import baseline_problem

    problem, mode = baseline_problem()
    rng = np.random.default_rng(2)
    u = np.clip(problem.unit(mode) + 0.01 * rng.standard_normal((50, mode.size)), 0.0, 1.0)
    packed = problem.packed(problem.theta(u))

    def runs() -> None:
        simulate_outputs(packed, problem.selection, problem.drivers, problem.settings)

    def call() -> None:
        problem.log_posterior_unit(u)

    whole, alone = [], []
    for func in (runs, call):
        func()  # warm-up
    for _ in range(repeat):
        for times, func in ((whole, call), (alone, runs)):
            start = time.perf_counter()
            func()
            times.append(time.perf_counter() - start)
    return statistics.median(whole), statistics.median(alone)


def print_posterior(whole: float, alone: float) -> None:
    print(
        f"| one call of the calibration's log posterior, 50 walkers (runs alone {alone * 1e3:.2f} "
        f"ms, interleaved) | {whole * 1e3:.2f} ms, {whole / alone:.2f}x the runs | | |"
    )


def command_seconds(args: list[str], repeat: int, cold: bool) -> float:
    """Median wall time of ``ffsim ARGS`` as a whole command in a new process; ``cold`` with an
    empty compile cache each time (compilation included), else with the cache warm."""
    ffsim = os.path.join(os.path.dirname(sys.executable), "ffsim")
    times = []
    with tempfile.TemporaryDirectory() as warm:
        env = {**os.environ, "FFSIM_CACHE_DIR": warm}
        subprocess.run([ffsim, *args], env=env, capture_output=True, check=True)  # fills it
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as empty:
                run_env = {**env, "FFSIM_CACHE_DIR": empty} if cold else env
                start = time.perf_counter()
                subprocess.run([ffsim, *args], env=run_env, capture_output=True, check=True)
                times.append(time.perf_counter() - start)
    return statistics.median(times)


def bands_seconds(repeat: int) -> float:
    """Median time of the Explore page's bands: 300 posterior draws, its totals, quantiles."""
    import logging

    # The app's cached functions warn that no Streamlit server runs; here none is needed.
    logging.getLogger("streamlit.runtime.caching.cache_data_api").disabled = True
    from ffsim.app.runner import BAND_SELECTION, BAND_VARIABLES
    from ffsim.calibration.baseline import baseline_parameters
    from ffsim.calibration.uncertainty import band
    from ffsim.scenarios.compare import posterior_members

    def bands() -> None:
        members = posterior_members(baseline_parameters(), 300)
        ensemble = simulate_outputs(members, BAND_SELECTION)
        for v in BAND_VARIABLES:
            band(ensemble, v, "total", (0.05, 0.95))

    return median_seconds(bands, repeat)


def print_single(whole: float, alone: float) -> None:
    print(
        f"| one run through `simulate`, against its kernel alone interleaved (kernel "
        f"{alone * 1e3:.3f} ms) | {whole / alone:.3f}x | 1.3x | {whole / alone / 1.3:.2f} |"
    )


def main() -> int:
    if sys.argv[1:] == ["single"]:
        print("| benchmark | median | target | ratio to target |")
        print("|---|---|---|---|")
        print_single(*single_run_against_kernel())
        return 0
    if sys.argv[1:] == ["posterior"]:
        print("| benchmark | median | target | ratio to target |")
        print("|---|---|---|---|")
        print_posterior(*posterior_against_kernel())
        return 0
    calibration_repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    params = Parameters()
    packed = np.tile(params.pack(), (10_000, 1))
    single = median_seconds(lambda: simulate(params), repeat=500)
    single_whole, single_alone = single_run_against_kernel()
    buffer = np.empty(THREE_OUTPUTS.shape(10_000, DEFAULT_SETTINGS.n_months))
    # Interleaved, so that load from other work on the machine falls on all three alike.
    three: list[float] = []
    fresh: list[float] = []
    floor: list[float] = []
    full: list[float] = []
    simulate_outputs(packed, THREE_OUTPUTS, out=buffer)  # warm-up: compilation and caches
    nothing_stored(packed)
    for _ in range(9):
        for times, func in (
            (three, lambda: simulate_outputs(packed, THREE_OUTPUTS, out=buffer)),
            (fresh, lambda: simulate_outputs(packed, THREE_OUTPUTS)),
            (floor, lambda: nothing_stored(packed)),
        ):
            start = time.perf_counter()
            func()
            times.append(time.perf_counter() - start)
    for _ in range(5):
        start = time.perf_counter()
        simulate_ensemble(packed)
        full.append(time.perf_counter() - start)
    three_s, fresh_s, floor_s, full_s = (statistics.median(t) for t in (three, fresh, floor, full))
    small = median_seconds(lambda: simulate_ensemble(packed[:200]), repeat=50)
    cold = cold_start_seconds()
    shape = simulate_ensemble(packed[:1]).states.shape[1:]
    full_megabytes = 10_000 * shape[0] * shape[1] * 8 / 1e6
    three_megabytes = buffer.nbytes / 1e6
    run_warm = command_seconds(["run"], repeat=9, cold=False)
    run_cold = command_seconds(["run"], repeat=3, cold=True)
    with tempfile.TemporaryDirectory() as where:
        csv_path = os.path.join(where, "run.csv")
        run_out = command_seconds(["run", "--out", csv_path], repeat=9, cold=False)
    bands = bands_seconds(repeat=30)
    from ffsim.app.runner import BAND_VARIABLES

    point, whole = calibration_seconds(repeat=calibration_repeat)
    comparing = compare_seconds(repeat=9)
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}, "
        f"{os.cpu_count()} cores, {numba.config.NUMBA_NUM_THREADS} numba threads"
    )
    print()
    print("| benchmark | median | target | ratio to target |")
    print("|---|---|---|---|")
    print(
        f"| one run, 2012-01 to 2018-12, dt = 0.25 | {single * 1e3:.3f} ms | 0.15 ms | "
        f"{single / 0.15e-3:.2f} |"
    )
    print_single(single_whole, single_alone)
    print_posterior(*posterior_against_kernel())
    print(
        f"| 10,000 members, three totals stored (every month, reused buffer) | {three_s:.3f} s "
        f"| 0.45 s | {three_s / 0.45:.2f} |"
    )
    print(
        f"| the same, against nothing stored (the compute floor, {floor_s:.3f} s, same run) | "
        f"{three_s / floor_s:.3f}x | 1.15x | {three_s / floor_s / 1.15:.2f} |"
    )
    print(f"| the same, three totals into a fresh buffer | {fresh_s:.3f} s | | |")
    print(
        f"| memory of the three-total result | {three_megabytes:.1f} MB | 50 MB | "
        f"{three_megabytes / 50:.2f} |"
    )
    print(
        f"| 10,000 members, full state stored ({full_megabytes:.0f} MB, fresh) | {full_s:.2f} s "
        "| | |"
    )
    print(f"| ensemble of 200 parameter sets, full state | {small * 1e3:.1f} ms | | |")
    print(f"| first run in a new process, empty compile cache | {cold:.1f} s | | |")
    print(
        f"| `ffsim run` as a whole command, compile cache warm | {run_warm:.2f} s | 0.8 s | "
        f"{run_warm / 0.8:.2f} |"
    )
    print(
        f"| `ffsim run --out run.csv` (the tidy CSV and its sidecar), cache warm | "
        f"{run_out:.2f} s | | |"
    )
    print(f"| `ffsim run` as a whole command, empty compile cache | {run_cold:.1f} s | | |")
    print(
        f"| Explore's bands: 300 posterior draws, {len(BAND_VARIABLES)} totals (library) | "
        f"{bands * 1e3:.1f} ms | | |"
    )
    print(
        f"| calibration point estimate (8 optimiser starts) | {point:.1f} s | 10 s | "
        f"{point / 10:.2f} |"
    )
    print(
        f"| whole calibration with posterior (ffsim calibrate, {calibration_repeat} runs) | "
        f"{whole:.0f} s | 90 s | {whole / 90:.2f} |"
    )
    print(
        f"| compare 7 scenarios x 200 posterior draws (library call) | {comparing:.2f} s | 1 s "
        f"| {comparing:.2f} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
