"""TOML text a user gives, parsed safely: bounded nesting, a clean error for anything else.

``tomllib`` parses arrays and inline tables recursively, so a deeply nested text would end in
a ``RecursionError``; its numbers may also be too long for Python (``ValueError``). Here the
nesting is counted before parsing (:func:`nesting_depth`, a scan that skips strings and
comments), the parse is guarded, and the parsed data is checked again for depth (dotted keys
nest without brackets). Every failure is an :class:`InputError` naming the text and what is
allowed.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from ffsim.core.errors import InputError

MAX_NESTING = 10
"""Deepest nesting of tables and arrays accepted (a scenario needs 4)."""

_NEXT = re.compile(r"\"\"\"|'''|[\"'#\[\]{}]")
_END = {
    '"""': re.compile(r'(?:[^"\\]|\\.|"(?!""))*""""?"?', re.DOTALL),
    "'''": re.compile(r"(?:[^']|'(?!''))*''''?'?"),
    '"': re.compile(r'(?:[^"\\\n]|\\.)*"'),
    "'": re.compile(r"[^'\n]*'"),
    "#": re.compile(r"[^\n]*"),
}


def nesting_depth(text: str, limit: int = MAX_NESTING) -> int:
    """Deepest nesting of ``[`` and ``{`` outside strings and comments, counted up to
    ``limit + 1`` (the scan stops there).

    An approximation of TOML's grammar, exact for valid TOML; for invalid text it only has to
    be bounded, since the parser reports the error.
    """
    depth = deepest = 0
    pos = 0
    while deepest <= limit:
        match = _NEXT.search(text, pos)
        if match is None:
            break
        token = match.group()
        pos = match.end()
        if token in _END:
            end = _END[token].match(text, pos)
            if end is not None:
                pos = end.end()
            else:  # unterminated: the parser reports it; go on from the next line
                newline = text.find("\n", pos)
                pos = len(text) if newline < 0 else newline
        elif token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(depth - 1, 0)
    return deepest


def data_depth(data: Any) -> int:
    """Nesting depth of parsed data below the document: tables and arrays inside it, counted
    without recursion (``{"a": [[1]]}`` has depth 2, as its text ``a = [[1]]`` has).
    """
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_NESTING:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def loads_toml(text: str, where: str) -> dict[str, Any]:
    """Parse TOML text; a leading byte-order mark is ignored.

    Raises
    ------
    InputError
        Naming ``where``: the text holds NUL bytes, nests deeper than :data:`MAX_NESTING`,
        is not valid TOML, or holds a number too long to read.
    """
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise InputError(f"{where}: contains NUL bytes; not a text file")
    nested = f"nests tables and arrays too deep; allowed: at most {MAX_NESTING} levels"
    if nesting_depth(text) > MAX_NESTING:
        raise InputError(f"{where}: {nested}")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where}: not valid TOML: {exc}") from None
    except RecursionError:
        raise InputError(f"{where}: {nested}") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        reason = "a number too long to read" if "digits" in str(exc) else str(exc)
        raise InputError(f"{where}: not valid TOML: {reason}") from None
    if data_depth(data) > MAX_NESTING:
        raise InputError(f"{where}: {nested}")
    return data
