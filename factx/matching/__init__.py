"""Matchers: where in a text every rule matches.

A rule's matches in a text are found from its start: the leftmost match,
then the leftmost one from where it ends, and so on, as `finditer` finds
them (a pattern read backwards, `(?r)`, from the end). A matcher answers one
question for each rule that may match in a text, `search`: the first match
of the rule from a position on, which is what `pattern.search(text, pos)`
gives, an empty match being none. The rule set (`factx.rulebook.RuleSet`)
goes through a text with it, and where its plugin rejects a match, goes on
from just after that match's start.

Two matchers give exactly the same answers:

- `regex` asks the `regex` package, which tries every position: the
  reference, and what runs where Hyperscan is missing;
- `hyperscan` scans the text once for every rule with a Hyperscan database
  of each rule's pattern widened to match at least where the rule can
  start (`factx.matching.prefilter`), and tries a rule with `regex` only
  where the database reports it. A rule whose pattern cannot be widened is
  searched the `regex` way; `unscanned` says which and why.

`FACTX_MATCHER=regex|hyperscan`, or `Engine(matcher=...)`, chooses; by default
`hyperscan` where the package imports, else `regex` with one notice on stderr.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import regex

    from factx.rule import Rule

NAMES = ("hyperscan", "regex")
_noticed = False


class Matcher(Protocol):
    """Finds matches of rules in texts; built once for a set of rules, shared between threads."""

    name: str
    unscanned: dict[str, str]  # rule id -> why it is searched the `regex` way

    def searchers(self, text: str, rules: Sequence[Rule]
                  ) -> Iterator[tuple[Rule, Callable[[int], regex.Match[str] | None]]]:
        """Those of `rules` that may match in `text`, in order (a scan rules the others out), each with
        its `search`: the rule's first non-empty match in `text` from a position on, starting at or
        after it, or, for a rule read backwards, ending at or before it; None if there is none."""
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
