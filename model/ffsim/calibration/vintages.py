"""Vintages: the calibration as it could have been made on a date, from what was published.

Every fitted figure in ``data/observations.csv`` carries the date its article was published. A
vintage is the calibration that uses only the fitted figures published on or before its date
(``as_of``), with the same priors, parameters, sampler and seed as the baseline. The vintages
are the five articles' dates (the latest publication date among each article's rows).

A vintage is named by the publication date of the latest figure it fits (its *data date*), so
that any ``--as-of`` between two articles gives the same problem and the same artifact. The
last article (CounterPunch, 2017-03-24) reports no figure the model fits, so its vintage is the
one of 2016-09-11, which fits every figure: the shipped baseline.

A statement with several readings (``reading_of``) keeps the readings whose rows were all
published by the date; if one reading is left, its rows are fitted as plain figures.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ffsim.calibration.observations import Observation, fitted
from ffsim.core.errors import InputError
from ffsim.resources import BASELINE_PATH, VINTAGE_DIR


def article_dates(observations: tuple[Observation, ...]) -> tuple[dt.date, ...]:
    """The vintage dates: for each article (``source_file``), the latest publication date
    among its rows, in order.
    """
    latest: dict[str, dt.date] = {}
    for o in observations:
        latest[o.source_file] = max(latest.get(o.source_file, o.published), o.published)
    return tuple(sorted(set(latest.values())))


def parse_as_of(text: str) -> dt.date:
    """A ``--as-of`` date (YYYY-MM-DD).

    Raises
    ------
    InputError
        Naming the value and the form allowed.
    """
    try:
        if not isinstance(text, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            raise ValueError(text)  # fromisoformat would take 20160626 and 2016-W26-1 too
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise InputError(
            f"--as-of {text!r}: not a calendar date; give YYYY-MM-DD, for instance 2016-06-26"
        ) from None


def rows_as_of(observations: tuple[Observation, ...], as_of: dt.date) -> tuple[Observation, ...]:
    """The fitted rows published on or before ``as_of``.

    Readings of a statement whose rows are not all published by then are dropped; a statement
    left with a single reading becomes plain figures (no mixture).

    Raises
    ------
    InputError
        When no fitted figure had been published by ``as_of``, every row of its reading
        included (the first date that has one is named); also when the rows are of readings
        whose other rows were published later, or there are no fitted rows at all.
    """
    rows = fitted(observations)
    late = {(o.reading_of, o.reading) for o in rows if o.reading_of and o.published > as_of}
    kept = [o for o in rows if o.published <= as_of and (o.reading_of, o.reading) not in late]
    if not kept:
        complete: dict[tuple[str, str], dt.date] = {}  # a figure, or a reading: all its rows
        for o in rows:
            key = (o.reading_of, o.reading) if o.reading_of else ("", o.id)
            complete[key] = max(complete.get(key, o.published), o.published)
        first = (
            f"the first date with one is {min(complete.values())}" if complete else "there is none"
        )
        raise InputError(
            f"--as-of {as_of}: no fitted figure had been published by then (a reading counts "
            f"once all its rows are); {first}"
        )
    readings: dict[str, set[str]] = {}
    for o in kept:
        if o.reading_of:
            readings.setdefault(o.reading_of, set()).add(o.reading)
    single = {s for s, names in readings.items() if len(names) == 1}
    return tuple(
        o.model_copy(update={"reading_of": "", "reading": "", "reading_weight": None})
        if o.reading_of in single
        else o
        for o in kept
    )


def data_date(observations: tuple[Observation, ...], as_of: dt.date | None = None) -> dt.date:
    """Publication date of the latest fitted figure published by ``as_of`` (of all when
    ``None``): the date that names a vintage.
    """
    rows = fitted(observations) if as_of is None else rows_as_of(observations, as_of)
    if not rows:
        raise InputError("the observations hold no fitted figure; a vintage needs at least one")
    return max(o.published for o in rows)


def vintage_path(as_of: dt.date, observations: tuple[Observation, ...]) -> Path:
    """Where the artifact of the vintage ``as_of`` lives: the baseline when it fits every
    figure, else ``calibration/vintages/as-of-<data date>.json``.
    """
    date = data_date(observations, as_of)
    if date == data_date(observations):
        return BASELINE_PATH
    return VINTAGE_DIR / f"as-of-{date.isoformat()}.json"
