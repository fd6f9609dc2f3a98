"""The `percent` plugin: percentages, percentage points and basis points."""
from __future__ import annotations

import math
from decimal import Decimal
from importlib.resources import files
from typing import Any, Literal

import regex
from pydantic import Field

from factx import Candidate, Document, FactType, RangedValue, RuleSet, hookimpl
from factx.toolkit import approximation, compile_pattern, convert, named_groups, parse_number, range_drafts, sign_of

VERSION = "0.1.0"
_YEAR = compile_pattern(r"(?:19|20)\d\d")


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
    g = named_groups(m)
    unit = rules.lookup("PERCENT_UNIT", g["unit"]) if g.get("unit") else "percentage_point"  # "a quarter-point cut"
    approx = approximation(m, rules)
    if g.get("fraction"):
        return {"value": float(rules.lookup("PERCENT_POINT_FRACTION", g["fraction"])), "unit": unit, "approximation": approx}
    if "high" not in g:
        return _value(rules, g.get("sign"), g["num"], unit, approx)
    # The first bound takes its own unit where written, else the second's;
    # two different units ("1.2 percentage points to 4 pct") are a change, not a range.
    low_unit = rules.lookup("PERCENT_UNIT", g["unit1"]) if g["unit1"] else unit
    if low_unit != unit:
        return None
    if not g["unit1"] and _YEAR.fullmatch(g["num"]):
        return None  # "its forecast for fiscal 2025 to 2.7 percent": a year, then a level
    low = _value(rules, g["sign"], g["num"], low_unit, approx)
    high = _value(rules, g["sign2"], g["num2"], unit, approx)
    return range_drafts(m, low, high) if low and high else None


def _value(rules: RuleSet, sign: str | None, number: str, unit: str, approx: str | None) -> dict[str, Any] | None:
    """The value of one percentage, or None for no number ("0/0") or one no float holds (over 300 digits): not a fact."""
    found = _number(number, rules)
    if found is None:
        return None
    magnitude = sign_of(sign, rules) * found
    percent = float(convert(magnitude, unit, "percent"))
    if not math.isfinite(percent):
        return None
    return {"value": percent, "unit": unit, "approximation": approx}


_VULGAR = {"½": Decimal(1) / 2, "¼": Decimal(1) / 4, "¾": Decimal(3) / 4, "⅓": Decimal(1) / 3, "⅔": Decimal(2) / 3,
           "⅛": Decimal(1) / 8, "⅜": Decimal(3) / 8, "⅝": Decimal(5) / 8, "⅞": Decimal(7) / 8}


def _number(text: str, rules: RuleSet) -> Decimal | None:
    """A number in digits or words, or with a common fraction: "3-3/4", "5 1/2", "1/2", "7½"; None for
    a fraction over zero."""
    if text[-1] in _VULGAR:
        return parse_number(text[:-1], rules) + _VULGAR[text[-1]]
    if "/" not in text:
        return parse_number(text, rules)
    *whole, fraction = text.replace("-", " ").split()  # "3-3/4", "5 1/2", "11\n3/4" across a line
    numerator, denominator = fraction.split("/")
    if int(denominator) == 0:
        return None
    return (Decimal(whole[0]) if whole else Decimal(0)) + Decimal(numerator) / Decimal(denominator)
