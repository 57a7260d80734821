"""``ffsim calibrate``: run the calibration, print the fit, write or check the artifact."""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import Any

from model.artifact import build_artifact, compare, write_artifact
from model.baseline import BASELINE_PATH, read_artifact
from model.calibrate import Calibrator, Problem
from model.calibration_config import DEFAULT_CONFIG, load_config
from model.errors import InputError
from model.observations import DEFAULT_PATH, data_hash, fitted, load_observations
from model.parameters import Parameters


def run_calibration(
    config_path: Path, data_path: Path, seed: int | None, progress: Any = print
) -> dict[str, Any]:
    """Run the whole calibration; return the artifact (not written)."""
    start = time.perf_counter()
    config = load_config(config_path)
    if not data_path.exists():
        raise InputError(f"{data_path}: observations file not found")
    observations = fitted(load_observations(data_path))
    seed = config.seed if seed is None else seed
    progress(
        f"calibrating {len(config.free)} parameters against {len(observations)} figures "
        f"({data_path.name}), seed {seed}"
    )
    problem = Problem(config, observations, Parameters())
    cal = Calibrator(problem, seed, progress).fit()
    return build_artifact(cal, data_path, data_hash(data_path), time.perf_counter() - start)


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def fit_table(artifact: dict[str, Any]) -> str:
    """Text table of every fitted figure: reported, model best fit and 90% band, z, within."""
    head = f"{'figure':<46}{'reported':>17}{'model':>10}{'90% band':>20}{'z':>7}  within"
    lines = [head, "-" * len(head)]
    for o in artifact["observations"]:
        lo, hi = o["reported_low"], o["reported_high"]
        if hi is None:
            reported = f"> {_num(lo)}"
        elif lo == 0:
            reported = f"<= {_num(hi)}"
        elif lo == hi:
            reported = _num(lo)
        else:
            reported = f"{_num(lo)}-{_num(hi)}"
        band = f"{_num(o['model_p05'])}-{_num(o['model_p95'])}"
        lines.append(
            f"{o['id']:<46}{reported:>17}{_num(o['model_value']):>10}{band:>20}{o['z']:>7.2f}  "
            f"{'yes' if o['within'] else 'no'}"
        )
    fit = artifact["fit"]
    lines.append(
        f"{fit['n_within']} of {fit['n_fitted']} figures within one sigma of the reported value "
        f"or range ({fit['share_within']:.0%}); within two sigma: "
        f"{fit['share_within_2sigma']:.0%}; log-space RMSE {fit['rmse_log']:.3f}"
    )
    return "\n".join(lines)


def calibrate_command(args: argparse.Namespace) -> int:
    """Run ``ffsim calibrate`` with parsed arguments; return the exit code."""
    config_path = Path(args.config) if args.config else DEFAULT_CONFIG
    data_path = Path(args.data) if args.data else DEFAULT_PATH
    out = Path(args.out) if args.out else BASELINE_PATH
    if args.check:
        if not out.exists():
            raise InputError(f"{out}: no artifact to check against")
        shipped = read_artifact(out)
        seed = shipped["provenance"]["seed"] if args.seed is None else args.seed
        # Through JSON, as the shipped one was, so tuples and lists compare alike.
        new = json.loads(json.dumps(run_calibration(config_path, data_path, seed)))
        same_lock = shipped["provenance"]["packages"] == new["provenance"]["packages"]
        rtol = 0.0 if same_lock else 1e-6
        problems = compare(shipped, new, rtol)
        print(fit_table(new))
        if problems:
            print(f"MISMATCH with {out} ({len(problems)} differences, rtol {rtol:g}):")
            for line in problems[:20]:
                print(f"  {line}")
            return 1
        how = "identical" if same_lock else f"within {rtol:g} relative (package versions differ)"
        print(f"check passed: the re-run matches {out}, {how}")
        return 0
    if not out.parent.exists():
        raise InputError(f"--out {out}: directory {out.parent} does not exist")
    artifact = run_calibration(config_path, data_path, args.seed)
    print(fit_table(artifact))
    write_artifact(artifact, out)
    secs = artifact["provenance"]["wall_time_s"]
    print(f"wrote {out} in {secs:.1f} s" if math.isfinite(secs) else f"wrote {out}")
    return 0
