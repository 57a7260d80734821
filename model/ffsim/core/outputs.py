"""Selected outputs of an ensemble: which stocks and flows, summed over which regions, which months.

An ensemble of 10,000 members holds about 470 MB of full states, and most callers read a few
totals from it. A :class:`Selection` names what to keep; the integrator then records only those
sums (*channels*: one stock summed over some regions) at the month boundaries they need, into a
buffer the caller may reuse. :class:`Outputs` reads them back with the accessors of
:class:`ffsim.core.results.Result`. A channel's sum runs over its regions in the order given,
left to right, as ``Result`` sums them with numpy, so both give the same numbers to the last bit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ffsim.core import layout
from ffsim.core.results import FLOWS, STOCKS, THEATRE_STOCKS, closed_form

TOTAL: tuple[str, ...] = ()
"""``regions`` of an output summed over every region (the ``total`` of the tidy table)."""


@dataclass(frozen=True)
class Output:
    """One stored output: stock or flow ``name`` (``ffsim.core.variables``, or
    ``cumulative_radicalisation``), summed over ``regions`` (region ids, in the order the sum
    runs; :data:`TOTAL`, the default, for every region). Theatre stocks take :data:`TOTAL` only.
    """

    name: str
    regions: tuple[str, ...] = TOTAL

    @property
    def stock(self) -> str:
        """The stock the kernel records for this output: the stock itself, or for a flow the
        accumulating stock whose monthly change it is.
        """
        return layout.REGIONAL_STOCK_NAMES[FLOWS[self.name]] if self.name in FLOWS else self.name


ALLOWED: tuple[str, ...] = (*STOCKS, *FLOWS, *THEATRE_STOCKS, *layout.CLOSED_FORM_STOCK_NAMES)
"""Names an :class:`Output` may take."""


@dataclass(frozen=True)
class Selection:
    """What an ensemble stores: ``outputs``, at the end of ``months`` (month numbers from 1, the
    first month of the run; ``None``, the default, for every month). A stock is kept at the end
    of each selected month, a flow as its total over each selected month.

    Raises
    ------
    ValueError
        On an unknown output or region, a theatre stock asked by region, or months that are not
        increasing whole numbers from 1; the message names the value and what is allowed.
    """

    outputs: tuple[Output, ...]
    months: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        """Check every output, region and month (see the class)."""
        from ffsim.core.regions import REGION_IDS

        if not self.outputs:
            raise ValueError(
                "a selection needs at least one output; allowed: " + ", ".join(ALLOWED)
            )
        for out in self.outputs:
            if out.name not in ALLOWED:
                raise ValueError(f"unknown output {out.name!r}; allowed: {', '.join(ALLOWED)}")
            if out.name in THEATRE_STOCKS and out.regions != TOTAL:
                raise ValueError(
                    f"output {out.name!r} is a theatre stock: regions {out.regions!r} not "
                    "allowed; allowed: the total only (regions=())"
                )
            for region in out.regions:
                if region not in REGION_IDS:
                    raise ValueError(
                        f"output {out.name!r}: unknown region {region!r}; allowed: "
                        f"{', '.join(REGION_IDS)} (or regions=() for the total)"
                    )
        if self.months is not None:
            months = list(self.months)
            whole = all(isinstance(m, int) and not isinstance(m, bool) for m in months)
            if not months or not whole or months[0] < 1 or months != sorted(set(months)):
                raise ValueError(
                    f"months {self.months!r}; allowed: increasing whole month numbers from 1 "
                    "(the run's first month), or None for every month"
                )

    @classmethod
    def of(
        cls, names: tuple[str, ...], region: str = "total", months: tuple[int, ...] | None = None
    ) -> Selection:
        """Outputs ``names`` of one ``region`` (a region id, or ``total`` for every region)."""
        regions = TOTAL if region == "total" else (region,)
        return cls(tuple(Output(n, regions) for n in names), months)

    def channels(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The distinct (stock, regions) the kernel records, closed-form stocks excluded."""
        return self._channels

    @cached_property
    def _channels(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        # Worked out once per selection: every value read from an ensemble looks it up.
        keys = dict.fromkeys(
            (o.stock, o.regions)
            for o in self.outputs
            if o.stock not in layout.CLOSED_FORM_STOCK_NAMES
        )
        return tuple(keys)

    def month_numbers(self, n_months: int) -> tuple[int, ...]:
        """The month numbers reported in a run of ``n_months`` months.

        Raises
        ------
        ValueError
            When a selected month is beyond the run.
        """
        if self.months is None:
            return tuple(range(1, n_months + 1))
        if self.months[-1] > n_months:
            raise ValueError(f"month {self.months[-1]} is beyond the run; allowed: 1 to {n_months}")
        return self.months

    def boundaries(self, n_months: int) -> tuple[int, ...]:
        """Month boundaries recorded (0 is the start): every boundary when ``months`` is None,
        else the end of each selected month and, for flows, the end of the month before it.
        """
        if self.months is None:  # every boundary: whole trajectories from the start
            return tuple(range(n_months + 1))
        months = self.month_numbers(n_months)
        flows = any(o.name in FLOWS for o in self.outputs)
        ends = set(months) | ({m - 1 for m in months} if flows else set())
        return tuple(sorted(ends))

    def shape(self, n_members: int, n_months: int) -> tuple[int, int, int]:
        """Shape of the buffer the values go into: (members, boundaries, channels)."""
        return (n_members, len(self.boundaries(n_months)), len(self.channels()))

    def rows(self, regions: tuple[str, ...]) -> np.ndarray:
        """The state rows each channel sums, (n_channels, width) int64, padded with -1.

        ``regions`` are the run's region ids, in the order of the state vector.
        """
        lists = [_rows(stock, over or regions, regions) for stock, over in self.channels()]
        width = max((len(r) for r in lists), default=1)
        out = np.full((len(lists), width), -1, dtype=np.int64)
        for c, r in enumerate(lists):
            out[c, : len(r)] = r
        return out


def _rows(stock: str, over: tuple[str, ...], regions: tuple[str, ...]) -> list[int]:
    """State rows whose sum is ``stock`` over regions ``over``, in the order of the sum."""
    nr = len(regions)
    if stock == "local_in_theatre":
        return [layout.global_index(nr, layout.LOCAL_IN_THEATRE)]
    if stock == "local_killed":
        return [layout.global_index(nr, layout.LOCAL_KILLED)]
    if stock == "killed_all_fighters":  # foreign fighters killed, then local fighters killed
        killed = [layout.regional_index(regions.index(r), layout.KILLED) for r in regions]
        return [*killed, layout.global_index(nr, layout.LOCAL_KILLED)]
    index = layout.REGIONAL_STOCK_NAMES.index(stock)
    return [layout.regional_index(regions.index(r), index) for r in over]


@dataclass(frozen=True)
class Outputs:
    """The selected outputs of an ensemble run, read by name as from a ``Result``.

    ``values`` has shape (E, n_boundaries, n_channels): channel ``c`` of ``selection.channels()``
    at month boundary ``boundaries[k]``. When the caller passed a buffer, ``values`` is that
    buffer, and the next run into it overwrites these values. ``radicalisation`` (E, n_regions,
    persons/month) gives the closed-form cumulative radicalisation.
    """

    dates: tuple[dt.date, ...]
    regions: tuple[str, ...]
    selection: Selection
    boundaries: tuple[int, ...]
    values: np.ndarray
    radicalisation: np.ndarray

    is_ensemble = True

    @property
    def months(self) -> tuple[int, ...]:
        """Month numbers (from 1) of the reported values."""
        return self.selection.month_numbers(len(self.dates))

    @property
    def month_dates(self) -> tuple[dt.date, ...]:
        """Month-end dates of the reported values."""
        return tuple(self.dates[m - 1] for m in self.months)

    def _channel(self, stock: str, regions: tuple[str, ...]) -> np.ndarray:
        """Trajectory (E, n_boundaries) of ``stock`` over ``regions`` at the boundaries."""
        if stock in layout.CLOSED_FORM_STOCK_NAMES:
            numbers = [self.regions.index(r) for r in regions or self.regions]
            rates = self.radicalisation[:, numbers].sum(axis=-1)
            return closed_form(rates, self.boundaries[-1] + 1)[:, list(self.boundaries)]
        channels = self.selection.channels()
        key = (stock, () if regions == self.regions else regions)
        for candidate in (key, (stock, regions)):
            if candidate in channels:
                return self.values[:, :, channels.index(candidate)]
        stored = ", ".join(f"{s} over {r or 'every region'}" for s, r in channels)
        raise KeyError(f"{stock} over {regions or 'every region'} was not stored; stored: {stored}")

    def _positions(self, months: tuple[int, ...]) -> list[int]:
        return [self.boundaries.index(m) for m in months]

    def regional_sum(self, index: int, regions: tuple[str, ...]) -> np.ndarray:
        """Trajectory (E, n_boundaries) of regional stock ``index`` (a position in
        ``layout.REGIONAL_STOCK_NAMES``) summed over ``regions``, at :attr:`boundaries`.
        """
        return self._channel(layout.REGIONAL_STOCK_NAMES[index], tuple(regions))

    def theatre(self, name: str) -> np.ndarray:
        """Trajectory (E, n_boundaries) of theatre stock ``name`` at :attr:`boundaries`."""
        return self._channel(name, TOTAL)

    def _trajectory(self, stock: str, region: str) -> np.ndarray:
        if region != "total" and region not in self.regions:
            raise KeyError(f"unknown region {region!r}; allowed: total, {', '.join(self.regions)}")
        return self._channel(stock, TOTAL if region == "total" else (region,))

    def stock(self, name: str, region: str = "total") -> np.ndarray:
        """Stock ``name`` at the end of each selected month (persons), shape (E, n_months)."""
        if name not in STOCKS + THEATRE_STOCKS + layout.CLOSED_FORM_STOCK_NAMES:
            raise KeyError(f"unknown stock {name!r}; allowed: {', '.join(STOCKS + THEATRE_STOCKS)}")
        if name in THEATRE_STOCKS and region != "total":
            raise KeyError(f"{name} is a theatre stock; only region 'total' is allowed")
        return self._trajectory(name, region)[:, self._positions(self.months)]

    def flow(self, name: str, region: str = "total") -> np.ndarray:
        """Flow ``name`` summed over each selected month (persons/month), shape (E, n_months)."""
        if name not in FLOWS:
            raise KeyError(f"unknown flow {name!r}; allowed: {', '.join(FLOWS)}")
        stock = layout.REGIONAL_STOCK_NAMES[FLOWS[name]]
        trajectory = self._trajectory(stock, region)
        months = self.months
        if months == tuple(range(1, len(self.dates) + 1)):
            return np.diff(trajectory, axis=-1)  # every month: as Result.flow
        ends = trajectory[:, self._positions(months)]
        return ends - trajectory[:, self._positions(tuple(m - 1 for m in months))]
