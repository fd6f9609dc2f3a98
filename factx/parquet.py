"""Writing fact records to a Parquet file, in row groups, with the columns of `factx.columns`."""
from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import BinaryIO

import pyarrow.parquet as pq

from factx.columns import FactColumns, Rows
from factx.records import Fact, FactType

ROW_GROUP = 32768  # facts held (as cells, some 0.5 kB each) before a row group is written


class ParquetSink:
    """Facts written to a binary stream as Parquet; every file has the schema of all `fact_types`,
    so the files of one run (and runs with the same plugins) read as one table."""

    def __init__(self, stream: BinaryIO, fact_types: Mapping[str, FactType]):
        self.columns = FactColumns(fact_types)
        self._writer = pq.ParquetWriter(stream, self.columns.schema)
        self._rows = Rows(self.columns)

    def write(self, fact: Fact) -> None:
        self._rows.add(fact)
        if self._rows.count >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        self._writer.write_table(self._rows.table())
        self._rows = Rows(self.columns)

    def close(self) -> None:
        if self._rows.count:
            self._flush()
        self._writer.close()

    def abandon(self) -> None:
        """Close without writing what is held, for a file about to be removed: never raises, and
        leaves pyarrow nothing to close, when collected, on a stream closed by then."""
        with suppress(OSError, ValueError):
            self._writer.close()
