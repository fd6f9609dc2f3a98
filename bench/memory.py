"""Peak memory of `factx extract -` fed a corpus through stdin, in a child process."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus import Corpus

FACTX = [sys.executable, "-m", "factx", "extract", "-"]


def peak_rss(jsonl: Path) -> tuple[float, float, int]:
    """Peak RSS in MB, wall seconds and exit code of `factx extract -` reading `jsonl` on stdin.

    `os.wait4` gives this one child's peak, where RUSAGE_CHILDREN would give
    the largest of every child waited for so far.
    """
    with jsonl.open("rb") as stdin:
        start = time.perf_counter()
        child = subprocess.Popen(FACTX, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024, seconds, child.returncode


def measure(corpus: Corpus) -> dict:
    """Peak RSS for the whole corpus and for its first tenth, and their ratio."""
    tenth = corpus.head(max(1, len(corpus.docs) // 10), "a tenth")
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for key, part in (("whole", corpus), ("tenth", tenth)):
            mb, seconds, code = peak_rss(part.write_jsonl(Path(tmp) / f"{key}.jsonl"))
            out[key] = {"docs": len(part.docs), "megabytes": part.megabytes, "peak_rss_mb": mb,
                        "seconds": seconds, "exit_code": code}
    out["ratio"] = out["whole"]["peak_rss_mb"] / out["tenth"]["peak_rss_mb"]
    return out
