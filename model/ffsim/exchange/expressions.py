"""A small expression tree for the model's equations: written once, rendered or evaluated.

The equations of :mod:`ffsim.exchange.equations` are Python expressions over :class:`Ref`
(a variable, parameter or driver of the model), numbers and the few functions the model uses
(``MAX``, ``MIN``, ``SQRT``, ``EXP`` and a positive test). Operators build a tree instead of a
number, so the same tree can be

- rendered as XMILE equation text (:meth:`Expr.render`), with regional names written as arrays
  (``pool[region]``, ``pool[france]``) or unrolled (``pool_france``); and
- evaluated numerically (:meth:`Expr.value`) for a state, parameters and driver values, which is
  how a test checks the tree against the compiled right-hand side. Nothing is parsed and
  nothing is evaluated as text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

Values = Mapping[str, float | Mapping[str, float]]
"""Numbers to evaluate with: a scalar per name, or a mapping of region to value for a regional
name (``TIME`` is the time of the run in months)."""

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "^": 3}


@dataclass(frozen=True)
class Style:
    """How names are written: arrays with a dimension (``array``) or regions unrolled.

    ``regional`` holds the names that have one value per region; ``region`` is the region an
    unrolled equation is written for (``None`` for a theatre-wide equation).
    """

    array: bool
    regional: frozenset[str]
    dimension: str = "region"
    region: str | None = None

    def name(self, name: str, region: str | None = None) -> str:
        """``name`` as an equation writes it: its element ``region`` or the current one."""
        if name not in self.regional:
            return name
        which = region if region is not None else self.region
        if self.array:
            return f"{name}[{which if which is not None else self.dimension}]"
        if which is None:
            raise ValueError(f"regional {name!r} used in a theatre-wide equation")
        return f"{name}_{which}"


class Expr:
    """A node of an equation. Arithmetic on nodes (and numbers) builds new nodes."""

    def render(self, style: Style) -> str:
        """XMILE equation text."""
        raise NotImplementedError

    def value(self, values: Values, region: str | None = None) -> float:
        """The number this expression stands for, at ``values`` (for ``region``)."""
        raise NotImplementedError

    def names(self) -> frozenset[str]:
        """Every name the expression refers to."""
        raise NotImplementedError

    def precedence(self) -> int:
        """Binding strength of the outermost operator (4 for an atom or a call)."""
        return 4

    def __add__(self, other: Operand) -> Expr:  # noqa: D105
        return Op("+", self, lift(other))

    def __radd__(self, other: Operand) -> Expr:  # noqa: D105
        return Op("+", lift(other), self)

    def __sub__(self, other: Operand) -> Expr:  # noqa: D105
        return Op("-", self, lift(other))

    def __rsub__(self, other: Operand) -> Expr:  # noqa: D105
        return Op("-", lift(other), self)

    def __mul__(self, other: Operand) -> Expr:  # noqa: D105
        return Op("*", self, lift(other))

    def __rmul__(self, other: Operand) -> Expr:  # noqa: D105
        return Op("*", lift(other), self)

    def __truediv__(self, other: Operand) -> Expr:  # noqa: D105
        return Op("/", self, lift(other))

    def __rtruediv__(self, other: Operand) -> Expr:  # noqa: D105
        return Op("/", lift(other), self)

    def __pow__(self, other: Operand) -> Expr:  # noqa: D105
        return Op("^", self, lift(other))

    def __neg__(self) -> Expr:  # noqa: D105
        return Op("-", Num(0.0), self)


Operand = Expr | float | int


def lift(x: Operand) -> Expr:
    """A number as a :class:`Num`; an expression as it is."""
    return x if isinstance(x, Expr) else Num(float(x))


@dataclass(frozen=True, eq=False)
class Num(Expr):
    """A number."""

    number: float

    def render(self, style: Style) -> str:  # noqa: D102
        text = repr(float(self.number))
        return text[:-2] if text.endswith(".0") else text

    def value(self, values: Values, region: str | None = None) -> float:  # noqa: D102
        return self.number

    def names(self) -> frozenset[str]:  # noqa: D102
        return frozenset()

    def precedence(self) -> int:  # noqa: D102
        return 0 if self.number < 0 else 4  # a negative number is wrapped like a sum


@dataclass(frozen=True, eq=False)
class Ref(Expr):
    """A named quantity; ``region`` picks one element of a regional name (for sums)."""

    name: str
    region: str | None = None

    def render(self, style: Style) -> str:  # noqa: D102
        return style.name(self.name, self.region)

    def value(self, values: Values, region: str | None = None) -> float:  # noqa: D102
        v = values[self.name]
        if isinstance(v, Mapping):
            which = self.region or region
            if which is None:
                raise ValueError(f"regional {self.name!r} needs a region")
            return float(v[which])
        return float(v)

    def names(self) -> frozenset[str]:  # noqa: D102
        return frozenset({self.name})


@dataclass(frozen=True, eq=False)
class Op(Expr):
    """A binary operation: ``+ - * / ^``."""

    op: str
    left: Expr
    right: Expr

    def render(self, style: Style) -> str:  # noqa: D102
        mine = _PRECEDENCE[self.op]
        left = self.left.render(style)
        right = self.right.render(style)
        # Parenthesise a weaker operand, the right operand of - and / at equal strength, and
        # any compound operand of ^ (tools disagree on how ^ associates).
        if self.left.precedence() < mine or (self.op == "^" and self.left.precedence() < 4):
            left = f"({left})"
        right_strength = self.right.precedence()
        if right_strength < mine or (right_strength == mine and self.op in "-/^"):
            right = f"({right})"
        return f"{left} {self.op} {right}"

    def value(self, values: Values, region: str | None = None) -> float:  # noqa: D102
        a = self.left.value(values, region)
        b = self.right.value(values, region)
        return _OPERATIONS[self.op](a, b)

    def names(self) -> frozenset[str]:  # noqa: D102
        return self.left.names() | self.right.names()

    def precedence(self) -> int:  # noqa: D102
        return _PRECEDENCE[self.op]


_OPERATIONS: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "^": lambda a, b: a**b,
}

_FUNCTIONS: dict[str, Callable[..., float]] = {
    "MAX": max,
    "MIN": min,
    "SQRT": math.sqrt,
    "EXP": math.exp,
}


@dataclass(frozen=True, eq=False)
class Call(Expr):
    """A built-in function of XMILE: ``MAX``, ``MIN``, ``SQRT`` or ``EXP``."""

    function: str
    args: tuple[Expr, ...]

    def render(self, style: Style) -> str:  # noqa: D102
        return f"{self.function}({', '.join(a.render(style) for a in self.args)})"

    def value(self, values: Values, region: str | None = None) -> float:  # noqa: D102
        return float(_FUNCTIONS[self.function](*(a.value(values, region) for a in self.args)))

    def names(self) -> frozenset[str]:  # noqa: D102
        return frozenset().union(*(a.names() for a in self.args))


@dataclass(frozen=True, eq=False)
class IfPositive(Expr):
    """``IF test > 0 THEN then ELSE otherwise``, always in parentheses (some readers accept an
    ``IF`` only at the start of an equation or inside parentheses).
    """

    test: Expr
    then: Expr
    otherwise: Expr

    def render(self, style: Style) -> str:  # noqa: D102
        return (
            f"(IF {self.test.render(style)} > 0 THEN {self.then.render(style)} "
            f"ELSE {self.otherwise.render(style)})"
        )

    def value(self, values: Values, region: str | None = None) -> float:  # noqa: D102
        if self.test.value(values, region) > 0:
            return self.then.value(values, region)
        return self.otherwise.value(values, region)

    def names(self) -> frozenset[str]:  # noqa: D102
        return self.test.names() | self.then.names() | self.otherwise.names()


def maximum(a: Operand, b: Operand) -> Expr:
    """``MAX(a, b)``."""
    return Call("MAX", (lift(a), lift(b)))


def minimum(a: Operand, b: Operand) -> Expr:
    """``MIN(a, b)``."""
    return Call("MIN", (lift(a), lift(b)))


def sqrt(a: Operand) -> Expr:
    """``SQRT(a)``."""
    return Call("SQRT", (lift(a),))


def exp(a: Operand) -> Expr:
    """``EXP(a)``."""
    return Call("EXP", (lift(a),))


def guard(a: Operand) -> Expr:
    """``MAX(a, 0)``: a stock where it feeds a flow, so that no flow turns negative."""
    return maximum(a, 0.0)


def total(term: Callable[[str], Expr], regions: tuple[str, ...]) -> Expr:
    """The sum over ``regions`` of ``term(region)``, written out element by element
    (``MAX(a[france], 0) + ...``) rather than with ``SUM(a[*])``, which not every reader of
    XMILE accepts.
    """
    out = term(regions[0])
    for r in regions[1:]:
        out = out + term(r)
    return out
