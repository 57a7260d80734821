"""What a comparison's numbers are, said the same way by the library, ``ffsim compare`` (and its
CSV), the Compare page and docs/scenarios.md; and what a saved scenario's description says.

Reported by a new user: the "difference" printed beside two best fits was the median of the
paired differences, which is not their difference, and nothing said so; docs/scenarios.md
described a best fit outside its interval that the table did not show; and a scenario saved
with two levers changed kept the baseline's description.
"""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from ffsim.cli.main import main
from ffsim.scenarios.compare import OUTCOMES, OUTSIDE_MARK, compare, outside_note, signed
from ffsim.scenarios.saved_store import SavedStore
from ffsim.scenarios.scenario import SCENARIO_DIR, load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
IO = "model/ffsim/app/pages/scenarios_io_page.py"
REPORTED = SCENARIO_DIR / "as_reported.toml"
BORDER = SCENARIO_DIR / "border_closed_year_earlier.toml"
SCENARIOS_MD = ROOT / "docs" / "scenarios.md"


@pytest.fixture(scope="module")
def pair():
    """As reported and the border closed a year earlier, over 200 draws (the CLI's default)."""
    return compare([load_scenario(REPORTED), load_scenario(BORDER)], draws=200)


# --- 1. the difference column is the difference of the best fits, with a paired interval ------


def test_the_best_fit_difference_is_the_difference_of_the_best_fits_not_the_median(pair):
    for outcome in OUTCOMES:
        best = pair.best_difference(outcome)
        np.testing.assert_array_equal(best, pair.best[outcome] - pair.best[outcome][0])
        paired = pair.draws[outcome] - pair.draws[outcome][:1]
        np.testing.assert_allclose(
            pair.difference(outcome), np.quantile(paired, [0.05, 0.5, 0.95], axis=1).T
        )
    # What the user saw: the median of the paired differences is another number.
    assert pair.best_difference("killed")[1] != pytest.approx(pair.difference("killed")[1, 1])


def test_a_best_fit_difference_outside_its_paired_interval_is_told():
    # With as few draws, a skewed posterior puts some best-fit differences outside the interval.
    c = compare([load_scenario(REPORTED), load_scenario(BORDER)], draws=2)
    found = 0
    for outcome in OUTCOMES:
        low, _, high = c.difference(outcome).T
        best = c.best_difference(outcome)
        expected = (best < low) | (best > high)
        np.testing.assert_array_equal(c.difference_outside(outcome), expected)
        assert not c.difference_outside(outcome)[0]
        found += int(expected.sum())
    assert found > 0  # with two draws some are outside: the test has a case to see
    assert outside_note(found).startswith(f"{OUTSIDE_MARK} {found} best-fit difference")
    assert outside_note(0) == "Every best-fit difference lies inside its paired 90% interval."


def test_signed_is_whole_with_its_sign_and_zero_unsigned():
    assert [signed(x) for x in (11007.2, -1334.17, -0.4, 0.0, 2.0)] == [
        "+11,007",
        "-1,334",
        "0",
        "0",
        "+2",
    ]


def test_the_cli_prints_the_best_fit_difference_with_its_paired_interval_and_says_so(
    pair, tmp_path, capsys
):
    out_csv = tmp_path / "c.csv"
    assert main(["compare", str(REPORTED), str(BORDER), "--out", str(out_csv)]) == 0
    out = capsys.readouterr().out
    head = " ".join(out.split("\n\n")[0].split())
    assert "at the best fit (the difference of the best-fit values)" in head
    assert "taken draw by draw" in head and "paired 90% interval" in head
    for outcome in OUTCOMES:
        d = pair.difference(outcome)[1]
        unit = " months" if outcome == "peak_month" else ""
        line = (
            f"difference {signed(pair.best_difference(outcome)[1])}{unit} "
            f"[{signed(d[0])} to {signed(d[2])}]"
        )
        assert line in out, (outcome, line)
    assert outside_note(0) in out
    # The reader's check: set out 58,272 -> 56,937 printed beside its difference.
    best = pair.best["cumulative_departures"]
    assert f"{best[1]:,.0f}" in out and signed(best[1] - best[0]) in out
    with out_csv.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    stats = {(r["scenario"], r["outcome"], r["statistic"]): float(r["value"]) for r in rows}
    name = pair.names[1]
    for outcome in OUTCOMES:
        assert stats[(name, outcome, "difference_best_fit")] == pytest.approx(
            pair.best_difference(outcome)[1]
        )
        for j, q in enumerate(("difference_p05", "difference_p50", "difference_p95")):
            assert stats[(name, outcome, q)] == pytest.approx(pair.difference(outcome)[1, j])
        assert stats[(pair.names[0], outcome, "difference_best_fit")] == 0.0


def test_the_cli_marks_a_best_fit_difference_outside_its_interval(capsys):
    assert main(["compare", str(REPORTED), str(BORDER), "--draws", "2"]) == 0
    out = capsys.readouterr().out
    c = compare([load_scenario(REPORTED), load_scenario(BORDER)], draws=2)
    outside = sum(int(c.difference_outside(o).sum()) for o in OUTCOMES)
    assert outside > 0
    marked = [line for line in out.splitlines() if line.endswith(f"] {OUTSIDE_MARK}")]
    assert len(marked) == outside
    assert " ".join(outside_note(outside).split()) in " ".join(out.split())


# --- the Compare page shows the same numbers, and says what they are ---------------------------


def test_the_compare_page_shows_the_best_fit_difference_and_says_what_it_is(pair, tmp_path):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("model/ffsim/app/pages/compare_page.py").run()
    at.multiselect(key="compare:chosen").set_value(list(pair.names)).run()
    assert not at.exception, [e.message for e in at.exception]
    table = at.table[0].value.reset_index()  # a static table, by outcome
    column = "Difference from the first (paired 90%)"
    for outcome, label in OUTCOMES.items():
        d = pair.difference(outcome)[1]
        unit = " months" if outcome == "peak_month" else ""
        cell = (
            f"{signed(pair.best_difference(outcome)[1])}{unit} ({signed(d[0])} to {signed(d[2])})"
        )
        row = table[(table["Outcome"] == label) & (table["Scenario"] == pair.names[1])]
        assert row[column].tolist() == [cell], outcome
    said = " ".join(c.value for c in at.caption)
    assert "at the best fit (the difference of the best-fit values)" in said
    assert "taken draw by draw" in said
    assert outside_note(0) in said


# --- 2. docs/scenarios.md says what its table shows ---------------------------------------------


def _docs_numbers():
    """The numbers the hand-written text under the table quotes, as the model gives them now."""
    from ffsim.cli.docs_scenarios import COMPARE_DRAWS

    shipped = [load_scenario(p) for p in sorted(SCENARIO_DIR.glob("*.toml"))]
    c = compare(shipped, draws=COMPARE_DRAWS)
    at = {s.name: i for i, s in enumerate(shipped)}

    # As the table shows them (whole numbers), so that a gap or width is the reader's arithmetic.
    def level(outcome, name):
        lo, _, hi = c.quantiles(outcome)[at[name]]
        return tuple(round(float(x)) for x in (c.best[outcome][at[name]], lo, hi))

    def diff(outcome, name):
        lo, _, hi = c.difference(outcome)[at[name]]
        return tuple(round(float(x)) for x in (c.best_difference(outcome)[at[name]], lo, hi))

    reported = shipped[0].name
    best, lo, hi = level("cumulative_arrivals", reported)
    yield f"{best:,.0f} arrivals by the end of 2018 ({lo:,.0f} to {hi:,.0f})"
    yield f"the upper end is {hi - best:,.0f} above the best fit, the lower end {best - lo:,.0f}"
    for outcome, word in (("killed", "killed"), ("returned", "returned")):
        best, lo, hi = level(outcome, reported)
        assert lo <= best <= hi  # "every best fit lies inside its 90% interval"
        yield f"{best:,.0f} {word} ({lo:,.0f} to {hi:,.0f})"
    border = load_scenario(BORDER).name
    best, lo, hi = diff("cumulative_arrivals", border)
    yield f"arrivals by {signed(best)} ({signed(lo)} to {signed(hi)}), an interval {hi - lo:,.0f}"
    widths = [
        level("cumulative_arrivals", n)[2] - level("cumulative_arrivals", n)[1]
        for n in (reported, border)
    ]
    yield f"against {widths[0]:,.0f} and {widths[1]:,.0f} for the two levels"
    best, lo, hi = diff("killed", "No air campaign")
    yield f"deaths by {signed(best)} ({signed(lo)} to {signed(hi)})"
    best, lo, hi = diff("cumulative_arrivals", "Territory held")
    yield f"adds {best:,.0f} arrivals at the best fit ({signed(lo)} to {signed(hi)})"
    best, lo, hi = diff("intercepted", "Territory held")
    yield f"{best:,.0f} interceptions ({signed(lo)} to {signed(hi)})"
    best, lo, hi = diff("returned", "Territory held")
    assert lo < 0 < hi  # "no settled sign"
    yield f"returns, {signed(best)} ({signed(lo)} to {signed(hi)}), has no settled sign"
    outside = sum(int(c.difference_outside(o).sum()) for o in OUTCOMES)
    yield (
        f"{outside} do with the shipped calibration"
        if outside
        else "none does with the shipped calibration"
    )
    best, _, _ = diff("cumulative_departures", border)
    median = c.difference("cumulative_departures")[at[border], 1]
    yield f"{signed(median)} against {signed(best)}"


def test_the_text_under_the_outcome_table_quotes_what_the_table_shows():
    text = " ".join(SCENARIOS_MD.read_text("utf-8").split())
    missing = [q for q in _docs_numbers() if q not in text]
    assert not missing, f"docs/scenarios.md no longer says what the table shows: {missing}"
    assert "the best fit lies *below* the 90% interval" not in text


# --- 3. a saved scenario says what was changed ----------------------------------------------------


@pytest.fixture
def own_data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "ffsim-data"
    monkeypatch.setenv("FFSIM_DATA_DIR", str(folder))
    return folder


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


def _text(data) -> str:
    return data.decode("utf-8") if isinstance(data, bytes) else data


def _saved(folder: Path) -> dict[str, str]:
    """Name -> text of every saved scenario in the store of ``folder``."""
    return {s.name: s.text for s in SavedStore(folder).scenarios()}


def test_a_scenario_saved_with_levers_changed_says_so_in_its_description(own_data_dir, downloads):
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.slider(key="lever:border_closure_shift").set_value(-12).run()
    at.slider(key="lever:prevention_shift").set_value(-6).run()
    at.switch_page(IO).run()
    at.text_input(key="io:name").input("early").run()
    at.button(key="io:save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    expected = (
        "The calibrated model with the drivers as reported. Changed here: Border closure: "
        "timing = -12 months; Prevention at home: timing = -6 months."
    )
    (text,) = _saved(own_data_dir).values()
    assert tomllib.loads(text)["description"] == expected
    assert tomllib.loads(_text(downloads["early.toml"]))["description"] == expected
    assert parse_scenario(text).levers.prevention_shift == -6


def test_a_loaded_scenario_saved_unchanged_keeps_its_description_exactly(own_data_dir, downloads):
    description = 'Line one,\n  indented "quoted" — with a tab\tand trailing spaces   '
    original = (
        f'name = "mine"\ndescription = """{description}"""\n[levers]\nprevention_shift = -3\n'
    )
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page(IO).run()
    at.file_uploader[0].set_value(("mine.toml", original.encode(), "application/toml")).run()
    assert not at.exception and not at.error
    at.text_input(key="io:name").input("again").run()
    at.button(key="io:save").click().run()
    (text,) = _saved(own_data_dir).values()
    assert tomllib.loads(text)["description"] == tomllib.loads(original)["description"]
    assert tomllib.loads(_text(downloads["again.toml"]))["description"] == description
    # A change made afterwards is named, in the regional slider's label.
    at.switch_page("model/ffsim/app/pages/explore_page.py").run()
    at.slider(key="param:radicalisation_rate:france").set_value(25.0).run()
    downloads.clear()
    at.switch_page(IO).run()
    said = tomllib.loads(_text(downloads["mine-edited.toml"]))["description"]  # the current one
    assert said.startswith(description.rstrip() + " Changed here: ")
    assert "Joining the pool of would-be recruits, France = 25 persons/month" in said
