"""Rank statistics of simulation-based calibration (SBC), independent of the model.

SBC (Talts et al. 2018, arXiv:1804.06788) checks an inference: draw a parameter from the prior,
simulate data from it, fit the data, and rank the true value among ``L`` posterior draws. If
the posterior is computed right, the rank is uniform on ``0..L`` whatever the model, so many
replications give ranks whose departures from uniformity show what is wrong: a bias shifts
them to one side, an over-dispersed posterior piles them in the middle, an under-dispersed one
at both ends.

Here are the pieces that do not depend on the model, for the runner that calibrates the model
on simulated figures:

- :func:`rank_of` and :func:`ranks_of`: the rank of a true value among draws (ties broken at
  random, as Talts et al. prescribe for discrete or repeated draws);
- :func:`thin` and :func:`choose_draws`: draws made nearly independent by thinning at the
  autocorrelation time, then ``L`` of them;
- :func:`ecdf_difference_bands`, :func:`ecdf_difference` and :func:`inside_bands`: the
  ECDF-difference curve of the ranks and its simultaneous ``1 - alpha`` band under uniformity
  (Säilynoja, Bürkner & Vehtari 2022, Statistics and Computing 32:32);
- :func:`chi_square_uniformity` and :func:`sbc_summary`: a chi-square test per quantity, a
  Bonferroni decision across quantities, the bands' verdict and the 90%-interval coverage.

Conventions follow the SBC R package (Modrák et al. 2023): the ranks ``r`` are scaled to
``(r + 1) / (L + 1)`` and their ECDF is read at ``K`` points (``K = min(L + 1, N)`` by
default), so that with ``K = L + 1`` the curve and bands are the package's. With fewer points
each point is put on a rank boundary (:func:`evaluation_grid`), so that the ECDF there is
exactly binomial under uniformity.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import special, stats

from ffsim.core.errors import InputError, shown

SIMULATIONS = 5000
"""Uniform samples simulated to find the band's pointwise level (Säilynoja et al. simulate 1000
to 5000); the Monte Carlo error of the band's simultaneous coverage is then about
``sqrt(0.05 * 0.95 / 5000) = 0.003``."""

COVERAGE_LEVEL = 0.9
"""The central posterior interval whose coverage :func:`sbc_summary` reports."""

MAX_BINS = 20
"""The most bins of the chi-square test; fewer when the expected count of a bin would fall
below :data:`MIN_EXPECTED`."""

MIN_EXPECTED = 5
"""The least expected count of a chi-square bin (the usual rule for the chi-square
approximation)."""


# -- ranks --------------------------------------------------------------------------------------


def _draws_array(draws: np.ndarray, name: str = "draws") -> np.ndarray:
    values = np.asarray(draws, dtype=float)
    if values.ndim == 0 or values.shape[0] == 0:
        raise InputError(f"{name}: {values.shape[0] if values.ndim else 0} draws; at least 1")
    if not np.all(np.isfinite(values)):
        bad = values[~np.isfinite(values)].ravel()[0]
        raise InputError(f"{name}: {shown(float(bad))} among the draws; every draw must be finite")
    return values


def rank_of(true_value: float, draws: np.ndarray, rng: np.random.Generator) -> int:
    """The rank of a true value among ``L`` posterior draws: the number of draws below it.

    A draw equal to the true value counts as below it with a random share: with ``t`` ties the
    rank is ``below + U`` where ``U`` is uniform on ``0..t``, so that ties (from a discrete
    parameter, or a sampler that repeats a draw) do not bias the ranks. ``rng`` is used only
    when there are ties, so a run is reproducible from its seed.

    Parameters
    ----------
    true_value
        The value the replication was simulated from (drawn from the prior).
    draws
        ``L`` posterior draws of the same quantity, shape ``(L,)``, preferably thinned
        (:func:`thin`).
    rng
        The generator that breaks ties.

    Returns
    -------
    int
        The rank, in ``0..L``.
    """
    values = _draws_array(draws).ravel()
    if not math.isfinite(float(true_value)):
        raise InputError(f"true_value: {shown(float(true_value))}; it must be finite")
    below = int(np.count_nonzero(values < true_value))
    ties = int(np.count_nonzero(values == true_value))
    return below + (int(rng.integers(0, ties + 1)) if ties else 0)


def ranks_of(true_values: np.ndarray, draws: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The ranks of several quantities at once: :func:`rank_of` column by column.

    Parameters
    ----------
    true_values
        The true value of each quantity, shape ``(P,)``.
    draws
        ``L`` posterior draws of each quantity, shape ``(L, P)``.
    rng
        The generator that breaks ties (drawn once per quantity with ties, left to right).

    Returns
    -------
    numpy.ndarray
        The ranks, integers in ``0..L``, shape ``(P,)``.
    """
    truth = np.asarray(true_values, dtype=float).ravel()
    values = _draws_array(draws)
    if values.ndim != 2 or values.shape[1] != truth.size:
        raise InputError(
            f"draws: shape {values.shape}; (L, {truth.size}) for {truth.size} true values"
        )
    if not np.all(np.isfinite(truth)):
        raise InputError("true_values: a value is not finite; every value must be finite")
    below = np.count_nonzero(values < truth, axis=0)
    ties = np.count_nonzero(values == truth, axis=0)
    ranks = below.astype(np.int64)
    for j in np.flatnonzero(ties):
        ranks[j] += int(rng.integers(0, ties[j] + 1))
    return ranks


# -- thinning -----------------------------------------------------------------------------------


def thin(draws: np.ndarray, tau: float) -> np.ndarray:
    """A chain thinned by its integrated autocorrelation time: every ``ceil(tau)``-th draw.

    Ranks among autocorrelated draws are not uniform even when the posterior is right: the
    draws stand for fewer independent ones, so the true value falls beyond all of them more
    often than ``2 / (L + 1)`` and the rank histogram sags in the middle (Talts et al. 2018).
    Keeping one draw per autocorrelation time leaves nearly independent draws.
    ``tau`` is the integrated autocorrelation time in iterations (emcee's
    ``get_autocorr_time``, taken as the largest over the parameters).

    Parameters
    ----------
    draws
        A chain with the iterations on axis 0: shape ``(n,)``, ``(n, P)`` or emcee's
        ``(n, walkers, P)`` (each walker is thinned the same way; flatten afterwards).
    tau
        The autocorrelation time, in iterations, at least 1.

    Returns
    -------
    numpy.ndarray
        ``draws[::ceil(tau)]``, starting from the first draw.
    """
    if isinstance(tau, bool) or not (
        isinstance(tau, int | float | np.number) and math.isfinite(tau) and tau >= 1
    ):
        raise InputError(f"tau: {shown(tau)}; a finite number of iterations, at least 1")
    values = np.asarray(draws)
    if values.ndim == 0 or values.shape[0] == 0:
        raise InputError("draws: an empty chain; at least 1 draw")
    return values[:: math.ceil(tau)]


def choose_draws(draws: np.ndarray, L: int) -> np.ndarray:
    """``L`` draws spread evenly over a (thinned) sample, in their order.

    Taking draws evenly spaced rather than the first ``L`` keeps the whole run, so a drift
    within it shows in the ranks rather than being cut off. The indices are
    ``(i * n) // L`` for ``i = 0..L-1``: distinct, and deterministic.

    Parameters
    ----------
    draws
        The sample, draws on axis 0, at least ``L`` of them.
    L
        The number of draws to keep (the ranks then run over ``0..L``).

    Returns
    -------
    numpy.ndarray
        ``L`` draws, shape ``(L, ...)``.
    """
    values = np.asarray(draws)
    n = values.shape[0] if values.ndim else 0
    _check_L(L)
    if n < L:
        raise InputError(
            f"draws: {n} draws after thinning; at least L = {L} (run the chain longer or "
            f"choose a smaller L)"
        )
    return values[(np.arange(L) * n) // L]


# -- the ECDF-difference curve and its simultaneous band -----------------------------------------


def _check_L(L: object) -> int:
    if isinstance(L, bool) or not isinstance(L, int | np.integer) or L < 1:
        raise InputError(f"L: {shown(L)}; the number of posterior draws, an integer, at least 1")
    return int(L)


def _check_ranks(ranks: np.ndarray, L: int, name: str = "ranks") -> np.ndarray:
    values = np.asarray(ranks)
    if values.ndim != 1 or values.size == 0:
        raise InputError(f"{name}: shape {values.shape}; a 1-D array of at least one rank")
    if values.dtype.kind not in "iu" and not (
        values.dtype.kind == "f" and np.all(np.isfinite(values) & (values == np.round(values)))
    ):
        raise InputError(f"{name}: not whole numbers; ranks are integers in 0..{L}")
    whole = values.astype(np.int64)
    if whole.min() < 0 or whole.max() > L:
        bad = whole[(whole < 0) | (whole > L)][0]
        raise InputError(f"{name}: {int(bad)} is out of range; ranks are in 0..{L} (L = {L})")
    return whole


def _check_alpha(alpha: float) -> float:
    if not (isinstance(alpha, int | float) and 0 < alpha < 1):
        raise InputError(f"alpha: {shown(alpha)}; a level strictly between 0 and 1")
    return float(alpha)


def evaluation_grid(L: int, K: int) -> np.ndarray:
    """The ``K + 1`` rank boundaries at which the ECDF is read, ``0 = c_0 < ... < c_K = L + 1``.

    ``c_i = floor(i (L + 1) / K)``: with ``K = L + 1`` every boundary (``c_i = i``, the SBC
    package's grid ``z = i / (L + 1)``); with fewer, each point still falls between two ranks,
    so the share of ranks below ``c_i`` is exactly binomial with probability
    ``z_i = c_i / (L + 1)`` under uniformity.

    Parameters
    ----------
    L
        The number of posterior draws (ranks in ``0..L``).
    K
        The number of intervals, ``1..L + 1``.

    Returns
    -------
    numpy.ndarray
        The boundaries ``c_i``, integers, shape ``(K + 1,)``.
    """
    L = _check_L(L)
    if isinstance(K, bool) or not isinstance(K, int | np.integer) or not 1 <= K <= L + 1:
        raise InputError(f"K: {shown(K)}; the number of evaluation intervals, 1 to L + 1 = {L + 1}")
    return (np.arange(K + 1, dtype=np.int64) * (L + 1)) // int(K)


@dataclass(frozen=True)
class EcdfBands:
    """A simultaneous band for the ECDF difference of ``n_ranks`` ranks in ``0..L``.

    Attributes
    ----------
    z
        The evaluation points, fractions of the rank range, ``c_i / (L + 1)``, shape ``(K + 1,)``
        from 0 to 1.
    lower, upper
        The band's edges for the ECDF difference ``ECDF(z) - z`` at each point; both 0 at the
        ends, where the difference is always 0.
    gamma
        The pointwise level: each point's central binomial interval leaves ``gamma / 2`` in each
        tail.
    n_ranks, L, alpha
        The number of ranks, of draws, and one minus the simultaneous coverage.
    method
        ``"simulated"`` or ``"exact"``.
    """

    z: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    gamma: float
    n_ranks: int
    L: int
    alpha: float
    method: str

    @property
    def K(self) -> int:
        """The number of evaluation intervals."""
        return int(self.z.size - 1)

    @property
    def boundaries(self) -> np.ndarray:
        """The rank boundaries ``c_i`` of :func:`evaluation_grid`."""
        return np.rint(self.z * (self.L + 1)).astype(np.int64)


def _tail_levels(n: int, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every count ``x = 0..n`` and every point, ``P(X <= x)`` and ``P(X >= x)`` of
    ``X ~ Binomial(n, z)``: tables of shape ``(n + 1, len(z))``.

    Each tail is a running sum of the probabilities from its own end, so that small tails keep
    their relative precision: within 3e-12 of scipy's ``bdtr`` and ``bdtrc`` for 1,000 draws,
    at a tenth of their time.
    """
    x = np.arange(n + 1, dtype=float)[:, None]
    log_choose = special.gammaln(n + 1) - special.gammaln(x + 1) - special.gammaln(n - x + 1)
    pmf = np.exp(log_choose + special.xlogy(x, z) + special.xlog1py(n - x, -z))
    lower_tail = np.minimum(np.cumsum(pmf, axis=0), 1.0)
    upper_tail = np.minimum(np.cumsum(pmf[::-1], axis=0)[::-1], 1.0)
    return lower_tail, upper_tail


def _edges(
    gamma: float, lower_tail: np.ndarray, upper_tail: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The pointwise ``gamma`` band in counts: at each point, the least count ``x`` with
    ``P(X <= x) >= gamma / 2`` and the greatest with ``P(X >= x) >= gamma / 2`` (the binomial
    quantiles ``gamma / 2`` and ``1 - gamma / 2``, read from the same tables as the levels, so
    that a sample's level and the band agree to the last bit).
    """
    low = np.argmax(lower_tail >= gamma / 2, axis=0)
    high = lower_tail.shape[0] - 1 - np.argmax(upper_tail[::-1] >= gamma / 2, axis=0)
    return low, high


def _simulated_gamma(
    n: int,
    L: int,
    interior: np.ndarray,
    tails: tuple[np.ndarray, np.ndarray],
    alpha: float,
    simulations: int,
    seed: int,
) -> float:
    """Säilynoja et al.'s simulation (their section 2.2): for each of ``simulations`` uniform
    rank samples, the largest pointwise level whose band holds its whole ECDF (twice the
    smallest tail probability of its counts); ``gamma`` is the ``alpha`` quantile of those
    levels, so that the band holds a share ``1 - alpha`` of the simulated samples (a little
    more when levels tie at the quantile).
    """
    least_tail = np.minimum(*tails)
    rng = np.random.default_rng(seed)
    levels = np.empty(simulations)
    columns = np.arange(interior.size)
    chunk = max(1, 4_000_000 // max(n, L + 2))  # about 16 MB of ranks at a time
    for start in range(0, simulations, chunk):
        m = min(chunk, simulations - start)
        ranks = rng.integers(0, L + 1, size=(m, n), dtype=np.int32)
        cells = (np.arange(m, dtype=np.int32)[:, None] * (L + 2) + ranks + 1).ravel()
        per_rank = np.bincount(cells, minlength=m * (L + 2)).reshape(m, L + 2)
        below = np.cumsum(per_rank, axis=1, dtype=np.int32)  # ranks below each boundary
        levels[start : start + m] = 2 * least_tail[below[:, interior], columns].min(axis=1)
    return float(np.quantile(levels, alpha, method="inverted_cdf"))


def _inside_probability(
    gamma: float, n: int, z: np.ndarray, tails: tuple[np.ndarray, np.ndarray]
) -> float:
    """The exact probability that the ECDF of ``n`` uniform draws lies inside the pointwise
    ``gamma`` band at every point of ``z`` (interior points, increasing), by the recursion of
    Säilynoja et al.'s optimisation method: the count at each point, given the count at the previous
    one, is binomial over the draws left.
    """
    low, high = _edges(gamma, *tails)
    log_factorial = special.gammaln(np.arange(1, n + 2, dtype=float))  # log k!, k = 0..n
    x_prev = np.array([0])
    p_prev = np.array([1.0])
    z_prev = 0.0
    for zi, lo, hi in zip(z, low, high, strict=True):
        x = np.arange(lo, hi + 1)
        step = (zi - z_prev) / (1 - z_prev)
        jump = x[:, None] - x_prev[None, :]  # draws falling between the two points
        left = n - x_prev[None, :]  # draws not yet below the previous point
        possible = (jump >= 0) & (jump <= left)
        k, m = np.where(possible, jump, 0), np.where(possible, left, 0)
        log_pmf = (
            log_factorial[m]
            - log_factorial[k]
            - log_factorial[m - k]
            + special.xlogy(k, step)
            + special.xlog1py(m - k, -step)
        )
        p_prev = np.where(possible, np.exp(log_pmf), 0.0) @ p_prev
        x_prev, z_prev = x, zi
    return float(p_prev.sum())


def _exact_gamma(
    n: int, z: np.ndarray, tails: tuple[np.ndarray, np.ndarray], alpha: float
) -> float:
    """The largest ``gamma`` whose band holds a uniform ECDF with probability at least
    ``1 - alpha`` (the probability falls in steps as ``gamma`` grows), by bisection.
    """
    low, high = 1e-12, alpha
    if _inside_probability(high, n, z, tails) >= 1 - alpha:
        return alpha  # one point: the pointwise band is already simultaneous
    for _ in range(40):
        middle = (low + high) / 2
        if _inside_probability(middle, n, z, tails) >= 1 - alpha:
            low = middle
        else:
            high = middle
    return low


def ecdf_difference_bands(
    n_ranks: int,
    L: int,
    alpha: float = 0.05,
    *,
    K: int | None = None,
    method: Literal["simulated", "exact"] = "simulated",
    simulations: int = SIMULATIONS,
    seed: int = 0,
) -> EcdfBands:
    """The simultaneous ``1 - alpha`` band of the ECDF difference of ``n_ranks`` uniform ranks.

    Under uniformity the number of ranks below boundary ``c_i`` is Binomial(``n_ranks``,
    ``z_i``). A pointwise band of level ``gamma`` takes the central binomial interval at each
    point; ``gamma`` is then lowered until the ECDF of a uniform sample stays inside the band
    at *every* point with probability ``1 - alpha`` (Säilynoja, Bürkner & Vehtari 2022,
    "Graphical test for discrete uniformity and its applications in goodness-of-fit evaluation
    and multiple sample comparison", Statistics and Computing 32:32):

    - ``"simulated"`` (section 2.2; ArviZ's ``ecdf_confidence_band`` and the SBC package for
      several samples): simulate uniform rank samples, take each one's largest level whose
      band holds it, and let ``gamma`` be the ``alpha`` quantile of those levels. Vectorised
      and seeded: about 0.3 s for 1,000 ranks, ``L = 999`` and 5,000 simulations.
    - ``"exact"`` (their optimisation method; the SBC package's ``adjust_gamma_optimize``):
      the probability of staying inside, computed by a recursion over the points, and
      ``gamma`` found by bisection. Exact but quadratic in the band's width: 0.4 s for 100
      ranks, 2 s for 1,000 (``L = 99``).

    Parameters
    ----------
    n_ranks
        The number of ranks (SBC replications), ``N``.
    L
        The number of posterior draws per replication (ranks in ``0..L``).
    alpha
        One minus the simultaneous coverage.
    K
        The number of evaluation intervals; ``min(L + 1, n_ranks)`` by default (the SBC
        package's default).
    method
        ``"simulated"`` or ``"exact"``.
    simulations
        Uniform samples simulated (``"simulated"`` only).
    seed
        The seed of the simulation: the same arguments give the same band.

    Returns
    -------
    EcdfBands
        The evaluation points and the band's edges, in ECDF-difference units.
    """
    if isinstance(n_ranks, bool) or not isinstance(n_ranks, int | np.integer) or n_ranks < 1:
        raise InputError(f"n_ranks: {shown(n_ranks)}; the number of ranks, an integer, at least 1")
    n = int(n_ranks)
    L = _check_L(L)
    alpha = _check_alpha(alpha)
    k = min(L + 1, n) if K is None else K
    boundaries = evaluation_grid(L, k)
    interior = boundaries[1:-1]
    z = boundaries / (L + 1)
    tails = _tail_levels(n, z[1:-1])
    if method == "simulated":
        if isinstance(simulations, bool) or not isinstance(simulations, int) or simulations < 100:
            raise InputError(f"simulations: {shown(simulations)}; an integer, at least 100")
        gamma = (
            _simulated_gamma(n, L, interior, tails, alpha, simulations, seed)
            if interior.size
            else alpha  # one interval: the difference is 0 at both ends, any band holds it
        )
    elif method == "exact":
        gamma = _exact_gamma(n, z[1:-1], tails, alpha) if interior.size else alpha
    else:
        raise InputError(f"method: {shown(method)}; one of simulated, exact")
    low, high = _edges(gamma, *tails)
    lower = np.concatenate([[0.0], low / n - z[1:-1], [0.0]])
    upper = np.concatenate([[0.0], high / n - z[1:-1], [0.0]])
    return EcdfBands(z, lower, upper, gamma, n, L, alpha, method)


def ecdf_difference(
    ranks: np.ndarray,
    L: int,
    K: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The ECDF difference of ranks in ``0..L``: the share of ranks below each boundary of
    :func:`evaluation_grid`, less the share uniform ranks would have.

    Parameters
    ----------
    ranks
        The ranks of one quantity, integers in ``0..L``, shape ``(N,)``.
    L
        The number of posterior draws.
    K
        The number of evaluation intervals; ``min(L + 1, N)`` by default, as
        :func:`ecdf_difference_bands`.

    Returns
    -------
    z, difference
        The evaluation points (fractions of the rank range, 0 to 1) and ``ECDF(z) - z``, both
        of shape ``(K + 1,)``. Above 0 throughout: too many small ranks (the posterior sits
        above the true values); below 0 then above: too few extreme ranks (over-dispersed);
        above 0 then below: too many (under-dispersed).
    """
    L = _check_L(L)
    values = _check_ranks(ranks, L)
    boundaries = evaluation_grid(L, min(L + 1, values.size) if K is None else K)
    z = boundaries / (L + 1)
    below = np.searchsorted(np.sort(values), boundaries, side="left")
    return z, below / values.size - z


def inside_bands(ranks: np.ndarray, bands: EcdfBands) -> bool:
    """Whether the ECDF difference of ``ranks`` stays within ``bands`` at every point.

    Parameters
    ----------
    ranks
        The ranks of one quantity; as many as ``bands.n_ranks``, in ``0..bands.L``.
    bands
        The band of :func:`ecdf_difference_bands`.

    Returns
    -------
    bool
        True when inside at every evaluation point (the edges count as inside).
    """
    values = _check_ranks(ranks, bands.L)
    if values.size != bands.n_ranks:
        raise InputError(
            f"ranks: {values.size} ranks; the band was made for n_ranks = {bands.n_ranks}"
        )
    _, difference = ecdf_difference(values, bands.L, bands.K)
    # Counts, not fractions, are compared, so rounding cannot move a count across an edge.
    counts = np.rint((difference + bands.z) * bands.n_ranks)
    low = np.rint((bands.lower + bands.z) * bands.n_ranks)
    high = np.rint((bands.upper + bands.z) * bands.n_ranks)
    return bool(np.all((counts >= low) & (counts <= high)))


# -- tests of uniformity and the summary ---------------------------------------------------------


@dataclass(frozen=True)
class ChiSquare:
    """A chi-square test of uniform ranks.

    Attributes
    ----------
    statistic, p_value
        Pearson's statistic and its p-value on ``bins - 1`` degrees of freedom.
    bins
        The number of bins of consecutive ranks.
    """

    statistic: float
    p_value: float
    bins: int


def default_bins(n_ranks: int, L: int) -> int:
    """The most bins, up to :data:`MAX_BINS` and ``L + 1``, whose smallest expected count is at
    least :data:`MIN_EXPECTED` (at least 2 bins).
    """
    L = _check_L(L)
    for bins in range(min(MAX_BINS, L + 1), 1, -1):
        if n_ranks * ((L + 1) // bins) / (L + 1) >= MIN_EXPECTED:
            return bins
    return 2


def chi_square_uniformity(
    ranks: np.ndarray,
    L: int,
    bins: int | None = None,
) -> ChiSquare:
    """Pearson's chi-square test that ranks are uniform on ``0..L``.

    The ``L + 1`` rank values are split into ``bins`` runs of consecutive ranks as equal as
    they can be (``L + 1`` need not be a multiple of ``bins``); each run's expected count is
    ``N`` times its share of the rank values. The test is blind to the order of the bins, so it
    is less sensitive than the ECDF band to a shift, but it gives a p-value that can be
    corrected for many quantities (:func:`sbc_summary`).

    Parameters
    ----------
    ranks
        The ranks of one quantity, integers in ``0..L``.
    L
        The number of posterior draws.
    bins
        The number of bins, 2 to ``L + 1``; by default :func:`default_bins` (at most 20, each
        expecting at least 5 ranks).

    Returns
    -------
    ChiSquare
        The statistic, p-value and number of bins.
    """
    L = _check_L(L)
    values = _check_ranks(ranks, L)
    b = default_bins(values.size, L) if bins is None else bins
    if isinstance(b, bool) or not isinstance(b, int | np.integer) or not 2 <= b <= L + 1:
        raise InputError(f"bins: {shown(b)}; an integer from 2 to L + 1 = {L + 1}")
    edges = (np.arange(b + 1) * (L + 1)) // int(b)
    observed = np.diff(np.searchsorted(np.sort(values), edges, side="left"))
    expected = values.size * np.diff(edges) / (L + 1)
    statistic, p_value = stats.chisquare(observed, expected)
    return ChiSquare(float(statistic), float(p_value), int(b))


def central_ranks(L: int, level: float = COVERAGE_LEVEL) -> tuple[int, int]:
    """The central run of ranks a ``level`` posterior interval stands for: ``low..high``.

    The true value is inside the central interval of the ``L`` draws holding ``round(level
    (L + 1))`` of the ``L + 1`` rank values exactly when its rank is in that run (as the SBC
    package's ``observed_coverage``); the run is centred, with the odd rank, if any, above.
    For ``L = 99`` and 90%: ranks 5 to 94.

    Returns
    -------
    low, high
        The first and last rank of the run, inclusive.
    """
    L = _check_L(L)
    if not 0 < level < 1:
        raise InputError(f"level: {shown(level)}; a level strictly between 0 and 1")
    width = max(1, round(level * (L + 1)))
    low = (L + 1 - width) // 2
    return low, low + width - 1


@dataclass(frozen=True)
class RankCheck:
    """The verdict on one quantity's ranks.

    Attributes
    ----------
    name
        The quantity (a parameter, or the log-likelihood).
    n_ranks
        The number of ranks (replications).
    chi_square, p_value, bins
        The chi-square test (:func:`chi_square_uniformity`).
    passes_chi_square
        ``p_value`` at least ``alpha / (2 P)`` (Bonferroni over the ``2 P`` tests of the ``P``
        quantities).
    inside_bands
        The ECDF difference inside its own simultaneous ``1 - alpha`` band (the band drawn;
        with ``P`` quantities about ``alpha P`` of sound ones leave it by chance).
    inside_family_band
        The ECDF difference inside its simultaneous ``1 - alpha / (2 P)`` band: the band test
        held to the same family-wise level as the chi-square test.
    shape
        How the ranks depart from uniform (:func:`rank_shape`), or "" when they do not.
    coverage
        The share of ranks in the central :data:`COVERAGE_LEVEL` run (:func:`central_ranks`):
        how often the true value was inside the 90% posterior interval; ``nominal`` is the
        share of rank values in the run (0.9 when ``L + 1`` is a multiple of 10).
    nominal
        The coverage uniform ranks would give.
    """

    name: str
    n_ranks: int
    chi_square: float
    p_value: float
    bins: int
    passes_chi_square: bool
    inside_bands: bool
    coverage: float
    nominal: float
    inside_family_band: bool = True
    shape: str = ""

    @property
    def passes(self) -> bool:
        """Both family-wise checks pass: the chi-square test and the band of level
        ``1 - alpha / (2 P)``. Over the ``2 P`` tests, the chance that any sound quantity fails
        stays below ``alpha`` (Bonferroni).
        """
        return self.passes_chi_square and self.inside_family_band


@dataclass(frozen=True)
class SbcSummary:
    """The rank checks of every quantity of an SBC run.

    Attributes
    ----------
    rows
        One :class:`RankCheck` per quantity, in the order given.
    L, alpha
        The number of posterior draws and the family-wise level.
    threshold
        The Bonferroni threshold ``alpha / P`` the p-values are held to.
    """

    rows: tuple[RankCheck, ...]
    L: int
    alpha: float
    threshold: float

    @property
    def passes(self) -> bool:
        """Every quantity passes both checks."""
        return all(row.passes for row in self.rows)

    def as_records(self) -> list[dict[str, object]]:
        """The rows as plain dictionaries (a DataFrame's or a JSON file's records)."""
        return [{**row.__dict__, "passes": row.passes} for row in self.rows]


@functools.lru_cache(maxsize=32)
def _cached_bands(
    n: int, L: int, alpha: float, method: Literal["simulated", "exact"], seed: int
) -> EcdfBands:
    """:func:`ecdf_difference_bands` with its default grid, kept: a summary is redrawn each
    time an app page reruns, and the band depends only on these arguments. Its arrays are made
    read-only, since every caller shares them.
    """
    bands = ecdf_difference_bands(n, L, alpha, method=method, seed=seed)
    for array in (bands.z, bands.lower, bands.upper):
        array.flags.writeable = False
    return bands


def sbc_summary(
    ranks: Mapping[str, np.ndarray],
    L: int,
    alpha: float = 0.05,
    *,
    seed: int = 0,
) -> SbcSummary:
    """The chi-square test, the ECDF band and the 90%-interval coverage of every quantity.

    Each quantity has two tests, the chi-square test and the ECDF band, so ``P`` quantities have
    ``2 P``, and each is held to ``alpha / (2 P)`` (Bonferroni: the chance that any sound
    quantity fails either stays below ``alpha``): the p-value must be at least that, and the
    ECDF difference must stay inside its simultaneous ``1 - alpha / (2 P)`` band (the exact
    method: a simulation cannot resolve so small a level). Each quantity's own ``1 - alpha``
    band, as the SBC package draws it, is reported too (``inside_bands``) but does not decide:
    with ``P`` sound quantities about ``alpha P`` leave it by chance (2.5 of 51 at 5%).

    Parameters
    ----------
    ranks
        Each quantity's ranks, integers in ``0..L``; the quantities may have different numbers
        of ranks (replications that failed for one only).
    L
        The number of posterior draws per replication.
    alpha
        The family-wise level of the chi-square decision and one minus the bands' coverage.
    seed
        The seed of the bands' simulation.

    Returns
    -------
    SbcSummary
        One row per quantity.
    """
    L = _check_L(L)
    alpha = _check_alpha(alpha)
    if not ranks:
        raise InputError("ranks: no quantities; at least one name with its ranks")
    threshold = alpha / (2 * len(ranks))
    low, high = central_ranks(L)
    bands: dict[int, EcdfBands] = {}
    family_bands: dict[int, EcdfBands] = {}
    rows = []
    for name, values in ranks.items():
        checked = _check_ranks(values, L, name=f"ranks[{name!r}]")
        n = checked.size
        if n not in bands:
            bands[n] = _cached_bands(n, L, alpha, "simulated", seed)
            family_bands[n] = _cached_bands(n, L, threshold, "exact", 0)
        test = chi_square_uniformity(checked, L)
        family_inside = inside_bands(checked, family_bands[n])
        rows.append(
            RankCheck(
                name=name,
                n_ranks=n,
                chi_square=test.statistic,
                p_value=test.p_value,
                bins=test.bins,
                passes_chi_square=test.p_value >= threshold,
                inside_bands=inside_bands(checked, bands[n]),
                coverage=float(np.mean((checked >= low) & (checked <= high))),
                nominal=(high - low + 1) / (L + 1),
                inside_family_band=family_inside,
                shape=rank_shape(checked, L, threshold),
            )
        )
    return SbcSummary(tuple(rows), L, alpha, threshold)


def location_z(ranks: np.ndarray, L: int) -> float:
    """How far the mean of ``rank / L`` lies from 1/2, in standard errors of uniform ranks.

    Each rank uniform on ``0..L`` has ``rank / L`` of mean 1/2 and variance
    ``(L + 2) / (12 L)``; with ``N`` ranks the mean's standard error is that over ``N``, square
    rooted. Negative: too many low ranks (the posterior sits above the true values).
    """
    L = _check_L(L)
    values = _check_ranks(ranks, L).astype(float)
    if values.size < 2:
        raise InputError(f"ranks: {values.size} given; at least 2 for a mean's z")
    se = np.sqrt((L + 2) / (12 * L) / values.size)
    return float((values / L).mean() - 0.5) / float(se)


def rank_shape(ranks: np.ndarray, L: int, level: float = 0.05) -> str:
    """How ranks depart from uniform, in words, from two tests at ``level`` each.

    - **Location**: the mean of ``rank / L`` against 1/2, with the uniform's standard error
      (``sqrt((L + 2) / (12 L))`` per rank); too many low ranks mean the posterior sits above
      the true values ("posterior above the truth"), too many high ones below.
    - **Spread**: the share of ranks in the outer tenth (the complement of the central 90% run,
      :func:`central_ranks`) against its uniform share, by the binomial test; too many extreme
      ranks mean the posterior is too narrow (overconfident), too few that it is too wide.

    Returns
    -------
    str
        "" when neither test rejects, else the findings joined by "; ".
    """
    L = _check_L(L)
    values = _check_ranks(ranks, L).astype(float)
    n = values.size
    findings = []
    if n >= 2:
        z = location_z(values, L)
        if 2 * stats.norm.sf(abs(z)) < level:
            findings.append("posterior above the truth" if z < 0 else "posterior below the truth")
        low, high = central_ranks(L)
        outer = int(np.sum((values < low) | (values > high)))
        expected = 1 - (high - low + 1) / (L + 1)
        if stats.binomtest(outer, n, expected).pvalue < level:
            findings.append(
                "too narrow (true values outside the 90% interval too often)"
                if outer > expected * n
                else "too wide (true values outside the 90% interval too seldom)"
            )
    return "; ".join(findings)
