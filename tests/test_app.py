"""The app renders without exception and reacts to its widgets (Streamlit AppTest, headless)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.charts import regional_figure
from app_pages.widgets import widget_key
from model.baseline import baseline_parameters
from model.parameters import PARAMETER_SPECS, Parameters
from model.simulate import simulate

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def chart_data(at: AppTest) -> list[list]:
    return [
        [trace.get("y") for trace in json.loads(chart.proto.spec)["data"]]
        for chart in at.get("plotly_chart")
    ]


def test_app_renders_charts_and_a_widget_per_parameter(app):
    assert len(app.get("plotly_chart")) == 6
    n_widgets = sum(len(s.default) if s.regional else 1 for s in PARAMETER_SPECS)
    assert len(app.slider) == n_widgets


def test_moving_a_slider_changes_the_plotted_data(app):
    before = chart_data(app)
    half = baseline_parameters().departure_rate / 2
    app.slider(key=widget_key("departure_rate")).set_value(half).run()
    assert not app.exception
    after = chart_data(app)
    assert after != before
    metric = app.metric[0]
    assert metric.delta.startswith("-")  # fewer set out than in the baseline


def test_regional_slider_changes_only_the_plot_it_should(app):
    before = chart_data(app)
    app.slider(key=widget_key("radicalisation_rate", "tunisia")).set_value(500.0).run()
    after = chart_data(app)
    assert after != before


def test_reset_restores_the_defaults(app):
    before = chart_data(app)
    app.slider(key=widget_key("combat_mortality")).set_value(0.04).run()  # baseline ~0.002
    assert chart_data(app) != before
    app.button[0].click().run()
    assert chart_data(app) == before


def test_chart_builder_is_pure_and_draws_baseline():
    result = simulate(Parameters(departure_rate=0.01))
    baseline = simulate()
    fig = regional_figure(result, baseline, "in_theatre")
    names = [t.name for t in fig.data]
    assert names[-1] == "Baseline, all regions"
    assert list(fig.data[-1].y) == pytest.approx(list(baseline.stock("in_theatre")))
    assert len(names) == len(result.regions) + 1
