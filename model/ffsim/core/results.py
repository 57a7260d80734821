"""Simulation results: stocks (values at month ends) and flows (sums over months), kept apart."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ffsim.core import layout, structure
from ffsim.core.variables import VARIABLES, names

if TYPE_CHECKING:  # pandas is imported where a DataFrame is made: it costs a start of ``ffsim``
    import pandas as pd

STOCKS: tuple[str, ...] = names("stock", regional=True)
"""Per-region stocks, persons at the end of each month (``ffsim.core.variables``)."""

FLOWS: dict[str, int] = {
    name: layout.REGIONAL_STOCK_NAMES.index(VARIABLES[name].accumulates) for name in names("flow")
}
"""Per-region monthly flows (persons/month) and the accumulating stock each is the change of."""

THEATRE_STOCKS: tuple[str, ...] = names("stock", regional=False)
"""Stocks that belong to the theatre, not to a source region (region ``total`` only)."""

LEDGER: tuple[str, ...] = structure.PEOPLE_LEDGER
"""Stocks whose sum equals ``cumulative_departures``: where everyone who set out is now (the
stocks downstream of the pool, ``ffsim.core.structure.PEOPLE_LEDGER``)."""


def closed_form(rates: np.ndarray, n_boundaries: int) -> np.ndarray:
    """A closed-form accumulating stock: ``rates x months since the start`` (persons).

    ``rates`` (..., ) is a constant inflow (persons/month); the result, shape
    (..., n_boundaries), is its accumulation at month boundaries 0, 1, ..., from 0 at the start.
    """
    return np.asarray(rates)[..., None] * np.arange(n_boundaries, dtype=np.float64)


def radicalisation_rates(packed: np.ndarray, n_regions: int) -> np.ndarray:
    """The radicalisation rate of each region (persons/month), shape (..., n_regions), from
    packed parameters (..., n_params): the inflow of the closed-form cumulative radicalisation.
    """
    first = layout.regional_parameter_index(n_regions, layout.R_RADICALISATION_RATE, 0)
    return np.array(np.asarray(packed)[..., first : first + n_regions], dtype=np.float64)


@dataclass(frozen=True)
class Result:
    """States at month boundaries, with accessors that name stocks and flows.

    ``states`` has shape ``(n_months + 1, n_state)`` for one run or
    ``(E, n_months + 1, n_state)`` for an ensemble; row 0 is the initial state. Stock values
    are reported at the end of each month (``dates``); flows are totals over each month.
    ``radicalisation`` (``(n_regions,)`` or ``(E, n_regions)``, persons/month) gives the
    closed-form cumulative radicalisation, which the state does not hold
    (``ffsim.core.layout.CLOSED_FORM_STOCK_NAMES``).
    """

    dates: tuple[dt.date, ...]
    regions: tuple[str, ...]
    states: np.ndarray
    radicalisation: np.ndarray

    @property
    def is_ensemble(self) -> bool:
        """Whether the states hold many members (a leading ensemble axis)."""
        return self.states.ndim == 3

    def _numbers(self, regions: tuple[str, ...]) -> list[int]:
        for region in regions:
            if region not in self.regions:
                raise KeyError(
                    f"unknown region {region!r}; allowed: total, {', '.join(self.regions)}"
                )
        return [self.regions.index(r) for r in regions]

    def _regional(self, index: int, region: str) -> np.ndarray:
        """Trajectory of regional stock ``index`` including the initial value."""
        regions = self.regions if region == "total" else (region,)
        return self.regional_sum(index, regions)

    def regional_sum(self, index: int, regions: tuple[str, ...]) -> np.ndarray:
        """Trajectory (..., n_months + 1) of regional stock ``index`` (a position in
        ``layout.REGIONAL_STOCK_NAMES``) summed over ``regions`` in their order, from the start.
        """
        numbers = self._numbers(regions)
        if index >= layout.N_REGIONAL_STOCKS:  # closed-form: rate x months since the start
            rates = self.radicalisation[..., numbers].sum(axis=-1)
            return closed_form(rates, self.states.shape[-2])
        cols = [layout.regional_index(r, index) for r in numbers]
        if len(cols) == 1:
            return self.states[..., cols[0]]
        return self.states[..., cols].sum(axis=-1)

    def theatre(self, name: str) -> np.ndarray:
        """Trajectory (..., n_months + 1) of theatre stock ``name`` (``THEATRE_STOCKS``) from
        the start: local fighters in theatre, local fighters killed, or all fighters killed
        (foreign fighters killed in every region, then local fighters killed, added).
        """
        nr = len(self.regions)
        if name == "local_in_theatre":
            return self.states[..., layout.global_index(nr, layout.LOCAL_IN_THEATRE)]
        local_killed = self.states[..., layout.global_index(nr, layout.LOCAL_KILLED)]
        if name == "local_killed":
            return local_killed
        if name == "killed_all_fighters":
            return self.regional_sum(layout.KILLED, self.regions) + local_killed
        raise KeyError(f"unknown theatre stock {name!r}; allowed: {', '.join(THEATRE_STOCKS)}")

    def stock(self, name: str, region: str = "total") -> np.ndarray:
        """Stock ``name`` at the end of each month (persons), shape (..., n_months)."""
        if name in STOCKS:
            return self._regional(layout.REGIONAL_STOCK_NAMES.index(name), region)[..., 1:]
        if name in THEATRE_STOCKS:
            if region != "total":
                raise KeyError(f"{name} is a theatre stock; only region 'total' is allowed")
            return self.theatre(name)[..., 1:]
        raise KeyError(f"unknown stock {name!r}; allowed: {', '.join(STOCKS + THEATRE_STOCKS)}")

    def flow(self, name: str, region: str = "total") -> np.ndarray:
        """Flow ``name`` summed over each month (persons/month), shape (..., n_months)."""
        if name not in FLOWS:
            raise KeyError(f"unknown flow {name!r}; allowed: {', '.join(FLOWS)}")
        return np.diff(self._regional(FLOWS[name], region), axis=-1)

    def initial(self, name: str, region: str = "total") -> np.ndarray:
        """Value of regional stock ``name`` at the start of the run."""
        return self._regional(layout.REGIONAL_STOCK_NAMES.index(name), region)[..., 0]

    def member(self, e: int) -> Result:
        """One member of an ensemble as a single-run result."""
        return Result(self.dates, self.regions, self.states[e], self.radicalisation[e])

    def series(self) -> list[tuple[str, str, np.ndarray]]:
        """Every (region, variable, values) of the tidy table, in its row order.

        ``values`` has shape (n_months,) for one run and (E, n_months) for an ensemble.
        """
        out = []
        for region in ("total", *self.regions):
            for name in STOCKS:
                out.append((region, name, self.stock(name, region)))
            for name in FLOWS:
                out.append((region, name, self.flow(name, region)))
        for name in THEATRE_STOCKS:
            out.append(("total", name, self.stock(name)))
        return out

    def tidy_columns(self) -> dict[str, np.ndarray]:
        """The long table as columns: ``date`` (datetime64[D], the last day of each month),
        ``region``, ``variable`` and ``value`` (single run only), in the rows of :meth:`series`.
        """
        if self.is_ensemble:
            raise ValueError("tidy() takes a single run; use member(e) first")
        frames = self.series()
        dates = np.array(self.dates, dtype="datetime64[D]")
        n = len(dates)
        return {
            "date": np.tile(dates, len(frames)),
            "region": np.repeat([f[0] for f in frames], n),
            "variable": np.repeat([f[1] for f in frames], n),
            "value": np.concatenate([f[2] for f in frames]),
        }

    def tidy(self) -> pd.DataFrame:
        """:meth:`tidy_columns` as a pandas DataFrame (single run only)."""
        import pandas as pd

        return pd.DataFrame(self.tidy_columns())

    def quantile_columns(self, quantiles: dict[str, float]) -> dict[str, np.ndarray]:
        """Quantiles over the members of an ensemble, one column each, in the rows of
        :meth:`tidy_columns`.

        Parameters
        ----------
        quantiles
            Column name to probability, e.g. ``{"p05": 0.05, "p50": 0.5, "p95": 0.95}``.
        """
        if not self.is_ensemble:
            raise ValueError("tidy_quantiles() takes an ensemble")
        values = np.concatenate([f[2] for f in self.series()], axis=1)  # (E, rows)
        q = np.quantile(values, list(quantiles.values()), axis=0)
        return dict(zip(quantiles, q, strict=True))

    def tidy_quantiles(self, quantiles: dict[str, float]) -> pd.DataFrame:
        """:meth:`quantile_columns` as a pandas DataFrame (ensemble only)."""
        import pandas as pd

        return pd.DataFrame(self.quantile_columns(quantiles))


def csv_text(columns: dict[str, np.ndarray]) -> str:
    """CSV text of equal-length columns, with a header row: dates (datetime64[D]) as
    YYYY-MM-DD, numbers with six decimals (``%.6f``; NaN as an empty cell), text as it is,
    quoted only where it must be, each line ending in a newline alone.

    The same text as ``pandas.DataFrame(columns).to_csv(index=False, float_format="%.6f")``
    (``tests/test_definitions.py`` compares them), without importing pandas: that import was a
    quarter of a second of ``ffsim run --out``.
    """
    cells: list[list[str]] = []
    for values in columns.values():
        array = np.asarray(values)
        if array.dtype.kind == "M":
            cells.append(np.datetime_as_string(array, unit="D").tolist())
        elif array.dtype.kind == "f":
            cells.append(["" if x != x else f"{x:.6f}" for x in array.tolist()])
        else:
            cells.append([str(x) for x in array.tolist()])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(columns))
    writer.writerows(zip(*cells, strict=True))
    return buffer.getvalue()
