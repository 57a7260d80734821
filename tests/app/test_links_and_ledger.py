"""A share link's key limit, and the ledger Sankey's widths, checked without the app running.

The limit is the one docs/scenarios.md states ("at most 200 keys"), written here as a number:
a link of that many keys is read whole, one key more and the last is left out with a notice.
The Sankey's link widths are the end stocks they stand for, read from a ``simulate`` result and
matched to each link by its target's label, not by the chart's own list of links.
"""

from __future__ import annotations

import pytest

from ffsim import __version__
from ffsim.app.links import MAX_CHARS, read_link
from ffsim.app.sankey import ledger_sankey
from ffsim.core.parameters import Parameters
from ffsim.core.simulate import simulate
from ffsim.core.variables import VARIABLES

STATED_LIMIT = 200
"""docs/scenarios.md: a link is read for "at most 200 keys"."""

CHANGE = ("lever.air_campaign_strength", "0.5")


def _link_with(n_keys: int):
    """A link of ``n_keys`` keys: unknown filler keys, then one real change as the last key."""
    query = {f"utm_{i}": ["1"] for i in range(n_keys - 1)}
    query[CHANGE[0]] = [CHANGE[1]]
    assert len(query) == n_keys
    return read_link(query, __version__, [])


def test_a_link_of_as_many_keys_as_the_limit_is_read_whole():
    link = _link_with(STATED_LIMIT)
    assert link.changes["levers"] == {"air_campaign_strength": 0.5}
    assert not any("only the first" in n for n in link.notices)
    assert len(link.notices) == STATED_LIMIT - 1  # one per unknown key, each read


def test_one_key_over_the_limit_is_left_out_with_a_notice():
    link = _link_with(STATED_LIMIT + 1)
    assert link.changes["levers"] == {}  # the last key was not read
    said = f"The link has {STATED_LIMIT + 1:,} keys; only the first {STATED_LIMIT} were read."
    assert said in link.notices
    assert len([n for n in link.notices if "utm_" in n]) == STATED_LIMIT  # the first 200


def test_a_huge_link_reads_no_more_than_the_limit():
    link = read_link({f"utm_{i}": ["1"] for i in range(25_000)}, __version__, [])
    assert len([n for n in link.notices if "utm_" in n]) == STATED_LIMIT


HEADING_TO_NAME = {v.heading: name for name, v in VARIABLES.items()}


@pytest.fixture(scope="module")
def result():
    return simulate(Parameters())


@pytest.mark.parametrize("region", ["total", "france", "tunisia"])
def test_each_sankey_width_is_the_end_stock_its_target_names(result, region):
    sankey = ledger_sankey(result, region).data[0]
    names = [HEADING_TO_NAME[label.split("<br>")[0]] for label in sankey.node.label]
    end = {name: float(result.stock(name, region)[-1]) for name in names}
    assert len(set(end.values())) == len(end)  # distinct: a swap of any two would show
    widths = {}
    for source, target, value in zip(
        sankey.link.source, sankey.link.target, sankey.link.value, strict=True
    ):
        widths[(names[source], names[target])] = value
        assert value == pytest.approx(end[names[target]], rel=1e-12), names[target]
    # the people ledger, as the chart draws it
    fates = {"in_theatre", "returned", "killed", "moved_on"}
    assert {t for s, t in widths if s == "cumulative_arrivals"} == fates
    assert {t for s, t in widths if s == "cumulative_departures"} == {
        "stopped",
        "in_transit",
        "cumulative_arrivals",
    }
    arrived = sum(w for (s, _), w in widths.items() if s == "cumulative_arrivals")
    assert arrived == pytest.approx(end["cumulative_arrivals"], rel=1e-9)
    set_out = sum(w for (s, _), w in widths.items() if s == "cumulative_departures")
    assert set_out == pytest.approx(end["cumulative_departures"], rel=1e-9)


# --- the longest key suffix and value read: MAX_CHARS characters is read, one more is not -----


def test_a_value_of_the_longest_length_read_is_read_and_one_more_is_too_long():
    longest = "0." + "5" * (MAX_CHARS - 2)
    assert len(longest) == MAX_CHARS
    link = read_link({"lever.air_campaign_strength": [longest]}, __version__, [])
    assert link.notices == []
    assert link.changes["levers"] == {"air_campaign_strength": float(longest)}
    link = read_link({"lever.air_campaign_strength": [longest + "5"]}, __version__, [])
    assert link.changes["levers"] == {}
    assert len(link.notices) == 1 and "too long" in link.notices[0]


def test_a_lever_name_of_the_longest_length_read_reaches_the_scenarios_checks():
    # read: its name goes on to the scenario's checks (which know no such lever); one character
    # more and the key is not part of a share link at all
    name = "x" * MAX_CHARS
    link = read_link({f"lever.{name}": ["1"]}, __version__, [])
    assert link.notices == [] and link.changes["levers"] == {name: 1}
    link = read_link({f"lever.{name}x": ["1"]}, __version__, [])
    assert link.changes["levers"] == {}
    assert len(link.notices) == 1 and "not part of a share link" in link.notices[0]


# --- how much of a foreign version or a repeated key's values a notice shows ------------------
# These widths are the notices' chosen design (a version up to 20 characters, each repeated
# value up to 12), stated here as numbers: a notice quotes that much whole and cuts the rest.

VERSION_SHOWN = 20
REPEATED_VALUE_SHOWN = 12


def test_a_foreign_version_is_quoted_whole_up_to_its_width_and_cut_beyond():
    whole = "7" * VERSION_SHOWN
    (said,) = read_link({"v": [whole]}, "9.9", []).notices
    assert f"`'{whole}'`" in said and "(cut" not in said
    (said,) = read_link({"v": [whole + "8"]}, "9.9", []).notices
    assert f"`'{whole}'` (cut; {VERSION_SHOWN + 1} characters)" in said


def test_a_repeated_keys_values_are_quoted_whole_up_to_their_width_and_cut_beyond():
    whole = "0." + "1" * (REPEATED_VALUE_SHOWN - 2)
    (said,) = read_link({"lever.air_campaign_strength": [whole, whole]}, __version__, []).notices
    assert said.count(f"`'{whole}'`") == 2 and "(cut" not in said
    longer = [whole + "2", whole + "3"]
    (said,) = read_link({"lever.air_campaign_strength": longer}, __version__, []).notices
    assert said.count(f"`'{whole}'` (cut; {REPEATED_VALUE_SHOWN + 1} characters)") == 2


def test_a_param_key_with_more_than_a_name_and_a_region_is_not_part_of_a_share_link():
    link = read_link({"param.radicalisation_rate.france.paris": ["1"]}, __version__, [])
    assert link.changes["parameters"] == {}
    (said,) = link.notices
    assert "not part of a share link" in said and "param.NAME.REGION" in said
    link = read_link({"param.radicalisation_rate.france": ["1"]}, __version__, [])
    assert link.notices == [] and link.changes["parameters"] == {"radicalisation_rate.france": 1}
