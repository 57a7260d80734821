"""docs/model.md stays true: generated tables are current, diagrams name every stock and flow."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from ffsim.cli.docs import render
from ffsim.core import layout
from ffsim.core.results import FLOWS

ROOT = Path(__file__).resolve().parents[1]
MODEL_MD = ROOT / "docs" / "model.md"
CALIBRATION_MD = ROOT / "docs" / "calibration.md"
SCENARIOS_MD = ROOT / "docs" / "scenarios.md"
ARCHITECTURE_MD = ROOT / "docs" / "architecture.md"


@pytest.mark.parametrize(
    "path", [MODEL_MD, CALIBRATION_MD, SCENARIOS_MD, ARCHITECTURE_MD], ids=lambda p: p.name
)
def test_generated_tables_are_current(path):
    text = path.read_text("utf-8")
    assert render(text) == text, f"{path.name} is stale: run `make docs`"


def test_calibration_page_explains_every_current_misfit():
    from ffsim.calibration.baseline import read_artifact

    text = CALIBRATION_MD.read_text("utf-8")
    explained = text.split("## What the model cannot reconcile, and why", 1)[1]
    explained = explained.split("<!-- END TENSIONS TABLE -->", 1)[1]
    readings = text.split("## Readings: one statement, several meanings", 1)[1]
    readings = readings.split("## Likelihood", 1)[0]
    for row in read_artifact()["observations"]:
        if row["within"]:
            continue
        where = explained if row["counted"] else readings  # rows of a less probable reading
        assert f"`{row['id']}`" in where, f"misfit {row['id']} is not explained"


def test_stock_and_flow_diagram_names_every_stock_and_flow():
    from ffsim.teaching.diagram import STOCK_FLOW_LINKS, STOCK_FLOW_NODES

    nodes = {n.id for n in STOCK_FLOW_NODES}
    from ffsim.core.structure import PEOPLE_LEDGER

    for name in ("pool", *PEOPLE_LEDGER, *layout.GLOBAL_STOCK_NAMES):
        assert name in nodes, f"stock {name} missing from model/ffsim/teaching/diagram.py"
    labels = " ".join(link.label for link in STOCK_FLOW_LINKS)
    for name in FLOWS:
        word = {"interceptions": "stopped_at_border"}.get(name, name)
        where = "model/ffsim/teaching/diagram.py"
        assert re.search(rf"\b{word}\b", labels), f"flow {name} missing from {where}"
    for link in STOCK_FLOW_LINKS:
        assert {link.source, link.target} <= nodes


def test_no_node_or_arrow_of_the_diagrams_in_model_md_shows_an_identifier():
    """The Mermaid diagrams of docs/model.md name their nodes and arrows as the explorer does
    ("in theatre", not ``in_theatre``); only the node ids, which a reader never sees, are
    identifiers."""
    from ffsim.teaching.plain_names import NAMES

    blocks = re.findall(r"```mermaid\n(.*?)```", MODEL_MD.read_text("utf-8"), re.S)
    assert len(blocks) == 2
    labels = [label for block in blocks for label in re.findall(r'"([^"]*)"', block)]
    assert len(labels) > 20
    ids = {name for name in NAMES if "_" in name}
    raw = [label for label in labels if re.search(r"\b[a-z]+_[a-z_]+\b", label)]
    assert not raw, raw
    assert not [label for label in labels if set(re.findall(r"[\w.]+", label)) & ids]
    assert "in theatre" in labels  # the stock as the Model page names it


def test_loops_are_closed_paths_of_the_causal_diagram():
    from ffsim.teaching.diagram import LOOP_LINKS, LOOP_NAMES, LOOP_NODES, LOOPS

    edges = {(link.source, link.target) for link in LOOP_LINKS}
    nodes = {n.id for n in LOOP_NODES}
    assert set(LOOPS) == set(LOOP_NAMES)
    for loop_id, path in LOOPS.items():
        assert path[0] == path[-1] and set(path) <= nodes, loop_id
        for a, b in itertools.pairwise(path):
            assert (a, b) in edges, f"{loop_id}: no link {a} -> {b}"


def test_every_loop_is_named_once_on_the_diagram_on_a_link_of_its_own():
    from ffsim.teaching.diagram import LOOPS, loop_mermaid, loop_tags

    tags = loop_tags()
    assert sorted(tags.values()) == sorted(LOOPS)
    diagram = loop_mermaid()
    for link, loop_id in tags.items():
        a, b = link.split(">")
        assert (a, b) in set(itertools.pairwise(LOOPS[loop_id])), loop_id
        assert sum(line.endswith(f' {loop_id}"| {b}') for line in diagram.splitlines()) == 1
    assert "strength" not in " ".join(
        row.split("|")[3] for row in MODEL_MD.read_text("utf-8").splitlines() if "| R1 " in row
    )  # the loop table names nodes as the diagram labels them


def test_every_parameter_is_in_the_equations():
    text = MODEL_MD.read_text("utf-8")
    equations = text.split("## Equations", 1)[1].split("## Numerical method", 1)[0]
    for name in (*layout.GLOBAL_PARAMETERS, *layout.REGIONAL_PARAMETERS):
        assert name in equations, f"parameter {name} missing from the equations"


README_CHECK = """
import json as _json
import numpy as _np
_single = result.stock("in_theatre")
_lower = ffsim.simulate(changed).stock("in_theatre")
print(_json.dumps({
    "months": len(result.stock("in_theatre", "tunisia")),
    "non_negative": bool((result.stock("in_theatre", "tunisia") >= 0).all()),
    "tidy_columns": list(result.tidy().columns),
    "departures_sum": float(result.flow("departures").sum()),
    "set_out": float(result.stock("cumulative_departures")[-1]
                     - result.initial("cumulative_departures")),
    "changed_direction": float(_np.sign(_lower.max() - _single.max())),
    "rate_direction": float(_np.sign(0.02 - ffsim.baseline_parameters().departure_rate)),
    "shape": list(outputs.stock("in_theatre").shape),
    "members_are_the_single_run": bool(_np.allclose(outputs.stock("in_theatre"), _single)),
    "france_returned": bool(_np.allclose(
        outputs.stock("returned", "france"), result.stock("returned", "france"))),
}))
"""


def test_the_readmes_python_examples_run():
    """Every ```python block of the README runs as written (the project's own text, run in a
    separate interpreter), and the example computes what its comments say: monthly values, the
    tidy table, a changed parameter moving the run, and an ensemble of identical members that
    stores each member's copy of the single run.
    """
    import json
    import subprocess
    import sys

    readme = (ROOT / "README.md").read_text("utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "the README has no Python example"
    checked = 0
    for block in blocks:
        check = README_CHECK if "simulate_outputs" in block else ""
        proc = subprocess.run(
            [sys.executable, "-c", block + check], capture_output=True, text=True, cwd=ROOT
        )
        assert proc.returncode == 0, proc.stderr
        if check:
            checked += 1
            facts = json.loads(proc.stdout.strip().splitlines()[-1])
            assert facts["months"] == 84 and facts["non_negative"]
            assert facts["tidy_columns"] == ["date", "region", "variable", "value"]
            assert facts["departures_sum"] == pytest.approx(facts["set_out"], rel=1e-9)
            assert facts["changed_direction"] == facts["rate_direction"] != 0
            assert facts["shape"] == [10_000, 84]  # the comment's "(10,000, 84)"
            assert facts["members_are_the_single_run"] and facts["france_returned"]
    assert checked == 1


# --- the docs are written by the one writer (issue 23) ----------------------------------------

LEVER_PAGE = "# Levers\n\n<!-- BEGIN LEVER TABLE -->\nold table\n<!-- END LEVER TABLE -->\n"


def test_a_doc_cut_off_by_a_file_size_limit_is_left_as_it_was(tmp_path):
    """``ulimit -f`` below the new page's size: a page written in place would be cut at the
    limit; the one writer leaves the previous page whole and no temporary file."""
    import resource
    import subprocess
    import sys

    page = tmp_path / "levers.md"
    page.write_text(LEVER_PAGE, "utf-8")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))

    done = subprocess.run(
        [sys.executable, "-m", "ffsim.cli.docs", page.name],
        cwd=tmp_path,
        preexec_fn=limit,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "every file is as it was" in done.stderr
    assert page.read_text("utf-8") == LEVER_PAGE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["levers.md"]


def test_the_pages_are_written_together_or_not_at_all(tmp_path, monkeypatch, capsys):
    """An I/O error while putting the second page in place: the first keeps its old text."""
    import os

    from ffsim.cli import docs

    first, second = tmp_path / "a.md", tmp_path / "b.md"
    for page in (first, second):
        page.write_text(LEVER_PAGE, "utf-8")
    real = os.replace

    def second_fails(src, dst) -> None:
        if str(dst) == str(second):
            raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(os, "replace", second_fails)
    assert docs.main([str(first), str(second)]) == 1
    assert "Input/output error" in capsys.readouterr().err
    assert first.read_text("utf-8") == LEVER_PAGE and second.read_text("utf-8") == LEVER_PAGE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md"]
    monkeypatch.setattr(os, "replace", real)
    assert docs.main([str(first), str(second)]) == 0
    assert first.read_text("utf-8") == second.read_text("utf-8")
    assert "old table" not in first.read_text("utf-8")
