"""One huge one-line document (Reuters stories joined by spaces): time and peak RSS of
`factx extract FILE`, which reads it in pieces, against the same text read whole through the API.

    python bench/large_document.py [--mb 50] [--whole-mb 5]

The whole reading holds every fact and candidate at once, so it runs on a smaller text
(`--whole-mb`); the pieces run on that text too, and their facts are compared with it.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "reuters21578.jsonl"
WHOLE = """
import sys
from factx import Engine
text = open(sys.argv[1], encoding="utf-8").read()
for fact in Engine(piece_chars=len(text) + 1).process(text, reference_date="none").facts:
    print(fact.model_dump_json())
"""


def one_line(path: Path, megabytes: float) -> None:
    """Write Reuters stories joined by spaces, newlines flattened, up to `megabytes`."""
    size, goal = 0, int(megabytes * 1e6)
    with path.open("w", encoding="utf-8") as out:
        while size < goal:
            with CORPUS.open(encoding="utf-8") as f:
                for line in f:
                    text = json.loads(line)["text"].replace("\n", " ")[: goal - size] + " "
                    out.write(text)
                    size += len(text)
                    if size >= goal:
                        break


def run(command: list[str], output: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit code of one child process writing to `output`."""
    with output.open("wb") as stdout:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=stdout, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50)
    parser.add_argument("--whole-mb", type=float, default=5)
    a = parser.parse_args()
    pieces = [sys.executable, "-m", "factx", "extract", "--reference-date", "none"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rows = []
        for mb in (a.whole_mb, a.mb):
            one_line(tmp / "doc.txt", mb)
            out = tmp / f"pieces-{mb:g}.jsonl"
            seconds, rss, code = run([*pieces, str(tmp / "doc.txt")], out)
            rows.append((f"{mb:g} MB in pieces", seconds, rss, code, out))
            if mb == a.whole_mb:
                seconds, rss, code = run([sys.executable, "-c", WHOLE, str(tmp / "doc.txt")], tmp / "whole.jsonl")
                rows.append((f"{mb:g} MB whole", seconds, rss, code, tmp / "whole.jsonl"))
                same = _compare(out, tmp / "whole.jsonl")
        print(f"{'run':<20} {'seconds':>8} {'peak RSS MB':>12} {'exit':>5} {'facts':>8}")
        for name, seconds, rss, code, out in rows:
            print(f"{name:<20} {seconds:8.1f} {rss:12.0f} {code:5d} {sum(1 for _ in out.open()):8d}")
    print(same)


def _compare(pieces: Path, whole: Path) -> str:
    a = [json.loads(line) for line in pieces.open()]
    b = [json.loads(line) for line in whole.open()]
    for f in a + b:
        f.pop("doc_id")
    if a == b:
        return f"facts in pieces and whole: identical ({len(a)})"
    differ = [(x, y) for x, y in zip(a, b) if x != y]
    currency = sum(x["type"] == "money" and {k for k in x["value"] if x["value"][k] != y["value"].get(k)}
                   <= {"currency", "currency_inferred"} for x, y in differ)
    return (f"facts in pieces and whole: {len(a)} and {len(b)}; {len(differ)} differ, "
            f"{currency} of them only in a currency inferred from beyond a piece's margin")


if __name__ == "__main__":
    main()
