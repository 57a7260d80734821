"""A battery of malformed command lines (issue 12): each gives exit 0 with a documented
acceptance, or exit 2 (1 for `validate` and `calibrate --check` findings) with a single line
``ffsim: error: ...`` on standard error; never a traceback, never a hang, never work started
on a bad argument.

Most calls run in-process through :func:`ffsim.cli.main.main`, with the first step of each
command's real work replaced by :class:`WorkStarted` (so a bad argument that slipped through
shows up as work started) and an alarm that turns a hang into a failure. A few FIFO cases run
the installed command in a subprocess with a timeout.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

import ffsim.calibration.baseline as baseline
from ffsim.cli.main import main
from ffsim.core.regions import REGION_IDS
from ffsim.resources import BASELINE_PATH, CONFIG_PATH, SCENARIO_DIR
from ffsim.scenarios.attribution import BALANCES
from ffsim.scenarios.sensitivity import OUTPUTS

SCENARIO = str(SCENARIO_DIR / "early_response.toml")
OTHER = str(SCENARIO_DIR / "no_air_campaign.toml")
DATA = str(Path(CONFIG_PATH).parents[1] / "data" / "observations.csv")
REGIONS = ("total", *REGION_IDS)
VINTAGES = ("2015-04-30", "2015-09-27", "2016-06-26", "2017-10-24", "2018-07-29")
HANG_SECONDS = 10
STORED_DRAWS = len(json.loads(BASELINE_PATH.read_text())["posterior_sample"]["values"])


class WorkStarted(BaseException):
    """The command got past its checks and started its real work."""


class Hang(BaseException):
    """The call did not return within HANG_SECONDS."""


def _refuse_work(name: str) -> Callable[..., None]:
    def started(*args: object, **kwargs: object) -> None:
        raise WorkStarted(name)

    return started


WORK = {
    "ffsim.cli.run_command": ("simulate",),
    "ffsim.cli.scenario_commands": ("compare", "explain", "tornado"),
    "ffsim.cli.forecast_command": ("forecast_all",),
    "ffsim.cli.calibrate_command": ("Calibrator",),
    "os": ("execve",),
}
"""The first step of each command's work, replaced by WorkStarted in the battery."""


@contextlib.contextmanager
def _guarded(work: bool, cwd: Path | None, artifact: Path | None) -> Iterator[None]:
    def alarm(signum: int, frame: object) -> None:
        raise Hang(f"no answer within {HANG_SECONDS} s")

    active = baseline._active[0]
    if artifact is not None:
        baseline._active[0] = artifact
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(HANG_SECONDS)
    try:
        with pytest.MonkeyPatch.context() as mp:
            if not work:
                import importlib

                for module, names in WORK.items():
                    for name in names:
                        mp.setattr(importlib.import_module(module), name, _refuse_work(name))
            if cwd is not None:
                mp.chdir(cwd)
            yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        baseline._active[0] = active


def call(
    args: list[str], work: bool = False, cwd: Path | None = None, artifact: Path | None = None
) -> tuple[object, str, str]:
    """``ffsim args`` in-process: (exit code or "work started", stdout, stderr).

    ``artifact`` makes that file the active artifact for the call, as if it were shipped.
    """
    out, err = io.StringIO(), io.StringIO()
    with (
        _guarded(work, cwd, artifact),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            code: object = main(args)
        except WorkStarted:
            code = "work started"
    return code, out.getvalue(), err.getvalue()


def refused(result: tuple[object, str, str], *words: str, code: int = 2) -> str:
    """Assert a clean refusal: ``code``, one line ``ffsim: error: ...`` holding ``words``."""
    got, out, err = result
    assert "Traceback" not in out + err, err
    assert got == code, (got, err[-500:])
    assert err.startswith("ffsim: error: ") and err.count("\n") == 1, err
    for word in words:
        assert word in err, (word, err)
    return err


def accepted(result: tuple[object, str, str], code: object = "work started") -> str:
    """Assert a documented acceptance: ``code`` (work started in the battery), no error."""
    got, out, err = result
    assert "Traceback" not in out + err, err
    assert got == code, (got, err[-500:])
    return out


# ------------------------------------------------------------------ files the battery needs


def _corrupt_artifacts(where: Path) -> dict[str, Path]:
    """Name -> a corrupt calibration artifact, each broken in one way."""
    text = BASELINE_PATH.read_text()
    good = json.loads(text)

    def broken(change: Callable[[dict], object]) -> str:
        artifact = copy.deepcopy(good)
        change(artifact)
        return json.dumps(artifact)

    def set_(keys: tuple, value: object) -> Callable[[dict], None]:
        def change(a: dict) -> None:
            for k in keys[:-1]:
                a = a[k]
            a[keys[-1]] = value

        return change

    def row(i: int, value: object) -> Callable[[dict], None]:
        return lambda a: a["posterior_sample"]["values"].__setitem__(i, value)

    def cell(value: object) -> Callable[[dict], None]:
        return lambda a: a["posterior_sample"]["values"][5].__setitem__(2, value)

    first = next(iter(good["parameters"]))
    texts = {
        "truncated": text[: len(text) // 2],
        "empty": "",
        "blank": "  \n",
        "null": "null",
        "array": "[]",
        "number": "3",
        "object": "{}",
        "deep": "[" * 100_000 + "]" * 100_000,
        "binary": "\x00\x01\x02",
        "nan_sample": broken(cell(float("nan"))),
        "inf_sample": broken(cell(float("inf"))),
        "string_sample": broken(cell("0.5")),
        "bool_sample": broken(cell(True)),
        "null_sample": broken(cell(None)),
        "huge_sample": broken(cell(10**400)),
        "out_of_bounds_sample": broken(cell(-5.0)),
        "short_row": broken(row(3, [1.0])),
        "row_not_list": broken(row(0, {"a": 1})),
        "no_draws": broken(set_(("posterior_sample", "values"), [])),
        "values_not_list": broken(set_(("posterior_sample", "values"), 5)),
        "names_unknown": broken(set_(("posterior_sample", "names"), ["bogus"] * 26)),
        "names_not_list": broken(set_(("posterior_sample", "names"), "departure_rate")),
        "names_twice": broken(
            lambda a: a["posterior_sample"]["names"].__setitem__(
                1, a["posterior_sample"]["names"][0]
            )
        ),
        "sample_not_object": broken(set_(("posterior_sample",), [1, 2])),
        "config_invalid": broken(set_(("config",), {"x": 1})),
        "config_free_empty": broken(set_(("config", "free"), [])),
        "best_fit_nan": broken(set_(("best_fit_parameters", "combat_mortality"), float("nan"))),
        "best_fit_string": broken(set_(("best_fit_parameters", "combat_mortality"), "high")),
        # found by the fresh attack: these ran silently on the schema's defaults
        "best_fit_missing": broken(lambda a: a["best_fit_parameters"].pop("combat_mortality")),
        "best_fit_region_missing": broken(
            lambda a: a["best_fit_parameters"]["radicalisation_rate"].pop("france")
        ),
        "best_fit_number_as_text": broken(
            set_(("best_fit_parameters", "combat_mortality"), "0.01")
        ),
        "format_unknown": broken(set_(("format",), "ffsim-calibration/99")),
        "no_format": broken(lambda a: a.pop("format")),
        "parameters_empty": broken(set_(("parameters",), {})),
        "p05_null": broken(set_(("parameters", first, "p05"), None)),
        "p95_nan": broken(set_(("parameters", first, "p95"), float("nan"))),
        "observation_not_object": broken(set_(("observations",), [1, 2])),
    }
    parts = ("best_fit_parameters", "posterior_sample", "parameters", "observations", "fit")
    for key in (*parts, "config", "provenance"):  # the parts every command reads
        texts[f"no_{key}"] = broken(lambda a, key=key: a.pop(key))
        texts[f"{key}_wrong_type"] = broken(set_((key,), "text"))
    paths = {}
    for name, body in texts.items():
        path = where / f"{name}.json"
        path.write_text(body)
        paths[name] = path
    return paths


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> Path:
    """A folder of hostile files: FIFOs, a directory, empty, binary and deeply nested files."""
    root = tmp_path_factory.mktemp("battery")
    os.mkfifo(root / "fifo")
    os.mkfifo(root / "fifo.toml")
    (root / "dir.csv").mkdir()
    (root / "empty.toml").write_text("")
    (root / "binary.toml").write_bytes(bytes(range(256)) * 4)
    (root / "nul.toml").write_bytes(b'name = "x\x00"\n')
    (root / "bad.toml").write_text("name = \n")
    (root / "good.toml").write_text('name = "good"\n[levers]\nborder_closure_shift = -6\n')
    (root / "deep_array.toml").write_text("name = 'x'\na = " + "[" * 50_000 + "]" * 50_000 + "\n")
    (root / "deep_table.toml").write_text("name = 'x'\na = " + "{b = " * 5_000 + "1" + "}" * 5_000)
    (root / "on_fifo.toml").write_text('name = "on a fifo"\nbase = "fifo"\n')
    (root / "config.toml").write_text("seed = 1\n")
    (root / "not.json").write_text("{not json")
    (root / "artifacts").mkdir()
    return root


@pytest.fixture(scope="module")
def corrupt(place) -> dict[str, Path]:
    return _corrupt_artifacts(place / "artifacts")


# ------------------------------------------------------------------ hypothesis: random values


def _whole(value: str, low: int, high: int, power_of_two: bool = False) -> bool:
    text = value.strip()
    if not re.fullmatch(r"[+-]?[0-9]{1,30}", text):
        return False
    n = int(text)
    return low <= n <= high and not (power_of_two and n & (n - 1))


def _iso_date(value: str) -> bool:
    import datetime as dt

    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


TEXT = st.text(max_size=40)
NUMBERISH = st.one_of(
    TEXT,
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats().map(repr),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e3",
            "0x10",
            "١٢",
            "nan",
            "inf",
            "-inf",
            "1_0",
            "3.0",
            "true",
            "9" * 5000,
            "2**8",
            "½",
            "+",
            "-",
            "--1",
        ]
    ),
)


def bad_number(low: int, high: int, power_of_two: bool = False) -> st.SearchStrategy[str]:
    edges = st.sampled_from([str(low - 1), str(high + 1), str(2 * high + 1), str(-high)])
    return st.one_of(NUMBERISH, edges).filter(lambda v: not _whole(v, low, high, power_of_two))


def bad_choice(allowed: tuple[str, ...]) -> st.SearchStrategy[str]:
    near = [a.upper() for a in allowed] + [f" {a}" for a in allowed] + ["mars", "TOTAL", ""]
    return st.one_of(TEXT, st.sampled_from(near)).filter(lambda v: v not in allowed)


def bad_date() -> st.SearchStrategy[str]:
    outside = st.one_of(
        st.dates(max_value=__import__("datetime").date(2011, 12, 31)),
        st.dates(min_value=__import__("datetime").date(2019, 1, 1)),
    ).map(lambda d: d.isoformat())
    malformed = st.sampled_from(
        [
            "2016-02-30",
            "2016-6-30",
            "2016-06",
            "20160630",
            "2016-13-01",
            "yesterday",
            "",
            " ",
            "2016-06-30T00:00",
            "0000-01-01",
        ]
    )
    return st.one_of(outside, malformed, TEXT.filter(lambda v: not _iso_date(v)))


def _names(place: Path, *names: str) -> list[str]:
    return [str(place / n) for n in names]


def bad_input_path(place: Path, *extra: str) -> st.SearchStrategy[str]:
    hostile = _names(place, "fifo", "fifo.toml", "dir.csv", "empty.toml", "binary.toml", "nul.toml")
    fixed = [
        "",
        " ",
        "/dev/null",
        "/dev/zero",
        "/proc/self/status",
        "/sys/kernel",
        str(place),
        *extra,
    ]
    missing = TEXT.map(lambda t: str(place / "missing" / t.replace("/", "_").replace("\x00", "")))
    return st.one_of(st.sampled_from(hostile + fixed), missing)


def bad_output_path(place: Path) -> st.SearchStrategy[str]:
    fixed = [
        "",
        " ",
        str(place),
        str(place) + "/",
        str(place / "dir.csv"),
        str(place / "fifo"),
        str(place / "x.csv") + "/.",
        str(place / "x.csv") + "/..",
        "/dev/full",
        "/dev/null",
        "/proc/self/x.csv",
        "/sys/x.csv",
        "/nonexistent-dir/x.csv",
        "a\x00b.csv",
    ]
    missing = TEXT.map(lambda t: str(place / "missing" / (t.replace("/", "_") or "x")))
    return st.one_of(st.sampled_from(fixed), missing)


def option_table(place: Path, corrupt: dict[str, Path]) -> dict[str, dict[str, tuple]]:
    """Command -> option -> (a bad-value strategy, a good-value strategy or None)."""
    artifacts = [str(p) for p in corrupt.values()]
    bad_artifact = bad_input_path(place, *artifacts)
    bad_scenario = bad_input_path(
        place, *_names(place, "bad.toml", "deep_array.toml", "deep_table.toml", "on_fifo.toml")
    )
    good_scenario = st.sampled_from([SCENARIO, OTHER, str(place / "good.toml")])
    good_out = st.sampled_from([str(place / "ok.csv"), str(place / "ok.json")])
    good_table = st.sampled_from([str(place / f"ok.{x}") for x in ("csv", "parquet", "xlsx")])
    draws = (bad_number(1, STORED_DRAWS), st.integers(1, STORED_DRAWS).map(str))
    return {
        "run": {
            "SCENARIO": (bad_scenario, good_scenario),
            "--out": (bad_output_path(place), good_table),
            "--draws": draws,
            "--artifact": (bad_artifact, st.just(str(BASELINE_PATH))),
        },
        "compare": {
            "SCENARIO": (bad_scenario, good_scenario),
            "--out": (bad_output_path(place), good_table),
            "--draws": draws,
            "--artifact": (bad_artifact, st.just(str(BASELINE_PATH))),
        },
        "explain": {
            "SCENARIO": (bad_scenario, None),
            "--outcome": (bad_choice(tuple(BALANCES)), st.sampled_from(sorted(BALANCES))),
            "--region": (bad_choice(REGIONS), st.sampled_from(REGIONS)),
            "--date": (bad_date(), st.dates(*_run_span()).map(lambda d: d.isoformat())),
            "--artifact": (bad_artifact, st.just(str(BASELINE_PATH))),
        },
        "sensitivity": {
            "--scenario": (bad_scenario, good_scenario),
            "--output": (bad_choice(OUTPUTS), st.sampled_from(OUTPUTS)),
            "--region": (bad_choice(REGIONS), st.sampled_from(REGIONS)),
            "--date": (bad_date(), st.dates(*_run_span()).map(lambda d: d.isoformat())),
            "--every": (bad_number(1, 84), st.integers(1, 84).map(str)),
            "--n": (bad_number(2, 512, True), st.sampled_from(["2", "8", "256", "512"])),
            "--seed": (bad_number(0, 2**32 - 1), st.integers(0, 2**32 - 1).map(str)),
            "--artifact": (bad_artifact, st.just(str(BASELINE_PATH))),
        },
        "calibrate": {
            "--out": (bad_output_path(place), good_out),
            "--seed": (bad_number(0, 2**32 - 1), st.integers(0, 2**32 - 1).map(str)),
            "--config": (
                bad_input_path(place, str(place / "bad.toml"), str(place / "deep_table.toml")),
                st.just(str(CONFIG_PATH)),
            ),
            "--data": (bad_input_path(place, str(place / "bad.toml")), st.just(DATA)),
            "--as-of": (
                st.one_of(TEXT.filter(lambda v: not _iso_date(v)), st.just("2012-01-01")),
                st.sampled_from(VINTAGES),
            ),
        },
        "forecast-skill": {
            "--vintage": (bad_choice(VINTAGES), st.sampled_from(VINTAGES)),
            "--out": (bad_output_path(place), good_table),
        },
        "validate": {"SCENARIO": (bad_scenario, good_scenario)},
        "app": {"--artifact": (bad_artifact, None)},
    }


def _run_span() -> tuple:
    import datetime as dt

    return dt.date(2012, 1, 1), dt.date(2018, 12, 31)


COMMANDS = ["run", "compare", "explain", "sensitivity", "calibrate", "forecast-skill", "validate"]
EXAMPLES = 36
"""Random command lines per command (COMMANDS x EXAMPLES of them in all, plus `app`)."""


def _command_line(data: st.DataObject, table: dict[str, tuple], command: str) -> tuple:
    """One command line: a bad value for one option, good values for some of the others."""
    bad_option = data.draw(st.sampled_from(sorted(table)), label="bad option")
    bad_value = data.draw(table[bad_option][0], label="bad value")
    args, positional = [command], []
    for option, (_, good) in sorted(table.items()):
        if option == bad_option or good is None or not data.draw(st.booleans()):
            continue
        value = data.draw(good)
        if option == "SCENARIO":
            positional.append(value)
        else:
            args += [option, value]
    if bad_option == "SCENARIO":
        positional.insert(data.draw(st.integers(0, len(positional))), bad_value)
    else:
        args += [bad_option, bad_value]
    if command == "explain":
        positional = [*positional, SCENARIO, OTHER][:2]
    elif command in ("run",):
        positional = positional[:1]
    elif command in ("compare", "validate") and not positional:
        positional = [SCENARIO]
    return [*args, "--", *positional] if positional else args, bad_option, bad_value


@pytest.mark.parametrize("command", COMMANDS)
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_random_bad_values_are_refused_before_any_work(place, corrupt, command, data):
    table = option_table(place, corrupt)[command]
    args, option, value = _command_line(data, table, command)
    code, out, err = call(args, cwd=place)
    if command == "validate":  # every file is checked: a bad one is a finding (exit 1)
        assert code == 1 and err == "" and "Traceback" not in out, (args, code, err)
        return
    refused((code, out, err))
    if option.startswith("--"):  # the message names the option, or the file it named
        assert option in err or value in err, (args, err)


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None)
@given(data=st.data())
def test_app_refuses_a_bad_artifact_before_starting(place, corrupt, data):
    value = data.draw(option_table(place, corrupt)["app"]["--artifact"][0])
    refused(call(["app", "--artifact", value], cwd=place), "--artifact")


# ------------------------------------------------------------------ by hand: bullet 1


ACCEPTED = {
    "--region total": ["--region", "total"],
    "--region france": ["--region", "france"],
    "--date first day": ["--date", "2012-01-01"],
    "--date last day": ["--date", "2018-12-31"],
}

BAD_VALUES = {
    "--region": ["mars", "TOTAL", "France", "", " total", "total\n"],
    "--date": [
        "2011-12-31",
        "2019-01-01",
        "2016-02-30",
        "2016-6-30",
        "yesterday",
        "",
        "9999-01-01",
    ],
    "--outcome": ["bogus", "IN_THEATRE", ""],
}


@pytest.mark.parametrize("command", ["explain", "sensitivity"])
@pytest.mark.parametrize(
    "option,value", [(o, v) for o, values in BAD_VALUES.items() for v in values]
)
def test_explain_and_sensitivity_refuse_bad_values(command, option, value):
    if command == "sensitivity" and option == "--outcome":
        option = "--output"
    head = ["explain", SCENARIO, OTHER] if command == "explain" else ["sensitivity"]
    err = refused(call([*head, option, value]), f"ffsim: error: {option} ")
    if option == "--region":
        assert err.rstrip().endswith(f"allowed one of {', '.join(REGIONS)}")
    if option == "--date":
        assert "allowed a date YYYY-MM-DD from 2012-01-01 to 2018-12-31" in err


@pytest.mark.parametrize("command", ["explain", "sensitivity"])
@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_explain_and_sensitivity_accept_the_edges(command, case):
    head = ["explain", SCENARIO, OTHER] if command == "explain" else ["sensitivity"]
    accepted(call([*head, *ACCEPTED[case]]))


SENSITIVITY = {
    "--every": (["0", "-1", "1000", "85", "1.5", "x", "", "12 months"], ["1", "84", " 12 "]),
    "--n": (["0", "1", "3", "100", "1024", "-2", "x", "2.0", "4096"], ["2", "512"]),
    "--seed": (["-1", str(2**32), "x", "1e3", "0.5"], ["0", str(2**32 - 1)]),
}


@pytest.mark.parametrize(
    "option,value", [(o, v) for o, (bad, _) in SENSITIVITY.items() for v in bad]
)
def test_sensitivity_refuses_numbers_out_of_range(option, value):
    err = refused(call(["sensitivity", option, value]), f"{option} ")
    allowed = {
        "--every": "allowed a whole number from 1 to 84 (the run's months)",
        "--n": "allowed a power of two from 2 to 512 (for 50 parameters over 84 months)",
        "--seed": "allowed a whole number from 0 to 4294967295",
    }[option]
    assert err.rstrip().endswith(allowed)


@pytest.mark.parametrize(
    "option,value", [(o, v) for o, (_, good) in SENSITIVITY.items() for v in good]
)
def test_sensitivity_accepts_numbers_in_range(option, value):
    accepted(call(["sensitivity", option, value]))


def test_the_range_of_every_and_date_follows_the_scenario(place):
    short = place / "short.toml"
    short.write_text('name = "short"\n[settings]\nend = "2012-06"\n')
    refused(call(["sensitivity", "--scenario", str(short), "--every", "7"]), "from 1 to 6")
    refused(call(["sensitivity", "--scenario", str(short), "--date", "2012-07-01"]), "2012-06-30")
    refused(call(["explain", str(short), SCENARIO, "--date", "2013-01-01"]), "A's run")
    long = place / "long.toml"
    long.write_text('name = "long"\n[settings]\nend = "2040-12"\n')
    refused(call(["sensitivity", "--scenario", str(long), "--n", "1024"]), "from 2 to 128")


@pytest.mark.parametrize("value", ["0", "-1", str(STORED_DRAWS + 1), "x", "2.5", "", "1e2"])
@pytest.mark.parametrize("command", ["run", "compare"])
def test_draws_out_of_range_are_refused(command, value, place):
    args = [command, "--draws", value] + ([SCENARIO] if command == "compare" else [])
    refused(call(args), f"--draws {value if value else repr(value)}: allowed a whole number")


def test_argparse_errors_are_one_line_and_exit_2():
    for args in (
        ["fly"],
        [],
        ["run", "--bogus"],
        ["explain", SCENARIO],
        ["sensitivity", "--every"],
        ["compare"],
        ["validate"],
        ["run", "a.toml", "b.toml"],
    ):
        refused(call(args))


def test_help_and_version_exit_0():
    for args in (["--help"], ["--version"], ["run", "--help"], ["sensitivity", "-h"]):
        assert call(args)[0] == 0


# ------------------------------------------------------------------ by hand: every --out


OUT_COMMANDS = {
    "run": ["run"],
    "compare": ["compare", SCENARIO],
    "forecast-skill": ["forecast-skill"],
    "calibrate": ["calibrate"],
}


def _bad_outs(place: Path) -> dict[str, tuple[str, str]]:
    return {
        "directory": (str(place / "dir.csv"), "is a directory"),
        "cwd": (".", "names a directory"),
        "trailing_slash": (str(place / "new.csv") + "/", "names a directory"),
        "dev_full": ("/dev/full", "is under /dev"),
        "dev_null": ("/dev/null", "is under /dev"),
        "proc": ("/proc/self/status", "is under /proc"),
        "proc_new": ("/proc/x.csv", "is under /proc"),
        "sys": ("/sys/x.csv", "is under /sys"),
        "empty": ("", "a file name is needed"),
        "blank": ("  ", "a file name is needed"),
        "no_dir": (str(place / "no" / "such" / "x.csv"), "does not exist"),
        "parent_is_file": (str(place / "good.toml" / "x.csv"), "Not a directory"),
        "fifo": (str(place / "fifo"), "not a regular file"),
        "nul": ("x\x00.csv", "NUL"),
    }


CASES_OUT = [
    "directory",
    "cwd",
    "trailing_slash",
    "dev_full",
    "dev_null",
    "proc",
    "proc_new",
    "sys",
    "empty",
    "blank",
    "no_dir",
    "parent_is_file",
    "fifo",
    "nul",
]


@pytest.mark.parametrize("command", sorted(OUT_COMMANDS))
@pytest.mark.parametrize("case", CASES_OUT)
def test_every_out_is_checked_before_any_work(place, command, case):
    path, what = _bad_outs(place)[case]
    refused(call([*OUT_COMMANDS[command], "--out", path], cwd=place), "--out ", what)


def test_calibrate_out_a_directory_fails_before_the_calibration(place):
    refused(call(["calibrate", "--out", str(place)]), "is a directory")
    refused(call(["calibrate", "--as-of", "2016-06-26", "--out", ""]), "a file name is needed")


def test_an_out_naming_an_input_is_refused_before_it_is_overwritten(place, tmp_path):
    """Found by the fresh attack: ``run s.toml --out s.toml`` replaced the scenario by CSV."""
    mine = tmp_path / "mine.toml"
    mine.write_text((place / "good.toml").read_text())
    art = tmp_path / "a.json"
    art.write_text(BASELINE_PATH.read_text())
    link = tmp_path / "link.toml"
    link.symlink_to(mine)
    for args in (
        ["run", str(mine), "--out", str(mine)],
        ["run", str(mine), "--out", str(link)],  # the same file by another name
        ["compare", SCENARIO, str(mine), "--draws", "2", "--out", str(mine)],
        ["run", "--artifact", str(art), "--out", str(art)],
        ["export", "--xmile", str(mine), str(mine)],
        ["calibrate", "--config", str(mine), "--out", str(mine)],
        ["run", "--artifact", str(art), "--out", str(art)[: -len(".json")]],  # the sidecar
    ):
        refused(call(args), "which ffsim reads")
    assert mine.read_text() == (place / "good.toml").read_text()
    assert art.read_text() == BASELINE_PATH.read_text()


def test_run_out_checks_the_sidecar_too(place):
    (place / "side.csv.json").mkdir(exist_ok=True)
    refused(call(["run", "--out", str(place / "side.csv")]), "provenance sidecar")


# ------------------------------------------------------------------ by hand: corrupt artifacts


ARTIFACT_COMMANDS = {
    "run": ["run"],
    "run_draws": ["run", "--draws", "3", "--out", "{place}/bands.csv"],
    "compare": ["compare", SCENARIO, "--draws", "3"],
    "explain": ["explain", SCENARIO, OTHER],
    "sensitivity": ["sensitivity", "--n", "2"],
    "app": ["app"],
}


@pytest.mark.parametrize("command", sorted(ARTIFACT_COMMANDS))
def test_a_corrupt_artifact_is_refused_by_every_command(place, corrupt, command):
    head = [a.replace("{place}", str(place)) for a in ARTIFACT_COMMANDS[command]]
    for name, path in corrupt.items():
        err = refused(call([*head, "--artifact", str(path)]), "--artifact ")
        assert str(path) in err, name


def test_a_corrupt_shipped_artifact_is_refused_by_every_command(corrupt, place):
    for path in corrupt.values():
        for args in (["validate", SCENARIO], ["run"], ["compare", SCENARIO], ["sensitivity"]):
            refused(call(args, artifact=path), path.name)


def test_forecast_skill_refuses_a_corrupt_vintage(corrupt, monkeypatch):
    import ffsim.calibration.forecast as forecast

    for path in corrupt.values():
        monkeypatch.setattr(forecast, "vintage_path", lambda date, obs, path=path: path)
        refused(call(["forecast-skill"], work=True), path.name)


def test_calibrate_check_refuses_a_corrupt_artifact_or_reports_the_mismatch(
    place, corrupt, monkeypatch
):
    import ffsim.cli.calibrate_command as calibrate_cli

    shipped = json.loads(BASELINE_PATH.read_text())
    monkeypatch.setattr(calibrate_cli, "run_calibration", lambda *a, **k: copy.deepcopy(shipped))
    monkeypatch.setattr(calibrate_cli, "fit_table", lambda artifact: "(fit table)")
    codes = {}
    for name, path in corrupt.items():
        code, out, err = call(["calibrate", "--check", "--out", str(path)], work=True)
        assert "Traceback" not in out + err, (name, err)
        if code == 1:  # the check ran: a corrupt part is a difference
            assert err == "" and "MISMATCH" in out, name
        else:
            refused((code, out, err), f"--out {path}")
        codes[name] = code
    checked_first = (
        "truncated",
        "nan_sample",
        "no_draws",
        "best_fit_nan",
        "best_fit_string",
        "best_fit_missing",  # the second attack run: these ran the calibration first
        "best_fit_region_missing",
        "best_fit_number_as_text",
        "format_unknown",
        "no_format",
    )
    assert {codes[name] for name in checked_first} == {2}  # before the calibration runs


# ------------------------------------------------------------------ by hand: validate many files


def test_validate_reports_every_file_and_goes_on_after_any_error(place):
    hostile = ("deep_array", "fifo", "missing", "bad", "deep_table", "binary", "on_fifo")
    files = [
        str(place / "good.toml"),
        *_names(place, *(f"{name}.toml" for name in hostile), "dir.csv"),
        "/dev/zero",
        "",
        SCENARIO,
    ]
    code, out, err = call(["validate", *files])
    assert code == 1 and err == "" and "Traceback" not in out
    lines = out.splitlines()
    assert lines[0].startswith(f"ok: {place / 'good.toml'}")
    assert lines[1].startswith(f"ok: {SCENARIO}")
    for name in files[1:-1]:
        assert any(name and name in line for line in lines[2:]) or name == "", name
    assert "file '': a file name is needed" in out


# ------------------------------------------------------------------ by hand: FIFOs everywhere


def _fifo_lines(place: Path) -> dict[str, list[str]]:
    fifo, toml = str(place / "fifo"), str(place / "fifo.toml")
    on_fifo = str(place / "on_fifo.toml")
    return {
        "run scenario": ["run", toml],
        "run base": ["run", on_fifo],
        "run out": ["run", "--out", fifo],
        "run artifact": ["run", "--artifact", fifo],
        "compare scenario": ["compare", SCENARIO, toml],
        "compare out": ["compare", SCENARIO, "--out", fifo],
        "explain a": ["explain", toml, SCENARIO],
        "explain b": ["explain", SCENARIO, on_fifo],
        "sensitivity": ["sensitivity", "--scenario", toml],
        "sensitivity artifact": ["sensitivity", "--artifact", fifo],
        "calibrate config": ["calibrate", "--config", fifo],
        "calibrate data": ["calibrate", "--data", fifo],
        "calibrate out": ["calibrate", "--out", fifo],
        "calibrate check": ["calibrate", "--check", "--out", fifo],
        "forecast out": ["forecast-skill", "--out", fifo],
        "app artifact": ["app", "--artifact", fifo],
    }


@pytest.mark.parametrize("case", sorted(_fifo_lines(Path("."))))
def test_a_fifo_never_hangs_a_command(place, case):
    refused(call(_fifo_lines(place)[case]))


@pytest.mark.parametrize(
    "args",
    [["run", "{place}/on_fifo.toml"], ["validate", "{place}/fifo.toml", SCENARIO]],
    ids=["run base", "validate"],
)
def test_a_fifo_never_hangs_the_installed_command(place, args):
    args = [a.replace("{place}", str(place)) for a in args]
    proc = subprocess.run(
        [sys.executable, "-m", "ffsim", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in proc.stderr + proc.stdout
    if args[0] == "validate":
        assert proc.returncode == 1 and "fifo.toml" in proc.stdout and "ok: " in proc.stdout
    else:
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1


# ------------------------------------------------------------------ by hand: file names


@pytest.mark.parametrize(
    "args",
    [
        ["run", ""],
        ["run", "--artifact", ""],
        ["compare", ""],
        ["explain", "", SCENARIO],
        ["sensitivity", "--scenario", " "],
        ["calibrate", "--config", ""],
        ["calibrate", "--data", ""],
        ["calibrate", "--check", "--out", ""],
        ["app", "--artifact", ""],
    ],
)
def test_an_empty_file_name_is_refused(args):
    refused(call(args), "a file name is needed")


def test_compare_keeps_the_ensemble_within_memory():
    many = [SCENARIO] * 150  # 150 scenarios x (draws + 1) runs x 84 months
    refused(call(["compare", *many, "--draws", "200"]), "for 150 scenarios of 84 months")
    accepted(call(["compare", *many, "--draws", "190"]))
    accepted(call(["compare", *many]))  # the default draws shrink to fit


def test_a_full_standard_output_is_one_line_not_a_traceback():
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "ffsim", "validate", SCENARIO],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr == "ffsim: error: cannot write the output: No space left on device\n"
