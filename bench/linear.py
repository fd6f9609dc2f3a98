"""Worst cases: one phrase repeated, and capitalised news, at two sizes: time and peak RSS must grow linearly.

Each input is written to a file and run through `factx extract FILE` in a
child process, at 64 KB and at 256 KB (four times as much): a linear run takes
about four times as long. Times are the child's CPU seconds, less those of
start-up (a one-line document with no fact), each the least of `--repeat` runs
(the machine is shared: the rest is noise); peak RSS is the most of them.
Run alone: `python bench/linear.py [--sizes 64,256] [--repeat 3]`.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from corpus import DEFAULT_CORPUS

FACTX = [sys.executable, "-m", "factx", "extract"]

# Phrases whose repetition made earlier rule sets read back or ahead over the whole run.
PHRASES = ["one ", "President, ", "%", "$1, ", "5 pct ", "5 dlrs ", "Minister of ", "from $1 to ", "Q1 ",
           "January 1, "]


# What start-up is measured on: a document with nothing to find.
NO_FACTS = "Nothing to find here.\n"


def capitalised_news(size: int, corpus: Path = DEFAULT_CORPUS) -> str:
    """Reuters text in capitals, as wire copy is often written, about `size` characters."""
    parts, total = [], 0
    with corpus.open(encoding="utf-8") as lines:
        for line in lines:
            text = json.loads(line)["text"].upper()
            parts.append(text)
            total += len(text) + 2
            if total >= size:
                break
    return "\n\n".join(parts)[:size]


def run(text: str, folder: Path, limit: float = 300.0) -> tuple[float, float, int]:
    """CPU seconds, peak RSS in MB and exit code of `factx extract` on `text` as one document;
    a run still going after `limit` seconds (wall time) is killed (exit code -9). CPU time, not wall
    time: on a shared machine, the time spent waiting for a core is noise."""
    path = folder / "input.txt"
    path.write_text(text, encoding="utf-8")
    child = subprocess.Popen([*FACTX, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    timer = threading.Timer(limit, child.kill)
    timer.start()
    _, status, usage = os.wait4(child.pid, 0)
    timer.cancel()
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def measure(sizes_kb: tuple[int, ...] = (64, 256), corpus: Path = DEFAULT_CORPUS, repeat: int = 1) -> list[dict]:
    """One row per input: seconds (start-up subtracted; the least of `repeat` runs), peak RSS (the most)
    and exit code (the worst) at each size."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        run(NO_FACTS, folder)  # a warm cache
        startup = min(run(NO_FACTS, folder)[0] for _ in range(3))
        inputs = [(repr(p), lambda size, p=p: (p * (size // len(p) + 1))[:size]) for p in PHRASES]
        if corpus.exists():
            inputs.append(("capitalised news", lambda size: capitalised_news(size, corpus)))
        for name, make in inputs:
            row = {"input": name}
            for kb in sizes_kb:
                text = make(kb * 1024)
                runs = [run(text, folder) for _ in range(repeat)]
                row[kb] = {"seconds": max(0.0, min(r[0] for r in runs) - startup),
                           "peak_rss_mb": max(r[1] for r in runs),
                           "exit_code": next((r[2] for r in runs if r[2]), 0)}
            rows.append(row)
    return rows


def report(rows: list[dict], sizes_kb: tuple[int, ...], repeat: int = 1) -> str:
    small, large = sizes_kb[0], sizes_kb[-1]
    lines = [f"{'input':20} " + " ".join(f"{f'{kb} KB s':>9} {'RSS MB':>7}" for kb in sizes_kb)
             + f" {'ratio':>6} {'s/MB':>6} exit"]
    for row in rows:
        cells = " ".join(f"{row[kb]['seconds']:9.2f} {row[kb]['peak_rss_mb']:7.0f}" for kb in sizes_kb)
        ratio = row[large]["seconds"] / max(row[small]["seconds"], 1e-3)
        per_mb = row[large]["seconds"] / (large / 1024)
        codes = ",".join(str(row[kb]["exit_code"]) for kb in sizes_kb)
        lines.append(f"{row['input']:20} {cells} {ratio:6.1f} {per_mb:6.2f} {codes}")
    lines.append(f"ratio: seconds at {large} KB over seconds at {small} KB ({large // small} times the text); "
                 f"start-up subtracted; seconds: the least of {repeat} run(s), RSS: the most")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="64,256", help="sizes in KB, comma-separated (default 64,256)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each input and size (default 3)")
    args = parser.parse_args()
    sizes = tuple(int(s) for s in args.sizes.split(","))
    print(report(measure(sizes, repeat=args.repeat), sizes, args.repeat))


if __name__ == "__main__":
    main()
