"""Likelihood terms, one small pure function per form of reported figure.

Each returns the standardised residual z (0 inside a reported range, signed: negative when the
model is below); the log-likelihood contribution is ``-z**2 / 2``. Multiplicative figures
(counts, rates, ratios) are compared in log space, with ``sigma`` the standard deviation of the
log; a difference is compared in linear space with standard deviation ``sigma * |value|``.
"""

from __future__ import annotations

import math

import numpy as np

from ffsim.calibration.observations import Observation, Statement

TINY = 1e-9
"""Floor for model values before taking logs (persons); a zero model value is far off, not NaN."""


def _log(x: np.ndarray | float) -> np.ndarray:
    return np.log(np.maximum(x, TINY))


def z_point(model: np.ndarray, value: float, sigma: float) -> np.ndarray:
    """Point or "roughly" figure, and ratios: log-normal error around ``value``."""
    return (_log(model) - np.log(value)) / sigma


def z_range(model: np.ndarray, low: float, high: float, sigma: float) -> np.ndarray:
    """Range ``[low, high]``: no penalty inside, log-normal tails outside."""
    lm = _log(model)
    below = np.minimum(lm - np.log(low), 0.0)
    above = np.maximum(lm - np.log(high), 0.0)
    return (below + above) / sigma


def z_lower_bound(model: np.ndarray, low: float, sigma: float) -> np.ndarray:
    """Lower bound ("more than", "at least"): penalty only below ``low``."""
    return np.minimum(_log(model) - np.log(low), 0.0) / sigma


def z_upper_bound(model: np.ndarray, high: float, sigma: float) -> np.ndarray:
    """Upper bound ("as many as", "up to"): penalty only above ``high``."""
    return np.maximum(_log(model) - np.log(high), 0.0) / sigma


def z_difference(model: np.ndarray, value: float, sigma: float) -> np.ndarray:
    """Difference ("decreased by"): normal error in linear space, sd ``sigma * |value|``."""
    return (np.asarray(model, dtype=float) - value) / (sigma * abs(value))


def z_score(model: np.ndarray, obs: Observation) -> np.ndarray:
    """Standardised residual of the model value(s) against observation ``obs``."""
    sigma = float(obs.sigma_log)  # type: ignore[arg-type]
    if obs.form in ("point", "roughly", "ratio"):
        return z_point(model, float(obs.value), sigma)  # type: ignore[arg-type]
    if obs.form == "range":
        return z_range(model, float(obs.low), float(obs.high), sigma)  # type: ignore[arg-type]
    if obs.form == "lower_bound":
        return z_lower_bound(model, float(obs.low), sigma)  # type: ignore[arg-type]
    if obs.form == "upper_bound":
        return z_upper_bound(model, float(obs.high), sigma)  # type: ignore[arg-type]
    if obs.form == "difference":
        return z_difference(model, float(obs.value), sigma)  # type: ignore[arg-type]
    raise ValueError(f"observation {obs.id}: unknown form {obs.form!r}")


def log_likelihood(z: np.ndarray, statements: tuple[Statement, ...] = ()) -> np.ndarray:
    """Log-likelihood of standardised residuals ``z`` (..., n_obs).

    Rows that are the only reading of their figure add ``-z**2 / 2``. A statement with several
    readings adds the log of the mixture ``sum_k w_k exp(-sum of z**2 / 2 over the rows of
    reading k)``: each reading's term is 1 where the model matches it exactly, so the mixture
    weighs how well the model can match each reading, given every other figure.
    """
    half = -0.5 * np.square(np.asarray(z, dtype=float))
    in_statement = {i for s in statements for r in s.readings for i in r.rows}
    singles = [i for i in range(half.shape[-1]) if i not in in_statement]
    total = half[..., singles].sum(axis=-1)
    for s in statements:
        total = total + _logsumexp(_reading_terms(half, s))
    return total


def _reading_terms(half: np.ndarray, statement: Statement) -> np.ndarray:
    return np.stack(
        [math.log(r.weight) + half[..., list(r.rows)].sum(axis=-1) for r in statement.readings],
        axis=-1,
    )


def _logsumexp(terms: np.ndarray) -> np.ndarray:
    top = terms.max(axis=-1)
    return top + np.log(np.exp(terms - top[..., None]).sum(axis=-1))


def reading_probabilities(z: np.ndarray, statement: Statement) -> np.ndarray:
    """Posterior probability of each reading of ``statement`` given residuals ``z`` (..., k)."""
    terms = _reading_terms(-0.5 * np.square(np.asarray(z, dtype=float)), statement)
    return np.exp(terms - _logsumexp(terms)[..., None])
