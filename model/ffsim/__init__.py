"""ffsim: a stock-and-flow model of foreign-fighter flows to Syria and Iraq, 2012-2018.

The public names are listed once, in ``__init__.pyi`` (which type checkers read); each is imported
from its layer on first use, so that ``import ffsim`` (and the command line's start) stays fast::

    import ffsim

    result = ffsim.simulate()  # the calibrated baseline
    result.stock("in_theatre", "tunisia")

Layers, each a subpackage: :mod:`ffsim.core` (parameters, drivers, the model and its
integration), :mod:`ffsim.calibration` (reported figures, estimation, the calibrated baseline,
vintages and forecast skill), :mod:`ffsim.scenarios` (scenario files, levers, comparison,
attribution, sensitivity), :mod:`ffsim.teaching` (diagrams and lessons) and :mod:`ffsim.cli`
(the ``ffsim`` command). The explorer is :mod:`ffsim.app`.
"""

from __future__ import annotations

import ast
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

try:
    __version__ = version("ffsim")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"


def _public_names() -> dict[str, str]:
    """Public name -> owning module, read from the imports of ``__init__.pyi``."""
    stub = ast.parse(Path(__file__).with_suffix(".pyi").read_text("utf-8"))
    return {
        alias.asname or alias.name: node.module
        for node in stub.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }


PUBLIC: dict[str, str] = _public_names()
"""Public name -> the module that owns it."""

__all__ = ["PUBLIC", "__version__", *PUBLIC]


def __getattr__(name: str) -> Any:
    """Import a public name from its owner on first use (PEP 562)."""
    if name not in PUBLIC:
        raise AttributeError(f"module 'ffsim' has no attribute {name!r}")
    value = getattr(import_module(PUBLIC[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
