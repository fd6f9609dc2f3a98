"""The `hyperscan` matcher: one Hyperscan scan finds where rules can start, `regex` decides there.

Each rule's pattern is widened into an expression that, in the reversed
text, ends wherever a match of the rule can start (`prefilter.start_witnesses`);
they are compiled into a database (one for factx's own rules, one per other
rule file), kept on disk like compiled patterns. A text is scanned once,
reversed, for every rule; a rule is then tried with its own `regex` pattern
only at the places reported for it, which are all the places where it can
match. A rule whose widened pattern could match the empty string is never
scanned, so no match tried here is empty.
"""
from __future__ import annotations

import functools
import itertools
import threading
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

import hyperscan
import regex

from factx import stored
from factx.matching import budget
from factx.matching.regex_path import search
from factx.matching.scanned import scanned

if TYPE_CHECKING:
    from factx.rule import Rule

# Bytes, every character scanned as one (`factx.matching.scanned`); case-sensitive, as the expressions
# are written (`prefilter._class`).
_FLAGS = 0
# Hyperscan refuses longer expressions.
MAX_EXPRESSION = 15000
# Where a widened pattern would start more often than this (a share of positions), trying the rule
# at each report costs more than `regex` scanning for it.
MAX_RATE = 0.05
# Databases kept on disk (a few MB each): the built-in rules', and a few of other rule files.
SCANS_KEPT = 8
# Expressions too large to compile cost seconds each: after this many, give up on the rule.
MAX_FAILURES = 3


# How text is scanned (`factx.matching.scanned`): what was kept on disk for another way is not used.
_SCANNED_AS = "a byte a character, capitals apart, case-sensitive"


def _version() -> str:
    return getattr(hyperscan, "__version__", "") + "\0" + str(hyperscan.HS_CPU_FEATURES_AVX2) + "\0" + _SCANNED_AS


def witness(pattern: str) -> tuple[str | None, str]:
    """The rarest expression reporting where `pattern` can start, or None and why there is none."""
    # Only for a pattern not met before (the result is kept on disk): reading patterns costs imports.
    from factx.matching.prefilter import start_witnesses
    from factx.matching.syntax import Unsupported, parse

    try:
        parsed = parse(pattern)
    except Unsupported as e:
        return None, f"its pattern uses {e}"
    if parsed.flags & regex.REVERSE:
        return None, "it is read backwards ((?r))"
    failed = 0
    found = start_witnesses(parsed)
    try:
        first = next(found)
    except Unsupported as e:
        return None, str(e)
    for expression, rate in itertools.chain([first], found):
        if rate > MAX_RATE:
            return None, "its pattern, widened, would match almost anywhere"
        if len(expression) > MAX_EXPRESSION:
            continue
        try:
            _compile([(0, expression)])
        except hyperscan.error:
            failed += 1
            if failed == MAX_FAILURES:
                break
            continue
        return expression, ""
    return None, "no widened form of its pattern compiles in Hyperscan (too large)"


def _compile(members: list[tuple[int, str]]) -> hyperscan.Database:
    """A database of (id, expression) pairs."""
    db = hyperscan.Database()
    db.compile(expressions=[e.encode("latin-1") for _, e in members], ids=[slot for slot, _ in members],
               elements=len(members), flags=_FLAGS)
    return db


def _group_of(rule: Rule) -> str:
    """The rules factx ships share a database; any other rule file has one of its own, so that
    adding a rules folder compiles only its own rules (each database is kept on disk)."""
    return "rules/" if rule.file.startswith("rules/") else rule.file


_Placed = tuple[int, "int | None", "Rule"]  # a rule's place in its sequence, its expression's number, the rule


class HyperscanMatcher:
    """Scans each text once for all rules; rules Hyperscan cannot take are tried the `regex` way."""

    name = "hyperscan"

    def __init__(self, rules: Sequence[Rule]):
        self.unscanned: dict[str, str] = {}
        self._slot: dict[int, int] = {}  # id(rule) -> its expression's number, across databases
        groups: dict[str, list[Rule]] = {}
        for rule in rules:
            groups.setdefault(_group_of(rule), []).append(rule)
        self._databases: list[tuple[hyperscan.Database, int]] = []  # each with the number of its first expression
        for members in groups.values():
            # One entry on disk for a group's expressions and database: one read at start-up.
            found, blob = stored.by_content("scan", _version() + "".join("\0" + r.pattern.pattern for r in members),
                                            lambda members=members: _scan_plan(members), keep=SCANS_KEPT)
            scanned = [(rule, expression) for rule, (expression, _) in zip(members, found) if expression is not None]
            self.unscanned.update({rule.id: why for rule, (expression, why) in zip(members, found) if expression is None})
            if scanned:
                first = len(self._slot)
                for slot, (rule, _) in enumerate(scanned):
                    self._slot[id(rule)] = first + slot
                self._databases.append((hyperscan.loadb(blob, hyperscan.HS_MODE_BLOCK), first))
        self._local = threading.local()
        self._plans: dict[int, tuple[Sequence[Rule], list[_Placed], dict[int, _Placed]]] = {}

    def searchers(self, text: str, rules: Sequence[Rule]
                  ) -> Iterator[tuple[Rule, Callable[[int], regex.Match[str] | None]]]:
        starts = self._starts(text)
        spent = budget.current()
        unscanned, by_slot = self._plan(rules)
        # Only the rules reported in the text (a few of many), in their order.
        for _, slot, rule in sorted([*unscanned, *(by_slot[slot] for slot in starts.keys() & by_slot.keys())]):
            if slot is None:
                yield rule, functools.partial(search, rule, text)
            else:
                yield rule, _trier(rule, text, starts[slot], spent)

    def _plan(self, rules: Sequence[Rule]) -> tuple[list[_Placed], dict[int, _Placed]]:
        """The unscanned rules of a sequence, and its scanned ones by expression number, each with its
        place in the sequence; worked out once per sequence."""
        kept = self._plans.get(id(rules))
        if kept is None or kept[0] is not rules:
            placed = [(i, self._slot.get(id(rule)), rule) for i, rule in enumerate(rules)]
            # The sequence is kept with its plan, so that its id is not reused while the plan is.
            kept = self._plans[id(rules)] = (rules, [p for p in placed if p[1] is None],
                                             {p[1]: p for p in placed if p[1] is not None})
        return kept[1], kept[2]

    def _starts(self, text: str) -> dict[int, list[int]]:
        """Per expression reported in `text`, where its rule may start, in order.

        The last text's are kept, per thread: every plugin asks for the same document.
        """
        local = self._local
        if getattr(local, "text", None) is not text:
            local.starts = self._scan(text)
            local.text = text
        return local.starts

    def _scan(self, text: str) -> dict[int, list[int]]:
        # One byte per character, so offsets are `str` indices.
        data = scanned(text[::-1])
        size = len(text)
        found: defaultdict[int, list[int]] = defaultdict(list)
        for (db, first), scratch in zip(self._databases, self._scratches()):
            def on_match(slot: int, _from: int, end: int, _flags: int, _context: object, first=first) -> None:
                found[first + slot].append(size - end)

            db.scan(data, match_event_handler=on_match, scratch=scratch)
        for starts in found.values():
            starts.reverse()  # reported from the end of the text
        return found

    def _scratches(self) -> list[hyperscan.Scratch]:
        """This thread's scratch space for each database."""
        local = self._local
        if getattr(local, "scratches", None) is None:
            local.scratches = [hyperscan.Scratch(db) for db, _ in self._databases]
        return local.scratches


def _trier(rule: Rule, text: str, places: list[int], spent: budget.Budget | None
           ) -> Callable[[int], regex.Match[str] | None]:
    """The rule's `search` in `text`: its pattern tried at each of `places` from a position on,
    within the document's budget (`spent`)."""
    match = rule.pattern.match
    rule_id, guarded = rule.id, rule.guarded

    def search(pos: int) -> regex.Match[str] | None:
        timeout = None if spent is None else spent.timeout(rule_id, guarded)
        if timeout == 0:
            return None
        try:
            for i in range(bisect_left(places, pos), len(places)):
                m = match(text, places[i]) if timeout is None else match(text, places[i], timeout=timeout)
                if m is not None:
                    return m  # never empty: a rule that can match empty is not scanned
                if spent is not None and not i % 256 and spent.timeout(rule_id, guarded) == 0:
                    return None  # the document's time ran out among many places to try
        except TimeoutError:
            spent.ran_out(rule_id, timeout)
        return None

    return search


def _scan_plan(members: list[Rule]) -> tuple[list[tuple[str | None, str]], bytes | None]:
    """For rules that share a database: each one's expression (or None and why), and the database."""
    found = [stored.by_content("witness", f"{_version()}\0{rule.pattern.pattern}",
                               lambda rule=rule: witness(rule.pattern.pattern)) for rule in members]
    expressions = [expression for expression, _ in found if expression is not None]
    return found, hyperscan.dumpb(_compile(list(enumerate(expressions)))) if expressions else None
