"""The `percent` plugin: percentages, percentage points and basis points."""
from __future__ import annotations

import math
from importlib.resources import files
from typing import Any, Literal

import regex
from pydantic import Field

from factx import Candidate, Document, FactType, RangedValue, RuleSet, hookimpl
from factx.toolkit import approximation, convert, parse_number, range_drafts, sign_of

VERSION = "0.1.0"


class PercentValue(RangedValue):
    """A percentage, always expressed in percent."""

    value: float = Field(description="In percent: '15 percent' is 15, '50 basis points' is 0.5.")
    unit: Literal["percent", "percentage_point", "basis_point"] = Field(description="The unit as written.")


@hookimpl
def factx_register_fact_types(register) -> None:
    register(FactType("percent", PercentValue, VERSION, "A percentage, percentage point or basis point amount."))


@hookimpl
def factx_register_rule_paths(register) -> None:
    register(files("factx") / "rules" / "percent.toml")
    register(files("factx") / "rules" / "percent_blockers.toml")


@hookimpl
def factx_extract(document: Document, rules: RuleSet) -> list[Candidate]:
    return list(rules.candidates(document.text, lambda rule, m: _build(rules, m)))


def _build(rules: RuleSet, m: regex.Match[str]) -> Any:
    g = m.groupdict()
    unit = rules.lookup("PERCENT_UNIT", g["unit"])
    approx = approximation(m, rules)
    if "high" not in g:
        return _value(rules, g.get("sign"), g["num"], unit, approx)
    # The first bound takes its own unit where written, else the second's;
    # two different units ("1.2 percentage points to 4 pct") are a change, not a range.
    low_unit = rules.lookup("PERCENT_UNIT", g["unit1"]) if g["unit1"] else unit
    if low_unit != unit:
        return None
    low = _value(rules, g["sign"], g["num"], low_unit, approx)
    high = _value(rules, g["sign2"], g["num2"], unit, approx)
    return range_drafts(m, low, high) if low and high else None


def _value(rules: RuleSet, sign: str | None, number: str, unit: str, approx: str | None) -> dict[str, Any] | None:
    """The value of one percentage, or None for a number no float holds (over 300 digits): not a fact."""
    magnitude = sign_of(sign, rules) * parse_number(number, rules)
    percent = float(convert(magnitude, unit, "percent"))
    if not math.isfinite(percent):
        return None
    return {"value": percent, "unit": unit, "approximation": approx}
