"""Writing fact records: JSON Lines, JSON, CSV, a table, Parquet or an HTML report, to stdout or atomically to a file."""
from __future__ import annotations

import csv
import io
import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from enum import Enum
from pathlib import Path
from typing import IO, TYPE_CHECKING

from factx.errors import ExitCode, FactxError, Problem
from factx.records import Fact, FactType

if TYPE_CHECKING:
    from factx.documents import Document

CSV_COLUMNS = ["doc_id", "type", "start", "end", "text", "value", "rule", "plugin", "rule_file", "confidence"]
# A file being written is `.NAME.factx-PID-XXXXXXXX.tmp` beside NAME: only a run killed with SIGKILL
# (or a machine that stopped) leaves one behind, and its name says whose it was.
TEMP_INFIX, TEMP_SUFFIX = ".factx-", ".tmp"


class OutputFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"
    csv = "csv"
    table = "table"
    parquet = "parquet"
    html = "html"


class OutputError(FactxError):
    """The output cannot be written (a full disk, a device that fails): nothing more can be."""

    exit_code = ExitCode.DOCUMENTS_FAILED


class UnwritableFact(FactxError):
    """One fact the format cannot render (a lone surrogate, a number too long for text); the others can."""

    exit_code = ExitCode.DOCUMENTS_FAILED


def check_output(target: Path) -> None:
    """Raise ValueError saying why facts cannot be written to `target`, before any work is done.

    A folder or a socket cannot be; a new path or a regular file can if its
    folder takes new files (it is written beside it and renamed); a device or
    a FIFO is written in place.
    """
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as e:
        raise ValueError(f"{str(target)!r}: {e.strerror}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise ValueError(f"{str(target)!r} is a folder: name a file to write the facts to")
    if mode is not None and stat.S_ISSOCK(mode):
        raise ValueError(f"{str(target)!r} is a socket: name a file, a FIFO or a device")
    if mode is not None and not stat.S_ISREG(mode):
        return
    folder = Path(os.path.realpath(target)).parent
    if not folder.is_dir():
        raise ValueError(f"folder {str(folder)!r} does not exist")
    try:  # the one sure test that a file can be made there (read-only mounts, permissions, quotas)
        fd, probe = tempfile.mkstemp(prefix=_temp_prefix(target), suffix=TEMP_SUFFIX, dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise ValueError(f"cannot write in folder {str(folder)!r}: {e.strerror}") from None


def _temp_prefix(target: Path) -> str:
    return f".{target.name}{TEMP_INFIX}{os.getpid()}-"


class FactWriter:
    """Writes facts in one format; a file target appears only once `close()` succeeds.

    A new path or a regular file (through a symbolic link too, which stays)
    is written to a temporary file beside it, renamed over it by `close()`
    and removed on any failure; a device or a FIFO is written in place. Use as
    a context manager: leaving it by an exception discards a partial file.
    An error of the output raises `OutputError`; a fact the format cannot
    render raises `UnwritableFact`, and nothing of it is written. Parquet
    needs a file target and the `fact_types` whose columns it has (needs pyarrow).
    """

    def __init__(self, fmt: OutputFormat, target: str | Path | None = None, stdout: IO[str] | None = None,
                 fact_types: Mapping[str, FactType] | None = None):
        self.fmt = fmt
        self.target = None if target in (None, "-") else Path(target)
        self._tmp: str | None = None
        self._final: str | None = None
        self.count = 0
        self._rows: list[tuple[str, ...]] = []
        self._parquet = self._report = None
        binary = fmt is OutputFormat.parquet
        if binary and (self.target is None or fact_types is None):
            raise ValueError("Parquet is written to a file, with the fact types it holds")
        with self._discarding_on_error():
            self.stream = (stdout or sys.stdout) if self.target is None else self._open(self.target, binary)
            if binary:
                from factx.parquet import ParquetSink

                self._parquet = ParquetSink(self.stream, fact_types)
            elif fmt is OutputFormat.html:
                from factx.highlight.report import HtmlReport

                self._report = HtmlReport()
            elif fmt is OutputFormat.csv:
                self.stream.write(",".join(CSV_COLUMNS) + "\n")
            elif fmt is OutputFormat.json:
                self.stream.write("[")

    def document(self, document: Document, problems: list[Problem] | None = None) -> None:
        """Note the document the next facts come from: only the HTML report shows its text."""
        if self._report is not None:
            self._report.document(document, problems or ())

    def _open(self, target: Path, binary: bool = False) -> IO:
        try:
            in_place = not stat.S_ISREG(os.stat(target).st_mode)
        except FileNotFoundError:
            in_place = False
        if in_place:  # renaming over a device, a FIFO or a link to one would replace it with a file
            return open(target, "wb") if binary else open(target, "w", encoding="utf-8", newline="")
        self._final = os.path.realpath(target)  # a link to a file is kept; the file it names is replaced
        fd, self._tmp = tempfile.mkstemp(prefix=_temp_prefix(target), suffix=TEMP_SUFFIX,
                                         dir=os.path.dirname(self._final))
        return os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")

    @contextmanager
    def _discarding_on_error(self) -> Iterator[None]:
        """Remove the partial file on any error; an error of the output names it."""
        try:
            yield
        except BaseException as e:
            self.discard()
            if isinstance(e, OSError) and not isinstance(e, BrokenPipeError):
                raise self._failed(e) from e
            raise

    def _failed(self, error: OSError) -> OutputError:
        """The error to raise for an error of the output (a closed pipe is not one: nobody reads any more)."""
        name = str(self.target) if self.target is not None else "stdout"
        return OutputError(Problem("FX407", f"cannot write the facts: {error.strerror or error}", name))

    def write(self, fact: Fact) -> None:
        try:
            text = self._render(fact)
            if text is not None:
                self.stream.write(text)  # encodes the whole text before writing any of it
        except BrokenPipeError:
            raise
        except OSError as e:
            raise self._failed(e) from e
        except (ValueError, TypeError, RecursionError) as e:
            where = f"{fact.doc_id}:{fact.start}".encode("utf-8", "backslashreplace").decode("utf-8")
            raise UnwritableFact(Problem("FX303", f"fact cannot be written as {self.fmt.value}: {e}", where, fact.rule)) from e
        self.count += 1

    def _render(self, fact: Fact) -> str | None:
        """The text of one fact in the format; None where the format keeps it for `close()`
        (a table, a report) or writes it itself (Parquet)."""
        if self._parquet is not None:
            self._parquet.write(fact)
            return None
        if self._report is not None:
            self._report.fact(fact)
            return None
        if self.fmt is OutputFormat.jsonl:
            return fact.model_dump_json() + "\n"
        if self.fmt is OutputFormat.json:
            return ("\n  " if not self.count else ",\n  ") + fact.model_dump_json()
        if self.fmt is OutputFormat.csv:
            record = fact.model_dump(mode="json")
            record["value"] = json.dumps(record["value"], ensure_ascii=False)
            line = io.StringIO()
            csv.writer(line, lineterminator="\n").writerow([record[c] for c in CSV_COLUMNS])
            return line.getvalue()
        value = ", ".join(f"{k}={v}" for k, v in fact.value.model_dump().items() if v is not None)
        row = (fact.doc_id, fact.type, f"{fact.start}-{fact.end}", fact.text, value, fact.rule)
        "".join(row).encode("utf-8")  # a row that cannot be written fails now, not when the table is
        self._rows.append(row)
        return None

    def close(self) -> None:
        with self._discarding_on_error():
            if self.fmt is OutputFormat.json:
                self.stream.write("\n]\n" if self.count else "]\n")
            elif self.fmt is OutputFormat.table:
                _print_table(self._rows, self.stream)
            elif self._parquet is not None:
                self._parquet.close()
            elif self._report is not None:
                self.stream.write(self._report.render())
            self.stream.flush()
            if self.target is not None:
                self.stream.close()
            if self._tmp is not None:
                os.replace(self._tmp, self._final)
                self._tmp = None

    def discard(self) -> None:
        """Remove a partial file; never raises, so the error that led here is the one reported."""
        if getattr(self, "_parquet", None) is not None:
            self._parquet.abandon()
        if self.target is not None and hasattr(self, "stream"):
            with suppress(OSError):  # a full disk fails the last flush too; the file is closed all the same
                self.stream.close()
        if self._tmp is not None:
            with suppress(OSError):
                os.unlink(self._tmp)
            self._tmp = None

    def __enter__(self) -> FactWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()


def _print_table(rows: list[tuple[str, ...]], stream: IO[str]) -> None:
    from factx.tables import print_table

    print_table(["doc", "type", "span", "text", "value", "rule"], rows, stream)
