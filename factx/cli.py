"""The `factx` entry point.

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
from typing import Any

from factx.errors import ExitCode, FactxError
from factx.running import err, extract, report, started


def __getattr__(name: str) -> Any:
    if name == "app":  # `from factx.cli import app` as before the typer app moved
        from factx.commands import app

        return app
    raise AttributeError(f"module 'factx.cli' has no attribute {name!r}")


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
