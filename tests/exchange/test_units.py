"""The units check: every equation's units agree with its declaration, and a wrong one is found."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ffsim.cli.main import main
from ffsim.core.regions import REGION_IDS
from ffsim.exchange.equations import equations
from ffsim.exchange.expressions import Ref, exp, maximum
from ffsim.exchange.units import check_units, declared_units

EQUATIONS = equations(REGION_IDS)


def _with(name: str, **changes) -> tuple:
    """The equations with one of them changed."""
    assert name in {e.name for e in EQUATIONS}
    return tuple(replace(e, **changes) if e.name == name else e for e in EQUATIONS)


def _expr(name: str):
    return next(e.expr for e in EQUATIONS if e.name == name)


def test_every_equation_has_consistent_units():
    assert check_units(EQUATIONS) == ()


def test_every_name_an_equation_uses_has_declared_units():
    declared = declared_units(EQUATIONS)
    used = frozenset().union(*(e.expr.names() for e in EQUATIONS))
    assert used <= declared.keys()


def test_a_bare_twelve_per_year_is_found():
    """The territory loss as it was written before the check (``* 12.0``, months per year as
    a bare number) gives index per month against its declared index per year.
    """
    old = maximum(Ref("territory_lagged") - Ref("territory"), 0.0) * 12.0 / Ref("loss_window")
    (problem,) = check_units(_with("territory_loss", expr=old))
    assert problem.name == "territory_loss"
    assert "gives index / month" in problem.problem and "declared index / year" in problem.problem
    assert "12 times the declared" in problem.problem


@pytest.mark.parametrize(
    ("name", "changes", "words"),
    [
        # a flow missing the stock it drains: 1/month, not persons/month
        ("departures", {"expr": Ref("departure_rate")}, "declared person / month"),
        # a declaration that does not fit the stock the flow fills
        ("arrivals", {"units": "persons"}, "declared person"),
        # adding a duration to a dimensionless number
        ("momentum_effect", {"expr": _expr("momentum_effect") + Ref("transit_time")}, "'+'"),
        # EXP of a duration
        ("salience_late", {"expr": exp(Ref("calendar_time"))}, "argument of EXP"),
        # a duration declared dimensionless
        ("caliphate", {"expr": maximum(Ref("calendar_time"), 0.0)}, "declared dmnl"),
    ],
)
def test_one_wrong_equation_is_found(name, changes, words):
    problems = check_units(_with(name, **changes))
    assert problems, name
    users = {e.name for e in EQUATIONS if name in e.expr.names() | {*e.inflows, *e.outflows}}
    assert {p.name for p in problems} <= {name} | users
    assert any(p.name == name and words in p.problem for p in problems), problems


def test_a_stock_whose_flow_has_other_units_is_found():
    problems = check_units(_with("killed", units="index"))
    assert any(p.name == "killed" and "flow deaths" in p.problem for p in problems), problems


def test_a_name_without_units_is_found():
    problems = check_units(_with("network", expr=_expr("network") * Ref("no_such_thing")))
    assert [(p.name, p.problem) for p in problems] == [
        ("network", "'no_such_thing' has no declared units")
    ]


def test_check_units_command(capsys):
    assert main(["check-units"]) == 0
    out = capsys.readouterr().out
    assert f"{len(EQUATIONS)} equations" in out and "consistent" in out
