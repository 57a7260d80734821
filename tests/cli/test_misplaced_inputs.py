"""Inputs the attack run of issue 12 left answered poorly: a scenario or a mistyped file given
as the calibration config, an artifact's record of its fit (as_of, free_parameters,
identifiability, readings, tensions, ffsim_version) read without checks, an output path that
is a symbolic link to nothing, and a best fit that is not a finite number.

Every refusal is one line ``ffsim: error: <option> <value>: <what is allowed>``.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ffsim.calibration import baseline
from ffsim.calibration.artifact_model import artifact_problem
from ffsim.calibration.baseline import BASELINE_PATH, read_artifact
from ffsim.calibration.config import (
    DEFAULT_CONFIG,
    SCENARIO_KEYS,
    CalibrationConfig,
    load_config,
)
from ffsim.cli import calibrate_command as calibrate_cli
from ffsim.cli.main import main
from ffsim.resources import CALIBRATION_DIR, SCENARIO_DIR
from ffsim.scenarios.scenario import TOP_LEVEL_KEYS

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
SHIPPED_ARTIFACTS = sorted(p for p in CALIBRATION_DIR.rglob("*.json") if p.parent.name != "sbc")
"""Every calibration artifact shipped (the SBC run's summary in calibration/sbc/ is not one)."""


def call(args: list[str]) -> tuple[int, str, str]:
    """``ffsim args`` in-process: exit code, standard output, standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def refused(result: tuple[int, str, str], *words: str) -> str:
    """Exit code 2 and one line ``ffsim: error: ...`` holding every one of ``words``."""
    code, _, err = result
    assert code == 2, (code, err[-500:])
    assert err.startswith("ffsim: error: ") and err.count("\n") == 1, err
    for word in words:
        assert word in err, (word, err)
    return err


@pytest.fixture
def no_calibration(monkeypatch):
    """Starting the estimation fails the test: a bad config is refused before it."""

    def refuse(*args, **kwargs):
        raise AssertionError("the calibration started")

    monkeypatch.setattr(calibrate_cli, "Calibrator", refuse)


@pytest.fixture
def own_active_artifact(monkeypatch):
    """Commands and the app may change the process's active artifact: restore it after."""
    monkeypatch.setattr(baseline, "_active", [BASELINE_PATH])
    return baseline


# --- 1. a file that is not a calibration config, or one with a mistake ----------------------


def test_a_scenario_file_given_as_the_config_is_named_as_such(tmp_path, no_calibration):
    scenario = SCENARIO_DIR / "no_air_campaign.toml"
    err = refused(
        call(["calibrate", "--config", str(scenario), "--out", str(tmp_path / "a.json")]),
        f"--config {scenario}: not a calibration config",
        "a scenario file",
        "a config has seed, name, description, [optimizer], [sampler] and [[free]] tables",
        "calibration/config.toml",
    )
    assert "Field required" not in err and "{" not in err


def test_the_scenario_keys_named_are_those_of_a_scenario_file_and_not_of_a_config():
    assert set(SCENARIO_KEYS) == set(TOP_LEVEL_KEYS) - set(CalibrationConfig.model_fields)


SHIPPED_CONFIG = DEFAULT_CONFIG.read_text("utf-8")

CONFIG_MISTAKES: dict[str, tuple[Callable[[str], str], tuple[str, ...]]] = {
    # name: (how the shipped config is changed, what the one line says)
    "section misspelled": (
        lambda t: t.replace("[sampler]", "[sampeler]"),
        (
            "sampeler: unknown name (did you mean sampler?)",
            "allowed: constraint, description",
        ),
    ),
    "top-level key misspelled": (
        lambda t: t.replace("seed = ", "sede = "),
        ("sede: unknown name (did you mean seed?)",),
    ),
    "key in a section misspelled": (
        lambda t: t.replace("steps = 30000", "stpes = 30000"),
        (
            "sampler.stpes: unknown name (did you mean steps?); "
            "allowed: burn, keep, max_steps, steps, walkers",
        ),
    ),
    "text for a whole number": (
        lambda t: t.replace("steps = 30000", 'steps = "many"'),
        ('sampler.steps = "many": allowed a whole number from 2 to 1000000',),
    ),
    "constraint quantity unknown": (
        lambda t: t.replace('quantity = "cumulative_arrivals"', 'quantity = "arrivals"', 1),
        (
            'constraint #1 (icsr_gone_to_syria_2013_12): quantity = "arrivals": allowed one of '
            "fighters_in_theatre, foreign_share, cumulative_arrivals",
        ),
    ),
    "constraint bound not a number": (
        lambda t: t.replace("low = 8500.0", 'low = "many"', 1),
        ('constraint #1 (icsr_gone_to_syria_2013_12): low = "many": allowed a finite number',),
    ),
    "constraint range upside down": (
        lambda t: t.replace("high = 11000.0", "high = 100.0", 1),
        ("constraint #1 (icsr_gone_to_syria_2013_12): high = 100 is below low = 8500",),
    ),
    "true for a whole number": (
        lambda t: t.replace("seed = 20150430", "seed = true"),
        ("seed = true: allowed a whole number from 0 up",),
    ),
    "a fraction for a whole number": (
        lambda t: t.replace("n_starts = 8", "n_starts = 2.5"),
        ("optimizer.n_starts = 2.5: allowed a whole number from 1 to 200",),
    ),
    "a section given as a number": (
        lambda t: t.replace("[optimizer]\n", "optimizer = 3\n[optimizer_old]\n", 1),
        ("optimizer = 3: allowed a table [optimizer] with keys n_starts, max_iter",),
    ),
    "nan in a prior": (
        lambda t: t.replace("sigma_log = 0.922", "sigma_log = nan"),
        (
            "free #25 (pool_exit_rate): sigma_log = nan: not a finite number; "
            "allowed a finite number above 0",
        ),
    ),
    "text for a bound": (
        lambda t: t.replace("upper = 0.3\n", 'upper = "0.3"\n'),
        ('free #8 (departure_rate): upper = "0.3": allowed any finite number',),
    ),
    "unknown prior": (
        lambda t: t.replace('prior = "lognormal"', 'prior = "flat"', 1),
        (
            'free #1 (radicalisation_rate.france): prior = "flat": '
            "allowed one of uniform, loguniform, normal, lognormal",
        ),
    ),
    "unknown parameter": (
        lambda t: t.replace('name = "departure_rate"', 'name = "departure_rat"'),
        (
            'free #8 (departure_rat): name = "departure_rat": '
            "unknown name (did you mean departure_rate?)",
        ),
    ),
    "a prior missing its spread": (
        lambda t: t.replace("sd = 0.25\n", "", 1),
        ("free #9 (appeal_base): a normal prior needs mean and sd; sd is missing",),
    ),
    "free given as a table": (
        lambda t: t.split("[[free]]")[0] + '[free]\nname = "departure_rate"\n',
        ("free = ", "allowed one or more [[free]] tables, each with keys name, prior"),
    ),
}


@pytest.mark.parametrize("mistake", sorted(CONFIG_MISTAKES))
def test_a_config_mistake_names_the_field_the_value_and_what_is_allowed(
    tmp_path, no_calibration, mistake
):
    change, words = CONFIG_MISTAKES[mistake]
    config = tmp_path / "config.toml"
    text = change(SHIPPED_CONFIG)
    assert text != SHIPPED_CONFIG
    config.write_text(text, "utf-8")
    err = refused(
        call(["calibrate", "--config", str(config), "--out", str(tmp_path / "a.json")]),
        f"--config {config}: ",
        *words,
    )
    assert "Input should" not in err and "Field required" not in err, err


def test_the_shipped_configs_load_unchanged():
    for path in sorted(CALIBRATION_DIR.glob("*.toml")):
        config = load_config(path, "--config")
        assert config.free and config.seed >= 0


# --- 2. the artifact's record of its fit ----------------------------------------------------


def _set(*keys: object, value: object) -> Callable[[dict], None]:
    def change(a: dict) -> None:
        for key in keys[:-1]:
            a = a[key]
        a[keys[-1]] = value

    return change


def _drop(*keys: object) -> Callable[[dict], None]:
    def change(a: dict) -> None:
        for key in keys[:-1]:
            a = a[key]
        del a[keys[-1]]

    return change


METADATA: dict[str, tuple[Callable[[dict], None], tuple[str, ...]]] = {
    "as_of not a date": (
        _set("as_of", value="yesterday"),
        ('as_of = "yesterday": a date YYYY-MM-DD',),
    ),
    "as_of a number": (_set("as_of", value=20160911), ("as_of = 20160911: a date YYYY-MM-DD",)),
    "as_of no calendar date": (_set("as_of", value="2016-02-30"), ('as_of = "2016-02-30"',)),
    "as_of before its figures": (
        _set("as_of", value="2013-01-01"),
        ("as_of = 2013-01-01: a date on or after 2016-09-11",),
    ),
    "as_of missing": (_drop("as_of"), ("as_of: missing; a date YYYY-MM-DD is needed",)),
    "free_parameters text": (
        _set("free_parameters", value="all"),
        ('free_parameters = "all": a list of the config\'s 50 free parameters, in its order',),
    ),
    "free_parameters renamed": (
        _set("free_parameters", 3, value="bogus"),
        ('free_parameters[3] = "bogus": radicalisation_rate.united_states', "parameter 4 of 50"),
    ),
    "identifiability a list": (
        _set("identifiability", value=[]),
        ("identifiability = []: an object is needed",),
    ),
    "identifiability rule not text": (
        _set("identifiability", "rule", value=["x"]),
        ('identifiability.rule = ["x"]: text is needed',),
    ),
    "identifiability unknown name": (
        _set("identifiability", "pinned_down", 0, value="bogus"),
        ("identifiability.pinned_down = [", "a list of the config's free parameters"),
    ),
    "identifiability a parameter left out": (
        _drop("identifiability", "pinned_down", 0),
        ("identifiability.pinned_down", "each free parameter of the config once"),
    ),
    "correlation above 1": (
        _set("identifiability", "strong_correlations", 0, "correlation", value=1.5),
        ("identifiability.strong_correlations[0].correlation = 1.5: a number from -1 to 1",),
    ),
    "readings an object": (
        _set("readings", value={}),
        ("readings = {}: a list of objects, one per statement",),
    ),
    "reading probability as text": (
        _set("readings", 1, "readings", 0, "posterior_probability", value="high"),
        ('readings[1].readings[0].posterior_probability = "high": a number from 0 to 1',),
    ),
    "reading probability nan": (
        _set("readings", 1, "readings", 0, "probability_at_mode", value=float("nan")),
        ("readings[1].readings[0].probability_at_mode = NaN: not a finite number",),
    ),
    "reading of an unknown figure": (
        _set("readings", 0, "readings", 0, "rows", value=["no_such_figure"]),
        ("readings[0].readings[0].rows = [", "a list of ids of its observations"),
    ),
    "supported reading unknown": (
        _set("readings", 0, "supported", value="neither"),
        ('readings[0].supported = "neither": one of eu_as_stated, wider_europe',),
    ),
    "statement listed twice": (
        _set("readings", 1, "statement", value="daily_beast_europe"),
        ('readings[1].statement = "daily_beast_europe": a statement not listed before',),
    ),
    "tension without id": (
        _set("tensions", value=[{"kind": "misfit"}]),
        ("tensions[0].id: missing; the id of one of its observations is needed",),
    ),
    "tension of unknown kind": (
        _set("tensions", 0, "kind", value="feud"),
        ('tensions[0].kind = "feud": one of misfit, declared_conflict',),
    ),
    "tension z infinite": (
        _set("tensions", 0, "z_at_best_fit", value=float("inf")),
        ("tensions[0].z_at_best_fit = Infinity: not a finite number; a finite number is needed",),
    ),
    "tension figure not an object": (
        _set("tensions", 0, "figures_that_improve_most", 0, value=3),
        ("tensions[0].figures_that_improve_most[0] = 3: an object is needed",),
    ),
    "ffsim_version an object": (
        _set("ffsim_version", value={"a": 1}),
        ('ffsim_version = {"a": 1}: a release number such as 0.2.0',),
    ),
    "ffsim_version missing": (
        _drop("ffsim_version"),
        ("ffsim_version: missing; a release number such as 0.2.0",),
    ),
}


def _damaged(tmp_path: Path, change: Callable[[dict], None], name: str = "bad.json") -> Path:
    artifact = json.loads(BASELINE_PATH.read_text("utf-8"))
    change(artifact)
    path = tmp_path / name
    path.write_text(json.dumps(artifact), "utf-8")
    return path


@pytest.mark.parametrize("damage", sorted(METADATA))
def test_a_damaged_record_of_the_fit_is_refused_naming_field_value_and_what_is_allowed(
    tmp_path, own_active_artifact, damage
):
    change, words = METADATA[damage]
    path = _damaged(tmp_path, change)
    refused(
        call(["run", "--artifact", str(path)]),
        f"--artifact {path}: not a calibration artifact (",
        *words,
    )
    assert own_active_artifact.active_artifact() == BASELINE_PATH


@pytest.mark.parametrize("path", SHIPPED_ARTIFACTS, ids=lambda p: p.name)
def test_every_shipped_artifact_passes_the_checks_on_read(path):
    artifact = read_artifact(path)
    assert artifact_problem(artifact) == ""


def test_check_refuses_an_unreadable_as_of_naming_out_before_the_calibration(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the calibration started")

    monkeypatch.setattr(calibrate_cli, "run_calibration", refuse)
    for value, words in (
        ("yesterday", ('as_of = "yesterday": a date YYYY-MM-DD is needed',)),
        (5, ("as_of = 5: a date YYYY-MM-DD is needed",)),  # was ignored: a run on all figures
    ):
        path = _damaged(tmp_path, _set("as_of", value=value))
        err = refused(
            call(["calibrate", "--check", "--out", str(path)]),
            f"--out {path}: not a calibration artifact (",
            *words,
        )
        assert "--as-of" not in err  # the artifact's field, not an option the user gave


def test_the_app_says_which_part_of_the_record_is_damaged_on_every_page(
    tmp_path, own_active_artifact
):
    path = _damaged(tmp_path, _set("tensions", value=[{"kind": "misfit"}]), "baseline.json")
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
        assert "tensions[0].id: missing" in errors and "ffsim calibrate" in errors, (page, errors)
        assert not at.get("plotly_chart")


def test_the_app_refuses_to_start_on_a_damaged_record(tmp_path, own_active_artifact):
    path = _damaged(tmp_path, _set("readings", value={}))
    refused(call(["app", "--artifact", str(path)]), f"--artifact {path}", "readings = {}")


# --- 3. an output path that is a symbolic link ----------------------------------------------


def test_out_as_a_link_to_nothing_in_a_missing_directory_names_the_link_target(tmp_path):
    link = tmp_path / "run.csv"
    target = tmp_path / "gone" / "run.csv"
    link.symlink_to(target)
    err = refused(
        call(["run", "--out", str(link)]),
        f"--out {link}: is a symbolic link to {target}, whose directory {target.parent} "
        "does not exist",
    )
    assert f"directory {tmp_path} does not exist" not in err


def test_out_as_a_link_to_a_file_not_yet_made_writes_through_the_link(tmp_path):
    # The project's decision (ffsim.core.files): a link is written through, never replaced.
    link, target = tmp_path / "run.csv", tmp_path / "made.csv"
    link.symlink_to(target)
    code, _, err = call(["run", "--out", str(link)])
    assert code == 0 and err == ""
    assert link.is_symlink() and target.read_text("utf-8").startswith("date,")


def test_out_as_a_loop_of_links_is_said_plainly(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.symlink_to(b)
    b.symlink_to(a)
    refused(call(["run", "--out", str(a)]), f"--out {a}: is a loop of symbolic links")


@pytest.mark.parametrize("option", ["--config", "--data"])
def test_an_input_that_is_a_link_to_nothing_names_the_link_target(tmp_path, no_calibration, option):
    link, target = tmp_path / "input", tmp_path / "gone.txt"
    link.symlink_to(target)
    refused(
        call(["calibrate", option, str(link), "--out", str(tmp_path / "a.json")]),
        f"{option} {link}: is a symbolic link to {target}, which does not exist",
    )


def test_an_artifact_that_is_a_link_to_nothing_names_the_link_target(tmp_path, own_active_artifact):
    link, target = tmp_path / "artifact.json", tmp_path / "gone.json"
    link.symlink_to(target)
    refused(
        call(["run", "--artifact", str(link)]),
        f"--artifact {link}: is a symbolic link to {target}, which does not exist",
        "ffsim calibrate",
    )


# --- 4. a best fit, estimate or draw that is not a finite number ----------------------------

NOT_FINITE: dict[str, tuple[Callable[[dict], None], str]] = {
    "best fit nan": (
        _set("best_fit_parameters", "combat_mortality", value=float("nan")),
        "best_fit_parameters.combat_mortality = NaN: not a finite number; "
        "a number from 0 to 0.05 (1/month) is needed",
    ),
    "best fit -inf": (
        _set("best_fit_parameters", "combat_mortality", value=float("-inf")),
        "best_fit_parameters.combat_mortality = -Infinity: not a finite number",
    ),
    "regional best fit inf": (
        _set("best_fit_parameters", "radicalisation_rate", "france", value=float("inf")),
        "best_fit_parameters.radicalisation_rate.france = Infinity: not a finite number; "
        "a number from",
    ),
    "estimate nan": (
        _set("parameters", "departure_rate", "p50", value=float("nan")),
        "parameters.departure_rate.p50 = NaN: not a finite number; a number from 0.002 to 0.3",
    ),
    "posterior draw nan": (
        _set("posterior_sample", "values", 5, 2, value=float("nan")),
        "posterior_sample.values[5][2] = NaN: not a finite number; a number from",
    ),
}


@pytest.mark.parametrize("case", sorted(NOT_FINITE))
def test_a_number_that_is_not_finite_is_said_to_be_so(tmp_path, own_active_artifact, case):
    change, words = NOT_FINITE[case]
    path = _damaged(tmp_path, change)
    err = refused(call(["run", "--artifact", str(path)]), f"--artifact {path}: ", words)
    assert "less than" not in err and "greater than" not in err


def test_check_says_a_best_fit_that_is_not_finite_is_so(tmp_path, monkeypatch):
    monkeypatch.setattr(calibrate_cli, "run_calibration", lambda *a, **k: {})
    path = _damaged(tmp_path, _set("best_fit_parameters", "combat_mortality", value=float("nan")))
    refused(
        call(["calibrate", "--check", "--out", str(path)]),
        f"--out {path}: not a calibration artifact (best_fit_parameters.combat_mortality = NaN: "
        "not a finite number",
    )


def test_a_bad_artifact_is_refused_in_one_line_by_a_separate_process(tmp_path):
    # The whole program, as a user runs it: no traceback on standard error.
    import subprocess
    import sys

    path = _damaged(tmp_path, _set("identifiability", "rule", value=None))
    proc = subprocess.run(
        [sys.executable, "-m", "ffsim", "run", "--artifact", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert proc.returncode == 2
    assert proc.stderr == (
        f"ffsim: error: --artifact {path}: not a calibration artifact "
        "(identifiability.rule = null: text is needed)\n"
    )


def test_the_artifact_checks_leave_a_valid_artifact_unchanged():
    artifact = json.loads(BASELINE_PATH.read_text("utf-8"))
    before = copy.deepcopy(artifact)
    assert artifact_problem(artifact) == ""
    assert artifact == before
