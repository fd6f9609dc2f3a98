"""The `quantity` plugin: physical amounts (barrels, tonnes, bushels, ounces, cubic feet, megawatts, ...).

Written only with `factx` and `factx.toolkit`, as a third-party plugin is.
The rules (rules/quantity.toml) find a number, a scale word and a unit, and
the rate it is per; their word lists map what is written to pint's unit names
and each of those to its canonical unit, so that a new unit is data. Every
value is converted by pint (through the toolkit's factors, kept on disk) to
its canonical unit:

- the market's own unit where news counts in it: `oil_barrel` (42 US gallons)
  for oil, `bushel` (US dry bushel) for grain, `troy_ounce` for gold and the
  other precious metals ("ounces" are troy ounces in a document that names
  one, else avoirdupois ounces), `TEU` (factx's unit: pint has no container);
- else one unit per dimension: `metric_ton` (a bare "tons" is read as metric
  tons, as most news means them; "short tons" and "long tons" as written),
  `meter ** 3` (gas, gallons, litres), `kilometer`, `hectare`, `megawatt`,
  `megawatt_hour`;
- a rate divides it: "300,000 bpd" is 300000 `oil_barrel / day`, "35 bushels
  per acre" 35 `bushel / acre`.
"""
from __future__ import annotations

import math
import threading
import weakref
from collections.abc import Mapping
from decimal import Decimal
from importlib.resources import files
from typing import Any

import regex
from pydantic import Field

from factx import Candidate, Document, FactType, RangedValue, Rule, RuleSet, hookimpl
from factx.toolkit import (
    approximation,
    as_number,
    compile_pattern,
    convert,
    list_pattern,
    lookup,
    named_groups,
    parse_number,
    range_drafts,
)

VERSION = "0.1.0"
RANGE_SPREAD = 4  # the high bound of a range is at most this many times the low
MAX_VALUE = Decimal(10) ** 18  # in the unit as written: a larger number is a misreading, not a fact


class QuantityValue(RangedValue):
    """A physical amount: as written, and in its canonical unit."""

    value: int | float = Field(description="The number as written, scale words applied: '1.5 mln tonnes' is 1500000.")
    unit: str = Field(description="The unit as written: 'tonnes', 'bpd', 'cubic feet'.")
    canonical_value: float = Field(description="The amount in `canonical_unit`.")
    canonical_unit: str = Field(
        description="A unit expression pint parses: oil_barrel, bushel, troy_ounce, TEU (factx's units), metric_ton, "
                    "meter ** 3, kilometer, hectare, megawatt or megawatt_hour, divided by `per` when there is one.")
    per: str | None = Field(default=None, description="What the amount is per, as a pint unit: 'day' in '300,000 bpd'.")


def quantities_agree(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
    """How `factx eval` compares: gold gives the number as written and a pint unit (`unit`, maybe
    `unit_alt`); it agrees when, converted to the prediction's canonical unit, it is its canonical
    value within 0.1% (the rule of ../shared/eval/FORMAT.md)."""
    target, found = pred.get("canonical_unit"), pred.get("canonical_value")
    if gold.get("value") is None or target is None or found is None:
        return False
    for unit in [gold.get("unit"), *(gold.get("unit_alt") or [])]:
        try:
            expected = convert(Decimal(str(gold["value"])), unit, target)
        except Exception:  # a unit pint does not know, or of another dimension
            continue
        if abs(float(expected) - float(found)) <= 1e-3 * abs(float(expected)):
            return True
    return False


@hookimpl
def factx_register_fact_types(register) -> None:
    register(FactType("quantity", QuantityValue, VERSION,
                      "A physical amount (barrels, tonnes, cubic feet, megawatts...) in its canonical pint unit.",
                      agrees=quantities_agree))


@hookimpl
def factx_register_rule_paths(register) -> None:
    register(files("factx") / "rules" / "quantity.toml")


@hookimpl
def factx_extract(document: Document, rules: RuleSet) -> list[Candidate]:
    reading = Reading(document.text, rules)
    return list(rules.candidates(document.text, reading.build))


class Reading:
    """Turns one document's matches into values."""

    def __init__(self, text: str, rules: RuleSet):
        self.text, self.rules = text, rules
        self._troy: bool | None = None  # whether the document names a precious metal: read once, if needed

    def build(self, rule: Rule, m: regex.Match[str]) -> Any:
        g = named_groups(m)
        per = self.per(m)
        approx = approximation(m, self.rules)
        high = self.value(g["num2"] if "num2" in g else g["num"], g.get("scale"), g["unit"], per, approx)
        if "low" not in g or high is None:
            return high
        low = self.value(g["num"], g["scale1"] or g.get("scale"), g["unit"], per, approx)
        if low is None:
            return None
        # Bounds far apart ("27 to 127.10 mln barrels") are two different numbers, not a range.
        if not 0 < low["canonical_value"] <= high["canonical_value"] <= RANGE_SPREAD * low["canonical_value"]:
            return None
        return range_drafts(m, low, high)

    def value(self, number: str, scale: str | None, unit: str, per: str | None,
              approx: str | None) -> dict[str, Any] | None:
        """One quantity's value, or None for a number past MAX_VALUE or one no float holds once converted."""
        rules = self.rules
        amount = parse_number(number, rules) * Decimal(str(lookup(rules, scale, "QUANTITY_SCALE", default=1) if scale else 1))
        if abs(amount) > MAX_VALUE:
            return None
        name = lookup(rules, unit, "QUANTITY_UNIT", "QUANTITY_POUNDS")
        if name == "ounce" and self.troy():
            name = "troy_ounce"
        canonical = lookup(rules, name, "QUANTITY_CANONICAL")
        inner = amount * Decimal(str(lookup(rules, unit, "QUANTITY_UNIT_SCALE", default=1)))
        converted = float(convert(inner, name, canonical))
        if not math.isfinite(converted):
            return None
        return {"value": as_number(amount), "unit": unit, "canonical_value": converted,
                "canonical_unit": f"{canonical} / {per}" if per else canonical, "per": per, "approximation": approx}

    def per(self, m: regex.Match[str]) -> str | None:
        """The rate: written after the unit, carried by the unit ("bpd"), or after what is measured
        ("300,000 barrels of oil a day")."""
        if written := named_groups(m).get("per"):
            return self.rules.lookup("QUANTITY_PER", written)
        if carried := lookup(self.rules, m["unit"], "QUANTITY_UNIT_PER"):
            return carried
        after = _patterns(self.rules).per_after.match(self.text, m.end())
        return self.rules.lookup("QUANTITY_PER", after["per"]) if after else None

    def troy(self) -> bool:
        if self._troy is None:
            self._troy = _patterns(self.rules).precious.search(self.text) is not None
        return self._troy


class _Patterns:
    """The plugin's own patterns, made once per rule set from its word lists."""

    def __init__(self, rules: RuleSet):
        lists = rules.lists
        self.precious = compile_pattern(rf"\b{list_pattern(lists['QUANTITY_PRECIOUS_METAL'])}\b")
        # "of" and up to three words naming what is measured, then the rate: "of crude oil a day".
        self.per_after = compile_pattern(
            r"\s+of\s+(?:[A-Za-z][\w\-]*\s+){1,3}?(?<per>" + list_pattern(lists["QUANTITY_PER"]) +
            r")(?!\w)(?!\s+(?:ago|earlier|before|later)\b)")


_cache: weakref.WeakKeyDictionary[RuleSet, _Patterns] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _patterns(rules: RuleSet) -> _Patterns:
    found = _cache.get(rules)
    if found is None:
        with _lock:
            found = _cache.get(rules) or _cache.setdefault(rules, _Patterns(rules))
    return found

