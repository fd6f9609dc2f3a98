"""The exact set of characters a single-character pattern matches, asked of `regex` itself.

Another engine's `\\w`, `\\s`, `\\p{..}` or case folding need not agree with
`regex`'s; a set computed by running `regex` over every code point does, by
construction. Sets are ranges of code points, surrogates excluded (a document
holding one is never handed to another engine).
"""
from __future__ import annotations

import functools
import sys

import regex

from factx.matching.syntax import A, I, S, V1, Chars

Ranges = tuple[tuple[int, int], ...]
_SURROGATES = (0xD800, 0xDFFF)
_FLAGS = I | S | A | V1 | regex.UNICODE | regex.VERBOSE | regex.WORD


@functools.cache
def _every_character() -> str:
    """Every code point but the surrogates, in order."""
    return "".join(map(chr, range(_SURROGATES[0]))) + "".join(map(chr, range(_SURROGATES[1] + 1, sys.maxunicode + 1)))


@functools.cache
def _cased() -> str:
    """Every character that some case mapping changes or yields: what case-insensitive matching can pair."""
    found = {c for c in _every_character() if c.lower() != c or c.upper() != c or c.casefold() != c}
    for c in list(found):
        found.update(x for x in (c.lower(), c.upper(), c.casefold()) if len(x) == 1)
    return "".join(sorted(found))


def _code_point(index: int) -> int:
    return index if index < _SURROGATES[0] else index + _SURROGATES[1] - _SURROGATES[0] + 1


@functools.lru_cache(maxsize=4096)
def ranges(chars: Chars) -> Ranges:
    """The code point ranges `chars` matches, in order, as inclusive (first, last) pairs."""
    flags = chars.flags & _FLAGS
    literal = _literal(chars.source)
    if literal is not None and not flags & I:
        return ((ord(literal), ord(literal)),)
    runs = regex.compile(f"(?:{chars.source})+", flags)
    if literal is not None:  # a letter without case: the cased characters are all it can pair with
        found = sorted({ord(literal)} | {ord(c) for m in runs.finditer(_cased()) for c in m.group()})
        return merge((c, c) for c in found)
    out: list[tuple[int, int]] = []
    for m in runs.finditer(_every_character()):
        first, last = _code_point(m.start()), _code_point(m.end() - 1)
        if first < _SURROGATES[0] < last:
            out += [(first, _SURROGATES[0] - 1), (_SURROGATES[1] + 1, last)]
        else:
            out.append((first, last))
    return tuple(out)


def _literal(source: str) -> str | None:
    """The character an escaped literal stands for (`a`, `\\.`), else None."""
    if len(source) == 1 and source not in ".[":
        return source
    if len(source) == 2 and source[0] == "\\" and not source[1].isalnum():
        return source[1]
    return None


def merge(pairs) -> Ranges:
    out: list[tuple[int, int]] = []
    for first, last in pairs:
        if out and first <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(last, out[-1][1]))
        else:
            out.append((first, last))
    return tuple(out)
