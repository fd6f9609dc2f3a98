"""Throughput of factx over a JSON Lines corpus, beside a bare regex pass as the baseline.

    python bench/throughput.py [CORPUS.jsonl] [--limit N] [--workers N] [--json OUT]

Figures are reported as MB/s of text and as a ratio to the baseline measured
in the same run, since absolute speeds vary with the machine and its load.
"""
from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import regex

from factx import Engine
from factx.inputs import read_inputs

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "reuters21578.jsonl"
# The baseline: one pass finding the trigger characters and words of the built-in rules.
TRIGGERS = regex.compile(r"(?i)\d|%|[$€£¥]|per\s?cent|pct|basis|bps?\b")


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT))
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--json", type=Path, help="also write the results here")
    a = ap.parse_args()

    docs = [d for d in read_inputs([a.corpus]) if not hasattr(d, "code")]
    if a.limit:
        docs = docs[: a.limit]
    megabytes = sum(len(d.text.encode()) for d in docs) / 1e6
    engine, build = timed(lambda: Engine())
    for _ in engine.extract_many(docs[:200]):  # warm up: pint's registry, regex caches
        pass
    hits, base = timed(lambda: sum(len(TRIGGERS.findall(d.text)) for d in docs))
    rows = [("regex trigger scan (baseline)", base, hits)]
    for fact_type in sorted(engine.fact_types):
        n, t = timed(lambda: sum(len(r.facts) for r in engine.extract_many(docs, types=[fact_type])))
        rows.append((f"factx --type {fact_type}", t, n))
    n, t = timed(lambda: sum(len(r.facts) for r in engine.extract_many(docs, workers=a.workers)))
    rows.append((f"factx all types, {a.workers} worker(s)", t, n))

    print(f"{len(docs)} documents, {megabytes:.1f} MB of text; engine built in {build:.2f} s")
    print(f"{'run':40} {'seconds':>8} {'MB/s':>7} {'found':>8} {'found/s':>9} {'x baseline':>10}")
    results = []
    for name, seconds, found in rows:
        results.append({"run": name, "seconds": seconds, "mb_per_s": megabytes / seconds, "found": found,
                        "found_per_s": found / seconds, "fraction_of_baseline": base / seconds})
        print(f"{name:40} {seconds:8.2f} {megabytes / seconds:7.2f} {found:8d} {found / seconds:9.0f} "
              f"{base / seconds:10.3f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB (this process)")
    if a.json:
        a.json.write_text(json.dumps({"documents": len(docs), "megabytes": megabytes, "runs": results,
                                      "peak_rss_mb": peak}, indent=2))


if __name__ == "__main__":
    main()
