"""The SBC chart: one panel per quantity, its ECDF difference over its simultaneous band, red
and marked when it leaves the band; one legend for the grid."""

from __future__ import annotations

import numpy as np
import pytest

from ffsim.app.sbc_charts import INSIDE_COLOUR, OUTSIDE_COLOUR, sbc_ecdf_figure
from ffsim.calibration.sbc_ranks import ecdf_difference
from ffsim.core.errors import InputError


def _ranks() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {
        "uniform": rng.integers(0, 100, 300),
        "too_high": np.minimum(rng.integers(0, 100, 300) + 20, 99),
        "fewer": rng.integers(0, 100, 80),
    }


def test_each_quantity_has_a_panel_with_its_curve_over_its_band():
    ranks = _ranks()
    fig = sbc_ecdf_figure(ranks, 99, labels={"too_high": "Shifted up"}, columns=2)
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["uniform", "Shifted up (outside)", "fewer"]
    curves = [t for t in fig.data if t.line.color in (INSIDE_COLOUR, OUTSIDE_COLOUR)]
    assert [t.line.color for t in curves] == [INSIDE_COLOUR, OUTSIDE_COLOUR, INSIDE_COLOUR]
    # The curve drawn is the ECDF difference, on the band's grid (80 ranks: 80 intervals).
    z, difference = ecdf_difference(ranks["fewer"], 99)
    assert np.allclose(curves[2].x, z) and np.allclose(curves[2].y, difference)
    assert len(z) == 81
    bands = [t for t in fig.data if t.fill == "tonexty"]
    assert len(bands) == 3 and all(np.all(np.asarray(b.y)[1:-1] < 0) for b in bands)
    # Two rows of two panels; one legend entry per kind of trace.
    assert curves[2].xaxis == "x3" and fig.layout.height > 2 * 190
    legend = [t.name for t in fig.data if t.showlegend is not False]
    assert len(legend) == len(set(legend)) == 3


def test_a_figure_needs_ranks_and_a_whole_number_of_columns():
    with pytest.raises(InputError, match="ranks: no quantities"):
        sbc_ecdf_figure({}, 99)
    with pytest.raises(InputError, match="columns: 0; a whole number of panels"):
        sbc_ecdf_figure(_ranks(), 99, columns=0)
