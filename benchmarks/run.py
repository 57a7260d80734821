"""Benchmarks of the simulator. Prints a Markdown table of medians; never part of the tests.

Usage: ``python benchmarks/run.py`` (or ``make bench``). Machines are shared and noisy, so every
figure is the median of repeated runs after a warm-up, and ratios to the targets are given.
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

from ffsim.core.parameters import Parameters
from ffsim.core.simulate import simulate, simulate_ensemble


def median_seconds(func, repeat: int) -> float:
    func()  # warm-up: compilation and caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def first_touch_seconds(shape: tuple[int, ...]) -> float:
    """Allocate and write once an array of ``shape`` in a fresh process (page-fault cost)."""
    code = (
        "import time, numpy as np; t = time.perf_counter();"
        f"a = np.empty({shape}); a.fill(1.0); print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


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
    from ffsim.cli.calibrate import run_calibration

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


def main() -> int:
    params = Parameters()
    packed = np.tile(params.pack(), (10_000, 1))
    single = median_seconds(lambda: simulate(params), repeat=500)
    ensemble = median_seconds(lambda: simulate_ensemble(packed), repeat=9)
    small = median_seconds(lambda: simulate_ensemble(packed[:200]), repeat=50)
    cold = cold_start_seconds()
    shape = simulate_ensemble(packed[:1]).states.shape[1:]
    touch = statistics.median(first_touch_seconds((10_000, *shape)) for _ in range(5))
    megabytes = 10_000 * shape[0] * shape[1] * 8 / 1e6
    point, whole = calibration_seconds(repeat=3)
    comparing = compare_seconds(repeat=9)
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}, "
        f"{os.cpu_count()} cores, {numba.config.NUMBA_NUM_THREADS} numba threads"
    )
    print()
    print("| benchmark | median | target | ratio to target |")
    print("|---|---|---|---|")
    print(
        f"| one run, 2012-01 to 2018-12, dt = 0.25 | {single * 1e3:.2f} ms | 1 ms | "
        f"{single / 1e-3:.2f} |"
    )
    print(
        f"| ensemble of 10,000 parameter sets | {ensemble:.2f} s | 0.5 s | {ensemble / 0.5:.2f} |"
    )
    print(f"| ensemble of 200 parameter sets | {small * 1e3:.1f} ms | | |")
    print(f"| first run in a new process, empty compile cache | {cold:.1f} s | | |")
    print(
        f"| floor: allocate and fill once a {megabytes:.0f} MB array the size of the 10,000-member "
        f"result (numpy, new process) | {touch:.2f} s | | |"
    )
    print(
        f"| calibration point estimate (8 optimiser starts) | {point:.1f} s | 10 s | "
        f"{point / 10:.2f} |"
    )
    print(
        f"| whole calibration with posterior (ffsim calibrate) | {whole:.0f} s | 120 s | "
        f"{whole / 120:.2f} |"
    )
    print(
        f"| compare 7 scenarios x 200 posterior draws (library call) | {comparing:.2f} s | 1 s "
        f"| {comparing:.2f} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
