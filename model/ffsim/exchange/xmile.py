"""The model as XMILE 1.1 (System Dynamics Society; OASIS 1.0 before it), for Stella, Vensim,
PySD and other system-dynamics tools.

Generated, never kept by hand, from three sources: the equations (:mod:`ffsim.exchange.equations`,
whose stocks, flows and stock-to-flow connections come from the table of the model's structure,
:mod:`ffsim.core.structure`), the parameter schema (``PARAMETER_SPECS``: value, unit,
meaning, source and range of every parameter) and the driver series (every knot, with its
source). The file holds one parameter set and one set of drivers: the calibrated baseline or a
scenario's.

How what XMILE has no word for is written:

- regions: an array dimension ``region`` (``array=True``), or, for readers without arrays,
  one variable per region, ``pool_france`` (``array=False``); sums over regions are written out
  element by element, not with ``SUM(a[*])``;
- stocks clipped where they feed a flow: ``MAX(stock, 0)`` in the flow's equation;
- drivers (piecewise linear, held constant outside their knots): graphical functions of
  ``TIME``, with a point added at each end so that no reader extrapolates; the territory
  retaken over the last quarter reads the territory series at ``TIME - loss_window``;
- the war's salience: a logistic written with ``EXP``, its argument clamped with ``MIN``/``MAX``;
- the initial split of fighters across regions: ``IF ... THEN ... ELSE`` in parentheses;
- the calendar: ``TIME`` counts months (``time_units="month"``) from the first day of the run's
  first month, written as ``ffsim:start_date`` on ``<sim_specs>`` and as the auxiliary
  ``start_month`` (months since 2012-01-01) that the equations use.

With regions as arrays the file carries the stock-and-flow diagram (``<views>``, laid out by
:mod:`ffsim.exchange.xmile_view` from the diagram's description). XML is built with
``xml.etree`` (nothing is evaluated).
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ffsim import __version__
from ffsim.core import layout
from ffsim.core.drivers import DEFAULT_DRIVERS, EPOCH, LOSS_WINDOW, Drivers, months_since
from ffsim.core.parameters import PARAMETER_SPECS, Parameters
from ffsim.core.regions import REGION_IDS
from ffsim.core.simulate import Settings
from ffsim.core.writer import write_file
from ffsim.exchange.equations import CONSTANTS, Equation, equations
from ffsim.exchange.expressions import Style
from ffsim.exchange.xmile_view import add_view

NAMESPACE = "http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"
"""XMILE's namespace (version 1.1 keeps 1.0's)."""

FFSIM_NAMESPACE = "urn:x-ffsim:xmile"
"""ffsim's namespace in the file, for what XMILE has no word for: ``ffsim:start_date`` on
``<sim_specs>``, the calendar date of ``TIME = 0`` (XMILE 1.1 allows attributes of another
namespace on every element)."""

METHODS = ("rk4", "euler")
"""Integration methods the file may ask for, as XMILE spells them."""

UNITS: dict[str, str] = {
    "dimensionless": "dmnl",
    "probability": "dmnl",
    "1/month": "1/month",
    "month": "months",
    "month since 2012-01": "months",
    "persons": "persons",
    "persons/month": "persons/month",
    "per (index/year)": "year/index",
    "USD per month": "USD/month",
    "index (1 = peak extent)": "index",
    "index (1 = most intense)": "index",
    "index (1 = the closure of September 2016)": "index",
    "index (1 = the measures of September 2016)": "index",
}
"""XMILE unit expressions of the units the schema and the driver series write in words."""


def xmile_units(text: str) -> str:
    """The XMILE unit expression of a unit as the schema writes it (KeyError if unknown)."""
    return UNITS[text]


TIME_UNITS = "months"
"""Units of ``TIME`` (and of every duration) in the equations."""

XMILE_NAMES: dict[str, str] = {
    "start_month": TIME_UNITS,
    "territory_lagged": xmile_units(DEFAULT_DRIVERS.territory.unit),
}
"""Names the file adds for the equations to use (name: units): the calendar month of
``TIME = 0`` and the territory driver read ``loss_window`` months earlier."""


def element_name(region: str) -> str:
    """A region's element name in the ``region`` dimension: its id with spaces for
    underscores (XMILE treats the two alike in names, and equations write underscores).
    """
    return region.replace("_", " ")


def _text(parent: ET.Element, tag: str, text: str, **attrib: str) -> ET.Element:
    node = ET.SubElement(parent, tag, attrib)
    node.text = text
    return node


def _number(x: float) -> str:
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


class _Writer:
    """Adds variables to the ``<variables>`` element, arrayed or unrolled by region."""

    def __init__(self, variables: ET.Element, array: bool, regional: frozenset[str]) -> None:
        self.variables = variables
        self.array = array
        self.regional = regional

    def _node(self, tag: str, name: str, regional: bool) -> ET.Element:
        node = ET.SubElement(self.variables, tag, {"name": name})
        if regional and self.array:
            dims = ET.SubElement(node, "dimensions")
            ET.SubElement(dims, "dim", {"name": "region"})
        return node

    @staticmethod
    def _finish(node: ET.Element, units: str, doc: str) -> None:
        _text(node, "units", units)
        _text(node, "doc", doc)

    def constant(self, name: str, value: float | dict[str, float], units: str, doc: str) -> None:
        """A constant: one number, or one per region (a mapping of region to number)."""
        if not isinstance(value, dict):
            node = self._node("aux", name, False)
            _text(node, "eqn", _number(value))
            self._finish(node, units, doc)
        elif self.array:
            node = self._node("aux", name, True)
            for region, v in value.items():
                element = ET.SubElement(node, "element", {"subscript": element_name(region)})
                _text(element, "eqn", _number(v))
            self._finish(node, units, doc)
        else:
            for region, v in value.items():
                self.constant(f"{name}_{region}", v, units, doc)

    def graphical(
        self, name: str, eqn: str, xs: list[float], ys: list[float], units: str, doc: str
    ) -> None:
        """An auxiliary read from a piecewise-linear graphical function of ``eqn``."""
        node = self._node("aux", name, False)
        _text(node, "eqn", eqn)
        gf = ET.SubElement(node, "gf", {"type": "continuous"})
        _text(gf, "xpts", ",".join(_number(x) for x in xs))
        _text(gf, "ypts", ",".join(_number(y) for y in ys))
        self._finish(node, units, doc)

    def equation(self, eq: Equation) -> None:
        """A stock, flow or auxiliary of the equations."""
        if eq.regional and not self.array:
            for region in REGION_IDS:
                self._one(eq, f"{eq.name}_{region}", region)
        else:
            self._one(eq, eq.name, None)

    def _one(self, eq: Equation, name: str, region: str | None) -> None:
        style = Style(array=self.array, regional=self.regional, region=region)
        node = self._node(eq.kind, name, eq.regional)
        _text(node, "eqn", eq.expr.render(style))
        suffix = f"_{region}" if region is not None else ""
        for flow in eq.inflows:
            _text(node, "inflow", flow + suffix)
        for flow in eq.outflows:
            _text(node, "outflow", flow + suffix)
        self._finish(node, eq.units, eq.doc)


def _driver_points(
    drivers: Drivers, name: str, start: dt.date, n_months: int
) -> tuple[list[float], list[float]]:
    """Knots of driver ``name`` in months since ``start``, with a point added at each end
    (before the earliest time read, ``-loss_window``, and after the run) carrying the end
    value, so that the graphical function is never read outside its points.
    """
    knots = getattr(drivers, name).knots
    xs = [months_since(start, k.date) for k in knots]
    ys = [k.value for k in knots]
    if xs[0] > -LOSS_WINDOW:
        xs.insert(0, -LOSS_WINDOW)
        ys.insert(0, ys[0])
    if xs[-1] < n_months:
        xs.append(float(n_months))
        ys.append(ys[-1])
    return xs, ys


def build_xmile(
    params: Parameters,
    drivers: Drivers,
    settings: Settings,
    name: str = "ffsim",
    array: bool = True,
    method: str = "rk4",
) -> ET.ElementTree:
    """The XMILE document of the model at ``params``, ``drivers`` and ``settings``.

    Parameters
    ----------
    params, drivers, settings
        What the model is run with: its parameters, drivers, time span and step (months).
    name
        The model's name in the file's header (e.g. the scenario's name).
    array
        Regions as an array dimension (``True``) or one variable per region (``False``).
    method
        Integration method the file asks for, as the standard spells it: ``rk4`` (as
        ``ffsim run``) or ``euler`` (either case is accepted).
    """
    if method.lower() not in METHODS:
        raise ValueError(f"method {method!r}: allowed {', '.join(METHODS)}")
    eqs = equations(REGION_IDS)
    regional = frozenset(
        {e.name for e in eqs if e.regional} | {s.name for s in PARAMETER_SPECS if s.regional}
    )
    root = ET.Element(
        "xmile", {"version": "1.1", "xmlns": NAMESPACE, "xmlns:ffsim": FFSIM_NAMESPACE}
    )
    header = ET.SubElement(root, "header")
    _text(header, "vendor", "ffsim")
    _text(header, "product", "ffsim", version=__version__, lang="en")
    _text(header, "name", name)
    if array:
        options = ET.SubElement(header, "options")
        ET.SubElement(options, "uses_arrays", {"maximum_dimensions": "1"})
        ET.SubElement(options, "has_model_views")
    specs = ET.SubElement(
        root,
        "sim_specs",
        {
            "method": method.lower(),
            "time_units": "month",
            "ffsim:start_date": settings.start_date.isoformat(),
        },
    )
    _text(specs, "start", "0")
    _text(specs, "stop", str(settings.n_months))
    _text(specs, "dt", str(settings.steps_per_month), reciprocal="true")
    if array:
        dims = ET.SubElement(root, "dimensions")
        dim = ET.SubElement(dims, "dim", {"name": "region"})
        for region in REGION_IDS:
            ET.SubElement(dim, "elem", {"name": element_name(region)})
    model = ET.SubElement(root, "model")
    writer = _Writer(ET.SubElement(model, "variables"), array, regional)
    start = settings.start_date
    writer.constant(
        "start_month",
        months_since(EPOCH, start),
        XMILE_NAMES["start_month"],
        f"Calendar month of TIME = 0 (the run starts on {start}), in months since 2012-01-01.",
    )
    for cname, (value, units, doc) in CONSTANTS.items():
        writer.constant(cname, value, units, doc)
    for spec in PARAMETER_SPECS:
        value = getattr(params, spec.name)
        doc = (
            f"{spec.description} Source: {spec.source} Range [{spec.lower:g}, {spec.upper:g}]; "
            f"{spec.category}."
        )
        writer.constant(
            spec.name, value.model_dump() if spec.regional else value, xmile_units(spec.unit), doc
        )
    for dname in layout.DRIVER_NAMES:
        series = getattr(drivers, dname)
        xs, ys = _driver_points(drivers, dname, start, settings.n_months)
        sources = "; ".join(f"{k.date} {k.value:g}: {k.source}" for k in series.knots)
        doc = f"{series.description} Knots (date value: source): {sources}"
        writer.graphical(dname, "TIME", xs, ys, xmile_units(series.unit), doc)
    xs, ys = _driver_points(drivers, "territory", start, settings.n_months)
    writer.graphical(
        "territory_lagged",
        "TIME - loss_window",
        xs,
        ys,
        XMILE_NAMES["territory_lagged"],
        "The territory driver loss_window months earlier.",
    )
    for eq in eqs:
        writer.equation(eq)
    if array:
        add_view(model, writer.variables)
    ET.indent(root)
    return ET.ElementTree(root)


def xmile_bytes(
    params: Parameters,
    drivers: Drivers,
    settings: Settings,
    name: str = "ffsim",
    array: bool = True,
    method: str = "rk4",
) -> bytes:
    """The XMILE file's bytes (UTF-8, with an XML declaration); see :func:`build_xmile`."""
    root = build_xmile(params, drivers, settings, name, array, method).getroot()
    assert root is not None
    for element in root.iter():
        element.text = None if element.text is None else xml_safe(element.text)
        element.tail = None if element.tail is None else xml_safe(element.tail)
        for key, value in element.attrib.items():
            element.attrib[key] = xml_safe(value)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot carry, not even as a character reference: the C0 controls but
tab, newline and carriage return, the surrogates, U+FFFE and U+FFFF."""


def xml_safe(text: str) -> str:
    r"""``text`` with each character XML 1.0 cannot carry written as ``\uXXXX`` (its code point),
    so that a scenario's name or a driver knot's source holding one still gives a well-formed
    file that says what was there.
    """
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write_xmile(
    path: Path,
    params: Parameters,
    drivers: Drivers,
    settings: Settings,
    name: str = "ffsim",
    array: bool = True,
    method: str = "rk4",
) -> None:
    """Write the XMILE file to ``path`` (replaced in one step); see :func:`build_xmile`."""
    write_file(path, xmile_bytes(params, drivers, settings, name, array, method))
