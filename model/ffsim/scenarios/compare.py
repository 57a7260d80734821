"""Compare scenarios: key outcomes with posterior 90% intervals, and paired differences.

Every scenario runs at its best fit and over the same posterior draws (the calibration
artifact's); parameters a scenario sets explicitly override the draws. An outcome is reported at
the best fit with the 5% to 95% quantiles of its values over the draws. A difference from the
first scenario is reported the same way: at the best fit (the difference of the two best fits,
:meth:`Comparison.best_difference`), with the 5% to 95% quantiles of the difference taken draw
by draw (:meth:`Comparison.difference`), so that its interval reflects the uncertainty of the
difference itself, not of two independent outcomes. In a skewed posterior the paired interval
need not contain the best-fit difference (:meth:`Comparison.difference_outside` tells), and
the median of the paired differences is not the best-fit difference.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ffsim.calibration.baseline import active_artifact, baseline_parameters, read_artifact
from ffsim.calibration.uncertainty import posterior_packed
from ffsim.core.errors import InputError
from ffsim.core.outputs import Outputs, Selection
from ffsim.core.parameters import Parameters
from ffsim.core.results import Result
from ffsim.core.simulate import simulate_outputs
from ffsim.core.variables import VARIABLES, label
from ffsim.scenarios.scenario import Scenario, load_scenario

if TYPE_CHECKING:  # pandas is imported where a DataFrame is made
    import pandas as pd

OUTCOMES: dict[str, str] = {
    name: label(name)
    for name in (
        "cumulative_departures",
        "cumulative_arrivals",
        "peak_in_theatre",
        "peak_month",
        "killed",
        "returned",
        "moved_on",
        "intercepted",
    )
}
"""Outcome name to label (``ffsim.core.variables``): stocks at the end of the run (persons), the
peak in theatre and its month."""

END_STOCKS: tuple[str, ...] = tuple(n for n in OUTCOMES if VARIABLES[n].kind == "stock")
"""The outcomes that are a stock's value at the end of the run."""


OUTCOME_SELECTION = Selection.of(tuple(dict.fromkeys(("in_theatre", *END_STOCKS))))
"""What a comparison stores of each run: the totals of the outcome stocks, every month."""


def outcomes(result: Result | Outputs) -> dict[str, np.ndarray]:
    """Every outcome for each member of an ensemble (or a scalar for one run)."""
    theatre = result.stock("in_theatre")
    out = {name: result.stock(name)[..., -1] for name in END_STOCKS}
    out["peak_in_theatre"] = theatre.max(axis=-1)
    out["peak_month"] = theatre.argmax(axis=-1).astype(float) + 1.0
    return out


STATISTICS = (
    "best_fit",
    "p05",
    "p50",
    "p95",
    "difference_best_fit",
    "difference_p05",
    "difference_p50",
    "difference_p95",
)
"""The statistics of each outcome in :meth:`Comparison.to_pandas` and ``ffsim compare --out``:
the outcome at the best fit and its quantiles over the posterior draws; the difference from the
first scenario at the best fit and the quantiles of the difference taken draw by draw."""


@dataclass(frozen=True)
class Comparison:
    """Outcomes of several scenarios: best fit, posterior quantiles, paired differences."""

    names: tuple[str, ...]
    hashes: tuple[str, ...]
    dates: tuple[dt.date, ...]
    best: dict[str, np.ndarray]  # outcome -> (n_scenarios,)
    draws: dict[str, np.ndarray]  # outcome -> (n_scenarios, n_draws)

    def quantiles(self, outcome: str, q: tuple[float, ...] = (0.05, 0.5, 0.95)) -> np.ndarray:
        """(n_scenarios, len(q)) quantiles over the posterior draws."""
        return np.quantile(self.draws[outcome], q, axis=1).T

    def difference(self, outcome: str, q: tuple[float, ...] = (0.05, 0.5, 0.95)) -> np.ndarray:
        """Quantiles of the paired difference from the first scenario: (n_scenarios, len(q)).

        Each draw's outcome minus the first scenario's outcome on the same draw (persons; months
        for ``peak_month``), then the quantiles ``q`` over the draws. The median is not the
        best-fit difference (:meth:`best_difference`).
        """
        d = self.draws[outcome] - self.draws[outcome][:1]
        return np.quantile(d, q, axis=1).T

    def best_difference(self, outcome: str) -> np.ndarray:
        """The difference from the first scenario at the best fit: (n_scenarios,).

        Each scenario's best-fit outcome minus the first scenario's (persons; months for
        ``peak_month``): the difference of the best-fit column, row by row.
        """
        return self.best[outcome] - self.best[outcome][0]

    def difference_outside(self, outcome: str) -> np.ndarray:
        """Whether the best-fit difference lies outside its paired 90% interval: (n_scenarios,).

        It can, when the posterior of the difference is skewed away from the best fit (or
        when there are few draws); False for the first scenario, whose differences are zero.
        """
        low, _, high = self.difference(outcome).T
        best = self.best_difference(outcome)
        return (best < low) | (best > high)

    def statistics(self, outcome: str) -> np.ndarray:
        """(n_scenarios, 8): the :data:`STATISTICS` of ``outcome`` for each scenario."""
        return np.column_stack(
            [
                self.best[outcome],
                self.quantiles(outcome),
                self.best_difference(outcome),
                self.difference(outcome),
            ]
        )

    def to_pandas(self) -> pd.DataFrame:
        """The comparison as a wide table: one row per scenario (the index, ``scenario``, in
        the order given; the first is the reference of the differences), and columns
        (outcome, statistic), a ``MultiIndex`` of every outcome (:data:`OUTCOMES`) and
        :data:`STATISTICS`: persons, or months from the start for ``peak_month``.
        """
        import pandas as pd

        blocks = {o: pd.DataFrame(self.statistics(o), columns=list(STATISTICS)) for o in OUTCOMES}
        table = pd.concat(blocks, axis=1, names=["outcome", "statistic"])
        table.index = pd.Index(self.names, name="scenario")
        return table

    def _repr_html_(self) -> str:
        """A compact table for notebooks: each outcome at the best fit with its 90% interval,
        and the difference from the first scenario.
        """
        head = "".join(f"<th>{html.escape(label)}</th>" for label in OUTCOMES.values())
        rows = []
        for i, name in enumerate(self.names):
            cells = []
            for outcome in OUTCOMES:
                best, low, _, high, diff, *_ = self.statistics(outcome)[i]
                if outcome == "peak_month":
                    text = f"{self.month_label(best)} [{self.month_label(low)} to "
                    text += f"{self.month_label(high)}]"
                else:
                    text = f"{best:,.0f} [{low:,.0f} to {high:,.0f}]"
                if i:
                    text += f"<br>{signed(diff)}"
                cells.append(f"<td>{text}</td>")
            rows.append(f"<tr><th>{html.escape(name)}</th>{''.join(cells)}</tr>")
        n = self.draws[next(iter(OUTCOMES))].shape[1]
        return (
            f"<div><p><b>Comparison of {len(self.names)} scenarios</b>: best fit [5% to 95% "
            f"over {n} posterior draws]; below, the difference from the first at the best "
            f"fit</p><table><tr><th></th>{head}</tr>{''.join(rows)}</table></div>"
        )

    def month_label(self, month: float) -> str:
        """The month-end date of a month count from the start (1 = first month)."""
        i = round(month) - 1
        return f"{self.dates[min(max(i, 0), len(self.dates) - 1)]:%Y-%m}"


OUTSIDE_MARK = "*"
"""How the CLI, the Compare page and docs/scenarios.md mark a best-fit difference that lies
outside its paired 90% interval."""


def reading(draws: int, reference: str) -> str:
    """How to read a comparison, in the words of ``ffsim compare``, the Compare page and
    docs/scenarios.md.

    Parameters
    ----------
    draws : int
        Posterior draws each scenario runs.
    reference : str
        How the first scenario is named (already quoted or escaped for where it is shown).
    """
    return (
        "Each outcome is given at the best fit, with the 5% to 95% of its values over the "
        f"{draws} posterior draws (a 90% interval). A difference is the scenario minus "
        f"{reference} at the best fit (the difference of the best-fit values), with the 5% to "
        "95% of the difference taken draw by draw (both scenarios run every draw: a paired 90% "
        "interval). Persons; months for the month of the peak. Every number is rounded on its "
        "own, so a difference can differ by one from that of the rounded values."
    )


def signed(x: float) -> str:
    """A difference as the CLI, the Compare page and docs/scenarios.md show it: a whole number
    with its sign and thousands separated (``+11,007``, ``-3``), and ``0`` unsigned.
    """
    whole = round(float(x))
    return f"{whole:+,d}" if whole else "0"


def outside_note(count: int) -> str:
    """What the mark :data:`OUTSIDE_MARK` means, with how many differences carry it."""
    if count == 0:
        return "Every best-fit difference lies inside its paired 90% interval."
    return (
        f"{OUTSIDE_MARK} {count} best-fit difference{'s' if count > 1 else ''} "
        f"lie{'' if count > 1 else 's'} outside {'their' if count > 1 else 'its'} paired 90% "
        "interval: over the posterior draws the difference is skewed away from its value at "
        "the best fit (or there are few draws)."
    )


@lru_cache(maxsize=4)
def _baseline_draws(path: Path, mtime_ns: int) -> np.ndarray:
    """The artifact's posterior draws as packed vectors on the baseline (read-only, cached).

    ``mtime_ns`` is part of the key so that a rewritten artifact is read again.
    """
    del mtime_ns
    draws = posterior_packed(baseline_parameters(path), read_artifact(path))
    draws.setflags(write=False)
    return draws


def posterior_members(params: Parameters, draws: int, path: Path | None = None) -> np.ndarray:
    """Packed parameters of ``draws`` posterior draws under ``params``: (draws, n_params).

    Draws are evenly spaced over the artifact's sample, so every scenario gets the same ones;
    the parameters in which ``params`` differs from the baseline override the draws.
    """
    path = active_artifact() if path is None else Path(path)
    read_artifact(path)  # a missing or corrupt artifact is a one-line error
    all_draws = _baseline_draws(path, path.stat().st_mtime_ns)
    available = all_draws.shape[0]
    if not 1 <= draws <= available:
        raise InputError(f"--draws {draws}: allowed 1 to {available} (draws in the artifact)")
    pick = np.linspace(0, available - 1, draws).round().astype(int)
    members = all_draws[pick]  # fancy indexing copies: the cached draws stay untouched
    own, base_packed = params.pack(), baseline_parameters(path).pack()
    changed = own != base_packed
    members[:, changed] = own[changed]
    return members


def compare(
    scenarios: Sequence[Scenario | str | os.PathLike[str]],
    draws: int = 200,
    path: Path | None = None,
) -> Comparison:
    """Run every scenario at its best fit and over ``draws`` posterior draws.

    A scenario is a :class:`~ffsim.scenarios.scenario.Scenario` or, as the command line takes
    it, a shipped scenario's name (``"baseline"``, ``"early_response"``), ``"saved:NAME"`` or a
    file. The first is the reference of the differences.

    Raises
    ------
    InputError
        When the scenarios cover different time spans, or ``draws`` is out of range.
    """
    if not scenarios:
        raise InputError("compare needs at least one scenario")
    chosen = [s if isinstance(s, Scenario) else load_scenario(os.fspath(s)) for s in scenarios]
    settings = chosen[0].settings
    for s in chosen[1:]:
        if s.settings != settings:
            raise InputError(
                f"scenario {s.name!r}: settings {s.settings.model_dump()} differ from "
                f"{chosen[0].name!r} ({settings.model_dump()}); compared runs must share them"
            )
    packed, drivers = [], []
    for s in chosen:
        own = s.parameters
        packed.append(np.vstack([own.pack()[None], posterior_members(own, draws, path)]))
        drivers += [s.drivers] * (draws + 1)
    result = simulate_outputs(np.vstack(packed), OUTCOME_SELECTION, drivers, settings)
    per = outcomes(result)
    n = len(chosen)
    best = {k: v.reshape(n, draws + 1)[:, 0] for k, v in per.items()}
    sampled = {k: v.reshape(n, draws + 1)[:, 1:] for k, v in per.items()}
    return Comparison(
        tuple(s.name for s in chosen),
        tuple(s.content_hash() for s in chosen),
        result.dates,
        best,
        sampled,
    )
