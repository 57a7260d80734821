"""The docs' figure of an SBC run: each quantity's rank ECDF difference inside two simultaneous
bands (Säilynoja, Bürkner & Vehtari 2022), a small panel per quantity, from a run's summary.

    .venv/bin/python benchmarks/sbc_figure.py [--summary calibration/sbc/summary.json]
        [--out docs/sbc.png]

The summary is what ``ffsim sbc`` writes (``FOLDER/summary.json``) and what is shipped as
``calibration/sbc/summary.json``. The dark grey band is each quantity's own 95% band; the light
one, wider, is the family-wise band the verdict uses (level ``1 - alpha / (2 P)`` over the
``P`` quantities, by the exact method), so a sound quantity leaves it rarely even among 51.
The log-likelihood comes first, then the quantities whose checks fail (red), then the rest by
name.
"""

from __future__ import annotations

import argparse
import json
import math
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from ffsim.app.sensitivity_charts import input_label
from ffsim.calibration.sbc import LOG_LIKELIHOOD
from ffsim.calibration.sbc_ranks import ecdf_difference, ecdf_difference_bands
from ffsim.calibration.sbc_summary import JUDGED_FROM

ALPHA = 0.05
"""The family-wise level of the run's verdict (``ffsim.calibration.sbc_ranks``)."""


def plain_name(name: str) -> str:
    """A quantity's plain label: the parameter's, with its region in brackets."""
    return "log-likelihood of the figures" if name == LOG_LIKELIHOOD else input_label(name)


def main() -> None:
    """Draw the figure of the summary given."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--summary", default="calibration/sbc/summary.json")
    parser.add_argument("--out", default="docs/sbc.png")
    args = parser.parse_args()
    summary = json.loads(Path(args.summary).read_text("utf-8"))
    draws = int(summary["run"]["draws"])
    checks = {c["name"]: c for c in summary["checks"]}
    n = len(next(iter(summary["ranks"].values())))
    judged = n >= JUDGED_FROM

    def fails(name: str) -> bool:
        return judged and not checks.get(name, {}).get("passes", True)

    names = sorted(
        summary["ranks"], key=lambda n: (n != LOG_LIKELIHOOD, not fails(n), plain_name(n))
    )
    cols = 6
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.4 * cols, 2.0 * rows), sharex=True, sharey=True)
    flat = np.atleast_1d(axes).ravel()
    own = ecdf_difference_bands(n, draws, ALPHA)
    family = ecdf_difference_bands(n, draws, ALPHA / (2 * len(names)), method="exact", seed=0)
    for ax, name in zip(flat, names, strict=False):
        z, diff = ecdf_difference(np.array(summary["ranks"][name]), draws, own.K)
        ax.fill_between(family.z, family.lower, family.upper, color="#ececec", lw=0, step="post")
        ax.fill_between(own.z, own.lower, own.upper, color="#cfcfcf", lw=0, step="post")
        ax.step(z, diff, where="post", color="#d62728" if fails(name) else "#1f77b4", lw=1.2)
        ax.axhline(0, color="#555555", lw=0.5)
        ax.set_title("\n".join(textwrap.wrap(plain_name(name), 30)), fontsize=7)
        ax.tick_params(labelsize=6)
    for ax in flat[len(names) :]:
        ax.set_visible(False)
    verdict = "red where a check fails" if judged else "fewer than 20 replications: no verdict"
    fig.suptitle(
        f"SBC of the shipped calibration: {n} replications; each true value's rank among "
        f"{draws} posterior draws, ECDF minus uniform;\nown 95% band (dark grey), family-wise "
        f"band of the verdict (light grey); {verdict}",
        fontsize=9,
    )
    fig.supxlabel("fractional rank (rank among the draws, scaled to 0-1)", fontsize=8)
    fig.supylabel("ECDF of the ranks minus the uniform's", fontsize=8)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
