"""Scenario discovery: under which assumptions does a policy fail? PRIM boxes and CART rules.

PRIM is EMA Workbench's implementation (``ema_workbench.analysis.prim``) and CART is
scikit-learn's ``DecisionTreeClassifier``; both are the optional extra ``ffsim[discovery]``,
imported only here and only when called. :func:`fails_to_cut` turns experiments run under a
policy and a reference into the case each scenario is (the policy did not cut an outcome by the
share asked for), which both methods then describe in terms of the uncertainties.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ffsim.core.errors import InputError
from ffsim.exploration.run import DRAW, Experiments

EXTRA = "pip install 'ffsim[discovery]'"


def _prim_module() -> Any:
    try:
        with warnings.catch_warnings():
            # ema_workbench warns at import that its optional ipyparallel evaluator is missing.
            warnings.filterwarnings("ignore", message="ipyparallel not installed")
            from ema_workbench.analysis import prim
    except ImportError:
        raise InputError(f"PRIM needs EMA Workbench: {EXTRA}") from None
    return prim


def fails_to_cut(
    result: Experiments, policy: str, reference: str, outcome: str, cut: float
) -> tuple[pd.DataFrame, np.ndarray]:
    """The uncertainties of each scenario and whether ``policy`` failed to cut ``outcome`` by
    ``cut`` (a share: 0.2 for 20%) from its value under ``reference`` in the same scenario.

    Returns the scenarios' uncertainty columns (the posterior draw's number left out) and a
    boolean array, True where the policy's outcome is above ``(1 - cut)`` times the reference's.
    """
    table = result.experiments
    for name, value in (("policy", policy), ("reference", reference)):
        if value not in set(table["policy"]):
            raise InputError(
                f"{name} {value!r}: allowed {', '.join(dict.fromkeys(table['policy']))}"
            )
    if outcome not in result.outcomes:
        raise InputError(f"outcome {outcome!r}: allowed {', '.join(result.outcomes)}")
    if not 0.0 < cut < 1.0:
        raise InputError(f"cut {cut:g}: allowed a share between 0 and 1 (0.2 for 20%)")
    values = result.outcomes[outcome]
    mine = (table["policy"] == policy).to_numpy()
    ref = (table["policy"] == reference).to_numpy()
    order_mine = np.argsort(table["scenario"].to_numpy()[mine], kind="stable")
    order_ref = np.argsort(table["scenario"].to_numpy()[ref], kind="stable")
    y = values[mine][order_mine] > (1.0 - cut) * values[ref][order_ref]
    columns = [c for c in result.uncertainty_names() if c != DRAW]
    x = table.loc[mine, columns].iloc[order_mine].reset_index(drop=True)
    return x, y


@dataclass(frozen=True)
class Box:
    """A PRIM box: the restricted dimensions' limits, and how well the box describes the cases.

    ``limits``: one row per restricted dimension, columns ``min`` and ``max``. ``coverage``:
    the share of all cases that lie in the box; ``density``: the share of cases among the
    scenarios in the box; ``mass``: the share of scenarios in the box.
    """

    limits: pd.DataFrame
    coverage: float
    density: float
    mass: float

    def sentences(self, labels: Mapping[str, str] | None = None) -> list[str]:
        """Each limit in plain words: ``Network strength from 1.2 to 3``."""
        labels = labels or {}
        return [
            f"{labels.get(name, name)} from {row['min']:,.3g} to {row['max']:,.3g}"
            for name, row in self.limits.iterrows()
        ]


def prim_box(
    x: pd.DataFrame,
    y: np.ndarray,
    threshold: float = 0.8,
    peel_alpha: float = 0.05,
    choose: str = "widest",
) -> Box:
    """A PRIM box of the cases ``y`` over ``x``, from EMA Workbench's peeling trajectory
    (``Prim.find_box``).

    ``choose="widest"`` (default): of the boxes on the trajectory whose density reaches
    ``threshold``, the one with the highest coverage (``box.select(i)``, as an analyst reads the
    trade-off); it restricts fewer assumptions than the last box. ``choose="last"``: the box
    ``find_box`` ends on, the densest.
    """
    if choose not in ("widest", "last"):
        raise InputError(f"choose {choose!r}: allowed widest, last")
    prim = _prim_module()
    y = np.asarray(y, dtype=bool)
    if len(x) != len(y) or not y.any():
        raise InputError(f"PRIM needs cases: {int(y.sum())} of {len(y)} scenarios are cases")
    with warnings.catch_warnings():
        # EMA Workbench 2.5 calls pandas methods that pandas 3.1 deprecates (inplace=).
        warnings.filterwarnings("ignore", module="ema_workbench")
        finder = prim.Prim(x.reset_index(drop=True), y, threshold=threshold, peel_alpha=peel_alpha)
        box = finder.find_box()
        if choose == "widest":
            trajectory = box.peeling_trajectory
            dense = trajectory[trajectory["density"] >= threshold]
            if len(dense):
                box.select(int(dense["coverage"].idxmax()))
        lims = box.box_lims[box._cur_box]
        start = finder.box_init
    restricted = [
        c
        for c in x.columns
        if not np.isclose(lims[c][0], start[c][0]) or not np.isclose(lims[c][1], start[c][1])
    ]
    limits = pd.DataFrame(
        {
            "min": [float(lims[c][0]) for c in restricted],
            "max": [float(lims[c][1]) for c in restricted],
        },
        index=pd.Index(restricted, name="uncertainty"),
    )
    return Box(limits, float(box.coverage), float(box.density), float(box.mass))


@dataclass(frozen=True)
class Rule:
    """A leaf of a CART tree: its conditions, scenarios and share of cases among them."""

    conditions: tuple[str, ...]
    scenarios: int
    share: float


def cart_rules(x: pd.DataFrame, y: np.ndarray, max_depth: int = 3, seed: int = 0) -> list[Rule]:
    """The leaves of a classification tree of ``y`` over ``x`` (scikit-learn), most cases
    first; each leaf's path from the root as conditions on the uncertainties.
    """
    try:
        from sklearn.tree import DecisionTreeClassifier
    except ImportError:
        raise InputError(f"CART needs scikit-learn: {EXTRA}") from None
    y = np.asarray(y, dtype=bool)
    leaf_size = max(5, len(y) // 50)
    tree = DecisionTreeClassifier(
        max_depth=max_depth, min_samples_leaf=leaf_size, random_state=seed
    )
    tree.fit(x.to_numpy(dtype=float), y)
    t = tree.tree_
    rules: list[Rule] = []

    def walk(node: int, path: tuple[str, ...]) -> None:
        if t.children_left[node] == -1:
            counts = t.value[node][0]
            share = (
                float(counts[-1] / counts.sum())
                if len(tree.classes_) == 2
                else float(tree.classes_[0])
            )
            rules.append(Rule(path, int(t.n_node_samples[node]), share))
            return
        name, cut = x.columns[t.feature[node]], float(t.threshold[node])
        walk(int(t.children_left[node]), (*path, f"{name} <= {cut:,.4g}"))
        walk(int(t.children_right[node]), (*path, f"{name} > {cut:,.4g}"))

    walk(0, ())
    return sorted(rules, key=lambda r: (-r.share, -r.scenarios))
