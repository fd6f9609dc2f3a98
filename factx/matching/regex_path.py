"""The `regex` matcher: each rule tried at every position of the text by the `regex` package."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import regex

    from factx.rulebook import Rule


def rule_matches(rule: Rule, text: str) -> Iterator[regex.Match[str]]:
    """Every non-empty match of `rule` in `text`, in order of position."""
    found = rule.pattern.finditer(text, overlapped=True)
    if rule.backward:  # found from the end
        found = reversed(list(found))
    for m in found:
        if m.end() > m.start():
            yield m


class RegexMatcher:
    """The reference matcher: no scan, every rule tried everywhere."""

    name = "regex"

    def __init__(self, rules: Sequence[Rule]):
        self.unscanned = {rule.id: "the regex matcher scans no rule" for rule in rules}

    def matches(self, text: str, rules: Sequence[Rule]) -> Iterator[tuple[Rule, regex.Match[str]]]:
        for rule in rules:
            for m in rule_matches(rule, text):
                yield rule, m
