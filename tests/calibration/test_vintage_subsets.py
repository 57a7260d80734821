"""A vintage from any subset of the readings (issue 23): data leaving only rows of readings
whose other rows were published later is a clean refusal naming the first date that works."""

from __future__ import annotations

import datetime as dt

import pytest

from ffsim.calibration.observations import load_observations
from ffsim.calibration.vintages import data_date, parse_as_of, rows_as_of
from ffsim.core.errors import InputError


def test_readings_each_with_a_later_row_are_refused_not_an_empty_max():
    rows = [o for o in load_observations() if o.reading_of == "nyt_2015_09"]
    first = {}
    for o in rows:  # one row of each reading published a day after the others
        first.setdefault(o.reading, o)
    later = tuple(
        o.model_copy(update={"published": dt.date(2015, 9, 28)}) if first[o.reading] is o else o
        for o in rows
    )
    with pytest.raises(InputError, match="the first date with one is 2015-09-28"):
        data_date(later, dt.date(2015, 9, 27))
    assert rows_as_of(later, dt.date(2015, 9, 28))  # all rows published: usable


@pytest.mark.parametrize("text", ["20160626", "2016-W26-1", "2016-06-26 ", "2016-6-26"])
def test_as_of_is_only_yyyy_mm_dd(text):
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        parse_as_of(text)
    assert parse_as_of("2016-06-26") == dt.date(2016, 6, 26)
