"""The files a scenario is read from: the file itself and every base it names, in order.

A command that writes must never write over a file it reads; a scenario reads its ``base``
(another scenario file beside it), which reads its own, and so on to ``baseline``. This module
lists that chain without validating the scenarios (the loader reports their problems).
"""

from __future__ import annotations

from pathlib import Path

from ffsim.core.errors import InputError
from ffsim.core.toml_text import loads_toml
from ffsim.scenarios.scenario import BASE_NAME, BASELINE, MAX_BASE_DEPTH
from ffsim.scenarios.scenario_input import read_scenario_text


def base_files(path: str | Path) -> tuple[Path, ...]:
    """``path`` and the file of every base in its chain that exists, in the order they are
    read; the chain stops at ``baseline``, a cycle, a file that cannot be read or parsed, or
    :data:`~ffsim.scenarios.scenario.MAX_BASE_DEPTH` bases.
    """
    chain = [Path(path)]
    while len(chain) <= MAX_BASE_DEPTH:
        try:
            raw = loads_toml(read_scenario_text(chain[-1]), str(chain[-1]))
        except InputError:
            break
        base = raw.get("base", BASELINE)
        if not isinstance(base, str) or base == BASELINE or not BASE_NAME.fullmatch(base):
            break
        following = chain[-1].parent / f"{base}.toml"
        if following in chain or not following.exists():
            break
        chain.append(following)
    return tuple(chain)
