"""Start-up: wall time of `factx extract` on a one-line document, beside `python -c pass`."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ONE_LINE = Path(__file__).resolve().parent.parent / "examples" / "one_line.txt"


def best_wall(command: list[str], runs: int) -> float:
    """The shortest wall time of `runs` runs after one warm-up, in seconds (a run that fails raises).

    The warm-up fills factx's pattern cache and writes bytecode, as any earlier
    run of an installed factx has (PYTHONDONTWRITEBYTECODE is lifted for that).
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    best = float("inf")
    for i in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        if i:
            best = min(best, time.perf_counter() - start)
    return best


def measure(runs: int = 5) -> dict:
    """`factx extract` with paths only, which starts without typer, and with an option, which goes through it."""
    extract = [sys.executable, "-m", "factx", "extract"]
    factx = best_wall([*extract, str(ONE_LINE)], runs)
    with_option = best_wall([*extract, "--format", "jsonl", str(ONE_LINE)], runs)
    python = best_wall([sys.executable, "-c", "pass"], runs)
    return {"document": ONE_LINE.name, "runs": runs, "factx_extract_s": factx,
            "factx_extract_with_option_s": with_option, "python_pass_s": python}
