"""The docs' figure of an SBC run: each quantity's rank ECDF difference inside its simultaneous
95% band (Säilynoja, Bürkner & Vehtari 2022), a small panel per quantity, from a run's summary.

    .venv/bin/python benchmarks/sbc_figure.py [--summary calibration/sbc/summary.json]
        [--out docs/sbc.png]

The summary is what ``ffsim sbc`` writes (``FOLDER/summary.json``) and what is shipped as
``calibration/sbc/summary.json``. Quantities whose checks fail are drawn in the second colour
and named first.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from ffsim.calibration.sbc import LOG_LIKELIHOOD
from ffsim.calibration.sbc_ranks import ecdf_difference, ecdf_difference_bands
from ffsim.teaching.plain_names import NAMES


def plain_name(name: str) -> str:
    """A quantity's plain label: the parameter's, with its region in brackets."""
    if name == LOG_LIKELIHOOD:
        return "log-likelihood of the figures"
    base, _, region = name.partition(".")
    label = NAMES.get(base, base.replace("_", " "))
    return f"{label} ({region.replace('_', ' ')})" if region else label


def main() -> None:
    """Draw the figure of the summary given."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--summary", default="calibration/sbc/summary.json")
    parser.add_argument("--out", default="docs/sbc.png")
    args = parser.parse_args()
    summary = json.loads(Path(args.summary).read_text("utf-8"))
    draws = int(summary["run"]["draws"])
    checks = {c["name"]: c for c in summary["checks"]}
    names = sorted(summary["ranks"], key=lambda n: (checks.get(n, {}).get("passes", True), n))
    cols = 6
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.3 * cols, 1.9 * rows), sharex=True, sharey=True)
    flat = np.atleast_1d(axes).ravel()
    n = len(next(iter(summary["ranks"].values())))
    bands = ecdf_difference_bands(n, draws)
    for ax, name in zip(flat, names, strict=False):
        z, diff = ecdf_difference(np.array(summary["ranks"][name]), draws)
        ax.fill_between(bands.z, bands.lower, bands.upper, color="#d9d9d9", lw=0)
        passes = checks.get(name, {}).get("passes", True)
        ax.plot(z, diff, color="#1f77b4" if passes else "#d62728", lw=1.2)
        ax.axhline(0, color="#555555", lw=0.5)
        ax.set_title(plain_name(name), fontsize=7)
        ax.tick_params(labelsize=6)
    for ax in flat[len(names) :]:
        ax.set_visible(False)
    fig.suptitle(
        f"SBC: {n} replications, rank ECDF minus uniform, simultaneous 95% band (grey); "
        "red where a check fails",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(args.out, dpi=130)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
