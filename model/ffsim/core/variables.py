"""The one table of the model's reported variables: every stock, flow and outcome by name.

Each entry gives the variable's kind, a short label (column headers, lists, the ledger chart),
a title (charts), and its unit. Everything that names a variable to a user derives from this
table: the stocks and flows a :class:`ffsim.core.results.Result` reports and their order in the
tidy table, the summary of ``ffsim run``, the outcomes of ``ffsim compare``, and the app's
charts and headline numbers. The stocks of the model, with their labels and titles, come from
the table of its structure (``ffsim.core.structure``); the flows here are what results report:
each the monthly change of one stock, which may gather several flows of the structure
(``interceptions``: prevented at home and stopped at the border).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ffsim.core import structure

Kind = Literal["stock", "flow", "outcome"]

PERSONS = structure.PERSONS
PERSONS_PER_MONTH = structure.PERSONS_PER_MONTH


@dataclass(frozen=True)
class Variable:
    """A reported variable of the model.

    Attributes
    ----------
    name
        Identifier, as in the tidy table and scenario comparisons.
    kind
        ``stock`` (a value at the end of each month), ``flow`` (a total over each month) or
        ``outcome`` (one value per run, computed from the stocks).
    label
        Short lower-case label, e.g. ``set out``.
    title
        Title of a chart of the variable, e.g. ``Everyone who has set out (cumulative)``.
    unit
        Unit of its values.
    regional
        Whether it is reported for each source region (else for the theatre: the region
        ``total`` only).
    accumulates
        For a flow: the regional stock of ``ffsim.core.structure`` whose monthly change it is.
    """

    name: str
    kind: Kind
    label: str
    title: str
    unit: str
    regional: bool = True
    accumulates: str = ""

    @property
    def heading(self) -> str:
        """The label with a capital first letter, e.g. ``Set out``."""
        return self.label[:1].upper() + self.label[1:]


def _stocks(regional: bool) -> tuple[Variable, ...]:
    """The reported stocks of the structure, regional or of the theatre, in its order."""
    return tuple(
        Variable(s.name, "stock", s.label, s.title, s.unit, s.regional)
        for s in structure.STOCKS.values()
        if s.reported and s.regional == regional
    )


def _flow(name: str, label: str, title: str, accumulates: str) -> Variable:
    return Variable(name, "flow", label, title, PERSONS_PER_MONTH, accumulates=accumulates)


VARIABLES: dict[str, Variable] = {
    v.name: v
    for v in (
        # Per-region stocks, in the order of the tidy table.
        *_stocks(regional=True),
        # Per-region flows.
        _flow(
            "radicalisation",
            "radicalisation",
            "Joining the pool per month",
            "cumulative_radicalisation",
        ),
        _flow("departures", "departures", "Departures per month", "cumulative_departures"),
        _flow("arrivals", "arrivals", "Arrivals per month", "cumulative_arrivals"),
        _flow(
            "interceptions",
            "interceptions",
            "Interceptions per month (prevented at home or stopped at the border)",
            "intercepted",
        ),
        _flow("deaths", "deaths", "Deaths per month", "killed"),
        _flow("returns", "returns", "Returns per month", "returned"),
        _flow("onward_moves", "onward moves", "Onward moves per month", "moved_on"),
        # Theatre stocks (all regions together).
        *_stocks(regional=False),
        # Not a stock of the structure: the sum of two of them.
        Variable(
            "killed_all_fighters",
            "stock",
            "all fighters killed",
            "All fighters killed, foreign and local (cumulative)",
            PERSONS,
            regional=False,
        ),
        # Outcomes of a run.
        Variable(
            "peak_in_theatre",
            "outcome",
            "peak in theatre",
            "Peak of foreign fighters in theatre",
            PERSONS,
        ),
        Variable(
            "peak_month",
            "outcome",
            "month of the peak in theatre",
            "Month of the peak of foreign fighters in theatre",
            "month",
        ),
    )
}
"""Every reported variable by name."""


def names(kind: Kind, regional: bool | None = None) -> tuple[str, ...]:
    """Names of the variables of ``kind`` in table order; only regional ones (``True``) or only
    theatre ones (``False``) if ``regional`` is given.
    """
    return tuple(
        v.name
        for v in VARIABLES.values()
        if v.kind == kind and (regional is None or v.regional == regional)
    )


def label(name: str) -> str:
    """Short label of variable ``name``, e.g. ``set out``."""
    return VARIABLES[name].label
