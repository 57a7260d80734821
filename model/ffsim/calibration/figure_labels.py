"""Plain labels of reported figures, from a figure's fields: where, what and when.

``Observation.label`` (``ffsim.calibration.observations``) and the calibration artifact's rows
(which keep the same fields) are both labelled here, e.g. "World: arrivals per month,
Jun 2015 to Sep 2015" for ``total_arrivals_per_month_2015_09``.
"""

from __future__ import annotations

import datetime as dt

from ffsim.core.regions import REGIONS

REGION_GROUPS = {
    "total": "World",
    "france+united_kingdom+other_europe": "Europe",
    "france+united_kingdom+other_europe+united_states+other_western": "Western countries",
}
"""Names of the regions and sums of regions the figures refer to, beyond single regions."""

MEASURES = {
    "cumulative_arrivals": "joined, to date",
    "cumulative_departures": "set out, to date",
    "in_theatre": "in theatre",
    "fighting_abroad": "fighting abroad",
    "arrivals_total": "arrivals over the period",
    "arrivals_per_month": "arrivals per month",
    "arrivals_peak_month": "peak arrivals in a month",
    "arrivals_ratio": "arrivals, ratio to the earlier period",
    "killed_all_fighters_total": "fighters killed (all)",
    "in_theatre_fall_from_peak": "fall in theatre from the peak",
    "returned": "returned, to date",
    "killed": "killed, to date",
}
"""What a figure's ``measure`` counts, in plain words."""

BOUNDS = {"lower_bound": "at least", "upper_bound": "at most"}
"""How a bound qualifies its label."""


def region_text(region: str) -> str:
    """A region, a sum of regions or ``total``, as the reader would name it."""
    if region in REGION_GROUPS:
        return REGION_GROUPS[region]
    names = {r.id: r.name for r in REGIONS}
    return " + ".join(names.get(part, part.replace("_", " ")) for part in region.split("+"))


def _when(start: dt.date, end: dt.date) -> str:
    first, last = f"{start:%b %Y}", f"{end:%b %Y}"
    return last if first == last else f"{first} to {last}"


def figure_label(
    region: str,
    measure: str | None,
    quantity: str,
    ref_start: dt.date | str,
    ref_end: dt.date | str,
    form: str = "point",
) -> str:
    """The plain label of a reported figure: region, what it counts, its date or period, and
    whether it is a bound (e.g. "Europe: joined, to date, Oct 2014 (at most)").
    """
    start, end = (
        d if isinstance(d, dt.date) else dt.date.fromisoformat(d) for d in (ref_start, ref_end)
    )
    what = MEASURES.get(measure or "", (measure or quantity).replace("_", " "))
    where = "" if region == "none" else f"{region_text(region)}: "
    bound = f" ({BOUNDS[form]})" if form in BOUNDS else ""
    text = f"{where}{what}, {_when(start, end)}{bound}"
    return text[0].upper() + text[1:]
