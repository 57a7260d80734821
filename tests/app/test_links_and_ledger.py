"""A share link's key limit, and the ledger Sankey's widths, checked without the app running.

The limit is the one docs/scenarios.md states ("at most 200 keys"), written here as a number:
a link of that many keys is read whole, one key more and the last is left out with a notice.
The Sankey's link widths are the end stocks they stand for, read from a ``simulate`` result and
matched to each link by its target's label, not by the chart's own list of links.
"""

from __future__ import annotations

import pytest

from ffsim import __version__
from ffsim.app.links import read_link
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
    names = [HEADING_TO_NAME[label.split(":")[0]] for label in sankey.node.label]
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
        "intercepted",
        "in_transit",
        "cumulative_arrivals",
    }
    arrived = sum(w for (s, _), w in widths.items() if s == "cumulative_arrivals")
    assert arrived == pytest.approx(end["cumulative_arrivals"], rel=1e-9)
    set_out = sum(w for (s, _), w in widths.items() if s == "cumulative_departures")
    assert set_out == pytest.approx(end["cumulative_departures"], rel=1e-9)
