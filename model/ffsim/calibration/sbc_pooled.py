"""What an SBC run says taken whole: the parameters' ranks pooled, the log-likelihood's ranks,
and how surprising the worst parameter is among so many.

The per-quantity checks (:func:`ffsim.calibration.sbc_ranks.sbc_summary`) judge each quantity
alone, held to a family-wise level, so they detect only large departures. Pooled over the
parameters, the ranks show a posterior that is too narrow or too wide for all of them at once
long before any one fails (as the first run of the shipped set-up did, docs/validation.md); the
log-likelihood of the figures at the truth shows whether the draws fit the simulated figures
better than the truth does. This module computes those readings from a run's ranks, so that
the docs quote them from the shipped run, never by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ffsim.calibration.sbc import LOG_LIKELIHOOD
from ffsim.calibration.sbc_ranks import (
    central_ranks,
    chi_square_uniformity,
    location_z,
)
from ffsim.core.errors import InputError

LOW_RANK = 5
"""The log-likelihood ranked this low or lower (of ``0..L``) is counted: the measure the first
run's verdict was read by (6 of its 13 replications, docs/validation.md)."""

DECILES = 10
"""The bins of the pooled ranks' chi-square test."""


@dataclass(frozen=True)
class PooledReading:
    """An SBC run's ranks read together.

    Attributes
    ----------
    replications, parameters, draws
        The replications, the parameters ranked (the log-likelihood aside) and ``L``.
    outside, values, nominal_outside
        True values outside their central 90% interval (:func:`central_ranks`), of ``values``
        (replications times parameters); the share a sound inference would give.
    outside_p
        The two-sided binomial test of ``outside`` against ``nominal_outside``, which takes
        the ranks as independent: those of one replication are not (its parameters are
        correlated in the posterior and in the constraints of the prior), so this p runs small.
    outside_t_p
        The two-sided t-test of each replication's count outside (its ``parameters`` ranks)
        against ``parameters * nominal_outside``, the replications being independent: the test
        to read.
    dispersion
        The variance of those counts over the binomial's, ``parameters * p * (1 - p)``: about 1
        for independent ranks, more where a replication's ranks move together.
    deciles_p
        The chi-square test that the pooled ranks fall evenly in :data:`DECILES` bins (taking
        them as independent, as ``outside_p`` does).
    extremes, nominal_extremes
        The share of ranks that are 0 or ``L``, and ``2 / (L + 1)``.
    ll_low, ll_low_expected
        Replications whose log-likelihood at the truth was ranked :data:`LOW_RANK` or lower,
        and how many uniform ranks would give.
    ll_mean, ll_z, ll_ks_p
        The log-likelihood's mean ``rank / L`` (1/2 expected), its z (:func:`location_z`), and
        the Kolmogorov-Smirnov test of ``(rank + 1/2) / (L + 1)`` against the uniform (for
        discrete ranks an approximation: about 5.5% of sound runs of 76 fall below 0.05).
    most_outside, most_outside_count, expected_outside
        The parameter(s) outside their 90% interval most often, how often, and how often a
        sound one is expected to be (``replications`` times ``nominal_outside``).
    most_outside_tail
        The chance that one sound parameter is outside that often or more (binomial tail).
    most_outside_among
        The chance that the most frequent of ``parameters`` sound ones is, were they
        independent: ``1 - (1 - tail) ** parameters``.
    """

    replications: int
    parameters: int
    draws: int
    outside: int
    values: int
    nominal_outside: float
    outside_p: float
    outside_t_p: float
    dispersion: float
    deciles_p: float
    extremes: float
    nominal_extremes: float
    ll_low: int
    ll_low_expected: float
    ll_mean: float
    ll_z: float
    ll_ks_p: float
    most_outside: tuple[str, ...]
    most_outside_count: int
    expected_outside: float
    most_outside_tail: float
    most_outside_among: float


def pooled_reading(ranks: Mapping[str, Sequence[int]], draws: int) -> PooledReading:
    """Read an SBC run's ranks whole (see :class:`PooledReading`).

    Parameters
    ----------
    ranks
        Each quantity's ranks in ``0..draws``, one per replication, the log-likelihood's under
        :data:`ffsim.calibration.sbc.LOG_LIKELIHOOD`; every quantity has the same replications.
    draws
        ``L``, the posterior draws each true value was ranked among.

    Raises
    ------
    InputError
        Without the log-likelihood or any parameter, with fewer than 2 replications, or with
        quantities of different lengths.
    """
    if LOG_LIKELIHOOD not in ranks:
        raise InputError(f"ranks: no {LOG_LIKELIHOOD!r}; the run's log-likelihood ranks")
    names = [name for name in ranks if name != LOG_LIKELIHOOD]
    if not names:
        raise InputError("ranks: no parameter; at least one besides the log-likelihood")
    lengths = {len(ranks[name]) for name in ranks}
    if len(lengths) != 1:
        raise InputError(f"ranks: lengths {sorted(lengths)}; every quantity needs one per run")
    n = lengths.pop()
    if n < 2:
        raise InputError(f"ranks: {n} replication(s); at least 2 to read them")
    table = np.array([ranks[name] for name in names], dtype=np.int64)
    low, high = central_ranks(draws)
    nominal = (draws + 1 - (high - low + 1)) / (draws + 1)
    outside_each = ((table < low) | (table > high)).sum(axis=1)
    per_replication = ((table < low) | (table > high)).sum(axis=0)
    expected_count = len(names) * nominal
    if np.ptp(per_replication) == 0:  # no spread: the t-test is undefined
        t_p = 1.0 if per_replication[0] == expected_count else 0.0
    else:
        t_p = float(stats.ttest_1samp(per_replication, expected_count).pvalue)
    outside = int(outside_each.sum())
    worst = int(outside_each.max())
    tail = float(stats.binom.sf(worst - 1, n, nominal))
    ll = np.asarray(ranks[LOG_LIKELIHOOD], dtype=np.int64)
    return PooledReading(
        replications=n,
        parameters=len(names),
        draws=draws,
        outside=outside,
        values=int(table.size),
        nominal_outside=nominal,
        outside_p=float(stats.binomtest(outside, int(table.size), nominal).pvalue),
        outside_t_p=t_p,
        dispersion=float(np.var(per_replication, ddof=1) / (expected_count * (1 - nominal))),
        deciles_p=chi_square_uniformity(table.ravel(), draws, bins=DECILES).p_value,
        extremes=float(np.isin(table, (0, draws)).mean()),
        nominal_extremes=2 / (draws + 1),
        ll_low=int((ll <= LOW_RANK).sum()),
        ll_low_expected=n * (LOW_RANK + 1) / (draws + 1),
        ll_mean=float((ll / draws).mean()),
        ll_z=location_z(ll, draws),
        ll_ks_p=float(stats.kstest((ll + 0.5) / (draws + 1), "uniform").pvalue),
        most_outside=tuple(name for name, k in zip(names, outside_each, strict=True) if k == worst),
        most_outside_count=worst,
        expected_outside=n * nominal,
        most_outside_tail=tail,
        most_outside_among=1 - (1 - tail) ** len(names),
    )
