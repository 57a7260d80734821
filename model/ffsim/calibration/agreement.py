"""How far a second, independent reading of the articles agrees with the project's coding
(data/second_reading.csv against data/observations.csv; data/README.md, "Second reading").

Each fitted or driver row of the project's file is paired with the second reader's row that
codes the same number of the same sentence: the same seed file, overlapping locators, and a
number in common (value or a range end, within 2%); of several such rows (readings of one
statement), the one whose reference period is nearest, then the one that agrees in more codes.
Agreement is then counted field by field:
Cohen's kappa for the categorical codes, the share of pairs whose dates lie within a month,
and the share whose values lie within the project's ``sigma_log`` of each other.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ffsim.calibration.observations import Observation
from ffsim.resources import DATA_DIR

SECOND_READING_PATH = DATA_DIR / "second_reading.csv"
"""The second reader's coding of the five articles, by the protocol alone."""

CATEGORICAL = ("form", "population", "stage", "groups", "theatre", "region")
"""Codes compared with Cohen's kappa."""

DATE_TOLERANCE_DAYS = 31
"""Two reference dates agree when they lie within a month of each other."""


@dataclass(frozen=True)
class Pair:
    """One of the project's rows and the second reader's row for the same number."""

    ours: Observation
    theirs: dict[str, str]

    def codes(self, field: str) -> tuple[str, str]:
        """The two codes of a categorical field."""
        return str(getattr(self.ours, field) or ""), self.theirs.get(field, "") or ""

    @property
    def dates_agree(self) -> bool:
        """Both ends of the reference period within :data:`DATE_TOLERANCE_DAYS`."""
        ends = (
            (self.ours.ref_start, self.theirs["ref_start"]),
            (self.ours.ref_end, self.theirs["ref_end"]),
        )
        return all(abs((a - dt.date.fromisoformat(b)).days) <= DATE_TOLERANCE_DAYS for a, b in ends)

    @property
    def sigmas(self) -> tuple[float, float] | None:
        """The two readers' ``sigma_log``, when both give one."""
        theirs = _number(self.theirs.get("sigma_log", ""))
        if self.ours.sigma_log is None or theirs is None:
            return None
        return self.ours.sigma_log, theirs

    @property
    def value_within_sigma(self) -> bool:
        """The second reader's number within the project's sigma_log of the project's."""
        ours, theirs = _central(self.ours), _central_row(self.theirs)
        if ours is None or theirs is None:
            return False
        if ours == 0.0 or theirs == 0.0:
            return ours == theirs
        sigma = self.ours.sigma_log if self.ours.sigma_log is not None else 0.2
        return abs(math.log(abs(theirs) / abs(ours))) <= sigma + 1e-9


def _central(o: Observation) -> float | None:
    if o.value is not None:
        return o.value
    ends = [x for x in (o.low, o.high) if x]
    return ends[0] if ends else None


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


def _central_row(row: dict[str, str]) -> float | None:
    value = _number(row.get("value", ""))
    if value is not None:
        return value
    ends = [x for x in (_number(row.get("low", "")), _number(row.get("high", ""))) if x]
    return ends[0] if ends else None


def _numbers(o: Observation) -> set[float]:
    return {abs(x) for x in (o.value, o.low, o.high) if x is not None}


def _row_numbers(row: dict[str, str]) -> set[float]:
    numbers = (_number(row.get(k, "")) for k in ("value", "low", "high"))
    return {abs(x) for x in numbers if x is not None}


def _same_figure(o: Observation, row: dict[str, str]) -> bool:
    """Whether the second reader's ``row`` codes the number of ``o``: the same seed file,
    overlapping locators, and a number in common (within 2%).
    """
    if o.locator_start is None or o.locator_end is None:
        return False
    return (
        row["source_file"] == o.source_file
        and int(row["locator_start"]) < o.locator_end
        and o.locator_start < int(row["locator_end"])
        and any(math.isclose(a, b, rel_tol=0.02) for a in _numbers(o) for b in _row_numbers(row))
    )


def load_second_reading(path: Path = SECOND_READING_PATH) -> list[dict[str, str]]:
    """The second reader's rows, as text fields."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def pairs(
    ours: Sequence[Observation], theirs: Sequence[dict[str, str]]
) -> tuple[list[Pair], list[Observation]]:
    """Each located row of ours paired with the second reader's row for the same number, and
    our rows that the second reader did not code.
    """
    paired, unmatched = [], []
    for o in ours:
        if o.locator_start is None or o.locator_end is None:
            continue
        candidates = [r for r in theirs if _same_figure(o, r)]
        if not candidates:
            unmatched.append(o)
            continue

        def distance(r: dict[str, str], o: Observation = o) -> tuple[int, int]:
            days = abs((o.ref_end - dt.date.fromisoformat(r["ref_end"])).days) + abs(
                (o.ref_start - dt.date.fromisoformat(r["ref_start"])).days
            )
            same = sum(a == b for a, b in (Pair(o, r).codes(f) for f in CATEGORICAL))
            return days, -same

        paired.append(Pair(o, min(candidates, key=distance)))
    return paired, unmatched


def cohens_kappa(codes: Sequence[tuple[str, str]]) -> float:
    """Cohen's kappa of two raters' codes: (observed - chance agreement) / (1 - chance); 1 when
    both use one and the same code throughout.
    """
    n = len(codes)
    observed = sum(a == b for a, b in codes) / n
    first, second = Counter(a for a, _ in codes), Counter(b for _, b in codes)
    chance = sum(first[c] * second[c] for c in first) / n**2
    return 1.0 if chance == 1.0 else (observed - chance) / (1.0 - chance)


@dataclass(frozen=True)
class Agreement:
    """Agreement of the second reading with the project's, over the paired rows."""

    pairs: tuple[Pair, ...]
    unmatched: tuple[Observation, ...]
    kappa: dict[str, float]
    share_same: dict[str, float]
    share_dates: float
    share_values: float
    share_sigmas: float
    """Share of the pairs with both sigmas whose sigma_log differ by at most 0.05."""
    n_sigmas: int

    def disagreements(self) -> list[tuple[str, str, str, str]]:
        """(row id, field, ours, theirs) for every field where the two readings differ."""
        out = []
        for p in self.pairs:
            for field in CATEGORICAL:
                a, b = p.codes(field)
                if a != b:
                    out.append((p.ours.id, field, a or "(none)", b or "(none)"))
            if not p.dates_agree:
                ours = f"{p.ours.ref_start} to {p.ours.ref_end}"
                theirs = f"{p.theirs['ref_start']} to {p.theirs['ref_end']}"
                out.append((p.ours.id, "date", ours, theirs))
            if not p.value_within_sigma:
                values = f"{_central(p.ours):g}", f"{_central_row(p.theirs):g}"
                out.append((p.ours.id, "value", *values))
        return out


def extra_rows(ours: Sequence[Observation], theirs: Sequence[dict[str, str]]) -> list[str]:
    """Ids of the second reader's fitted or driver rows that no located row of ours (a fitted
    or driver row) codes: figures the second reader would use and the project does not.
    """
    return [
        r["id"]
        for r in theirs
        if r["use"] in ("fit", "driver_input") and not any(_same_figure(o, r) for o in ours)
    ]


def agreement(
    ours: Sequence[Observation], theirs: Sequence[dict[str, str]] | None = None
) -> Agreement:
    """The agreement of the second reading with the fitted and driver rows of ``ours``."""
    theirs = load_second_reading() if theirs is None else theirs
    located = [o for o in ours if o.use in ("fit", "driver_input")]
    paired, unmatched = pairs(located, theirs)
    kappa = {f: cohens_kappa([p.codes(f) for p in paired]) for f in CATEGORICAL}
    same = {
        f: sum(a == b for a, b in (p.codes(f) for p in paired)) / len(paired) for f in CATEGORICAL
    }
    sigmas = [s for s in (p.sigmas for p in paired) if s is not None]
    return Agreement(
        tuple(paired),
        tuple(unmatched),
        kappa,
        same,
        sum(p.dates_agree for p in paired) / len(paired),
        sum(p.value_within_sigma for p in paired) / len(paired),
        sum(abs(a - b) <= 0.05 + 1e-9 for a, b in sigmas) / max(len(sigmas), 1),
        len(sigmas),
    )
