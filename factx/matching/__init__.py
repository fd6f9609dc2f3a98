"""Matchers: where in a text every rule matches.

A rule matches at every position where its pattern matches, as
`rule.pattern.match(text, position)` gives it; an empty match is none. A
pattern read backwards (`(?r)`) matches wherever a match of it ends. Matches
come rule by rule, in the order of the rules, each rule's in order of position.

Two matchers give exactly those matches:

- `regex` tries each rule over the whole text with the `regex` package
  (`finditer` with `overlapped=True`): the reference, and what runs where
  Hyperscan is missing;
- `hyperscan` scans the text once for every rule with a Hyperscan database
  of each rule's pattern widened to match at least where the rule can
  start (`factx.matching.prefilter`), and tries each rule with `regex` only
  where the database reports it. A rule whose pattern cannot be widened is
  tried the `regex` way; `unscanned` says which and why.

`FACTX_MATCHER=regex|hyperscan`, or `Engine(matcher=...)`, chooses; by default
`hyperscan` where the package imports, else `regex` with one notice on stderr.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import regex

    from factx.rulebook import Rule

NAMES = ("hyperscan", "regex")
_noticed = False


class Matcher(Protocol):
    """Finds the matches of rules in texts; built once for a set of rules, shared between threads."""

    name: str
    unscanned: dict[str, str]  # rule id -> why it is tried the `regex` way

    def matches(self, text: str, rules: Sequence[Rule]) -> Iterator[tuple[Rule, regex.Match[str]]]:
        """Every match of each of `rules` (a subset of those the matcher was built for) in `text`."""
        ...


def create(rules: Sequence[Rule], name: str | None = None) -> Matcher:
    """A matcher for `rules`: `name`, else `FACTX_MATCHER`, else the fastest available."""
    chosen = name or os.environ.get("FACTX_MATCHER") or None
    if chosen not in (None, *NAMES):
        raise ValueError(f"unknown matcher {chosen!r}: use one of {', '.join(NAMES)}")
    if chosen != "regex":
        try:
            from factx.matching.hyperscan_path import HyperscanMatcher
        except ImportError as e:
            if chosen == "hyperscan":
                raise ValueError(f"the hyperscan matcher is not available: {e}") from e
            _notice(f"factx: Hyperscan is not available ({e}); rules are matched with regex alone, more slowly")
        else:
            return HyperscanMatcher(rules)
    from factx.matching.regex_path import RegexMatcher

    return RegexMatcher(rules)


def _notice(message: str) -> None:
    global _noticed
    if not _noticed:
        _noticed = True
        print(message, file=sys.stderr)
