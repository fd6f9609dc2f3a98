"""The output contract: fact records, value models and fact types."""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, create_model, model_validator

Approximation = Literal["about", "nearly", "more_than", "less_than", "at_least", "at_most"]


class Value(BaseModel):
    """Base of every fact type's value model."""

    # Built on first use, by which time `__pydantic_init_subclass__` has ordered the fields:
    # a value model is mostly built as part of its record model, and never twice.
    # No number field holds inf or NaN: JSON has no such number (they would be written as null).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, allow_inf_nan=False)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        # A record reads better with the type's own fields ("amount") before inherited ones
        # ("range"). Reordering the fields once here, rather than each record as it is
        # serialized, keeps serialization in pydantic's compiled code.
        super().__pydantic_init_subclass__(**kwargs)
        fields = cls.__pydantic_fields__
        own = [name for name in cls.__annotations__ if name in fields]
        if own and list(fields)[: len(own)] != own:
            cls.__pydantic_fields__ = {**{name: fields[name] for name in own}, **fields}
            if cls.__pydantic_complete__:  # a subclass that does not defer its build
                cls.model_rebuild(force=True)


class RangedValue(Value):
    """A value that may carry an approximator or be one bound of a range."""

    approximation: Approximation | None = Field(
        default=None, description="A hedge written before the value, outside its span: 'about', 'more than'."
    )
    range: Literal["from", "to"] | None = Field(default=None, description="Which bound of a range this is.")
    range_id: int | None = Field(default=None, description="Shared by the two bounds of one range.")


class Fact(BaseModel):
    """One fact found in a document; `text == document[start:end]`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    doc_id: str
    type: str
    start: NonNegativeInt = Field(description="Python str offset of the first character.")
    end: NonNegativeInt = Field(description="Python str offset past the last character.")
    text: str
    value: Any
    rule: str = Field(description="Id of the rule that produced the fact.")
    plugin: str = Field(description="Name of the plugin that produced the fact.")
    rule_file: str | None = Field(default=None, description="Rule file defining the rule, if any.")
    confidence: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _span_matches_text(self) -> Fact:
        if self.end <= self.start or self.end - self.start != len(self.text):
            raise ValueError(f"span {self.start}:{self.end} does not fit text {self.text!r}")
        return self


# pydantic gives every record, and its value, a set of the fields it was given (`model_fields_set`):
# some 700 bytes each, most of a record's memory where a document holds many facts.
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


def sharing_fields_sets(fact: Fact) -> Fact:
    """`fact`, its `model_fields_set` and its value's each shared with the records given the same fields.

    pydantic copies the set before changing it (`model_copy(update=...)`); a record is frozen.
    """
    for model in (fact, fact.value):
        own = model.__pydantic_fields_set__
        object.__setattr__(model, "__pydantic_fields_set__", _FIELDS_SETS.setdefault(frozenset(own), own))
    return fact


def values_agree(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
    """Default value comparison for `factx eval`.

    Every key gold gives a non-null value must agree: numbers within 1e-6
    relative, strings case-folded; `<key>_alt` lists accepted alternatives.
    """
    for key, expected in gold.items():
        if expected is None or key.endswith("_alt"):
            continue
        accepted = [expected, *gold.get(f"{key}_alt", [])]
        if not any(_same(a, pred.get(key)) for a in accepted):
            return False
    return True


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.casefold().split()) == " ".join(b.casefold().split())
    return a == b


@dataclass(frozen=True)
class FactType:
    """A fact type as a plugin declares it.

    :param name: the `type` of its records, also the prefix of its rule ids.
    :param value_model: the pydantic model of `value`.
    :param version: the plugin's version, shown by `factx plugins`.
    :param agrees: how `factx eval` compares a gold value with a predicted one.
    """

    name: str
    value_model: type[Value]
    version: str
    description: str = ""
    agrees: Callable[[Mapping[str, Any], Mapping[str, Any]], bool] = values_agree
    record_model: type[Fact] = field(init=False, repr=False, compare=False)
    record_validator: Any = field(init=False, repr=False, compare=False)  # the model's, without model_validate's call overhead

    def __post_init__(self) -> None:
        model = create_model(
            f"{self.name.title().replace('_', '')}Fact",
            __base__=Fact,
            __doc__=f"A `{self.name}` fact. {self.description}".strip(),
            type=(Literal[self.name], ...),
            value=(self.value_model, ...),
        )
        object.__setattr__(self, "record_model", model)
        object.__setattr__(self, "record_validator", model.__pydantic_validator__)
