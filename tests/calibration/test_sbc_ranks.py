"""The rank machinery of simulation-based calibration, on a conjugate toy whose posterior is
known exactly: a normal prior on a mean, normal data of known spread.

An exact sampler gives uniform ranks, so its ECDF difference stays inside the simultaneous band
and the chi-square test passes; a sampler whose posterior is shifted by half a posterior sd,
1.5 times too wide or 1.5 times too narrow gives ranks that leave the band and fail the test.
The band itself holds the ECDF of uniform ranks 95% of the time, by simulation and by the exact
recursion of Säilynoja et al. (2022).
"""

from __future__ import annotations

import numpy as np
import pytest
from conjugate_toy import REPLICATIONS, L, toy_ranks
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats

from ffsim.calibration.sbc_ranks import (
    _edges,
    _inside_probability,
    _tail_levels,
    central_ranks,
    chi_square_uniformity,
    choose_draws,
    default_bins,
    ecdf_difference,
    ecdf_difference_bands,
    evaluation_grid,
    inside_bands,
    rank_of,
    rank_shape,
    ranks_of,
    sbc_summary,
    thin,
)
from ffsim.core.errors import InputError


@pytest.fixture(scope="module")
def bands():
    return ecdf_difference_bands(REPLICATIONS, L)


def test_an_exact_sampler_gives_ranks_inside_the_band_that_pass_chi_square(bands):
    ranks = toy_ranks(seed=1)
    assert inside_bands(ranks, bands)
    assert chi_square_uniformity(ranks, L).p_value > 0.05
    _, difference = ecdf_difference(ranks, L)
    assert np.abs(difference).max() < 0.08


@pytest.mark.parametrize(
    ("case", "shift", "scale"),
    [("biased", 0.5, 1.0), ("over-dispersed", 0.0, 1.5), ("under-dispersed", 0.0, 1 / 1.5)],
)
def test_a_wrong_sampler_is_detected_by_the_band_and_by_chi_square(bands, case, shift, scale):
    ranks = toy_ranks(seed=1, shift=shift, scale=scale)
    assert not inside_bands(ranks, bands), case
    assert chi_square_uniformity(ranks, L).p_value < 1e-3, case


def test_the_curve_has_the_shape_of_each_fault():
    z, biased = ecdf_difference(toy_ranks(2, shift=0.5), L)
    _, wide = ecdf_difference(toy_ranks(2, scale=1.5), L)
    _, narrow = ecdf_difference(toy_ranks(2, scale=1 / 1.5), L)
    middle = (z > 0.3) & (z < 0.7)
    # The posterior above the truth: too many low ranks, the curve above 0 throughout.
    assert biased[middle].min() > 0.05
    # Too wide: few extreme ranks, the curve dips then rises; too narrow: the reverse.
    assert wide[z == 0.2][0] < -0.05 and wide[z == 0.8][0] > 0.05
    assert narrow[z == 0.1][0] > 0.05 and narrow[z == 0.9][0] < -0.05


def test_the_summary_fails_the_wrong_samplers_with_bonferroni_and_reads_coverage():
    summary = sbc_summary(
        {
            "exact": toy_ranks(3),
            "biased": toy_ranks(3, shift=0.5),
            "wide": toy_ranks(3, scale=1.5),
            "narrow": toy_ranks(3, scale=1 / 1.5),
        },
        L,
    )
    rows = {row.name: row for row in summary.rows}
    assert summary.threshold == pytest.approx(0.05 / 8)  # two tests for each of 4
    assert rows["exact"].passes and not summary.passes
    assert not any(rows[n].passes for n in ("biased", "wide", "narrow"))
    assert rows["exact"].nominal == pytest.approx(0.9)
    assert abs(rows["exact"].coverage - 0.9) < 0.05
    # Too wide covers too often; too narrow too seldom.
    assert rows["wide"].coverage > 0.96 and rows["narrow"].coverage < 0.8
    record = summary.as_records()[1]
    assert record["name"] == "biased" and record["passes"] is False
    assert rows["exact"].shape == ""
    assert rows["biased"].shape.startswith("posterior above the truth")
    assert rows["wide"].shape == "too wide (true values outside the 90% interval too seldom)"
    assert rows["narrow"].shape == "too narrow (true values outside the 90% interval too often)"


def test_the_shape_reads_each_fault_and_nothing_in_sound_ranks():
    assert rank_shape(toy_ranks(4), L) == ""
    assert rank_shape(toy_ranks(4, shift=-0.5), L).startswith("posterior below the truth")
    assert "too narrow" in rank_shape(toy_ranks(4, scale=1 / 1.5), L)
    assert "too wide" in rank_shape(toy_ranks(4, scale=1.5), L)


def test_many_sound_quantities_fail_together_seldom_as_the_family_wise_level_promises():
    """51 quantities of uniform ranks (the shipped SBC's count), 100 replications each: with
    each quantity's own 95% band deciding, most such runs would fail some quantity by chance;
    with both tests held to 0.05 / 102, at most about 5% of runs fail any.
    """
    rng = np.random.default_rng(2026)
    runs = 40
    any_family, any_own = 0, 0
    for _ in range(runs):
        ranks = {f"q{i}": rng.integers(0, L + 1, 100) for i in range(51)}
        summary = sbc_summary(ranks, L)
        any_family += not summary.passes
        any_own += not all(r.inside_bands for r in summary.rows)
    assert any_own >= runs // 2  # 1 - 0.95 ** 51 = 0.93 expected
    assert any_family <= 5  # 0.05 expected: 2 of 40; 5 or fewer with probability 0.99


@pytest.mark.parametrize(("n", "ell"), [(300, 99), (50, 999), (1000, 9)])
def test_the_band_holds_uniform_ranks_95_percent_of_the_time(n, ell):
    band = ecdf_difference_bands(n, ell)
    rng = np.random.default_rng(12345)  # not the band's seed
    held = [inside_bands(rng.integers(0, ell + 1, n), band) for _ in range(2000)]
    assert 0.93 <= np.mean(held) <= 0.97
    # Simultaneous coverage takes a pointwise level far below 5% at each point.
    assert band.gamma < 0.05 / 4


@pytest.mark.parametrize(("n", "ell"), [(100, 99), (200, 49), (60, 999)])
def test_the_simulated_band_agrees_with_the_exact_recursion(n, ell):
    """The SBC package's default for one sample is the exact recursion (its
    ``adjust_gamma_optimize``); the simulated band's exact coverage is within Monte Carlo error
    of 95%, and the exact band's is 95% to within the step of the discrete coverage."""
    simulated = ecdf_difference_bands(n, ell)
    exact = ecdf_difference_bands(n, ell, method="exact")
    z = simulated.z[1:-1]
    tails = _tail_levels(n, z)
    assert _inside_probability(simulated.gamma, n, z, tails) == pytest.approx(0.95, abs=0.01)
    assert 0.95 <= _inside_probability(exact.gamma, n, z, tails) < 0.96
    assert simulated.gamma == pytest.approx(exact.gamma, rel=0.25)


def test_the_tail_tables_are_scipys_binomial_tails():
    n, z = 200, np.array([0.01, 0.3, 0.5, 0.97])
    lower, upper = _tail_levels(n, z)
    x = np.arange(n + 1)[:, None]
    # (below 1e-250 scipy's sf underflows to 0 where the running sums keep the tail)
    assert np.allclose(lower, stats.binom.cdf(x, n, z), rtol=1e-9, atol=1e-250)
    assert np.allclose(upper, stats.binom.sf(x - 1, n, z), rtol=1e-9, atol=1e-250)


def test_the_exact_recursion_matches_a_brute_force_count():
    # Three ranks in 0..2 (27 equally likely samples): the share inside a band by enumeration.
    n, ell = 3, 2
    z = np.array([1 / 3, 2 / 3])
    tails = _tail_levels(n, z)
    samples = np.array(np.meshgrid(*[range(ell + 1)] * n)).reshape(n, -1).T
    for gamma in (0.05, 0.3, 0.6, 0.9):
        low, high = _edges(gamma, *tails)
        counts = np.stack([(samples < c).sum(axis=1) for c in (1, 2)], axis=1)
        share = np.mean(np.all((counts >= low) & (counts <= high), axis=1))
        assert _inside_probability(gamma, n, z, tails) == pytest.approx(share)


def test_the_band_is_seeded_and_narrows_with_more_ranks():
    a, b = ecdf_difference_bands(200, 99, seed=7), ecdf_difference_bands(200, 99, seed=7)
    assert a.gamma == b.gamma and np.array_equal(a.lower, b.lower)
    assert ecdf_difference_bands(200, 99, seed=8).gamma == pytest.approx(a.gamma, rel=0.2)
    wide, narrow = ecdf_difference_bands(100, 99), ecdf_difference_bands(1000, 99)
    assert (narrow.upper - narrow.lower).max() < (wide.upper - wide.lower).max() / 2
    assert a.lower[0] == a.upper[0] == a.lower[-1] == a.upper[-1] == 0
    assert np.all(a.lower[1:-1] < 0) and np.all(a.upper[1:-1] > 0)


def test_with_l_plus_1_points_the_grid_is_the_sbc_packages():
    # The SBC package scales ranks to (r + 1) / (L + 1) and reads the ECDF at i / (L + 1).
    ranks = np.array([0, 0, 3, 5, 9, 9, 9, 2])
    z, difference = ecdf_difference(ranks, 9, K=10)
    assert np.allclose(z, np.arange(11) / 10)
    pit = (ranks + 1) / 10
    ecdf = np.array([np.mean(pit <= zi + 1e-12) for zi in z])
    assert np.allclose(difference, ecdf - z)


def test_fewer_points_fall_on_rank_boundaries():
    assert list(evaluation_grid(9, 3)) == [0, 3, 6, 10]
    assert list(evaluation_grid(999, 1000)) == list(range(1001))
    grid = evaluation_grid(999, 7)
    assert grid[0] == 0 and grid[-1] == 1000 and np.all(np.diff(grid) >= 142)


# -- ranks -----------------------------------------------------------------------------------


def test_ties_are_broken_at_random_so_discrete_ranks_stay_uniform():
    # A discrete quantity whose posterior is its prior: ranks uniform only with the tie-break.
    rng = np.random.default_rng(4)
    truth = rng.poisson(3.0, 400)
    draws = rng.poisson(3.0, (L, 400)).astype(float)
    broken = ranks_of(truth, draws, rng)
    below = (draws < truth).sum(axis=0)
    assert chi_square_uniformity(broken, L).p_value > 0.05
    assert chi_square_uniformity(below, L).p_value < 1e-6


def test_rank_of_breaks_ties_reproducibly():
    draws = np.array([1.0, 2.0, 2.0, 2.0, 3.0])
    seen = {rank_of(2.0, draws, np.random.default_rng(s)) for s in range(40)}
    assert seen == {1, 2, 3, 4}
    a = [rank_of(2.0, draws, np.random.default_rng(9)) for _ in range(3)]
    assert len(set(a)) == 1


finite = st.floats(-1e6, 1e6, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    truth=finite,
    draws=hnp.arrays(float, st.integers(1, 50), elements=finite),
    seed=st.integers(0, 99),
)
def test_a_rank_is_in_0_to_l_and_counts_the_draws_below(truth, draws, seed):
    rank = rank_of(truth, draws, np.random.default_rng(seed))
    below, ties = (draws < truth).sum(), (draws == truth).sum()
    assert 0 <= rank <= draws.size
    assert below <= rank <= below + ties


@settings(max_examples=100, deadline=None)
@given(
    draws=hnp.arrays(float, st.tuples(st.integers(1, 30), st.integers(1, 4)), elements=finite),
    data=st.data(),
)
def test_ranks_of_is_rank_of_column_by_column(draws, data):
    truth = np.array(data.draw(st.lists(finite, min_size=draws.shape[1], max_size=draws.shape[1])))
    truth = truth + 0.5  # draws are whole or large; half-way values avoid ties
    if np.any(draws == truth):
        return
    ranks = ranks_of(truth, draws, np.random.default_rng(0))
    expected = [rank_of(t, draws[:, j], np.random.default_rng(0)) for j, t in enumerate(truth)]
    assert list(ranks) == expected


@settings(max_examples=100, deadline=None)
@given(ell=st.integers(1, 300), data=st.data())
def test_the_ecdf_difference_is_0_at_the_ends_and_a_share_between(ell, data):
    ranks = np.array(data.draw(st.lists(st.integers(0, ell), min_size=1, max_size=60)))
    z, difference = ecdf_difference(ranks, ell)
    assert difference[0] == 0 and difference[-1] == 0
    assert np.all(np.abs(difference) <= 1) and np.all(np.diff(z) > 0)
    # Every rank moved to the bottom gives the highest curve possible.
    _, low = ecdf_difference(np.zeros_like(ranks), ell, K=z.size - 1)
    assert np.all(low >= difference - 1e-12)


# -- thinning --------------------------------------------------------------------------------


def test_thinning_keeps_every_ceil_tau_th_draw_and_leaves_nearly_independent_draws():
    chain = np.arange(100)
    assert list(thin(chain, 1)) == list(range(100))
    assert list(thin(chain, 7.2)[:3]) == [0, 8, 16]
    # An AR(1) chain with autocorrelation 0.9: tau = (1 + 0.9) / (1 - 0.9) = 19.
    rng = np.random.default_rng(5)
    x = np.zeros(200_000)
    noise = rng.normal(size=x.size)
    for i in range(1, x.size):
        x[i] = 0.9 * x[i - 1] + noise[i]
    lag_one = lambda v: np.corrcoef(v[:-1], v[1:])[0, 1]  # noqa: E731
    assert lag_one(x) > 0.85
    assert abs(lag_one(thin(x, 19.0))) < 0.2
    walkers = np.zeros((40, 8, 3))
    assert thin(walkers, 4).shape == (10, 8, 3)


def test_choose_draws_spreads_l_draws_over_the_sample():
    sample = np.arange(1000)
    chosen = choose_draws(sample, 99)
    assert chosen.size == 99 and np.unique(chosen).size == 99
    assert chosen[0] == 0 and chosen[-1] > 980
    assert np.array_equal(choose_draws(np.arange(99), 99), np.arange(99))
    with pytest.raises(InputError, match="50 draws after thinning; at least L = 99"):
        choose_draws(np.arange(50), 99)


# -- chi-square and bad input ------------------------------------------------------------------


def test_default_bins_keep_five_expected_per_bin():
    assert default_bins(300, 99) == 20
    assert default_bins(40, 99) == 7  # 8 bins would hold 12 rank values, 4.8 expected
    assert default_bins(300, 4) == 5
    assert default_bins(3, 99) == 2


def test_chi_square_uses_unequal_bins_when_l_plus_1_does_not_divide():
    ranks = np.arange(101)  # each of 0..100 once: perfectly uniform
    test = chi_square_uniformity(ranks, 100, bins=20)
    assert test.statistic == pytest.approx(0.0, abs=1e-12) and test.bins == 20


def test_central_ranks_are_the_90_percent_interval():
    assert central_ranks(99) == (5, 94)
    assert central_ranks(9) == (0, 8)
    assert central_ranks(999) == (50, 949)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: ecdf_difference(np.array([0, 100]), 99),
            "ranks: 100 is out of range; ranks are in 0..99",
        ),
        (lambda: ecdf_difference(np.array([0.5]), 99), "ranks: not whole numbers"),
        (lambda: ecdf_difference_bands(100, 0), "L: 0; the number of posterior draws"),
        (lambda: ecdf_difference_bands(100, 99, alpha=1.0), "alpha: 1.0; a level strictly"),
        (lambda: ecdf_difference_bands(100, 99, K=101), "K: 101; the number of evaluation"),
        (lambda: ecdf_difference_bands(100, 99, method="ks"), 'method: "ks"; one of'),
        (lambda: rank_of(0.0, np.array([1.0, np.nan]), np.random.default_rng()), "draws: nan"),
        (lambda: rank_of(np.inf, np.array([1.0]), np.random.default_rng()), "true_value: inf"),
        (lambda: thin(np.arange(5), 0.5), "tau: 0.5; a finite number of iterations"),
        (lambda: thin(np.arange(5), True), "tau: true; a finite number of iterations"),
        (lambda: chi_square_uniformity(np.arange(10), 9, bins=11), "bins: 11; an integer from 2"),
        (lambda: sbc_summary({}, 99), "ranks: no quantities"),
        (
            lambda: inside_bands(np.arange(10), ecdf_difference_bands(20, 99)),
            "ranks: 10 ranks; the band was made for n_ranks = 20",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_what_is_allowed(call, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()
