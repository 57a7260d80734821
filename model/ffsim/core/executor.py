"""Where many independent model evaluations run: in this process, on a process pool, or on a Dask
cluster, through one interface.

An executor maps a picklable, module-level function over a sequence of tasks and returns the
results in task order. A task carries everything its result depends on (its inputs and, where it
draws random numbers, its own seed: :func:`task_seeds`), so that a result never depends on where
or in which order it ran: serially, on any number of processes or on any cluster, the same tasks
give the same results. Dask (``distributed``) is an optional extra (``ffsim[parallel]``), imported
only when a cluster is asked for.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import as_completed as futures_completed
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np

from ffsim.core.errors import InputError

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """Maps ``function`` over ``tasks``; the results come back in the order of ``tasks``."""

    def map(self, function: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
        """``[function(t) for t in tasks]``, wherever it runs."""
        ...

    def as_completed(
        self, function: Callable[[T], R], tasks: Sequence[T]
    ) -> Iterator[tuple[int, R]]:
        """``(position, function(task))`` for each task, as each finishes (a caller that keeps
        each result as it comes loses only the tasks in flight if stopped).
        """
        ...

    @property
    def workers(self) -> int:
        """How many tasks can run at once (used to split work into tasks)."""
        ...


@dataclass(frozen=True)
class SerialExecutor:
    """Every task in this process, one after the other.

    Model runs still use every core here: a task that is an ensemble call runs its members in
    numba's parallel threads (``ffsim.core.integrate``).
    """

    def map(self, function: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
        """``[function(t) for t in tasks]``."""
        return [function(t) for t in tasks]

    def as_completed(
        self, function: Callable[[T], R], tasks: Sequence[T]
    ) -> Iterator[tuple[int, R]]:
        """Each task in order, as it finishes."""
        for i, t in enumerate(tasks):
            yield i, function(t)

    @property
    def workers(self) -> int:
        """One."""
        return 1


@dataclass(frozen=True)
class ProcessExecutor:
    """A pool of ``processes`` worker processes, started afresh (``spawn``) for each map.

    ``spawn`` rather than ``fork``: a forked child of a process that has started threads
    (numba's, the app's) can deadlock. Each worker imports ffsim and loads the compiled kernel
    from the cache (a few seconds), so a pool pays off for tasks longer than that. The workers
    share the cores: each runs numba's parallel kernels on ``cores // processes`` threads (at
    least one; :func:`worker_threads`), not on every core, which would put ``processes`` times
    as many busy threads as cores (on 2 cores, two workers of 2 threads each evaluated the
    calibration's ensembles 1.6 times slower than two workers of one thread; README). As with any
    ``spawn`` pool (and EMA Workbench's ``MultiprocessingEvaluator``), a script that uses one
    runs its work under ``if __name__ == "__main__":``.
    """

    processes: int

    def __post_init__(self) -> None:
        """Refuse a pool of no process."""
        if self.processes < 1:
            raise InputError(f"processes {self.processes}: allowed 1 or more")

    def map(self, function: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
        """``[function(t) for t in tasks]`` over the pool, in task order."""
        if len(tasks) <= 1 or self.processes == 1:
            return SerialExecutor().map(function, tasks)
        with self._pool(len(tasks)) as pool:
            return list(pool.map(function, tasks))

    def as_completed(
        self, function: Callable[[T], R], tasks: Sequence[T]
    ) -> Iterator[tuple[int, R]]:
        """Each task's result as the pool finishes it."""
        if len(tasks) <= 1 or self.processes == 1:
            yield from SerialExecutor().as_completed(function, tasks)
            return
        with self._pool(len(tasks)) as pool:
            position = {pool.submit(function, t): i for i, t in enumerate(tasks)}
            for future in futures_completed(position):
                yield position[future], future.result()

    @property
    def workers(self) -> int:
        """The pool's size."""
        return self.processes

    def _pool(self, n_tasks: int) -> ProcessPoolExecutor:
        size = min(self.processes, n_tasks)
        return ProcessPoolExecutor(
            size,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_use_threads,
            initargs=(worker_threads(size),),
        )


def worker_threads(processes: int, cores: int | None = None) -> int:
    """Numba threads for each of ``processes`` workers on ``cores`` cores (this machine's when
    omitted): an equal share, at least one.
    """
    available = cores if cores is not None else (os.cpu_count() or 1)
    return max(1, available // max(1, processes))


def _use_threads(threads: int) -> None:
    """A pool worker's start: numba's parallel kernels use ``threads`` threads. Set before numba
    is imported (its thread pool is sized then), and on numba itself if it already is.
    """
    os.environ["NUMBA_NUM_THREADS"] = str(threads)
    numba = sys.modules.get("numba")
    if numba is not None:
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))


@dataclass(frozen=True)
class DaskExecutor:
    """The workers of a Dask cluster, through a ``distributed.Client`` (given, or connected to
    the scheduler at ``address`` for each map).
    """

    client: Any = None
    address: str | None = None
    timeout: float = 10.0
    """Seconds to wait for the scheduler at ``address``."""

    def __post_init__(self) -> None:
        """Refuse neither or both of a client and an address."""
        if (self.client is None) == (self.address is None):
            raise InputError("a Dask executor needs a client or a scheduler address, not both")

    def map(self, function: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
        """``[function(t) for t in tasks]`` on the cluster's workers, in task order."""
        if self.client is not None:
            return _gather(self.client, function, tasks)
        distributed = _distributed()
        try:
            client = distributed.Client(self.address, timeout=self.timeout)
        except OSError as exc:  # refused, timed out, unknown host
            raise InputError(f"--scheduler {self.address}: cannot connect: {exc}") from None
        with client:
            return _gather(client, function, tasks)

    def as_completed(
        self, function: Callable[[T], R], tasks: Sequence[T]
    ) -> Iterator[tuple[int, R]]:
        """Each task's result as the cluster finishes it."""
        distributed = _distributed()
        if self.client is not None:
            yield from _completed(distributed, self.client, function, tasks)
            return
        try:
            client = distributed.Client(self.address, timeout=self.timeout)
        except OSError as exc:  # refused, timed out, unknown host
            raise InputError(f"--scheduler {self.address}: cannot connect: {exc}") from None
        with client:
            yield from _completed(distributed, client, function, tasks)

    @property
    def workers(self) -> int:
        """The cluster's worker threads (at least one)."""
        if self.client is not None:
            return max(1, sum(self.client.nthreads().values()))
        return max(1, os.cpu_count() or 1)


def _gather(client: Any, function: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
    # pure=False: a task is never replaced by another one's cached result.
    futures = client.map(function, list(tasks), pure=False)
    return list(client.gather(futures))


def _completed(
    distributed: Any, client: Any, function: Callable[[T], R], tasks: Sequence[T]
) -> Iterator[tuple[int, R]]:
    futures = client.map(function, list(tasks), pure=False)
    position = {f.key: i for i, f in enumerate(futures)}
    for future in distributed.as_completed(futures):
        yield position[future.key], future.result()


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise InputError(
            "a Dask scheduler needs the 'distributed' package: pip install 'ffsim[parallel]'"
        ) from None
    return distributed


def executor_for(
    scheduler: str | None = None, processes: int | None = None, client: Any = None
) -> Executor:
    """The executor for a command line's or a caller's choice.

    Parameters
    ----------
    scheduler
        A Dask scheduler's address (``tcp://host:8786``): run on that cluster.
    processes
        Worker processes of a local pool; 1 (or none given, the default) runs the tasks in this
        process, where each ensemble call already runs on every core (numba's threads). On two
        cores, 30,000 short runs took 5.0 to 7.6 s so and 6.0 s on a pool of two; the long
        ensembles of a calibration ran 1.6 times faster on a pool of two (README).
    client
        A ``distributed.Client`` already connected (from Python).
    """
    if client is not None or scheduler is not None:
        if processes is not None:
            raise InputError("--processes and --scheduler exclude each other: choose one")
        if client is None:
            _distributed()  # a missing extra is said before any work starts
        return DaskExecutor(client=client, address=scheduler)
    count = 1 if processes is None else processes
    if count < 1:
        raise InputError(f"--processes {count}: allowed 1 or more")
    return SerialExecutor() if count == 1 else ProcessExecutor(count)


def task_seeds(seed: int, n: int) -> list[int]:
    """``n`` independent seeds derived from ``seed`` (numpy's ``SeedSequence.spawn``): one for
    each task, so that a task's random numbers depend on its position, never on its worker.
    """
    children = np.random.SeedSequence(seed).spawn(n)
    return [int(c.generate_state(1, dtype=np.uint64)[0]) for c in children]


def chunks(n: int, workers: int, per_worker: int = 4, smallest: int = 16) -> list[range]:
    """``range(n)`` split into contiguous chunks: about ``per_worker`` for each worker, none
    smaller than ``smallest`` items (a chunk is one vectorised ensemble call).
    """
    count = max(1, min(workers * per_worker, -(-n // smallest)))
    edges = np.linspace(0, n, count + 1).round().astype(int)
    return [range(a, b) for a, b in itertools.pairwise(edges.tolist()) if b > a]
