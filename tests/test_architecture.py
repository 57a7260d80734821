"""Rules the layout keeps (docs/architecture.md), checked on every file of the package and on the
real import graph (import-linter's contracts in pyproject.toml)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "model" / "ffsim"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _sources() -> list[Path]:
    """Every Python file of the package (the shipped-data links hold none), and ``app.py``."""
    return [*sorted(PACKAGE.rglob("*.py")), ROOT / "app.py"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_checks_read_every_file_of_the_package():
    files = _sources()
    # Every subpackage is read, down to the explorer's pages and the core's data package.
    folders = {p.parent.relative_to(PACKAGE).as_posix() for p in files if PACKAGE in p.parents}
    assert {".", "core", "core/data", "calibration", "scenarios", "teaching", "exchange"} <= folders
    assert {"cli", "app", "app/pages"} <= folders
    assert len(files) > 100


def test_nothing_evaluates_or_unpickles_user_input():
    for path in _sources():
        tree = ast.parse(path.read_text("utf-8"))
        calls = {
            n.func.id
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        rel = path.relative_to(ROOT)
        assert not calls & {"eval", "exec"}, rel
        assert not _imports(path) & {"pickle", "dill", "cloudpickle", "marshal", "shelve"}, rel


def test_nothing_is_imported_as_model_or_app_pages():
    for path in _sources():
        assert not _imports(path) & {"model", "app_pages"}, path.relative_to(ROOT)


def _lint_imports(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_layer_contracts_hold_on_the_real_import_graph():
    done = _lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 2 kept, 0 broken." in done.stdout


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("core/rhs.py", "import ffsim.scenarios.levers"),  # a lower layer imports a higher one
        ("calibration/likelihood.py", "from ffsim.cli import main"),
        ("app/charts.py", "import streamlit"),  # a chart builder draws on the page itself
        ("teaching/lesson.py", "import streamlit"),
    ],
)
def test_the_contracts_fail_when_a_rule_is_broken(tmp_path, module, line):
    copy = tmp_path / "ffsim"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "shipped"))
    target = copy / module
    target.write_text(target.read_text("utf-8") + f"\n{line}  # noqa\n", "utf-8")
    done = _lint_imports(tmp_path, pythonpath=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "BROKEN" in done.stdout
    imported = line.split()[1]
    assert f"ffsim.{module[:-3].replace('/', '.')}" in done.stdout, done.stdout
    assert imported.split(".")[0] in done.stdout
