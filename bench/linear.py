"""Worst cases: one phrase repeated, and capitalised news, at two sizes: time and peak RSS must grow linearly.

Each input is written to a file and run through `factx extract FILE` in a
child process (engine start-up included, measured once on an empty file and
subtracted), at 64 KB and at 256 KB (four times as much): a linear run takes
about four times as long. Run alone: `python bench/linear.py [--sizes 64,256]`.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from corpus import DEFAULT_CORPUS

FACTX = [sys.executable, "-m", "factx", "extract"]

# Phrases whose repetition made earlier rule sets read back or ahead over the whole run.
PHRASES = ["one ", "President, ", "%", "$1, ", "5 pct ", "5 dlrs ", "Minister of ", "from $1 to ", "Q1 ",
           "January 1, "]


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
    """Wall seconds, peak RSS in MB and exit code of `factx extract` on `text` as one document;
    a run still going after `limit` seconds is killed (exit code -9)."""
    path = folder / "input.txt"
    path.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    child = subprocess.Popen([*FACTX, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    timer = threading.Timer(limit, child.kill)
    timer.start()
    _, status, usage = os.wait4(child.pid, 0)
    timer.cancel()
    return time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def measure(sizes_kb: tuple[int, ...] = (64, 256), corpus: Path = DEFAULT_CORPUS) -> list[dict]:
    """One row per input: seconds (start-up subtracted), peak RSS and exit code at each size."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        run("", folder)  # a warm cache
        startup = min(run("", folder)[0] for _ in range(3))
        inputs = [(repr(p), lambda size, p=p: (p * (size // len(p) + 1))[:size]) for p in PHRASES]
        if corpus.exists():
            inputs.append(("capitalised news", lambda size: capitalised_news(size, corpus)))
        for name, make in inputs:
            row = {"input": name}
            for kb in sizes_kb:
                seconds, rss, code = run(make(kb * 1024), folder)
                row[kb] = {"seconds": max(0.0, seconds - startup), "peak_rss_mb": rss, "exit_code": code}
            rows.append(row)
    return rows


def report(rows: list[dict], sizes_kb: tuple[int, ...]) -> str:
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
                 "start-up subtracted")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="64,256", help="sizes in KB, comma-separated (default 64,256)")
    args = parser.parse_args()
    sizes = tuple(int(s) for s in args.sizes.split(","))
    print(report(measure(sizes), sizes))


if __name__ == "__main__":
    main()
