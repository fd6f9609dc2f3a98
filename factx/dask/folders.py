"""A run over files on a cluster into a folder: one part file per partition, the problems, a marker last.

Each partition's facts go to `part-NNNNN.<format>`, named by the partition's
place in the input and written by atomic rename, so a task that Dask runs again
(its worker died) replaces the same file: no fact is lost or written twice.
`_problems.jsonl` lists every input or document that failed. `_SUCCESS`, written
last, says the folder is complete; a run starts by removing it.
"""
from __future__ import annotations

import json
import os
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from distributed import Client, as_completed, get_client

from factx import __version__
from factx.dask.engines import EngineConfig, engine_for
from factx.dask.partitions import PARTITION_BYTES, Partition, plan
from factx.documents import Document
from factx.engine import Reference
from factx.errors import Problem
from factx.outputs import FactWriter, OutputFormat

MARKER = "_SUCCESS"
PROBLEMS = "_problems.jsonl"
SUFFIXES = {OutputFormat.jsonl: ".jsonl", OutputFormat.json: ".json", OutputFormat.csv: ".csv",
            OutputFormat.parquet: ".parquet"}


@dataclass(frozen=True)
class Job:
    """What every partition's task needs besides its partition: small, so every task carries it."""

    config: EngineConfig
    folder: str
    fmt: OutputFormat
    types: tuple[str, ...] | None
    reference: Reference


@dataclass
class PartReport:
    """What one partition gave: its size in bytes, document count, facts by type and problems."""

    index: int
    size: int = 0
    documents: int = 0
    facts: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Summary:
    """A finished run: counts, and every problem in input order."""

    partitions: int
    documents: int
    facts: Counter
    problems: list[Problem]


def part_name(index: int, fmt: OutputFormat) -> str:
    return f"part-{index:05d}{SUFFIXES[fmt]}"


def write_part(partition: Partition, job: Job) -> PartReport:
    """Extract one partition into its part file, with this worker process's engine."""
    engine = engine_for(job.config)
    report = PartReport(partition.index, partition.size)
    target = Path(job.folder) / part_name(partition.index, job.fmt)
    with FactWriter(job.fmt, target, fact_types=engine.fact_types) as writer:
        for item in partition.read():
            if not isinstance(item, Document):
                report.problems.append(item)
                continue
            report.documents += 1
            result = engine.process(item, types=job.types, reference_date=job.reference)
            report.problems.extend(result.problems)
            for fact in result.facts:
                writer.write(fact)
                report.facts[fact.type] += 1
    return report


def extract_to_folder(paths: Iterable[str], folder: str | Path, *, config: EngineConfig | None = None,
                      fmt: OutputFormat | str = OutputFormat.jsonl, types: Iterable[str] | None = None,
                      reference_date: Reference = "auto", partition_bytes: int = PARTITION_BYTES,
                      client: Client | None = None, on_part: Callable[[PartReport], None] | None = None,
                      on_problem: Callable[[Problem], None] | None = None) -> Summary:
    """Extract every input on the cluster of `client` (default: the current one) into `folder`.

    Partitions are submitted a few per worker thread at a time, so that the
    scheduler holds little however large the input. `on_problem` hears of each
    problem as it is met, `on_part` of each finished partition. A task's error
    (a bad rule file met by a worker, a strict run's plugin error) is raised,
    and the folder is left without its marker.
    """
    client = client or get_client()
    fmt = OutputFormat(fmt)
    folder = Path(folder)
    folder.mkdir(exist_ok=True)
    (folder / MARKER).unlink(missing_ok=True)
    job = Job(config or EngineConfig(), str(folder.resolve()), fmt,
              tuple(types) if types is not None else None, reference_date)
    planned = plan(paths, partition_bytes)
    run = uuid.uuid4().hex[:8]
    ordered: list[tuple[int, int, Problem]] = []  # (partition, place, problem), to sort into input order
    reports: list[PartReport] = []
    partitions = 0
    running = as_completed(loop=client.loop)
    inflight: set = set()

    def fill() -> None:
        """Submit partitions until the window is full or the input ends."""
        nonlocal partitions
        window = _window(client)
        while len(inflight) < window:
            item = next(planned, None)
            if item is None:
                return
            if isinstance(item, Problem):
                ordered.append((partitions, -1, item))
                if on_problem:
                    on_problem(item)
                continue
            partitions += 1
            future = client.submit(write_part, item, job, key=f"factx-part-{run}-{item.index:05d}", pure=False)
            inflight.add(future)
            running.add(future)

    try:
        fill()
        for future in running:
            report = future.result()
            inflight.discard(future)
            future.release()  # its result is read: were its worker to die now, nothing need run again
            reports.append(report)
            ordered.extend((report.index, place, p) for place, p in enumerate(report.problems))
            for problem in report.problems if on_problem else ():
                on_problem(problem)
            if on_part:
                on_part(report)
            fill()
    except BaseException:
        client.cancel(list(inflight))
        raise
    summary = Summary(partitions, sum(r.documents for r in reports), sum((r.facts for r in reports), Counter()),
                      [p for *_, p in sorted(ordered, key=lambda x: x[:2])])
    _finish(folder, fmt, summary)
    return summary


def _window(client: Client) -> int:
    """Partitions in flight: two per worker thread (one running, one waiting), so none idles."""
    return max(2, 2 * sum(client.nthreads().values()))


def _finish(folder: Path, fmt: OutputFormat, summary: Summary) -> None:
    """Remove what earlier runs or killed tasks left, write the problems, then the marker."""
    parts = [part_name(i, fmt) for i in range(summary.partitions)]
    keep = set(parts)
    for path in folder.iterdir():
        name = path.name
        stale_part = name.startswith("part-") and name.endswith(tuple(SUFFIXES.values())) and name not in keep
        if stale_part or name.startswith(".part-"):  # `.part-…`: a part file a killed task never finished
            path.unlink(missing_ok=True)
    problems = "".join(json.dumps(asdict(p), ensure_ascii=False) + "\n" for p in summary.problems)
    _write_atomically(folder / PROBLEMS, problems)
    marker = {"factx": __version__, "format": fmt.value, "parts": parts, "documents": summary.documents,
              "facts": sum(summary.facts.values()), "facts_by_type": dict(sorted(summary.facts.items())),
              "problems": len(summary.problems)}
    _write_atomically(folder / MARKER, json.dumps(marker, indent=2) + "\n")


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
