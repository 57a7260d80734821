"""The second reading's agreement: Cohen's kappa as textbooks compute it, and a reading that
copies the project's coding agrees with it in every field."""

from __future__ import annotations

import pytest

from ffsim.calibration.agreement import CATEGORICAL, agreement, cohens_kappa, load_second_reading
from ffsim.calibration.observations import load_observations

ROWS = load_observations()


def test_kappa_of_a_textbook_table():
    # 50 items: both "yes" 20, both "no" 15, yes/no 5, no/yes 10. Observed 0.70; chance
    # 0.5 x 0.6 + 0.5 x 0.4 = 0.50; kappa (0.70 - 0.50) / 0.50 = 0.40.
    codes = [("y", "y")] * 20 + [("n", "n")] * 15 + [("y", "n")] * 5 + [("n", "y")] * 10
    assert cohens_kappa(codes) == pytest.approx(0.40)
    assert cohens_kappa([("a", "a"), ("b", "b")]) == 1.0
    assert cohens_kappa([("a", "b"), ("b", "a")]) == pytest.approx(-1.0)


def _as_second_reader(o) -> dict[str, str]:
    def text(x):
        return "" if x is None else str(x)

    return {
        "id": f"copy_{o.id}",
        "source_file": o.source_file,
        "locator_start": text(o.locator_start),
        "locator_end": text(o.locator_end),
        "value": text(o.value),
        "low": text(o.low),
        "high": text(o.high),
        "ref_start": o.ref_start.isoformat(),
        "ref_end": o.ref_end.isoformat(),
        **{f: text(getattr(o, f)) for f in CATEGORICAL},
        "use": o.use,
    }


def test_a_copy_of_the_projects_coding_agrees_in_every_field():
    copy = [_as_second_reader(o) for o in ROWS if o.locator_start is not None]
    a = agreement(ROWS, copy)
    assert not a.unmatched and not a.disagreements()
    assert all(k == pytest.approx(1.0) for k in a.kappa.values())
    assert a.share_dates == a.share_values == 1.0


def test_a_changed_code_is_a_disagreement():
    copy = [_as_second_reader(o) for o in ROWS if o.locator_start is not None]
    target = next(r for r in copy if r["id"] == "copy_france_in_theatre_2016_09")
    target["stage"] = "arrived"
    target["ref_end"] = "2015-09-11"
    assert {(i, f) for i, f, _, _ in agreement(ROWS, copy).disagreements()} >= {
        ("france_in_theatre_2016_09", "stage"),
        ("france_in_theatre_2016_09", "date"),
    }


def test_the_shipped_second_reading_pairs_almost_every_located_row():
    a = agreement(ROWS, load_second_reading())
    located = [o for o in ROWS if o.use in ("fit", "driver_input")]
    assert len(a.pairs) + len(a.unmatched) == len(located)
    assert len(a.unmatched) <= 3
