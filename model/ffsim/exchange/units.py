"""A units check of every equation, as Vensim's Units Check does, over the one symbolic description.

Each stock, flow and auxiliary of :func:`ffsim.exchange.equations.equations` declares its units
(an XMILE unit expression); every name it refers to has declared units too: the parameters (the
schema's unit, written as XMILE writes it), the drivers (their series' unit), the constants of
the kernel and ``TIME``. The check works out the units of each right-hand side from those of
the names it uses, with `pint <https://pint.readthedocs.io>`_, and reports every equation whose
units differ from its declaration, and every stock whose flows are not its units per month.

The rules are Vensim's and Stella's:

- ``+``, ``-``, ``MAX``, ``MIN`` and the two branches of an ``IF`` need the same units on both
  sides; a literal ``0`` takes the units of the other side (``MAX(stock, 0)``);
- every other number is dimensionless, so a conversion factor must be a named constant with
  its units (``months_per_year``, 12 months/year), not a bare ``12``;
- ``*`` and ``/`` multiply and divide units; ``^`` needs a dimensionless exponent, and a
  dimensionless base unless the exponent is a number; ``EXP`` needs a dimensionless argument;
- units equal only when they convert with a factor of 1: ``index/month`` is not ``index/year``.

``dmnl`` (and ``probability``) is dimensionless, and so is ``index`` (a ratio to a reference:
1 = the peak extent of territory, the most intense air campaign, ...); a month is the unit of
time and a year is 12 months.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

import pint
from pint.facets.plain import PlainUnit

from ffsim.core import layout
from ffsim.core.drivers import DEFAULT_DRIVERS
from ffsim.core.parameters import PARAMETER_SPECS
from ffsim.exchange.equations import CONSTANTS, Equation
from ffsim.exchange.expressions import Call, Expr, IfPositive, Num, Op, Ref
from ffsim.exchange.xmile import TIME_UNITS, XMILE_NAMES, xmile_units

DEFINITIONS: tuple[str, ...] = (
    "month = [time] = months",
    "year = 12 * month = years",
    "person = [person] = persons",
    "USD = [currency]",
    "index = []",
)
"""The units the model's equations use, defined for pint (in pint's definition syntax);
``dmnl``, XMILE's word for dimensionless, is read as 1."""


@cache
def registry() -> pint.UnitRegistry:
    """A unit registry holding only :data:`DEFINITIONS` (none of pint's defaults, so that
    ``month`` and ``year`` are exactly the model's).
    """
    units: pint.UnitRegistry = pint.UnitRegistry(None)
    for line in DEFINITIONS:
        units.define(line)
    return units


@dataclass(frozen=True)
class UnitProblem:
    """An equation whose units are wrong: its name and what is wrong, in words."""

    name: str
    problem: str

    def __str__(self) -> str:  # noqa: D105
        return f"{self.name}: {self.problem}"


class _MismatchError(Exception):
    """Units that do not fit inside an expression (caught and reported per equation)."""


def declared_units(eqs: Iterable[Equation]) -> dict[str, str]:
    """The declared units of every name the equations may refer to: ``TIME``, the names the
    XMILE file adds (``start_month``, ``territory_lagged``), the kernel's constants, the
    parameters, the drivers and the equations themselves.
    """
    out = {"TIME": TIME_UNITS, **XMILE_NAMES}
    out |= {name: units for name, (_, units, _) in CONSTANTS.items()}
    out |= {s.name: xmile_units(s.unit) for s in PARAMETER_SPECS}
    out |= {d: xmile_units(getattr(DEFAULT_DRIVERS, d).unit) for d in layout.DRIVER_NAMES}
    out |= {e.name: e.units for e in eqs}
    return out


def parse_units(text: str) -> PlainUnit:
    """Units written as XMILE writes them (``persons/month``, ``dmnl``), as a pint unit."""
    return registry().parse_units(re.sub(r"\bdmnl\b", "1", text))


def _same(a: PlainUnit, b: PlainUnit) -> bool:
    """Whether ``b`` is ``a`` (the same dimension and a conversion factor of 1)."""
    units = registry()
    if a.dimensionality != b.dimensionality:
        return False
    return abs(units.Quantity(1.0, b).to(a).magnitude - 1.0) < 1e-12


def _is_zero(expr: Expr) -> bool:
    return isinstance(expr, Num) and expr.number == 0.0


class _Units:
    """Works out the units of expressions from the declared units of names."""

    def __init__(self, declared: Mapping[str, str]) -> None:
        self.declared = declared
        self.dmnl = parse_units("dmnl")

    def name(self, name: str) -> PlainUnit:
        if name not in self.declared:
            raise _MismatchError(f"{name!r} has no declared units")
        return parse_units(self.declared[name])

    def alike(self, what: str, exprs: tuple[Expr, ...]) -> PlainUnit:
        """The common units of ``exprs`` (a literal 0 fits any), or a mismatch."""
        found = [(e, self.of(e)) for e in exprs if not _is_zero(e)]
        if not found:
            return self.dmnl
        first = found[0][1]
        for _, other in found[1:]:
            if not _same(first, other):
                raise _MismatchError(f"{what} of {_show(first)} and {_show(other)}")
        return first

    def dimensionless(self, what: str, expr: Expr) -> None:
        units = self.of(expr)
        if not _same(self.dmnl, units):
            raise _MismatchError(f"{what} must be dimensionless, is {_show(units)}")

    def of(self, expr: Expr) -> PlainUnit:
        """The units of ``expr``."""
        if isinstance(expr, Num):
            return self.dmnl
        if isinstance(expr, Ref):
            return self.name(expr.name)
        if isinstance(expr, Op):
            if expr.op in "+-":
                return self.alike(f"'{expr.op}'", (expr.left, expr.right))
            if expr.op == "*":
                return self.of(expr.left) * self.of(expr.right)
            if expr.op == "/":
                return self.of(expr.left) / self.of(expr.right)
            if isinstance(expr.right, Num):  # ^ a number
                return self.of(expr.left) ** expr.right.number
            self.dimensionless("the exponent", expr.right)
            self.dimensionless(
                "the base of a power with an exponent that is not a number", expr.left
            )
            return self.dmnl
        if isinstance(expr, Call):
            if expr.function in ("MAX", "MIN"):
                return self.alike(expr.function, expr.args)
            if expr.function == "SQRT":
                return self.of(expr.args[0]) ** 0.5
            self.dimensionless(f"the argument of {expr.function}", expr.args[0])
            return self.dmnl
        if isinstance(expr, IfPositive):
            self.of(expr.test)
            return self.alike("the two branches of IF", (expr.then, expr.otherwise))
        raise TypeError(f"no units rule for {type(expr).__name__}")


def _show(units: PlainUnit) -> str:
    """Units in words as XMILE writes them: ``dmnl`` for a pure number."""
    text = str(units)
    return "dmnl" if text in ("", "dimensionless") else text


def check_units(
    eqs: Iterable[Equation], declared: Mapping[str, str] | None = None
) -> tuple[UnitProblem, ...]:
    """Every units problem of the equations ``eqs``: an empty tuple when all are consistent.

    Parameters
    ----------
    eqs
        The equations (:func:`ffsim.exchange.equations.equations`, or a changed copy).
    declared
        Declared units of every name the equations use (default: :func:`declared_units`).

    Returns
    -------
    tuple of UnitProblem
        Per equation, in order: the units its right-hand side gives against those it declares,
        for a stock its initial value and each of its flows (a stock's units per month), and
        any name without declared units.
    """
    eqs = tuple(eqs)
    names = declared if declared is not None else declared_units(eqs)
    work = _Units(names)
    time = parse_units(TIME_UNITS)
    problems = []
    for eq in eqs:
        try:
            want = parse_units(eq.units)
            got = work.of(eq.expr)
        except _MismatchError as exc:
            problems.append(UnitProblem(eq.name, str(exc)))
            continue
        except pint.errors.PintError as exc:
            problems.append(UnitProblem(eq.name, f"units {eq.units!r} cannot be read: {exc}"))
            continue
        what = "its initial value" if eq.kind == "stock" else "its equation"
        if not _is_zero(eq.expr) and not _same(want, got):
            text = f"{what} gives {_show(got)}, declared {_show(want)}"
            if want.dimensionality == got.dimensionality:
                factor = registry().Quantity(1.0, got).to(want).magnitude
                text += f" ({factor:g} times the declared units)"
            problems.append(UnitProblem(eq.name, text))
        if eq.kind != "stock":
            continue
        for flow in (*eq.inflows, *eq.outflows):
            try:
                units = work.name(flow)
            except _MismatchError as exc:
                problems.append(UnitProblem(eq.name, str(exc)))
                continue
            if not _same(want / time, units):
                problems.append(
                    UnitProblem(
                        eq.name,
                        f"flow {flow} is {_show(units)}, not the stock's units per unit of "
                        f"time, {_show(want / time)}",
                    )
                )
    return tuple(problems)


__all__ = [
    "DEFINITIONS",
    "UnitProblem",
    "check_units",
    "declared_units",
    "parse_units",
    "registry",
]
