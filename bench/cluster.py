"""factx on a Dask cluster started as a user starts one, against one process and --workers on this machine.

    python bench/cluster.py [CORPUS] [--workers 2] [--rounds 1] [--json OUT]

Starts `dask scheduler` and --workers `dask worker` processes (one thread each)
on 127.0.0.1, then times, one after the other, over the same corpus (by default
../shared/corpus/reuters21578.jsonl):

- `factx extract CORPUS -o FILE` (one process);
- `factx extract --workers N CORPUS -o FILE`;
- `factx extract --scheduler tcp://127.0.0.1:PORT CORPUS -o DIR`, in JSON Lines and in Parquet;

--rounds times each run that many times, the runs taking turns, and keeps each
one's best: on a shared machine, another user's load then weighs on all alike.

CPU seconds are counted too (the command's and its children's, and for the
cluster runs each worker's), as load from other users inflates wall times but
not the work done. It checks that every run wrote the same facts (the cluster's part files, joined
in order, are byte for byte the one-process file; the Parquet files, read back
by DuckDB, have the same counts by type), gives each worker's peak RSS (VmHWM,
read by the worker itself), and shuts every process it started down. The
machine's load average is printed at the start and the end: compare the
ratios within a run.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import corpus

HOST = "127.0.0.1"


def arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=str(corpus.DEFAULT_CORPUS), help="a JSON Lines corpus")
    ap.add_argument("--workers", type=int, default=2, help="dask workers, and --workers of the local run (default 2)")
    ap.add_argument("--rounds", type=int, default=1, help="time each run this many times, keep the best (default 1)")
    ap.add_argument("--json", type=Path, metavar="OUT", help="also write the figures here as JSON")
    return ap.parse_args()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_cluster(workers: int, logs: Path) -> tuple[str, list[subprocess.Popen]]:
    """`dask scheduler` and `dask worker` processes on 127.0.0.1; their address and processes."""
    dask = shutil.which("dask") or sys.exit("no `dask` command: pip install 'factx[dask]'")
    address = f"tcp://{HOST}:{free_port()}"
    port = address.rsplit(":", 1)[1]

    def start(name: str, *args: str) -> subprocess.Popen:
        log = open(logs / f"{name}.log", "w")
        return subprocess.Popen([dask, *args], stdout=log, stderr=subprocess.STDOUT)

    processes = [start("scheduler", "scheduler", "--host", HOST, "--port", port, "--no-dashboard")]
    processes += [start(f"worker{i}", "worker", address, "--host", HOST, "--nthreads", "1", "--no-dashboard")
                  for i in range(workers)]
    return address, processes


def peak_rss_mb() -> float:
    """This process's peak resident set size (VmHWM), in MB; run on each worker."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds() -> float:
    """CPU time of this process and of its waited-for descendants; run on each worker, its own."""
    self_, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return self_.ru_utime + self_.ru_stime + children.ru_utime + children.ru_stime


def timed(args: list[str], client) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (the command's and the workers'), exit code."""
    workers_before = sum(client.run(cpu_seconds).values())
    children_before = _children_cpu()
    started = time.perf_counter()
    code = subprocess.run(["factx", *args], stdout=subprocess.DEVNULL).returncode
    wall = time.perf_counter() - started
    cpu = _children_cpu() - children_before + sum(client.run(cpu_seconds).values()) - workers_before
    return wall, cpu, code


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    from distributed import Client

    a = arguments()
    text_mb = corpus.load([a.corpus]).megabytes
    work = Path(tempfile.mkdtemp(prefix="factx-cluster-bench-"))
    print(f"{a.corpus}; load average at start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)", flush=True)
    address, processes = start_cluster(a.workers, work)
    figures: dict = {}
    try:
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(a.workers, timeout=60)
            runs = [
                ("one process", ["extract", a.corpus, "-o", str(work / "one.jsonl")]),
                (f"--workers {a.workers}", ["extract", "--workers", str(a.workers), a.corpus, "-o", str(work / "local.jsonl")]),
                (f"cluster, {a.workers} dask workers", ["extract", "--scheduler", address, a.corpus, "-o", str(work / "jsonl")]),
                (f"cluster, {a.workers} dask workers, parquet", ["extract", "--scheduler", address, "--format", "parquet",
                                                                 a.corpus, "-o", str(work / "parquet")]),
            ]
            best: dict[str, tuple[float, float, int]] = {}
            for _ in range(a.rounds):
                for name, args in runs:
                    figures_of_run = timed(args, client)
                    best[name] = min(best.get(name, figures_of_run), figures_of_run)
                    if name.endswith("dask workers") and "peak_rss_mb_after_jsonl" not in figures:
                        figures["peak_rss_mb_after_jsonl"] = client.run(peak_rss_mb)
            rows = [(name, *best[name]) for name, _ in runs]
            figures["peak_rss_mb"] = client.run(peak_rss_mb)
            figures["worker_pids"] = client.run(os.getpid)
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    one = (work / "one.jsonl").read_bytes()
    marker = json.loads((work / "jsonl" / "_SUCCESS").read_text())
    joined = b"".join((work / "jsonl" / name).read_bytes() for name in marker["parts"])
    facts = one.count(b"\n")
    by_type = Counter(json.loads(line)["type"] for line in one.splitlines())
    import duckdb

    parquet_by_type = dict(duckdb.sql(f"SELECT type, count(*) FROM '{work}/parquet/*.parquet' GROUP BY type").fetchall())
    base = rows[0][1]
    local_facts = (work / "local.jsonl").read_bytes().count(b"\n")
    print(f"\n{text_mb:.1f} MB of text; best of {a.rounds} round(s)")
    print(f"{'run':40} {'seconds':>8} {'MB/s':>6} {'facts/s':>8} {'speed-up':>8} {'CPU s':>7} exit")
    for name, seconds, cpu, code in rows:
        print(f"{name:40} {seconds:8.2f} {text_mb / seconds:6.2f} {facts / seconds:8.0f} {base / seconds:8.2f} "
              f"{cpu:7.1f} {code:4d}")
    print(f"\nfacts: one process {facts}; --workers {local_facts}; "
          f"cluster {marker['facts']} in {len(marker['parts'])} part files; "
          f"cluster parts joined == one-process file: {joined == one}; "
          f"parquet counts by type == jsonl: {parquet_by_type == dict(by_type)}")
    for address_, mb in sorted(figures["peak_rss_mb"].items()):
        after = figures["peak_rss_mb_after_jsonl"][address_]
        print(f"worker {address_} (pid {figures['worker_pids'][address_]}): peak RSS {after:.0f} MB after the "
              f"first JSON Lines run, {mb:.0f} MB after every run")
    alive = [p.pid for p in processes if p.poll() is None]
    print(f"load average at end: {os.getloadavg()[0]:.2f}; cluster processes still running: {alive or 'none'}")
    if a.json:
        a.json.write_text(json.dumps({"runs": [{"run": n, "seconds": s, "cpu_seconds": u, "exit": c}
                                               for n, s, u, c in rows],
                                      "facts": facts, "cluster_facts": marker["facts"], "identical": joined == one,
                                      "parquet_counts_match": parquet_by_type == dict(by_type), **figures,
                                      "text_mb": text_mb}, indent=2))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
