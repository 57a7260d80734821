"""The generated blocks of docs/model.md: the two diagrams (Mermaid, from
:mod:`ffsim.teaching.diagram`), every parameter (from ``PARAMETER_SPECS``, with unit and source)
and every default driver knot (from ``drivers.toml``, with its source).
"""

from __future__ import annotations

from ffsim.cli.markdown import cell
from ffsim.core.drivers import DEFAULT_DRIVERS
from ffsim.core.parameters import PARAMETER_SPECS


def _default(value: float | dict[str, float]) -> str:
    if isinstance(value, dict):
        return "<br>".join(f"{k}: {v:g}" for k, v in value.items())
    return f"{value:.4g}"


def parameter_table() -> str:
    """Markdown table of every parameter: name, category, default, bounds, unit, meaning, source."""
    rows = [
        "| parameter | kind | default | range | unit | meaning | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in PARAMETER_SPECS:
        kind = s.category + (", regional" if s.regional else "")
        rows.append(
            f"| `{s.name}` | {kind} | {_default(s.default)} | [{s.lower:g}, {s.upper:g}] "
            f"| {cell(s.unit)} | {cell(s.description)} | {cell(s.source)} |"
        )
    return "\n".join(rows)


def driver_table() -> str:
    """Markdown table of every default driver knot with its source."""
    rows = ["| driver | unit | date | value | source |", "|---|---|---|---|---|"]
    for name, series in DEFAULT_DRIVERS:
        for k in series.knots:
            rows.append(
                f"| `{name}` | {cell(series.unit)} | {k.date} | {k.value:g} | {cell(k.source)} |"
            )
    return "\n".join(rows)


def stock_flow_block() -> str:
    """The stock-and-flow diagram as a Mermaid code block."""
    from ffsim.teaching.diagram import stock_flow_mermaid

    return f"```mermaid\n{stock_flow_mermaid()}```"


def loop_block() -> str:
    """The causal loop diagram as a Mermaid code block."""
    from ffsim.teaching.diagram import loop_mermaid

    return f"```mermaid\n{loop_mermaid()}```"
