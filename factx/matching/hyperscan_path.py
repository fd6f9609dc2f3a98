"""The `hyperscan` matcher: one Hyperscan scan finds where rules can start, `regex` decides there.

Each rule's pattern is widened into an expression that, in the reversed
text, ends wherever a match of the rule can start (`prefilter.start_witnesses`);
they are compiled into a database (one for factx's own rules, one per other
rule file), kept on disk like compiled patterns. A text is scanned once,
reversed, for every rule; each rule is then
tried with its own `regex` pattern at exactly the places reported for it, in
order, which gives the matches the `regex` matcher finds by trying everywhere.
"""
from __future__ import annotations

import codecs
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import hyperscan
import regex

from factx import stored
from factx.matching.prefilter import start_witnesses
from factx.matching.regex_path import rule_matches
from factx.matching.syntax import Unsupported, parse

if TYPE_CHECKING:
    from factx.rulebook import Rule

_FLAGS = 0  # bytes: every character is scanned as one byte (`_NON_ASCII`)
_NON_ASCII = "factx.non_ascii"
codecs.register_error(_NON_ASCII, lambda e: ("\x80" * (e.end - e.start), e.end))
# Hyperscan refuses longer expressions.
MAX_EXPRESSION = 15000
# Where a widened pattern would start more often than this (a share of positions), trying the rule
# at each report costs more than `regex` scanning for it.
MAX_RATE = 0.05
# Expressions too large to compile cost seconds each: after this many, give up on the rule.
MAX_FAILURES = 3


def _version() -> str:
    return getattr(hyperscan, "__version__", "") + "\0" + str(hyperscan.HS_CPU_FEATURES_AVX2)


def witness(pattern: str) -> tuple[str | None, str]:
    """The rarest expression reporting where `pattern` can start, or None and why there is none."""
    try:
        parsed = parse(pattern)
    except Unsupported as e:
        return None, f"its pattern uses {e}"
    if parsed.flags & regex.REVERSE:
        return None, "it is read backwards ((?r))"
    failed = 0
    for expression, rate in start_witnesses(parsed):
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
    db.compile(expressions=[e.encode() for _, e in members], ids=[slot for slot, _ in members],
               elements=len(members), flags=_FLAGS)
    return db


def _group_of(rule: Rule) -> str:
    """The rules factx ships share a database; any other rule file has one of its own, so that
    adding a rules folder compiles only its own rules (each database is kept on disk)."""
    return "rules/" if rule.file.startswith("rules/") else rule.file


class HyperscanMatcher:
    """Scans each text once for all rules; rules Hyperscan cannot take are tried the `regex` way."""

    name = "hyperscan"

    def __init__(self, rules: Sequence[Rule]):
        self.unscanned: dict[str, str] = {}
        self._slot: dict[int, int] = {}  # id(rule) -> its expression's id (across databases)
        groups: dict[str, list[tuple[int, str]]] = {}
        for rule in rules:
            found, why = stored.by_content("witness", f"{_version()}\0{rule.pattern.pattern}",
                                           lambda rule=rule: witness(rule.pattern.pattern))
            if found is None:
                self.unscanned[rule.id] = why
                continue
            self._slot[id(rule)] = len(self._slot)
            groups.setdefault(_group_of(rule), []).append((self._slot[id(rule)], found))
        self._databases = [self._database(members) for members in groups.values()]
        self._local = threading.local()

    @staticmethod
    def _database(members: list[tuple[int, str]]) -> hyperscan.Database:
        blob = stored.by_content("hyperscan", _version() + "".join(f"\0{slot}\0{e}" for slot, e in members),
                                 lambda: hyperscan.dumpb(_compile(members)))
        return hyperscan.loadb(blob, hyperscan.HS_MODE_BLOCK)

    def matches(self, text: str, rules: Sequence[Rule]) -> Iterator[tuple[Rule, regex.Match[str]]]:
        starts = self._starts(text)
        for rule in rules:
            slot = self._slot.get(id(rule))
            if slot is None:
                for m in rule_matches(rule, text):
                    yield rule, m
                continue
            match = rule.pattern.match
            for start in starts[slot]:
                m = match(text, start)
                if m is not None and m.end() > start:
                    yield rule, m

    def _starts(self, text: str) -> list[list[int]]:
        """Per expression, where its rule may start in `text`, in order.

        The last text's are kept, per thread: every plugin asks for the same document.
        """
        local = self._local
        if getattr(local, "text", None) is not text:
            local.starts = self._scan(text)
            local.text = text
        return local.starts

    def _scan(self, text: str) -> list[list[int]]:
        found: list[list[int]] = [[] for _ in range(len(self._slot))]
        if not self._databases:
            return found
        # One byte per character (non-ASCII ones as bytes 0x80-0xFF), so offsets are `str` indices.
        data = text[::-1].encode("latin-1", errors=_NON_ASCII)
        size = len(text)

        def on_match(slot: int, _from: int, end: int, _flags: int, _context: object) -> None:
            found[slot].append(size - end)

        for db, scratch in zip(self._databases, self._scratches()):
            db.scan(data, match_event_handler=on_match, scratch=scratch)
        for starts in found:
            starts.reverse()  # reported from the end of the text
        return found

    def _scratches(self) -> list[hyperscan.Scratch]:
        """This thread's scratch space for each database."""
        local = self._local
        if getattr(local, "scratches", None) is None:
            local.scratches = [hyperscan.Scratch(db) for db in self._databases]
        return local.scratches
