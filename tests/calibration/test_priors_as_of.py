"""Vintages know only their past: an informative prior enters a calibration only when its
evidence had been published by the calibration's date."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from ffsim.calibration.config import FreeParameter, load_config
from ffsim.calibration.observations import load_observations
from ffsim.calibration.vintages import article_dates, data_date
from ffsim.core.errors import InputError

CONFIG = load_config()
VINTAGE_DATES = ("2015-04-30", "2015-09-27", "2016-06-26")


def test_every_informative_prior_is_the_weak_rule_or_names_the_date_of_its_evidence():
    for free in CONFIG.free:
        if not free.informative:
            assert free.evidence_published is None, free.name
        elif free.evidence_published is None:
            assert free.is_weakly_informative(), free.name
            assert free.source.startswith("weakly informative") or "see the comment" in free.source
        else:
            assert not free.is_weakly_informative(), free.name


def test_the_weak_rule_is_the_headers_rule():
    # Normal: centred in [lower, upper], sd a quarter of the range. Lognormal: the geometric
    # centre, sigma_log a quarter of the log range (calibration/config.toml's header).
    dated = {"source": "x", "evidence_published": dt.date(2016, 1, 1)}
    normal = FreeParameter(
        name="appeal_base", prior="normal", lower=0.2, upper=1.0, mean=0.9, sd=0.1, **dated
    )
    weak = normal.weakly_informative()
    assert (weak.prior, weak.mean, weak.sd) == ("normal", 0.6, 0.2)
    log = FreeParameter(
        name="return_rate",
        prior="lognormal",
        lower=0.001,
        upper=0.016,
        median=0.012,
        sigma_log=0.2,
        **dated,
    )
    weak = log.weakly_informative()
    assert weak.median == pytest.approx(0.004, rel=1e-3)
    assert weak.sigma_log == pytest.approx(math.log(16) / 4, rel=1e-3)
    assert weak.evidence_published is None and weak.is_weakly_informative()


@pytest.mark.parametrize("date", VINTAGE_DATES)
def test_a_vintage_uses_no_prior_whose_evidence_came_later(date):
    as_of = dt.date.fromisoformat(date)
    vintage = CONFIG.as_of(as_of)
    assert vintage.names == CONFIG.names
    for before, after in zip(CONFIG.free, vintage.free, strict=True):
        published = before.evidence_published
        if published is not None and published > as_of:
            assert after.is_weakly_informative() and after.evidence_published is None
            assert published.isoformat() in after.source
        else:
            assert after == before


def test_the_baseline_date_keeps_every_informative_prior():
    latest = max(f.evidence_published for f in CONFIG.free if f.evidence_published)
    assert CONFIG.as_of(latest).free == CONFIG.free
    assert CONFIG.as_of(latest - dt.timedelta(days=1)).free != CONFIG.free
    # The baseline is a calibration as of the date of the last figure it fits: every prior's
    # evidence was published by then; only the constraints published later are left out.
    baseline = CONFIG.as_of(data_date(load_observations(), None))
    assert baseline.free == CONFIG.free
    later = {c.id for c in CONFIG.constraint} - {c.id for c in baseline.constraint}
    assert later and all(
        c.published > data_date(load_observations(), None)
        for c in CONFIG.constraint
        if c.id in later
    )


def test_an_informative_prior_without_its_date_is_refused(tmp_path):
    text = (load_config.__globals__["DEFAULT_CONFIG"]).read_text("utf-8")
    stripped = "\n".join(
        line for line in text.splitlines() if not line.startswith("evidence_published")
    )
    path = tmp_path / "config.toml"
    path.write_text(stripped, "utf-8")
    with pytest.raises(InputError, match="needs evidence_published"):
        load_config(path)


def test_an_evidence_date_that_is_not_a_date_is_named_with_what_is_allowed(tmp_path):
    text = (load_config.__globals__["DEFAULT_CONFIG"]).read_text("utf-8")
    path = tmp_path / "config.toml"
    path.write_text(text.replace("evidence_published = 2016-09-10", 'evidence_published = "soon"'))
    with pytest.raises(InputError) as info:
        load_config(path)
    message = str(info.value)
    assert 'foreign_death_rate): evidence_published = "soon"' in message
    assert "a date written YYYY-MM-DD, without quotes" in message
    assert "class" not in message


def test_no_prior_or_constraint_rests_on_evidence_published_after_the_articles():
    # Figures published after the last article (March 2017) are validation only: none may size
    # a prior or bound an output, in the baseline or in any calibration as of a later date.
    last = max(article_dates(load_observations()))
    assert last == dt.date(2017, 3, 24)
    dated = [f.evidence_published for f in CONFIG.free if f.evidence_published]
    dated += [c.published for c in CONFIG.constraint]
    assert dated and max(dated) <= last
    assert all(c.date <= c.published for c in CONFIG.constraint)
