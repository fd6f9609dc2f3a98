"""Cutting a long text into pieces, each read with a margin either side, so that memory stays bounded."""
from __future__ import annotations

from dataclasses import dataclass

# Where a piece may end, best first: a paragraph, a line, a sentence, a word.
_BREAKS = ("\n\n", "\n", ". ", " ")


@dataclass(frozen=True, slots=True)
class Piece:
    """A piece of a text: its own span (facts that start there are its facts) and the span read."""

    start: int
    end: int
    read_start: int
    read_end: int


def pieces(text: str, size: int, margin: int) -> list[Piece]:
    """`text` in pieces of about `size` characters, each read with `margin` characters either side.

    A piece ends after a paragraph break found in its last quarter, else after a line break, a
    sentence end or a space there, else at `size` exactly. A text of `size` or fewer is one piece.
    """
    if size < 1 or margin < 0:
        raise ValueError(f"a piece needs a size of 1 or more and a margin of 0 or more, not {size} and {margin}")
    found, start, n = [], 0, len(text)
    while start < n:
        end = min(start + size, n)
        if end < n:
            end = _break_before(text, start + size - size // 4, end)
        found.append(Piece(start, end, max(0, start - margin), min(n, end + margin)))
        start = end
    return found or [Piece(0, 0, 0, 0)]


def _break_before(text: str, low: int, high: int) -> int:
    """The end of the last break of the best kind in text[low:high], else `high`."""
    for brk in _BREAKS:
        at = text.rfind(brk, low, high)
        if at >= 0:
            return at + len(brk)
    return high
