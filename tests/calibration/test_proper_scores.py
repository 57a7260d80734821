"""The proper scores of the forecasts (WIS, log score, PIT) follow their definitions, and the
quantile export holds what the scores were computed from."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scoringrules as sr  # at collection: its import compiles numba kernels for seconds
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import kstest, norm
from synthetic_figures import synthetic_figure as _obs

from ffsim.calibration.forecast import common_figures, forecast_all, later_figures, proper_table
from ffsim.calibration.hub import HUB_COLUMNS, horizon_months, quantile_columns
from ffsim.calibration.observations import load_observations, load_validation
from ffsim.calibration.predictive import (
    HUB_LEVELS,
    log_predictive,
    pit_interval,
    predictive_cdf,
    score,
)
from ffsim.calibration.scores import (
    pit_histogram,
    proper_scores,
    scored_value,
    uniformity_p_value,
    wis,
)
from ffsim.cli.main import main
from ffsim.core.tables import table_bytes


def _pinball(q: float, y: float, level: float) -> float:
    return (float(y < q) - level) * (q - y)


# --- WIS --------------------------------------------------------------------------------------


def test_hub_levels_are_the_cdc_hubs_23():
    assert len(HUB_LEVELS) == 23
    assert HUB_LEVELS[:4] == (0.01, 0.025, 0.05, 0.1) and HUB_LEVELS[11] == 0.5
    assert HUB_LEVELS[-3:] == (0.95, 0.975, 0.99)
    assert all(abs(a + b - 1) < 1e-12 for a, b in zip(HUB_LEVELS, HUB_LEVELS[::-1], strict=True))


def test_wis_equals_the_hand_formula_of_bracher_et_al():
    rng = np.random.default_rng(3)
    model = rng.lognormal(np.log(2000), 0.5, 200)
    o = _obs(value=3500.0, sigma=0.3)
    f = score(model, o, "validation")
    q, y = np.log(f.hub_quantiles), math.log(3500.0)
    # Bracher et al. (2021), eq. 3: (1 / (K + 1/2)) (|y - m| / 2 + sum_k alpha_k / 2 IS_alpha_k)
    total = 0.5 * abs(y - q[11])
    for k in range(11):
        alpha = 2 * HUB_LEVELS[k]
        low, high = q[k], q[22 - k]
        interval = (high - low) + 2 / alpha * max(low - y, 0) + 2 / alpha * max(y - high, 0)
        total += alpha / 2 * interval
    by_hand = total / 11.5
    assert wis([f])[0] == pytest.approx(by_hand, rel=1e-12)
    # equivalently, the sum of the pinball losses at the 23 levels, divided by 11.5
    pinball = sum(_pinball(qk, y, lv) for qk, lv in zip(q, HUB_LEVELS, strict=True))
    assert wis([f])[0] == pytest.approx(pinball / 11.5, rel=1e-12)


@given(
    m=st.floats(10.0, 1e6),
    y=st.floats(10.0, 1e6),
    sigma=st.floats(1e-6, 1e-4),
)
def test_wis_of_a_point_mass_forecast_is_the_absolute_error(m, y, sigma):
    # one draw, a negligible reporting error: every quantile is m (to a few parts per 10,000)
    f = score(np.array([m]), _obs(value=y, sigma=sigma), "validation")
    assert wis([f])[0] == pytest.approx(abs(math.log(y) - math.log(m)), abs=5 * sigma)


def test_wis_of_a_range_or_bound_is_taken_at_the_value_nearest_the_median():
    model = np.full(20, 1000.0)
    met = score(model, _obs(form="lower_bound", value=500.0, low="500"), "validation")
    assert scored_value(met) == pytest.approx(1000.0, rel=1e-6)  # the median, inside the bound
    missed = score(model, _obs(form="range", value=2500.0, low="2000", high="3000"), "validation")
    assert scored_value(missed) == 2000.0
    # the bound met scores the spread alone, less than a forecast missing the range
    assert wis([met])[0] < wis([missed])[0]


# --- log score --------------------------------------------------------------------------------


def test_log_score_of_a_value_is_the_log_density_of_the_mixture():
    rng = np.random.default_rng(5)
    model = rng.lognormal(np.log(800), 0.4, 100)
    o = _obs(value=1200.0, sigma=0.35)
    f = score(model, o, "validation")
    expected = -sr.logs_mixnorm(math.log(1200.0), np.log(model), np.full(100, 0.35))
    assert f.log_score == pytest.approx(expected, rel=1e-10)
    # the log kernel differs from it by the normalising constant alone
    assert f.log_score == pytest.approx(
        f.log_kernel - math.log(0.35) - 0.5 * math.log(2 * math.pi), rel=1e-10
    )


def test_log_score_of_a_range_and_of_bounds_is_the_log_probability_they_report():
    m, s = 1000.0, 0.3
    model = np.array([m])
    rng_ = _obs(form="range", value=1500.0, low="1200", high="2000", sigma=s)
    p = norm.cdf(math.log(2000 / m) / s) - norm.cdf(math.log(1200 / m) / s)
    assert log_predictive(model, rng_) == pytest.approx(math.log(p), rel=1e-10)
    upper = _obs(form="upper_bound", value=900.0, high="900", sigma=s)
    assert log_predictive(model, upper) == pytest.approx(norm.logcdf(math.log(0.9) / s))
    # far in the tail the probability is tiny but its log is finite and right
    far = _obs(form="lower_bound", value=1e6, low="1000000", sigma=0.1)
    assert log_predictive(model, far) == pytest.approx(norm.logsf(math.log(1000) / 0.1), rel=1e-9)


def test_a_log_score_far_outside_every_draw_is_finite():
    f = score(np.full(10, 1.0), _obs(value=1e8, sigma=0.05), "validation")
    assert math.isfinite(f.log_score) and f.log_score < -1e4


# --- PIT --------------------------------------------------------------------------------------


def test_pit_is_the_predictive_cdf_at_what_the_figure_reports():
    rng = np.random.default_rng(2)
    model = rng.lognormal(np.log(5000), 0.3, 50)
    point = _obs(value=4000.0)
    assert pit_interval(model, point) == (float(predictive_cdf(model, point, 4000.0)),) * 2
    bound = _obs(form="lower_bound", value=4000.0, low="4000")
    assert pit_interval(model, bound) == (float(predictive_cdf(model, bound, 4000.0)), 1.0)
    upper = _obs(form="upper_bound", value=4000.0, high="4000")
    assert pit_interval(model, upper)[0] == 0.0


def _pits_of_figures_drawn_from(model, shift: float, rng, n: int = 300) -> list[float]:
    """PIT values of ``n`` figures drawn from the predictive of ``model``, times exp(shift)."""
    sigma = 0.3
    pits = []
    for _ in range(n):
        reported = float(rng.choice(model) * math.exp(sigma * rng.standard_normal() + shift))
        pits.append(pit_interval(model, _obs(value=reported, sigma=sigma))[0])
    return pits


def test_pit_is_uniform_for_figures_drawn_from_the_predictive_and_not_for_biased_ones():
    rng = np.random.default_rng(11)
    model = rng.lognormal(np.log(3000), 0.4, 200)
    calibrated = _pits_of_figures_drawn_from(model, 0.0, rng)
    assert kstest(calibrated, "uniform").pvalue > 0.01
    biased = _pits_of_figures_drawn_from(model, 0.25, rng)  # figures a quarter above the forecast
    assert kstest(biased, "uniform").pvalue < 1e-4
    assert np.mean(biased) > 0.55


def test_pit_histogram_spreads_a_range_and_counts_a_value_once():
    counts = pit_histogram([(0.1, 0.1), (0.0, 1.0), (0.3, 0.5), (1.0, 1.0)])
    np.testing.assert_allclose(counts, [1.2, 0.7, 0.7, 0.2, 1.2])
    assert counts.sum() == pytest.approx(4.0)
    assert uniformity_p_value(np.full(5, 6.0)) == pytest.approx(1.0)
    assert uniformity_p_value(np.array([30.0, 0, 0, 0, 0])) < 1e-10


# --- the vintages -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report():
    """Every shipped vintage scored against its later figures (about 5 s)."""
    return forecast_all()


def test_every_vintage_has_wis_log_score_and_pit(report):
    table = proper_table(report)
    assert table.count("\n") == 1 + len(report)
    for v, forecasts in report:
        p = proper_scores(forecasts)
        assert p.n == len(forecasts) > 0
        assert 0 < p.mean_wis < 2 and math.isfinite(p.mean_log_score)
        assert sum(p.pit_counts) == pytest.approx(p.n)
        assert 0 <= p.mean_pit <= 1 and 0 <= p.uniformity_p <= 1
        assert v.label in table


def test_common_figures_are_those_after_the_last_vintage(report):
    last = report[-1][0]
    expected = {o.id for o in later_figures(last.date, load_observations(), load_validation())}
    assert common_figures(report) == expected and len(expected) >= 8
    assert f"mean WIS, the {len(expected)} figures every vintage scores" in proper_table(report)


def test_quantile_export_shape_monotone_and_horizons(report):
    columns = quantile_columns(report)
    assert tuple(columns) == HUB_COLUMNS
    n = sum(len(fs) for _, fs in report) * len(HUB_LEVELS)
    assert all(len(c) == n for c in columns.values())
    frame = pd.DataFrame(columns)
    for (_, _), group in frame.groupby(["as_of", "target"]):
        assert list(group["quantile_level"]) == list(HUB_LEVELS)
        assert np.all(np.diff(group["value"].to_numpy()) > 0)
    first = report[0][1][0]
    row = frame[(frame["target"] == first.figure.id) & (frame["quantile_level"] == 0.5)].iloc[0]
    assert row["value"] == first.hub_quantiles[11]
    assert horizon_months(report[0][0].date, first.figure.ref_end) == row["horizon"]


def test_horizon_counts_calendar_months_and_may_be_negative():
    import datetime as dt

    assert horizon_months(dt.date(2015, 4, 30), dt.date(2018, 7, 1)) == 39
    assert horizon_months(dt.date(2015, 4, 30), dt.date(2014, 12, 31)) == -4


def test_quantile_csv_reads_back_as_the_table(report, tmp_path, capsys):
    columns = quantile_columns(report)
    out = tmp_path / "quantiles.csv"
    assert main(["forecast-skill", "--quantiles", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "mean WIS (log scale)" in printed and "PIT histogram" in printed
    assert out.read_text("utf-8") == table_bytes(columns, ".csv")
    back = pd.read_csv(out)
    assert list(back.columns) == list(HUB_COLUMNS)
    np.testing.assert_allclose(back["value"], columns["value"], rtol=0, atol=5e-7)
    np.testing.assert_allclose(back["quantile_level"], columns["quantile_level"])
    assert list(back["horizon"]) == list(columns["horizon"])
    assert list(back["target"]) == list(columns["target"])
    assert list(back["as_of"]) == [str(d) for d in columns["as_of"]]


def test_quantile_option_refuses_an_unknown_extension(capsys, tmp_path):
    assert main(["forecast-skill", "--quantiles", str(tmp_path / "q.txt")]) == 2
    assert "--quantiles" in capsys.readouterr().err
