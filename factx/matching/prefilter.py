"""A rule's pattern widened into an expression Hyperscan compiles, matching wherever the rule could.

The widened expression matches at least every span the rule's pattern
matches (a superset): lookarounds and position tests (`\\b`, `^`) are
dropped, groups of any kind become plain, a call or backreference is written
out as the group's own pattern, a conditional takes both branches, and large
repeat counts are loosened. A single-character part becomes the bytes that
the characters `regex` gives it are scanned as (`factx.matching.scanned`):
exactly in ASCII, case and all, and one byte for nearly all the others
(large Unicode classes make large automata).

Written `reversed`, the expression matches the mirror image of those spans
in the reversed text: scanning that, every place where a match of the rule
can *start* is reported as a place where the expression ends.

Hyperscan takes expressions of at most about 16,000 characters. A large
alternation (a word list) can be written `keep` characters deep: each of its
branches exact for its first `keep` characters, then any run of the
characters the rest may hold, as long as the rest may be.
"""
from __future__ import annotations

import functools
import heapq
from collections.abc import Iterator
from dataclasses import dataclass

import regex

from factx.matching import charsets
from factx.matching.scanned import FOLDED, OTHER, byte_of
from factx.matching.syntax import (
    Alt,
    Assert,
    Atomic,
    Backref,
    Call,
    Chars,
    Cond,
    Group,
    I,
    Look,
    Parsed,
    Repeat,
    Seq,
    Unsupported,
    width,
)

# Repeat counts above these are loosened (a lower minimum, no maximum): still a superset, and
# Hyperscan compiles large counted repeats slowly or not at all; a repeat of more than one
# character keeps no count at all (at most one required copy, no maximum).
MAX_LOW = 8
MAX_HIGH = 16
# An alternation written longer than this is cut to `keep` characters deep, in turn.
LARGE = 400
KEEPS = (None, 8, 5, 3, 2)

# How often characters stand in news text, to rate how often an expression matches: English letter
# frequencies, capitals a tenth of theirs, digits, white space and punctuation, anything else rare.
_LETTERS = dict(zip("etaoinsrhldcumfpgwybvkxjqz", (
    .081, .060, .058, .052, .052, .050, .050, .030, .024, .030, .030, .024, .018, .017, .015, .017,
    .012, .009, .010, .010, .007, .005, .002, .001, .001, .001)))
_OTHERS = {" ": .16, "\n": .02, ".": .01, ",": .01, "-": .002, "'": .0015, '"': .0015, **dict.fromkeys("0123456789", .004)}


def _frequencies() -> list[float]:
    table = [0.0005] * 128
    for letter, share in _LETTERS.items():
        table[ord(letter)], table[ord(letter.upper())] = share, share / 10
    for char, share in _OTHERS.items():
        table[ord(char)] = share
    return table


_FREQUENCY = _frequencies()
_NON_ASCII_SHARE = .005


@dataclass(frozen=True, slots=True)
class _Part:
    """An expression, and how many matches of it may start at a position of news text (its rate)."""

    text: str
    rate: float


_NOTHING = _Part("", 1.0)
# An expression for one character: a quantifier needs no group around it.
_ONE = regex.compile(r"[^\W_]|\\[^x]|\\x[0-9a-f]{2}|\[[^\[\]]*\]")


def expression(parsed: Parsed, reverse: bool = False, keep: int | None = None) -> str:
    """The widened expression; Unsupported if it would match nowhere or match the empty string."""
    return _Widen(parsed.groups, reverse, keep).whole(parsed.tree).text


def start_witnesses(parsed: Parsed) -> Iterator[tuple[str, float]]:
    """Reversed expressions reporting every place a match can start, with their rates, rarest first;
    Unsupported (when first asked for one) if no such expression can be written.

    Only where a match starts matters, so besides the whole pattern, what it
    begins with will do: its leading parts up to any point, or up to a
    lookahead and what the lookahead requires there. Each is written whole
    first, and written with large alternations cut shallower (`KEEPS`) only
    when the caller goes on asking (the whole one being too large).
    """
    tree = parsed.tree
    while isinstance(tree, (Group, Atomic)):
        tree = tree.item
    items = tree.items if isinstance(tree, Seq) else (tree,)
    heads = [tree]
    for i in range(len(items) - 1, -1, -1):
        item = items[i]
        if isinstance(item, Look) and not item.behind and not item.negative:
            heads.append(Seq((*items[:i], item.item)))
        elif i:
            heads.append(Seq(items[:i]))
    widen = [_Widen(parsed.groups, True, keep) for keep in KEEPS]
    queue: list[tuple[float, int, int, int]] = []  # rate, length, head, keep index
    refused: list[Unsupported] = []

    def push(head: int, keep: int) -> None:
        try:
            part = widen[keep].whole(heads[head])
        except Unsupported as e:
            refused.append(e)
            return
        heapq.heappush(queue, (part.rate, len(part.text), head, keep))

    for head in range(len(heads)):
        push(head, 0)
    if not queue:
        raise refused[0]
    seen = set()
    while queue:
        rate, _, head, keep = heapq.heappop(queue)
        text = widen[keep].whole(heads[head]).text
        if text not in seen:
            seen.add(text)
            yield text, rate
        if keep + 1 < len(KEEPS):
            push(head, keep + 1)


class _Widen:
    def __init__(self, groups: dict, reverse: bool, keep: int | None):
        self.groups = groups
        self.reverse = reverse
        self.keep = keep
        self.calling: list[str] = []
        self.caseless = 0  # inside a backreference
        # Memos by node identity; each entry holds its node, so that a node made for the moment (the
        # rest of a cut alternation) stays alive and its id cannot be taken by another's.
        self._walked: dict[int, tuple[object, _Part | None]] = {}
        self._widths: dict[int, tuple[object, tuple[int, int | None]]] = {}
        self._collected: dict[int, tuple[object, frozenset]] = {}

    def whole(self, tree) -> _Part:
        """The expression for a whole pattern; Unsupported if it matches nowhere or the empty string."""
        found = self.walk(tree)
        if found is None:
            raise Unsupported("the pattern can never match")
        if _nullable(tree, self.groups):
            raise Unsupported("the pattern, without its lookarounds, matches the empty string")
        return found

    def walk(self, node) -> _Part | None:
        """The expression for `node`; `_NOTHING` for what consumes nothing, None for what never matches."""
        plain = not self.calling
        if plain and id(node) in self._walked:
            return self._walked[id(node)][1]
        found = self._walk(node)
        if plain:
            self._walked[id(node)] = node, found
        return found

    def _walk(self, node) -> _Part | None:
        if isinstance(node, Chars):
            return _class(self.ranges(node))
        if isinstance(node, Seq):
            return self.join([self.walk(item) for item in node.items])
        if isinstance(node, Alt):
            found = _either([self.walk(option) for option in node.options])
            if found is not None and self.keep is not None and len(found.text) > LARGE:
                return self.cut(node)
            return found
        if isinstance(node, Repeat):
            return _repeat(self.walk(node.item), node.low, node.high)
        if isinstance(node, (Group, Atomic)):
            return self.walk(node.item)
        if isinstance(node, (Look, Assert)):
            return _NOTHING
        if isinstance(node, Cond):
            return self.walk(Alt((node.yes, node.no)))
        if isinstance(node, (Call, Backref)):
            return self.referenced(node)
        raise Unsupported(f"an unknown part {type(node).__name__}")

    def join(self, parts: list[_Part | None]) -> _Part | None:
        """Parts one after another. A part's rate counts its ways to match (several lengths of a
        repeat); what follows must match after one of them, so rates combine from the end, each
        product at most 1."""
        if any(part is None for part in parts):
            return None
        rate = 1.0
        for part in reversed(parts):
            rate = min(1.0, part.rate * rate)
        return _Part("".join(part.text for part in (reversed(parts) if self.reverse else parts)), rate)

    def width(self, node) -> tuple[int, int | None]:
        if id(node) not in self._widths:
            self._widths[id(node)] = node, width(node, self.groups)
        return self._widths[id(node)][1]

    def ranges(self, node: Chars) -> charsets.Ranges:
        return charsets.ranges(Chars(node.source, node.flags | I) if self.caseless else node)

    def referenced(self, node: Call | Backref) -> _Part | None:
        """A called group's pattern; for a backreference, what the group matched: its pattern, in any case."""
        what = "call" if isinstance(node, Call) else "backreference"
        if node.ref not in self.groups or node.ref in self.calling:
            raise Unsupported(f"a {what} of group {node.ref!r} that is unknown or recursive")
        self.calling.append(node.ref)
        self.caseless += isinstance(node, Backref)
        try:
            return self.walk(self.groups[node.ref])
        finally:
            self.calling.pop()
            self.caseless -= isinstance(node, Backref)

    def cut(self, node: Alt) -> _Part | None:
        """A large alternation written `keep` characters deep, then any run of what the rest may
        hold. Alternatives that may match nothing stay as they are: cut with the others, they
        would let that run start anywhere."""
        empty = [option for option in node.options if _nullable(option, self.groups)]
        rest = Alt(tuple(option for option in node.options if option not in empty))
        parts = [self.walk(option) for option in empty]
        if rest.options:
            start, whole = self.prefix(rest, self.keep)
            parts.append(start if whole else self.join([start, self.tail(rest)]))
        return _either(parts)

    def prefix(self, node, keep: int) -> tuple[_Part | None, bool]:
        """What `node`'s matches begin with, exact for their first `keep` characters at least (an
        optional part, or a repeat of one character, counts as none of them); and whether that is
        all of `node`, so that what follows it may be written after it."""
        if keep <= 0:
            return _NOTHING, False
        if isinstance(node, Seq):
            parts = []
            for i, item in enumerate(node.items):
                part, whole = self.prefix(item, keep)
                parts.append(part)
                keep -= self.width(item)[0]
                if not whole or keep <= 0 and i + 1 < len(node.items):
                    return self.join(parts), False
            return self.join(parts), True
        if isinstance(node, Alt):
            found = [self.prefix(option, keep) for option in node.options]
            return _either([part for part, _ in found]), all(whole for _, whole in found)
        if isinstance(node, (Group, Atomic)):
            return self.prefix(node.item, keep)
        if isinstance(node, Repeat) and (node.low, node.high) == (0, 1):
            part, whole = self.prefix(node.item, keep)
            return _either([part, _NOTHING]), whole
        most = self.width(node)[1]
        if isinstance(node, (Chars, Look, Assert)) or isinstance(node, Repeat) and isinstance(node.item, Chars) \
                or most is not None and most <= keep:
            return self.walk(node), True
        return self.tail(node), True

    def tail(self, node) -> _Part | None:
        """Any run of the characters in `node`, as long as `node` may be."""
        found = self.collect(node)
        low, high = self.width(node)
        if not found:
            return _NOTHING if low == 0 else None
        return _repeat(_class(charsets.merge(sorted(found))), 0, high)

    def collect(self, node) -> frozenset:
        """The character ranges `node` may match."""
        plain = not self.calling
        if plain and id(node) in self._collected:
            return self._collected[id(node)][1]
        found: frozenset = frozenset()
        if isinstance(node, Chars):
            found = frozenset(self.ranges(node))
        elif isinstance(node, (Seq, Alt)):
            found = frozenset().union(*map(self.collect, node.items if isinstance(node, Seq) else node.options))
        elif isinstance(node, (Repeat, Group, Atomic)):
            found = self.collect(node.item)
        elif isinstance(node, Cond):
            found = self.collect(node.yes) | self.collect(node.no)
        elif isinstance(node, (Call, Backref)) and node.ref in self.groups and node.ref not in self.calling:
            self.calling.append(node.ref)
            self.caseless += isinstance(node, Backref)
            try:
                found = self.collect(self.groups[node.ref])
            finally:
                self.calling.pop()
                self.caseless -= isinstance(node, Backref)
        if plain:
            self._collected[id(node)] = node, found
        return found


def _either(options: list[_Part | None]) -> _Part | None:
    unique = {part.text: part.rate for part in options if part is not None}
    if not unique:
        return None
    if len(unique) == 1:
        text, rate = unique.popitem()
        return _Part(text, rate)
    return _Part(f"(?:{'|'.join(unique)})", min(1.0, sum(unique.values())))


def _repeat(inner: _Part | None, low: int, high: int | None) -> _Part | None:
    if inner is None:
        return _NOTHING if low == 0 else None
    if inner.text == "" or high == 0:
        return _NOTHING
    one = bool(_ONE.fullmatch(inner.text))
    if high is not None and (high > MAX_HIGH or high > 1 and not one):
        high = None  # counted copies of anything but one character are each compiled out
    low = min(low, MAX_LOW if one else 1)
    # Each count is a way to match: their rates add up (a geometric series without a maximum).
    r = inner.rate
    if high is None:
        rate = r ** low / (1 - r) if r < 1 else float("inf")
    else:
        rate = sum(r ** k for k in range(low, high + 1))
    if (low, high) == (1, 1):
        return inner
    suffix = {(0, 1): "?", (0, None): "*", (1, None): "+"}.get((low, high))
    if suffix is None:
        suffix = f"{{{low},}}" if high is None else f"{{{low}}}" if low == high else f"{{{low},{high}}}"
    text = inner.text if one else f"(?:{inner.text})"
    return _Part(text + suffix, rate)


@functools.lru_cache(maxsize=4096)
def _class(ranges: charsets.Ranges) -> _Part | None:
    """The bytes the characters of `ranges` are scanned as (`factx.matching.scanned`): the ASCII
    ones exactly, the few folded to an ASCII letter as that letter, any other as 0x80."""
    if not ranges:
        return None
    points = {c for a, b in ranges if a <= 0x7F for c in range(a, min(b, 0x7F) + 1)}
    rate = sum(_FREQUENCY[c] for c in points)
    beyond = [(max(a, 0x80), b) for a, b in ranges if b > 0x7F]
    folded = {char for char in FOLDED if any(a <= ord(char) <= b for a, b in beyond)}
    found = {byte_of(c) for c in points} | {byte_of(ord(char)) for char in folded}
    if sum(b - a + 1 for a, b in beyond) > len(folded):
        found.add(OTHER)
        rate += _NON_ASCII_SHARE
    spans = charsets.merge((c, c) for c in sorted(found))
    if len(spans) == 1 and spans[0][0] == spans[0][1]:
        return _Part(_byte(spans[0][0]), rate)
    return _Part("[" + "".join(_byte(a) if a == b else f"{_byte(a)}-{_byte(b)}" for a, b in spans) + "]", rate)


def _byte(value: int) -> str:
    """A byte as written in an expression: a letter or digit as itself (a capital's byte, above 0xE0,
    as its Latin-1 character: expressions are Latin-1 bytes), else escaped."""
    char = chr(value)
    if char.isalnum() and value < 0x100:
        return char
    return f"\\x{value:02x}" if value > 0x7E or not char.isprintable() else "\\" + char


def _nullable(node, groups: dict, calling: tuple = ()) -> bool:
    """Whether `node`, its lookarounds dropped, can match the empty string."""
    if isinstance(node, Chars):
        return False
    if isinstance(node, Seq):
        return all(_nullable(item, groups, calling) for item in node.items)
    if isinstance(node, Alt):
        return any(_nullable(option, groups, calling) for option in node.options)
    if isinstance(node, Repeat):
        return node.low == 0 or _nullable(node.item, groups, calling)
    if isinstance(node, (Group, Atomic)):
        return _nullable(node.item, groups, calling)
    if isinstance(node, Cond):
        return _nullable(node.yes, groups, calling) or _nullable(node.no, groups, calling)
    if isinstance(node, (Call, Backref)):
        return node.ref in calling or node.ref not in groups or _nullable(groups[node.ref], groups, (*calling, node.ref))
    return True  # lookarounds and assertions
