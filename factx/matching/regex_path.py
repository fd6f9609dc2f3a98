"""The `regex` matcher: each rule searched for through the text by the `regex` package."""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from factx.matching import budget

if TYPE_CHECKING:
    import regex

    from factx.rule import Rule


def search(rule: Rule, text: str, pos: int) -> regex.Match[str] | None:
    """The first non-empty match of `rule` from `pos` on: starting at or after it, or for a rule
    read backwards (`(?r)`), ending at or before it. Within the document's budget, if any."""
    timeout = _timeout(rule)
    if timeout == 0:
        return None
    find = rule.pattern.search
    try:
        if rule.backward:
            m = find(text, 0, pos, timeout=timeout)
            while m is not None and m.end() == m.start() and m.end() > 0:
                m = find(text, 0, m.end() - 1, timeout=timeout)
        else:
            m = find(text, pos, timeout=timeout)
            while m is not None and m.end() == m.start() and m.start() < len(text):
                m = find(text, m.start() + 1, timeout=timeout)
    except TimeoutError:
        budget.current().ran_out(rule.id, timeout)
        return None
    return m if m is not None and m.end() > m.start() else None


def _timeout(rule: Rule) -> float | None:
    found = budget.current()
    return None if found is None else found.timeout(rule.id, rule.guarded)


class RegexMatcher:
    """The reference matcher: no scan, each rule searched for through the text."""

    name = "regex"

    def __init__(self, rules: Sequence[Rule]):
        self.unscanned = {rule.id: "the regex matcher scans no rule" for rule in rules}

    def searchers(self, text: str, rules: Sequence[Rule]
                  ) -> Iterator[tuple[Rule, Callable[[int], regex.Match[str] | None]]]:
        for rule in rules:
            yield rule, functools.partial(search, rule, text)
