"""Rules the layout keeps (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_model_never_imports_streamlit_or_the_app():
    for path in (ROOT / "model").rglob("*.py"):
        assert not _imports(path) & {"streamlit", "app_pages", "app"}, path.name


CHART_MODULES = (
    "charts.py",
    "chart_parts.py",
    "calibration_charts.py",
    "forecast_charts.py",
    "sankey.py",
    "sensitivity_charts.py",
)


def test_chart_builders_never_import_streamlit():
    for name in CHART_MODULES:
        assert "streamlit" not in _imports(ROOT / "app_pages" / name), name


def test_nothing_evaluates_or_unpickles_user_input():
    for path in [*ROOT.glob("model/*.py"), *ROOT.glob("app_pages/*.py"), ROOT / "app.py"]:
        tree = ast.parse(path.read_text("utf-8"))
        calls = {
            n.func.id
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        assert not calls & {"eval", "exec"}, path.name
        assert "pickle" not in _imports(path), path.name


LAYERS = ("core", "calibration", "scenarios", "teaching", "exchange", "cli")
"""The package's layers, lowest first: each imports only from the layers below it."""


def test_each_layer_imports_only_from_the_layers_below():
    for rank, layer in enumerate(LAYERS):
        for path in (ROOT / "model" / layer).rglob("*.py"):
            tree = ast.parse(path.read_text("utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module:
                    modules = [node.module]
                elif isinstance(node, ast.Import):
                    modules = [a.name for a in node.names]
                else:
                    continue
                for module in modules:
                    parts = module.split(".")
                    if parts[0] == "ffsim" and len(parts) > 1 and parts[1] in LAYERS:
                        above = LAYERS.index(parts[1]) > rank
                        assert not above, f"{path.relative_to(ROOT)} imports {module}"


def test_nothing_is_imported_as_model():
    for path in [*ROOT.glob("model/**/*.py"), *ROOT.glob("app_pages/*.py"), ROOT / "app.py"]:
        assert "model" not in _imports(path), path
