"""The observations file: valid, sourced, every fitted figure computable from a run."""

from __future__ import annotations

import numpy as np
import pytest

from ffsim.calibration.baseline import BASELINE_PATH, read_artifact
from ffsim.calibration.measures import measure
from ffsim.calibration.observations import (
    DEFAULT_PATH,
    data_hash,
    fitted,
    load_observations,
    parse_observations,
)
from ffsim.core.errors import InputError
from ffsim.core.simulate import simulate

SEEDS = {
    "000_7dfd68a80ca38945.txt",
    "001_e67f0fa784752c09.txt",
    "002_b3efac8317dcd5c3.txt",
    "003_073e01bd7b933762.txt",
    "004_8571d538c8fa7b77.txt",
}


def test_every_row_is_valid_and_names_its_source():
    rows = load_observations()
    assert len(rows) >= 40
    for o in rows:
        assert o.source_file in SEEDS and o.outlet and o.note, o.id
    for o in fitted(rows):  # a fitted figure reports what had happened by publication
        assert o.ref_end <= o.published, o.id


def test_every_fitted_figure_is_computable_and_finite():
    result = simulate()
    for o in fitted(load_observations()):
        value = measure(result, o)
        assert np.isfinite(value), o.id


def test_shipped_artifact_matches_the_current_data_file():
    assert read_artifact(BASELINE_PATH)["provenance"]["data_sha256"] == data_hash(DEFAULT_PATH)


def _csv(**changes: str) -> str:
    header = (
        "id,source_file,outlet,published,ref_start,ref_end,region,quantity,measure,value,low,"
        "high,form,groups,sigma_log,use,base_start,base_end,conflicts_with,note"
    )
    row = {
        "id": "x",
        "source_file": "000_7dfd68a80ca38945.txt",
        "outlet": "o",
        "published": "2015-04-30",
        "ref_start": "2015-04-30",
        "ref_end": "2015-04-30",
        "region": "france",
        "quantity": "q",
        "measure": "in_theatre",
        "value": "10",
        "low": "",
        "high": "",
        "form": "point",
        "groups": "unclear",
        "sigma_log": "0.3",
        "use": "fit",
        "base_start": "",
        "base_end": "",
        "conflicts_with": "",
        "note": "n",
    }
    row.update(changes)
    return header + "\n" + ",".join(row[k] for k in header.split(",")) + "\n"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"region": "atlantis"}, "region 'atlantis' is not one of"),
        ({"form": "guess"}, "form"),
        ({"sigma_log": ""}, "needs a measure and a sigma_log"),
        ({"ref_end": "2014-01-01"}, "before ref_start"),
        ({"form": "range", "low": "20", "high": "10"}, "0 < low <= high"),
        ({"measure": "arrivals_ratio"}, "arrivals_ratio needs base_start"),
        ({"conflicts_with": "nope"}, "names unknown id nope"),
        ({"published": "yesterday"}, "published"),
    ],
)
def test_bad_rows_are_refused_with_the_row_and_field(changes, expected):
    with pytest.raises(InputError) as info:
        parse_observations(_csv(**changes), "obs.csv")
    assert "obs.csv" in str(info.value) and expected in str(info.value)


def _with_cell(row: int, column: str, value: str) -> str:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(DEFAULT_PATH.read_text("utf-8"))))
    rows[row][rows[0].index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("value", "nan", "finite"),
        ("value", "-5", "must be >= 0"),
        ("low", "inf", "finite"),
        ("sigma_log", "nan", "finite"),
        ("sigma_log", "-0.3", "greater than 0"),
    ],
)
def test_a_bad_number_names_its_row_and_column(column, value, message):
    with pytest.raises(InputError) as info:
        parse_observations(_with_cell(9, column, value))
    text = str(info.value)
    assert "line 10" in text and column in text and message in text, text


def test_an_empty_file_is_refused():
    with pytest.raises(InputError, match="no data rows"):
        parse_observations(DEFAULT_PATH.read_text("utf-8").splitlines()[0] + "\n")


def test_reading_weights_must_sum_to_one():
    text = DEFAULT_PATH.read_text("utf-8").replace(
        "nyt_2015_09,primary_source,0.5", "nyt_2015_09,primary_source,0.4"
    )
    with pytest.raises(InputError, match="sum to"):
        parse_observations(text)
