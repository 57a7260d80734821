"""The formats a table ffsim writes may take, chosen by the output file's extension.

``.csv`` (:func:`ffsim.core.results.csv_text`, without pandas), ``.parquet`` (pandas through
pyarrow) and ``.xlsx`` (pandas through openpyxl, one sheet). Any other extension, or none, is
refused before any work starts: a file is never written in one format under another's name.
The bytes go to the one writer (:mod:`ffsim.core.writer`) like every other file.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ffsim.core.errors import InputError
from ffsim.core.results import csv_text

if TYPE_CHECKING:  # pandas is imported where a file is made: it costs a start of ``ffsim``
    import pandas as pd

TABLE_FORMATS = {".csv": "CSV", ".parquet": "Parquet", ".xlsx": "Excel"}
"""Extension (any case) -> the format written."""

EXCEL_MAX_ROWS = 1_048_576
"""Rows of an Excel sheet, the header included (Excel's own limit)."""

SHEET = "ffsim"
"""The name of the sheet of an ``.xlsx`` table."""


def table_format(option: str, path: Path) -> str:
    """The extension of output ``path`` (lower case), if ffsim writes tables in that format.

    Raises
    ------
    InputError
        ``<option> <path>: ...`` naming the extension and those allowed.
    """
    suffix = path.suffix.lower()
    if suffix not in TABLE_FORMATS:
        found = f"extension {suffix!r}" if suffix else "no extension"
        allowed = ", ".join(f"{e} ({f})" for e, f in TABLE_FORMATS.items())
        raise InputError(f"{option} {path}: {found}; allowed: {allowed}")
    return suffix


def table_bytes(columns: dict[str, np.ndarray], suffix: str) -> bytes | str:
    """The table of equal-length ``columns`` in the format of ``suffix`` (from
    :func:`table_format`): CSV text (:func:`~ffsim.core.results.csv_text`), or the bytes of a
    Parquet or Excel file (:func:`frame_bytes`).
    """
    if suffix == ".csv":
        return csv_text(columns)
    import pandas as pd

    return frame_bytes(pd.DataFrame(columns), suffix)


def frame_bytes(frame: pd.DataFrame, suffix: str) -> bytes:
    """The bytes of a Parquet (``.parquet``) or Excel (``.xlsx``, one sheet) file of ``frame``,
    without its index.

    Raises
    ------
    InputError
        An Excel table with more rows than a sheet holds.
    """
    buffer = io.BytesIO()
    if suffix == ".parquet":
        frame.to_parquet(buffer, engine="pyarrow", index=False)
    elif suffix == ".xlsx":
        if len(frame) + 1 > EXCEL_MAX_ROWS:
            raise InputError(
                f"{len(frame):,} rows: more than an Excel sheet holds ({EXCEL_MAX_ROWS - 1:,}); "
                "write .parquet or .csv"
            )
        frame.to_excel(buffer, sheet_name=SHEET, index=False, engine="openpyxl")
    else:
        raise ValueError(f"not a Parquet or Excel extension: {suffix!r}")
    return buffer.getvalue()
