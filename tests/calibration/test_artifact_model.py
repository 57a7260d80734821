"""The calibration artifact's model: each check that parts agree refuses a crafted artifact in
one line naming the field, the value and what is needed; the schema on disk is the model's."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from ffsim.calibration.artifact_model import (
    ARTIFACT_FORMAT,
    artifact_problem,
    artifact_schema,
    checked_artifact,
)
from ffsim.calibration.baseline import BASELINE_PATH
from ffsim.core.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
GOOD = json.loads(BASELINE_PATH.read_text("utf-8"))
FREE = GOOD["free_parameters"]
FIRST = GOOD["config"]["free"][0]  # its name and prior bounds
IDS = [o["id"] for o in GOOD["observations"]]


def _swap_names(a: dict) -> None:
    names = a["posterior_sample"]["names"]
    names[0], names[1] = names[1], names[0]


def _twice(a: dict) -> None:
    a["observations"][1]["id"] = a["observations"][0]["id"]


def _conflict(a: dict) -> None:
    a["tensions"][0] = {"kind": "declared_conflict", "b": IDS[0], "z_a": 0.1}


def _set(*keys: object, value: object) -> Callable[[dict], None]:
    def change(a: dict) -> None:
        for key in keys[:-1]:
            a = a[key]
        a[keys[-1]] = value

    return change


def _add(value: int, *keys: str) -> Callable[[dict], None]:
    def change(a: dict) -> None:
        for key in keys[:-1]:
            a = a[key]
        a[keys[-1]] += value

    return change


BOUNDS = f"a number from {FIRST['lower']:g} to {FIRST['upper']:g}"

CROSS_REFERENCES: dict[str, tuple[Callable[[dict], None], str]] = {
    # name: (how the baseline is changed, the start of the one line that refuses it)
    "free parameters out of the config's order": (
        lambda a: a["free_parameters"].reverse(),
        f'free_parameters[0] = "{FREE[-1]}": {FREE[0]} (the config\'s free parameter 1 of',
    ),
    "posterior names not the free parameters": (
        _swap_names,
        "posterior_sample.names = [",
    ),
    "posterior row of the wrong length": (
        _set("posterior_sample", "values", 3, value=[1.0, 2.0]),
        f"posterior_sample.values[3] = [1.0, 2.0]: a list of {len(FREE)} numbers (one per name)",
    ),
    "posterior draw outside its prior": (
        _set("posterior_sample", "values", 0, 0, value=FIRST["upper"] * 2),
        f"posterior_sample.values[0][0] = {FIRST['upper'] * 2!r}: {BOUNDS} (the prior bounds of "
        f"{FIRST['name']}) is needed",
    ),
    "a free parameter without an estimate": (
        lambda a: a["parameters"].pop(FIRST["name"]),
        f"parameters.{FIRST['name']}: missing; an estimate of each free parameter",
    ),
    "an estimate of a parameter not estimated": (
        lambda a: a["parameters"].__setitem__("bogus", a["parameters"][FIRST["name"]]),
        "parameters.bogus = {",
    ),
    "an estimate outside its prior": (
        _set("parameters", FIRST["name"], "estimate", value=FIRST["lower"] - 1.0),
        f"parameters.{FIRST['name']}.estimate = {FIRST['lower'] - 1.0!r}: {BOUNDS} "
        "(its prior bounds) is needed",
    ),
    "quantiles out of order": (
        _set("parameters", FIRST["name"], "p50", value=FIRST["upper"]),
        f"parameters.{FIRST['name']}.p50 = {FIRST['upper']!r}: a number from p05",
    ),
    "an observation id given twice": (
        _twice,
        f'observations[1].id = "{IDS[0]}": an id not given to an earlier row is needed',
    ),
    "fit rows miscounted": (
        _add(1, "fit", "n_rows"),
        f"fit.n_rows = {len(IDS) + 1}: {len(IDS)} (the number of its observations) is needed",
    ),
    "fitted figures miscounted": (
        _add(-1, "fit", "n_fitted"),
        f"fit.n_fitted = {GOOD['fit']['n_fitted'] - 1}: {GOOD['fit']['n_fitted']} (the number "
        "of its counted observations) is needed",
    ),
    "figures within miscounted": (
        _add(1, "fit", "n_within"),
        f"fit.n_within = {GOOD['fit']['n_within'] + 1}: {GOOD['fit']['n_within']} (the number "
        "of its counted observations within one sigma) is needed",
    ),
    "a largest misfit that is no figure": (
        _set("fit", "largest_misfits", value=["nowhere"]),
        'fit.largest_misfits = ["nowhere"]: a list of ids of its observations is needed',
    ),
    "a misfit that is no figure": (
        _set("tensions", 0, "id", value="nowhere"),
        'tensions[0].id = "nowhere": the id of one of its observations is needed',
    ),
    "a figure left out that is no figure": (
        _set("tensions", 0, "left_out", value=["nowhere"]),
        'tensions[0].left_out = ["nowhere"]: a list of ids of its observations is needed',
    ),
    "a figure improved that is no figure": (
        _set("tensions", 0, "figures_that_improve_most", 0, "id", value="nowhere"),
        'tensions[0].figures_that_improve_most[0].id = "nowhere": the id of one of its',
    ),
    "a declared conflict without its keys": (
        _conflict,
        "tensions[0].a: missing; the id of one of its observations is needed",
    ),
    "a correlation of a parameter not estimated": (
        _set("identifiability", "strong_correlations", 0, "a", value="bogus"),
        'identifiability.strong_correlations[0].a = "bogus": a free parameter of the config',
    ),
    "an unknown part": (
        _set("fitt", value={}),
        "fitt = {}: unknown name (did you mean fit?); allowed: ",
    ),
}


@pytest.mark.parametrize("case", sorted(CROSS_REFERENCES))
def test_parts_that_disagree_are_refused_naming_field_value_and_what_is_needed(case):
    change, start = CROSS_REFERENCES[case]
    bad = copy.deepcopy(GOOD)
    change(bad)
    problem = artifact_problem(bad)
    assert problem.startswith(start), problem
    assert "\n" not in problem and "Input should" not in problem


def test_the_baseline_passes_unchanged():
    artifact = copy.deepcopy(GOOD)
    assert artifact_problem(artifact) == ""
    assert artifact == GOOD


def test_a_refusal_names_the_file_in_one_line():
    bad = copy.deepcopy(GOOD)
    bad["fit"]["n_rows"] = "many"
    with pytest.raises(InputError) as info:
        checked_artifact(bad, "--artifact x.json")
    assert str(info.value) == (
        "--artifact x.json: not a calibration artifact "
        '(fit.n_rows = "many": a whole number from 0 up is needed)'
    )


def test_another_format_is_said_to_be_one_this_version_does_not_read():
    bad = {**GOOD, "format": "ffsim-calibration/2"}
    with pytest.raises(InputError, match="not a calibration artifact this version reads") as info:
        checked_artifact(bad, "a.json")
    assert ARTIFACT_FORMAT in str(info.value) and "ffsim calibrate" in str(info.value)


def test_the_schema_on_disk_is_the_models():
    on_disk = (ROOT / "docs" / "artifact.schema.json").read_text("utf-8")
    assert on_disk == artifact_schema(), "docs/artifact.schema.json is stale: run `make docs`"


def test_the_schema_requires_every_part_the_writer_writes():
    schema = json.loads(artifact_schema())
    assert set(schema["required"]) == set(GOOD)
    assert schema["properties"]["format"]["const"] == ARTIFACT_FORMAT
    assert schema["additionalProperties"] is False
