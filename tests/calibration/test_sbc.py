"""Simulation-based calibration: the figures are simulated from the density the likelihood is,
the prior draws are exact, and a replication's ranks depend only on its task (not on where it
ran, nor on a run stopped and resumed)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import integrate, stats
from small_setups import tiny

from ffsim.calibration.baseline import baseline_parameters
from ffsim.calibration.config import DEFAULT_CONFIG, load_config
from ffsim.calibration.likelihood import z_score
from ffsim.calibration.measures import measure
from ffsim.calibration.observations import Observation, load_observations, statements
from ffsim.calibration.problem import Problem
from ffsim.calibration.sbc import LOG_LIKELIHOOD, Replication, run_replication
from ffsim.calibration.sbc_figures import (
    BOUND_WIDTH,
    as_range,
    fitted_as_sbc_reads,
    simulate_figure,
    simulate_figures,
)
from ffsim.calibration.sbc_prior import draw_parameter_prior, draw_prior
from ffsim.calibration.sbc_run import (
    done,
    duration_text,
    manifest,
    open_run,
    rank_table,
    run_sbc,
    start_from,
    summary_replications,
    time_left,
)
from ffsim.calibration.sbc_summary import summary_record
from ffsim.calibration.vintages import data_date, rows_as_of
from ffsim.core.errors import InputError
from ffsim.core.executor import DaskExecutor, ProcessExecutor, executor_for
from ffsim.core.parameters import Parameters
from ffsim.core.simulate import simulate

EVERYTHING = load_observations()
AS_OF = data_date(EVERYTHING, None)
FITTED = rows_as_of(EVERYTHING, AS_OF)
CONFIG = load_config(DEFAULT_CONFIG).as_of(AS_OF)


def _row(form: str) -> Observation:
    return next(o for o in FITTED if o.form == form and not o.reading_of)


def test_a_point_figure_is_log_normal_around_the_model():
    o, m = _row("point"), 1234.0
    rng = np.random.default_rng(1)
    logs = [math.log(simulate_figure(o, m, rng).value / m) / o.sigma_log for _ in range(3000)]
    assert stats.kstest(logs, "norm").pvalue > 0.001
    assert abs(np.mean(logs)) < 0.1


@pytest.mark.parametrize("m", [50.0, 700.0, 20000.0])
def test_the_range_likelihood_integrates_to_the_same_constant_whatever_the_model(m):
    """The premise of simulating a range by its centre: the likelihood (the shipped z_range)
    read as a function of the range's log centre has the integral w + sigma sqrt(2 pi)."""
    o = _row("range")
    width = math.log(o.high / o.low)

    def like(c: float) -> float:
        moved = o.model_copy(
            update={"low": math.exp(c - width / 2), "high": math.exp(c + width / 2)}
        )
        return float(np.exp(-0.5 * z_score(np.array([m]), moved)[0] ** 2))

    lm = math.log(m)
    total, _ = integrate.quad(like, lm - 12, lm + 12, points=[lm - width / 2, lm + width / 2])
    assert total == pytest.approx(width + o.sigma_log * math.sqrt(2 * math.pi), rel=1e-6)


def test_simulated_range_centres_follow_the_normalised_likelihood():
    o, m = _row("range"), 640.0
    width, sigma = math.log(o.high / o.low), o.sigma_log
    norm = width + sigma * math.sqrt(2 * math.pi)

    def cdf(d: float) -> float:  # of d = c - log m
        half = width / 2
        if d < -half:
            return sigma * math.sqrt(2 * math.pi) * stats.norm.cdf((d + half) / sigma) / norm
        tail = sigma * math.sqrt(2 * math.pi) / 2
        if d <= half:
            return (tail + d + half) / norm
        return (
            tail
            + width
            + sigma * math.sqrt(2 * math.pi) * (stats.norm.cdf((d - half) / sigma) - 0.5)
        ) / norm

    rng = np.random.default_rng(2)
    d = []
    for _ in range(3000):
        s = simulate_figure(o, m, rng)
        assert math.log(s.high / s.low) == pytest.approx(width)
        d.append(math.log(math.sqrt(s.low * s.high)) - math.log(m))
    assert stats.kstest(d, np.vectorize(cdf)).pvalue > 0.001


def test_a_difference_keeps_the_reported_spread_and_the_likelihood_reads_it():
    o, m = _row("difference"), 8000.0
    spread = o.sigma_log * abs(o.value)
    rng = np.random.default_rng(3)
    z = []
    for _ in range(2000):
        s = simulate_figure(o, m, rng)
        z.append((s.value - m) / spread)
        assert float(z_score(np.array([m]), s)[0]) == pytest.approx(-z[-1])
    assert stats.kstest(z, "norm").pvalue > 0.001


def test_a_bound_is_read_as_a_range_reaching_the_bound_width_beyond_it():
    lower, upper = _row("lower_bound"), _row("upper_bound")
    assert as_range(lower).form == "range"
    assert as_range(lower).high == pytest.approx(lower.low * BOUND_WIDTH)
    assert as_range(upper).low == pytest.approx(upper.high / BOUND_WIDTH)
    assert all(o.form not in ("lower_bound", "upper_bound") for o in fitted_as_sbc_reads(FITTED))


def test_at_the_shipped_best_fit_no_bound_is_beyond_the_range_sbc_reads_it_as():
    """So the shipped likelihood and SBC's reading of the bounds agree at the best fit."""
    result = simulate(baseline_parameters())
    for o in FITTED:
        if o.form in ("lower_bound", "upper_bound"):
            m = float(np.ravel(measure(result, o))[0])
            r = as_range(o)
            if o.form == "lower_bound":  # the open side is above
                assert m <= r.high, o.id
            else:
                assert m >= r.low, o.id


def test_each_statement_keeps_one_reading_drawn_with_its_weight():
    template = fitted_as_sbc_reads(FITTED)
    sts = statements(template)
    assert sts, "the shipped figures have statements with several readings"
    values = np.full(len(template), 500.0)
    rng = np.random.default_rng(4)
    chosen: dict[str, list[str]] = {s.id: [] for s in sts}
    for _ in range(400):
        figures = simulate_figures(template, values, rng)
        ids = {f.id for f in figures}
        assert not any(f.reading_of for f in figures)
        for s in sts:
            kept = [r.name for r in s.readings if {template[i].id for i in r.rows} <= ids]
            gone = [r.name for r in s.readings if not {template[i].id for i in r.rows} & ids]
            assert len(kept) == 1 and len(gone) == len(s.readings) - 1
            chosen[s.id].append(kept[0])
    for s in sts:
        for r in s.readings:
            share = chosen[s.id].count(r.name) / 400
            assert abs(share - r.weight) < 4 * math.sqrt(r.weight * (1 - r.weight) / 400)


@pytest.mark.parametrize("kind", ["normal", "lognormal"])
def test_parameter_prior_draws_follow_the_truncated_prior(kind):
    f = next(f for f in CONFIG.free if f.prior == kind)
    x = draw_parameter_prior(f, np.random.default_rng(5), 4000)
    assert np.all((x >= f.lower) & (x <= f.upper))
    if kind == "normal":
        a, b = (f.lower - f.mean) / f.sd, (f.upper - f.mean) / f.sd
        dist = stats.truncnorm(a, b, loc=f.mean, scale=f.sd)
        assert stats.kstest(x, dist.cdf).pvalue > 0.001
    else:
        mu = math.log(f.median)
        a = (math.log(f.lower) - mu) / f.sigma_log
        b = (math.log(f.upper) - mu) / f.sigma_log
        dist = stats.truncnorm(a, b, loc=mu, scale=f.sigma_log)
        assert stats.kstest(np.log(x), dist.cdf).pvalue > 0.001


def test_prior_draws_with_constraints_match_the_prior_weighted_by_them():
    """Rejection (exact) against importance weights on plain prior draws: the means agree."""
    problem = Problem(CONFIG, FITTED, Parameters())
    rng = np.random.default_rng(6)
    drawn = np.array([draw_prior(problem, rng)[0] for _ in range(60)])
    plain = np.stack([draw_parameter_prior(f, rng, 20000) for f in CONFIG.free], axis=-1)
    w = np.exp(problem.log_constraints(problem.run(plain)))
    w /= w.sum()
    ess = 1 / np.sum(w**2)
    assert ess > 100
    unit_d, unit_p = problem.unit(drawn), problem.unit(plain)
    mean_p = w @ unit_p
    sd = np.sqrt(w @ (unit_p - mean_p) ** 2)
    se = sd * np.sqrt(1 / 60 + 1 / ess)
    gap = np.abs(unit_d.mean(axis=0) - mean_p) / se
    assert np.max(gap) < 4.5  # 50 parameters: each within 4.5 standard errors
    # and the constraints matter: the plain prior's mean differs somewhere
    plain_gap = np.abs(unit_p.mean(axis=0) - mean_p) / (sd / np.sqrt(ess))
    assert np.max(plain_gap) > 3


TINY = tiny(CONFIG)
"""A set-up small enough for a test: three free parameters, a short chain (60 kept steps of 8
walkers: at least 8 draws after thinning, whatever the autocorrelation time)."""


def test_a_replication_depends_only_on_its_task():
    task = Replication(3, 987, TINY, FITTED, draws=7)
    a, b = run_replication(task), run_replication(task)
    assert a["ranks"] == b["ranks"] and a["theta_true"] == b["theta_true"]
    assert set(a["ranks"]) == {f.name for f in TINY.free} | {LOG_LIKELIHOOD}
    assert all(0 <= r <= 7 for r in a["ranks"].values())
    other = run_replication(Replication(3, 988, TINY, FITTED, draws=7))
    assert other["theta_true"] != a["theta_true"]


def test_a_stopped_run_resumes_with_only_the_missing_replications(tmp_path):
    run = manifest(TINY, "data", AS_OF, 11, 7)
    first = run_sbc(tmp_path / "a", TINY, FITTED, run, 1)
    said: list[str] = []
    more = run_sbc(tmp_path / "a", TINY, FITTED, run, 2, progress=said.append)
    assert "1 of 2 replications already" in said[0] and "1 to run" in said[0]
    assert first[0]["ranks"] == more[0]["ranks"]
    fresh = run_sbc(tmp_path / "b", TINY, FITTED, run, 2)
    assert rank_table(fresh)[LOG_LIKELIHOOD].tolist() == rank_table(more)[LOG_LIKELIHOOD].tolist()
    # a half-written replication file (stopped mid-write) does not count, and is redone
    path = tmp_path / "b" / "replications" / "00001.json"
    path.write_text(path.read_text()[:40])
    assert 1 not in done(tmp_path / "b")
    again = run_sbc(tmp_path / "b", TINY, FITTED, run, 2)
    assert again[1]["ranks"] == fresh[1]["ranks"]
    assert json.loads(path.read_text())["index"] == 1


NAMES = [f.name for f in TINY.free]


def test_a_run_started_from_a_summary_is_the_run_that_computed_everything(tmp_path):
    run = manifest(TINY, "data", AS_OF, 11, 7)
    first = run_sbc(tmp_path / "a", TINY, FITTED, run, 2)
    assert first[0]["made_on"]["platform"]["machine"]  # each replication says where it ran
    summary = summary_record(rank_table(first), 7, run, [first[i] for i in sorted(first)], {})
    records = summary_replications(json.loads(json.dumps(summary)), run, NAMES, 3)
    assert records == [first[0], first[1]]  # every field, as the replication returned it
    assert start_from(tmp_path / "b", records, run) == 2
    said: list[str] = []
    extended = run_sbc(tmp_path / "b", TINY, FITTED, run, 3, progress=said.append)
    assert "2 of 3 replications already" in said[0] and "1 to run" in said[0]
    fresh = run_sbc(tmp_path / "c", TINY, FITTED, run, 3)
    assert _ranks(extended) == _ranks(fresh)
    assert start_from(tmp_path / "b", records, run) == 0  # already there: left as they are
    # a replication that says nothing of where it ran takes the summary's provenance
    del summary["records"][0]["made_on"]
    summary["provenance"] = {"packages": {"numpy": "x"}, "platform": {"cpu": "y"}}
    taken = summary_replications(summary, run, NAMES, 2)
    assert taken[0]["made_on"] == {"packages": {"numpy": "x"}, "platform": {"cpu": "y"}}
    assert taken[1]["made_on"] == first[1]["made_on"]


def _altered(summary, change):
    copy = json.loads(json.dumps(summary))
    change(copy)
    return copy


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["ranks"][LOG_LIKELIHOOD].__setitem__(0, float("inf")), "inf"),
        (lambda s: s["ranks"][LOG_LIKELIHOOD].__setitem__(0, 8), "0..7"),
        (lambda s: s["ranks"][LOG_LIKELIHOOD].__setitem__(0, -1), "0..7"),
        (lambda s: s["ranks"][LOG_LIKELIHOOD].__setitem__(0, True), "True"),
        (lambda s: s["ranks"][LOG_LIKELIHOOD].__setitem__(0, 3.5), "3.5"),
        (lambda s: s["ranks"].__setitem__(LOG_LIKELIHOOD, "12"), "not a list of 1 ranks"),
        (lambda s: s["ranks"].__setitem__("bogus", [1]), "not of this run 'bogus'"),
        (lambda s: s["ranks"].pop(LOG_LIKELIHOOD), "missing 'log_likelihood'"),
        (lambda s: s.__setitem__("ranks", []), "'ranks' is not a dict"),
        (lambda s: s["records"][0].pop("seconds"), "no field 'seconds'"),
        (lambda s: s["records"][0].__setitem__("seconds", float("nan")), "a finite number"),
        (lambda s: s["records"][0].__setitem__("draws", 9), "ranked among 9 draws"),
        (lambda s: s["records"][0].__setitem__("index", True), "index is True"),
        (lambda s: s["records"].__setitem__(0, [["index", 0]]), "must be objects"),
        (lambda s: s["theta_true"][0].popitem(), "one for each of this run's free parameters"),
        (lambda s: s.__setitem__("theta_true", []), "theta_true has 0 entries"),
        (lambda s: s["records"][0].__setitem__("index", 5), "replication 5 in the summary"),
        (lambda s: s["records"][0].__setitem__("index", 10**9), "ask at least 1000000001"),
        (lambda s: s.pop("records"), "no field 'records'"),
        (lambda s: s.pop("run"), "no field 'run'"),
    ],
)
def test_an_altered_summary_is_refused_naming_what_is_wrong(sbc_summary_of_one, change, message):
    summary, run = sbc_summary_of_one
    with pytest.raises(InputError) as caught:
        summary_replications(_altered(summary, change), run, NAMES, 6)
    assert message in str(caught.value)
    assert "not an SBC summary: not an SBC summary" not in str(caught.value)


@pytest.fixture(scope="module")
def sbc_summary_of_one(tmp_path_factory):
    run = manifest(TINY, "data", AS_OF, 11, 7)
    first = run_sbc(tmp_path_factory.mktemp("one"), TINY, FITTED, run, 1)
    return summary_record(rank_table(first), 7, run, [first[0]], {}), run


def test_a_summary_of_another_run_or_beyond_the_replications_asked_is_refused(
    sbc_summary_of_one,
):
    summary, run = sbc_summary_of_one
    with pytest.raises(InputError, match=r"seed: 11 in the summary, 12 now"):
        summary_replications(summary, manifest(TINY, "data", AS_OF, 12, 7), NAMES, 1)
    moved = _altered(summary, lambda s: s["records"][0].__setitem__("index", 3))
    with pytest.raises(InputError, match=r"holds replication 3; --replications 2"):
        summary_replications(moved, run, NAMES, 2)
    with pytest.raises(InputError, match="other quantities"):
        summary_replications(summary, run, NAMES[:2], 1)


def test_a_folder_holding_another_run_is_refused_naming_what_differs(tmp_path):
    open_run(tmp_path, manifest(TINY, "data", AS_OF, 11, 7))
    with pytest.raises(InputError, match=r"seed: 11 in the folder, 12 now"):
        run_sbc(tmp_path, TINY, FITTED, manifest(TINY, "data", AS_OF, 12, 7), 1)


def _ranks(records):
    return {i: records[i]["ranks"] for i in sorted(records)}


@pytest.mark.slow  # a spawned pool of two: about 15 s idle, 28 s under load
def test_a_process_pool_gives_the_serial_ranks(tmp_path):
    run = manifest(TINY, "data", AS_OF, 5, 7)
    serial = run_sbc(tmp_path / "serial", TINY, FITTED, run, 2)
    pooled = run_sbc(tmp_path / "pool", TINY, FITTED, run, 2, ProcessExecutor(2))
    assert _ranks(serial) == _ranks(pooled)


@pytest.mark.slow  # starts a cluster of two processes: `make test-slow`, run once by CI
def test_a_small_sbc_on_a_dask_cluster_of_two_workers_gives_the_serial_ranks(tmp_path):
    import distributed  # in the dev extra: a missing one fails here, never skips

    run = manifest(TINY, "data", AS_OF, 5, 7)
    serial = run_sbc(tmp_path / "serial", TINY, FITTED, run, 4)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_cluster = run_sbc(tmp_path / "dask", TINY, FITTED, run, 4, DaskExecutor(client=client))
        by_address = run_sbc(
            tmp_path / "address",
            TINY,
            FITTED,
            run,
            4,
            executor_for(scheduler=cluster.scheduler_address),
        )
    assert _ranks(serial) == _ranks(on_cluster) == _ranks(by_address)


def test_a_verdict_is_given_only_from_twenty_replications():
    from ffsim.calibration.sbc_summary import JUDGED_FROM, summary_text

    rng = np.random.default_rng(8)
    few = {"a": rng.integers(0, 100, JUDGED_FROM - 1)}
    assert "no verdict is given" in summary_text(few, 99)
    uniform = {"a": rng.integers(0, 100, 200), "b": rng.integers(0, 100, 200)}
    assert "2 of 2 quantities pass" in summary_text(uniform, 99)
    skewed = {"a": rng.integers(0, 100, 200), "b": rng.integers(0, 30, 200)}
    text = summary_text(skewed, 99)
    assert "1 of 2 quantities pass; failing: b" in text and "FAILS" in text


def test_the_shipped_sbc_run_is_of_the_shipped_set_up():
    """A change of the set-up, the priors or the data makes the shipped run another run: the
    test then asks for a new one (``ffsim sbc``), as ``ffsim sbc --check`` would refuse it."""
    from ffsim.calibration.observations import data_hash
    from ffsim.resources import SBC_PATH

    shipped = json.loads(SBC_PATH.read_text("utf-8"))
    run = shipped["run"]
    assert run == manifest(CONFIG, data_hash(), AS_OF, run["seed"], run["draws"])
    n = shipped["replications"]
    assert n == len(shipped["theta_true"]) == len(shipped["records"]) >= 1
    for name, ranks in shipped["ranks"].items():
        assert len(ranks) == n and all(0 <= r <= run["draws"] for r in ranks), name
    assert set(shipped["ranks"]) == {f.name for f in CONFIG.free} | {LOG_LIKELIHOOD}


def test_the_time_left_counts_the_replications_running_side_by_side():
    # Two workers; the first replication finishes after 1,000 s while the second ran beside it:
    # 59 left at two at a time is 59 x 1,000 / 2 s, not 59 x 1,000 s.
    assert time_left(1000.0, [1000.0], 59, workers=2) == pytest.approx(29_500.0)
    # once as many have finished as run at once, the run's own pace
    assert time_left(1100.0, [1000.0, 1100.0], 58, workers=2) == pytest.approx(1100.0 / 2 * 58)
    assert time_left(500.0, [500.0], 3, workers=1) == pytest.approx(1500.0)
    assert time_left(500.0, [500.0], 0, workers=2) == 0.0


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.4, "0 s"), (45, "45 s"), (725, "12 min 5 s"), (3600, "1 h 00 min"), (34_082, "9 h 28 min")],
)
def test_durations_read_as_hours_minutes_and_seconds(seconds, text):
    assert duration_text(seconds) == text
