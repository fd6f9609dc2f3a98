"""The `factx` entry point, and what the commands share that needs no command-line framework.

The commands are a typer app (`factx.commands`). Loading typer, click and the
pydantic adapters typer builds for every option is a large part of a short
run's start-up, so `main` runs the plainest and most common command line,
`factx extract` followed only by paths, without them: it does just what the
typer command does with its defaults. Anything else goes to the typer app.
"""
from __future__ import annotations

import gc
import os
import signal
import sys
from collections import deque
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from factx.errors import ExitCode, FactxError, Problem

if TYPE_CHECKING:
    from factx.engine import Engine, Reference
    from factx.outputs import OutputFormat


def __getattr__(name: str) -> Any:
    if name == "app":  # `from factx.cli import app` as before the typer app moved
        from factx.commands import app

        return app
    raise AttributeError(f"module 'factx.cli' has no attribute {name!r}")


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
                                              reference_date=reference):
                if texts is not None:
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


def _plain_extract(args: list[str]) -> bool:
    """`extract` and one or more paths, no option; not a shell-completion request."""
    return (len(args) > 1 and args[0] == "extract" and all(a == "-" or not a.startswith("-") for a in args[1:])
            and not any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ))


def _run_plain_extract(paths: list[str]) -> int:
    from factx.engine import Engine
    from factx.outputs import OutputFormat

    try:
        engine = Engine()
    except FactxError as e:
        return report(e)
    finally:
        started()
    return extract(engine, paths, OutputFormat.jsonl)


def _terminated(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def main() -> None:
    """Entry point: usage errors exit 2 (click's), unexpected errors exit 4 with one line."""
    args = sys.argv[1:]
    # SIGTERM unwinds like Ctrl-C, through every cleanup: no partial output file, no worker left.
    signal.signal(signal.SIGTERM, _terminated)
    try:
        gc.disable()  # until `started()`: start-up allocates much and frees little, collecting is wasted work
        if _plain_extract(args):
            try:
                code = _run_plain_extract(args[1:])
            except KeyboardInterrupt:
                code = 130  # as typer exits on one
            sys.exit(code)
        from factx.commands import app

        app()
    except SystemExit:
        raise
    except Exception as e:
        err(f"factx: internal error: {type(e).__name__}: {e} (set FACTX_DEBUG=1 for a traceback)")
        if os.environ.get("FACTX_DEBUG"):
            raise
        sys.exit(int(ExitCode.INTERNAL))
