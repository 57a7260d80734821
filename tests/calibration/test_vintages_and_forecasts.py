"""Out of sample: validation figures never enter a fit; vintages fit only what was published by
their date and reproduce; the forecast scores follow their definitions."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from synthetic_figures import synthetic_figure as _obs

from ffsim.calibration.baseline import read_artifact
from ffsim.calibration.calibrate import Calibrator
from ffsim.calibration.config import DEFAULT_CONFIG, load_config
from ffsim.calibration.forecast import AS_STATED_READINGS, forecast_all, later_figures, vintages
from ffsim.calibration.observations import (
    DEFAULT_PATH,
    VALIDATION_PATH,
    fitted,
    load_observations,
    load_validation,
    statements,
)
from ffsim.calibration.predictive import predictive_cdf, predictive_quantiles, score, summarise
from ffsim.calibration.problem import Problem
from ffsim.calibration.statistical import ESTIMATE_ATOL_AT_ZERO, ESTIMATE_RTOL
from ffsim.calibration.vintages import article_dates, rows_as_of, vintage_path
from ffsim.cli.main import main
from ffsim.core.errors import InputError
from ffsim.core.parameters import Parameters

OBSERVATIONS = load_observations()
VALIDATION = load_validation()
VINTAGES = vintages(OBSERVATIONS)
EUROPE = "france+united_kingdom+other_europe"


# --- validation data -------------------------------------------------------------------------


def test_validation_file_holds_at_least_eight_world_or_eu_totals_with_sources():
    assert len(VALIDATION) >= 8
    for o in VALIDATION:
        assert o.use == "validation"
        assert o.region in ("total", "none", EUROPE), f"{o.id}: country-level rows stay out"
        assert o.outlet and o.source_file and o.note, o.id
        assert o.sigma_log is not None and o.measure is not None, o.id
    outlets = " ".join(o.outlet for o in VALIDATION)
    for source in ("Soufan", "ICSR", "Europol"):
        assert source in outlets


def test_validation_figures_are_published_after_every_fitted_figure_they_score():
    # US officials' killed totals of 2016 and early 2017 come before the last article; they
    # appear in no article and score only the vintages before their date.
    for v in VINTAGES:
        for o in later_figures(v.date, OBSERVATIONS, VALIDATION):
            assert o.published > v.date


def test_no_validation_row_enters_any_fit():
    validation_ids = {o.id for o in VALIDATION}
    assert not validation_ids & {o.id for o in OBSERVATIONS}
    for v in VINTAGES:
        for row in read_artifact(v.path)["observations"]:
            assert row["id"] not in validation_ids, f"{row['id']} was fitted in {v.path.name}"
        for o in rows_as_of(OBSERVATIONS, v.date):
            assert o.use == "fit" and o.id not in validation_ids


def test_a_validation_row_in_the_observations_file_is_refused(tmp_path):
    text = DEFAULT_PATH.read_text("utf-8").rstrip("\n")
    extra = VALIDATION_PATH.read_text("utf-8").splitlines()[1]
    bad = tmp_path / "observations.csv"
    bad.write_text(f"{text}\n{extra}\n", "utf-8")
    with pytest.raises(InputError, match="use = validation"):
        load_observations(bad)


def test_a_fitted_row_in_the_validation_file_is_refused(tmp_path):
    header, *rows = VALIDATION_PATH.read_text("utf-8").splitlines()
    bad = tmp_path / "validation.csv"
    bad.write_text("\n".join([header, rows[0].replace(",validation,", ",fit,")]) + "\n")
    with pytest.raises(InputError, match="must be validation"):
        load_validation(bad)


# --- vintages ---------------------------------------------------------------------------------


def test_five_vintages_one_per_article_date():
    dates = [v.date.isoformat() for v in VINTAGES]
    assert dates == ["2015-04-30", "2015-09-27", "2016-06-26", "2016-09-11", "2017-03-24"]
    assert [v.date for v in VINTAGES] == list(article_dates(OBSERVATIONS))
    # the last article reports no fitted figure: its vintage is the baseline, as is 2016-09-11
    assert VINTAGES[-1].path == VINTAGES[-2].path == vintage_path(dt.date(2030, 1, 1), OBSERVATIONS)
    assert len({v.path for v in VINTAGES}) == 4


def test_each_vintage_artifact_fits_exactly_the_figures_published_by_its_date():
    for v in VINTAGES:
        artifact = read_artifact(v.path)
        assert artifact["as_of"] == v.data_date.isoformat()
        ids = [row["id"] for row in artifact["observations"]]
        assert ids == [o.id for o in rows_as_of(OBSERVATIONS, v.date)]
        for row in artifact["observations"]:
            assert dt.date.fromisoformat(row["published"]) <= v.date


def test_a_statement_loses_the_readings_not_yet_published():
    # The NYT's own rows are dated 2015-09-26, New York Magazine's paraphrase 2015-09-27.
    rows = rows_as_of(OBSERVATIONS, dt.date(2015, 9, 26))
    assert any(o.id.endswith("_primary") for o in rows)
    assert not any(o.reading_of == "nyt_2015_09" for o in rows)
    assert all(o.published <= dt.date(2015, 9, 26) for o in rows)
    statements(rows)  # still a valid problem
    with pytest.raises(InputError, match="no fitted figure"):
        rows_as_of(OBSERVATIONS, dt.date(2014, 1, 1))


def test_calibrate_refuses_a_bad_as_of_before_any_work(capsys):
    assert main(["calibrate", "--as-of", "2015-13-01"]) == 2
    assert "--as-of '2015-13-01'" in capsys.readouterr().err
    assert main(["calibrate", "--as-of", "2014-01-01", "--check"]) == 2
    assert "no fitted figure" in capsys.readouterr().err


@pytest.mark.slow  # about 20 s each; the slow tier's `make check-vintages` re-runs them in full
@pytest.mark.parametrize(
    "vintage", [v for v in VINTAGES if v.path.parent.name == "vintages"], ids=lambda v: str(v.date)
)
def test_vintage_posterior_mode_reproduces_its_shipped_estimates(vintage):
    # The optimiser stage of `ffsim calibrate --as-of DATE --check`, under its rule for the
    # best fit (1e-4 relative). The whole check, sampler included, takes about a minute a
    # vintage; CI runs it after the suite (`make check-vintages`), and the baseline's whole
    # check is the slow test in tests/test_package.py. The priors are the vintage's: those
    # whose evidence was published later give way to the weakly informative rule.
    shipped = read_artifact(vintage.path)
    config = load_config(DEFAULT_CONFIG).as_of(vintage.date)
    problem = Problem(config, rows_as_of(OBSERVATIONS, vintage.date), Parameters())
    cal = Calibrator(problem, shipped["provenance"]["seed"]).fit_point()
    for name, value in zip(config.names, cal.best_theta_, strict=True):
        expected = shipped["parameters"][name]["estimate"]
        assert value == pytest.approx(expected, rel=ESTIMATE_RTOL, abs=ESTIMATE_ATOL_AT_ZERO), name


# --- scores -----------------------------------------------------------------------------------


def test_predictive_quantiles_invert_the_mixture_cdf():
    rng = np.random.default_rng(1)
    model = rng.lognormal(np.log(1000), 0.4, 300)
    for o in (_obs(), _obs(form="difference", value=-500.0)):
        q = predictive_quantiles(model if o.form != "difference" else model - 1500, o)
        cdf = predictive_cdf(model if o.form != "difference" else model - 1500, o, q)
        assert np.allclose(cdf, [0.05, 0.25, 0.5, 0.75, 0.95], atol=1e-9)


def test_one_draw_gives_the_lognormal_reporting_band():
    o = _obs(sigma=0.3)
    lo, hi = predictive_quantiles(np.array([1000.0]), o, (0.05, 0.95))
    assert lo == pytest.approx(1000 * math.exp(-1.6448536 * 0.3), rel=1e-6)
    assert hi == pytest.approx(1000 * math.exp(1.6448536 * 0.3), rel=1e-6)


def test_scores_of_a_perfect_and_of_a_far_forecast():
    o = _obs()
    perfect = score(np.full(50, 1000.0), o, "validation")
    assert perfect.log_kernel == pytest.approx(0.0)
    assert perfect.inside == {0.5: True, 0.9: True}
    assert perfect.median_error == 0.0
    far = score(np.full(50, 1000.0 * math.exp(3 * 0.3)), o, "validation")  # three sigma above
    assert far.log_kernel == pytest.approx(-4.5)
    assert far.inside == {0.5: False, 0.9: False}
    assert far.median_error == pytest.approx(0.9)


def test_a_bound_is_inside_a_band_that_reaches_it():
    bound = _obs(form="lower_bound", value=40000.0, low="40000")
    below = score(np.full(10, 30000.0), bound, "validation")  # 0.96 sigma below the bound
    assert below.inside[0.9] and not below.inside[0.5]
    assert below.median_error == pytest.approx(math.log(30000 / 40000))
    above = score(np.full(10, 50000.0), bound, "validation")
    assert above.log_kernel == 0.0 and above.median_error == 0.0 and above.inside[0.5]


def test_bands_are_calibrated_when_figures_come_from_the_predictive():
    # Figures drawn from the model's own predictive land in its 50% and 90% bands at those rates.
    rng = np.random.default_rng(7)
    model = rng.lognormal(np.log(5000), 0.5, 300)
    inside = {0.5: 0, 0.9: 0}
    n = 400
    for _ in range(n):
        reported = float(rng.choice(model) * math.exp(0.3 * rng.standard_normal()))
        f = score(model, _obs(value=reported), "validation")
        for k in inside:
            inside[k] += f.inside[k]
    assert 0.43 <= inside[0.5] / n <= 0.57
    assert 0.86 <= inside[0.9] / n <= 0.94


def test_every_statement_is_scored_as_stated_once():
    for st in statements(fitted(OBSERVATIONS)):
        names = [r.name for r in st.readings if r.name in AS_STATED_READINGS]
        assert len(names) == 1, st.id


def test_later_figures_hold_later_articles_and_all_validation_rows():
    first = later_figures(VINTAGES[0].date, OBSERVATIONS, VALIDATION)
    ids = [o.id for o in first]
    assert "total_cumulative_2015_09_primary" in ids
    assert "total_departures_past_year_2015_09" not in ids  # the paraphrase's reading
    assert all(o.id in ids for o in VALIDATION)
    last = later_figures(VINTAGES[-1].date, OBSERVATIONS, VALIDATION)
    assert {o.id for o in last} <= {o.id for o in VALIDATION}
    assert len(last) >= 8


def test_skill_report_counts_add_up():
    report = forecast_all()
    assert [v.date for v, _ in report] == [v.date for v in VINTAGES]
    for v, forecasts in report:
        s = summarise(forecasts)
        assert s.n == len(later_figures(v.date, OBSERVATIONS, VALIDATION))
        assert s.inside[0.5] <= s.inside[0.9] <= s.n
        assert all(f.log_kernel <= 0.0 for f in forecasts)


def test_forecast_skill_command_prints_the_table_and_one_vintage(capsys, tmp_path):
    out = tmp_path / "skill.csv"
    assert main(["forecast-skill", "--vintage", "2015-09-27", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "inside 90% band" in text and "world_affiliated_icsr_2018_07" in text
    assert out.read_text().startswith("vintage,data_date,id,")
    assert main(["forecast-skill", "--vintage", "2015-09-28"]) == 2
    assert "allowed one of 2015-04-30" in capsys.readouterr().err


def test_check_of_a_vintage_file_re_runs_it_as_of_its_own_date(tmp_path, monkeypatch):
    from ffsim.cli import calibrate_command as calibrate_cli

    seen = {}

    def fake_run(config_path, data_path, seed, progress=print, as_of=None):
        seen["as_of"] = as_of
        return read_artifact(VINTAGES[1].path)

    monkeypatch.setattr(calibrate_cli, "run_calibration", fake_run)
    shipped = tmp_path / "vintage.json"
    shipped.write_text(VINTAGES[1].path.read_text("utf-8"), "utf-8")
    assert main(["calibrate", "--check", "--out", str(shipped)]) == 0
    assert seen["as_of"] == dt.date(2015, 9, 27)
