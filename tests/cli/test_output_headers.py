"""The CSV headers of ``ffsim run --out`` and ``ffsim compare --out``, written out literally.

A reader's scripts select columns by name: a column dropped, renamed or moved is a change of
the output format, so each header is a list typed here, not one derived from the code.
"""

from __future__ import annotations

import csv

from ffsim.cli.main import main
from ffsim.scenarios.scenario import SCENARIO_DIR, load_scenario

RUN_HEADER = ["date", "region", "variable", "value"]
RUN_HEADER_WITH_DRAWS = [*RUN_HEADER, "p05", "p50", "p95"]
COMPARE_HEADER = ["scenario", "content_hash", "outcome", "statistic", "value"]

REPORTED = SCENARIO_DIR / "as_reported.toml"
NO_AIR = SCENARIO_DIR / "no_air_campaign.toml"


def _rows(path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_run_out_header(tmp_path):
    out = tmp_path / "run.csv"
    assert main(["run", "--out", str(out)]) == 0
    rows = _rows(out)
    assert rows[0] == RUN_HEADER
    assert all(len(row) == len(RUN_HEADER) for row in rows[1:])
    banded = tmp_path / "bands.csv"
    assert main(["run", "--draws", "3", "--out", str(banded)]) == 0
    assert _rows(banded)[0] == RUN_HEADER_WITH_DRAWS


def test_compare_out_header_and_the_content_hash_of_each_scenario(tmp_path, capsys):
    out = tmp_path / "compare.csv"
    assert main(["compare", str(REPORTED), str(NO_AIR), "--draws", "3", "--out", str(out)]) == 0
    capsys.readouterr()
    rows = _rows(out)
    assert rows[0] == COMPARE_HEADER
    assert all(len(row) == len(COMPARE_HEADER) for row in rows[1:])
    hashes = {}
    for row in rows[1:]:
        hashes.setdefault(row[0], set()).add(row[1])
    scenarios = [load_scenario(REPORTED), load_scenario(NO_AIR)]
    assert hashes == {s.name: {s.content_hash()} for s in scenarios}
    assert len({s.content_hash() for s in scenarios}) == 2  # the column tells them apart
