"""Tables for a terminal (rich): every cell plain text, never markup; as wide as their content when piped."""
from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import IO, Any

# Wide enough for any row: a table written to a pipe or file is read by programs and
# pagers, which do their own wrapping; rich's 80-column default cuts its cells short.
PIPED_WIDTH = 100_000


def print_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], stream: IO[str] | None = None) -> None:
    """Print rows under headers; a cell's text is shown as it is (`[mass]` stays, `[red]` colours nothing)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    stream = stream or sys.stdout
    table = Table(*headers)
    for row in rows:
        table.add_row(*(Text(str(cell)) for cell in row))
    terminal = stream.isatty()
    Console(file=stream, width=None if terminal else PIPED_WIDTH, highlight=False).print(table)
