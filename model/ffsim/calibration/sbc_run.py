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
from ffsim.calibration.sbc import Replication, run_replication
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
        differ = [
            f"{key}: {there.get(key)!r} in the folder, {value!r} now"
            for key, value in expected.items()
            if there.get(key) != value
        ]
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


def records_of_summary(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Each replication's record, as :func:`run_replication` returned it, from a run's summary.

    A summary (:func:`ffsim.calibration.sbc_summary.summary_record`) keeps every field of every
    record: the ranks and true values by quantity, the rest in its ``records``.

    Raises
    ------
    InputError
        When the summary lacks a field or its lists do not line up (each names what is wrong).
    """
    try:
        records, ranks, truths = summary["records"], summary["ranks"], summary["theta_true"]
        n = len(records)
        if len(truths) != n or any(len(v) != n for v in ranks.values()):
            raise InputError(
                f"the summary's ranks, theta_true and records differ in length ({n} records)"
            )
        out = []
        for k, record in enumerate(records):
            whole = dict(record)
            whole["ranks"] = {name: int(values[k]) for name, values in ranks.items()}
            whole["theta_true"] = dict(truths[k])
            for key in ("index", "seed"):
                value = whole.get(key)
                if isinstance(value, bool) or not isinstance(value, int):
                    raise InputError(
                        f"not an SBC summary: record {k}'s {key} is {value!r}; a whole number"
                    )
            out.append(whole)
    except KeyError as exc:
        raise InputError(f"not an SBC summary: no field {exc}") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"not an SBC summary: {exc}") from None
    return out


def summary_replications(summary: dict[str, Any], run: dict[str, Any]) -> list[dict[str, Any]]:
    """The replications of a run's summary, checked to be of ``run``: its ``run`` equal to
    ``run`` field by field, and each replication's seed the one its index has in this run, so
    that a run started from the shipped summary is the run that would have computed every
    replication itself.

    Raises
    ------
    InputError
        When the summary is of another run (each differing field named), or a replication's
        seed or index does not belong to it.
    """
    there = summary.get("run") if isinstance(summary, dict) else None
    if not isinstance(there, dict):
        raise InputError("not an SBC summary: no field 'run'")
    differ = [
        f"{key}: {there.get(key)!r} in the summary, {value!r} now"
        for key, value in run.items()
        if there.get(key) != value
    ]
    if differ:
        raise InputError(
            "the summary is of another SBC run; start from it with its own settings:\n  "
            + "\n  ".join(differ)
        )
    records = records_of_summary(summary)
    indices = [int(r["index"]) for r in records]
    if indices and not 0 <= min(indices) <= max(indices) < SEED_POOL:
        raise InputError(f"the summary's replications: indices run from 0 to {SEED_POOL - 1}")
    if len(set(indices)) != len(indices):
        raise InputError("the summary's replications: an index appears twice")
    seeds = task_seeds(int(run["seed"]), max(indices, default=-1) + 1)
    for record in records:
        index = int(record["index"])
        if int(record["seed"]) != seeds[index]:
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
