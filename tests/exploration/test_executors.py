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
