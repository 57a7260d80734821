"""The generated blocks of docs/architecture.md: the layers and the modules, drawn from the real
import graph (grimp, the graph import-linter checks the layer contracts on), never by hand.

grimp is a development dependency (``make docs`` and the tests run with it); it is imported only
when a block is generated.
"""

from __future__ import annotations

import ast
from collections import Counter
from importlib.resources import files
from pathlib import Path

from ffsim.cli.markdown import cell

PACKAGE = "ffsim"

GROUPS: tuple[tuple[str, str], ...] = (
    ("app", "the explorer (Streamlit)"),
    ("cli", "the ffsim command, the docs' generated blocks"),
    ("exploration", "experiments over levers and uncertainties, scenario discovery, robustness"),
    ("exchange", "equations as one symbolic description, units check, XMILE with its diagram"),
    ("teaching", "diagrams and lessons"),
    ("scenarios", "scenario files, levers, comparison, attribution, sensitivity"),
    ("calibration", "reported figures, likelihood, estimation, artifacts, vintages, forecasts"),
    ("core", "parameters, drivers, structure, right-hand side, integration, results"),
    ("", "the package's root: public names, shipped files, python -m ffsim"),
)
"""The subpackages from the top layer down (the order of import-linter's contract in
pyproject.toml), then the root modules; each with what it holds."""


def _is_package(module: str) -> bool:
    parts = module.split(".")[1:]
    return Path(str(files(PACKAGE))).joinpath(*parts, "__init__.py").exists()


def _group(module: str) -> str:
    """``"core"`` for ``ffsim.core`` and ``ffsim.core.rhs``; ``""`` for the root's modules."""
    parts = module.split(".")
    if len(parts) >= 3 or (len(parts) == 2 and _is_package(module)):
        return parts[1]
    return ""


def _path(module: str) -> Path:
    """The file of ``module`` inside the package folder: ``core/rhs.py``."""
    parts = module.split(".")[1:]
    if _is_package(module):
        return Path(*parts, "__init__.py")
    return Path(*parts[:-1], f"{parts[-1]}.py")


def _shown(module: str) -> str:
    """The module's file as the repository names it: ``model/ffsim/core/rhs.py``."""
    return f"model/{PACKAGE}/{_path(module).as_posix()}"


def _summary(module: str) -> str:
    """The first sentence of the module's docstring."""
    source = Path(str(files(PACKAGE))).joinpath(_path(module)).read_text("utf-8")
    doc = ast.get_docstring(ast.parse(source)) or ""
    paragraph = " ".join(doc.split("\n\n")[0].split())
    head, sep, _ = paragraph.partition(". ")
    return head + ("." if sep else "")


def _graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports directly (anywhere in the file)."""
    import grimp

    graph = grimp.build_graph(PACKAGE, cache_dir=None)
    return {
        m: {i for i in graph.find_modules_directly_imported_by(m) if i.startswith(PACKAGE)}
        for m in graph.modules
        if m.startswith(PACKAGE)
    }


def layer_graph() -> str:
    """A Mermaid diagram of the subpackages, each arrow labelled with how many imports of
    modules of one by modules of the other there are.
    """
    graph = _graph()
    edges: Counter[tuple[str, str]] = Counter()
    for importer, imported in graph.items():
        for target in imported:
            a, b = _group(importer), _group(target)
            if a != b and target != PACKAGE:
                edges[(a, b)] += 1
    counts = Counter(_group(m) for m in graph if not _is_package(m))
    lines = ["```mermaid", "flowchart TD"]
    for name, holds in GROUPS:
        node = name or "root"
        title = f"{PACKAGE}.{name}" if name else PACKAGE
        folder = f"model/{PACKAGE}/{name + '/' if name else ''}"
        lines.append(f'    {node}["{title}<br>{folder}: {counts[name]} modules<br>{holds}"]')
    for (a, b), n in sorted(edges.items(), key=lambda e: (_rank(e[0][0]), _rank(e[0][1]))):
        lines.append(f'    {a or "root"} -- "{n}" --> {b or "root"}')
    lines.append("```")
    return "\n".join(lines)


def _rank(group: str) -> int:
    return [g for g, _ in GROUPS].index(group)


def module_table() -> str:
    """One table per subpackage: each module's file, what it is (its docstring's first
    sentence) and which of the package's modules it imports.
    """
    graph = _graph()
    out: list[str] = []
    for name, holds in GROUPS:
        members = sorted(m for m in graph if _group(m) == name and not _is_package(m))
        title = f"`{PACKAGE}.{name}`" if name else f"the root of `{PACKAGE}`"
        out += [f"**{title}**: {holds}.", "", "| module | what it is | imports from ffsim |"]
        out.append("|---|---|---|")
        for m in members:
            uses = sorted(
                i.removeprefix(f"{PACKAGE}.") for i in graph[m] if i != PACKAGE and i != m
            )
            out.append(
                f"| `{_shown(m)}` | {cell(_summary(m))} | "
                f"{', '.join(f'`{u}`' for u in uses) or '(none)'} |"
            )
        out.append("")
    return "\n".join(out).rstrip()
