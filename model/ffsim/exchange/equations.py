"""The model's equations as one symbolic description: every stock, flow and auxiliary.

This is the right-hand side of ``ffsim.core.rhs`` (and of ``docs/model.md``, "Equations")
written as expressions (:mod:`ffsim.exchange.expressions`) that can be rendered as XMILE or
evaluated. Only the expressions are written here: the stocks and flows, which flow fills and
drains which stock, their units, documentation and whether they run per region are read from
the table of the model's structure (:mod:`ffsim.core.structure`). Parameters and drivers are
referred to by name; their values, units and documentation come from the schema
(``ffsim.core.parameters``) and the driver series, in :mod:`ffsim.exchange.xmile`.

Two tests hold it to the kernel: the evaluated derivatives equal ``rhs`` at random states, and
the XMILE export run by PySD equals ``ffsim.core.euler.simulate_euler``
(``tests/exchange/test_xmile.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from ffsim.core.drivers import LOSS_WINDOW
from ffsim.core.rhs import (
    CALIPHATE_RAMP_END,
    CALIPHATE_RAMP_START,
    KINDS_LATE_END,
    KINDS_LATE_START,
    NETWORK_FLOOR,
    PAY_REFERENCE_USD,
    SALIENCE_CLAMP,
)
from ffsim.core.structure import FLOWS, STOCKS
from ffsim.core.variables import VARIABLES
from ffsim.exchange.expressions import (
    Expr,
    IfPositive,
    Num,
    Ref,
    Values,
    exp,
    guard,
    maximum,
    minimum,
    sqrt,
    total,
)

Kind = Literal["stock", "flow", "aux"]

TIME = Ref("TIME")
"""The run's time (months since the first day of its first month): XMILE's ``TIME``."""

CONSTANTS: dict[str, tuple[float, str, str]] = {
    "pay_reference": (
        PAY_REFERENCE_USD,
        "USD/month",
        "Pay at which the pay effect on appeal is 1: mid-2014 pay (Haaretz 2016-06-26).",
    ),
    "network_floor": (
        NETWORK_FLOOR,
        "persons",
        "Persons added to a region's radical circle in the network share, so that an empty "
        "region has a share of 0/1.",
    ),
    "salience_clamp": (
        SALIENCE_CLAMP,
        "dmnl",
        "Largest |argument| of the salience logistic: beyond it the salience is 0 or 1 to 1e-17.",
    ),
    "caliphate_ramp_start": (
        CALIPHATE_RAMP_START,
        "months",
        "Start of the caliphate's rise in appeal, months since 2012-01-01: 1 June 2014 (Mosul "
        "fell on 10 June).",
    ),
    "caliphate_ramp_end": (
        CALIPHATE_RAMP_END,
        "months",
        "End of the caliphate's rise in appeal, months since 2012-01-01: 1 July 2014 (the "
        "caliphate was proclaimed on 29 June).",
    ),
    "kinds_late_start": (
        KINDS_LATE_START,
        "months",
        "Start of the third period of the shares of women and minors among arrivals, months "
        "since 2012-01-01: 1 July 2015; the share rises to it over July 2015.",
    ),
    "kinds_late_end": (
        KINDS_LATE_END,
        "months",
        "End of the rise to the third period's shares of women and minors, months since "
        "2012-01-01: 1 August 2015.",
    ),
    "loss_window": (
        LOSS_WINDOW,
        "months",
        "Months over which territory retaken is counted for the ground-combat death hazard.",
    ),
    "months_per_year": (
        12.0,
        "months/year",
        "Months in a year: turns a change per month into a change per year.",
    ),
}
"""Constants of the kernel (name: value, unit, documentation), each read from its owner."""

COUNTERS: dict[str, str] = {s.name: s.counts for s in STOCKS.values() if s.counts}
"""Counting stocks (not drawn in the diagram) and the quantity each accumulates, through a flow
named ``<quantity>_counted``: monthly flows are their differences, so they are exact."""


@dataclass(frozen=True)
class Equation:
    """One stock, flow or auxiliary of the model.

    ``expr`` is the equation of a flow or auxiliary, and the initial value of a stock; a
    stock's change is the sum of its ``inflows`` less its ``outflows`` (flow names). ``units``
    is an XMILE unit expression; ``regional`` says whether there is one per source region.
    """

    name: str
    kind: Kind
    expr: Expr
    units: str
    doc: str
    regional: bool
    inflows: tuple[str, ...] = field(default=())
    outflows: tuple[str, ...] = field(default=())


def equations(regions: tuple[str, ...]) -> tuple[Equation, ...]:
    """Every stock, flow and auxiliary of the model for source ``regions``, in an order in
    which each auxiliary and flow is defined before it is used.
    """

    def r(name: str, region: str | None = None) -> Ref:
        return Ref(name, region)

    tp = guard(r("perceived_territory"))
    pool, transit, theatre = guard(r("pool")), guard(r("in_transit")), guard(r("in_theatre"))
    stopped = guard(r("stopped"))
    local = guard(r("local_in_theatre"))

    def salience(months: Expr) -> Expr:
        x = (months - r("salience_midpoint")) / r("salience_width")
        clamped = minimum(maximum(x, -r("salience_clamp")), r("salience_clamp"))
        return 1.0 / (1.0 + exp(-clamped))

    per_month, dmnl, persons = "1/month", "dmnl", "persons"
    flow_units = "persons/month"
    # name, equation, units, documentation, regional
    auxes: list[tuple[str, Expr, str, str, bool]] = [
        ("calendar_time", TIME + r("start_month"), "months", "Months since 2012-01-01.", False),
        (
            "territory_loss",
            maximum(r("territory_lagged") - r("territory"), 0.0)
            * r("months_per_year")
            / r("loss_window"),
            "index/year",
            "Territory retaken over the last loss_window months, per year (>= 0).",
            False,
        ),
        (
            "territory_trend",
            r("months_per_year") * (r("territory") - tp) / r("perception_delay"),
            "index/year",
            "Yearly trend of perceived territory.",
            False,
        ),
        (
            "momentum",
            r("momentum_sensitivity") * r("territory_trend"),
            dmnl,
            "Momentum: momentum_sensitivity x yearly trend of perceived territory.",
            False,
        ),
        (
            "momentum_effect",
            1.0 + r("momentum") / sqrt(1.0 + r("momentum") * r("momentum")),
            dmnl,
            "Algebraic sigmoid of momentum, between 0 and 2, 1 when territory is flat.",
            False,
        ),
        (
            "pay_effect",
            (maximum(r("pay"), 0.0) / r("pay_reference")) ** r("pay_elasticity"),
            dmnl,
            "Pay relative to $1,000 a month, to the power pay_elasticity.",
            False,
        ),
        (
            "strength",
            local + total(lambda g: guard(r("in_theatre", g)), regions),
            persons,
            "All fighters in theatre, local and foreign.",
            False,
        ),
        (
            "strength_effect",
            r("strength") / (r("strength") + r("strength_half")),
            dmnl,
            "Strength of the force in theatre relative to strength_half: the spiral of decline.",
            False,
        ),
        (
            "success_appeal",
            r("appeal_territory")
            * (tp * r("momentum_effect") * r("pay_effect") * r("strength_effect")),
            dmnl,
            "Appeal added by the group's success: perceived territory x momentum, pay and "
            "strength effects.",
            False,
        ),
        (
            "salience_late",
            salience(r("calendar_time")),
            dmnl,
            "The war's salience abroad (logistic rise, argument clamped to +-salience_clamp).",
            False,
        ),
        (
            "salience_early",
            salience(r("calendar_time") + r("early_wave_lead")),
            dmnl,
            "The war's salience abroad in early-wave regions, early_wave_lead months earlier.",
            False,
        ),
        (
            "caliphate",
            minimum(
                maximum(
                    (r("calendar_time") - r("caliphate_ramp_start"))
                    / (r("caliphate_ramp_end") - r("caliphate_ramp_start")),
                    0.0,
                ),
                1.0,
            ),
            dmnl,
            "The caliphate event: 0 before June 2014, rising linearly over June 2014 (Mosul fell "
            "on 10 June, the caliphate was proclaimed on 29 June), 1 after.",
            False,
        ),
        (
            "kinds_late",
            minimum(
                maximum(
                    (r("calendar_time") - r("kinds_late_start"))
                    / (r("kinds_late_end") - r("kinds_late_start")),
                    0.0,
                ),
                1.0,
            ),
            dmnl,
            "The third period of the shares of women and minors: 0 before July 2015, rising "
            "linearly over July 2015, 1 after.",
            False,
        ),
        (
            "caliphate_gain",
            1.0 + r("caliphate_effect") * r("caliphate"),
            dmnl,
            "Multiplier of the base appeal by the caliphate: 1 before, 1 + caliphate_effect after.",
            False,
        ),
        (
            "border_stop",
            minimum(r("border_stop_max") * r("border_closure"), 1.0),
            dmnl,
            "Probability that a crossing of the border is stopped: border_stop_max x the closure "
            "index, at most 1.",
            False,
        ),
        (
            "combat_multiplier",
            1.0
            + r("air_lethality") * r("air_campaign")
            + r("ground_lethality") * r("territory_loss"),
            dmnl,
            "Multiplier of death hazards by the air campaign and ground offensives.",
            False,
        ),
        (
            "combat_hazard",
            r("combat_mortality") * r("combat_multiplier"),
            per_month,
            "Death hazard of local fighters.",
            False,
        ),
        (
            "foreign_death_hazard",
            r("foreign_death_rate") * r("combat_multiplier"),
            per_month,
            "Death hazard of foreign fighters before the regional death propensity.",
            False,
        ),
        (
            "exit_open",
            1.0 - r("exit_blocking") * r("border_stop"),
            dmnl,
            "Share of returns and onward moves not blocked by the border closure.",
            False,
        ),
        (
            "return_hazard",
            r("return_rate")
            * (1.0 + r("desertion_sensitivity") * (1.0 - tp))
            * (1.0 + r("reintegration_offer"))
            * r("exit_open"),
            per_month,
            "Return hazard before the regional return propensity.",
            False,
        ),
        (
            "onward_hazard",
            r("onward_rate") * (1.0 - tp) * r("exit_open"),
            per_month,
            "Hazard of moving on to another theatre.",
            False,
        ),
        (
            "transit_exit",
            1.0 / r("transit_time"),
            per_month,
            "Rate of leaving transit (crossing or being stopped).",
            False,
        ),
        (
            "radicalisation_total",
            total(lambda g: r("radicalisation_rate", g), regions),
            flow_units,
            "Sum of the regions' radicalisation rates.",
            False,
        ),
        (
            "initial_share",
            IfPositive(
                r("radicalisation_total"),
                r("radicalisation_rate") / r("radicalisation_total"),
                Num(1.0 / len(regions)),
            ),
            dmnl,
            "The region's share of initial_in_theatre (its share of radicalisation).",
            True,
        ),
        (
            "appeal",
            r("early_wave") * (r("appeal_base") * r("salience_early") * r("caliphate_gain"))
            + (1.0 - r("early_wave"))
            * (r("appeal_base") * r("salience_late") * r("caliphate_gain"))
            + r("success_appeal"),
            dmnl,
            "Appeal of travelling: base appeal by the war's salience and the caliphate, plus "
            "success appeal.",
            True,
        ),
        (
            "network",
            1.0
            + r("network_strength")
            * (1.0 - r("counter_messaging"))
            * theatre
            / (pool + theatre + r("network_floor")),
            dmnl,
            "Network multiplier: 1 + gain x the region's share of its radical circle in theatre.",
            True,
        ),
        (
            "departure_hazard",
            r("departure_rate")
            * (1.0 - r("border_deterrence") * r("border_stop"))
            * r("appeal")
            * r("network"),
            per_month,
            "Hazard of setting out for a would-be recruit of the pool.",
            True,
        ),
        (
            "departures",
            r("departure_hazard") * pool,
            flow_units,
            VARIABLES["departures"].title + ": everyone who sets out, prevented or not.",
            True,
        ),
        (
            "prevented_share",
            minimum(r("prevention_share") * r("prevention"), 1.0),
            dmnl,
            "Share of the region's departures stopped at home: prevention_share x the prevention "
            "index, at most 1.",
            True,
        ),
        (
            "women_minors_now",
            minimum(
                r("women_minors_share")
                * (
                    r("women_minors_early")
                    + (r("women_minors_mid") - r("women_minors_early")) * r("caliphate")
                    + (1.0 - r("women_minors_mid")) * r("kinds_late")
                ),
                1.0,
            ),
            dmnl,
            "Share of women and minors among the region's arrivals at this time: "
            "women_minors_share times women_minors_early before the caliphate, rising to "
            "women_minors_mid over June 2014 and to 1 over July 2015.",
            True,
        ),
        (
            "fighter_arrivals",
            (1.0 - r("border_stop")) * r("transit_exit") * transit * (1.0 - r("women_minors_now")),
            flow_units,
            "Arrivals less the women and minors among them.",
            True,
        ),
        (
            "interceptions",
            r("prevented_share") * r("departures") + r("border_stop") * r("transit_exit") * transit,
            flow_units,
            VARIABLES["interceptions"].title + ".",
            True,
        ),
    ]
    # The flows' equations, each after what it uses; the rest of each flow is in the structure.
    flows: dict[str, Expr] = {
        "radicalisation": r("radicalisation_rate"),
        "disengagement": r("pool_exit_rate") * pool,
        "prevented_at_home": r("prevented_share") * r("departures"),
        "entering_transit": r("departures") - r("prevented_at_home"),
        "arrivals": (1.0 - r("border_stop")) * r("transit_exit") * transit,
        "stopped_at_border": r("border_stop") * r("transit_exit") * transit,
        "retrying": r("retry_propensity")
        * r("departure_hazard")
        * (1.0 - r("prevented_share"))
        * stopped,
        "deaths": r("foreign_death_hazard") * r("death_propensity") * theatre,
        "returns": r("return_hazard") * r("return_propensity") * theatre,
        "onward_moves": r("onward_hazard") * theatre,
        **{f"{q}_counted": r(q) for q in COUNTERS.values()},
        "perception_adjustment": (r("territory") - r("perceived_territory"))
        / r("perception_delay"),
        "local_joining": r("local_recruitment") * r("territory"),
        "local_deaths": r("combat_hazard") * local,
        "local_exits": r("local_exit_rate") * local,
    }
    assert flows.keys() == FLOWS.keys(), "every flow of the structure has one equation"
    seeded = r("initial_in_theatre") * r("initial_share")
    initial: dict[str, Expr] = {
        "pool": r("radicalisation_rate") / r("pool_exit_rate"),
        "in_theatre": seeded,
        "cumulative_departures": seeded,
        "cumulative_arrivals": seeded,
        "fighters_arrived": seeded
        * (1.0 - minimum(r("women_minors_share") * r("women_minors_early"), 1.0)),
        "perceived_territory": r("territory"),
        "local_in_theatre": r("local_initial"),
    }
    out = [
        Equation(name, "aux", expr, units, doc, regional)
        for name, expr, units, doc, regional in auxes
    ]
    for name, expr in flows.items():
        flow = FLOWS[name]
        out.append(Equation(name, "flow", expr, flow.unit, flow.doc, flow.regional))
    for stock in STOCKS.values():
        out.append(
            Equation(
                stock.name,
                "stock",
                initial.get(stock.name, Num(0.0)),
                stock.unit,
                stock.documentation,
                stock.regional,
                stock.inflows,
                stock.outflows,
            )
        )
    return tuple(out)


def evaluate(
    eqs: tuple[Equation, ...],
    values: Mapping[str, float | Mapping[str, float]],
    regions: tuple[str, ...],
) -> dict[str, float | dict[str, float]]:
    """Every auxiliary and flow, and every stock's derivative (``d_<stock>``), at ``values``.

    ``values`` holds the stocks, parameters, drivers, constants and ``TIME`` (a mapping of
    region to value for each regional name). Used by the tests to hold the equations to the
    compiled right-hand side.
    """
    known: dict[str, float | Mapping[str, float]] = dict(values)
    for eq in eqs:
        if eq.kind == "stock":
            continue
        if eq.regional:
            known[eq.name] = {g: eq.expr.value(known, g) for g in regions}
        else:
            known[eq.name] = eq.expr.value(known)
    out: dict[str, float | dict[str, float]] = {}
    for eq in eqs:
        if eq.kind != "stock":
            continue

        def change(region: str | None, eq: Equation = eq) -> float:
            def at(name: str) -> float:
                v = known[name]
                if isinstance(v, Mapping):
                    assert region is not None, name
                    return float(v[region])
                return float(v)

            return sum(at(f) for f in eq.inflows) - sum(at(f) for f in eq.outflows)

        if eq.regional:
            out[f"d_{eq.name}"] = {g: change(g) for g in regions}
        else:
            out[f"d_{eq.name}"] = change(None)
    return out


__all__ = ["CONSTANTS", "COUNTERS", "TIME", "Equation", "Values", "equations", "evaluate"]
