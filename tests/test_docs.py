"""docs/model.md stays true: generated tables are current, diagrams name every stock and flow."""

from __future__ import annotations

import re
from pathlib import Path

from model import layout
from model.docs import render
from model.results import FLOWS

ROOT = Path(__file__).resolve().parents[1]
MODEL_MD = ROOT / "docs" / "model.md"


def test_generated_tables_are_current():
    text = MODEL_MD.read_text("utf-8")
    assert render(text) == text, "docs/model.md is stale: run `make docs`"


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
