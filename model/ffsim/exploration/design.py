"""Designs of experiments: Latin hypercube or Sobol points over the factors' ranges, and draws
picked from the calibrated posterior.

Both start from points in the unit hypercube (``scipy.stats.qmc``, seeded), one dimension per
factor and, for posterior-weighted uncertainty, one more that picks a stored posterior draw:
the draws of the calibration's ensemble are equally weighted samples of the posterior, so a
uniform point picks each with equal probability and the design's stratification carries over to
the draws' order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from ffsim.core.errors import InputError
from ffsim.exploration.factors import Factor

Design = Literal["lhs", "sobol"]
DESIGNS: tuple[str, ...] = ("lhs", "sobol")


def unit_points(n: int, dimensions: int, design: str, seed: int) -> np.ndarray:
    """``n`` points in ``[0, 1)`` to the power ``dimensions``, shape (n, dimensions).

    ``sobol`` is scrambled and needs ``n`` a power of two (its balance properties hold only
    then).
    """
    from scipy.stats import qmc

    if n < 1:
        raise InputError(f"n {n}: allowed 1 or more")
    if design == "lhs":
        sampler: qmc.QMCEngine = qmc.LatinHypercube(d=max(dimensions, 1), seed=seed)
    elif design == "sobol":
        if n & (n - 1):
            raise InputError(f"n {n}: a Sobol design needs a power of two (such as 64, 256)")
        sampler = qmc.Sobol(d=max(dimensions, 1), scramble=True, seed=seed)
    else:
        raise InputError(f"design {design!r}: allowed {', '.join(DESIGNS)}")
    return np.asarray(sampler.random(n))[:, :dimensions]


def scaled(points: np.ndarray, factors: Sequence[Factor]) -> pd.DataFrame:
    """The unit points as factor values, one column per factor; a whole-number factor takes
    each whole value of its range with equal probability.
    """
    columns = {}
    for j, f in enumerate(factors):
        u = points[:, j]
        if f.integer:
            low, high = int(np.ceil(f.lower)), int(np.floor(f.upper))
            columns[f.name] = np.minimum(low + np.floor(u * (high - low + 1)), high).astype(int)
        else:
            columns[f.name] = f.lower + u * (f.upper - f.lower)
    return pd.DataFrame(columns)


def draw_indices(u: np.ndarray, available: int) -> np.ndarray:
    """The stored posterior draw each unit value picks: ``floor(u * available)``."""
    return np.minimum((u * available).astype(int), available - 1)
