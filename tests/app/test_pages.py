"""The app, headless (Streamlit AppTest): every page renders and reacts; uploads and links."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import hypothesis.strategies as hst
import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from streamlit.testing.v1 import AppTest

from ffsim import __version__
from ffsim.app.charts import regional_figure
from ffsim.app.forecast_charts import (
    FORECAST_COLORS,
    forecast_band_figure,
    forecast_strip_figure,
)
from ffsim.app.legend import legend_text
from ffsim.app.main import PAGES as NAVIGATION
from ffsim.app.state import widget_key
from ffsim.calibration.baseline import baseline_parameters
from ffsim.core.parameters import PARAMETER_SPECS
from ffsim.core.simulate import simulate
from ffsim.core.variables import VARIABLES
from ffsim.scenarios.levers import LEVER_SPECS

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
# Every page of the navigation but the first (Explore, the default, which every test opens).
PAGES = [f"model/ffsim/app/pages/{name}" for name, _, _ in NAVIGATION[1:]]


@pytest.fixture(autouse=True)
def own_data_dir(tmp_path, monkeypatch) -> Path:
    """Every test keeps saved scenarios and uploaded bases in a folder of its own."""
    folder = tmp_path / "ffsim-data"
    monkeypatch.setenv("FFSIM_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def plotted(at: AppTest) -> list:
    """The charts of the page."""
    return list(at.get("plotly_chart"))


def group_legends(at: AppTest) -> list[str]:
    """The HTML of every legend of a group of charts on the page (``ffsim.app.legend``)."""
    return [m.value for m in at.markdown if 'class="ffsim-legend"' in m.value]


def chart_data(at: AppTest) -> list[list]:
    return [
        [trace.get("y") for trace in json.loads(chart.proto.spec)["data"]] for chart in plotted(at)
    ]


def trace_names(at: AppTest) -> list[str]:
    return [
        trace.get("name", "")
        for chart in plotted(at)
        for trace in json.loads(chart.proto.spec)["data"]
    ]


def test_explore_renders_charts_band_sankey_and_a_widget_per_lever_and_assumption(app):
    assert len(plotted(app)) == 8  # seven stocks and flows, and the ledger Sankey
    (legend,) = group_legends(app)  # their one legend
    assert "Baseline, all regions" in legend and "90% posterior band (all regions)" in legend
    assert all(not json.loads(c.proto.spec)["layout"]["showlegend"] for c in plotted(app)[:7])
    assumptions = [s for s in PARAMETER_SPECS if s.category == "assumption"]
    n = len(LEVER_SPECS) + sum(len(s.default) if s.regional else 1 for s in assumptions)
    assert len(app.slider) == n
    names = trace_names(app)
    assert names.count("Baseline, all regions") == 7
    assert names.count("90% posterior band (all regions)") == 7
    assert app.metric[0].label == "Within one sigma"  # short enough to show whole
    assert all(not m.delta for m in app.metric)  # the baseline: no "+0 vs baseline"


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
    app.switch_page("model/ffsim/app/pages/model_page.py").run()
    app.switch_page("model/ffsim/app/pages/explore_page.py").run()
    assert chart_data(app) == changed


def test_a_bad_upload_shows_an_error_and_keeps_the_previous_scenario(app):
    app.slider(key=widget_key("lever", "border_closure_shift")).set_value(-6).run()
    app.switch_page("model/ffsim/app/pages/scenarios_io_page.py").run()
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
    app.switch_page("model/ffsim/app/pages/scenarios_io_page.py").run()
    good = (ROOT / "scenarios" / "no_border_tightening.toml").read_bytes()
    app.file_uploader[0].set_value(("good.toml", good, "application/toml")).run()
    assert not app.exception and not app.error
    app.switch_page("model/ffsim/app/pages/explore_page.py").run()
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
    app.switch_page("model/ffsim/app/pages/scenarios_io_page.py").run()
    app.text_input(key="io:name").input("prevention earlier").run()
    app.button(key="io:save").click().run()
    assert any("Saved `'prevention earlier'`" in m.value for m in app.success)
    app.switch_page("model/ffsim/app/pages/compare_page.py").run()
    assert "Saved: prevention earlier" in app.multiselect(key="compare:chosen").options
    app.multiselect(key="compare:chosen").set_value(
        ["As reported (calibrated baseline)", "Saved: prevention earlier"]
    ).run()
    assert not app.exception
    assert len(app.get("plotly_chart")) >= 3  # overlay, difference, attribution
    # the attribution names what changed as the sliders do, not by its identifier
    shapley = app.get("plotly_chart")[-2]
    bars = json.loads(shapley.proto.spec)["data"][0]["y"]
    assert bars == ["Prevention at home: timing"], bars
    assert any("Prevention at home: timing" in c.value for c in app.caption)


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


FORECASTS = "model/ffsim/app/pages/forecasts_page.py"


def _metric(at: AppTest, label: str):
    return next(m for m in at.metric if m.label == label)


def _table(at: AppTest, column: str):
    """The page's table with ``column`` (a static table, whose Styler holds its data, or a data
    grid): "shown above" the skill table, "WIS (log)" the proper scores."""
    for element in [*at.table, *at.dataframe]:
        value = element.value
        value = value.data if hasattr(value, "data") else value
        if column in value.columns:
            return value
    raise AssertionError(f"no table with a column {column!r}")


def test_the_forecasts_page_shows_bands_strip_and_the_skill_of_every_vintage(app):
    app.switch_page(FORECASTS).run()
    assert not app.exception, [e.message for e in app.exception]
    assert not app.error
    radio = app.radio(key="forecasts:vintage")
    assert radio.value == radio.options[0] == "as of 2015-04-30"  # the earliest by default
    assert len(plotted(app)) == 5  # four world totals and the forecast strip
    names = trace_names(app)
    assert names.count("90% posterior band") == 4
    assert "later figure, inside its 90% predictive interval" in names
    assert "reported (value, range, bound)" in names
    skill = _table(app, "shown above")
    assert list(skill["vintage"]) == radio.options
    assert list(skill["shown above"]) == ["yes", "", "", "", ""]
    proper = _table(app, "WIS (log)")  # WIS, log score and PIT of every vintage
    assert list(proper["shown"]) == ["yes", "", "", "", ""]
    assert list(proper.columns[3:6]) == ["WIS (log)", "log score", "PIT histogram"]
    assert float(_metric(app, "Mean WIS (log scale)").value) == proper["WIS (log)"][0]
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
    assert list(_table(app, "shown above")["shown above"]) == ["", "", "", "", "yes"]


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
    assert "format: missing" in joined  # the first thing wrong with it
    skill = _table(at, "shown above")  # the vintages whose artifacts are sound are scored
    assert list(skill["vintage"]) == [
        "as of 2016-09-11",
        "as of 2017-03-24 (fits the figures of 2016-09-11)",
    ]
    radio = at.radio(key="forecasts:vintage")
    radio.set_value(radio.options[-1]).run()
    assert not at.exception
    assert len(plotted(at)) == 5  # the baseline's vintage is drawn


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
    assert by_name["fitted by this vintage"].marker.color == FORECAST_COLORS["fitted"]
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
    from ffsim.app import runner
    from ffsim.calibration.baseline import read_artifact
    from ffsim.calibration.uncertainty import band
    from ffsim.core.simulate import DEFAULT_SETTINGS, simulate_ensemble
    from ffsim.scenarios.compare import posterior_members
    from ffsim.scenarios.scenario import baseline_scenario

    scenario = baseline_scenario()
    within, n, loglik, figures = runner.fit_score(scenario)
    artifact = read_artifact()
    fit = artifact["fit"]
    assert loglik == pytest.approx(fit["log_likelihood"], rel=1e-9, abs=1e-9)
    assert (within, n) == (fit["n_within"], fit["n_fitted"])  # what the calibration counts
    assert [o.id for o in figures] == [o["id"] for o in artifact["observations"] if o["counted"]]
    members = posterior_members(scenario.parameters, runner.BAND_DRAWS)
    ensemble = simulate_ensemble(members, scenario.drivers, DEFAULT_SETTINGS)
    bands = runner.bands(scenario)
    for variable in runner.BAND_VARIABLES:
        np.testing.assert_array_equal(bands[variable], band(ensemble, variable))


def test_the_ledger_sankey_labels_its_nodes_from_the_table_of_variables():
    from ffsim.app.sankey import LEDGER_LINKS, ledger_sankey
    from ffsim.core.variables import VARIABLES

    result = simulate(baseline_parameters())
    fig = ledger_sankey(result)
    labels = list(fig.data[0].node.label)
    assert labels[0] == f"Set out<br>{result.stock('cumulative_departures')[-1]:,.0f}"
    headings = {VARIABLES[name].heading for link in LEDGER_LINKS for name in link}
    assert {text.split("<br>")[0] for text in labels} == headings
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


# --- share links: every tampered value is a notice, the rest of the link is used -------------


def link_app(query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def notices(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


TAMPERED = {
    "nan": "nan",
    "inf": "inf",
    "minus_inf": "-inf",
    "overflow": "1e400",
    "nines": "9" * 8000,
    "fraction": "2.9",
    "hex": "0x10",
    "underscore": "1_0",
    "blank": "",
    "text": "twelve",
    "out_of_bounds": "999",
}


@pytest.mark.parametrize("raw", TAMPERED.values(), ids=list(TAMPERED))
def test_a_tampered_link_value_is_a_notice_and_the_rest_of_the_link_is_used(raw):
    at = link_app({"lever.border_closure_shift": raw, "lever.air_campaign_strength": "0.5"})
    said = [n for n in notices(at) if "lever.border_closure_shift" in n]
    assert len(said) == 1, notices(at)
    assert "[-36, 36] months" in said[0]  # what is allowed
    assert repr(raw[:40]) in said[0]  # the value (cut when long)
    assert at.slider(key=widget_key("lever", "border_closure_shift")).value == 0
    assert at.slider(key=widget_key("lever", "air_campaign_strength")).value == 0.5
    assert at.session_state["changes"]["levers"] == {"air_campaign_strength": 0.5}


def test_a_tampered_link_is_not_repeated_by_a_reload():
    at = link_app(
        {
            "lever.border_closure_shift": "nan",
            "lever.prevention_strength": "1e400",
            "param.radicalisation_rate": "5",
            "param.radicalisation_rate.france": "3",
            "param.combat_mortality": "0.02",
        }
    )
    assert len(notices(at)) == 3
    rewritten = dict(at.query_params)
    assert "lever.border_closure_shift" not in rewritten
    assert "param.radicalisation_rate" not in rewritten
    again = link_app(rewritten)  # a reload of the page loads the URL the app wrote
    assert not again.warning
    assert again.session_state["changes"] == at.session_state["changes"]


def test_a_link_setting_a_regional_parameter_both_ways_keeps_the_regional_value():
    at = link_app({"param.radicalisation_rate": "5", "param.radicalisation_rate.france": "3"})
    said = " ".join(notices(at))
    assert "param.radicalisation_rate" in said and "a regional parameter" in said
    assert "france" in said  # the regions allowed are listed
    assert at.slider(key=widget_key("param", "radicalisation_rate", "france")).value == 3.0


def test_repeated_unknown_and_too_many_keys_are_notices():
    query = {
        "lever.border_closure_shift": ["-6", "-12"],
        "lever.warp_drive": "1",
        "param.combat_mortality.france": "0.01",
        "param.reintegration_offer": "0.5",
        "utm_source": "mail",
        "base": "../../etc/passwd",
        "v": "0.0.1<script>",
        **{f"k{i}": "1" for i in range(400)},
    }
    at = link_app(query)
    said = " ".join(notices(at))
    assert "given 2 times" in said
    assert "the first 200 were read" in said
    assert "more notices like these" in said  # a long list is cut
    assert at.slider(key=widget_key("lever", "border_closure_shift")).value == 0
    assert "Calibrated baseline" in at.sidebar.caption[0].value


def read_through(query: dict[str, list[str]], version: str = __version__):
    """A link read as the app reads it: its form, then the scenario's own checks."""
    from ffsim.app.links import read_link
    from ffsim.scenarios.scenario import apply_each_change, baseline_scenario

    link = read_link(query, version, ["territory_held"])
    scenario, kept, refused = apply_each_change(baseline_scenario(), link.changes, "link")
    said = link.notices + [
        link.refused(section, name, why) for (section, name), why in refused.items()
    ]
    return scenario, kept, said


def test_a_link_key_of_each_kind_is_refused_with_what_is_allowed():
    _, kept, notes = read_through(
        {
            "lever.warp_drive": ["1"],
            "lever.border_closure_strenght": ["1"],
            "param.combat_mortality.france": ["0.01"],
            "param.radicalisation_rate.mars": ["1"],
            "param.reintegration_offer": ["0.5"],
            "lever.combat_mortality": ["0.01"],
            "v": ["0.0.1"],
            "base": ["uploaded"],
        },
        "9.9",
    )
    said = "\n".join(notes)
    assert "unknown name" in said and "border_closure_shift" in said  # the levers listed
    assert "did you mean border_closure_strength?" in said
    assert "combat_mortality is not regional" in said
    assert "radicalisation_rate.mars: unknown name; allowed: france" in said
    assert "is a policy lever; use lever.reintegration_offer" in said
    assert "is a world assumption; use param.combat_mortality" in said
    assert "made with ffsim `'0.0.1'`; this is 9.9" in said
    assert "Upload the scenario file again" in said
    assert kept == {"levers": {}, "parameters": {}}
    assert len(notes) == 8


def test_a_link_and_a_file_are_checked_by_the_same_rules():
    """The link's values reach the scenario through the path a file takes: what a file with
    the same values is told, the link's notice says."""
    from ffsim.scenarios.scenario import check_scenario_text

    cases = {
        "lever.border_closure_shift": ("2.9", "[levers]\nborder_closure_shift = 2.9"),
        "lever.prevention_strength": ("1e400", "[levers]\nprevention_strength = inf"),
        "param.combat_mortality": ("-1", "[parameters]\ncombat_mortality = -1"),
        "param.radicalisation_rate.mars": ("1", "[parameters.radicalisation_rate]\nmars = 1"),
    }
    for key, (raw, table) in cases.items():
        _, kept, notes = read_through({key: [raw]})
        scenario, problems = check_scenario_text(f'name = "x"\n{table}\n', "file")
        assert scenario is None and len(problems) == 1, problems
        why = problems[0].removeprefix("file: ")
        assert len(notes) == 1 and why in notes[0], (notes, why)
        assert kept == {"levers": {}, "parameters": {}}


@settings(max_examples=300, deadline=None)
@given(key=hst.text(max_size=60), raw=hst.text(max_size=60))
def test_reading_any_link_never_raises_and_keeps_only_values_within_bounds(key, raw):
    from ffsim.core.parameters import SPECS_BY_NAME

    for k in (key, f"lever.{key}", "lever.border_closure_shift", "param.combat_mortality"):
        scenario, kept, notes = read_through({k: [raw]})
        for name, value in kept["levers"].items():
            spec = LEVER_SPECS[name]
            assert spec.lower <= value <= spec.upper and np.isfinite(value)
            assert getattr(scenario.levers, name) == value
        for name, value in kept["parameters"].items():
            spec = SPECS_BY_NAME[name.partition(".")[0]]
            assert spec.lower <= value <= spec.upper and np.isfinite(value)
        if k not in ("v", "base"):  # every other key is used or named in a notice
            assert len(notes) + len(kept["levers"]) + len(kept["parameters"]) == 1


# --- saved scenarios and uploaded bases survive a reload ----------------------------------


def save_as(at: AppTest, name: str) -> AppTest:
    at.switch_page("model/ffsim/app/pages/scenarios_io_page.py").run()
    at.text_input(key="io:name").input(name).run()
    at.button(key="io:save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def saved_files(folder: Path) -> dict[str, str]:
    """Name -> TOML of every saved scenario in the store of ``folder``."""
    from ffsim.scenarios.saved_store import SavedStore

    return {s.name: s.text for s in SavedStore(folder).scenarios()}


MINE = b'name = "My upload"\n[levers]\nborder_closure_strength = 0.0\n'


def test_saved_scenarios_and_an_uploaded_base_survive_a_reload(app, own_data_dir):
    app.slider(key=widget_key("lever", "prevention_shift")).set_value(-12).run()
    save_as(app, "kept")
    assert "prevention_shift = -12" in saved_files(own_data_dir)["kept"]
    app.file_uploader[0].set_value(("mine.toml", MINE, "application/toml")).run()
    assert not app.exception and not app.error
    link = dict(app.query_params)
    assert link["base"].startswith("local-")

    reloaded = link_app(link)  # a new session: what a browser reload starts
    assert not reloaded.warning
    assert "My upload" in reloaded.sidebar.caption[0].value
    assert reloaded.slider(key=widget_key("lever", "border_closure_strength")).value == 0.0
    reloaded.switch_page("model/ffsim/app/pages/compare_page.py").run()
    assert "Saved: kept" in reloaded.multiselect(key="compare:chosen").options
    reloaded.switch_page("model/ffsim/app/pages/scenarios_io_page.py").run()
    assert any(m.value == "kept" for m in reloaded.markdown)
    said = " ".join(c.value for c in reloaded.caption)
    assert str(own_data_dir / "saved_scenarios.sqlite3") in said


def test_a_link_to_a_base_not_kept_here_is_a_notice():
    at = link_app({"base": "local-0123456789abcdef", "lever.prevention_shift": "-6"})
    assert any("not kept on this computer" in n for n in notices(at))
    assert at.slider(key=widget_key("lever", "prevention_shift")).value == -6


def test_saving_under_an_existing_name_asks_before_replacing(app, own_data_dir):
    save_as(app, "mine")
    first = saved_files(own_data_dir)["mine"]
    app.switch_page("model/ffsim/app/pages/explore_page.py").run()
    app.slider(key=widget_key("lever", "prevention_shift")).set_value(-12).run()
    save_as(app, "mine")
    assert any("already called `'mine'`" in w.value for w in app.warning)
    assert saved_files(own_data_dir)["mine"] == first  # nothing replaced yet
    app.button(key="io:cancel").click().run()
    assert saved_files(own_data_dir)["mine"] == first
    assert not any("already called" in w.value for w in app.warning)
    app.button(key="io:save").click().run()
    app.button(key="io:confirm").click().run()
    assert not app.exception
    assert "prevention_shift = -12" in saved_files(own_data_dir)["mine"]
    assert len(saved_files(own_data_dir)) == 1
    app.button(key="io:del:0").click().run()  # deleting asks too
    assert saved_files(own_data_dir)
    app.button(key="io:confirm").click().run()
    assert not saved_files(own_data_dir)


@pytest.mark.parametrize(
    "name", ["del\x7fete", "start\x01of heading", "lone\rcarriage", "crlf\r\nline", 'q"uo\\te']
)
def test_a_name_with_control_characters_is_saved_as_valid_toml_and_can_be_used(
    app, own_data_dir, name
):
    app.slider(key=widget_key("lever", "prevention_shift")).set_value(-6).run()
    save_as(app, name)
    assert saved_files(own_data_dir).keys() == {name}  # valid TOML, the name read back whole
    app.switch_page("model/ffsim/app/pages/explore_page.py").run()
    app.button[0].click().run()  # reset to the base
    app.switch_page("model/ffsim/app/pages/scenarios_io_page.py").run()
    app.button(key="io:use:0").click().run()
    assert not app.exception and not app.error
    assert any("is now the base" in m.value for m in app.success)
    app.switch_page("model/ffsim/app/pages/explore_page.py").run()
    assert app.slider(key=widget_key("lever", "prevention_shift")).value == -6


def test_damaged_files_of_an_earlier_store_are_a_notice_and_left_and_an_invalid_entry_says_why(
    own_data_dir,
):
    folder = own_data_dir / "saved_scenarios"
    folder.mkdir(parents=True)
    (folder / "binary.toml").write_bytes(b"\xff\xfe\x00garbage")
    (folder / "broken.toml").write_text("name = [[[", "utf-8")
    (folder / "invalid.toml").write_text(
        'name = "Too strong"\n[levers]\nair_campaign_strength = 7\n', "utf-8"
    )
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception
    said = " ".join(notices(at))
    assert "binary.toml" in said and "was not copied" in said and "left as it was" in said
    assert "broken.toml" in said
    assert (folder / "binary.toml").read_bytes() == b"\xff\xfe\x00garbage"  # never moved
    assert (folder / "broken.toml").exists() and not list(folder.glob("*.corrupt*"))
    at.run()
    assert not at.warning  # said once
    at.switch_page("model/ffsim/app/pages/compare_page.py").run()
    assert not at.exception
    assert any("Too strong" in c.value and "not offered" in c.value for c in at.caption)
    at.switch_page("model/ffsim/app/pages/scenarios_io_page.py").run()
    at.button(key="io:use:0").click().run()
    assert not at.exception
    assert any("cannot be used" in e.value and "air_campaign_strength" in e.value for e in at.error)
    assert at.session_state["base"]["toml"] is None


# --- uploads --------------------------------------------------------------------------------

BAD_UPLOADS = {
    "nested.toml": b'name = "x"\nlevers = ' + b"[" * 50_000 + b"]" * 50_000 + b"\n",
    "binary.toml": bytes(range(256)) * 4,
    "huge.toml": b'name = "x"\n#' + b"x" * 1_100_000 + b"\n",
    "nul.toml": b'name = "x\x00"\n',
    "empty.toml": b"",
    "broken.toml": b"[[[",
    "long_integer.toml": b'name = "x"\n[levers]\nborder_closure_shift = ' + b"9" * 5000 + b"\n",
    "true.toml": b'name = "x"\n[levers]\nborder_closure_shift = true\n',
    "nan.toml": b'name = "x"\n[parameters]\ncombat_mortality = nan\n',
    "one_day.toml": b'name = "x"\n[settings]\nstart = "2012-13"\n',
}


def test_every_bad_upload_is_a_clean_error_and_the_previous_state_is_kept(app):
    app.slider(key=widget_key("lever", "border_closure_shift")).set_value(-6).run()
    app.switch_page("model/ffsim/app/pages/scenarios_io_page.py").run()
    for name, data in BAD_UPLOADS.items():
        app.file_uploader[0].set_value((name, data, "application/toml")).run()
        assert not app.exception, (name, [e.message for e in app.exception])
        errors = " ".join(e.value for e in app.error)
        assert "previous scenario is kept" in errors and name in errors, (name, errors)
        assert app.session_state["changes"]["levers"] == {"border_closure_shift": -6}
        assert app.session_state["base"]["toml"] is None


def test_an_upload_with_a_byte_order_mark_is_read(app):
    app.switch_page("model/ffsim/app/pages/scenarios_io_page.py").run()
    app.file_uploader[0].set_value(("bom.toml", b"\xef\xbb\xbf" + MINE, "application/toml")).run()
    assert not app.exception and not app.error
    assert "My upload" in app.session_state["base"]["label"]


# --- the scenario's [settings] ----------------------------------------------------------------


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """What the download buttons offer, by file name."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    offered: dict = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        offered[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return offered


def test_the_app_honours_the_scenarios_settings_in_the_export_charts_and_compare(app, downloads):
    import io

    import pandas as pd

    one_month = b'name = "One month"\n[settings]\nend = "2012-01"\n'
    app.switch_page("model/ffsim/app/pages/scenarios_io_page.py").run()
    app.file_uploader[0].set_value(("short.toml", one_month, "application/toml")).run()
    assert not app.exception and not app.error
    csv = downloads["ffsim_run.csv"]
    table = pd.read_csv(io.BytesIO(csv if isinstance(csv, bytes) else csv.encode()))
    assert list(table["date"].unique()) == ["2012-01-31"]  # as `ffsim run` gives
    app.switch_page("model/ffsim/app/pages/explore_page.py").run()
    assert not app.exception
    data = json.loads(plotted(app)[0].proto.spec)["data"]
    assert len(data[0]["x"]) == 1
    dashed = next(t for t in data if t["name"] == "Baseline, all regions")
    y = dashed["y"]  # plotly's typed array: base64 of float64 values
    n = len(base64.b64decode(y["bdata"])) // 8 if isinstance(y, dict) else len(y)
    assert n == 1  # the baseline over the same span, not over 2012-2018
    assert all(not m.delta for m in app.metric)  # the same run as the baseline: no delta
    app.switch_page("model/ffsim/app/pages/compare_page.py").run()
    app.multiselect(key="compare:chosen").set_value(
        ["Current (from Explore)", "As reported (calibrated baseline)"]
    ).run()
    assert not app.exception
    assert any("cannot be compared" in e.value and "settings" in e.value for e in app.error)


# --- progress, and a missing or damaged artifact --------------------------------------------


def test_every_cached_computation_shows_a_spinner_with_text():
    import re

    for path in sorted((ROOT / "model" / "ffsim" / "app").rglob("*.py")):
        text = path.read_text("utf-8")
        for call in re.findall(r"@st\.cache_data\((.*?)\)\ndef", text, flags=re.S):
            assert re.search(r'show_spinner=\s*"[^"]+', call), (path.name, call)


def _damaged(kind: str) -> str | None:
    artifact = json.loads((ROOT / "calibration" / "baseline.json").read_text("utf-8"))
    if kind == "missing":
        return None
    if kind == "not_json":
        return "{ truncated"
    if kind == "no_draws":
        artifact["posterior_sample"]["values"] = []
    if kind == "no_range":
        next(iter(artifact["parameters"].values())).pop("p05")
    return json.dumps(artifact)


@pytest.mark.parametrize("kind", ["missing", "not_json", "no_draws", "no_range"])
def test_a_missing_or_damaged_baseline_is_said_plainly_on_every_page(
    tmp_path, own_active_artifact, kind
):
    path = tmp_path / "baseline.json"
    text = _damaged(kind)
    if text is not None:
        path.write_text(text, "utf-8")
    own_active_artifact._active[0] = path
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    for page in (
        "model/ffsim/app/pages/explore_page.py",
        "model/ffsim/app/pages/calibration_page.py",
        "model/ffsim/app/pages/compare_page.py",
    ):
        at.switch_page(page).run()
        assert not at.exception, (page, [e.message for e in at.exception])
        errors = " ".join(e.value for e in at.error)
        assert "baseline.json" in errors and "ffsim calibrate" in errors, (page, errors)
        assert not at.get("plotly_chart")


def test_a_damaged_part_only_the_calibration_page_reads_is_said_there(
    tmp_path, own_active_artifact
):
    artifact = json.loads((ROOT / "calibration" / "baseline.json").read_text("utf-8"))
    del artifact["fit"]["central_estimate"]
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(artifact), "utf-8")
    own_active_artifact._active[0] = path
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception and not at.error  # Explore does not need it
    at.switch_page("model/ffsim/app/pages/calibration_page.py").run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "baseline.json is damaged" in errors and "central_estimate" in errors
    assert "ffsim calibrate" in errors


def test_a_store_that_cannot_be_written_keeps_the_scenario_for_the_session(tmp_path, monkeypatch):
    blocked = tmp_path / "a_file"
    blocked.write_text("not a folder", "utf-8")
    monkeypatch.setenv("FFSIM_DATA_DIR", str(blocked))
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    save_as(at, "here only")
    assert any("for this session only" in m.value for m in at.success)
    at.file_uploader[0].set_value(("mine.toml", MINE, "application/toml")).run()
    assert not at.exception and not at.error
    assert any("a reload will start from the calibrated baseline" in n for n in notices(at))
    at.switch_page("model/ffsim/app/pages/compare_page.py").run()
    assert not at.exception
    assert "Saved: here only" in at.multiselect(key="compare:chosen").options


def test_no_page_shows_a_stray_string_through_streamlits_magic():
    import ast

    from ffsim.app.main import PAGES

    for name, _, _ in PAGES:
        tree = ast.parse((ROOT / "model" / "ffsim" / "app" / "pages" / name).read_text("utf-8"))
        strays = [
            node.lineno
            for node in tree.body[1:]  # the module docstring is not shown
            if isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ]
        assert not strays, f"{name}: a bare string at line(s) {strays} would be drawn"


def test_the_toolbar_has_no_deploy_button_however_the_app_is_started(app, monkeypatch):
    import argparse
    import tomllib

    from streamlit import config

    from ffsim.cli import app_command as cli_app

    assert config.get_option("client.toolbarMode") == "minimal"  # set by every run
    with open(ROOT / ".streamlit" / "config.toml", "rb") as f:  # `streamlit run app.py`
        assert tomllib.load(f)["client"]["toolbarMode"] == "minimal"
    seen: list[list[str]] = []

    def execve(path, command, env):
        seen.append(command)
        raise SystemExit(0)

    monkeypatch.setattr(cli_app.os, "execve", execve)
    with pytest.raises(SystemExit):
        cli_app.app_command(argparse.Namespace(artifact=None), ["--server.port", "8999"])
    command = seen[0]
    assert command.index("--client.toolbarMode=minimal") < command.index("--server.port")


def test_the_fit_chart_draws_a_model_value_of_zero_at_the_log_axis_floor():
    from ffsim.app.calibration_charts import ZERO_TEXT, fit_figure

    def row(id_: str, value: float, p05: float) -> dict:
        return {
            "id": id_,
            "reported_low": 100.0,
            "reported_high": 300.0,
            "model_value": value,
            "model_p05": p05,
            "model_p95": value * 2 + 10,
            "within": value > 0,
            "outlet": "Outlet",
            "published": "2016-01-01",
            "ref_start": "2015-01-01",
            "date": "2015-12-31",
            "measure": "returned",
            "region": "france",
            "form": "range",
            "sigma_log": 0.5,
        }

    fig = fit_figure([row("some", 150.0, 50.0), row("none", 0.0, 0.0)])
    go.Figure(fig)  # valid plotly
    model = fig.data[1]
    assert len(model.y) == len(set(model.y)) == 2  # no figure dropped, one row each
    label = model.y[0].replace("<br>", " ")  # wrapped to the axis
    assert label.startswith("France: returned, to date, Jan 2015 to Dec 2015")  # plain
    floor = model.x[1]
    assert 0 < floor < 50.0  # below every positive value drawn
    assert model.marker.symbol[1] != model.marker.symbol[0]
    assert ZERO_TEXT in model.hovertext[1] and ZERO_TEXT not in model.hovertext[0]
    assert model.error_x.arrayminus[1] == 0  # the band's 0 is at the floor too


def test_every_chart_offers_its_download_as_png_or_svg(app):
    import re

    def formats(at: AppTest) -> set[str]:
        return {
            json.loads(c.proto.config)["toImageButtonOptions"]["format"]
            for c in at.get("plotly_chart")
        }

    assert formats(app) == {"png"}
    app.segmented_control(key="chart:image_format").set_value("SVG").run()
    assert formats(app) == {"svg"}
    app.switch_page("model/ffsim/app/pages/calibration_page.py").run()
    assert formats(app) == {"svg"}  # the choice holds on every page
    for path in (ROOT / "model" / "ffsim" / "app").rglob(
        "*.py"
    ):  # every chart goes through the one helper
        calls = re.findall(r"\.plotly_chart\(", path.read_text(encoding="utf-8"))
        assert not calls or path.name == "widgets.py", path.name


def test_every_parameter_lever_and_figure_has_a_plain_label_shown_by_its_slider(app):
    from ffsim.calibration.observations import load_observations

    specs = [*PARAMETER_SPECS, *LEVER_SPECS.values()]
    assert all(s.label and s.label != s.name and "_" not in s.label for s in specs)
    labels = [s.label for s in app.slider]
    assert "Border closure: timing (months)" in labels
    identifiers = {s.name for s in specs}
    assert not any(label.split(" (")[0] in identifiers for label in labels)
    helps = " ".join(s.help or "" for s in app.slider)
    assert "`border_closure_shift`" in helps  # the identifier stays in the help
    by_id = {o.id: o for o in load_observations()}
    ratio = by_id["total_ratio_past_year_vs_prior_year_2015_09"].label
    assert ratio == "World: arrivals, ratio to the earlier period, Sep 2014 to Sep 2015"


def test_reported_world_figures_are_drawn_where_they_belong_on_the_explore_charts():
    from ffsim.calibration.observations import load_observations, load_validation

    result = simulate(baseline_parameters())
    figures = (*load_observations(), *load_validation())
    by_id = {o.id: o for o in figures}

    def marks(variable: str) -> dict[str, list[dict]]:
        fig = regional_figure(result, result, variable, None, figures)
        go.Figure(fig.to_dict())  # valid through the public constructor
        out: dict[str, list[dict]] = {}
        for t in fig.to_dict()["data"]:
            if t.get("legendgroup"):
                out.setdefault(t["name"], []).append(t)
        return out

    fitted, later = (
        "Reported figures (counted in the score)",
        "Later figures (validation, never fitted)",
    )
    arrivals = marks("arrivals")[fitted]  # per month over their periods: a mark and a bar
    points = next(t for t in arrivals if t["mode"] == "markers")
    bars = [t for t in arrivals if t["mode"] == "lines"]
    per_month = by_id["total_arrivals_per_month_2015_09"]
    assert per_month.ref_start.isoformat() in [x for t in bars for x in t["x"]]
    assert {t["line"]["dash"] for t in bars} == {"solid", "dot"}  # the peak month is dotted
    paraphrase = list(points["hovertext"]).index(
        next(h for h in points["hovertext"] if "total_departures_past_year_2015_09" in h)
    )
    assert list(points["marker"]["symbol"])[paraphrase] == "triangle-down"  # a bound on a flow
    returned = marks("returned")  # the world's returned: validation figures only, hollow
    assert set(returned) == {later}
    (stocks,) = returned[later]
    assert stocks["mode"] == "markers"
    assert by_id["world_returned_soufan_2017_10"].ref_end.isoformat() in list(stocks["x"])
    assert all(s.endswith("-open") for s in stocks["marker"]["symbol"])
    assert marks("in_theatre") == {}  # France's figure is not the world's


SENSITIVITY = "model/ffsim/app/pages/sensitivity_page.py"


def test_changing_the_output_changes_the_tornado(app):
    app.switch_page(SENSITIVITY).run()
    assert not app.exception, [e.message for e in app.exception]
    before = chart_data(app)
    assert len(before) == 1  # the tornado; Sobol waits for its button
    from ffsim.cli.main import build_parser

    cli = build_parser().parse_args(["sensitivity"])  # the page opens on the command's output
    assert app.selectbox(key="sensitivity:output").value == cli.output == "in_theatre"
    app.selectbox(key="sensitivity:output").set_value("returned").run()
    assert not app.exception, [e.message for e in app.exception]
    assert chart_data(app) != before


def test_the_sobol_button_computes_the_indices(app):
    app.switch_page(SENSITIVITY).run()
    assert app.selectbox(key="sensitivity:n").value == 64
    app.button(key="sensitivity:compute").click().run()
    assert not app.exception, [e.message for e in app.exception]
    charts = app.get("plotly_chart")
    assert len(charts) == 3  # the tornado and the pair
    (legend,) = group_legends(app)  # the pair's one legend
    first = json.loads(charts[1].proto.spec)
    assert all(legend_text(t["name"]) in legend for t in first["data"])
    total = json.loads(charts[2].proto.spec)
    assert total["data"] and all(len(t["y"]) >= 1 for t in total["data"])


def test_sensitivity_builders_are_pure_and_label_inputs_plainly():
    import datetime as dt

    from ffsim.app.sensitivity_charts import input_label, sobol_figure, tornado_figure
    from ffsim.scenarios.sensitivity import SobolResult, TornadoBar

    bars = [
        TornadoBar("departure_rate", "parameter", 0.01, 0.05, 80.0, 140.0),
        TornadoBar("radicalisation_rate.france", "parameter", 1.0, 2.0, 95.0, 105.0),
        TornadoBar("border_closure_shift", "lever", -36.0, 36.0, 99.0, 101.0),
    ]
    fig = tornado_figure(100.0, bars, "title", "persons")
    labels = list(fig.data[0].y)
    assert labels[0] == "Departure rate from the pool"
    assert labels[1].endswith("(France)") and "radicalisation_rate" not in labels[1]
    assert labels[2] == LEVER_SPECS["border_closure_shift"].label
    assert [fig.data[0].base, fig.data[1].base] == [100.0, 100.0]
    assert [100.0 + x for x in fig.data[0].x] == [80.0, 95.0, 99.0]
    assert [100.0 + x for x in fig.data[1].x] == [140.0, 105.0, 101.0]
    assert input_label("no_such_input") == "no_such_input"
    s = SobolResult(
        ("departure_rate", "appeal_base"),
        (dt.date(2013, 12, 31), dt.date(2014, 12, 31)),
        np.array([[0.1, 0.5], [0.2, 0.4]]),
        np.array([[0.2, 0.6], [0.3, 0.5]]),
        np.zeros((2, 2)),
        8,
    )
    sfig = sobol_figure(s, "total", "t")
    assert [t.name for t in sfig.data] == [
        input_label("appeal_base"),
        input_label("departure_rate"),
    ]
    assert list(sfig.data[0].y) == [0.6, 0.5]


def test_a_data_dir_naming_no_user_is_a_notice_and_saving_fails_plainly(monkeypatch):
    """Found by the fresh attack: ``FFSIM_DATA_DIR=~nosuchuser/x`` was a traceback on every
    page."""
    monkeypatch.setenv("FFSIM_DATA_DIR", "~ffsim-no-such-user-8c1f/x")
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("FFSIM_DATA_DIR" in w.value and "cannot be used" in w.value for w in at.warning)
    save_as(at, "kept")
    assert not at.exception, [e.message for e in at.exception]
    assert not Path("~ffsim-no-such-user-8c1f").exists()  # nothing written where it was not asked


def test_explore_hovers_round_values_and_show_whole_names(app):
    """Hovers read 25,350 or 0.6744, not every digit of a float, and name each trace whole."""
    unified = [
        layout
        for layout in (json.loads(c.proto.spec)["layout"] for c in app.get("plotly_chart"))
        if layout.get("hovermode") == "x unified"
    ]
    assert len(unified) >= 7  # every time chart of Explore (the Sankey has no x hover)
    for layout in unified:
        assert layout["yaxis"]["hoverformat"] == ",.4~r"
        assert layout["hoverlabel"]["namelength"] == -1


def test_slider_labels_give_calibrated_ranges_without_exponents(app):
    """A persons parameter's range reads 1,710 to 7,560, not 1.71e+03 to 7.56e+03."""
    from ffsim.app.widgets import plain_number

    assert [plain_number(x) for x in (1705.3, 7560.1, 0.01267, 2.5)] == [
        "1,710",
        "7,560",
        "0.0127",
        "2.5",
    ]
    labels = [s.label for s in app.slider if "calibrated 90%" in s.label]
    assert labels and not any("e+" in label or "e-" in label for label in labels)


def test_the_experiments_page_shows_when_a_policy_fails_and_its_robustness(app):
    app.switch_page("model/ffsim/app/pages/experiments_page.py").run()
    assert not app.exception, [e.message for e in app.exception]
    text = " ".join(m.value for m in app.markdown)
    assert 'Border closed a year earlier fails to cut "in theatre, end of 2016" by 20%' in text
    assert "of 200 scenarios" in text
    box, table = (d.value for d in app.dataframe)
    assert list(box.columns) == ["Assumption", "From", "To"] and len(box) >= 1
    assert not any("." in name or "_" in name for name in box["Assumption"])  # plain names
    assert "Largest regret" in table.columns
    assert all("," in v for v in table["Median"])  # thousands separated
    app.slider[0].set_value(50).run()
    after = " ".join(m.value for m in app.markdown)
    assert after != text and "by 50%" in after


@pytest.mark.parametrize(
    "page", ["calibration_page.py", "forecasts_page.py", "model_page.py", "compare_page.py"]
)
def test_tables_name_things_plainly_with_the_identifier_apart(app, page):
    """No table shows an identifier of a variable, parameter, lever, figure, statement or
    reading (``in_theatre``, ``radicalisation_rate.france``, ``daily_beast_europe``) except in
    its "identifier" column, and no header is an identifier."""
    from ffsim.calibration.baseline import read_artifact
    from ffsim.calibration.observations import load_observations

    statements = read_artifact()["readings"]
    ids = {
        *VARIABLES,
        *(s.name for s in PARAMETER_SPECS),
        *LEVER_SPECS,
        *(o.id for o in load_observations()),
        *(stmt["statement"] for stmt in statements),  # daily_beast_europe
        *(r["reading"] for stmt in statements for r in stmt["readings"]),  # eu_as_stated
    }
    pattern = re.compile(r"\b(" + "|".join(sorted((i for i in ids if "_" in i), key=len,
                                                    reverse=True)) + r")\b")  # fmt: skip
    app.switch_page(f"model/ffsim/app/pages/{page}").run()
    assert not app.exception, [e.message for e in app.exception]
    frames = [d.value for d in app.dataframe] + [t.value for t in app.table]
    assert frames, page
    for frame in frames:
        frame = frame.data if hasattr(frame, "data") else frame  # a Styler
        assert not any("_" in str(c) for c in frame.columns), list(frame.columns)
        for column in frame.columns:
            if str(column).lower() == "identifier":
                continue
            leaks = {m for v in frame[column] for m in pattern.findall(str(v))}
            assert not leaks, (page, column, sorted(leaks)[:5])


def test_the_calibration_page_shows_the_shipped_sbc_run(app):
    from ffsim.resources import SBC_PATH

    shipped = json.loads(SBC_PATH.read_text("utf-8"))
    app.switch_page("model/ffsim/app/pages/calibration_page.py").run()
    assert not app.exception, [e.message for e in app.exception]
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Replications"] == str(shipped["replications"])
    sbc = [c for c in app.get("plotly_chart") if c.key and c.key.endswith("calibration:sbc")]
    assert len(sbc) == 1
    figure = json.loads(sbc[0].proto.spec)
    titles = [a["text"] for a in figure["layout"]["annotations"]]
    assert titles[0].startswith("log-likelihood of the figures") and len(titles) == 4
    # the three parameters drawn fail, or come nearest to failing (smallest p-values first)
    from ffsim.app.sensitivity_charts import input_label

    nearest = sorted(
        (c for c in shipped["checks"] if c["name"] != "log_likelihood"),
        key=lambda c: (bool(c["passes"]), c["p_value"]),
    )[:3]
    assert [t.replace("<br>", " ").split(" (outside)")[0] for t in titles[1:]] == [
        input_label(c["name"]) for c in nearest
    ]
    table = _table(app, "how the ranks depart")
    assert len(table) == len(shipped["checks"])
    by_p = sorted(shipped["checks"], key=lambda c: c["p_value"])
    assert list(table["identifier"]) == [c["name"] for c in by_p]


@pytest.mark.slow  # three fresh app runs: `make test-slow`, run once by CI
@pytest.mark.parametrize("content", [None, "{ not json", '{"replications": 3}'])
def test_a_missing_or_damaged_sbc_summary_is_one_warning_and_the_page_stands(
    monkeypatch, tmp_path, content
):
    import ffsim.app.runner

    path = tmp_path / "summary.json"
    if content is not None:
        path.write_text(content, "utf-8")
    monkeypatch.setattr(ffsim.app.runner, "SBC_PATH", path)
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("model/ffsim/app/pages/calibration_page.py").run()
    assert not at.exception, [e.message for e in at.exception]
    warnings = [w.value for w in at.warning if "summary.json" in w.value]
    assert len(warnings) == 1 and "cannot be read" in warnings[0], warnings
    assert "ffsim sbc" in warnings[0]
    assert len(plotted(at)) >= 3  # the fit, the residuals and the posteriors still drawn
