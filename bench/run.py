"""factx's benchmark: throughput against a regex ceiling, memory, start-up, and the peers.

    python bench/run.py [CORPUS...] [--limit N] [--sample N] [--peer-docs N] [--workers N]
                        [--only throughput,memory,startup,peers] [--json OUT]

By default over ../shared/corpus/reuters21578.jsonl. All four types run over
the whole corpus (or its first --limit documents) in one process and over
--workers processes; each type alone, and the peers, on the first --sample and
--peer-docs documents, to keep a full run within a few minutes. The ceiling is
one bare `regex` pass finding digits, %, currency symbols, month names and title
words (from factx's own word lists), timed over the same texts in the same run;
"of ceiling" is factx's throughput as a fraction of it.
"""
from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import ceiling
import comparison
import corpus
import memory
import report
import startup
import throughput

from factx import Engine

PARTS = ("throughput", "memory", "startup", "peers")


def arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="*", help="JSONL files or folders (default: the Reuters corpus)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents (default: all)")
    ap.add_argument("--sample", type=int, default=2000, help="documents for the per-type runs (default 2000)")
    ap.add_argument("--peer-docs", type=int, default=100, help="documents for the peers' throughput (default 100)")
    ap.add_argument("--workers", type=int, default=2, help="processes for the parallel run (default 2)")
    ap.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts (default: {','.join(PARTS)})")
    ap.add_argument("--json", type=Path, metavar="OUT", help="also write the figures here as JSON")
    a = ap.parse_args()
    a.only = [p.strip() for p in a.only.split(",") if p.strip()]
    if unknown := set(a.only) - set(PARTS):
        ap.error(f"unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    return a


def section(title: str, lines: list[str]) -> None:
    print(f"\n## {title}")
    print("\n".join(lines), flush=True)


def main() -> None:
    a = arguments()
    paths = a.corpus or [str(corpus.DEFAULT_CORPUS)]
    missing = [p for p in paths if not Path(p).exists()]
    if missing and a.corpus:
        raise SystemExit(f"no such corpus: {', '.join(missing)}")
    if missing:
        skipped = [p for p in a.only if p != "startup"]
        print(f"skipped {', '.join(skipped) or 'nothing'}: no corpus at {missing[0]} (give a JSONL file or folder)")
        a.only = [p for p in a.only if p == "startup"]
    full = corpus.Corpus("(no corpus)", []) if missing else corpus.load(paths, a.limit)
    sample = full.head(a.sample, f"first {a.sample} docs")
    peer_sample = full.head(a.peer_docs, f"first {a.peer_docs} docs")
    engine_start = time.perf_counter()
    engine = Engine()
    build = time.perf_counter() - engine_start
    results: dict = {"corpus": full.name, "docs": len(full.docs), "megabytes": full.megabytes,
                     "engine_build_s": build, "python": platform.python_version(), "machine": platform.machine()}
    print(f"{full.name}: {len(full.docs)} documents, {full.megabytes:.1f} MB of text; engine built in {build:.2f} s")
    if "throughput" in a.only:
        ceilings = throughput.Ceilings(ceiling.trigger_pattern(engine))
        runs = throughput.runs(engine, full, sample, ceilings, a.workers)
        results["throughput"] = [r.as_json() for r in runs]
        section("Throughput (all types on the whole corpus; each type alone on the "
                f"{sample.name if sample is not full else 'whole corpus'})", report.throughput_table(runs))
    if "memory" in a.only:
        results["memory"] = memory.measure(full)
        section("Peak memory of `factx extract -` reading the corpus on stdin", report.memory_table(results["memory"]))
    if "startup" in a.only:
        results["startup"] = startup.measure()
        section("Start-up", report.startup_lines(results["startup"]))
    if "peers" in a.only:
        warm = corpus.Corpus("the documents after them", full.docs[a.peer_docs:2 * a.peer_docs])
        results["peers"] = comparison.compare(engine, peer_sample, warm)
        section(f"Peers (throughput on the {peer_sample.name}, {peer_sample.megabytes:.2f} MB)",
                report.peers_table(results["peers"]))
    if a.json:
        a.json.write_text(json.dumps(results, indent=2))
        print(f"\nfigures written to {a.json}")


if __name__ == "__main__":
    main()
