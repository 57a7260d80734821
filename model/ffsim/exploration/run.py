"""Experiments over policy levers and uncertainties, returned as tables in EMA Workbench's layout.

:func:`experiments` draws ``n`` scenarios of the uncertainties (a Latin hypercube or Sobol
design over parameter ranges, or draws of the calibrated posterior) and runs each under every
policy: the shipped scenarios named in ``policies``, or lever settings drawn in the same design
(``levers``). The experiments table has one row per run: a column per uncertainty, a column per
lever, then ``scenario`` (the uncertainty sample's number), ``policy`` and ``model``, as EMA
Workbench's ``perform_experiments`` returns them; the outcomes are a dict of arrays, one value
per row. The runs are split into chunks mapped over an executor (:mod:`ffsim.core.executor`),
and the outcomes do not depend on which executor ran them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ffsim.calibration.baseline import baseline_parameters, read_artifact
from ffsim.calibration.uncertainty import posterior_packed
from ffsim.core.errors import InputError
from ffsim.core.executor import Executor, chunks, executor_for
from ffsim.exploration.design import draw_indices, scaled, unit_points
from ffsim.exploration.evaluate import Chunk, evaluate
from ffsim.exploration.factors import choose, lever_factors, packed_index, parameter_factors
from ffsim.resources import SCENARIO_DIR
from ffsim.scenarios.levers import PARAMETER_LEVERS, Levers
from ffsim.scenarios.scenario import Scenario, baseline_scenario, load_scenario

POSTERIOR = "posterior"
"""``uncertainties=POSTERIOR``: each scenario is a draw of the calibrated posterior."""

DRAW = "posterior_draw"
"""The experiments' column holding the number of the posterior draw a scenario is."""

MODEL = "ffsim"
"""The ``model`` column's value."""

SAMPLED = "sampled"
"""The ``policy`` of experiments whose levers the design drew."""


@dataclass(frozen=True)
class Experiments:
    """Experiments and their outcomes, as EMA Workbench returns them.

    ``experiments``: one row per run. ``outcomes``: outcome name to one value per row.
    ``design``: how they were drawn (design, n, seed, uncertainties, levers, policies).
    """

    experiments: pd.DataFrame
    outcomes: dict[str, np.ndarray]
    design: dict[str, Any]

    def outcomes_frame(self) -> pd.DataFrame:
        """The outcomes as a table, one column per outcome, aligned with the experiments."""
        return pd.DataFrame(self.outcomes, index=self.experiments.index)

    def uncertainty_names(self) -> list[str]:
        """The experiments' columns that are uncertainties (in EMA's order: first)."""
        return list(self.design["uncertainty_columns"])

    def lever_names(self) -> list[str]:
        """The experiments' columns that are levers."""
        return list(Levers.model_fields)


def _uncertainty_rows(
    uncertainties: str | Sequence[str] | Mapping[str, tuple[float, float]] | None,
    points: np.ndarray,
    artifact: dict[str, Any],
) -> tuple[pd.DataFrame, np.ndarray | None, list[int]]:
    """The scenarios' uncertainty columns, the posterior draws they pick (or None), and the
    packed positions of the sampled parameters.
    """
    if uncertainties is None:
        return pd.DataFrame(index=range(points.shape[0])), None, []
    if uncertainties == POSTERIOR:
        sample = artifact["posterior_sample"]
        values = np.asarray(sample["values"], dtype=float)
        picked = draw_indices(points[:, 0], values.shape[0])
        frame = pd.DataFrame(values[picked], columns=list(sample["names"]))
        frame.insert(0, DRAW, picked)
        return frame, picked, []
    factors = choose(uncertainties, parameter_factors(), "uncertainty")
    frame = scaled(points[:, : len(factors)], factors)
    return frame, None, [packed_index(f.name) for f in factors]


def _dimensions(uncertainties: Any) -> int:
    if uncertainties is None:
        return 0
    if uncertainties == POSTERIOR:
        return 1
    return len(choose(uncertainties, parameter_factors(), "uncertainty"))


def shipped_policies() -> list[str]:
    """Names of the shipped scenarios (``scenarios/*.toml``) and ``baseline``: the policies."""
    return ["baseline", *sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))]


def _policies(policies: Sequence[str | Scenario] | None) -> list[tuple[str, Scenario]]:
    """Each policy's name in the ``policy`` column (a shipped scenario's file name, or a given
    scenario's name) and its scenario.
    """
    out = []
    for p in policies or ["baseline"]:
        if isinstance(p, Scenario):
            out.append((p.name, p))
        elif p == "baseline":
            out.append((p, baseline_scenario()))
        elif p in shipped_policies():
            out.append((p, load_scenario(SCENARIO_DIR / f"{p}.toml")))
        else:
            raise InputError(f"policy {p!r}: allowed {', '.join(shipped_policies())}")
    names = [name for name, _ in out]
    if len(set(names)) != len(names):
        raise InputError(f"policies {names}: each policy once")
    return out


def experiments(
    levers: Sequence[str] | Mapping[str, tuple[float, float]] | None = None,
    uncertainties: str | Sequence[str] | Mapping[str, tuple[float, float]] | None = POSTERIOR,
    n: int = 100,
    design: str = "lhs",
    seed: int = 0,
    policies: Sequence[str | Scenario] | None = None,
    executor: Executor | None = None,
    artifact: Path | None = None,
) -> Experiments:
    """Run ``n`` scenarios of the uncertainties under each policy.

    Parameters
    ----------
    levers
        Levers the design draws over their ranges (``"all"``, names, or names with narrower
        bounds); each experiment is then its own policy (``policy`` is ``"sampled"``). Levers not
        drawn keep the policy's values. Excludes ``policies``.
    uncertainties
        ``"posterior"`` (default): each scenario is a draw of the calibrated posterior's stored
        ensemble, equally weighted. Or parameter names (``"all"``, ``["network_strength",
        "radicalisation_rate.france"]``, or names with bounds) drawn over their schema's range
        around the best fit. ``None``: the best fit only.
    n
        Scenarios (uncertainty samples); the model runs ``n`` times per policy.
    design
        ``"lhs"`` (Latin hypercube) or ``"sobol"`` (scrambled; ``n`` a power of two).
    seed
        Seed of the design; the same arguments give the same experiments and outcomes.
    policies
        Shipped scenario names (``"baseline"``, ``"early_response"``, ...) or scenarios; each
        scenario of the uncertainties runs under each. Default: the calibrated baseline.
    executor
        Where the runs go (:func:`ffsim.core.executor.executor_for`): a process pool
        (``ProcessExecutor``) or a Dask cluster (``DaskExecutor``); default: this process, where
        each chunk's ensemble call runs on every core.
    artifact
        The calibration artifact whose best fit and posterior draws are used (default: the
        active one).
    """
    if levers is not None and policies:
        raise InputError("levers and policies exclude each other: draw levers, or name policies")
    lever_set = choose(levers, lever_factors(), "lever") if levers is not None else ()
    k = _dimensions(uncertainties)
    points = unit_points(n, k + len(lever_set), design, seed)
    record = read_artifact(artifact)
    unc, picked, positions = _uncertainty_rows(uncertainties, points, record)
    drawn = scaled(points[:, k:], lever_set)
    base_packed = baseline_parameters(artifact).pack()
    draws = posterior_packed(baseline_parameters(artifact), record) if picked is not None else None
    chosen = _policies(policies)

    frames, packed, lever_rows, driver_index = [], [], [], []
    for j, (policy_name, policy) in enumerate(chosen):
        own = policy.parameters.pack()
        if draws is not None and picked is not None:
            block = draws[picked].copy()
            changed = own != base_packed  # what a scenario sets itself overrides the draws
            block[:, changed] = own[changed]
        else:
            block = np.tile(own, (n, 1))
        if positions:
            block[:, positions] = unc.to_numpy(dtype=float)[:, -len(positions) :]
        lever_values = pd.DataFrame(
            {name: [getattr(policy.levers, name)] * n for name in Levers.model_fields}
        )
        for name in drawn.columns:
            lever_values[name] = drawn[name].to_numpy()
        for name in PARAMETER_LEVERS:
            block[:, packed_index(name)] = lever_values[name].to_numpy(dtype=float)
        frame = pd.concat([unc.reset_index(drop=True), lever_values], axis=1)
        frame["scenario"] = np.arange(n)
        frame["policy"] = SAMPLED if lever_set else policy_name
        frame["model"] = MODEL
        frames.append(frame)
        packed.append(block)
        lever_rows += [tuple(r) for r in lever_values.itertuples(index=False, name=None)]
        driver_index += [j] * n

    table = pd.concat(frames, ignore_index=True)
    all_packed = np.vstack(packed)
    executor = executor or executor_for()
    settings = chosen[0][1].settings
    if any(p.settings != settings for _, p in chosen):
        raise InputError("policies: every policy must cover the same time span")
    raw = tuple(p.raw_drivers for _, p in chosen)
    tasks = [
        Chunk(
            all_packed[r.start : r.stop],
            tuple(_plain(v) for v in lever_rows[r.start : r.stop]),
            raw,
            tuple(driver_index[r.start : r.stop]),
            settings,
        )
        for r in chunks(len(table), executor.workers)
    ]
    parts = executor.map(evaluate, tasks)
    outcomes = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    info = {
        "design": design,
        "n": n,
        "seed": seed,
        "uncertainties": uncertainties
        if isinstance(uncertainties, str | None)
        else list(uncertainties),
        "uncertainty_columns": list(unc.columns),
        "levers": [f.name for f in lever_set],
        "policies": [name for name, _ in chosen],
    }
    return Experiments(table, outcomes, info)


def _plain(values: tuple[Any, ...]) -> tuple[float, ...]:
    """Lever values as plain Python numbers (a chunk's cache key; pickled to any worker)."""
    return tuple(v.item() if hasattr(v, "item") else v for v in values)
