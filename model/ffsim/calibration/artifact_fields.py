"""The kinds of value a calibration artifact holds, each refusing a bad value in its own words.

A field is annotated with :class:`Needs`: its test runs on the value as JSON gives it (so
``"0.5"`` is text, never a number, and ``true`` is never 1) and a value that fails is refused as
``<what is needed> is needed``, saying first when a number is not finite. The same words are the
field's ``description`` in the artifact's JSON Schema and what a missing field is said to need
(:class:`Part`). :mod:`ffsim.calibration.artifact_model` builds the artifact from them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from ffsim.core.errors import unknown_name

VERSION_FORM = r"^[0-9]+(\.[0-9]+)*[0-9A-Za-z.+!-]{0,30}$"
"""What a release number holds: ``0.2.0`` (PEP 440 suffixes allowed)."""

PROBABILITY_SLACK = 1e-9
"""How far past 1 a probability may be stated (a mean of probabilities rounds)."""


def is_number(x: Any) -> bool:
    """Whether ``x`` (as read from JSON) is a finite number, not a bool."""
    if type(x) is int:
        return -1e300 < x < 1e300
    return type(x) is float and math.isfinite(x)


def refusal(needed: str, x: Any, at: tuple[Any, ...] = ()) -> PydanticCustomError:
    """The error for value ``x`` (at ``at`` below the object checked): ``<needed> is needed``,
    preceded by ``not a finite number;`` when ``x`` is a number that is not finite.
    """
    nan = isinstance(x, float) and not math.isfinite(x)
    message = f"{'not a finite number; ' if nan else ''}{needed} is needed"
    return PydanticCustomError("needed", message, {"at": at, "value": x} if at else None)


@dataclass(frozen=True)
class Needs:
    """What a field needs: ``words`` say it, ``test`` checks a value as JSON gives it, and
    ``schema`` are the JSON Schema keywords that state it.
    """

    words: str
    test: Callable[[Any], bool]
    schema: tuple[tuple[str, Any], ...] = ()

    def check(self, x: Any) -> Any:
        """``x`` unchanged, or the refusal ``<words> is needed``."""
        if not self.test(x):
            raise refusal(self.words, x)
        return x

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """Run :meth:`check` before the field's own validation."""
        return core_schema.no_info_before_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        """State :attr:`words` (and :attr:`schema`) in the field's JSON Schema."""
        return {**handler(schema), "description": self.words, **dict(self.schema)}

    @classmethod
    def number(cls, low: float = -math.inf, high: float = math.inf, words: str = "") -> Needs:
        """A finite number from ``low`` to ``high``."""
        bounded = math.isfinite(low) and math.isfinite(high)
        words = words or (f"a number from {low:g} to {high:g}" if bounded else "a finite number")
        schema = tuple((k, v) for k, v in (("minimum", low), ("maximum", high)) if math.isfinite(v))
        return cls(words, lambda x: is_number(x) and low <= x <= high, schema)

    @classmethod
    def texts(cls, words: str) -> Needs:
        """A list of text (names or ids; what they must name is checked by the artifact)."""
        return cls(words, lambda x: isinstance(x, list) and all(_text(n) for n in x))

    @classmethod
    def items(cls, words: str, at_least: int = 0) -> Needs:
        """A list (of ``at_least`` items or more)."""
        return cls(words, lambda x: isinstance(x, list) and len(x) >= at_least)

    @classmethod
    def one_of(cls, *names: str) -> Needs:
        """One of ``names``."""
        return cls(f"one of {', '.join(names)}", lambda x: x in names)


def _text(x: Any) -> bool:
    return isinstance(x, str) and bool(x.strip())


def _date(x: Any) -> bool:
    if not isinstance(x, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", x):
        return False
    try:
        dt.date.fromisoformat(x)
    except ValueError:
        return False
    return True


Text = Annotated[str, Needs("text", _text, (("minLength", 1),))]
Day = Annotated[str, Needs("a date YYYY-MM-DD", _date, (("format", "date"),))]
Flag = Annotated[bool, Needs("true or false", lambda x: type(x) is bool)]
Count = Annotated[
    int, Needs("a whole number from 0 up", lambda x: type(x) is int and x >= 0, (("minimum", 0),))
]
Version = Annotated[
    str,
    Needs(
        "a release number such as 0.2.0",
        lambda x: isinstance(x, str) and re.fullmatch(VERSION_FORM, x) is not None,
        (("pattern", VERSION_FORM),),
    ),
]
Finite = Annotated[float, Needs.number()]
Share = Annotated[float, Needs.number(0.0, 1.0)]
Probability = Annotated[float, Needs.number(0.0, 1.0 + PROBABILITY_SLACK, "a number from 0 to 1")]
Correlation = Annotated[float, Needs.number(-1.0, 1.0)]


class Part(BaseModel):
    """An object of the artifact: its keys are its fields, none left out, none unknown.

    A part that is not an object is ``an object is needed``; a missing field says what it
    needs (its :class:`Needs`); an unknown key names the allowed ones.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def required(cls, data: dict[str, Any]) -> list[str]:
        """The fields ``data`` must hold (by default those without a default)."""
        return [name for name, f in cls.model_fields.items() if f.is_required()]

    @classmethod
    def needs(cls, name: str) -> str:
        """What field ``name`` needs, in words."""
        info = cls.model_fields[name]
        inner = [a for a in get_args(info.annotation) if get_origin(a) is Annotated]  # X | None
        found = [*info.metadata, *(m for a in inner for m in a.__metadata__)]
        said = [m.words for m in found if isinstance(m, Needs)]
        return said[0] if said else "an object"

    @model_validator(mode="before")
    @classmethod
    def _keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise refusal("an object", data)
        for name in cls.required(data):
            if name not in data:
                raise PydanticCustomError(
                    "missing", f"{cls.needs(name)} is needed", {"at": (name,)}
                )
        for key in data:
            if key not in cls.model_fields:
                said = unknown_name(str(key), cls.model_fields)
                raise PydanticCustomError("unknown", said, {"at": (str(key),), "value": data[key]})
        return data
