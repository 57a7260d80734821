"""Every likelihood form: zero where the report is met, symmetric in log space, signed."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.special import logsumexp

from ffsim.calibration.likelihood import (
    log_likelihood,
    reading_probabilities,
    z_difference,
    z_lower_bound,
    z_point,
    z_range,
    z_score,
    z_upper_bound,
)
from ffsim.calibration.observations import Reading, Statement, load_observations, statements


def test_point_is_log_normal_and_symmetric_in_ratio():
    assert z_point(np.array(1000.0), 1000.0, 0.3) == 0.0
    up, down = z_point(np.array(2000.0), 1000.0, 0.3), z_point(np.array(500.0), 1000.0, 0.3)
    assert up == pytest.approx(math.log(2) / 0.3) and down == pytest.approx(-up)


def test_point_with_zero_model_value_is_finite_and_far_off():
    z = z_point(np.array(0.0), 1000.0, 0.3)
    assert np.isfinite(z) and z < -50


def test_range_is_flat_inside_and_log_normal_outside():
    model = np.array([5.0, 6.0, 8.0, 10.0, 12.0, 3.0])
    z = z_range(model, 6.0, 10.0, 0.3)
    np.testing.assert_allclose(z[1:4], 0.0)
    assert z[4] == pytest.approx(math.log(12 / 10) / 0.3)
    assert z[5] == pytest.approx(math.log(3 / 6) / 0.3)


def test_lower_bound_penalises_only_below():
    z = z_lower_bound(np.array([4000.0, 4500.0, 9000.0]), 4500.0, 0.4)
    assert z[0] == pytest.approx(math.log(4000 / 4500) / 0.4)
    assert z[1] == 0.0 and z[2] == 0.0


def test_upper_bound_penalises_only_above():
    z = z_upper_bound(np.array([10.0, 31000.0, 40000.0]), 31000.0, 0.3)
    assert z[0] == 0.0 and z[1] == 0.0
    assert z[2] == pytest.approx(math.log(40000 / 31000) / 0.3)


def test_difference_is_linear_and_accepts_zero_and_negative_model_values():
    z = z_difference(np.array([10000.0, 5000.0, 0.0, -2000.0]), 10000.0, 0.5)
    np.testing.assert_allclose(z, [0.0, -1.0, -2.0, -2.4])


def test_ratio_uses_the_point_form():
    obs = next(o for o in load_observations() if o.form == "ratio" and o.use == "fit")
    z = z_score(np.array([obs.value * math.e]), obs)
    assert z[0] == pytest.approx(1.0 / obs.sigma_log)


def test_every_fitted_form_is_zero_at_the_reported_value():
    for obs in (o for o in load_observations() if o.use == "fit"):
        inside = obs.reported_high if math.isfinite(obs.reported_high) else obs.reported_low
        assert z_score(np.array([inside]), obs)[0] == 0.0, obs.id


def test_log_likelihood_sums_over_observations():
    z = np.array([[0.0, 1.0, 2.0], [3.0, 0.0, 0.0]])
    np.testing.assert_allclose(log_likelihood(z), [-2.5, -4.5])


# --- mixtures over readings, against an explicit logsumexp with scipy.stats ------------------


def _component(z: np.ndarray, rows: tuple[int, ...]) -> np.ndarray:
    """A reading's log-likelihood: the normal log density of its rows' residuals, relative to
    its peak (a reading the model matches exactly scores 0), from scipy.stats."""
    return (stats.norm.logpdf(z[..., list(rows)]) - stats.norm.logpdf(0.0)).sum(axis=-1)


def _explicit(z: np.ndarray, found: tuple[Statement, ...]) -> np.ndarray:
    mixed = {i for s in found for r in s.readings for i in r.rows}
    singles = [i for i in range(z.shape[-1]) if i not in mixed]
    total = _component(z, tuple(singles))
    for s in found:
        terms = [np.log(r.weight) + _component(z, r.rows) for r in s.readings]
        total = total + logsumexp(np.stack(terms, axis=-1), axis=-1)
    return total


UNEVEN = (
    Statement("a", (Reading("low", 0.8, (1, 2)), Reading("high", 0.2, (3,)))),
    Statement("b", (Reading("x", 0.1, (4,)), Reading("y", 0.6, (5,)), Reading("z", 0.3, (6,)))),
)


def test_a_mixture_is_the_logsumexp_of_log_weight_plus_each_readings_log_likelihood():
    rng = np.random.default_rng(7)
    z = rng.normal(0.0, 2.0, size=(50, 8))
    np.testing.assert_allclose(log_likelihood(z, UNEVEN), _explicit(z, UNEVEN), rtol=1e-12)


def test_the_shipped_readings_mix_with_their_prior_weights():
    observations = load_observations()
    found = statements(observations)
    assert found  # (their weights are even today: a mixture without them is off by a constant)
    z = np.random.default_rng(11).normal(0.0, 1.5, size=(40, len(observations)))
    np.testing.assert_allclose(log_likelihood(z, found), _explicit(z, found), rtol=1e-12)


def test_a_model_matching_every_reading_exactly_scores_the_weights_that_sum_to_one():
    # Every reading met exactly: each term is log(weight); the mixture is log(sum) = 0, and the
    # posterior probability of each reading is its prior weight.
    z = np.zeros((1, 8))
    assert log_likelihood(z, UNEVEN)[0] == pytest.approx(0.0, abs=1e-12)
    for s in UNEVEN:
        np.testing.assert_allclose(reading_probabilities(z, s)[0], [r.weight for r in s.readings])
    # The weights decide between two readings met equally well: one missed by z = 1 each.
    one_off = np.zeros((1, 8))
    one_off[0, 3] = 1.0  # the less probable reading of "a" missed
    expected = logsumexp([np.log(0.8), np.log(0.2) - 0.5])
    assert log_likelihood(one_off, UNEVEN[:1])[0] == pytest.approx(expected, rel=1e-12)


def test_a_figure_outside_its_stated_range_says_so_even_within_one_sigma():
    from ffsim.calibration.fit_count import beyond_stated

    # "up to 31,000" met by 37,500 lies 21% above the bound; z may still be within one.
    assert beyond_stated(37_500, 0, 31_000) == "above the stated bound by 21%"
    assert beyond_stated(31_000, 0, 31_000) == ""
    assert beyond_stated(35, 50, None) == "below the stated bound by 30%"
    assert beyond_stated(40_000, 27_000, 30_000) == "above the stated range by 33%"
    assert beyond_stated(20_000, 27_000, 30_000) == "below the stated range by 26%"
    assert beyond_stated(28_000, 27_000, 30_000) == ""
    assert beyond_stated(900, 1000, 1000) == ""  # a point figure has no stated range


def test_reading_probabilities_are_the_posterior_of_each_reading_by_bayes_rule():
    # prior weight x likelihood of the reading, normalised over the readings (scipy.stats)
    z = np.random.default_rng(5).normal(0.0, 1.5, size=(30, 8))
    for s in UNEVEN:
        joint = np.stack([r.weight * np.exp(_component(z, r.rows)) for r in s.readings], axis=-1)
        np.testing.assert_allclose(
            reading_probabilities(z, s), joint / joint.sum(axis=-1, keepdims=True), rtol=1e-10
        )


def test_one_members_residuals_as_a_vector_score_as_its_row_of_a_batch():
    # z is (..., n_obs): a single member's residuals, with no batch axis, are scored as that
    # member's row of a batch is (the mixture and the reading probabilities alike).
    batch = np.random.default_rng(3).normal(0.0, 1.5, size=(4, 8))
    for k, row in enumerate(batch):
        alone = log_likelihood(row, UNEVEN)
        assert np.shape(alone) == ()
        assert float(alone) == pytest.approx(log_likelihood(batch, UNEVEN)[k], rel=1e-12)
        for s in UNEVEN:
            probabilities = reading_probabilities(row, s)
            assert probabilities.shape == (len(s.readings),)
            np.testing.assert_allclose(probabilities, reading_probabilities(batch, s)[k])
