"""The XMILE file's diagram (``<views>``), its time specs, and the XMILE 1.1 schema."""

from __future__ import annotations

import itertools
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ffsim.core.regions import REGION_IDS
from ffsim.core.structure import FLOWS, OUTSIDE, STOCKS
from ffsim.exchange.equations import equations
from ffsim.exchange.xmile import FFSIM_NAMESPACE, NAMESPACE, build_xmile, xmile_bytes
from ffsim.exchange.xmile_view import STOCK_HEIGHT, STOCK_WIDTH, layout
from ffsim.scenarios.scenario import baseline_scenario
from ffsim.teaching.diagram import STOCK_FLOW_NODES

NS = {"x": NAMESPACE}
SCHEMA = os.environ.get("FFSIM_XMILE_XSD", "")
"""The System Dynamics Society's XMILE 1.1 schema (``xmile.xsd``), where it is on this machine
(``$FFSIM_XMILE_XSD``). It is not in the repository: the file says "All rights reserved" and
its repository gives no licence that allows a copy here."""


@pytest.fixture(scope="module")
def document() -> ET.Element:
    scenario = baseline_scenario()
    tree = build_xmile(scenario.parameters, scenario.drivers, scenario.settings, scenario.name)
    root = tree.getroot()
    assert root is not None
    return ET.fromstring(ET.tostring(root))  # as a reader sees it, with namespaces


def _view(root: ET.Element) -> ET.Element:
    (view,) = root.findall("x:model/x:views/x:view", NS)
    return view


def _variables(root: ET.Element) -> dict[str, str]:
    return {
        v.get("name", ""): v.tag.split("}")[1] for v in root.iterfind("x:model/x:variables/*", NS)
    }


def test_the_header_says_the_file_has_a_diagram(document):
    assert document.find("x:header/x:options/x:has_model_views", NS) is not None
    assert document.get("version") == "1.1"


def test_every_variable_is_in_the_stock_and_flow_view_once(document):
    view = _view(document)
    assert view.get("type") == "stock_flow"
    drawn = [(e.tag.split("}")[1], e.get("name")) for e in view if e.get("name")]
    assert len(drawn) == len(set(drawn))
    assert {name: tag for tag, name in drawn} == _variables(document)
    assert {name for tag, name in drawn if tag == "stock"} == set(STOCKS)
    assert {name for tag, name in drawn if tag == "flow"} == set(FLOWS)
    spots = [(e.get("x"), e.get("y")) for e in view if e.tag.split("}")[1] in ("stock", "aux")]
    assert len(spots) == len(set(spots)), "no two stocks or auxiliaries in one place"


def _stock_boxes(view: ET.Element) -> dict[str, tuple[float, float]]:
    return {
        s.get("name", ""): (float(s.get("x", "")), float(s.get("y", "")))
        for s in view.iterfind("x:stock", NS)
    }


def _on_edge(point: tuple[float, float], centre: tuple[float, float]) -> bool:
    dx, dy = abs(point[0] - centre[0]), abs(point[1] - centre[1])
    w, h = STOCK_WIDTH / 2, STOCK_HEIGHT / 2
    return (dx == w and dy <= h) or (dy == h and dx <= w)


def test_every_flow_is_a_pipe_at_right_angles_from_its_source_to_its_destination(document):
    view = _view(document)
    boxes = _stock_boxes(view)
    for flow in view.iterfind("x:flow", NS):
        name = flow.get("name", "")
        pts = [
            (float(p.get("x", "")), float(p.get("y", ""))) for p in flow.iterfind("x:pts/x:pt", NS)
        ]
        assert len(pts) >= 2, name
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            assert (x0 == x1) != (y0 == y1), (name, "a segment is horizontal or vertical")
        for end, point in ((FLOWS[name].source, pts[0]), (FLOWS[name].destination, pts[-1])):
            if end == OUTSIDE:  # a cloud: no stock there
                assert not any(_on_edge(point, c) for c in boxes.values()), name
            else:
                assert _on_edge(point, boxes[end]), (name, end)
        valve = (float(flow.get("x", "")), float(flow.get("y", "")))
        assert any(
            min(a[0], b[0]) <= valve[0] <= max(a[0], b[0])
            and min(a[1], b[1]) <= valve[1] <= max(a[1], b[1])
            for a, b in itertools.pairwise(pts)
        ), (name, "the valve sits on the pipe")


def test_no_two_stocks_or_clouds_share_a_place():
    placed, _ = layout()
    spots = [(p.x, p.y) for p in placed.values()]
    assert len(spots) == len(set(spots))
    assert {n.id for n in STOCK_FLOW_NODES} <= placed.keys()


def test_a_connector_for_every_name_an_equation_uses(document):
    view = _view(document)
    connectors = {
        (c.findtext("x:from", namespaces=NS), c.findtext("x:to", namespaces=NS))
        for c in view.iterfind("x:connector", NS)
    }
    written = _variables(document)
    expected = {
        (used, eq.name)
        for eq in equations(REGION_IDS)
        for used in eq.expr.names()
        if used in written and used != eq.name
    }
    assert expected <= connectors
    assert ("loss_window", "territory_lagged") in connectors  # from the file's own auxiliaries
    for c in view.iterfind("x:connector", NS):
        assert 0.0 <= float(c.get("angle", "")) < 360.0


def test_time_specs_name_the_method_the_calendar_start_and_the_unit(document):
    specs = document.find("x:sim_specs", NS)
    assert specs is not None
    assert specs.get("method") == "rk4"
    assert specs.get("time_units") == "month"
    assert specs.get(f"{{{FFSIM_NAMESPACE}}}start_date") == "2012-01-01"
    scenario = baseline_scenario()
    later = scenario.settings.model_copy(update={"start": "2013-06"})
    root = ET.fromstring(xmile_bytes(scenario.parameters, scenario.drivers, later, method="Euler"))
    specs = root.find("x:sim_specs", NS)
    assert specs is not None
    assert specs.get(f"{{{FFSIM_NAMESPACE}}}start_date") == "2013-06-01"
    assert specs.get("method") == "euler"
    with pytest.raises(ValueError, match="allowed rk4, euler"):
        build_xmile(scenario.parameters, scenario.drivers, scenario.settings, method="rk45")


def test_the_flat_file_has_no_view():
    scenario = baseline_scenario()
    root = ET.fromstring(
        xmile_bytes(scenario.parameters, scenario.drivers, scenario.settings, array=False)
    )
    assert root.find("x:model/x:views", NS) is None
    assert root.find("x:header/x:options/x:has_model_views", NS) is None


@pytest.mark.skipif(not SCHEMA or not Path(SCHEMA).is_file(), reason="set FFSIM_XMILE_XSD")
def test_the_export_validates_against_the_xmile_schema(tmp_path):
    xmlschema = pytest.importorskip("xmlschema")
    schema = xmlschema.XMLSchema11(SCHEMA)
    scenario = baseline_scenario()
    for array in (True, False):
        text = xmile_bytes(scenario.parameters, scenario.drivers, scenario.settings, array=array)
        path = tmp_path / f"m{array}.xmile"
        path.write_bytes(text)
        assert [e.reason for e in schema.iter_errors(str(path))] == [], array
        broken = tmp_path / "broken.xmile"
        broken.write_bytes(text.replace(b"<sim_specs ", b'<sim_specs colour="red" '))
        assert list(schema.iter_errors(str(broken))), "the schema check sees a wrong attribute"


def test_a_new_stock_with_a_flow_back_is_laid_out_without_a_position_written(monkeypatch):
    """A stock added to the structure, here people turned back at the border who return to
    the pool (a flow back to an earlier stock, closing a cycle), is placed by the layout with
    nothing written for it: every node has its own place and every pipe is at right angles.
    """
    from ffsim.core.structure import Flow
    from ffsim.exchange import xmile_view
    from ffsim.teaching.diagram import Link

    added = (
        Flow("turned_back", "turned back", "in_transit", "stopped", "", "persons/month", True),
        Flow("back_to_pool", "back to the pool", "stopped", "pool", "", "persons/month", True),
    )
    links = xmile_view.STOCK_FLOW_LINKS + tuple(
        Link(f.source, f.destination, f.label, flow=f.name) for f in added
    )
    monkeypatch.setattr(xmile_view, "STOCK_FLOW_LINKS", links)
    monkeypatch.setattr(xmile_view, "DRAWN_FLOWS", xmile_view.DRAWN_FLOWS + added)
    monkeypatch.setattr(xmile_view, "FLOWS", {**FLOWS, **{f.name: f for f in added}})
    placed, pipes = layout()
    assert "stopped" in placed and placed["stopped"].stock
    spots = [(p.x, p.y) for p in placed.values()]
    assert len(spots) == len(set(spots))
    for name in ("turned_back", "back_to_pool"):
        pts = pipes[name]
        assert all((a[0] == b[0]) != (a[1] == b[1]) for a, b in itertools.pairwise(pts)), name
    ends = {"turned_back": ("in_transit", "stopped"), "back_to_pool": ("stopped", "pool")}
    for name, (source, target) in ends.items():
        first, last = pipes[name][0], pipes[name][-1]
        assert _on_edge(first, (placed[source].x, placed[source].y)), name
        assert _on_edge(last, (placed[target].x, placed[target].y)), name
