"""Markdown text for the generated tables of the docs: a table cell, a number.

Used by the table generators of :mod:`ffsim.cli.docs` (docs/model.md, docs/calibration.md,
docs/scenarios.md).
"""

from __future__ import annotations


def cell(text: str) -> str:
    """``text`` as one Markdown table cell: ``|`` escaped, newlines as spaces."""
    return text.replace("|", "\\|").replace("\n", " ")


def number(x: float | None) -> str:
    """A number as the tables show it: thousands separated from 100 up, else 3 significant
    digits; ``"none"`` for ``None``.
    """
    if x is None:
        return "none"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"
