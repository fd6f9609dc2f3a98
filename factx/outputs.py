"""Writing fact records: JSON Lines, JSON, CSV, a table, Parquet or an HTML report, to stdout or atomically to a file."""
from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import IO, TYPE_CHECKING

from factx.records import Fact, FactType

if TYPE_CHECKING:
    from factx.documents import Document
    from factx.errors import Problem

CSV_COLUMNS = ["doc_id", "type", "start", "end", "text", "value", "rule", "plugin", "rule_file", "confidence"]


class OutputFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"
    csv = "csv"
    table = "table"
    parquet = "parquet"
    html = "html"


class FactWriter:
    """Writes facts in one format; a file target appears only once `close()` succeeds.

    Use as a context manager: leaving it by an exception discards a partial file.
    Parquet needs a file target and the `fact_types` whose columns it has (needs pyarrow).
    """

    def __init__(self, fmt: OutputFormat, target: str | Path | None = None, stdout: IO[str] | None = None,
                 fact_types: Mapping[str, FactType] | None = None):
        self.fmt = fmt
        self.target = None if target in (None, "-") else Path(target)
        self._tmp: str | None = None
        binary = fmt is OutputFormat.parquet
        if binary and (self.target is None or fact_types is None):
            raise ValueError("Parquet is written to a file, with the fact types it holds")
        if self.target is None:
            self.stream = stdout or sys.stdout
        else:
            fd, self._tmp = tempfile.mkstemp(prefix=f".{self.target.name}.", dir=self.target.parent or ".")
            self.stream = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        self.count = 0
        self._rows: list[Fact] = []
        self._parquet = None
        if binary:
            from factx.parquet import ParquetSink

            self._parquet = ParquetSink(self.stream, fact_types)
        self._report = None
        if fmt is OutputFormat.html:
            from factx.highlight.report import HtmlReport

            self._report = HtmlReport()
        self._csv = csv.writer(self.stream, lineterminator="\n") if fmt is OutputFormat.csv else None
        if self._csv:
            self._csv.writerow(CSV_COLUMNS)
        elif fmt is OutputFormat.json:
            self.stream.write("[")

    def document(self, document: Document, problems: list[Problem] | None = None) -> None:
        """Note the document the next facts come from: only the HTML report shows its text."""
        if self._report is not None:
            self._report.document(document, problems or ())

    def write(self, fact: Fact) -> None:
        if self.fmt is OutputFormat.jsonl:
            self.stream.write(fact.model_dump_json() + "\n")
        elif self.fmt is OutputFormat.json:
            self.stream.write(("\n  " if not self.count else ",\n  ") + fact.model_dump_json())
        elif self._parquet:
            self._parquet.write(fact)
        elif self._csv:
            record = fact.model_dump(mode="json")
            record["value"] = json.dumps(record["value"], ensure_ascii=False)
            self._csv.writerow([record[c] for c in CSV_COLUMNS])
        elif self._report is not None:
            self._report.fact(fact)
        else:
            self._rows.append(fact)
        self.count += 1

    def close(self) -> None:
        if self.fmt is OutputFormat.json:
            self.stream.write("\n]\n" if self.count else "]\n")
        elif self.fmt is OutputFormat.table:
            _print_table(self._rows, self.stream)
        elif self._parquet:
            self._parquet.close()
        elif self._report is not None:
            self.stream.write(self._report.render())
        self.stream.flush()
        if self._tmp is not None:
            self.stream.close()
            os.replace(self._tmp, self.target)
            self._tmp = None

    def discard(self) -> None:
        if self._tmp is not None:
            self.stream.close()
            os.unlink(self._tmp)
            self._tmp = None

    def __enter__(self) -> FactWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()


def _print_table(facts: list[Fact], stream: IO[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("doc", "type", "span", "text", "value", "rule")
    for f in facts:
        value = ", ".join(f"{k}={v}" for k, v in f.value.model_dump().items() if v is not None)
        table.add_row(f.doc_id, f.type, f"{f.start}-{f.end}", f.text, value, f.rule)
    Console(file=stream, width=None if stream.isatty() else 160).print(table)
