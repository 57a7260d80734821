"""Many SBC replications, resumable: each kept in its own file as it finishes.

A run lives in one folder: ``sbc.json`` (what the run is: the set-up's and data's hashes, the
vintage, the seed, the draws ranked among; a resumed run must match it field by field) and
``replications/NNNNN.json``, one per finished replication, written whole or not at all. A run
stopped at any point loses only the replications in flight; run again, it does only those not
yet in the folder. Replication ``i`` has seed ``task_seeds(seed, ...)[i]`` (numpy's
``SeedSequence.spawn``: the same whatever the number of replications asked), so that a resumed
run, a larger one and one on a cluster all give the same ranks for the same ``i``.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ffsim.calibration.config import CalibrationConfig
from ffsim.calibration.observations import Observation
from ffsim.calibration.sbc import LOG_LIKELIHOOD, Replication, run_replication
from ffsim.calibration.sbc_figures import BOUND_WIDTH
from ffsim.core.errors import InputError
from ffsim.core.executor import Executor, SerialExecutor, task_seeds
from ffsim.core.writer import write_file

MANIFEST = "sbc.json"
"""The run's description in its folder."""

SEED_POOL = 1_000_000
"""Replication seeds are the first of this many children of the run's seed (any index below)."""


def manifest(
    config: CalibrationConfig, data_sha256: str, as_of: dt.date, seed: int, draws: int
) -> dict[str, Any]:
    """What a run is: two runs with the same manifest give the same replication ``i``."""
    return {
        "config_sha256": config.sha256,
        "priors_sha256": config.priors_sha256,
        "data_sha256": data_sha256,
        "as_of": as_of.isoformat(),
        "seed": seed,
        "draws": draws,
        "bound_width": BOUND_WIDTH,
    }


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``path`` whole or not at all, through the one safe writer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file(path, json.dumps(data, indent=1, sort_keys=True) + "\n")


def differences(there: dict[str, Any], expected: dict[str, Any], where: str) -> list[str]:
    """Each field of a run's description ``expected`` that ``there`` has otherwise, in words:
    ``seed: 11 in the folder, 12 now``.
    """
    return [
        f"{key}: {there.get(key)!r} {where}, {value!r} now"
        for key, value in expected.items()
        if there.get(key) != value
    ]


def open_run(folder: Path, expected: dict[str, Any]) -> None:
    """Start a run in ``folder``, or resume the one there if it is the same run.

    Raises
    ------
    InputError
        When the folder holds another run: each differing field, its value there and here.
    """
    path = folder / MANIFEST
    if path.exists():
        try:
            there = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise InputError(f"{path}: not a readable SBC run description ({exc})") from None
        differ = differences(there, expected, "in the folder")
        if differ:
            raise InputError(
                f"{folder} holds another SBC run; resume it with its own settings or choose "
                "another --out:\n  " + "\n  ".join(differ)
            )
        return
    _write_json(path, expected)


def replication_path(folder: Path, index: int) -> Path:
    """Where replication ``index`` is kept."""
    return folder / "replications" / f"{index:05d}.json"


def done(folder: Path) -> dict[int, dict[str, Any]]:
    """The finished replications in ``folder``, by index (unreadable files are not counted)."""
    out: dict[int, dict[str, Any]] = {}
    for path in sorted((folder / "replications").glob("[0-9]*.json")):
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        out[int(record["index"])] = record
    return out


RECORD_FIELDS = (
    "index",
    "seed",
    "draws",
    "prior_draws_tried",
    "figures",
    "autocorr_time_max",
    "thinned_pool",
    "acceptance_fraction",
    "best_log_posterior",
    "seconds",
)
"""The fields of a replication's record (:func:`run_replication`) besides its ranks, true values
and ``made_on``: a summary's replication must have them all to be taken as done."""


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _real(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and bool(np.isfinite(float(value)))
    )


def records_of_summary(
    summary: dict[str, Any], parameters: list[str], draws: int
) -> list[dict[str, Any]]:
    """Each replication's record, as :func:`run_replication` returned it, from a run's summary.

    A summary (:func:`ffsim.calibration.sbc_summary.summary_record`) keeps every field of every
    record: the ranks and true values by quantity, the rest in its ``records``. A record that
    says nothing of where it was made takes the summary's provenance (its packages and
    platform) as its ``made_on``: the summary's writer made or gathered it.

    Parameters
    ----------
    parameters
        The run's free parameters: the summary's ranks must be theirs and the log-likelihood's,
        its true values theirs.
    draws
        The run's posterior draws: every rank a whole number in ``0..draws``.

    Raises
    ------
    InputError
        When the summary lacks a field, holds a value of the wrong kind or out of range, or
        its lists do not line up (each names what is wrong).
    """
    for key, kind in (("records", list), ("ranks", dict), ("theta_true", list)):
        if key not in summary:
            raise InputError(f"not an SBC summary: no field {key!r}")
        if not isinstance(summary[key], kind):
            raise InputError(f"not an SBC summary: {key!r} is not a {kind.__name__}")
    records, ranks, truths = summary["records"], summary["ranks"], summary["theta_true"]
    expected = [*parameters, LOG_LIKELIHOOD]
    missing = [name for name in expected if name not in ranks]
    extra = [name for name in ranks if name not in expected]
    if missing or extra:
        raise InputError(
            "the summary's ranks are of other quantities than this run's: "
            + "; ".join(
                part
                for part in (
                    f"missing {', '.join(map(repr, missing[:5]))}" if missing else "",
                    f"not of this run {', '.join(map(repr, extra[:5]))}" if extra else "",
                )
                if part
            )
        )
    n = len(records)
    for name in expected:
        values = ranks[name]
        if not isinstance(values, list) or len(values) != n:
            raise InputError(f"the summary's ranks of {name!r}: not a list of {n} ranks")
        bad = [v for v in values if not (_whole(v) and 0 <= v <= draws)]
        if bad:
            raise InputError(
                f"the summary's ranks of {name!r}: {bad[0]!r}; ranks are whole numbers in "
                f"0..{draws}"
            )
    if len(truths) != n:
        raise InputError(f"the summary's theta_true has {len(truths)} entries, {n} records")
    provenance = summary.get("provenance")
    provenance = provenance if isinstance(provenance, dict) else {}
    made_on = {k: provenance.get(k) for k in ("packages", "platform")}
    out = []
    for k, (record, truth) in enumerate(zip(records, truths, strict=True)):
        if not isinstance(record, dict) or not isinstance(truth, dict):
            raise InputError(f"the summary's replication {k}: its record and truth must be objects")
        absent = [key for key in RECORD_FIELDS if key not in record]
        if absent:
            raise InputError(f"the summary's replication {k}: no field {absent[0]!r}")
        for key in ("index", "seed", "draws", "prior_draws_tried", "figures", "thinned_pool"):
            if not _whole(record[key]):
                raise InputError(
                    f"the summary's replication {k}: {key} is {record[key]!r}; a whole number"
                )
        for key in ("autocorr_time_max", "acceptance_fraction", "best_log_posterior", "seconds"):
            if not _real(record[key]):
                raise InputError(
                    f"the summary's replication {k}: {key} is {record[key]!r}; a finite number"
                )
        if record["draws"] != draws:
            raise InputError(
                f"the summary's replication {k}: ranked among {record['draws']} draws, "
                f"this run among {draws}"
            )
        if sorted(truth) != sorted(parameters) or not all(map(_real, truth.values())):
            raise InputError(
                f"the summary's replication {k}: its true values must be finite numbers, one "
                "for each of this run's free parameters"
            )
        whole = dict(record)
        whole["ranks"] = {name: ranks[name][k] for name in expected}
        whole["theta_true"] = dict(truth)
        if not isinstance(whole.get("made_on"), dict) and all(
            isinstance(v, dict) for v in made_on.values()
        ):
            whole["made_on"] = made_on
        out.append(whole)
    return out


def summary_replications(
    summary: dict[str, Any], run: dict[str, Any], parameters: list[str], replications: int
) -> list[dict[str, Any]]:
    """The replications of a run's summary, checked to be of ``run``: its ``run`` equal to
    ``run`` field by field, each replication's index below ``replications`` and its seed the
    one that index has in this run, and its contents of this run's quantities
    (:func:`records_of_summary`). A run started from them is the run that would have computed
    every replication itself from the same description; the code that made them is not part
    of a run's description (the summary's provenance says which it was).

    Raises
    ------
    InputError
        When the summary is of another run (each differing field named), a replication lies
        beyond ``replications``, or its seed, index or contents do not belong to this run.
    """
    there = summary.get("run") if isinstance(summary, dict) else None
    if not isinstance(there, dict):
        raise InputError("not an SBC summary: no field 'run'")
    differ = differences(there, run, "in the summary")
    if differ:
        raise InputError(
            "the summary is of another SBC run; start from it with its own settings:\n  "
            + "\n  ".join(differ)
        )
    records = records_of_summary(summary, parameters, int(run["draws"]))
    indices = [int(r["index"]) for r in records]
    if indices and min(indices) < 0:
        raise InputError(f"the summary's replication index {min(indices)}: indices start at 0")
    if indices and max(indices) >= replications:
        raise InputError(
            f"the summary holds replication {max(indices)}; --replications {replications} would "
            f"leave it out: ask at least {max(indices) + 1}"
        )
    if len(set(indices)) != len(indices):
        raise InputError("the summary's replications: an index appears twice")
    seeds = task_seeds(int(run["seed"]), replications)
    for record in records:
        index = int(record["index"])
        if record["seed"] != seeds[index]:
            raise InputError(
                f"replication {index} in the summary has seed {record['seed']}, not this "
                f"run's {seeds[index]}"
            )
    return records


def start_from(folder: Path, records: list[dict[str, Any]], run: dict[str, Any]) -> int:
    """Put finished replications (:func:`summary_replications`) into the run in ``folder`` as
    done; return how many were added (those already in the folder are left as they are).
    """
    open_run(folder, run)
    finished = done(folder)
    added = 0
    for record in records:
        if int(record["index"]) not in finished:
            _write_json(replication_path(folder, int(record["index"])), record)
            added += 1
    return added


def run_sbc(
    folder: Path,
    config: CalibrationConfig,
    observations: tuple[Observation, ...],
    run: dict[str, Any],
    replications: int,
    executor: Executor | None = None,
    progress: Callable[[str], Any] | None = None,
) -> dict[int, dict[str, Any]]:
    """Run replications ``0..replications-1`` not yet in ``folder``; return every finished one.

    ``run`` is the run's :func:`manifest` (its seed and draws are used here).
    """
    if not 1 <= replications <= SEED_POOL:
        raise InputError(f"--replications {replications}: allowed 1 to {SEED_POOL:,}")
    open_run(folder, run)
    finished = done(folder)
    seeds = task_seeds(int(run["seed"]), replications)
    tasks = [
        Replication(i, seeds[i], config, observations, int(run["draws"]))
        for i in range(replications)
        if i not in finished
    ]
    say = progress or (lambda text: None)
    say(
        f"SBC: {len(finished)} of {replications} replications already in {folder}; "
        f"{len(tasks)} to run"
    )
    executor = executor or SerialExecutor()
    start = time.perf_counter()
    took: list[float] = []
    for n, (_, record) in enumerate(executor.as_completed(run_replication, tasks), start=1):
        _write_json(replication_path(folder, int(record["index"])), record)
        finished[int(record["index"])] = record
        elapsed = time.perf_counter() - start
        took.append(float(record["seconds"]))
        left = time_left(elapsed, took, len(tasks) - n, min(executor.workers, len(tasks)))
        say(
            f"replication {record['index']} done in {duration_text(record['seconds'])} "
            f"({n} of {len(tasks)}; {duration_text(elapsed)} elapsed, about "
            f"{duration_text(left)} left)"
        )
    return {i: finished[i] for i in sorted(finished) if i < replications}


def time_left(elapsed: float, took: list[float], remaining: int, workers: int) -> float:
    """Seconds the ``remaining`` replications (those in flight included) should take.

    Once as many replications have finished as run at once (``workers``), the run's own pace:
    ``elapsed`` per finished replication. Before that the pace is not yet seen (the first to
    finish did so while the others ran beside it), so each replication is taken to cost the mean
    of those that finished (``took``, seconds) and ``workers`` of them to run at once. For a
    cluster named by ``--scheduler`` the count is this machine's cores (``DaskExecutor.workers``:
    the cluster's is known only once connected), so there the first estimates can be off by the
    ratio of the two.
    """
    if not took or remaining <= 0:
        return 0.0
    if len(took) >= workers:
        return elapsed / len(took) * remaining
    return float(np.mean(took)) * remaining / max(1, workers)


def duration_text(seconds: float) -> str:
    """``seconds`` as people read a duration: ``45 s``, ``12 min 5 s``, ``3 h 07 min``."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


def rank_table(records: dict[int, dict[str, Any]]) -> dict[str, np.ndarray]:
    """Ranks by quantity (each parameter, and the log-likelihood), one per replication."""
    names = list(next(iter(records.values()))["ranks"]) if records else []
    return {name: np.array([records[i]["ranks"][name] for i in sorted(records)]) for name in names}
