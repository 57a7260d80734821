"""Reported figures simulated through the observation model the likelihood assumes, for
simulation-based calibration (SBC).

SBC is exact only when the simulated figures come from the density the likelihood is: the
likelihood of each figure, read as a function of the figure for a fixed model value, must
integrate to a constant that does not depend on the model. Form by form
(``ffsim.calibration.likelihood``; ``m`` the model value, ``sigma`` the figure's ``sigma_log``):

- **point, roughly, ratio**: ``log y = log m + sigma * e``, ``e`` standard normal; exact.
- **range** ``[low, high]`` of log width ``w``: the likelihood is 1 while ``m`` lies in the
  range and falls as a normal in the log distance outside. Read as a density of the range's
  log centre ``c`` it integrates to ``w + sigma * sqrt(2 pi)`` whatever ``m``: so ``c`` is drawn
  uniform within ``w / 2`` of ``log m`` with probability ``w / (w + sigma sqrt(2 pi))``, else at
  ``w / 2 + |sigma e|`` on either side; the width is the reported one. Exact.
- **difference**: normal in the value with standard deviation ``sigma |v|`` for the reported
  ``v``. The spread is held at the reported figure's (``sigma |v_reported|``) so that it does not
  depend on the draw; the likelihood in the replication uses that same spread. Exact.
- **lower bound, upper bound**: flat on the open side, the likelihood has no finite integral and
  so no generative density. SBC reads each bound as a range that reaches a factor
  ``BOUND_WIDTH`` (10) beyond it on the open side, simulates it as a range, and fits the
  replication with it. The shipped fit differs from that reading only where the model is over
  ten times above a lower bound (below an upper one); at the shipped best fit no bound is.
- **several readings of one statement** (a mixture in the likelihood): the reading is drawn
  with its weight, its rows are simulated as above and the other readings' rows are left out of
  that replication (their figures would be the same reported numbers read otherwise, which no
  per-row model generates). SBC thus checks the inference under each reading as chance picks
  it; the mixture's own arithmetic is checked by the likelihood's unit tests.
"""

from __future__ import annotations

import math

import numpy as np

from ffsim.calibration.likelihood import TINY
from ffsim.calibration.observations import Observation, statements

BOUND_WIDTH = 10.0
"""How far beyond a bound, as a factor, the range SBC reads it as reaches on the open side."""


def as_range(o: Observation) -> Observation:
    """A bound read as a range reaching ``BOUND_WIDTH`` beyond it (other forms unchanged)."""
    if o.form == "lower_bound":
        low = float(o.low)  # type: ignore[arg-type]
        return o.model_copy(update={"form": "range", "high": low * BOUND_WIDTH})
    if o.form == "upper_bound":
        high = float(o.high)  # type: ignore[arg-type]
        return o.model_copy(update={"form": "range", "low": high / BOUND_WIDTH})
    return o


def _range_centre(log_m: float, width: float, sigma: float, rng: np.random.Generator) -> float:
    inside = width / (width + sigma * math.sqrt(2 * math.pi))
    if rng.random() < inside:
        return log_m + (rng.random() - 0.5) * width
    side = 1.0 if rng.random() < 0.5 else -1.0
    return log_m + side * (width / 2 + abs(sigma * rng.standard_normal()))


def simulate_figure(o: Observation, m: float, rng: np.random.Generator) -> Observation:
    """Figure ``o`` as the observation model would report it for model value ``m``."""
    o = as_range(o)
    sigma = float(o.sigma_log)  # type: ignore[arg-type]
    if o.form == "difference":
        reported = float(o.value)  # type: ignore[arg-type]
        spread = sigma * abs(reported)
        v = m + spread * rng.standard_normal()
        if v == 0.0:  # probability 0; a zero value would make the spread undefined
            v = spread * 1e-12
        return o.model_copy(update={"value": v, "sigma_log": spread / abs(v)})
    log_m = math.log(max(m, TINY))
    if o.form == "range":
        width = math.log(float(o.high) / float(o.low))  # type: ignore[arg-type]
        c = _range_centre(log_m, width, sigma, rng)
        return o.model_copy(
            update={
                "value": math.exp(c),
                "low": math.exp(c - width / 2),
                "high": math.exp(c + width / 2),
            }
        )
    return o.model_copy(update={"value": math.exp(log_m + sigma * rng.standard_normal())})


def single_reading(o: Observation) -> Observation:
    """The row without its statement's reading fields (it is then the only reading)."""
    return o.model_copy(update={"reading_of": "", "reading": "", "reading_weight": None})


def simulate_figures(
    observations: tuple[Observation, ...], values: np.ndarray, rng: np.random.Generator
) -> tuple[Observation, ...]:
    """The figures of one replication: a reading drawn for each statement, every kept row
    simulated from its model value ``values[i]`` (one per row of ``observations``).

    The rows keep their order; the dropped readings' rows are absent.
    """
    keep = set(range(len(observations)))
    for st in statements(observations):
        weights = np.array([r.weight for r in st.readings])
        chosen = int(rng.choice(len(st.readings), p=weights / weights.sum()))
        for k, r in enumerate(st.readings):
            if k != chosen:
                keep -= set(r.rows)
    out = []
    for i, o in enumerate(observations):
        if i in keep:
            simulated = simulate_figure(o, float(values[i]), rng)
            out.append(single_reading(simulated) if o.reading_of else simulated)
    return tuple(out)


def fitted_as_sbc_reads(observations: tuple[Observation, ...]) -> tuple[Observation, ...]:
    """The observations with every bound read as SBC reads it (:func:`as_range`)."""
    return tuple(as_range(o) for o in observations)
