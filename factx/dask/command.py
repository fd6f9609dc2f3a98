"""`factx extract --scheduler`: a run over files on a Dask cluster, reported as the command line does."""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from distributed import Client, LocalCluster

from factx.running import err, report
from factx.dask.engines import EngineConfig
from factx.dask.folders import PROBLEMS, PartReport, extract_to_folder
from factx.engine import Reference
from factx.errors import ExitCode, FactxError, Problem
from factx.inputs import input_files
from factx.outputs import OutputFormat


def local_workers(scheduler: str) -> int | None:
    """N for `local:N` (`local` alone: one per core); None for a scheduler's address."""
    if scheduler != "local" and not scheduler.startswith("local:"):
        return None
    count = scheduler.partition(":")[2]
    if count and not (count.isdigit() and int(count) > 0):
        raise ValueError(f"{scheduler!r}: N in local:N must be a positive integer")
    return int(count) if count else os.cpu_count() or 1


@contextmanager
def connect(scheduler: str) -> Iterator[Client]:
    """A client of the scheduler at this address, or of a new local cluster for `local:N`.

    A local cluster has N worker processes of one thread each: extraction
    holds the GIL, so threads in one process would take turns.
    """
    workers = local_workers(scheduler)
    if workers is None:
        with Client(scheduler, timeout="10s") as client:
            yield client
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def extract_cluster(scheduler: str, paths: list[str], folder: Path, config: EngineConfig, fmt: OutputFormat,
                    types: list[str] | None, reference: Reference, partition_bytes: int) -> int:
    """Extract on the cluster into `folder`; the exit code, as `factx extract` gives it on one machine."""
    problems = 0

    def on_problem(problem: Problem) -> None:
        nonlocal problems
        problems += 1
        err(f"factx: {problem}")

    with ExitStack() as stack:
        try:
            client = stack.enter_context(connect(scheduler))
        except (OSError, TimeoutError) as e:
            err(f"factx: --scheduler {scheduler}: cannot connect: {e}")
            return int(ExitCode.USAGE)
        advance = stack.enter_context(_progress(paths))
        try:
            extract_to_folder(paths, folder, config=config, fmt=fmt, types=types, reference_date=reference,
                              partition_bytes=partition_bytes, client=client, on_part=advance,
                              on_problem=on_problem)
        except FactxError as e:
            return report(e)
    if problems:
        err(f"factx: {problems} problem(s), listed in {folder / PROBLEMS}; the other facts were written")
        return int(ExitCode.DOCUMENTS_FAILED)
    return int(ExitCode.OK)


@contextmanager
def _progress(paths: list[str]) -> Iterator[Callable[[PartReport], None] | None]:
    """A bar of the input's bytes done, on stderr when it is a terminal; yields what advances it."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    total = sum(item[0].stat().st_size for item in input_files(paths) if not isinstance(item, Problem))
    with Progress(TextColumn("{task.fields[documents]} documents"), BarColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("extract", total=total, documents=0)

        def advance(part: PartReport) -> None:
            documents = progress.tasks[0].fields["documents"] + part.documents
            progress.update(task, advance=part.size, documents=documents)

        yield advance
