"""Explore's score counts what the calibration counts, and its red marks are those figures."""

from __future__ import annotations

import json
import typing
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from ffsim.app import chart_parts
from ffsim.app.state import widget_key
from ffsim.calibration.baseline import baseline_parameters, read_artifact
from ffsim.calibration.fit_count import counted_rows, fit_count
from ffsim.calibration.likelihood import z_score
from ffsim.calibration.measures import measure
from ffsim.calibration.observations import (
    Measure,
    Reading,
    Statement,
    fitted,
    load_observations,
    statements,
)
from ffsim.core.simulate import simulate

APP = str(Path(__file__).resolve().parents[2] / "app.py")

FITTED = "Reported figures (counted in the score)"
LATER = "Later figures (validation, never fitted)"


@pytest.fixture(autouse=True)
def own_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("FFSIM_DATA_DIR", str(tmp_path / "ffsim-data"))


@pytest.fixture
def explore() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def marks(at: AppTest) -> dict[str, dict[str, str]]:
    """Chart title -> trace name -> every hover text of its marks, joined."""
    out: dict[str, dict[str, str]] = {}
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        title = spec["layout"].get("title", {}).get("text", "")
        for t in spec["data"]:
            if t.get("legendgroup") and t["mode"] == "markers":
                out.setdefault(title, {})[t["name"]] = " ".join(t["hovertext"])
    return out


def score_of(parameters) -> str:
    """The score as the calibration counts it, computed here without the app."""
    rows = fitted(load_observations())
    result = simulate(parameters)
    z = np.array([float(z_score(measure(result, o), o)) for o in rows])
    count = fit_count(z, statements(rows))
    return f"{count.n_within} of {count.n_fitted}"


def test_fit_count_reproduces_the_artifacts_count_and_keeps_the_most_probable_reading():
    artifact = read_artifact()
    z = np.array([o["z"] for o in artifact["observations"]])
    rows = fitted(load_observations())
    assert [o.id for o in rows] == [o["id"] for o in artifact["observations"]]
    count = fit_count(z, statements(rows))
    assert (count.n_within, count.n_fitted) == (
        artifact["fit"]["n_within"],
        artifact["fit"]["n_fitted"],
    )
    assert [i in count.rows for i in range(len(z))] == [
        o["counted"] for o in artifact["observations"]
    ]
    # Rows 1-2 are one reading, row 3 the other: the reading that fits keeps its rows.
    st = (Statement("s", (Reading("a", 0.5, (1, 2)), Reading("b", 0.5, (3,)))),)
    assert counted_rows(np.array([5.0, 0.0, 0.0, 3.0]), st) == (0, 1, 2)
    assert counted_rows(np.array([5.0, 0.0, 2.0, 0.0]), st) == (0, 3)
    assert fit_count(np.array([5.0, 0.0, 2.0, 0.0]), st).n_within == 1


def test_the_score_is_the_calibrations_count_and_follows_a_slider(explore):
    fit = read_artifact()["fit"]
    metric = explore.metric[0]
    assert metric.value == f"{fit['n_within']} of {fit['n_fitted']}"
    assert len(metric.label) <= 20  # the page shows it whole
    half = baseline_parameters().departure_rate / 2
    explore.slider(key=widget_key("param", "departure_rate")).set_value(half).run()
    assert not explore.exception
    moved = explore.metric[0].value
    assert moved == score_of(baseline_parameters().with_overrides({"departure_rate": half}))
    assert moved != metric.value


def test_red_marks_are_the_counted_figures_and_follow_the_most_probable_reading(explore):
    artifact = read_artifact()
    counted = {o["id"] for o in artifact["observations"] if o["counted"]}
    world = [o for o in fitted(load_observations()) if o.region == "total"]
    drawn = [o for o in world if (o.measure or "") in chart_parts.FIGURE_MEASURES]
    shown = marks(explore)
    red = " ".join(by_name.get(FITTED, "") for by_name in shown.values())
    for o in drawn:  # every counted world figure is drawn, and only those
        assert (o.id in red) == (o.id in counted), o.id
    assert "total_arrivals_peak_per_month" in shown["Arrivals per month"][FITTED]
    cumulative = shown["Everyone who has arrived (cumulative)"]
    assert "27,000 to 30,000" in cumulative[FITTED] and "at most 31,000" in cumulative[FITTED]
    assert "41,490" in cumulative[LATER] and "published later, never fitted" in cumulative[LATER]
    assert set(shown["Returned (cumulative)"]) == {LATER}  # no fitted world figure of returns
    # Fewer set out: the paraphrase of the New York Times becomes the most probable reading.
    fewer = baseline_parameters().departure_rate * 0.3
    explore.slider(key=widget_key("param", "departure_rate")).set_value(fewer).run()
    after = marks(explore)["Arrivals per month"][FITTED]
    assert "total_departures_past_year_2015_09" in after
    assert "at most 30,000 over the period" in after


def test_the_caption_names_what_is_drawn_and_what_is_not(explore):
    measures = set(typing.get_args(Measure))
    assert measures == set(chart_parts.FIGURE_MEASURES) | set(chart_parts.NOT_DRAWN)
    assert not set(chart_parts.FIGURE_MEASURES) & set(chart_parts.NOT_DRAWN)
    caption = next(c.value for c in explore.caption if c.value.startswith("Red marks"))
    assert all(words in caption for words in chart_parts.NOT_DRAWN.values())
    assert "Grey hollow marks" in caption and "never fitted" in caption
    assert "triangle is a bound" in caption and "dotted" in caption
