"""The generated blocks of docs/model.md: the two diagrams (Mermaid, from
:mod:`ffsim.teaching.diagram`), every parameter (from ``PARAMETER_SPECS``, with unit and source)
and every default driver knot (from ``drivers.toml``, with its source); the equations as the
XMILE export writes them (from :mod:`ffsim.exchange.equations`), and that export of the
calibrated baseline, shipped as ``docs/ffsim-baseline.xmile``.
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
    """The stock-and-flow diagram as a Mermaid code block, its nodes and arrows named plainly
    as the explorer's Model page names them (``ffsim.teaching.plain_names``).
    """
    from ffsim.teaching.diagram import stock_flow_mermaid
    from ffsim.teaching.plain_names import plain_diagram

    return f"```mermaid\n{plain_diagram(stock_flow_mermaid())}```"


def loop_block() -> str:
    """The causal loop diagram as a Mermaid code block, named plainly as the stock-and-flow
    diagram.
    """
    from ffsim.teaching.diagram import loop_mermaid
    from ffsim.teaching.plain_names import plain_diagram

    return f"```mermaid\n{plain_diagram(loop_mermaid())}```"


XMILE_FILE = "ffsim-baseline.xmile"
"""The calibrated baseline as XMILE, shipped next to docs/model.md (written by ``make docs``)."""


def xmile_table() -> str:
    """Markdown table of every stock, flow and auxiliary as the XMILE export writes it
    (:mod:`ffsim.exchange.equations`, regions as the array dimension ``region``).
    """
    from ffsim.core.regions import REGION_IDS
    from ffsim.exchange.equations import equations
    from ffsim.exchange.expressions import Style

    eqs = equations(REGION_IDS)
    style = Style(array=True, regional=frozenset(e.name for e in eqs if e.regional) | _regional())
    rows = ["| name | kind | equation | units | meaning |", "|---|---|---|---|---|"]
    for e in eqs:
        name = f"`{e.name}[region]`" if e.regional else f"`{e.name}`"
        text = f"`{e.expr.render(style)}`"
        if e.kind == "stock":
            change = " + ".join(e.inflows) + "".join(f" - {f}" for f in e.outflows)
            text = f"d/dt = `{change}`; initial `{e.expr.render(style)}`"
        rows.append(f"| {name} | {e.kind} | {cell(text)} | {cell(e.units)} | {cell(e.doc)} |")
    return "\n".join(rows)


def _regional() -> frozenset[str]:
    return frozenset(s.name for s in PARAMETER_SPECS if s.regional)


def baseline_xmile() -> bytes:
    """The calibrated baseline as XMILE (regions as an array), as shipped in docs/."""
    from ffsim.exchange.xmile import xmile_bytes
    from ffsim.scenarios.scenario import baseline_scenario

    scenario = baseline_scenario()
    return xmile_bytes(scenario.parameters, scenario.drivers, scenario.settings, scenario.name)
