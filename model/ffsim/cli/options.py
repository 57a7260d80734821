"""Options several commands share."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ffsim.core.executor import Executor


def add_artifact_option(parser: argparse.ArgumentParser) -> None:
    """``--artifact PATH``: start from this calibration artifact instead of the shipped one."""
    parser.add_argument(
        "--artifact",
        metavar="FILE.json",
        help="calibration artifact to start from (default: the shipped calibration/baseline.json)",
    )


def add_executor_options(
    parser: argparse.ArgumentParser, what: str, per_core: bool = False
) -> None:
    """``--processes N`` and ``--scheduler ADDRESS``: where ``what`` runs.

    ``per_core``: the default is one worker process per core (for tasks of minutes, such as
    whole calibrations), else this process. See :mod:`ffsim.core.executor`.
    """
    default = (
        "default: one per core, each running the model on its share of the cores"
        if per_core
        else "default 1: this process, whose model runs already use every core"
    )
    parser.add_argument("--processes", help=f"worker processes for {what} ({default})")
    parser.add_argument("--scheduler", metavar="ADDRESS", help=f"a Dask scheduler for {what}")


def executor_option(args: argparse.Namespace, per_core: bool = False) -> Executor:
    """The executor that ``--processes`` and ``--scheduler`` ask for (checked before any work);
    without either, one process per core when ``per_core``, else this process.
    """
    import os

    from ffsim.cli.checks import whole_number
    from ffsim.core.executor import executor_for

    processes = None
    if args.processes is not None:
        processes = whole_number("--processes", args.processes, 1, 1024)
    elif per_core and args.scheduler is None:
        processes = os.cpu_count() or 1
    return executor_for(args.scheduler, processes)
