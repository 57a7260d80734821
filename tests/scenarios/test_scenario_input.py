"""Every way a scenario arrives is checked the same way, and nothing a user gives crashes it.

Hand-written cases for each rule (strict types, settings, reading, nesting, the byte-order mark,
the writer, driver knots, messages), then hypothesis-generated malformed input: each gives a
valid scenario or an InputError / a list of clean problems, never another exception or a hang.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import string
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import given
from pydantic import ValidationError

from ffsim.core import files
from ffsim.core.drivers import DEFAULT_DRIVERS
from ffsim.core.errors import InputError
from ffsim.core.files import read_capped, read_input_text
from ffsim.core.parameters import PARAMETER_SPECS
from ffsim.core.simulate import MAX_STEPS, Settings
from ffsim.core.toml_text import MAX_NESTING, loads_toml, nesting_depth
from ffsim.scenarios.levers import LEVER_SPECS
from ffsim.scenarios.scenario import (
    MAX_SCENARIO_BYTES,
    SCENARIO_DIR,
    Scenario,
    apply_changes,
    baseline_scenario,
    check_scenario_file,
    check_scenario_text,
    load_scenario,
    parse_scenario,
    read_scenario_text,
    scenario_text_from_bytes,
)
from ffsim.scenarios.scenario_io import scenario_to_toml

SHIPPED = sorted(SCENARIO_DIR.glob("*.toml"))


def problems_of(text: str) -> list[str]:
    scenario, problems = check_scenario_text(text, "s.toml")
    assert (scenario is None) == bool(problems)
    return problems


def one_problem(text: str) -> str:
    problems = problems_of(text)
    assert len(problems) == 1, problems
    return problems[0]


# --- 1. strict types -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "field", "shown", "allowed"),
    [
        ("border_closure_shift = true", "levers.border_closure_shift", "true", "whole number"),
        ('border_closure_shift = "12"', "levers.border_closure_shift", '"12"', "[-36, 36] months"),
        ("border_closure_shift = 2.9", "levers.border_closure_shift", "2.9", "whole number"),
        ("air_campaign_strength = nan", "levers.air_campaign_strength", "nan", "finite"),
        ("air_campaign_strength = inf", "levers.air_campaign_strength", "inf", "finite"),
        ("air_campaign_strength = -inf", "levers.air_campaign_strength", "-inf", "finite"),
        ("air_campaign_strength = 1e400", "levers.air_campaign_strength", "inf", "[0, 1]"),
        ("counter_messaging = false", "levers.counter_messaging", "false", "[0, 1]"),
        ("prevention_strength = [1]", "levers.prevention_strength", "[1]", "[0, 2]"),
        ("prevention_strength = 2020-01-01", "levers.prevention_strength", "2020", "[0, 2]"),
        (f"prevention_shift = {'9' * 400}", "levers.prevention_shift", "digits", "36"),
        (f"counter_messaging = {'9' * 400}", "levers.counter_messaging", "digits", "[0, 1]"),
    ],
)
def test_levers_take_numbers_only(line, field, shown, allowed):
    problem = one_problem(f'name = "x"\n[levers]\n{line}\n')
    assert problem.startswith("s.toml: ") and field in problem
    assert shown in problem and allowed in problem


@pytest.mark.parametrize(
    ("lines", "field", "shown"),
    [
        ("transit_time = true", "parameters.transit_time", "true"),
        ('transit_time = "1.0"', "parameters.transit_time", '"1.0"'),
        ("transit_time = nan", "parameters.transit_time", "nan"),
        ("radicalisation_rate = 5", "parameters.radicalisation_rate", "table of regions"),
        ("radicalisation_rate = { france = true }", "radicalisation_rate.france", "true"),
        ('"radicalisation_rate.france" = "3"', "radicalisation_rate.france", '"3"'),
        ("radicalisation_rate = { france = inf }", "radicalisation_rate.france", "inf"),
    ],
)
def test_parameters_take_numbers_only(lines, field, shown):
    problem = one_problem(f'name = "x"\n[parameters]\n{lines}\n')
    assert field in problem and shown in problem and "allowed" in problem


WRONG_NUMBERS = {  # as written in the file: as the message shows it
    "true": "true",
    "false": "false",
    '"12"': '"12"',
    '"0.5"': '"0.5"',
    "nan": "nan",
    "inf": "inf",
    "-inf": "-inf",
    "1e400": "inf",
    "[1]": "[1]",
    "{ a = 1 }": "{'a': 1}",
    "2014-01-01": "2014-01-01",
}
NUMBER_FIELDS = [
    *(("levers", n) for n in LEVER_SPECS),
    *(
        ("parameters", s.name)
        for s in PARAMETER_SPECS
        if not s.regional and s.name not in LEVER_SPECS
    ),
    *(("parameters", f"{s.name}.france") for s in PARAMETER_SPECS if s.regional),
    ("settings", "dt"),
]


@pytest.mark.parametrize(("section", "field"), NUMBER_FIELDS, ids=lambda x: str(x))
def test_every_number_field_refuses_every_non_number(section, field):
    for wrong, shown in WRONG_NUMBERS.items():
        text = f'name = "x"\n[{section}]\n"{field}" = {wrong}\n'
        problem = one_problem(text)
        assert f"{section}.{field} = {shown}: " in problem, problem
        assert "allowed" in problem or "must be" in problem, problem


@pytest.mark.parametrize("field", ["start", "end"])
def test_months_must_be_text(field):
    for wrong in ("2012", "2012.5", "true", "[2012]", "2012-01-01", '"2012-1"', '"12-2012"'):
        problem = one_problem(f'name = "x"\n[settings]\n{field} = {wrong}\n')
        assert f"settings.{field}" in problem, problem


def test_whole_month_levers_accept_whole_floats_and_refuse_fractions():
    assert parse_scenario('name = "x"\n[levers]\nborder_closure_shift = 12.0\n').levers == (
        parse_scenario('name = "x"\n[levers]\nborder_closure_shift = 12\n').levers
    )
    with pytest.raises(InputError, match="must be a whole number"):
        parse_scenario('name = "x"\n[levers]\nprevention_shift = -0.5\n')


def test_a_regional_number_and_its_region_together_are_refused():
    # A share link once crashed on ?param.radicalisation_rate=5&param.radicalisation_rate.france=3
    with pytest.raises(InputError, match="a regional parameter"):
        apply_changes(
            baseline_scenario(),
            {"parameters": {"radicalisation_rate": 5, "radicalisation_rate.france": 3}},
        )


def test_changes_from_a_link_or_a_saved_entry_take_the_path_of_a_file():
    base = load_scenario(SCENARIO_DIR / "border_closed_year_earlier.toml")
    changed = apply_changes(base, {"levers": {"prevention_shift": -12}})
    assert changed.name == base.name and changed.levers.border_closure_shift == -12
    assert (
        changed.content_hash() == load_scenario(SCENARIO_DIR / "early_response.toml").content_hash()
    )
    for bad in (
        {"levers": {"border_closure_shift": float("nan")}},
        {"levers": {"x": 1}},
        {"y": {}},
    ):
        with pytest.raises(InputError):
            apply_changes(base, bad)


# --- 2. settings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('start = "2012-13"', "month 13"),
        ('start = "2012-00"', "month 00"),
        ('end = "2018-99"', "month 99"),
        ('start = "9999-01"', "2000-01 to 2040-12"),
        ('start = "1999-12"', "2000-01 to 2040-12"),
        ('end = "2041-01"', "2000-01 to 2040-12"),
        ('end = "2011-12"', "is before start"),
        ("end = 2018", '"YYYY-MM"'),
        ("start = 2012-01-01", '"YYYY-MM"'),
        ('start = "2012-1"', "YYYY-MM in ASCII digits"),
        ("dt = 1e-6", "1/128"),
        ("dt = 0.3", "1/n of a month"),
        ("dt = true", "true/false is not a number"),
        ('dt = "0.25"', "text is not a number"),
        ("dt = nan", "finite"),
        ("dt = 0", "greater than 0"),
        ("dt = 2", "less than or equal to 1"),
        ('start = "2000-01"\nend = "2040-12"\ndt = 0.03125', f"at most {MAX_STEPS}"),
    ],
)
def test_settings_are_real_months_a_bounded_span_and_step(line, expected):
    problem = one_problem(f'name = "x"\n[settings]\n{line}\n')
    assert "settings" in problem and expected in problem, problem


def test_settings_at_their_bounds_are_accepted():
    for kwargs in (
        {"start": "2000-01", "end": "2040-12", "dt": 1 / 16},
        {"start": "2012-01", "end": "2012-01", "dt": 1.0},
        {"dt": 1 / 128},
    ):
        s = Settings(**kwargs)
        assert s.n_months * s.steps_per_month <= MAX_STEPS
    with pytest.raises(ValidationError):
        Settings(dt=1 / 256)


# --- 3. reading: special files, size from the stream, nesting ---------------------------------


def _fifo(tmp_path: Path, name: str = "fifo.toml") -> Path:
    path = tmp_path / name
    os.mkfifo(path)
    return path


def _returns_quickly(fn: Any, seconds: float = 5.0) -> Any:
    """Run ``fn`` in a thread; fail (instead of hanging the suite) if it blocks."""
    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:  # handed back to the test
            out["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    start = time.monotonic()
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked"
    assert time.monotonic() - start < seconds
    if "error" in out:
        raise out["error"]
    return out["value"]


def test_a_fifo_is_refused_at_once_as_a_file_and_as_a_base(tmp_path):
    fifo = _fifo(tmp_path)
    scenario, problems = _returns_quickly(lambda: check_scenario_file(fifo))
    assert scenario is None and "is not a regular file" in problems[0]
    _fifo(tmp_path, "parent.toml")
    (tmp_path / "child.toml").write_text('name = "c"\nbase = "parent"\n')
    scenario, problems = _returns_quickly(lambda: check_scenario_file(tmp_path / "child.toml"))
    assert (
        scenario is None and "base 'parent'" in problems[0] and "not a regular file" in problems[0]
    )
    with pytest.raises(InputError, match="not a regular file"):
        _returns_quickly(lambda: read_input_text("--config", fifo))


def test_device_and_kernel_files_are_never_read():
    for path in ("/dev/zero", "/dev/urandom", "/proc/self/status"):
        scenario, problems = _returns_quickly(lambda p=path: check_scenario_file(p))
        assert scenario is None and "kernel and device files" in problems[0]


def test_a_directory_and_a_missing_file_are_refused(tmp_path):
    assert "is a directory" in check_scenario_file(tmp_path)[1][0]
    assert "does not exist" in check_scenario_file(tmp_path / "nope.toml")[1][0]


def test_the_size_is_counted_while_reading_not_taken_from_stat(tmp_path, monkeypatch):
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * (MAX_SCENARIO_BYTES + 10))
    real_stat = os.stat

    def lying_stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        info = real_stat(path, *args, **kwargs)
        fields = list(info)
        fields[6] = 0  # st_size, as /proc files and growing files report it
        return os.stat_result(fields)

    monkeypatch.setattr(files.os, "stat", lying_stat)
    with pytest.raises(InputError, match="holds more than 1000000 bytes"):
        read_scenario_text(big)
    reads: list[int] = []
    real_read = os.read
    monkeypatch.setattr(files.os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    with pytest.raises(InputError):
        read_capped("x", big, 1000)
    assert sum(reads) <= 1001


def test_uploads_take_the_same_checks():
    assert scenario_text_from_bytes(b'\xef\xbb\xbfname = "x"\n', "up.toml") == 'name = "x"\n'
    for data, expected in (
        (b"x" * (MAX_SCENARIO_BYTES + 1), "at most 1000000 (1 MB) allowed"),
        (b"\xff\xfe", "not a UTF-8 text file"),
        (b'name = "x\x00"', "NUL"),
    ):
        with pytest.raises(InputError, match=re.escape(expected)):
            scenario_text_from_bytes(data, "up.toml")


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 100_000,
        "a = " + "[" * 50 + "]" * 50,
        "a = " + "{b = " * 50 + "1" + "}" * 50,
        "[" + "a." * 5_000 + "b]\nc = 1\n",
        "a." * 5_000 + "b = 1\n",
        'name = "x"\n[levers]\n' + "border_closure_shift = " + "[" * 2_000,
    ],
    ids=["open brackets", "arrays", "inline tables", "table header", "dotted key", "lever"],
)
def test_deep_nesting_is_a_clean_error(text):
    problem = one_problem(text)
    assert "nests tables and arrays too deep" in problem or "not valid TOML" in problem


def test_nesting_is_counted_outside_strings_and_comments():
    assert nesting_depth('a = "[[[[[[[[[[[[[[["  # {{{{{{{{{{{{{\nb = [[1]]') == 2
    assert nesting_depth("a = '''\n[[[[[[[[[[[[[[\n'''\nb = [{c = 1}]") == 2
    assert nesting_depth('a = """x\\"""[[[[[[[[[[[[[["""') == 0
    nested = "a = " + "[" * MAX_NESTING + "]" * MAX_NESTING
    assert len(loads_toml(nested, "t")) == 1
    with pytest.raises(InputError):
        loads_toml("a = " + "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1), "t")


def test_a_number_too_long_for_python_is_a_clean_error():
    assert "a number too long to read" in one_problem(f'name = "x"\na = {"9" * 5000}\n')


# --- 4. the byte-order mark ------------------------------------------------------------------


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + (SCENARIO_DIR / "no_air_campaign.toml").read_bytes())
    assert (
        load_scenario(path).content_hash()
        == load_scenario(SCENARIO_DIR / "no_air_campaign.toml").content_hash()
    )
    assert parse_scenario('\ufeffname = "x"\n').name == "x"


# --- 5. the writer round-trips every string --------------------------------------------------

AWKWARD = [
    "U+007F \x7f",
    "\x01 control",
    "lone\rCR",
    "CRLF\r\nline",
    'quotes " and \'\'\' and """',
    "back\\slash \\n \\u0041",
    "unicode é ñ 中文 🙂 \u2028 \u200b",
    "NUL \x00 inside",
    "  spaces around  ",
    "# not a comment",
    "[levers]\nborder_closure_shift = 36",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_awkward_names_and_descriptions_round_trip(text):
    s = replace(baseline_scenario(), name=text, description=text, motivation=text)
    again = parse_scenario(scenario_to_toml(s))
    assert (again.name, again.description, again.motivation) == (text, text, text)
    assert again.content_hash() == s.content_hash()


@given(
    name=st.text(min_size=1).filter(str.strip),
    description=st.text(),
    path=st.sampled_from(SHIPPED),
)
def test_any_name_and_description_round_trip(name, description, path):
    s = replace(load_scenario(path), name=name, description=description)
    again = parse_scenario(scenario_to_toml(s))
    assert again.name == name
    assert again.description == (description if description.strip() else "")
    assert again.content_hash() == s.content_hash()


def test_a_scenario_without_description_writes_valid_toml():
    s = parse_scenario('name = "bare"\n[settings]\nend = "2015-06"\ndt = 0.125\n')
    again = parse_scenario(scenario_to_toml(s))
    assert again.description == "" and again.settings == s.settings


# --- 6. driver knots closer than one step ----------------------------------------------------


def _knots(*dates: str) -> str:
    knots = ", ".join(f'{{ date = "{d}", value = {0.1 * i:.1f} }}' for i, d in enumerate(dates))
    return f"border_closure = [{knots}]"


def test_knots_closer_than_one_step_are_refused_naming_the_driver_and_dates():
    text = f'name = "x"\n[drivers]\n{_knots("2014-01-01", "2014-01-05", "2015-01-01")}\n'
    problem = one_problem(text)
    assert "drivers.border_closure" in problem and "2014-01-01 and 2014-01-05" in problem
    assert "settings.dt = 0.25" in problem
    assert not problems_of(text + "[settings]\ndt = 0.125\n")  # four days is over 1/8 month


def test_knots_the_levers_move_closer_than_a_step_are_refused():
    # Jan 30 and Feb 7 are 0.28 month apart; a month later (Feb 28, clamped, and Mar 7), 0.23.
    text = f'name = "x"\n[drivers]\n{_knots("2014-01-30", "2014-02-07")}\n'
    assert not problems_of(text)
    problem = one_problem(text + "[levers]\nborder_closure_shift = 1\n")
    assert "after the levers" in problem and "2014-02-28 and 2014-03-07" in problem


def test_knots_a_timing_lever_could_move_out_of_range_are_refused_whatever_the_lever():
    """Found by the fresh attack: a knot near the date limits passed, then a slider, a link
    or the tornado moved it out and crashed. Every timing lever value must stay valid."""
    for date, shift in (("2100-12-01", 36), ("2098-01-01", 0), ("1902-12-31", 0)):
        for driver, lever in (
            ("border_closure", "border_closure_shift"),
            ("prevention", "prevention_shift"),
        ):
            text = f'name = "x"\n[drivers]\n{driver} = [{{ date = {date}, value = 0.5 }}]\n'
            problem = one_problem(text + f"[levers]\n{lever} = {shift}\n")
            assert f"drivers.{driver}[0].date = {date}" in problem, problem
            assert "allowed: 1903-01-01 to 2097-12-31" in problem
    for date in ("1903-01-01", "2097-12-31"):  # the edges of what is allowed
        text = f'name = "x"\n[drivers]\nborder_closure = [{{ date = {date}, value = 0.5 }}]\n'
        for shift in (-36, 36):
            scenario, problems = check_scenario_text(
                text + f"[levers]\nborder_closure_shift = {shift}\n"
            )
            assert scenario is not None and not problems, problems


def test_knot_dates_and_values_are_typed_strictly():
    for knot, expected in (
        ('{ date = "2014-01-01", value = true }', "true is not a number"),
        ('{ date = "2014-01-01", value = "0.5" }', '"0.5" is not a number'),
        ("{ date = 0, value = 0.5 }", "0 is not a date"),
        ('{ date = "9999-12-31", value = 0.5 }', "1900-01-01 to 2100-12-31"),
        ('{ date = "2014-01-01", value = nan }', "finite"),
    ):
        problem = one_problem(f'name = "x"\n[drivers]\npay = [{knot}]\n')
        assert "drivers.pay.knots.0" in problem and expected in problem, problem


def test_shipped_scenarios_and_default_drivers_pass():
    for path in SHIPPED:
        assert check_scenario_file(path)[1] == []
    assert baseline_scenario().raw_drivers == DEFAULT_DRIVERS


# --- 8. generated malformed input -------------------------------------------------------------

SCALARS = st.one_of(
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(),
    st.text(max_size=20),
    st.dates(),
    st.none(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = {
    "levers": sorted(LEVER_SPECS),
    "parameters": [s.name for s in PARAMETER_SPECS] + ["radicalisation_rate.france", "nope"],
    "settings": ["start", "end", "dt", "nope"],
    "drivers": [name for name, _ in DEFAULT_DRIVERS],
}


def _toml_value(v: Any) -> str:
    """A TOML-ish rendering, valid or not: both must be handled."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f'"{k}" = {_toml_value(x)}' for k, x in v.items()) + "}"
    if v is None:
        return ""
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(str(v), repr(v))
    return str(v)


@st.composite
def changes(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for section, names in FIELDS.items():
        chosen = draw(st.lists(st.sampled_from(names), max_size=3, unique=True))
        out[section] = {n: draw(VALUES) for n in chosen}
    return {k: v for k, v in out.items() if v}


def _clean(problems: list[str]) -> None:
    assert problems and all(isinstance(p, str) and p for p in problems)
    assert not any("Traceback" in p for p in problems)


SCALAR_PARAMETERS = {s.name for s in PARAMETER_SPECS if not s.regional}


def _sound(scenario: Scenario, tables: dict[str, dict[str, Any]] | None = None) -> None:
    """A scenario that came back is a usable one: its content hash is a SHA-256, it writes a
    file that reads back to the same content, every value lies within its stated bounds, and
    the levers and parameters it was given (``tables``, when known) hold the given values.
    """
    assert isinstance(scenario, Scenario)
    assert re.fullmatch(r"[0-9a-f]{64}", scenario.content_hash())
    again = parse_scenario(scenario_to_toml(scenario))
    assert again.content_hash() == scenario.content_hash()
    for name, spec in LEVER_SPECS.items():
        assert spec.lower <= getattr(scenario.levers, name) <= spec.upper, name
    params = scenario.parameters.model_dump()
    for spec in PARAMETER_SPECS:
        values = params[spec.name].values() if spec.regional else [params[spec.name]]
        assert all(spec.lower <= v <= spec.upper for v in values), spec.name
    for name, series in scenario.drivers:
        assert all(series.lower <= k.value <= series.upper for k in series.knots), name
    assert scenario.settings.start < scenario.settings.end
    if tables is None:
        return
    for name, value in tables.get("levers", {}).items():
        assert getattr(scenario.levers, name) == value, name
    for name, value in tables.get("parameters", {}).items():
        if name in SCALAR_PARAMETERS:
            assert params[name] == value, name


@given(changes())
def test_wrong_values_in_every_field_give_a_scenario_or_clean_problems(tables):
    lines = ['name = "x"']
    for section, fields in tables.items():
        lines.append(f"[{section}]")
        lines += [f'"{name}" = {_toml_value(v)}' for name, v in fields.items()]
    scenario, problems = check_scenario_text("\n".join(lines) + "\n", "g.toml")
    if scenario is None:
        _clean(problems)
    else:
        _sound(scenario, tables)
    try:
        applied = apply_changes(baseline_scenario(), tables)
    except InputError as exc:
        _clean(str(exc).splitlines())
    else:
        _sound(applied, tables)


@st.composite
def valid_changes(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    """Levers and world assumptions set to values within their bounds."""
    levers: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(sorted(LEVER_SPECS)), max_size=4, unique=True)):
        spec = LEVER_SPECS[name]
        whole = spec.unit == "months"
        value = (
            st.integers(int(spec.lower), int(spec.upper))
            if whole
            else st.floats(spec.lower, spec.upper)
        )
        levers[name] = draw(value)
    assumptions = sorted(s.name for s in PARAMETER_SPECS if s.category == "assumption")
    parameters = {
        name: draw(st.floats(SPECS[name].lower, SPECS[name].upper))
        for name in draw(st.lists(st.sampled_from(assumptions), max_size=4, unique=True))
        if name in SCALAR_PARAMETERS
    }
    return {k: v for k, v in {"levers": levers, "parameters": parameters}.items() if v}


SPECS = {s.name: s for s in PARAMETER_SPECS}


@given(valid_changes())
def test_values_within_bounds_give_a_scenario_holding_them(tables):
    lines = ['name = "x"']
    for section, fields in tables.items():
        lines.append(f"[{section}]")
        lines += [f"{name} = {_toml_value(v)}" for name, v in fields.items()]
    scenario, problems = check_scenario_text("\n".join(lines) + "\n", "v.toml")
    assert scenario is not None, problems
    _sound(scenario, tables)
    applied = apply_changes(baseline_scenario(), tables)
    _sound(applied, tables)
    assert applied.content_hash() == scenario.content_hash()


TOMLISH = st.text(alphabet=string.printable + "\ufeff\x00\x7féü[]{}=\"'#.\\", max_size=300)


@given(TOMLISH)
def test_random_toml_ish_text_gives_a_scenario_or_clean_problems(text):
    scenario, problems = check_scenario_text(text, "r.toml")
    if scenario is None:
        _clean(problems)
    else:
        _sound(scenario)


@given(
    st.lists(
        st.sampled_from(["[", "{a = ", "[[", "]", "}", "a = ", ",", "1", '"[', "\n"]), max_size=400
    )
)
def test_random_nesting_gives_a_scenario_or_clean_problems(tokens):
    text = 'name = "x"\nv = ' + "".join(tokens)
    scenario, problems = check_scenario_text(text, "n.toml")
    if scenario is None:
        _clean(problems)
    else:
        _sound(scenario)


@given(st.binary(max_size=400))
def test_random_bytes_from_a_file_or_an_upload_give_clean_problems(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bytes") / "b.toml"
    path.write_bytes(data)
    scenario, problems = check_scenario_file(path)
    if scenario is None:
        _clean(problems)
    else:
        _sound(scenario)
    try:
        uploaded, said = check_scenario_text(scenario_text_from_bytes(data, "up.toml"), "up.toml")
    except InputError as exc:
        _clean([str(exc)])
    else:
        # the same bytes give the same verdict, whether read from a file or uploaded
        assert (uploaded is None) == (scenario is None)
        if uploaded is None:
            _clean(said)
        else:
            _sound(uploaded)
            assert uploaded.content_hash() == scenario.content_hash()


@pytest.mark.parametrize("month", ["2012-0\u0661", "2012-0\uff11", "\u0662012-01", "2012-1\u00b2"])
def test_months_are_written_in_ascii_digits(month):
    """Found by the fresh attack: Arabic-Indic and full-width digits passed as months."""
    problem = one_problem(f'name = "x"\n[settings]\nstart = "{month}"\n')
    assert "settings.start" in problem and "YYYY-MM in ASCII digits" in problem
