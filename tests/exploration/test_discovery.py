"""Scenario discovery and robustness: our PRIM box is EMA Workbench's own, on a dataset with a
known box; CART finds the same region; regret and satisficing follow their definitions."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from ffsim.core.errors import InputError
from ffsim.core.executor import SerialExecutor
from ffsim.exploration.discovery import cart_rules, fails_to_cut, prim_box
from ffsim.exploration.robustness import by_scenario, robustness
from ffsim.exploration.run import Experiments, experiments


def _known_box(n=2000, seed=1):
    """Cases exactly where a > 0.6 and b < 0.3; c is noise."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(
        {"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n), "c": rng.uniform(0, 1, n)}
    )
    return x, ((x["a"] > 0.6) & (x["b"] < 0.3)).to_numpy()


def _library_box(x, y, threshold, choose):
    """EMA Workbench called directly, as its documentation shows."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        box = prim.Prim(x.copy(), y, threshold=threshold).find_box()
        if choose == "widest":
            trajectory = box.peeling_trajectory
            box.select(int(trajectory[trajectory["density"] >= threshold]["coverage"].idxmax()))
    return box


@pytest.mark.parametrize("choose", ["last", "widest"])
def test_our_prim_box_is_ema_workbench_own(choose):
    x, y = _known_box()
    box = prim_box(x, y, threshold=0.8, choose=choose)
    direct = _library_box(x, y, 0.8, choose)
    limits = direct.box_lims[direct._cur_box]
    assert list(box.limits.index) == ["a", "b"]  # c is noise: left unrestricted
    for name in ("a", "b"):
        assert box.limits.loc[name, "min"] == limits[name][0]
        assert box.limits.loc[name, "max"] == limits[name][1]
    assert (box.coverage, box.density, box.mass) == (direct.coverage, direct.density, direct.mass)
    assert box.density >= 0.8


def test_prim_finds_the_known_box():
    x, y = _known_box()
    last = prim_box(x, y, choose="last")
    assert last.limits.loc["a", "min"] == pytest.approx(0.6, abs=0.03)
    assert last.limits.loc["b", "max"] == pytest.approx(0.3, abs=0.03)
    widest = prim_box(x, y)  # the widest box that is dense enough holds every case
    assert widest.coverage == 1.0
    assert widest.limits.loc["a", "min"] <= 0.6 and widest.limits.loc["b", "max"] >= 0.3
    assert widest.coverage >= last.coverage and widest.density <= last.density
    assert widest.sentences({"a": "Alpha"})[0].startswith("Alpha from 0.58")


def test_cart_puts_the_known_box_in_its_purest_leaf():
    x, y = _known_box()
    best = cart_rules(x, y, max_depth=2)[0]
    assert best.share == 1.0
    assert sorted(best.conditions) == ["a > 0.6003", "b <= 0.2995"]


def test_prim_needs_cases():
    x, y = _known_box(200)
    with pytest.raises(InputError, match="0 of 200"):
        prim_box(x, np.zeros(len(y), dtype=bool))


def _made(values):
    """Experiments with given outcomes: scenarios by rows, policies by columns."""
    values = np.asarray(values, dtype=float)
    n, m = values.shape
    table = pd.DataFrame(
        {
            "u": np.tile(np.arange(n, dtype=float), m),
            "scenario": np.tile(np.arange(n), m),
            "policy": np.repeat([f"p{j}" for j in range(m)], n),
            "model": "ffsim",
        }
    )
    return Experiments(table, {"y": values.T.ravel()}, {"uncertainty_columns": ["u"]})


def test_regret_and_satisficing_follow_their_definitions():
    result = _made([[10, 12, 11], [20, 15, 30], [5, 5, 9]])
    table = robustness(result, "y", threshold=11)
    assert list(table["max_regret"]) == [5, 2, 15]
    assert list(table["satisficing"]) == pytest.approx([2 / 3, 1 / 3, 2 / 3])
    assert list(table["median"]) == [10, 12, 11]
    assert by_scenario(result, "y").shape == (3, 3)


def test_fails_to_cut_compares_each_scenario_with_the_reference():
    result = _made([[100, 85], [100, 75], [50, 45]])
    x, y = fails_to_cut(result, "p1", "p0", "y", 0.2)
    assert list(y) == [True, False, True]
    assert list(x["u"]) == [0.0, 1.0, 2.0]
    with pytest.raises(InputError, match="allowed p0, p1"):
        fails_to_cut(result, "p9", "p0", "y", 0.2)


def test_discovery_runs_on_the_posterior_and_a_shipped_policy():
    result = experiments(
        n=120, policies=["baseline", "border_closed_year_earlier"], executor=SerialExecutor()
    )
    x, y = fails_to_cut(result, "border_closed_year_earlier", "baseline", "in_theatre_2016", 0.2)
    assert 0 < y.sum() < len(y)
    box = prim_box(x, y)
    inside = np.ones(len(x), dtype=bool)
    for name, row in box.limits.iterrows():
        inside &= x[name].between(row["min"], row["max"]).to_numpy()
    assert y[inside].mean() == pytest.approx(box.density)
    assert y[inside].sum() / y.sum() == pytest.approx(box.coverage)
