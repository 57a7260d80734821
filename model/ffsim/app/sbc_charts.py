"""Chart builder of simulation-based calibration: each quantity's rank ECDF difference inside
its simultaneous band, one small panel per quantity. Ranks in
(:mod:`ffsim.calibration.sbc_ranks`), a plotly figure out; no Streamlit here, and nothing of
the model: any named ranks can be drawn.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ffsim.app.chart_parts import BAND_FILL, NEUTRAL_COLOUR, PALETTE, title_layout, wrap
from ffsim.calibration.sbc_ranks import (
    EcdfBands,
    ecdf_difference,
    ecdf_difference_bands,
    inside_bands,
)
from ffsim.core.errors import InputError, shown

INSIDE_COLOUR = PALETTE[0]
"""The curve of a quantity whose ECDF difference stays inside its band (blue)."""

OUTSIDE_COLOUR = PALETTE[7]
"""The curve of a quantity whose ECDF difference leaves its band (red)."""

PANEL_HEIGHT = 190
"""Pixels of height of one row of panels."""

PANEL_TITLE_WIDTH = 34
"""Characters of a panel's title on a line: two lines fit the gap above a panel."""

GAP = 80
"""Pixels between two rows of panels: the upper row's tick labels and the lower row's titles."""

FOOT = 120
"""Pixels below the panels: the tick labels, the x-axis title and the legend (two lines of it
on a phone)."""

LEGEND_DROP = 62
"""Pixels from the lowest panel's foot to the legend's top: below its tick labels and its
x-axis title."""


def _panel_title(text: str, columns: int) -> str:
    """A panel's title in lines that fit a phone's single column (40 characters), or a
    narrower panel (34).
    """
    return wrap(text, PANEL_TITLE_WIDTH + (6 if columns == 1 else 0))


def _band_traces(bands: EcdfBands, legend: bool) -> list[go.Scatter]:
    """The band as two step traces, the lower filled up to the upper."""
    edge = {"x": bands.z, "mode": "lines", "line": {"width": 0, "shape": "hv"}}
    name = f"{1 - bands.alpha:.0%} band of uniform ranks"
    return [
        go.Scatter(**edge, y=bands.upper, showlegend=False, hoverinfo="skip", name=name),
        go.Scatter(
            **edge,
            y=bands.lower,
            fill="tonexty",
            fillcolor=BAND_FILL,
            name=name,
            legendgroup="band",
            showlegend=legend,
            hoverinfo="skip",
        ),
    ]


def sbc_ecdf_figure(
    ranks: Mapping[str, np.ndarray],
    L: int,  # noqa: N803 (the number of posterior draws, as in Talts et al. 2018)
    alpha: float = 0.05,
    *,
    labels: Mapping[str, str] | None = None,
    columns: int = 3,
    title: str | None = None,
    seed: int = 0,
) -> go.Figure:
    """The ECDF difference of each quantity's ranks with its simultaneous ``1 - alpha`` band.

    Each panel plots ``ECDF(z) - z`` against ``z``, the rank scaled to ``0..1``
    (:func:`ffsim.calibration.sbc_ranks.ecdf_difference`), as a step curve over the grey band
    of :func:`ffsim.calibration.sbc_ranks.ecdf_difference_bands`: blue while inside, red and
    marked "outside" when it leaves the band. Above 0 throughout, too many low ranks (the
    posterior lies above the truth); below 0 throughout, too many high ones; below then above,
    an over-dispersed posterior; above then below, an under-dispersed one (Säilynoja et al.
    2022; Modrák et al. 2023).

    Parameters
    ----------
    ranks
        Each quantity's ranks, integers in ``0..L``, in the order of the panels.
    L
        The number of posterior draws per replication.
    alpha
        One minus the band's simultaneous coverage.
    labels
        A plain label for each quantity (its name otherwise).
    columns
        Panels per row.
    title
        The figure's title; by default "SBC ranks: ECDF difference, 95% band" (with the
        band's level).
    seed
        The seed of the band's simulation.

    Returns
    -------
    plotly.graph_objects.Figure
        The grid of panels, one shared legend at the foot.
    """
    if not ranks:
        raise InputError("ranks: no quantities; at least one name with its ranks")
    if isinstance(columns, bool) or not isinstance(columns, int) or columns < 1:
        raise InputError(f"columns: {shown(columns)}; a whole number of panels, at least 1")
    names = list(ranks)
    cols = min(columns, len(names))
    rows = math.ceil(len(names) / cols)
    shown_labels = [(labels or {}).get(name, name) for name in names]
    bands: dict[int, EcdfBands] = {}
    curves = []
    for name in names:
        n = np.asarray(ranks[name]).size
        if n not in bands:
            bands[n] = ecdf_difference_bands(n, L, alpha, seed=seed)
        z, difference = ecdf_difference(ranks[name], L, bands[n].K)
        curves.append((z, difference, inside_bands(ranks[name], bands[n]), bands[n]))
    titles = [
        _panel_title(label if inside else f"{label} (outside)", cols)
        for label, (_, _, inside, _) in zip(shown_labels, curves, strict=True)
    ]
    plot = PANEL_HEIGHT * rows + GAP * (rows - 1)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=titles,
        horizontal_spacing=0.08,
        vertical_spacing=GAP / plot if rows > 1 else 0.0,
    )
    drawn = {"band": False, "inside": False, "outside": False}
    for i, (label, (z, difference, inside, band)) in enumerate(
        zip(shown_labels, curves, strict=True)
    ):
        row, col = i // cols + 1, i % cols + 1
        for trace in _band_traces(band, legend=not drawn["band"]):
            fig.add_trace(trace, row=row, col=col)
        drawn["band"] = True
        kind = "inside" if inside else "outside"
        fig.add_trace(
            go.Scatter(
                x=z,
                y=difference,
                mode="lines",
                line={"color": INSIDE_COLOUR if inside else OUTSIDE_COLOUR, "shape": "hv"},
                name="ECDF difference" + ("" if inside else ", outside"),
                legendgroup=kind,
                showlegend=not drawn[kind],
                hovertemplate=f"{label}<br>scaled rank %{{x:.2f}}: %{{y:+.3f}}<extra></extra>",
            ),
            row=row,
            col=col,
        )
        drawn[kind] = True
        fig.add_hline(y=0, line={"color": NEUTRAL_COLOUR, "width": 1}, row=row, col=col)
    heading = title_layout(title or f"SBC ranks: ECDF difference, {1 - alpha:.0%} band")
    top = heading["margin_top"] + 10  # room for the first row's panel titles
    fig.update_layout(
        title=heading["title"],
        height=top + FOOT + plot,
        margin={"t": top, "b": FOOT, "l": 10, "r": 10},
        # the legend below the x-axis title of the last row
        legend={"orientation": "h", "yanchor": "top", "y": -LEGEND_DROP / plot, "x": 0},
        hoverlabel_namelength=-1,
    )
    fig.update_xaxes(range=[0, 1], tickformat=".1f", automargin=True)
    for i in range(len(names)):
        if i + cols >= len(names):  # no panel below: the axis is titled
            fig.update_xaxes(title_text="scaled rank", row=i // cols + 1, col=i % cols + 1)
    fig.update_yaxes(tickformat="+.2f", automargin=True, zeroline=False)
    fig.update_yaxes(title_text="ECDF difference", col=1)
    return fig
