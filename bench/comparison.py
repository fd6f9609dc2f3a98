"""factx against the optional peers: throughput on the same documents, and value F1 on the gold files."""
from __future__ import annotations

import time
import traceback

import quality
from corpus import Corpus
from peers import PEERS

from factx import Engine

WARM_UP = 5  # documents each peer sees once before it is timed (first-call caches, lazy loading)
# The fact types the peers are held to (quantity, factx's fifth, came after that yardstick was set).
FOUR_TYPES = ("money", "percent", "date", "official")
# Passes timed, the fastest counting, for factx and for each peer whose passes take under PEER_PASS_LIMIT
# seconds (one pass of a slower peer): on a shared machine, a short pass may fall in a busy moment.
PASSES = 3
PEER_PASS_LIMIT = 30.0


def factx_records(engine: Engine):
    def records(docs):
        return [[{"type": f.type, "start": f.start, "end": f.end, "text": f.text,
                  "value": f.model_dump(mode="json")["value"]} for f in engine.process(doc).facts] for doc in docs]
    return records


def peer_records(peer):
    def records(docs):
        return [peer.records(doc, raw) for doc, raw in zip(docs, peer.search(docs))]
    return records


def _factx_throughput(sample: Corpus, warm: Corpus, types: tuple[str, ...] | None) -> tuple[float, int]:
    """MB/s over the sample (the fastest of PASSES), for `types` (None: all), and the facts found: each
    pass by a new engine that has read the `warm` documents first, as an engine running through a stream has."""
    best, facts = float("inf"), 0
    for _ in range(PASSES):
        engine = Engine()
        for doc in warm.docs:
            engine.process(doc, types=types)
        start = time.perf_counter()
        facts = sum(len(engine.process(doc, types=types).facts) for doc in sample.docs)
        best = min(best, time.perf_counter() - start)
    return sample.megabytes / best, facts


def _peer_seconds(peer, docs: list) -> tuple[float, list]:
    """The fastest of up to PASSES passes of `peer` over `docs`, and what it found."""
    best = float("inf")
    for _ in range(PASSES):
        start = time.perf_counter()
        raw = peer.search(docs)
        best = min(best, time.perf_counter() - start)
        if best > PEER_PASS_LIMIT:
            break
    return best, raw


def compare(engine: Engine, sample: Corpus, warm: Corpus) -> dict:
    """factx, then each peer that loads: MB/s on `sample`, factx/peer, F1 per gold file and type.
    factx reads the `warm` documents (other than the sample's) before it is timed; each peer, the
    sample's first few."""
    gold_missing = quality.available()
    warm_up = sample.docs[:WARM_UP]
    factx_mbs, facts = _factx_throughput(sample, warm, None)
    four_mbs, four_facts = _factx_throughput(sample, warm, FOUR_TYPES)
    f1 = quality.scores(factx_records(engine), ("money", "percent", "date")) if not gold_missing else {}
    rows = [{"name": "factx (all types)", "load_s": None, "mb_per_s": factx_mbs, "found": facts, "ratio": 1.0,
             "ratio_four": four_mbs / factx_mbs, "mapping": "its own records", "f1": f1},
            {"name": f"factx ({', '.join(FOUR_TYPES)})", "load_s": None, "mb_per_s": four_mbs, "found": four_facts,
             "ratio": factx_mbs / four_mbs, "ratio_four": 1.0, "mapping": "its own records", "f1": f1}]
    skipped = [f"value F1: {gold_missing}"] if gold_missing else []
    for cls in PEERS:
        try:
            start = time.perf_counter()
            peer = cls()
            load = time.perf_counter() - start
        except Exception as e:  # a peer absent or broken is skipped, never fatal
            skipped.append(f"{cls.name}: {type(e).__name__}: {e}".splitlines()[0])
            continue
        try:
            peer.search(warm_up)
            seconds, raw = _peer_seconds(peer, sample.docs)
            found = sum(len(peer.records(doc, r)) for doc, r in zip(sample.docs, raw))
            f1 = quality.scores(peer_records(peer), peer.types) if not gold_missing else {}
        except Exception as e:
            skipped.append(f"{cls.name}: failed while running: {traceback.format_exception_only(e)[-1].strip()}")
            continue
        mbs = sample.megabytes / seconds
        rows.append({"name": cls.name, "load_s": load, "mb_per_s": mbs, "found": found,
                     "ratio": factx_mbs / mbs, "ratio_four": four_mbs / mbs, "mapping": cls.mapping, "f1": f1})
    return {"docs": len(sample.docs), "megabytes": sample.megabytes, "rows": rows, "skipped": skipped}
