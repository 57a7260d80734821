"""The model's structure, written once: every stock, every flow, and which flow fills which stock.

A flow names the stock it drains (``source``) and the stock it fills (``destination``), either
of which may be the outside of the model (:data:`OUTSIDE`); each stock's inflows and outflows,
a flow's unit and whether it runs per source region are derived from those ends. Everything
that names the model's stocks or connects them reads this table: the positions of the state
vector (``ffsim.core.layout``), the reported stocks (``ffsim.core.variables``), the people
ledger (``ffsim.core.results.LEDGER``), the stock-and-flow diagram (``ffsim.teaching.diagram``)
and the symbolic equations and their XMILE export (``ffsim.exchange``). The arithmetic of the
flows is not here: it is in the kernel (``ffsim.core.rhs``) and, as expressions, in
``ffsim.exchange.equations``, held to each other by tests.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

PERSONS = "persons"
PERSONS_PER_MONTH = "persons/month"
OUTSIDE = "outside"
"""The end of a flow that lies outside the model: a source or a sink (a cloud on the diagram)."""


@dataclass(frozen=True)
class Stock:
    """A stock of the model.

    Attributes
    ----------
    name
        Identifier, as in the state layout, the tidy table and the XMILE export.
    label
        Short lower-case label, e.g. ``in transit``.
    title
        Title of a chart of the stock, e.g. ``In transit to Syria or Iraq``.
    unit
        Unit of its values: ``persons``, or ``index`` for perceived territory.
    regional
        Whether there is one per source region (else one for the theatre, all regions).
    reported
        Whether results report it (``ffsim.core.variables``).
    counts
        For a counting stock, the quantity whose running total it keeps (its one inflow is
        ``<counts>_counted``, which drains nothing): monthly flows are its differences.
    closed_form
        Whether it is computed in closed form on output rather than integrated.
    doc
        What it holds, a sentence (the XMILE export's documentation); empty: the title.
    inflows, outflows
        Names of the flows that fill and drain it, in the order of :data:`FLOWS` (derived).
    """

    name: str
    label: str
    title: str
    unit: str = PERSONS
    regional: bool = True
    reported: bool = True
    counts: str = ""
    closed_form: bool = False
    doc: str = ""
    inflows: tuple[str, ...] = ()
    outflows: tuple[str, ...] = ()

    @property
    def documentation(self) -> str:
        """What the stock holds: :attr:`doc`, or else its title."""
        return self.doc or self.title


@dataclass(frozen=True)
class Flow:
    """A flow of the model, from one stock (or the outside) to another.

    Attributes
    ----------
    name
        Identifier, as in the equations and the XMILE export.
    label
        Its words on the stock-and-flow diagram (a line break written as a newline).
    source, destination
        The stock it drains and the stock it fills, or :data:`OUTSIDE`.
    doc
        What it is, a sentence (the XMILE export's documentation).
    unit
        Its stock ends' unit per month, e.g. ``persons/month`` (derived).
    regional
        Whether there is one per source region, as its stock ends (derived).
    """

    name: str
    label: str
    source: str
    destination: str
    doc: str
    unit: str = ""
    regional: bool = False

    @property
    def ends(self) -> tuple[str, ...]:
        """Its ends that are stocks, source first."""
        return tuple(end for end in (self.source, self.destination) if end != OUTSIDE)


# Regional stocks first, in the order of a region's block of the state vector (the closed-form
# ones last, as they are not in it), then the global ones.
_STOCKS: tuple[Stock, ...] = (
    Stock("pool", "pool", "Would-be recruits (the pool)"),
    Stock("in_transit", "in transit", "In transit to Syria or Iraq"),
    Stock("in_theatre", "in theatre", "Foreign fighters in theatre"),
    Stock("returned", "returned", "Returned (cumulative)"),
    Stock("killed", "killed", "Killed (cumulative)"),
    Stock("moved_on", "moved on", "Moved on to other theatres (cumulative)"),
    Stock(
        "stopped",
        "stopped",
        "Stopped from leaving, still at home",
        doc="People who set out and were stopped, at home or at the Turkish border, and are back "
        "in their region: under watch, or given up, or about to try again.",
    ),
    Stock(
        "intercepted",
        "intercepted",
        "Interceptions (cumulative)",
        counts="interceptions",
        doc="Every stop so far, at home or at the border (cumulative; a person stopped twice "
        "counts twice).",
    ),
    Stock(
        "cumulative_departures",
        "set out",
        "Everyone who has set out (cumulative)",
        counts="departures",
    ),
    Stock(
        "cumulative_arrivals",
        "arrived in Syria or Iraq",
        "Everyone who has arrived (cumulative)",
        counts="arrivals",
    ),
    Stock(
        "fighters_arrived",
        "fighters arrived",
        "Fighters among everyone who has arrived (cumulative)",
        counts="fighter_arrivals",
        doc="Everyone who has arrived less the women and minors among them (cumulative): the "
        "arrivals times one less the share of women and minors of the region at the time.",
    ),
    Stock(
        "cumulative_radicalisation",
        "joined the pool",
        "Everyone who has joined the pool (cumulative)",
        reported=False,
        counts="radicalisation",
        closed_form=True,
        doc="Everyone who has joined the region's pool (cumulative).",
    ),
    Stock(
        "perceived_territory",
        "perceived territory",
        "Territory held as perceived abroad",
        unit="index",
        regional=False,
        reported=False,
        doc="Territory held as perceived abroad: the territory driver seen through a first-order "
        "information delay of perception_delay months (index, 1 = peak).",
    ),
    Stock(
        "local_in_theatre",
        "local fighters in theatre",
        "Local (Syrian and Iraqi) fighters in theatre",
        regional=False,
    ),
    Stock(
        "local_killed",
        "local fighters killed",
        "Local fighters killed (cumulative)",
        regional=False,
    ),
)

# The flows that move people or information, in the order the diagram draws them, then the
# counting flows.
_FLOWS: tuple[Flow, ...] = (
    Flow("radicalisation", "radicalisation", OUTSIDE, "pool", "Joining the pool."),
    Flow("disengagement", "disengagement", "pool", OUTSIDE, "Leaving the pool without travel."),
    Flow(
        "entering_transit",
        "departures x (1 - prevention)",
        "pool",
        "in_transit",
        "Departures not prevented at home.",
    ),
    Flow(
        "prevented_at_home",
        "departures x prevention\n(prevented_at_home)",
        "pool",
        "stopped",
        "Stopped at home.",
    ),
    Flow("arrivals", "arrivals", "in_transit", "in_theatre", "Crossing into Syria or Iraq."),
    Flow(
        "stopped_at_border",
        "stopped_at_border",
        "in_transit",
        "stopped",
        "Stopped at the Turkish border.",
    ),
    Flow(
        "retrying",
        "retrying",
        "stopped",
        "in_transit",
        "Setting out again after a stop (those stopped again at home stay).",
    ),
    Flow("deaths", "deaths", "in_theatre", "killed", "Foreign fighters killed."),
    Flow("returns", "returns", "in_theatre", "returned", "Returning home."),
    Flow("onward_moves", "onward_moves", "in_theatre", "moved_on", "Moving on to other theatres."),
    Flow(
        "local_joining",
        "local recruitment",
        OUTSIDE,
        "local_in_theatre",
        "Local recruitment, proportional to territory held.",
    ),
    Flow(
        "local_deaths", "local deaths", "local_in_theatre", "local_killed", "Local fighters killed."
    ),
    Flow("local_exits", "local exits", "local_in_theatre", OUTSIDE, "Local fighters leaving."),
    Flow(
        "perception_adjustment",
        "information delay",
        OUTSIDE,
        "perceived_territory",
        "Change of perceived territory (index/month; either sign).",
    ),
    *(
        Flow(
            f"{s.counts}_counted",
            f"{s.counts} counted",
            OUTSIDE,
            s.name,
            f"{s.counts} again, counted into {s.name}.",
        )
        for s in _STOCKS
        if s.counts
    ),
)


def _with_ends() -> tuple[dict[str, Stock], dict[str, Flow]]:
    """The tables with what is derived from the flows' ends filled in."""
    written = {s.name: s for s in _STOCKS}
    flows = {}
    for f in _FLOWS:
        end = written[f.ends[0]]  # KeyError: a flow's end is neither a stock nor the outside
        flows[f.name] = replace(f, unit=f"{end.unit}/month", regional=end.regional)
    stocks = {
        s.name: replace(
            s,
            inflows=tuple(f.name for f in _FLOWS if f.destination == s.name),
            outflows=tuple(f.name for f in _FLOWS if f.source == s.name),
        )
        for s in _STOCKS
    }
    return stocks, flows


STOCKS, FLOWS = _with_ends()
"""Every stock and every flow of the model by name, in table order."""


def stock_names(regional: bool) -> tuple[str, ...]:
    """Names of the regional (``True``) or the global (``False``) stocks, in table order."""
    return tuple(s.name for s in STOCKS.values() if s.regional == regional)


def downstream(stock: str) -> tuple[str, ...]:
    """The stocks that what leaves ``stock`` reaches through flows, in table order (not
    ``stock`` itself, nor the outside).
    """
    reached: set[str] = set()
    todo = [stock]
    while todo:
        for name in STOCKS[todo.pop()].outflows:
            end = FLOWS[name].destination
            if end != OUTSIDE and end not in reached:
                reached.add(end)
                todo.append(end)
    return tuple(name for name in STOCKS if name in reached and name != stock)


def boundary(stocks: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The flows that enter the group ``stocks`` from elsewhere and those that leave it, in
    table order: the group's sum changes by the first less the second.
    """
    group = set(stocks)
    entering = tuple(
        f.name for f in FLOWS.values() if f.destination in group and f.source not in group
    )
    leaving = tuple(
        f.name for f in FLOWS.values() if f.source in group and f.destination not in group
    )
    return entering, leaving


PEOPLE_LEDGER: tuple[str, ...] = downstream("pool")
"""Where everyone who left the pool for a stock is now (in transit, in theatre, returned,
killed, moved on, stopped): no flow leaves these stocks for the outside, so their sum is
everyone who has set out, ``cumulative_departures``."""
