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

from bisect import bisect_right
from dataclasses import dataclass

from factx.candidates import Candidate


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
    """Decide every (plugin, candidate) pair; decisions come back in document order."""
    order = sorted(
        range(len(candidates)),
        key=lambda i: (
            -candidates[i][1].rank_priority,
            candidates[i][1].start - candidates[i][1].end,
            candidates[i][1].start,
            i,
        ),
    )
    starts: list[int] = []  # winners' starts, sorted; winners never overlap each other
    winners: list[Candidate] = []
    decisions: list[Decision] = []
    for i in order:
        plugin, cand = candidates[i]
        at = bisect_right(starts, cand.start)
        rival = None
        if at > 0 and winners[at - 1].end > cand.start:
            rival = winners[at - 1]
        elif at < len(winners) and winners[at].start < cand.end:
            rival = winners[at]
        if rival is None:
            starts.insert(at, cand.start)
            winners.insert(at, cand)
        decisions.append(Decision(cand, plugin, rival))
    decisions.sort(key=lambda d: (d.candidate.start, d.candidate.end))
    return decisions
