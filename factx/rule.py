"""A compiled rule: what a plugin's rule set holds and what every candidate names."""
from __future__ import annotations

from dataclasses import dataclass, field

import regex

from factx.rulefile import Counterexample, Example


@dataclass(frozen=True, slots=True, eq=False)
class Rule:
    """A compiled rule. `file` and `line` say where it was defined."""

    id: str
    doc: str
    priority: int
    confidence: float
    emit: bool
    pattern: regex.Pattern[str]
    file: str
    line: int
    examples: tuple[Example, ...]
    counterexamples: tuple[Counterexample, ...]
    guarded: str = ""  # why it is matched with a time limit (its pattern may backtrack without end), or ""
    example_lines: tuple[str, ...] = ()  # where each example is written, as file:line
    counterexample_lines: tuple[str, ...] = ()
    backward: bool = field(init=False)  # `(?r)`: scans from the end

    def __post_init__(self) -> None:
        object.__setattr__(self, "backward", bool(self.pattern.flags & regex.REVERSE))

    @property
    def fact_type(self) -> str:
        return self.id.split(".", 1)[0]
