"""Every fitted and driver figure points at the sentence of the article that states it: the
seed file, the sentence's character offsets and the SHA-256 of its text (data/README.md, coding
protocol step 1). The project keeps the locator, not the sentence."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from ffsim.calibration.observations import load_observations

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
ROWS = load_observations()
LOCATED = [o for o in ROWS if o.use in ("fit", "driver_input")]


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    if not SEEDS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SEEDS} is missing: CI runs with ../shared beside the clone")
        pytest.skip("the seed articles (../shared/seeds) are not beside this clone")
    return {p.name: p.read_text("utf-8") for p in SEEDS.glob("0*.txt")}


def test_every_fitted_and_driver_row_has_a_locator():
    assert LOCATED
    for o in LOCATED:
        assert o.locator_start is not None and o.locator_end is not None, o.id
        assert len(o.locator_sha256) == 64, o.id


@pytest.mark.parametrize("obs", LOCATED, ids=lambda o: o.id)
def test_the_locator_points_at_its_sentence(seeds, obs):
    text = seeds[obs.source_file]
    span = text[obs.locator_start : obs.locator_end]
    assert hashlib.sha256(span.encode("utf-8")).hexdigest() == obs.locator_sha256, obs.id
    # A whole sentence: it starts a paragraph or follows one that ends, and ends with a stop.
    before = text[: obs.locator_start].rstrip(" ")
    assert before == "" or before.endswith(("\n", ".", "!", "?", '"', "”")), obs.id
    assert span.rstrip().endswith((".", "!", "?", '"', "”")), obs.id
    assert "\n" not in span, obs.id


def _digits(x: float) -> set[str]:
    whole = f"{x:,.0f}"
    return {whole, whole.replace(",", ""), f"{x:g}", f"${whole}", f"{x * 100:.0f} percent"}


NUMBER_WORDS = {0: "last", 0.25: "fourfold", 2: "double", 1: "one a month", 8: "six to 10"}
"""Figures the sentence states in words or as a range, not as the row's number."""


@pytest.mark.parametrize("obs", LOCATED, ids=lambda o: o.id)
def test_the_sentence_states_the_rows_number(seeds, obs):
    span = seeds[obs.source_file][obs.locator_start : obs.locator_end]
    if obs.reading == "primary_source":
        # The primary source's own numbers (a year earlier): the note quotes the Times.
        return
    numbers = {x for x in (obs.value, obs.low, obs.high) if x is not None}
    words = {NUMBER_WORDS[x] for x in numbers if x in NUMBER_WORDS}
    stated = any(d in span for x in numbers for d in _digits(x)) or any(w in span for w in words)
    # A range read from "almost N" states N; a ratio or difference may be read off two numbers.
    if not stated and obs.form == "range" and obs.high is not None:
        stated = f"almost {obs.high:,.0f}" in span or f"nearly {obs.high:,.0f}" in span
    if not stated and obs.form in ("ratio", "difference"):
        stated = bool(re.search(r"\d", span))
    assert stated, (obs.id, numbers)
