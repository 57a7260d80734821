"""XMILE holds only what XML can carry: a scenario's name or a knot's source with a control
character, U+FFFE or U+FFFF still gives a well-formed file that says what was there (issue 23)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ffsim.exchange.xmile import xmile_bytes, xml_safe
from ffsim.scenarios.scenario import parse_scenario


@pytest.mark.parametrize("bad", ["\x01", "\x1f", "\ufffe", "\uffff", "\x0b"])
def test_a_name_and_a_source_xml_cannot_carry_are_written_as_code_points(bad):
    escaped = f"\\u{ord(bad):04x}"
    toml = (
        f'name = "a{escaped}b"\n[drivers]\nborder_closure = [\n'
        f'  {{ date = "2012-01-01", value = 0.02, source = "s{escaped}t" }},\n'
        '  { date = "2015-03-01", value = 0.85, source = "counterfactual" },\n]\n'
    )
    scenario = parse_scenario(toml)
    data = xmile_bytes(scenario.parameters, scenario.drivers, scenario.settings, scenario.name)
    text = ET.fromstring(data).find(".//{*}header/{*}name")  # well-formed: it parses
    assert text is not None and text.text == f"a{xml_safe(bad)}b"
    assert f"s{xml_safe(bad)}t".encode() in data and bad.encode() not in data


def test_what_xml_carries_is_left_as_it_is():
    kept = "tab\tnewline\ncr\r e\u0301 \U0001f600 \ufffd"
    assert xml_safe(kept) == kept
