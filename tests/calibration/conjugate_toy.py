"""A conjugate toy whose posterior is known exactly, for the SBC rank tests: a normal prior on
a mean, normal data of known spread, and a sampler of its posterior that can be made wrong.
"""

from __future__ import annotations

import numpy as np

from ffsim.calibration.sbc_ranks import ranks_of

L = 99
REPLICATIONS = 300
PRIOR_MEAN, PRIOR_SD, SIGMA, N_DATA = 1.0, 2.0, 1.5, 10


def toy_ranks(seed: int, shift: float = 0.0, scale: float = 1.0) -> np.ndarray:
    """Ranks of the true mean among ``L`` draws of a sampler of the toy's posterior, for
    ``REPLICATIONS`` replications: the exact posterior, or one shifted by ``shift`` posterior
    sds and with its sd multiplied by ``scale``.
    """
    rng = np.random.default_rng(seed)
    mu = rng.normal(PRIOR_MEAN, PRIOR_SD, REPLICATIONS)
    data = rng.normal(mu[:, None], SIGMA, (REPLICATIONS, N_DATA))
    precision = 1 / PRIOR_SD**2 + N_DATA / SIGMA**2
    post_sd = precision**-0.5
    post_mean = (PRIOR_MEAN / PRIOR_SD**2 + data.sum(axis=1) / SIGMA**2) / precision
    draws = rng.normal(post_mean + shift * post_sd, scale * post_sd, (L, REPLICATIONS))
    return ranks_of(mu, draws, rng)
