"""Every world assumption is in exactly one topic, declared on its field, never listed twice.

The app folds the assumptions by topic (``ffsim.app.widgets.assumption_widgets``); the topics
come from the fields themselves (``ffsim.core.parameter_fields.GROUPS``), so a parameter added
to the schema cannot be left out of the explorer, and a field with no topic fails at import.
"""

from __future__ import annotations

from collections import Counter

import pytest

from ffsim.calibration.config import load_config
from ffsim.core.parameter_fields import GROUPS, assumption_groups, parameter_field
from ffsim.core.parameters import PARAMETER_SPECS
from ffsim.scenarios.levers import LEVER_SPECS

ASSUMPTIONS = [s.name for s in PARAMETER_SPECS if s.category == "assumption"]


def test_every_assumption_is_in_exactly_one_group_and_no_lever_in_any():
    groups = assumption_groups(PARAMETER_SPECS)
    counts = Counter(s.name for members in groups.values() for s in members)
    assert sorted(counts) == sorted(ASSUMPTIONS)
    assert set(counts.values()) == {1}
    assert list(groups) == [g for g in GROUPS if g in groups]  # in the order of GROUPS
    assert all(members for members in groups.values())
    levers = {s.name for s in PARAMETER_SPECS if s.category == "lever"} | set(LEVER_SPECS)
    assert not levers & set(counts)


def test_every_calibrated_parameter_is_an_assumption_of_a_group():
    grouped = {s.name for members in assumption_groups(PARAMETER_SPECS).values() for s in members}
    free = [f.name.split(".")[0] for f in load_config().free]
    assert free and set(free) <= grouped


def test_regional_assumptions_and_only_they_are_by_region():
    by_region = {s.name for s in assumption_groups(PARAMETER_SPECS)["By region"]}
    assert by_region == {s.name for s in PARAMETER_SPECS if s.regional}


@pytest.mark.parametrize("group", ["", "Recruitment", "By region"])
def test_an_assumption_declared_without_a_topic_is_refused(group):
    with pytest.raises(ValueError, match="an assumption needs one of Recruitment and appeal"):
        parameter_field(1.0, 0.0, 2.0, "dimensionless", "d", "s", label="New", group=group)


def test_a_lever_declared_with_a_topic_is_refused():
    with pytest.raises(ValueError, match="a lever has no group"):
        parameter_field(
            0.0, 0.0, 1.0, "dimensionless", "d", "s", "lever", label="New", group=GROUPS[0]
        )
