"""Simulation results: stocks (values at month ends) and flows (sums over months), kept apart."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ffsim.core import layout, structure
from ffsim.core.variables import VARIABLES, label, names

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

BANDS: dict[str, float] = {"p05": 0.05, "p50": 0.5, "p95": 0.95}
"""The posterior quantiles :meth:`Result.to_pandas` adds by default (``ffsim run --draws``'s)."""

SUMMARY: tuple[str, ...] = (
    "cumulative_departures",
    "in_theatre",
    "returned",
    "killed",
    "moved_on",
    "intercepted",
)
"""The stocks of a result's summary, at the end of the run: its notebook display and the table
of ``ffsim run``."""

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
    name: str = field(default="", compare=False)
    """What was run (a scenario's name), for displays; empty when not known."""
    posterior: Result | None = field(default=None, compare=False, repr=False)
    """The same run over posterior draws (an ensemble), when it was asked for
    (``ffsim.simulate(..., draws=N)``): :meth:`to_pandas` then adds quantile columns."""

    def __repr__(self) -> str:
        """What ran, its span and size; never the arrays."""
        members = f", {self.states.shape[0]} members" if self.is_ensemble else ""
        draws = "" if self.posterior is None else f", {self.posterior.states.shape[0]} draws"
        named = f"{self.name!r}, " if self.name else ""
        return (
            f"Result({named}{self.dates[0]:%Y-%m} to {self.dates[-1]:%Y-%m}, "
            f"{len(self.dates)} months, {len(self.regions)} regions{members}{draws})"
        )

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
        return Result(self.dates, self.regions, self.states[e], self.radicalisation[e], self.name)

    def columns(self, region: str = "total") -> tuple[str, ...]:
        """The variables :meth:`to_pandas` has for ``region``: every stock, then every flow
        (and the theatre's stocks for ``total``), in the order of the tidy table.
        """
        theatre = THEATRE_STOCKS if region == "total" else ()
        return (*STOCKS, *FLOWS, *theatre)

    def values(self, name: str, region: str = "total") -> np.ndarray:
        """Stock or flow ``name`` of ``region`` at each month: (..., n_months)."""
        return self.flow(name, region) if name in FLOWS else self.stock(name, region)

    def to_pandas(
        self, region: str | None = "total", quantiles: Mapping[str, float] | None = None
    ) -> pd.DataFrame:
        """The run as a wide table: one row per month (a ``DatetimeIndex`` named ``date``, the
        last day of each month), one column per stock and flow (:meth:`columns`).

        Parameters
        ----------
        region
            ``total`` (the sum over source regions, with the theatre's stocks), a region's id,
            or None for every region: the columns are then a ``MultiIndex`` (region, column).
        quantiles
            Column suffix to probability (default :data:`BANDS`: ``p05``, ``p50``, ``p95``).
            When the result carries posterior draws (``ffsim.simulate(..., draws=N)``), each
            variable ``x`` gets ``x_p05``, ``x_p50`` and ``x_p95`` beside it: quantiles over the
            draws, month by month. An ensemble gives only the quantile columns.

        Raises
        ------
        KeyError
            An unknown region (the allowed ones are named).
        """
        import pandas as pd

        if region is None:
            parts = {r: self.to_pandas(r, quantiles) for r in ("total", *self.regions)}
            return pd.concat(parts, axis=1, names=["region", "column"])
        if region != "total":
            self._numbers((region,))
        bands = dict(BANDS if quantiles is None else quantiles)
        ensemble = self if self.is_ensemble else self.posterior
        data: dict[str, np.ndarray] = {}
        for name in self.columns(region):
            if not self.is_ensemble:
                data[name] = self.values(name, region)
            if ensemble is not None and bands:
                q = np.quantile(ensemble.values(name, region), list(bands.values()), axis=0)
                data |= {f"{name}_{suffix}": row for suffix, row in zip(bands, q, strict=True)}
        index = pd.DatetimeIndex(np.array(self.dates, dtype="datetime64[ns]"), name="date")
        return pd.DataFrame(data, index=index)

    def _repr_html_(self) -> str:
        """A compact summary for notebooks: what ran, then the summary stocks at the end and the
        peak in theatre (with the 5% to 95% of the posterior draws when it carries them).
        """
        ensemble = self if self.is_ensemble else self.posterior
        head = html.escape(repr(self))
        rows = []
        for name in (*SUMMARY, "peak_in_theatre"):
            if name == "peak_in_theatre":
                series = self.stock("in_theatre")
                values = series.max(axis=-1)
                when = "" if self.is_ensemble else f" ({self.dates[int(series.argmax())]:%Y-%m})"
            else:
                values, when = self.stock(name)[..., -1], ""
            best = "" if self.is_ensemble else f"{float(values):,.0f}{when}"
            band = ""
            if ensemble is not None:
                if name == "peak_in_theatre":
                    low, high = np.quantile(ensemble.stock("in_theatre").max(axis=-1), (0.05, 0.95))
                else:
                    low, high = np.quantile(ensemble.stock(name)[..., -1], (0.05, 0.95))
                band = f"<td>{low:,.0f} to {high:,.0f}</td>"
            rows.append(f"<tr><th>{html.escape(label(name))}</th><td>{best}</td>{band}</tr>")
        heads = "<th></th><th>best fit</th>" if not self.is_ensemble else "<th></th><th></th>"
        if ensemble is not None:
            heads += "<th>5% to 95%</th>"
        return (
            f"<div><p><b>{head}</b><br>persons at the end of {self.dates[-1]:%Y-%m}, all "
            f"source regions</p><table><tr>{heads}</tr>{''.join(rows)}</table></div>"
        )

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
