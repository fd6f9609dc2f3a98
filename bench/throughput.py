"""Throughput of factx in this process: all types, each type alone, and over several workers."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from ceiling import scan
from corpus import Corpus

from factx import Engine


@dataclass
class Run:
    """One timed pass over a corpus, beside the ceiling's time over the same texts."""

    name: str
    corpus: str
    docs: int
    megabytes: float
    seconds: float
    facts: int
    ceiling_seconds: float

    @property
    def mb_per_s(self) -> float:
        return self.megabytes / self.seconds

    @property
    def facts_per_s(self) -> float:
        return self.facts / self.seconds

    @property
    def of_ceiling(self) -> float:
        """Throughput as a fraction of the ceiling's throughput over the same texts."""
        return self.ceiling_seconds / self.seconds

    def as_json(self) -> dict:
        return {**asdict(self), "mb_per_s": self.mb_per_s, "facts_per_s": self.facts_per_s,
                "fraction_of_ceiling": self.of_ceiling}


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


class Ceilings:
    """The ceiling's best time over each corpus, measured once per corpus and kept."""

    def __init__(self, pattern):
        self.pattern = pattern
        self.seconds: dict[str, float] = {}

    def __call__(self, corpus: Corpus) -> float:
        if corpus.name not in self.seconds:
            texts = corpus.texts
            self.seconds[corpus.name] = min(timed(lambda: scan(self.pattern, texts))[1] for _ in range(3))
        return self.seconds[corpus.name]


def factx_run(engine: Engine, corpus: Corpus, ceilings: Ceilings, name: str,
              types: list[str] | None = None, workers: int = 1) -> Run:
    """Time `extract_many` over the corpus, counting facts."""
    facts, seconds = timed(lambda: sum(len(r.facts) for r in engine.extract_many(corpus.docs, types=types, workers=workers)))
    return Run(name, corpus.name, len(corpus.docs), corpus.megabytes, seconds, facts, ceilings(corpus))


def ceiling_run(corpus: Corpus, ceilings: Ceilings) -> Run:
    hits = scan(ceilings.pattern, corpus.texts)
    seconds = ceilings(corpus)
    return Run("regex trigger scan (ceiling)", corpus.name, len(corpus.docs), corpus.megabytes, seconds, hits, seconds)


def runs(engine: Engine, full: Corpus, sample: Corpus, ceilings: Ceilings, workers: int) -> list[Run]:
    """The ceiling, all types in one process and over `workers`, on the full corpus; on the sample,
    all types with each matcher, then each type alone."""
    reference = Engine(matcher="regex")
    for e in (engine, reference):
        for _ in e.extract_many(sample.docs[:100]):  # warm up: lazy registries, regex caches
            pass
    out = [ceiling_run(full, ceilings), factx_run(engine, full, ceilings, "factx, all types, 1 process")]
    if workers > 1:
        out.append(factx_run(engine, full, ceilings, f"factx, all types, {workers} workers", workers=workers))
    if sample is not full:
        out.append(ceiling_run(sample, ceilings))
    out += [factx_run(engine, sample, ceilings, f"factx, all types, {engine.matcher.name} matcher"),
            factx_run(reference, sample, ceilings, "factx, all types, regex matcher")]
    for fact_type in sorted(engine.fact_types):
        out.append(factx_run(engine, sample, ceilings, f"factx, {fact_type} only", types=[fact_type]))
    return out
