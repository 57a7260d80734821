"""The calibration artifact (calibration/baseline.json): build, write, read, compare.

The artifact is plain JSON. ``baseline_parameters()`` reads the shipped one and is the default
parameter set of ``ffsim run`` and the app.
"""

from __future__ import annotations

import json
import math
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from ffsim import __version__
from ffsim.calibration.artifact_model import ARTIFACT_FORMAT
from ffsim.calibration.calibrate import Calibrator
from ffsim.calibration.fit_count import fit_count
from ffsim.calibration.likelihood import reading_probabilities
from ffsim.calibration.platform_info import platform_fingerprint
from ffsim.core.jit import kernel_hash
from ffsim.core.writer import write_file
from ffsim.resources import shown

PACKAGES = ("numpy", "scipy", "numba", "llvmlite", "emcee", "pydantic")
VOLATILE = {
    "wall_time_s",
    "created_utc",
    "git_commit",
    "git_dirty",
    "kernel_hash",
    "ffsim_version",
    "code_version",
}
"""Provenance that may differ between a run and its re-run: times, the commit, and the version
(a release that changes no number still reproduces; one that changes a number fails the check
on that number)."""
"""Provenance keys that record where and when a run happened, or which code it ran, rather
than what it found; :func:`compare` ignores them (the results must still match)."""

IDENTIFIED_WIDTH = 0.5
"""A parameter counts as pinned down when its 90% posterior interval is at most this share of
its 90% prior interval (measured in the unit cube, where the prior is uniform)."""


def _git() -> tuple[str, bool]:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=no"],
                cwd=Path(__file__).parent,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )
        return commit, dirty
    except (OSError, subprocess.CalledProcessError):
        return "unknown", False


def _package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


AT_MODE = 1e-6
"""A start reaches the posterior mode when its log posterior is within this of the best."""


def build_artifact(
    cal: Calibrator, data_file: Path, data_sha256: str, wall_time_s: float
) -> dict[str, Any]:
    """Everything a user needs to trust and reproduce the calibration, as a JSON-able dict."""
    problem = cal.problem
    cfg = problem.config
    best_values = problem.model_values(cal.best_theta_[None])[0]
    best_z = problem.z(best_values[None])[0]
    sample_values = problem.model_values(cal.sample_theta_)
    sample_z = problem.z(sample_values)
    count = fit_count(best_z, problem.statements)  # the rows cal.counted_rows() gives
    counted = set(count.rows)

    # The spread among the starts that reach the best log posterior (within AT_MODE); a start
    # that stops at a lower local mode is counted in fit.optimiser_starts, not in the spread.
    best_lp = max(s[2] for s in cal.starts_)
    ends = np.array([problem.theta(s[1]) for s in cal.starts_ if best_lp - s[2] <= AT_MODE])
    spread = np.max(
        np.abs(ends - cal.best_theta_) / np.maximum(np.abs(cal.best_theta_), 1e-12), axis=0
    )
    parameters = {}
    for i, f in enumerate(cfg.free):
        q = np.quantile(cal.sample_theta_[:, i], [0.05, 0.5, 0.95])
        uq = np.quantile(cal.sample_unit_[:, i], [0.05, 0.95])
        width = float((uq[1] - uq[0]) / 0.9)
        parameters[f.name] = {
            "estimate": float(cal.best_theta_[i]),
            "p05": float(q[0]),
            "p50": float(q[1]),
            "p95": float(q[2]),
            "prior": f.prior,
            "prior_lower": f.lower,
            "prior_upper": f.upper,
            "prior_centre": f.mean if f.prior == "normal" else f.median,
            "prior_spread": f.sd if f.prior == "normal" else f.sigma_log,
            "prior_source": f.source,
            "posterior_width_vs_prior": width,
            "pinned_down": width <= IDENTIFIED_WIDTH,
            "at_prior_edge": bool(min(cal.best_unit_[i], 1 - cal.best_unit_[i]) < 0.01),
            "optimiser_starts_relative_spread": float(spread[i]),
        }
    corr = np.corrcoef(cal.sample_unit_.T)
    pairs = [
        {"a": cfg.names[i], "b": cfg.names[j], "correlation": float(corr[i, j])}
        for i in range(len(cfg.free))
        for j in range(i + 1, len(cfg.free))
        if np.isfinite(corr[i, j]) and abs(corr[i, j]) >= 0.6
    ]

    observations = []
    for i, o in enumerate(problem.observations):
        lo, hi = np.quantile(sample_values[:, i], [0.05, 0.95])
        observations.append(
            {
                "id": o.id,
                "source": o.source_file,
                "outlet": o.outlet,
                "published": o.published.isoformat(),
                "ref_start": o.ref_start.isoformat(),
                "date": o.ref_end.isoformat(),
                "region": o.region,
                "measure": o.measure,
                "form": o.form,
                "groups": o.groups,
                "sigma_log": o.sigma_log,
                "reading_of": o.reading_of or None,
                "reading": o.reading or None,
                "counted": i in counted,
                "reported_low": o.reported_low,
                "reported_high": o.reported_high if math.isfinite(o.reported_high) else None,
                "model_value": float(best_values[i]),
                "model_p05": float(lo),
                "model_p95": float(hi),
                "z": float(best_z[i]),
                "within": bool(abs(best_z[i]) <= 1.0),
                "share_of_posterior_within": float(np.mean(np.abs(sample_z[:, i]) <= 1.0)),
                "conflicts_with": o.conflicts_with or None,
            }
        )
    readings = []
    for st in problem.statements:
        at_mode = reading_probabilities(best_z, st)
        posterior = reading_probabilities(sample_z, st).mean(axis=0)
        readings.append(
            {
                "statement": st.id,
                "readings": [
                    {
                        "reading": r.name,
                        "rows": [problem.observations[j].id for j in r.rows],
                        "prior_weight": r.weight,
                        "probability_at_mode": float(at_mode[k]),
                        "posterior_probability": float(posterior[k]),
                    }
                    for k, r in enumerate(st.readings)
                ],
                "supported": st.readings[int(np.argmax(posterior))].name,
            }
        )
    rows = sorted(counted)
    cz = best_z[rows]
    # Error in log space outside the reported range (z x sigma); for a difference, whose model
    # value can be zero or negative, the relative error (also z x sigma) stands in.
    log_errors = [float(best_z[i]) * float(problem.observations[i].sigma_log or 0.0) for i in rows]
    values_at_mode = problem.model_values(cal.best_theta_[None])
    fit = {
        "central_estimate": "posterior mode (log-likelihood plus log prior, in the unit cube, "
        "linear in the value or in its logarithm)",
        "n_fitted": count.n_fitted,
        "n_rows": len(problem.observations),
        "n_within": count.n_within,
        "share_within": float(np.mean(np.abs(cz) <= 1.0)),
        "share_within_2sigma": float(np.mean(np.abs(cz) <= 2.0)),
        "log_posterior": float(cal.best_log_likelihood_),
        "log_likelihood": float(problem.log_likelihood_values(values_at_mode)[0]),
        "rmse_log": float(np.sqrt(np.mean(np.square(log_errors)))),
        "largest_misfits": [problem.observations[rows[i]].id for i in np.argsort(-np.abs(cz))[:5]],
        "optimiser_starts": [{"log_posterior": s[2], "iterations": s[3]} for s in cal.starts_],
        "optimiser_starts_max_relative_spread": float(spread.max()),
        "sampler_acceptance_fraction": cal.acceptance_fraction_,
        "sampler_autocorr_time_max": float(np.max(cal.autocorr_time_)),
        "sampler_kept_steps_over_tau": float(cal.chain_unit_.shape[0] / np.max(cal.autocorr_time_)),
        "sampler_effective_samples_min": float(
            cal.chain_unit_.shape[0] * cal.chain_unit_.shape[1] / np.max(cal.autocorr_time_)
        ),
    }
    commit, dirty = _git()
    return {
        "format": ARTIFACT_FORMAT,
        "ffsim_version": __version__,
        "free_parameters": list(cfg.names),
        "parameters": parameters,
        "best_fit_parameters": cal.best_parameters().model_dump(),
        "observations": observations,
        "fit": fit,
        "readings": readings,
        "tensions": cal.tensions_,
        "identifiability": {
            "rule": f"pinned down when the 90% posterior interval is at most "
            f"{IDENTIFIED_WIDTH:g} of the 90% prior interval (unit cube)",
            "pinned_down": [n for n, p in parameters.items() if p["pinned_down"]],
            "not_pinned_down": [n for n, p in parameters.items() if not p["pinned_down"]],
            "strong_correlations": pairs,
        },
        "posterior_sample": {
            "names": list(cfg.names),
            "values": [[float(x) for x in row] for row in cal.sample_theta_],
        },
        "config": cfg.model_dump(mode="json"),
        "provenance": {
            "data_file": shown(data_file),
            "data_sha256": data_sha256,
            "code_version": __version__,
            "git_commit": commit,
            "git_dirty": dirty,
            "kernel_hash": kernel_hash(),
            "seed": cal.seed,
            "packages": _package_versions(),
            "platform": platform_fingerprint(),
            "wall_time_s": wall_time_s,
            "created_utc": _utc_now(),
        },
    }


def _utc_now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def write_artifact(artifact: dict[str, Any], path: Path) -> None:
    """Write the artifact as indented JSON (stable key order), replaced in one step
    (:func:`ffsim.core.writer.write_file`).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file(path, json.dumps(artifact, indent=1, sort_keys=True) + "\n")


def compare(shipped: Any, new: Any, rtol: float, path: str = "") -> list[str]:
    """Differences between two artifacts, ignoring volatile provenance; numbers within ``rtol``."""
    if isinstance(shipped, dict) and isinstance(new, dict):
        out = []
        for key in sorted(set(shipped) | set(new)):
            if key in VOLATILE:
                continue
            where = f"{path}.{key}" if path else key
            if key not in shipped or key not in new:
                out.append(f"{where}: present in only one artifact")
            else:
                out += compare(shipped[key], new[key], rtol, where)
        return out
    if isinstance(shipped, list) and isinstance(new, list):
        if len(shipped) != len(new):
            return [f"{path}: {len(shipped)} items shipped, {len(new)} now"]
        out = []
        for i, (a, b) in enumerate(zip(shipped, new, strict=True)):
            out += compare(a, b, rtol, f"{path}[{i}]")
        return out
    if isinstance(shipped, bool) or isinstance(new, bool):
        return [] if shipped == new else [f"{path}: shipped {shipped}, now {new}"]
    if isinstance(shipped, int | float) and isinstance(new, int | float):
        if shipped == new or math.isclose(shipped, new, rel_tol=rtol, abs_tol=rtol * 1e-6):
            return []
        return [f"{path}: shipped {shipped!r}, now {new!r}"]
    return [] if shipped == new else [f"{path}: shipped {shipped!r}, now {new!r}"]
