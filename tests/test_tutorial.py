"""The tutorial (docs/tutorial.md) runs as a notebook would: every ```python cell, in order, in
one fresh interpreter started in an empty folder, each cell's last expression displayed (its
``_repr_html_`` where it has one, as Jupyter shows it)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "docs" / "tutorial.md"

KERNEL = r"""
import ast, json, sys

cells = json.load(sys.stdin)
namespace = {"__name__": "__main__"}
shown = []
for number, cell in enumerate(cells):
    tree = ast.parse(cell)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, f"<cell {number}>", "exec"), namespace)
    value = None if last is None else eval(
        compile(ast.Expression(last.value), f"<cell {number}>", "eval"), namespace
    )
    html = getattr(value, "_repr_html_", None)
    shown.append({
        "type": type(value).__name__,
        "html": html() if callable(html) else None,
        "text": repr(value)[:2000],
    })
print(json.dumps(shown))
"""
"""Runs the cells as a notebook kernel would (the project's own tutorial, in a test)."""


def test_every_cell_of_the_tutorial_runs_in_order_and_displays(tmp_path):
    cells = re.findall(r"```python\n(.*?)```", TUTORIAL.read_text("utf-8"), flags=re.S)
    assert len(cells) >= 8
    done = subprocess.run(
        [sys.executable, "-c", KERNEL],
        input=json.dumps(cells),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(shown) == len(cells)
    types = [s["type"] for s in shown]
    assert types[0] == "Result" and "Calibrated baseline" in shown[0]["html"]
    assert types[1] == "DataFrame" and "2018-12-31" in shown[1]["text"]
    assert "Comparison" in types
    comparison = shown[types.index("Comparison")]
    assert "Border six months earlier" in comparison["html"]
    assert types[-1] == "dict" and "border_closure_shift" in shown[-1]["text"]
    assert (tmp_path / "mine.toml").exists()
