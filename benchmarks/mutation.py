"""Mutation benchmark: the share of small code mutations that the fast tests kill.

Not part of the test suite or CI. Run from the repository root::

    .venv/bin/python benchmarks/mutation.py                # every module, default sample sizes
    .venv/bin/python benchmarks/mutation.py --per-module 10 --rhs 20 --seed 1

The committed tree (``git archive HEAD``) is unpacked into a temporary folder; each mutant is one
small change of one module there (an arithmetic or comparison operator swapped, a boolean
operator flipped, a number changed, a unary minus dropped), made on the module's syntax tree
and written back with ``ast.unparse``. The module's own fast tests (``MODULES`` below) run
against the copy (``PYTHONPATH``), stopping at the first failure; a failing run kills the
mutant. Tests that already fail unmutated are deselected first. Mutants are sampled with a
fixed seed; ``rhs.py`` has its own, smaller sample because numba recompiles the kernel for each
mutant (20 to 40 s). Some surviving mutants are equivalent (no behaviour changes), so the share
is a lower bound on what the tests can see.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MODULES: dict[str, list[str]] = {
    "model/ffsim/scenarios/levers.py": ["tests/scenarios"],
    "model/ffsim/calibration/likelihood.py": [
        "tests/calibration/test_likelihood.py",
        "tests/calibration/test_priors.py",
        "tests/calibration/test_observations.py",
    ],
    "model/ffsim/app/links.py": [
        "tests/app/test_links_and_ledger.py",
        "tests/app/test_pages.py",
        "-k",
        "link or limit or key",
    ],
    "model/ffsim/core/rhs.py": ["tests/core"],
}
"""Each module mutated, and the fast tests run against its mutants (pytest arguments)."""

SWAPS: dict[type, type] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.And: ast.Or,
    ast.Or: ast.And,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}


@dataclass(frozen=True)
class Mutant:
    """One mutation: the module, the position of the node in a walk of its tree, and what."""

    module: str
    index: int
    line: int
    what: str


def _is_docstring(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    parent = parents.get(node)
    return isinstance(parent, ast.Expr) and isinstance(node, ast.Constant)


def _sites(tree: ast.Module) -> list[tuple[int, int, str]]:
    """(index in ast.walk order, line, description) of every mutable node."""
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    out = []
    for i, node in enumerate(ast.walk(tree)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.BinOp | ast.AugAssign | ast.BoolOp) and type(node.op) in SWAPS:
            out.append((i, line, f"{type(node.op).__name__} -> {SWAPS[type(node.op)].__name__}"))
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in SWAPS:
            a, b = type(node.ops[0]), SWAPS[type(node.ops[0])]
            out.append((i, line, f"{a.__name__} -> {b.__name__}"))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.Not):
            out.append((i, line, f"drop {type(node.op).__name__}"))
        elif (
            isinstance(node, ast.Constant)
            and type(node.value) in (int, float)
            and not _is_docstring(node, parents)
        ):
            out.append((i, line, f"{node.value!r} -> {_changed_number(node.value)!r}"))
    return out


def _changed_number(value: float) -> float:
    if isinstance(value, int):
        return value + 1
    return value * 2.0 if value != 0.0 else 1.0


def mutate(source: str, index: int) -> str:
    """``source`` with the node at ``index`` (ast.walk order) mutated."""
    tree = ast.parse(source)
    for i, node in enumerate(ast.walk(tree)):
        if i != index:
            continue
        if isinstance(node, ast.BinOp | ast.AugAssign | ast.BoolOp):
            node.op = SWAPS[type(node.op)]()
        elif isinstance(node, ast.Compare):
            node.ops = [SWAPS[type(node.ops[0])]()]
        elif isinstance(node, ast.UnaryOp):
            return ast.unparse(_replace(tree, node, node.operand))
        elif isinstance(node, ast.Constant):
            node.value = _changed_number(node.value)
        return ast.unparse(tree)
    raise IndexError(index)


def _replace(tree: ast.Module, old: ast.AST, new: ast.AST) -> ast.Module:
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
            elif isinstance(value, list):
                for k, item in enumerate(value):
                    if item is old:
                        value[k] = new
    return tree


def run_tests(
    copy_root: Path, tests: list[str], deselect: list[str], first: bool
) -> tuple[int, str]:
    """pytest on ``tests`` in the copy: (exit code, output tail)."""
    env = {**os.environ, "PYTHONPATH": str(copy_root / "model")}
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow"]
    args += ["-x"] if first else ["-rf"]
    args += [f"--deselect={d}" for d in deselect] + tests
    done = subprocess.run(args, cwd=copy_root, env=env, capture_output=True, text=True)
    return done.returncode, done.stdout[-3000:]


def failing_ids(output: str) -> list[str]:
    return [line.split()[1] for line in output.splitlines() if line.startswith("FAILED ")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-module", type=int, default=15, help="mutants per module")
    parser.add_argument("--rhs", type=int, default=20, help="mutants of rhs.py")
    parser.add_argument("--seed", type=int, default=20150430)
    parser.add_argument("--out", help="write the results as JSON here")
    parser.add_argument("--only", help="mutate only the module whose path ends with this")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory(prefix="ffsim-mutation-") as tmp:
        root = Path(tmp)
        archive = subprocess.run(
            ["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True
        )
        tar_path = root / "head.tar"
        tar_path.write_bytes(archive.stdout)
        copy_root = root / "tree"
        with tarfile.open(tar_path) as tar:
            tar.extractall(copy_root, filter="tar")
        for module, tests in MODULES.items():
            if args.only and not module.endswith(args.only):
                continue
            path = copy_root / module
            original = path.read_text("utf-8")
            code, out = run_tests(copy_root, tests, [], first=False)
            deselect = failing_ids(out) if code else []
            sites = _sites(ast.parse(original))
            size = args.rhs if module.endswith("rhs.py") else args.per_module
            rng = random.Random(f"{args.seed}:{module}")  # the same sample with --only
            chosen = sorted(rng.sample(sites, min(size, len(sites))))
            started = time.monotonic()
            rows = []
            for index, line, what in chosen:
                path.write_text(mutate(original, index), "utf-8")
                try:
                    code, _ = run_tests(copy_root, tests, deselect, first=True)
                finally:
                    path.write_text(original, "utf-8")
                rows.append({"line": line, "what": what, "killed": code != 0, "exit": code})
                print(f"{module}:{line} {what}: {'killed' if code else 'SURVIVED'}", flush=True)
            killed = sum(r["killed"] for r in rows)
            results[module] = {
                "mutants": len(rows),
                "killed": killed,
                "share": killed / len(rows) if rows else None,
                "seconds": round(time.monotonic() - started),
                "deselected_unmutated_failures": deselect,
                "mutants_detail": rows,
            }
            print(f"== {module}: {killed}/{len(rows)} killed", flush=True)
    total = sum(r["mutants"] for r in results.values())
    killed = sum(r["killed"] for r in results.values())
    print(f"== all: {killed}/{total} killed ({killed / max(total, 1):.0%})")
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
