"""Calibration set-ups small enough for a test, shared by the sampler and SBC tests."""

from __future__ import annotations

from ffsim.calibration.config import CalibrationConfig


def tiny(config: CalibrationConfig, max_steps: int | None = None) -> CalibrationConfig:
    """``config`` cut to three free parameters, no constraints, one short optimiser start and a
    short chain (60 kept steps of 8 walkers), extended up to ``max_steps`` if given."""
    return config.model_copy(
        update={
            "free": config.free[:3],
            "constraint": (),
            "optimizer": config.optimizer.model_copy(update={"n_starts": 1, "max_iter": 40}),
            "sampler": config.sampler.model_copy(
                update={"walkers": 8, "steps": 80, "burn": 20, "keep": 20, "max_steps": max_steps}
            ),
        }
    )
