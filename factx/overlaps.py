"""Overlap resolution: which candidates keep their span.

The policy, across rules and across plugins alike: candidates are ranked by
rule priority (higher first), then span length (longer first), then position
(earlier first), then the order the plugins produced them. Going down that
ranking, a candidate wins if it overlaps no winner so far; otherwise it loses
to the winner it overlaps. A winning blocker (a candidate with no drafts)
emits nothing but still holds its span. Spans that merely touch do not
overlap.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from factx.candidates import Candidate

# Above this many candidates, the winners are kept in a tree: a sorted list costs a copy per winner.
_MANY = 4096


@dataclass(slots=True)
class Decision:
    """The fate of one candidate: won, or lost to `beaten_by`."""

    candidate: Candidate
    plugin: str
    beaten_by: Candidate | None = None

    @property
    def won(self) -> bool:
        return self.beaten_by is None


def resolve(candidates: list[tuple[str, Candidate]]) -> list[Decision]:
    """Decide every (plugin, candidate) pair, in O(n log n); decisions come back in document order."""
    order = sorted(
        range(len(candidates)),
        key=lambda i: (
            -candidates[i][1].rank_priority,
            candidates[i][1].start - candidates[i][1].end,
            candidates[i][1].start,
            i,
        ),
    )
    winners = _Tree(candidates) if len(candidates) > _MANY else _Sorted()
    decisions: list[Decision] = []
    for i in order:
        plugin, cand = candidates[i]
        rival = winners.overlapping(cand)
        if rival is None:
            winners.add(cand)
        decisions.append(Decision(cand, plugin, rival))
    decisions.sort(key=lambda d: (d.candidate.start, d.candidate.end))
    return decisions


class _Sorted:
    """Winners by start in a sorted list (winners never overlap each other)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.winners: list[Candidate] = []

    def overlapping(self, cand: Candidate) -> Candidate | None:
        at = bisect_right(self.starts, cand.start)
        if at > 0 and self.winners[at - 1].end > cand.start:
            return self.winners[at - 1]
        if at < len(self.winners) and self.winners[at].start < cand.end:
            return self.winners[at]
        return None

    def add(self, cand: Candidate) -> None:
        at = bisect_right(self.starts, cand.start)
        self.starts.insert(at, cand.start)
        self.winners.insert(at, cand)


class _Tree:
    """Winners over the candidates' start and end offsets, in a Fenwick tree: an offset range
    holds a winner if some offset in it is taken; each offset is taken once, as winners never overlap."""

    def __init__(self, candidates: list[tuple[str, Candidate]]):
        self.points = sorted({p for _, c in candidates for p in (c.start, c.end)})
        self.counts = [0] * (len(self.points) + 1)
        self.owner: dict[int, Candidate] = {}

    def _range(self, cand: Candidate) -> tuple[int, int]:
        """The offsets a candidate covers, as indexes into `points`: [first, last)."""
        return bisect_left(self.points, cand.start), bisect_left(self.points, cand.end)

    def _taken_before(self, index: int) -> int:
        total = 0
        while index > 0:
            total += self.counts[index]
            index -= index & -index
        return total

    def overlapping(self, cand: Candidate) -> Candidate | None:
        first, last = self._range(cand)
        before = self._taken_before(first)
        if self._taken_before(last) == before:
            return None
        # The first taken offset from `first` on: descend the tree to where the count passes `before`.
        index, step, left = 0, 1 << len(self.counts).bit_length(), before
        while step:
            if index + step < len(self.counts) and self.counts[index + step] <= left:
                index += step
                left -= self.counts[index]
            step >>= 1
        return self.owner[index]

    def add(self, cand: Candidate) -> None:
        first, last = self._range(cand)
        for point in range(first, last):
            self.owner[point] = cand
            index = point + 1
            while index < len(self.counts):
                self.counts[index] += 1
                index += index & -index
