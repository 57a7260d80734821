"""The answers of the lessons on dynamics (stocks, delays, feedback, policy), computed from the
model at run time.

Each answer reads the runs at the best fit (the calibrated baseline and the lesson's
experiment) and, where an effect is not pinned down by the figures, its 90% interval over
:data:`DRAWS` posterior draws, paired draw by draw as in ``ffsim compare``. Numbers are people
(stocks, or flows summed over months) unless a ratio is named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ffsim.calibration.baseline import read_artifact
from ffsim.core.results import Result
from ffsim.core.simulate import simulate_ensemble
from ffsim.scenarios.compare import posterior_members
from ffsim.scenarios.scenario import baseline_scenario
from ffsim.teaching.alternatives import disagreement, fit_alike, fit_text, refit
from ffsim.teaching.evidence import flow_record, shares_record
from ffsim.teaching.lesson import Answer

DRAWS = 200
"""Posterior draws behind each interval (the default of ``ffsim compare``)."""

Metric = Callable[[Result], np.ndarray]
"""A number from a run (a scalar) or from an ensemble (one per draw)."""


def _window(result: Result, first: str, last: str) -> slice:
    dates = [d.strftime("%Y-%m") for d in result.dates]
    return slice(dates.index(first), dates.index(last) + 1)


def _ensemble(lesson_id: str | None = None) -> Result:
    """The lesson's experiment (the baseline without an id) over the posterior draws."""
    # The lessons refer to the answers here, so their table is looked up when an answer runs.
    from ffsim.teaching.lessons import LESSONS_BY_ID

    scenario = LESSONS_BY_ID[lesson_id].scenario() if lesson_id else baseline_scenario()
    return simulate_ensemble(posterior_members(scenario.parameters, DRAWS), scenario.drivers)


def _interval(values: np.ndarray, fmt: str) -> str:
    """The 5% and 95% quantiles over the posterior draws."""
    low, high = np.quantile(values, [0.05, 0.95])
    return f"{low:{fmt}} to {high:{fmt}}"


def _parameter(name: str) -> str:
    """A parameter's best fit and posterior interval, from the shipped artifact."""
    p = read_artifact()["parameters"][name]
    where = (p["estimate"] - p["p05"]) / (p["p95"] - p["p05"])
    edge = "; the best fit lies near its low end" if where < 0.15 else ""
    edge = "; the best fit lies near its high end" if where > 0.85 else edge
    return (
        f"{name} is {p['estimate']:.2g} at the best fit, against {p['p05']:.2g} to "
        f"{p['p95']:.2g} over the posterior (90% interval{edge})"
    )


def departures_metric(first: str, last: str) -> Metric:
    """Departures summed over the months ``first`` to ``last`` (``"YYYY-MM"``), in people."""

    def metric(result: Result) -> np.ndarray:
        return result.flow("departures")[..., _window(result, first, last)].sum(axis=-1)

    return metric


def final_metric(stock: str) -> Metric:
    """A stock at the end of the run (end of 2018), in people."""

    def metric(result: Result) -> np.ndarray:
        return result.stock(stock)[..., -1]

    return metric


def three_way(before: float, after: float, what: str) -> Answer:
    """Option 0, 1 or 2 (lower, about the same within 5%, higher) for a change, with the numbers."""
    change = (after - before) / before if before else np.inf
    option = 1 if abs(change) <= 0.05 else (2 if change > 0 else 0)
    return Answer(
        option,
        f"{what}: {before:,.0f} as reported, {after:,.0f} in the experiment ({change:+.0%}).",
    )


def experiment_answer(
    lesson_id: str,
    metric: Metric,
    what: str,
    more: Callable[[Result, Result], str] | None = None,
) -> Callable[[Result, Result], Answer]:
    """Answer "lower, about the same or higher" at the best fit, with the posterior change."""

    def answer(base: Result, exp: Result) -> Answer:
        best = three_way(float(metric(base)), float(metric(exp)), what)
        change = metric(_ensemble(lesson_id)) / metric(_ensemble()) - 1.0
        why = (
            f"{best.why[:-1]} at the best fit, {_interval(change, '+.0%')} over {DRAWS} "
            "posterior draws (90% interval)."
        )
        return Answer(best.option, f"{why} {more(base, exp)}" if more else why)

    return answer


def peaks_answer(base: Result, _: Result) -> Answer:
    """Lesson "stocks": how many months after arrivals the number in theatre peaks."""
    arrivals, theatre = base.flow("arrivals"), base.stock("in_theatre")
    a, t = int(arrivals.argmax()), int(theatre.argmax())
    lag = t - a
    option = 0 if lag < -3 else (1 if lag <= 3 else 2)
    ens = _ensemble()
    lags = ens.stock("in_theatre").argmax(axis=-1) - ens.flow("arrivals").argmax(axis=-1)
    return Answer(
        option,
        (
            f"Arrivals peaked in {base.dates[a]:%Y-%m} ({arrivals[a]:,.0f} a month); the number in "
            f"theatre peaked in {base.dates[t]:%Y-%m} ({theatre[t]:,.0f}), {lag} months later "
            f"({_interval(lags, '.0f')} months over {DRAWS} posterior draws, 90% interval). A "
            "stock keeps rising while its inflow exceeds its outflows, even when the inflow is "
            f"already falling. {flow_record(base)}"
        ),
    )


def drain_answer(base: Result, _: Result) -> Answer:
    """Lesson "delays": the number in theatre at the end of 2018, as a share of its peak."""
    theatre, arrivals = base.stock("in_theatre"), base.flow("arrivals")
    top = int(theatre.argmax())
    peak, end = theatre[top], theatre[-1]
    share = end / peak
    option = 0 if share < 0.5 else (1 if share < 0.9 else 2)
    after = slice(top + 1, None)
    killed, returned, moved, came = (
        base.flow(f)[after].sum() for f in ("deaths", "returns", "onward_moves", "arrivals")
    )
    exits = sum(base.flow(f)[-12:].sum() for f in ("deaths", "returns", "onward_moves")) / 12
    residence = theatre[-12:].mean() / exits / 12 if exits > 0 else np.inf
    ens = _ensemble().stock("in_theatre")
    shares = ens[:, -1] / ens.max(axis=-1)
    low, high = np.quantile(shares, [0.05, 0.95])
    below = float(np.mean(shares < 0.5))
    half = (
        f": below half at the best fit and in {below:.0%} of the draws, not in all"
        if low < 0.5 < high
        else ""
    )
    return Answer(
        option,
        f"The number in theatre peaked at {peak:,.0f} ({base.dates[top]:%Y-%m}) and was "
        f"{end:,.0f} at the end of 2018, {share:.0%} of the peak, while arrivals fell from "
        f"{arrivals.max():,.0f} a month ({base.dates[int(arrivals.argmax())]:%Y-%m}) to "
        f"{arrivals[-1]:,.0f}. From the peak to the end of "
        f"2018, {killed:,.0f} were killed, {returned:,.0f} returned and {moved:,.0f} moved on, "
        f"against {came:,.0f} arrivals. In 2018 about {exits:,.0f} a month left: at that rate a "
        f"fighter stays about {residence:,.0f} years on average. The figures pin this down "
        f"only loosely: over {DRAWS} posterior draws the end of 2018 is {low:.0%} to "
        f"{high:.0%} of the peak (90% interval){half}. {shares_record(base)}",
    )


def _lesson(lesson_id: str):  # noqa: ANN202 - the Lesson type is imported at run time
    from ffsim.teaching.lessons import LESSONS_BY_ID

    return LESSONS_BY_ID[lesson_id]


@dataclass(frozen=True)
class TwoSettings:
    """Two refits of a loop's parameter (:mod:`ffsim.teaching.alternatives`) and the lesson's
    experiment under each.
    """

    text: str
    """Their fits, the metric as reported under each, and the change the experiment makes."""
    reported: tuple[float, float]
    """The metric of the baseline under the low and the high refit."""
    changes: tuple[float, float]
    """The relative change the experiment makes under the low and the high refit."""
    alike: bool
    """Whether the figures cannot tell the two refits apart (:func:`fit_alike`)."""


def _two_settings(
    name: str, low: float, high: float, lesson_id: str, metric: Metric, what: str
) -> TwoSettings:
    """The fit of two refits of ``name`` and the change the lesson's experiment makes under
    each (:mod:`ffsim.teaching.alternatives`).
    """
    lesson = _lesson(lesson_id)
    (b_low, b_high), (c_low, c_high) = disagreement(
        name, low, high, lesson.scenario(), lesson.changes, metric
    )
    text = (
        f"{fit_text(name, low, high)}. {what}: {b_low:,.0f} and {b_high:,.0f} as reported; the "
        f"experiment changes them by {c_low:+.0%} and {c_high:+.0%}."
    )
    return TwoSettings(text, (b_low, b_high), (c_low, c_high), fit_alike(name, low, high))


def _told_apart(name: str, low: float, high: float) -> str:
    """The closing sentence when the figures do tell the two refits apart."""
    better = low if refit(name, low)[1] > refit(name, high)[1] else high
    return (
        f"Here the figures tell the two apart: {name} at {better:g} fits them better, so the "
        "experiment's answer under the other setting is one the figures argue against."
    )


def border_note(base: Result, exp: Result) -> str:
    """Lesson "border": the change in arrivals, which explains the fall in returns, and the
    closure's strength, which the figures bound only from above.
    """
    arrivals = three_way(
        base.stock("cumulative_arrivals")[-1],
        exp.stock("cumulative_arrivals")[-1],
        "Arrived by the end of 2018",
    )
    low, high = 0.0, 0.5
    two = _two_settings(
        "border_stop_max", low, high, "border", final_metric("returned"), "Returned by 2018"
    )
    closing = (
        f"A closed border that stopped no one (at {low:g}) fits the counts as well as one that "
        f"stopped {high:.0%} of crossings; under it the earlier closure changes returns by "
        f"{two.changes[0]:+.0%}."
        if two.alike
        else _told_apart("border_stop_max", low, high)
    )
    prior = (
        "the prior from the evidence of the time (Turkey's deportations and refusals of 2015) "
        "sets the rest"
        if _informative("border_stop_max")
        else "its prior here is weakly informative: the evidence of Turkey's deportations and "
        "refusals (November 2015) was published after this calibration's date"
    )
    return (
        f"{arrivals.why} Fewer arrive, so fewer are there to come back, and the closed border "
        f"also blocks exits. {_parameter('border_stop_max')}: the counts alone bound it only "
        f"from above, and {prior}. {two.text} {closing}"
    )


def _informative(name: str) -> bool:
    """Whether free parameter ``name`` has its prior from evidence in the active calibration:
    evidence published by the artifact's date (``FreeParameter.as_of``; later evidence leaves a
    weakly informative prior).
    """
    from ffsim.calibration.config import load_config

    as_of = dt.date.fromisoformat(read_artifact()["as_of"])
    free = {f.name: f for f in load_config().free}
    evidence = free[name].evidence_published if name in free else None
    return evidence is not None and evidence <= as_of


def network_note(base: Result, exp: Result) -> str:
    """Lesson "network": the peak in theatre with and without the effect, its estimate, and two
    refits, whether the figures tell them apart, and what the experiment does under each.
    """
    before, after = base.stock("in_theatre").max(), exp.stock("in_theatre").max()
    low, high = 0.0, 3.0
    two = _two_settings(
        "network_strength",
        low,
        high,
        "network",
        final_metric("cumulative_departures"),
        "Set out by the end of 2018",
    )
    closing = (
        f"Whether the network carried {-two.changes[1]:.0%} of those who set out or none of them "
        "is a hypothesis the figures cannot decide."
        if two.alike
        else _told_apart("network_strength", low, high)
    )
    return (
        f"The peak in theatre: {before:,.0f} as reported, {after:,.0f} without the effect. "
        f"{_parameter('network_strength')}: the reported figures do not pin it down. {two.text} "
        f"{closing}"
    )


SURGE_KEPT = 0.9
"""The share of the best fit's departures from July 2014 to December 2015 that both refits (no
success, strong success) must give for lesson "success" to say that they reproduce the surge."""


def success_note(base: Result, _: Result) -> str:
    """Lesson "success": the estimate of ``appeal_territory``, two refits, whether the figures
    tell them apart, and how much of the surge each gives.
    """
    window = departures_metric("2014-07", "2015-12")
    two = _two_settings(
        "appeal_territory", 0.0, 4.0, "success", window, "Departures July 2014 to December 2015"
    )
    best = float(window(base))
    none, strong = (x / best for x in two.reported)
    if min(none, strong) >= SURGE_KEPT:
        surge = (
            "Both refits reproduce the surge: with success adding nothing, the war's rise "
            "carries it."
        )
    elif none < SURGE_KEPT:
        surge = (
            f"Without success the refit gives {none:.0%} of the best fit's departures in that "
            "window: the war's rise carries only part of the surge."
        )
    else:
        surge = (
            f"Without success the refit gives {none:.0%} of the best fit's departures in that "
            f"window, and with strong success {strong:.0%}."
        )
    closing = (
        "How much success added is a hypothesis the figures cannot decide."
        if two.alike
        else _told_apart("appeal_territory", 0.0, 4.0)
    )
    return f"{_parameter('appeal_territory')}. {two.text} {surge} {closing}"


def spiral_note(base: Result, _: Result) -> str:
    """Lesson "spiral": the pool of would-be recruits, and two refits of the success loop,
    whether the figures tell them apart, and what the experiment does under each.
    """
    pool, w = base.stock("pool"), _window(base, "2016-01", "2017-12")
    end_2015 = _window(base, "2015-12", "2015-12").start
    drawn, left = base.flow("radicalisation")[w].sum(), base.flow("departures")[w].sum()
    two = _two_settings(
        "appeal_territory",
        0.0,
        4.0,
        "spiral",
        departures_metric("2016-01", "2017-12"),
        "Departures in 2016-2017",
    )
    closing = (
        "The figures cannot say whether holding territory would have kept recruits coming."
        if two.alike
        else _told_apart("appeal_territory", 0.0, 4.0)
    )
    stopped = base.stock("stopped")[end_2015]
    return (
        f"The model's pool of would-be recruits, {pool.max():,.0f} at its largest "
        f"({base.dates[int(pool.argmax())]:%Y-%m}), was down to {pool[end_2015]:,.0f} at the end "
        f"of 2015; in 2016-2017, {drawn:,.0f} were newly drawn into it and {left:,.0f} set out. "
        f"Besides them, {stopped:,.0f} people stopped at home or at the border were back home "
        f"at the end of 2015 and could try again: {_parameter('retry_propensity')}, times the "
        "pool's pace, a value the figures do not decide (docs/calibration.md, 'Which loops the "
        f"figures identify'). Appeal can only act on those still at home. {two.text} {closing}"
    )
