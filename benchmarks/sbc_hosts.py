"""The README's recipe for a Dask cluster, tried on three network hosts on one machine.

    sudo .venv/bin/python benchmarks/sbc_hosts.py [--replications 6]

Makes three Linux network namespaces joined by a bridge (hosts 10.77.0.1 to 10.77.0.3, each
with its own network stack, reached from this machine through the bridge), starts
``dask scheduler`` on the first and ``dask worker`` on the other two, exactly as the README
says, then runs the same small SBC twice from this machine: serially, and with
``--scheduler tcp://10.77.0.1:8786``. It prints how many replications each worker ran and
whether the two runs' ranks are identical, and removes the hosts afterwards. The SBC is the
shipped set-up cut to three free parameters and a short chain, so the check takes seconds; it
shows that the work crosses a network and that the ranks do not depend on where each
replication ran, not a cluster's speed. Needs root and ``ip`` (Debian's iproute2); never part of
the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SCHEDULER = "tcp://10.77.0.1:8786"
BRIDGE = "br-ffsim"


def sh(*args: str, check: bool = True) -> None:
    subprocess.run(args, check=check, capture_output=True)


def hosts_up() -> None:
    """Three namespaces h1-h3 on a bridge; this machine is 10.77.0.254 on it."""
    sh("ip", "link", "add", BRIDGE, "type", "bridge")
    sh("ip", "addr", "add", "10.77.0.254/24", "dev", BRIDGE)
    sh("ip", "link", "set", BRIDGE, "up")
    for i in (1, 2, 3):
        sh("ip", "netns", "add", f"h{i}")
        sh(
            "ip",
            "link",
            "add",
            f"veth{i}",
            "type",
            "veth",
            "peer",
            "name",
            "eth0",
            "netns",
            f"h{i}",
        )
        sh("ip", "link", "set", f"veth{i}", "master", BRIDGE)
        sh("ip", "link", "set", f"veth{i}", "up")
        sh("ip", "netns", "exec", f"h{i}", "ip", "addr", "add", f"10.77.0.{i}/24", "dev", "eth0")
        sh("ip", "netns", "exec", f"h{i}", "ip", "link", "set", "eth0", "up")
        sh("ip", "netns", "exec", f"h{i}", "ip", "link", "set", "lo", "up")


def hosts_down() -> None:
    for i in (1, 2, 3):
        sh("ip", "netns", "del", f"h{i}", check=False)
    sh("ip", "link", "del", BRIDGE, check=False)


def tiny_config(path: Path) -> None:
    """The shipped config cut to its first three free parameters, no prior constraints, one
    optimiser start and 8 walkers for 80 steps (the tests' small set-up, as a file)."""
    config = tomllib.loads((ROOT / "calibration" / "config.toml").read_text("utf-8"))
    lines = [
        'name = "tiny"',
        'description = "The shipped set-up cut to three free parameters and a short chain."',
        f"seed = {config['seed']}",
        "[optimizer]",
        "n_starts = 1",
        "max_iter = 40",
        "[sampler]",
        "walkers = 8",
        "steps = 80",
        "burn = 20",
        "keep = 20",
    ]
    for free in config["free"][:3]:
        lines.append("[[free]]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in free.items()]
    path.write_text("\n".join(lines) + "\n", "utf-8")


def sbc(folder: Path, config: Path, replications: int, *extra: str) -> dict:
    subprocess.run(
        [
            str(BIN / "ffsim"),
            "sbc",
            "--replications",
            str(replications),
            "--draws",
            "19",
            "--config",
            str(config),
            "--out",
            str(folder),
            *extra,
        ],
        check=True,
        capture_output=True,
    )
    return json.loads((folder / "summary.json").read_text("utf-8"))["ranks"]


def main() -> None:
    """Run the check and print what it saw."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=6)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ffsim-hosts-"))
    config = work / "tiny.toml"
    tiny_config(config)
    serial = sbc(work / "serial", config, args.replications, "--processes", "1")
    procs: list[subprocess.Popen] = []
    hosts_down()
    hosts_up()
    try:
        log = (work / "scheduler.log").open("w")
        procs.append(
            subprocess.Popen(
                ["ip", "netns", "exec", "h1", str(BIN / "dask"), "scheduler", "--host",
                 "10.77.0.1", "--port", "8786", "--no-dashboard"],
                stdout=log, stderr=subprocess.STDOUT,
            )
        )  # fmt: skip
        time.sleep(5)
        for i in (2, 3):
            env = {**os.environ, "NUMBA_NUM_THREADS": "1"}
            wlog = (work / f"worker{i}.log").open("w")
            procs.append(
                subprocess.Popen(
                    ["ip", "netns", "exec", f"h{i}", str(BIN / "dask"), "worker", SCHEDULER,
                     "--nworkers", "1", "--nthreads", "1", "--host", f"10.77.0.{i}",
                     "--no-dashboard"],
                    stdout=wlog, stderr=subprocess.STDOUT, env=env,
                )
            )  # fmt: skip
        from distributed import Client

        with Client(SCHEDULER, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
            start = time.perf_counter()
            on_hosts = sbc(work / "hosts", config, args.replications, "--scheduler", SCHEDULER)
            seconds = time.perf_counter() - start
            ran = client.run(lambda dask_worker: dask_worker.state.executed_count)
        print(f"workers: {ran}")
        print(f"{args.replications} replications on the hosts in {seconds:.1f} s")
        print(f"ranks identical to the serial run's: {on_hosts == serial}")
        if on_hosts != serial:
            sys.exit(1)
    finally:
        for proc in reversed(procs):
            proc.terminate()
            proc.wait(timeout=30)
        hosts_down()


if __name__ == "__main__":
    main()
