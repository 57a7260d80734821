"""The app, headless (Streamlit AppTest): every page renders and reacts; uploads and links."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from ffsim import __version__
from ffsim.app_pages.charts import regional_figure
from ffsim.app_pages.forecast_charts import forecast_band_figure, forecast_strip_figure
from ffsim.app_pages.state import widget_key
from ffsim.calibration.baseline import baseline_parameters
from ffsim.core.parameters import PARAMETER_SPECS
from ffsim.core.simulate import simulate
from ffsim.scenarios.levers import LEVER_SPECS

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGES = [
    "app_pages/compare.py",
    "app_pages/calibration.py",
    "app_pages/forecasts.py",
    "app_pages/model_page.py",
    "app_pages/scenarios_io.py",
    "app_pages/learn.py",
]


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def chart_data(at: AppTest) -> list[list]:
    return [
        [trace.get("y") for trace in json.loads(chart.proto.spec)["data"]]
        for chart in at.get("plotly_chart")
    ]


def trace_names(at: AppTest) -> list[str]:
    return [
        trace.get("name", "")
        for chart in at.get("plotly_chart")
        for trace in json.loads(chart.proto.spec)["data"]
    ]


def test_explore_renders_charts_band_sankey_and_a_widget_per_lever_and_assumption(app):
    assert len(app.get("plotly_chart")) == 7  # six stocks and flows, and the ledger Sankey
    assumptions = [s for s in PARAMETER_SPECS if s.category == "assumption"]
    n = len(LEVER_SPECS) + sum(len(s.default) if s.regional else 1 for s in assumptions)
    assert len(app.slider) == n
    names = trace_names(app)
    assert names.count("Baseline, all regions") == 6
    assert names.count("90% posterior band (all regions)") == 6
    assert "within one sigma" in app.metric[0].label


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(app, page):
    app.switch_page(page).run()
    assert not app.exception, [e.message for e in app.exception]


def test_moving_a_slider_changes_the_plotted_data_band_and_fit(app):
    before, fit_before = chart_data(app), app.metric[0].help
    half = baseline_parameters().departure_rate / 2
    app.slider(key=widget_key("param", "departure_rate")).set_value(half).run()
    assert not app.exception
    after = chart_data(app)
    assert after != before
    assert app.metric[1].delta.startswith("-")  # fewer set out than in the baseline
    assert app.metric[0].help != fit_before  # the live fit (its log-likelihood) follows


def test_a_lever_changes_the_run_and_reset_restores_the_base(app):
    before = chart_data(app)
    app.slider(key=widget_key("lever", "border_closure_shift")).set_value(-12).run()
    assert chart_data(app) != before
    app.button[0].click().run()
    assert chart_data(app) == before


def test_changes_survive_a_visit_to_another_page(app):
    app.slider(key=widget_key("lever", "air_campaign_strength")).set_value(0.0).run()
    changed = chart_data(app)
    app.switch_page("app_pages/model_page.py").run()
    app.switch_page("app_pages/explore.py").run()
    assert chart_data(app) == changed


def test_a_bad_upload_shows_an_error_and_keeps_the_previous_scenario(app):
    app.slider(key=widget_key("lever", "border_closure_shift")).set_value(-6).run()
    app.switch_page("app_pages/scenarios_io.py").run()
    bad = b'name = "x"\n[levers]\nair_campaign_strength = 7\n'
    app.file_uploader[0].set_value(("bad.toml", bad, "application/toml")).run()
    assert not app.exception
    assert any("air_campaign_strength" in e.value for e in app.error)
    assert app.session_state["changes"]["levers"] == {"border_closure_shift": -6}
    junk = bytes(range(256)) * 4
    app.file_uploader[0].set_value(("junk.toml", junk, "application/toml")).run()
    assert any("not a UTF-8 text file" in e.value for e in app.error)
    assert app.session_state["changes"]["levers"] == {"border_closure_shift": -6}


def test_a_good_upload_becomes_the_base_of_explore(app):
    before = chart_data(app)
    app.switch_page("app_pages/scenarios_io.py").run()
    good = (ROOT / "scenarios" / "no_border_tightening.toml").read_bytes()
    app.file_uploader[0].set_value(("good.toml", good, "application/toml")).run()
    assert not app.exception and not app.error
    app.switch_page("app_pages/explore.py").run()
    assert app.slider(key=widget_key("lever", "border_closure_strength")).value == 0.0
    assert chart_data(app) != before


def test_a_shared_url_restores_the_scenario():
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["v"] = __version__
    at.query_params["base"] = "territory_held"
    at.query_params["lever.border_closure_shift"] = "-12"
    at.query_params["param.combat_mortality"] = "0.02"
    at.run()
    assert not at.exception
    assert at.slider(key=widget_key("lever", "border_closure_shift")).value == -12
    assert at.slider(key=widget_key("param", "combat_mortality")).value == pytest.approx(0.02)
    assert "Territory held" in at.sidebar.caption[0].value
    # the app writes the same state back into the URL
    assert at.query_params["lever.border_closure_shift"] in (["-12"], "-12")


def test_a_bad_url_gives_a_notice_and_the_baseline():
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lever.border_closure_shift"] = "999"
    at.query_params["param.nonsense"] = "1"
    at.run()
    assert not at.exception
    assert at.warning, "a notice explains what was ignored"
    assert at.slider(key=widget_key("lever", "border_closure_shift")).value == 0


def test_saved_scenarios_are_offered_on_compare(app):
    app.slider(key=widget_key("lever", "prevention_shift")).set_value(-12).run()
    app.switch_page("app_pages/scenarios_io.py").run()
    app.text_input(key="io:name").input("prevention earlier").run()
    app.button(key="io:save").click().run()
    assert "prevention earlier" in app.session_state["saved"]
    app.switch_page("app_pages/compare.py").run()
    assert "Saved: prevention earlier" in app.multiselect(key="compare:chosen").options
    app.multiselect(key="compare:chosen").set_value(
        ["As reported (calibrated baseline)", "Saved: prevention earlier"]
    ).run()
    assert not app.exception
    assert len(app.get("plotly_chart")) >= 3  # overlay, difference, attribution


def test_chart_builder_is_pure_and_draws_baseline():
    result = simulate(baseline_parameters().with_overrides({"departure_rate": 0.01}))
    baseline = simulate(baseline_parameters())
    band = np.vstack([baseline.stock("in_theatre") * 0.9, baseline.stock("in_theatre") * 1.1])
    fig = regional_figure(result, baseline, "in_theatre", band)
    validated = go.Figure(fig.to_dict())  # the unvalidated fast build is a valid figure
    names = [t.name for t in validated.data]
    assert names[-1] == "Baseline, all regions"
    assert "90% posterior band (all regions)" in names
    np.testing.assert_allclose(np.asarray(fig.data[-1].y), baseline.stock("in_theatre"))


def test_regional_chart_without_a_band_has_regions_and_baseline_only():
    baseline = simulate(baseline_parameters())
    fig = regional_figure(baseline, baseline, "arrivals")
    assert len(fig.data) == len(baseline.regions) + 1


FORECASTS = "app_pages/forecasts.py"


def _metric(at: AppTest, label: str):
    return next(m for m in at.metric if m.label == label)


def test_the_forecasts_page_shows_bands_strip_and_the_skill_of_every_vintage(app):
    app.switch_page(FORECASTS).run()
    assert not app.exception, [e.message for e in app.exception]
    assert not app.error
    radio = app.radio(key="forecasts:vintage")
    assert radio.value == radio.options[0] == "as of 2015-04-30"  # the earliest by default
    assert len(app.get("plotly_chart")) == 5  # four world totals and the forecast strip
    names = trace_names(app)
    assert names.count("90% posterior band") == 4
    assert "later figure, inside its 90% predictive interval" in names
    assert "reported (value, range, bound)" in names
    skill = app.dataframe[-1].value
    assert list(skill["vintage"]) == radio.options
    assert list(skill["shown above"]) == ["yes", "", "", "", ""]
    assert any("**4 rows fitted**, from 1 article," in m.value for m in app.markdown)
    assert any("The Daily Beast, published 2015-04-30: 4 rows" in m.value for m in app.markdown)


def test_changing_the_vintage_changes_the_bands_and_the_later_figures(app):
    app.switch_page(FORECASTS).run()
    before, n_before = chart_data(app), _metric(app, "Later figures").value
    assert "fitted by this vintage" not in trace_names(app)  # Europe only: none on the charts
    radio = app.radio(key="forecasts:vintage")
    radio.set_value(radio.options[-1]).run()
    assert not app.exception, [e.message for e in app.exception]
    after, n_after = chart_data(app), _metric(app, "Later figures").value
    assert after[0] != before[0]  # the bands of world arrivals moved
    assert int(n_after) < int(n_before)  # fewer figures were published after the last vintage
    assert "fitted by this vintage" in trace_names(app)  # world totals of the articles
    assert list(app.dataframe[-1].value["shown above"]) == ["", "", "", "", "yes"]


def test_a_missing_or_corrupt_vintage_artifact_shows_an_error_naming_the_file(
    monkeypatch, tmp_path
):
    import ffsim.calibration.vintages

    (tmp_path / "as-of-2015-04-30.json").write_text("{ not json", "utf-8")
    (tmp_path / "as-of-2016-06-26.json").write_text(
        json.dumps({"posterior_sample": {"names": ["x"], "values": [[1.0]]}, "config": {}}),
        "utf-8",
    )
    monkeypatch.setattr(
        ffsim.calibration.vintages, "VINTAGE_DIR", tmp_path
    )  # 2015-09-27 is missing
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page(FORECASTS).run()
    assert not at.exception, [e.message for e in at.exception]
    errors = [e.value for e in at.error]
    assert "as-of-2015-04-30.json" in errors[0] and "cannot be read" in errors[0]
    assert not at.get("plotly_chart")  # nothing drawn from a corrupt artifact
    joined = " ".join(errors)
    assert "as-of-2015-09-27.json, is missing" in joined
    assert "as-of-2016-06-26.json: not a calibration artifact" in joined
    assert "best_fit_parameters" in joined
    skill = at.dataframe[-1].value  # the vintages whose artifacts are sound are still scored
    assert list(skill["vintage"]) == [
        "as of 2016-09-11",
        "as of 2017-03-24 (fits the figures of 2016-09-11)",
    ]
    radio = at.radio(key="forecasts:vintage")
    radio.set_value(radio.options[-1]).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 5  # the baseline's vintage is drawn


def test_forecast_chart_builders_are_pure():
    dates = ["2015-01-31", "2015-02-28", "2015-03-31"]
    band = np.array([[1.0, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6], [5, 6, 7]])
    marks = [
        {"id": "a", "date": "2015-02-10", "reported_low": 4.0, "reported_high": 4.0,
         "form": "point", "status": "fitted", "hover": "a"},
        {"id": "b", "date": "2015-03-10", "reported_low": 9.0, "reported_high": None,
         "form": "lower_bound", "status": "outside", "hover": "b"},
        {"id": "c", "date": "2015-03-20", "reported_low": 2.0, "reported_high": 8.0,
         "form": "range", "status": "inside", "hover": "c"},
    ]  # fmt: skip
    fig = forecast_band_figure(dates, band, "title", "2015-02-15", marks)
    by_name = {t.name: t for t in fig.data}
    np.testing.assert_allclose(by_name["posterior median"].y, band[2])
    assert by_name["fitted by this vintage"].marker.color == "black"
    outside = by_name["later figure, outside its 90% predictive interval"]
    assert list(outside.marker.symbol) == ["triangle-up"]  # a lower bound
    inside = by_name["later figure, inside its 90% predictive interval"]
    assert inside.y[0] == pytest.approx(4.0)  # a range at its geometric middle, with its ends
    assert inside.error_y.array[0] == pytest.approx(4.0)
    assert inside.error_y.arrayminus[0] == pytest.approx(2.0)
    assert fig.layout.shapes[0].x0 == "2015-02-15"  # the vintage's date

    def row(label, p, low, high, form, inside):
        q = dict(zip(("p05", "p25", "p50", "p75", "p95"), p, strict=True))
        return {**q, "label": label, "reported_low": low, "reported_high": high,
                "form": form, "inside_90": inside, "reported": label}  # fmt: skip

    rows = [
        row("x", (10, 20, 30, 40, 50), 35.0, 35.0, "point", True),
        row("y", (-5, 1, 2, 3, 9), 100.0, None, "lower_bound", False),
    ]
    strip = forecast_strip_figure(rows)
    assert strip.layout.xaxis.type == "log"
    names = [t.name for t in strip.data]
    assert "90% predictive interval, meets the figure" in names
    assert "90% predictive interval, misses the figure" in names
    reported = next(t for t in strip.data if t.name == "reported (value, range, bound)")
    assert list(reported.y) == ["x", "y"]
    assert list(reported.marker.symbol) == ["diamond", "triangle-right"]
    misses = next(t for t in strip.data if t.name.endswith("misses the figure"))
    assert min(x for x in misses.x if x is not None) > 0  # below zero: drawn at the axis edge


def test_the_apps_fit_score_is_the_calibrations_likelihood_and_its_bands_the_librarys():
    from ffsim.app_pages import runner
    from ffsim.calibration.baseline import read_artifact
    from ffsim.calibration.uncertainty import band
    from ffsim.core.simulate import DEFAULT_SETTINGS, simulate_ensemble
    from ffsim.scenarios.compare import posterior_members
    from ffsim.scenarios.scenario import baseline_scenario

    scenario = baseline_scenario()
    within, n, loglik = runner.fit_score(scenario)
    fit = read_artifact()["fit"]
    assert loglik == pytest.approx(fit["log_likelihood"], rel=1e-9, abs=1e-9)
    assert 0 < within <= n == fit["n_rows"]
    members = posterior_members(scenario.parameters, runner.BAND_DRAWS)
    ensemble = simulate_ensemble(members, scenario.drivers, DEFAULT_SETTINGS)
    bands = runner.bands(scenario)
    for variable in runner.BAND_VARIABLES:
        np.testing.assert_array_equal(bands[variable], band(ensemble, variable))


def test_the_ledger_sankey_labels_its_nodes_from_the_table_of_variables():
    from ffsim.app_pages.sankey import LEDGER_LINKS, ledger_sankey
    from ffsim.core.variables import VARIABLES

    result = simulate(baseline_parameters())
    fig = ledger_sankey(result)
    labels = list(fig.data[0].node.label)
    assert labels[0] == f"Set out: {result.stock('cumulative_departures')[-1]:,.0f}"
    headings = {VARIABLES[name].heading for link in LEDGER_LINKS for name in link}
    assert {text.split(":")[0] for text in labels} == headings
    # the ledger closes: everyone who set out was stopped, is in transit or arrived
    values = dict(zip(fig.data[0].link.target, fig.data[0].link.value, strict=True))
    total = result.stock("cumulative_departures")[-1]
    assert sum(values[t] for t in range(1, 4)) == pytest.approx(total, rel=1e-9)


@pytest.fixture
def own_active_artifact(monkeypatch):
    """The app's `use_artifact` changes the process's active artifact: give it a list of its
    own for this test, restored afterwards."""
    from ffsim.calibration import baseline

    monkeypatch.setattr(baseline, "_active", [baseline.BASELINE_PATH])
    return baseline


def test_app_started_on_a_corrupt_artifact_says_so_and_stops(
    tmp_path, monkeypatch, own_active_artifact
):
    bad = tmp_path / "broken.json"
    bad.write_text('{"best_fit_parameters": {}}')
    monkeypatch.setenv("FFSIM_ARTIFACT", str(bad))
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception
    assert any("cannot start" in e.value and "broken.json" in e.value for e in at.error)
    assert not at.get("plotly_chart")


def test_app_started_on_another_artifact_runs_from_it(tmp_path, monkeypatch, own_active_artifact):
    mine = tmp_path / "mine.json"
    mine.write_bytes(own_active_artifact.BASELINE_PATH.read_bytes())
    monkeypatch.setenv("FFSIM_ARTIFACT", str(mine))
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception and not at.error
    assert own_active_artifact.active_artifact() == mine
