"""docs/model.md stays true: generated tables are current, diagrams name every stock and flow."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from model import layout
from model.docs import render
from model.results import FLOWS

ROOT = Path(__file__).resolve().parents[1]
MODEL_MD = ROOT / "docs" / "model.md"
CALIBRATION_MD = ROOT / "docs" / "calibration.md"
SCENARIOS_MD = ROOT / "docs" / "scenarios.md"


@pytest.mark.parametrize("path", [MODEL_MD, CALIBRATION_MD, SCENARIOS_MD], ids=lambda p: p.name)
def test_generated_tables_are_current(path):
    text = path.read_text("utf-8")
    assert render(text) == text, f"{path.name} is stale: run `make docs`"


def test_calibration_page_explains_every_current_misfit():
    from model.baseline import read_artifact

    text = CALIBRATION_MD.read_text("utf-8")
    explained = text.split("## What the model cannot reconcile, and why", 1)[1]
    explained = explained.split("<!-- END TENSIONS TABLE -->", 1)[1]
    for row in read_artifact()["observations"]:
        if not row["within"]:
            assert f"**`{row['id']}`**" in explained, f"misfit {row['id']} is not explained"


def _mermaid_blocks(text: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)```", text, flags=re.S)


def test_stock_and_flow_diagram_names_every_stock_and_flow():
    stock_flow = _mermaid_blocks(MODEL_MD.read_text("utf-8"))[0]
    ledger_stocks = layout.REGIONAL_STOCK_NAMES[: layout.INTERCEPTED + 1]
    for name in (*ledger_stocks, *layout.GLOBAL_STOCK_NAMES):
        assert re.search(rf"\b{name}\b", stock_flow), f"stock {name} missing from the diagram"
    for name in FLOWS:
        word = {"interceptions": "stopped_at_border", "radicalisation": "radicalisation"}.get(
            name, name
        )
        assert re.search(rf"\b{word}\b", stock_flow), f"flow {name} missing from the diagram"


def test_every_parameter_is_in_the_equations():
    text = MODEL_MD.read_text("utf-8")
    equations = text.split("## Equations", 1)[1].split("## Numerical method", 1)[0]
    for name in (*layout.GLOBAL_PARAMETERS, *layout.REGIONAL_PARAMETERS):
        assert name in equations, f"parameter {name} missing from the equations"
