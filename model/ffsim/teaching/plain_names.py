"""Plain names in place of identifiers: what a user reads where the schema names a variable,
parameter or lever (``in_theatre``, ``air_lethality``, ``border_closure_shift``).

The labels come from the tables that declare the names (``ffsim.core.variables``, the
parameter schema ``ffsim.core.parameters`` and the levers ``ffsim.scenarios.levers``); the
explorer's descriptions and diagrams (``ffsim.app.widgets``) and the diagrams of docs/model.md
(``ffsim.cli.docs_model``) use them alike.
"""

from __future__ import annotations

import re

from ffsim.core.parameters import PARAMETER_SPECS
from ffsim.core.variables import VARIABLES
from ffsim.scenarios.levers import LEVER_SPECS

NAMES: dict[str, str] = {
    **{name: v.heading.lower() for name, v in VARIABLES.items()},
    **{s.name: s.label for s in PARAMETER_SPECS},
    **{s.name: s.label for s in LEVER_SPECS.values()},
}
"""The plain label of every variable (its heading, in lower case), parameter and lever."""

_NAME_PATTERN = re.compile(
    r"\b(" + "|".join(sorted((n for n in NAMES if "_" in n), key=len, reverse=True)) + r")\b"
)
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_MERMAID_LABEL = re.compile(r'"([^"]*)"')


def plain_text(text: str) -> str:
    """``text`` with every identifier of a parameter, lever or variable (``air_lethality``)
    replaced by its plain label in quotes ("Added deaths from the air campaign"), for the
    descriptions of the schema where one names another.
    """
    return _NAME_PATTERN.sub(lambda m: f"“{NAMES[m.group(1)]}”", text)


def plain_label(text: str) -> str:
    """A diagram's label in plain words: a variable's identifier becomes its heading
    ("in_theatre" to "in theatre"), any other identifier its words ("stopped_at_border" to
    "stopped at border").
    """
    named = _NAME_PATTERN.sub(lambda m: NAMES[m.group(1)], text)
    return _SNAKE.sub(lambda m: m.group(0).replace("_", " "), named)


def plain_diagram(mermaid: str) -> str:
    """A Mermaid diagram of ``ffsim.teaching.diagram`` with plain node and arrow labels
    (:func:`plain_label`). Only the quoted labels change, never the node ids the diagram's
    links and highlights use.
    """
    return _MERMAID_LABEL.sub(lambda m: '"' + plain_label(m.group(1)) + '"', mermaid)
