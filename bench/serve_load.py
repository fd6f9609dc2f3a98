"""Load on `factx serve`: concurrent clients posting news documents to /extract for a fixed time.

    python bench/serve_load.py [CORPUS...] [--clients 50] [--seconds 60] [--workers 1] [--docs 2000]
                               [--max-requests N] [--json OUT]

Starts `factx serve` on a free port of 127.0.0.1 (it never targets another
address) and waits for /health. Then --clients asyncio clients, each an httpx
client with one connection, post one document at a time to /extract, taking
the first --docs documents of the corpus (by default
../shared/corpus/reuters21578.jsonl) in turn, until --seconds have passed or
--max-requests were sent. Every answer is checked: status 200, and as many
facts as the engine finds in that document in this process. Reports the
requests, the errors, requests/s (beside the documents/s of the engine in the
bench's own process, timed on the same documents, as a baseline), latency
percentiles, and the resident memory of the server (its worker processes
included) once it is up, at its peak during the run and at the end. Needs the
serve extra and httpx (`pip install -e '.[test]'`).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from corpus import DEFAULT_CORPUS, load

from factx import Engine

ROOT = Path(__file__).resolve().parent.parent


def arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="*", help="JSONL files or folders (default: the Reuters corpus)")
    ap.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    ap.add_argument("--seconds", type=float, default=60, help="how long to send requests (default 60)")
    ap.add_argument("--max-requests", type=int, default=1_000_000, help="stop after this many requests")
    ap.add_argument("--workers", type=int, default=1, help="the server's worker processes (default 1)")
    ap.add_argument("--docs", type=int, default=2000, help="documents to take in turn (default 2000)")
    ap.add_argument("--json", type=Path, metavar="OUT", help="also write the figures here as JSON")
    return ap.parse_args()


def process_tree(pid: int) -> set[int]:
    """A process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, its_parent in parents.items():
            if its_parent == parent and child not in tree:
                tree.add(child)
                frontier.append(child)
    return tree


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    total_kb = 0
    for p in process_tree(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        total_kb += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total_kb / 1024


def tree_cpu_s(pid: int) -> float:
    """CPU time (user and system) a process and its descendants have used so far, in seconds."""
    ticks = 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime and stime
    return ticks / os.sysconf("SC_CLK_TCK")


def start_server(workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    """`factx serve` on a port of 127.0.0.1 it picks from the free ones, once it answers /health."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "factx", "serve", "--host", "127.0.0.1", "--port", str(port),
                                   "--workers", str(workers), "--no-access-log"], stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                return server, url
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    sys.exit(f"factx serve did not start:\n{log.read_text()}")


async def load_run(url: str, bodies: list[dict], expected: list[int], clients: int, seconds: float,
                   max_requests: int) -> dict:
    """Run the clients; every request's latency, and what went wrong."""
    latencies: list[float] = []
    errors: list[str] = []
    sent = 0
    stop_at = time.monotonic() + seconds

    async def client(first: int) -> None:
        # A client of its own for each: one shared pool of 50 connections costs the bench more CPU than the server.
        async with httpx.AsyncClient(base_url=url, limits=httpx.Limits(max_connections=1), timeout=120) as http:
            await session(http, first)

    async def session(http: httpx.AsyncClient, first: int) -> None:
        nonlocal sent
        i = first
        while time.monotonic() < stop_at and sent < max_requests:
            sent += 1
            n = i % len(bodies)
            i += clients
            began = time.perf_counter()
            try:
                answer = await http.post("/extract", json=bodies[n])
                facts = answer.json()["facts"] if answer.status_code == 200 else None
            except (httpx.HTTPError, ValueError, KeyError) as e:
                errors.append(f"{bodies[n]['id']}: {type(e).__name__}: {e}")
                continue
            finally:
                latencies.append(time.perf_counter() - began)
            if facts is None:
                errors.append(f"{bodies[n]['id']}: HTTP {answer.status_code}: {answer.text[:200]}")
            elif len(facts) != expected[n] or any(f["doc_id"] != bodies[n]["id"] for f in facts):
                errors.append(f"{bodies[n]['id']}: {len(facts)} facts, {expected[n]} expected")

    began = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    wall = time.perf_counter() - began
    return {"latencies": latencies, "errors": errors, "wall": wall}


def main() -> None:
    a = arguments()
    corpus = load(a.corpus or [str(DEFAULT_CORPUS)], a.docs)
    if not corpus.docs:
        sys.exit(f"no documents in {corpus.name}")
    bodies = [{"id": d.id, "text": d.text, **({"reference_date": d.reference_date.isoformat()} if d.reference_date else {})}
              for d in corpus.docs]
    engine = Engine()
    began = time.perf_counter()
    expected = [len(engine.process(d).facts) for d in corpus.docs]
    in_process = len(corpus.docs) / (time.perf_counter() - began)  # the baseline: one thread, no HTTP
    with tempfile.TemporaryDirectory() as tmp:
        server, url = start_server(a.workers, Path(tmp) / "serve.log")
        try:
            rss_start, cpu_start = tree_rss_mb(server.pid), tree_cpu_s(server.pid)
            peak = [rss_start]
            done = threading.Event()

            def sample() -> None:
                while not done.wait(0.5):
                    peak.append(tree_rss_mb(server.pid))

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            own_cpu = time.process_time()
            run = asyncio.run(load_run(url, bodies, expected, a.clients, a.seconds, a.max_requests))
            own_cpu = time.process_time() - own_cpu
            done.set()
            sampler.join()
            rss_end, cpu = tree_rss_mb(server.pid), tree_cpu_s(server.pid) - cpu_start
            alive = server.poll() is None
        finally:
            server.terminate()
            server.wait(30)
    latencies = sorted(run["latencies"])
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else latencies * 99
    figures = {
        "corpus": corpus.name, "documents": len(bodies), "megabytes": round(corpus.megabytes, 2),
        "clients": a.clients, "workers": a.workers, "seconds": round(run["wall"], 2),
        "requests": len(latencies), "errors": len(run["errors"]), "server_alive_after": alive,
        "requests_per_s": round(len(latencies) / run["wall"], 1),
        "in_process_docs_per_s": round(in_process, 1),
        "server_cpu_ms_per_request": round(cpu * 1000 / max(1, len(latencies)), 2),
        "clients_cpu_ms_per_request": round(own_cpu * 1000 / max(1, len(latencies)), 2),
        "latency_ms": {"p50": round(cuts[49] * 1000, 1), "p90": round(cuts[89] * 1000, 1),
                       "p99": round(cuts[98] * 1000, 1), "max": round(latencies[-1] * 1000, 1)},
        "server_rss_mb": {"start": round(rss_start, 1), "peak": round(max(peak), 1), "end": round(rss_end, 1)},
        "first_errors": run["errors"][:5],
    }
    print(f"{figures['corpus']}: first {len(bodies)} documents ({figures['megabytes']} MB), "
          f"{a.clients} clients, {a.workers} worker(s), {figures['seconds']} s")
    print(f"requests {figures['requests']}   errors {figures['errors']}   {figures['requests_per_s']} requests/s"
          f"   (the engine in this process, one thread, no HTTP: {figures['in_process_docs_per_s']} documents/s)")
    print(f"CPU per request: server {figures['server_cpu_ms_per_request']} ms (the engine alone: "
          f"{1000 / in_process:.2f} ms per document), clients {figures['clients_cpu_ms_per_request']} ms")
    print("latency ms  " + "   ".join(f"{k} {v}" for k, v in figures["latency_ms"].items()))
    print("server RSS MB  " + "   ".join(f"{k} {v}" for k, v in figures["server_rss_mb"].items()))
    for error in figures["first_errors"]:
        print(f"error: {error}")
    if a.json:
        a.json.write_text(json.dumps(figures, indent=2) + "\n")
    if figures["errors"] or not alive:
        sys.exit(1)


if __name__ == "__main__":
    main()
