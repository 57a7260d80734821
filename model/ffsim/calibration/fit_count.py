"""Which fitted figures count in the fit statistics, and how many of them one sigma holds.

A figure read one way counts; of a statement read in several ways (rows sharing
``reading_of``), only the rows of its most probable reading count, the probability being
:func:`~ffsim.calibration.likelihood.reading_probabilities` at the residuals given
(docs/calibration.md, "One statement, several readings"). The calibration artifact's
``n_fitted`` and ``n_within`` are this count at the posterior mode; the app's score is the
same count at the run shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ffsim.calibration.likelihood import reading_probabilities
from ffsim.calibration.observations import Statement

WITHIN = 1.0
"""A figure is met when its standardised residual is at most this in absolute value (one
sigma of the figure's assigned uncertainty, or inside its reported range or bound)."""


@dataclass(frozen=True)
class FitCount:
    """The rows that count (indices into the fitted figures) and how many lie within one sigma."""

    rows: tuple[int, ...]
    n_within: int

    @property
    def n_fitted(self) -> int:
        """Number of rows that count."""
        return len(self.rows)


def counted_rows(z: np.ndarray, statements: tuple[Statement, ...]) -> tuple[int, ...]:
    """Rows that count in the fit statistics, in order.

    Parameters
    ----------
    z
        Standardised residuals of one run, one per fitted row (dimensionless, shape (n,)).
    statements
        The statements read in several ways among those rows
        (:func:`~ffsim.calibration.observations.statements`).

    Returns
    -------
    tuple of int
        Every row that is the only reading of its figure, and for each statement the rows of
        its most probable reading at ``z`` (the first of equally probable ones).
    """
    z = np.asarray(z, dtype=float)
    if z.ndim != 1:
        raise ValueError(f"z must hold one run's residuals (shape (n,)), got shape {z.shape}")
    skip: set[int] = set()
    for st in statements:
        best = int(np.argmax(reading_probabilities(z, st)))
        skip |= {i for k, r in enumerate(st.readings) if k != best for i in r.rows}
    return tuple(i for i in range(z.shape[0]) if i not in skip)


def fit_count(z: np.ndarray, statements: tuple[Statement, ...]) -> FitCount:
    """The counted rows at residuals ``z`` and how many of them lie within one sigma.

    Parameters
    ----------
    z
        Standardised residuals of one run, one per fitted row (shape (n,)).
    statements
        The statements read in several ways among those rows.
    """
    rows = counted_rows(z, statements)
    within = int(np.sum(np.abs(np.asarray(z, dtype=float)[list(rows)]) <= WITHIN))
    return FitCount(rows, within)


def beyond_stated(model: float, low: float | None, high: float | None) -> str:
    """Where the model lies against a reported range or bound, when outside it: ``"bound
    exceeded by 21%"`` above an upper end, ``"below the lower end by 30%"`` under a lower one;
    ``""`` inside it, or for a point figure (``low == high``). A figure outside its range can
    still lie within one sigma: the fit table says both.

    Parameters
    ----------
    model
        The model's value of the figure.
    low, high
        The reported range as the artifact stores it: ``high`` is ``None`` for a lower bound and
        ``low`` is 0 for an upper bound.
    """
    if low is not None and high is not None and low == high:
        return ""
    if high is not None and model > high:
        return f"above the stated {'bound' if not low else 'range'} by {model / high - 1:.0%}"
    if low and model < low:
        return f"below the stated {'bound' if high is None else 'range'} by {1 - model / low:.0%}"
    return ""
