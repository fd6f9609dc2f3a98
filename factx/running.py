"""Running a command: messages on stderr, exit codes, and extraction from inputs to a writer.

What the command-line entry (`factx.cli`) and the typer commands (`factx.commands`,
`factx.dask.command`) share; it needs no command-line framework.
"""
from __future__ import annotations

import gc
import sys
from collections import deque
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from factx.errors import ExitCode, FactxError, Problem

if TYPE_CHECKING:
    from factx.engine import Engine, Reference
    from factx.outputs import OutputFormat


def err(message: str) -> None:
    """A message line on stderr."""
    print(message, file=sys.stderr, flush=True)


def report(error: FactxError) -> int:
    """Print an error's problems; its exit code."""
    for problem in error.problems:
        err(f"factx: {problem}")
    return int(error.exit_code)


def _progress():
    """A document counter on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(SpinnerColumn(), TextColumn("{task.completed} documents"), TimeElapsedColumn(),
                    console=Console(stderr=True), transient=True)


def extract(engine: Engine, paths: list[str], fmt: OutputFormat, output: Path | None = None,
            types: list[str] | None = None, reference: Reference = "auto", workers: int = 1) -> int:
    """Extract facts from files, folders, globs or stdin (`-`) and write them; the exit code.

    Each bad input is reported on stderr and the others are still extracted.
    """
    from factx.inputs import read_inputs
    from factx.outputs import FactWriter, UnwritableFact

    failed: set[str] = set()
    # The HTML report shows each document's text: documents wait here for their results, which come in input order.
    texts: deque | None = deque() if fmt == "html" else None

    def documents(progress) -> Iterator:
        task = progress.add_task("extract", total=None) if progress else None
        for item in read_inputs(paths):
            if isinstance(item, Problem):
                err(f"factx: {item}")
                failed.add(item.where)
                continue
            if texts is not None:
                texts.append(item)
            yield item
            if progress:
                progress.advance(task)

    try:
        with _progress() as progress, FactWriter(fmt, output, fact_types=engine.fact_types) as writer:
            for result in engine.extract_many(documents(progress), workers=workers, types=types,
                                              reference_date=reference, in_pieces=True):
                if texts is not None and result.piece == 0:
                    writer.document(texts.popleft(), result.problems)
                for problem in result.problems:
                    err(f"factx: {problem}")
                    failed.add(result.doc_id)
                for fact in result.facts:
                    try:
                        writer.write(fact)
                    except UnwritableFact as e:
                        report(e)
                        failed.add(result.doc_id)
    except FactxError as e:
        return report(e)
    except BrokenPipeError:
        sys.stderr.close()
        return int(ExitCode.OK)
    if failed:
        err(f"factx: {len(failed)} input(s) had problems; the other facts were written")
        return int(ExitCode.DOCUMENTS_FAILED)
    return int(ExitCode.OK)


def started() -> None:
    """Called once the engine is built. If `main` turned the garbage collector off for the
    start-up, it resumes, and what start-up made (modules, models, compiled rules), which lives
    as long as the process, is left out of every later collection and the one at exit (`gc.freeze`).
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
