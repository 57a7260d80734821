"""The README's figure of the experiment and discovery workflow, from a real run.

Runs 1,000 scenarios drawn from the calibrated posterior under three policies (the baseline,
the border closed a year earlier, the early response) on the default executor (this process,
each ensemble call on every core) or ``--processes N``, measures the wall time, finds the PRIM
box of the scenarios in which closing the border a year earlier fails to cut the number in
theatre at the end of 2016 by 20%, and draws docs/experiments.png: each scenario's cut against
the box's assumption, and the outcome's distribution under each policy.

    .venv/bin/python benchmarks/experiments_figure.py [--n 1000] [--processes 2]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from ffsim.core.executor import executor_for
from ffsim.exploration.discovery import fails_to_cut, prim_box
from ffsim.exploration.factors import factor_labels
from ffsim.exploration.robustness import robustness
from ffsim.exploration.run import experiments

POLICY, REFERENCE, OUTCOME, CUT = "border_closed_year_earlier", "baseline", "in_theatre_2016", 0.2


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--out", default="docs/experiments.png")
    parser.add_argument("--processes", type=int, default=None)
    args = parser.parse_args()
    executor = executor_for(processes=args.processes)
    start = time.perf_counter()
    result = experiments(
        n=args.n, policies=[REFERENCE, POLICY, "early_response"], executor=executor, seed=0
    )
    seconds = time.perf_counter() - start
    runs = len(result.experiments)
    print(
        f"{runs:,} runs ({args.n:,} posterior scenarios x 3 policies) in {seconds:.1f} s on "
        f"{executor.workers} process(es) ({os.cpu_count()} cores), the kernel's load included"
    )
    print(robustness(result, OUTCOME).round(1).to_string())
    x, y = fails_to_cut(result, POLICY, REFERENCE, OUTCOME, CUT)
    start = time.perf_counter()
    box = prim_box(x, y)
    print(f"PRIM in {time.perf_counter() - start:.1f} s: {int(y.sum())} of {len(y)} fail")
    print(f"coverage {box.coverage:.2f}, density {box.density:.2f}, mass {box.mass:.2f}")
    labels = factor_labels()
    for line in box.sentences(labels):
        print(" ", line)

    table = result.experiments
    values = result.outcomes[OUTCOME]
    mine = values[(table["policy"] == POLICY).to_numpy()]
    ref = values[(table["policy"] == REFERENCE).to_numpy()]
    cut = 1.0 - mine / ref
    name = box.limits.index[0]
    low, high = box.limits.loc[name].to_numpy()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.4), constrained_layout=True)
    left.axvspan(low, high, color="0.85", label="PRIM box")
    left.scatter(x[name][~y], cut[~y], s=6, c="#4c72b0", alpha=0.6, label="cuts it by 20% or more")
    left.scatter(x[name][y], cut[y], s=6, c="#dd8452", alpha=0.8, label="fails to cut it by 20%")
    left.axhline(CUT, color="black", ls="--", lw=1)
    left.set_xlabel(f"{labels.get(name, name)} (posterior draw)")
    left.set_ylabel("Cut in the number in theatre, end of 2016")
    left.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    left.legend(loc="lower right", fontsize=8)
    left.set_title(
        f"Border closed a year earlier fails in {int(y.sum()):,} of {len(y):,} scenarios\n"
        f"PRIM box: coverage {box.coverage:.0%}, density {box.density:.0%}",
        fontsize=10,
    )
    bins = np.linspace(values.min(), values.max(), 40)
    for policy, colour in ((REFERENCE, "0.4"), (POLICY, "#dd8452"), ("early_response", "#55a868")):
        right.hist(
            values[(table["policy"] == policy).to_numpy()],
            bins=bins,
            histtype="step",
            lw=1.6,
            color=colour,
            label=policy.replace("_", " ").capitalize(),
        )
    right.set_xlabel("In theatre at the end of 2016 (persons)")
    right.set_ylabel("Posterior scenarios")
    right.xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    right.set_title(f"{args.n:,} posterior scenarios under each policy", fontsize=10)
    right.legend(fontsize=8)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
