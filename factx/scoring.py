"""Scoring extracted facts against gold documents: precision, recall and F1 per fact type."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Agrees = Callable[[Mapping[str, Any], Mapping[str, Any]], bool]


@dataclass(frozen=True)
class Score:
    """Counts for one fact type; `span` needs equal offsets, `value` an overlap with agreeing values."""

    gold: int
    predicted: int
    span_hits: int
    value_hits: int

    @staticmethod
    def _prf(hits: int, predicted: int, gold: int) -> tuple[float, float, float]:
        p = hits / predicted if predicted else float(not gold)
        r = hits / gold if gold else float(not predicted)
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    @property
    def span(self) -> tuple[float, float, float]:
        return self._prf(self.span_hits, self.predicted, self.gold)

    @property
    def value(self) -> tuple[float, float, float]:
        return self._prf(self.value_hits, self.predicted, self.gold)


def _pairs(gold: list[Mapping], pred: list[Mapping]) -> list[tuple[int, int]]:
    """Pair gold and predicted facts one to one, greatest overlap first."""
    overlaps = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            shared = min(g["end"], p["end"]) - max(g["start"], p["start"])
            if shared > 0:
                overlaps.append((-shared, i, j))
    taken_g, taken_p, pairs = set(), set(), []
    for _, i, j in sorted(overlaps):
        if i not in taken_g and j not in taken_p:
            taken_g.add(i)
            taken_p.add(j)
            pairs.append((i, j))
    return pairs


def score(gold_docs: Iterable[Mapping], predicted: Mapping[str, list[Mapping]],
          agrees: Mapping[str, Agrees]) -> dict[str, Score]:
    """Score per fact type over every gold document (restricted to its `annotated` types)."""
    docs = list(gold_docs)
    all_types = {f["type"] for d in docs for f in d.get("facts", [])}
    counts: dict[str, Counter] = {}
    for doc in docs:
        for kind in set(doc.get("annotated") or all_types):
            gold = [f for f in doc.get("facts", []) if f["type"] == kind]
            pred = [f for f in predicted.get(str(doc["id"]), []) if f["type"] == kind]
            c = counts.setdefault(kind, Counter())
            c["gold"] += len(gold)
            c["predicted"] += len(pred)
            c["span"] += len({(f["start"], f["end"]) for f in gold} & {(f["start"], f["end"]) for f in pred})
            same = agrees.get(kind)
            c["value"] += sum(
                1 for i, j in _pairs(gold, pred)
                if same is None or same(gold[i].get("value") or {}, pred[j].get("value") or {})
            )
    return {k: Score(c["gold"], c["predicted"], c["span"], c["value"]) for k, c in sorted(counts.items())}
