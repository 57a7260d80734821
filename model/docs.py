"""Generate the parameter and driver tables of docs/model.md from the schema.

``python -m model.docs docs/model.md`` rewrites the text between the ``BEGIN``/``END`` markers;
a test fails when the file is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from model.drivers import DEFAULT_DRIVERS
from model.parameters import PARAMETER_SPECS

MARKERS = {
    "PARAMETER TABLE": "parameter_table",
    "DRIVER TABLE": "driver_table",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _default(value: float | dict[str, float]) -> str:
    if isinstance(value, dict):
        return "<br>".join(f"{k}: {v:g}" for k, v in value.items())
    return f"{value:.4g}"


def parameter_table() -> str:
    """Markdown table of every parameter: name, category, default, bounds, unit, meaning, source."""
    rows = [
        "| parameter | kind | default | range | unit | meaning | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in PARAMETER_SPECS:
        kind = s.category + (", regional" if s.regional else "")
        rows.append(
            f"| `{s.name}` | {kind} | {_default(s.default)} | [{s.lower:g}, {s.upper:g}] "
            f"| {_cell(s.unit)} | {_cell(s.description)} | {_cell(s.source)} |"
        )
    return "\n".join(rows)


def driver_table() -> str:
    """Markdown table of every default driver knot with its source."""
    rows = ["| driver | unit | date | value | source |", "|---|---|---|---|---|"]
    for name, series in DEFAULT_DRIVERS:
        for k in series.knots:
            rows.append(
                f"| `{name}` | {_cell(series.unit)} | {k.date} | {k.value:g} | {_cell(k.source)} |"
            )
    return "\n".join(rows)


def render(text: str) -> str:
    """Replace every generated block in ``text`` with its current content."""
    for marker, func in MARKERS.items():
        begin, end = f"<!-- BEGIN {marker} -->", f"<!-- END {marker} -->"
        head, sep, rest = text.partition(begin)
        if not sep:
            raise ValueError(f"marker {begin} not found")
        _, sep, tail = rest.partition(end)
        if not sep:
            raise ValueError(f"marker {end} not found")
        text = f"{head}{begin}\n{globals()[func]()}\n{end}{tail}"
    return text


def main(argv: list[str]) -> int:
    """Rewrite the generated blocks of the file named in ``argv[0]``."""
    path = Path(argv[0] if argv else "docs/model.md")
    path.write_text(render(path.read_text("utf-8")), "utf-8")
    print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
