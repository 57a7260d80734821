"""The same experiments give identical outcomes serially, on a process pool and on a Dask
cluster: results come back in task order and never depend on where a task ran."""

from __future__ import annotations

import numpy as np
import pytest

from ffsim.core.errors import InputError
from ffsim.core.executor import (
    DaskExecutor,
    ProcessExecutor,
    SerialExecutor,
    executor_for,
)
from ffsim.exploration.run import experiments

DESIGN = {"n": 40, "policies": ["baseline", "early_response"], "seed": 11}


def _same(a, b):
    assert a.experiments.equals(b.experiments)
    assert set(a.outcomes) == set(b.outcomes)
    for name in a.outcomes:
        assert np.array_equal(a.outcomes[name], b.outcomes[name]), name


@pytest.mark.slow  # starts a pool of two processes: `make test-slow`, run once by CI
def test_a_process_pool_gives_the_serial_outcomes_bit_for_bit():
    serial = experiments(**DESIGN, executor=SerialExecutor())
    pooled = experiments(**DESIGN, executor=ProcessExecutor(2))
    _same(serial, pooled)


@pytest.mark.slow  # starts a cluster of two processes: `make test-slow`, run once by CI
def test_a_dask_cluster_of_two_workers_gives_the_serial_outcomes_bit_for_bit():
    import distributed  # in the dev extra: a missing one fails here, never skips

    serial = experiments(**DESIGN, executor=SerialExecutor())
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_cluster = experiments(**DESIGN, executor=DaskExecutor(client=client))
        by_address = experiments(
            **DESIGN, executor=executor_for(scheduler=cluster.scheduler_address)
        )
    _same(serial, on_cluster)
    _same(serial, by_address)


def test_the_choice_of_executor_is_checked():
    assert isinstance(executor_for(processes=1), SerialExecutor)
    assert executor_for(processes=3).workers == 3
    with pytest.raises(InputError, match="exclude each other"):
        executor_for(scheduler="tcp://127.0.0.1:1", processes=2)
    with pytest.raises(InputError, match="allowed 1 or more"):
        executor_for(processes=0)


def test_an_unreachable_scheduler_is_one_line_naming_it():
    assert executor_for(scheduler="tcp://127.0.0.1:9") == DaskExecutor(address="tcp://127.0.0.1:9")
    executor = DaskExecutor(address="tcp://127.0.0.1:9", timeout=1.0)
    with pytest.raises(InputError, match=r"--scheduler tcp://127.0.0.1:9: cannot connect"):
        experiments(n=2, executor=executor)


def test_pool_workers_share_the_cores_instead_of_each_taking_all():
    from ffsim.core.executor import worker_threads

    assert worker_threads(2, cores=2) == 1
    assert worker_threads(2, cores=8) == 4
    assert worker_threads(3, cores=8) == 2
    assert worker_threads(4, cores=2) == 1  # never below one
    assert worker_threads(1, cores=6) == 6


def _numba_threads(_: int) -> int:
    import numba

    return int(numba.get_num_threads())


@pytest.mark.slow  # starts a pool of two processes: `make test-slow`, run once by CI
def test_each_pool_worker_runs_numba_on_its_share_of_the_cores():
    import os

    from ffsim.core.executor import worker_threads

    pool = ProcessExecutor(2)
    seen = pool.map(_numba_threads, [0, 1, 2, 3])
    assert seen == [worker_threads(2)] * 4
    assert worker_threads(2) == max(1, (os.cpu_count() or 1) // 2)


def test_sbc_runs_a_process_per_core_unless_told_otherwise(monkeypatch):
    import argparse

    from ffsim.cli.options import executor_option

    def args(processes=None, scheduler=None):
        return argparse.Namespace(processes=processes, scheduler=scheduler)

    monkeypatch.setattr("os.cpu_count", lambda: 4)
    assert executor_option(args(), per_core=True) == ProcessExecutor(4)
    assert isinstance(executor_option(args()), SerialExecutor)  # the other commands
    assert isinstance(executor_option(args("1"), per_core=True), SerialExecutor)
    assert isinstance(
        executor_option(args(scheduler="tcp://127.0.0.1:1"), per_core=True), DaskExecutor
    )
    monkeypatch.setattr("os.cpu_count", lambda: None)
    assert isinstance(executor_option(args(), per_core=True), SerialExecutor)
