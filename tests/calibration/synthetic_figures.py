"""A synthetic figure, one row of data/observations.csv, for the tests of scoring."""

from __future__ import annotations

from ffsim.calibration.observations import Observation, parse_observations


def figure_csv(form: str = "point", value: float = 1000.0, sigma: float = 0.3, **extra: str) -> str:
    """The CSV text (header and one row) of a synthetic later figure."""
    cells = {
        "id": "synthetic",
        "source_file": "test",
        "outlet": "test",
        "published": "2018-01-01",
        "ref_start": "2017-12-31",
        "ref_end": "2017-12-31",
        "region": "total",
        "quantity": "cumulative_departures",
        "measure": "cumulative_arrivals",
        "value": str(value),
        "low": "",
        "high": "",
        "form": form,
        "groups": "unclear",
        "sigma_log": str(sigma),
        "use": "validation",
        "note": "synthetic",
        **extra,
    }
    return ",".join(cells) + "\n" + ",".join(cells.values()) + "\n"


def synthetic_figure(**kwargs: str) -> Observation:
    """The figure of :func:`figure_csv`, parsed as the loader parses a row."""
    return parse_observations(figure_csv(**kwargs))[0]
