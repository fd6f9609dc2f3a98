"""What a killed `factx extract -o OUT` leaves behind: OUT, temporary files, processes.

    python bench/interrupt.py [CORPUS.jsonl] [--megabytes 20] [--after 4] [--json OUT]

Builds an input of about --megabytes of JSON Lines from the corpus (its
documents repeated under new ids), writes an old OUT, and for each of SIGKILL
and SIGTERM (sent to factx alone) and SIGINT (sent to its process group, as
Ctrl-C is), with one process and with --workers 2, starts `factx extract` and
signals it --after seconds into writing. It then reports how the run ended,
whether OUT still holds the old output, which temporary files are left beside
it, and whether any factx process outlived the run.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus" / "reuters21578.jsonl"
OLD = '{"old": "output"}\n'
SIGNALS = (("SIGKILL", signal.SIGKILL, False), ("SIGTERM", signal.SIGTERM, False), ("SIGINT", signal.SIGINT, True))


def build_input(corpus: Path, megabytes: float, path: Path) -> float:
    """Write about `megabytes` of JSON Lines from the corpus's documents; the size written in MB."""
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    size, round_ = 0, 0
    with path.open("w", encoding="utf-8") as out:
        while size < megabytes * 1e6:
            for i, record in enumerate(records):
                line = json.dumps({**record, "id": f"{round_}-{i}"}) + "\n"
                out.write(line)
                size += len(line.encode("utf-8"))
                if size >= megabytes * 1e6:
                    break
            round_ += 1
    return size / 1e6


def children(pid: int) -> set[int]:
    """The processes `pid` started, and theirs."""
    found: set[int] = set()
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            for child in Path(f"/proc/{pid}/task/{task}/children").read_text().split():
                found |= {int(child), *children(int(child))}
    except OSError:
        pass
    return found


def alive(pid: int) -> bool:
    """Still a factx process, running or stopped (a zombie waiting for its parent's wait() has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return state != "Z" and b"factx" in command


def one_run(source: Path, folder: Path, workers: int, name: str, signum: int, group: bool, after: float) -> dict:
    out = folder / f"facts-{name}-{workers}.jsonl"
    out.write_text(OLD, encoding="utf-8")
    command = [sys.executable, "-m", "factx", "extract", str(source), "-o", str(out), "--workers", str(workers)]
    # Stderr to a file: a worker that outlives the run would keep a pipe open, and a reader waiting on it.
    stderr = (folder / f"stderr-{name}-{workers}").open("w+b")
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
    begun = time.monotonic()
    temp_seen = False
    workers_seen: set[int] = set()
    while time.monotonic() - begun < 120 and child.poll() is None:
        temp_seen = temp_seen or any(p.name.startswith(f".{out.name}.") for p in folder.iterdir())
        workers_seen |= children(child.pid)
        if temp_seen and time.monotonic() - begun >= after:
            break
        time.sleep(0.1)
    finished_early = child.poll() is not None
    signalled = time.monotonic()
    if not finished_early:
        if group:
            os.killpg(child.pid, signum)
        else:
            os.kill(child.pid, signum)
    try:
        child.wait(timeout=60)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
    ended = time.monotonic() - signalled
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(p) for p in workers_seen):
        time.sleep(0.1)
    left = sorted(p.name for p in folder.iterdir() if p.name.startswith(f".{out.name}."))
    left_behind = sorted(p for p in workers_seen if alive(p))
    stderr.seek(0)
    last_line = (stderr.read().decode(errors="replace").strip().splitlines() or [""])[-1]
    stderr.close()
    for pid in workers_seen:  # a worker that outlived the run is counted, then stopped
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    return {
        "signal": name, "workers": workers, "signalled_after_s": round(signalled - begun, 1),
        "finished_before_signal": finished_early, "exit": child.returncode, "seconds_to_exit": round(ended, 2),
        "old_output_intact": out.read_text(encoding="utf-8") == OLD, "temp_files_left": left,
        "worker_pids": sorted(workers_seen), "processes_left": left_behind,
        "stderr_last_line": last_line,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--megabytes", type=float, default=20)
    ap.add_argument("--after", type=float, default=4, help="seconds after the start (once the temporary file is there)")
    ap.add_argument("--json", type=Path, help="also write the rows here")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "input.jsonl"
        size = build_input(args.corpus, args.megabytes, source)
        print(f"input: {size:.1f} MB of JSON Lines; old output: {OLD.strip()}")
        print(f"{'signal':8} {'workers':>7} {'after s':>7} {'exit':>5} {'to exit s':>9}  {'old output':10} "
              f"{'processes left':14} temp files left")
        for workers in (1, 2):
            for name, signum, group in SIGNALS:
                row = one_run(source, folder, workers, name, signum, group, args.after)
                rows.append(row)
                print(f"{name:8} {workers:>7} {row['signalled_after_s']:>7} {row['exit']:>5} {row['seconds_to_exit']:>9}  "
                      f"{'intact' if row['old_output_intact'] else 'CHANGED':10} "
                      f"{len(row['processes_left'])} of {len(row['worker_pids']):<9} {', '.join(row['temp_files_left']) or '-'}")
                for p in folder.iterdir():
                    if p.name.startswith((".facts-", "stderr-")):
                        p.unlink()
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
