"""Simulation results: stocks (values at month ends) and flows (sums over months), kept apart."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ffsim.core import layout
from ffsim.core.variables import VARIABLES, names

STOCKS: tuple[str, ...] = names("stock", regional=True)
"""Per-region stocks, persons at the end of each month (``ffsim.core.variables``)."""

FLOWS: dict[str, int] = {
    name: layout.REGIONAL_STOCK_NAMES.index(VARIABLES[name].accumulates) for name in names("flow")
}
"""Per-region monthly flows (persons/month) and the accumulating stock each is the change of."""

THEATRE_STOCKS: tuple[str, ...] = names("stock", regional=False)
"""Stocks that belong to the theatre, not to a source region (region ``total`` only)."""

LEDGER: tuple[str, ...] = (
    "in_transit",
    "in_theatre",
    "returned",
    "killed",
    "moved_on",
    "intercepted",
)
"""Stocks whose sum equals ``cumulative_departures``: where everyone who set out is now."""


@dataclass(frozen=True)
class Result:
    """States at month boundaries, with accessors that name stocks and flows.

    ``states`` has shape ``(n_months + 1, n_state)`` for one run or
    ``(E, n_months + 1, n_state)`` for an ensemble; row 0 is the initial state. Stock values
    are reported at the end of each month (``dates``); flows are totals over each month.
    """

    dates: tuple[dt.date, ...]
    regions: tuple[str, ...]
    states: np.ndarray

    @property
    def is_ensemble(self) -> bool:
        """Whether the states hold many members (a leading ensemble axis)."""
        return self.states.ndim == 3

    def _regional(self, index: int, region: str) -> np.ndarray:
        """Trajectory of regional stock ``index`` including the initial value."""
        if region == "total":
            cols = [layout.regional_index(r, index) for r in range(len(self.regions))]
            return self.states[..., cols].sum(axis=-1)
        if region not in self.regions:
            raise KeyError(f"unknown region {region!r}; allowed: total, {', '.join(self.regions)}")
        return self.states[..., layout.regional_index(self.regions.index(region), index)]

    def _global(self, index: int) -> np.ndarray:
        """Trajectory of global stock ``index`` including the initial value."""
        return self.states[..., layout.global_index(len(self.regions), index)]

    def stock(self, name: str, region: str = "total") -> np.ndarray:
        """Stock ``name`` at the end of each month (persons), shape (..., n_months)."""
        if name in STOCKS:
            return self._regional(layout.REGIONAL_STOCK_NAMES.index(name), region)[..., 1:]
        if name in THEATRE_STOCKS:
            if region != "total":
                raise KeyError(f"{name} is a theatre stock; only region 'total' is allowed")
            local_killed = self._global(layout.LOCAL_KILLED)[..., 1:]
            if name == "local_killed":
                return local_killed
            if name == "local_in_theatre":
                return self._global(layout.LOCAL_IN_THEATRE)[..., 1:]
            return local_killed + self._regional(layout.KILLED, "total")[..., 1:]
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
        return Result(self.dates, self.regions, self.states[e])

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

    def tidy(self) -> pd.DataFrame:
        """Long form with columns ``date`` (datetime64, the last day of each month),
        ``region``, ``variable`` and ``value`` (single run only).
        """
        if self.is_ensemble:
            raise ValueError("tidy() takes a single run; use member(e) first")
        frames = self.series()
        dates = np.array(self.dates, dtype="datetime64[D]")
        n = len(dates)
        return pd.DataFrame(
            {
                "date": np.tile(dates, len(frames)),
                "region": np.repeat([f[0] for f in frames], n),
                "variable": np.repeat([f[1] for f in frames], n),
                "value": np.concatenate([f[2] for f in frames]),
            }
        )

    def tidy_quantiles(self, quantiles: dict[str, float]) -> pd.DataFrame:
        """Quantiles over the members of an ensemble, one column each, in the rows of ``tidy``.

        Parameters
        ----------
        quantiles
            Column name to probability, e.g. ``{"p05": 0.05, "p50": 0.5, "p95": 0.95}``.
        """
        if not self.is_ensemble:
            raise ValueError("tidy_quantiles() takes an ensemble")
        values = np.concatenate([f[2] for f in self.series()], axis=1)  # (E, rows)
        q = np.quantile(values, list(quantiles.values()), axis=0)
        return pd.DataFrame(dict(zip(quantiles, q, strict=True)))
