"""The plugin author's toolkit: what a plugin needs besides its hooks, public and stable.

The built-in plugins are written with this module and the names `factx`
exports, and with nothing else of factx, as any third-party plugin is.

Numbers and signs (read with the shared word lists of `rules/common.toml`;
`ascii_digits` writes any script's decimal digits as ASCII ones)::

    parse_number("1,234.5", rules)            # Decimal('1234.5')
    parse_number("two and a half", rules)     # Decimal('2.5')
    sign_of("minus", rules) * parse_number("3", rules)

Matches to values: `named_groups(match)` is `match.groupdict()` at half its
cost with `regex`, and `group_numbers(pattern)` each named group's number (for
`match.spans(n)` and `match.captures(n)`); `approximation(match, rules)` reads the `approx` group that
the shared `{APPROX_BEFORE}` macro captures; `range_drafts(match, low, high)`
makes the two bounds of a range; `as_number(Decimal)` is an int when whole.
`Draft` and `Candidate` are what `factx_extract` returns (see `RuleSet.candidates`).

Word lists: `rules.lookup(LIST, text)` and `lookup(rules, text, LIST, ...)`;
`normalize_key` is the form entries are kept in; `list_pattern(keys)` a
pattern matching any of them, for a plugin's own regexes.

Units (pint): `convert(magnitude, unit, to)` and `factor(unit, to)` convert
between any units pint's default registry or `factx/units.txt` defines, with
factors kept on disk so that a warm run never imports pint; `unit_registry()` is the
registry itself (pint's default units, percentage and basis points, TEU, one
dimension per currency), for what factors cannot do.

Speed: `compile_pattern` compiles a regex through factx's on-disk pattern
cache; `@stored(...)` keeps data derived from a big library on disk.

`factx rules macros` lists every shared macro and word list a rule file may use.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from factx.candidates import Candidate, Draft, range_drafts
from factx.numbers import ascii_digits
from factx.numbers import parse_number as _parse_number
from factx.numbers import sign_of as _sign_of
from factx.patterncache import compile as compile_pattern
from factx.rule import Rule
from factx.rulebook import RuleSet, list_pattern, normalize_key
from factx.stored import stored
from factx.units import convert, factor
from factx.units import registry as unit_registry

if TYPE_CHECKING:
    import regex

Lists = Mapping[str, Mapping[str, Any]]

__all__ = [
    "Candidate", "Draft", "Rule", "RuleSet", "approximation", "as_number", "ascii_digits", "compile_pattern",
    "convert", "factor", "group_numbers", "list_pattern", "lookup", "named_groups", "normalize_key", "parse_number",
    "range_drafts", "sign_of", "stored", "unit_registry",
]


def _lists(rules: RuleSet | Lists) -> Lists:
    return rules.lists if isinstance(rules, RuleSet) else rules


def parse_number(text: str, rules: RuleSet | Lists) -> Decimal:
    """The value of a number in digits ("1,234.56", ".5") or words ("twenty-two", "one and a half").

    Number words come from the `CARDINAL`, `MAGNITUDE` and `FRACTION` lists
    of `rules` (a rule set or its `lists`). Raises ValueError for anything else.
    """
    return _parse_number(text, _lists(rules))


def sign_of(text: str | None, rules: RuleSet | Lists) -> int:
    """-1 or +1 for a sign written before a number ("-", "minus", "+"), as `{SIGN}` matches it; +1 for none."""
    return _sign_of(text, _lists(rules))


@functools.lru_cache(maxsize=1024)
def group_numbers(pattern: regex.Pattern[str]) -> Mapping[str, int]:
    """Each named group of `pattern` with its number, in order: `pattern.groupindex`, which `regex`
    makes anew at every call, made once (read-only)."""
    return MappingProxyType(dict(pattern.groupindex))


def named_groups(match: regex.Match[str]) -> dict[str, str | None]:
    """What `match.groupdict()` gives (each named group's text, None where it took no part), read
    through the groups' numbers: about half the cost with `regex`."""
    values = match.groups()
    return {name: values[number - 1] for name, number in group_numbers(match.re).items()}


def approximation(match: regex.Match[str], rules: RuleSet, group: str = "approx") -> str | None:
    """The canonical approximation ("about", "more_than"...) of the hedge `{APPROX_BEFORE}` captured, or None."""
    number = group_numbers(match.re).get(group)
    written = match.group(number) if number is not None else None
    return rules.lookup("APPROX", written) if written else None


def lookup(rules: RuleSet | Lists, text: str, *list_names: str, default: Any = None) -> Any:
    """What the first of the word lists holding `text` gives it (case and spacing ignored), else `default`."""
    lists, key = _lists(rules), normalize_key(text)
    for name in list_names:
        found = lists[name].get(key)
        if found is not None:
            return found
    return default


def as_number(value: Decimal) -> int | float:
    """A whole value as an int (350000000000, not 3.5e11), any other as a float, for a record's value."""
    return int(value) if value == value.to_integral_value() else float(value)
