"""One owner for each definition: positions, parameter levers, variable names and labels."""

from __future__ import annotations

import datetime as dt

import numba
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ffsim.cli.main import SUMMARY_STOCKS, main, summary_table
from ffsim.core import layout
from ffsim.core.errors import InputError
from ffsim.core.parameters import PARAMETER_SPECS, SPECS_BY_NAME, Parameters, ParameterSpec
from ffsim.core.regions import REGION_IDS
from ffsim.core.results import FLOWS, STOCKS, THEATRE_STOCKS, csv_text
from ffsim.core.simulate import simulate, simulate_ensemble
from ffsim.core.variables import VARIABLES, label, names
from ffsim.scenarios.compare import END_STOCKS, OUTCOMES
from ffsim.scenarios.levers import LEVER_SPECS, PARAMETER_LEVERS, Levers

# --- positions in the flat arrays ----------------------------------------------------------------


def _distinct_parameters() -> Parameters:
    """Parameters whose every packed value differs from every other (all within bounds)."""
    data: dict = {}
    k = 0

    def value(s: ParameterSpec) -> float:
        nonlocal k
        k += 1
        return s.lower + (s.upper - s.lower) * (0.05 + 0.9 * (k * 0.6180339887 % 1.0))

    for s in PARAMETER_SPECS:
        data[s.name] = {rid: value(s) for rid in REGION_IDS} if s.regional else value(s)
    return Parameters(**data)


def test_every_p_index_is_the_position_of_its_field_in_the_packed_vector():
    params = _distinct_parameters()
    packed = params.pack()
    assert len(set(packed)) == len(packed)
    p_names = {n for n in dir(layout) if n.startswith("P_")}
    assert p_names == {f"P_{n.upper()}" for n in layout.GLOBAL_PARAMETERS}
    for name in layout.GLOBAL_PARAMETERS:
        assert packed[getattr(layout, f"P_{name.upper()}")] == getattr(params, name), name


def test_regional_parameter_index_finds_every_region_of_every_regional_parameter():
    params = _distinct_parameters()
    packed = params.pack()
    r_names = {n for n in dir(layout) if n.startswith("R_")}
    assert r_names == {f"R_{n.upper()}" for n in layout.REGIONAL_PARAMETERS}
    for name in layout.REGIONAL_PARAMETERS:
        block = getattr(layout, f"R_{name.upper()}")
        for r, rid in enumerate(REGION_IDS):
            index = layout.regional_parameter_index(len(REGION_IDS), block, r)
            assert packed[index] == getattr(getattr(params, name), rid), (name, rid)
    assert layout.n_parameters(len(REGION_IDS)) == len(packed)


def test_stock_and_input_positions_are_the_positions_of_their_names():
    cumulative = {
        "cumulative_departures": "CUM_DEPARTURES",
        "cumulative_arrivals": "CUM_ARRIVALS",
        "cumulative_radicalisation": "CUM_RADICALISATION",
    }
    for names_ in (layout.REGIONAL_STOCK_NAMES, layout.GLOBAL_STOCK_NAMES, layout.INPUT_NAMES):
        for i, name in enumerate(names_):
            assert getattr(layout, cumulative.get(name, name.upper())) == i, name


def test_state_indices_agree_with_the_result_and_cover_the_state_vector_once():
    result = simulate()
    nr = len(result.regions)
    indices = [
        layout.regional_index(r, s) for r in range(nr) for s in range(layout.N_REGIONAL_STOCKS)
    ]
    indices += [layout.global_index(nr, s) for s in range(layout.N_GLOBAL_STOCKS)]
    assert sorted(indices) == list(range(layout.n_state(nr)))
    assert layout.n_regions_of(layout.n_state(nr)) == nr
    france = result.regions.index("france")
    np.testing.assert_array_equal(
        result.states[1:, layout.regional_index(france, layout.IN_THEATRE)],
        result.stock("in_theatre", "france"),
    )
    np.testing.assert_array_equal(
        result.states[1:, layout.global_index(nr, layout.LOCAL_KILLED)],
        result.stock("local_killed"),
    )


def test_the_index_functions_compile_inside_a_kernel():
    @numba.njit
    def indices(nr: int, r: int) -> tuple[int, int, int, int]:
        return (
            layout.regional_index(r, layout.IN_THEATRE),
            layout.global_index(nr, layout.LOCAL_KILLED),
            layout.regional_parameter_index(nr, layout.R_EARLY_WAVE, r),
            layout.n_state(nr),
        )

    nr, r = len(REGION_IDS), 3
    assert indices(nr, r) == indices.py_func(nr, r)


# --- policy levers that are parameters -----------------------------------------------------------


def test_parameter_levers_take_their_definition_from_the_parameter_schema():
    lever_parameters = [s.name for s in PARAMETER_SPECS if s.category == "lever"]
    assert sorted(PARAMETER_LEVERS) == sorted(lever_parameters)
    for name in PARAMETER_LEVERS:
        lever, spec = LEVER_SPECS[name], SPECS_BY_NAME[name]
        assert (lever.default, lever.lower, lever.upper) == (spec.default, spec.lower, spec.upper)
        assert (lever.unit, lever.description) == (spec.unit, spec.description)
        assert Levers.model_fields[name].description == spec.description
    with pytest.raises(ValueError, match="less than or equal to 1"):
        Levers(counter_messaging=1.5)


# --- variables -----------------------------------------------------------------------------------


def test_every_reported_variable_is_in_the_table_with_the_right_kind_and_unit():
    assert names("stock") == STOCKS + THEATRE_STOCKS
    assert tuple(FLOWS) == names("flow")
    for name in FLOWS:
        assert VARIABLES[name].unit == "persons/month"
        assert layout.REGIONAL_STOCK_NAMES[FLOWS[name]] == VARIABLES[name].accumulates
    for name in names("stock"):
        assert VARIABLES[name].unit == "persons"
    labels = [v.label for v in VARIABLES.values()]
    assert len(set(labels)) == len(labels)
    assert all(v.label and v.title for v in VARIABLES.values())


def test_outcomes_and_the_run_summary_take_their_labels_from_the_table():
    assert set(OUTCOMES) <= set(VARIABLES)
    assert all(OUTCOMES[n] == label(n) for n in OUTCOMES)
    assert set(END_STOCKS) == {n for n in OUTCOMES if VARIABLES[n].kind == "stock"}
    assert all(SUMMARY_STOCKS[n] == label(n) for n in SUMMARY_STOCKS)
    head = summary_table(simulate()).splitlines()[0]
    for name in (*SUMMARY_STOCKS, "peak_in_theatre"):
        assert label(name) in head


# --- results: dates, and dotted parameter names --------------------------------------------------


def test_tidy_gives_dates_as_datetime64_and_the_csv_iso_dates(tmp_path, capsys):
    result = simulate()
    table = result.tidy()
    assert pd.api.types.is_datetime64_any_dtype(table["date"])
    assert table["date"].iloc[0] == pd.Timestamp(result.dates[0])
    assert table["date"].iloc[len(result.dates) - 1].date() == dt.date(2018, 12, 31)
    out = tmp_path / "run.csv"
    assert main(["run", "--out", str(out)]) == 0
    capsys.readouterr()
    text = out.read_text("utf-8").splitlines()
    assert text[0] == "date,region,variable,value"
    assert text[1].startswith("2012-01-31,total,pool,")
    written = pd.read_csv(out, dtype={"date": str})
    assert written["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()


def _pandas_csv(columns: dict[str, np.ndarray]) -> str:
    return pd.DataFrame(columns).to_csv(index=False, float_format="%.6f")


def test_the_csv_writer_writes_what_pandas_writes_for_a_run_and_its_bands():
    result = simulate()
    columns = result.tidy_columns()
    assert csv_text(columns) == _pandas_csv(columns)
    pd.testing.assert_frame_equal(result.tidy(), pd.DataFrame(columns))
    base = Parameters()
    members = [base.with_overrides({"departure_rate": base.departure_rate * f}) for f in (0.9, 1.1)]
    ensemble = simulate_ensemble(np.array([m.pack() for m in members]))
    bands = ensemble.quantile_columns({"p05": 0.05, "p95": 0.95})
    assert csv_text(columns | bands) == _pandas_csv(columns | bands)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(allow_nan=True, allow_infinity=True, width=64),
            st.text(alphabet=st.sampled_from('ab, "\n\r\t;-é'), max_size=6),
            st.integers(min_value=0, max_value=40_000),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_the_csv_writer_agrees_with_pandas_on_any_numbers_and_text(rows):
    numbers, texts, days = zip(*rows, strict=True)
    columns = {
        "date": np.array(days, dtype="datetime64[D]"),
        "text": np.array(texts, dtype=object),
        "value": np.array(numbers, dtype=np.float64),
    }
    assert csv_text(columns) == _pandas_csv(columns)


def test_with_overrides_takes_the_dotted_names_of_the_calibration_artifact():
    base = Parameters()
    dotted = base.with_overrides(
        {"radicalisation_rate.france": 61.0, "departure_rate": 0.05, "early_wave.tunisia": 0.5}
    )
    nested = base.with_overrides(
        {
            "radicalisation_rate": {"france": 61.0},
            "departure_rate": 0.05,
            "early_wave": {"tunisia": 0.5},
        }
    )
    assert dotted == nested
    assert dotted.radicalisation_rate.france == 61.0
    assert dotted.radicalisation_rate.tunisia == base.radicalisation_rate.tunisia


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"radicalisation_rate.paris": 1.0}, "radicalisation_rate.paris: unknown name; allowed:"),
        ({"departure_rate.france": 0.1}, "departure_rate.france: departure_rate is not regional"),
        ({"radicalisation_rate.france": -1.0}, "radicalisation_rate.france = -1.0: allowed range"),
        ({"nonsense.france": 1.0}, "parameters.nonsense.france: unknown name"),
    ],
)
def test_bad_dotted_names_are_named_in_the_error(overrides, message):
    with pytest.raises(InputError, match=message.replace(".", r"\.").replace("(", r"\(")):
        Parameters().with_overrides(overrides)


def test_the_artifacts_estimates_apply_by_their_dotted_names():
    from ffsim.calibration.baseline import baseline_parameters, read_artifact

    artifact = read_artifact()
    estimates = {name: p["estimate"] for name, p in artifact["parameters"].items()}
    assert any("." in name for name in estimates)
    applied = baseline_parameters().with_overrides(estimates)
    assert applied == baseline_parameters()


def test_parameters_pickle_with_their_regional_values():
    # Streamlit's cache pickles scenarios; the regional models must be found by name.
    import pickle

    params = Parameters().with_overrides({"radicalisation_rate.france": 61.0})
    assert pickle.loads(pickle.dumps(params)) == params
