"""Writing fact records to a Parquet file, in row groups, with the columns of `factx.columns`."""
from __future__ import annotations

from collections.abc import Mapping
from typing import BinaryIO

import pyarrow.parquet as pq

from factx.columns import FactColumns
from factx.records import Fact, FactType

ROW_GROUP = 65536  # facts held before a row group is written: memory stays flat on any input


class ParquetSink:
    """Facts written to a binary stream as Parquet; every file has the schema of all `fact_types`,
    so the files of one run (and runs with the same plugins) read as one table."""

    def __init__(self, stream: BinaryIO, fact_types: Mapping[str, FactType]):
        self.columns = FactColumns(fact_types)
        self._writer = pq.ParquetWriter(stream, self.columns.schema)
        self._pending: list[Fact] = []

    def write(self, fact: Fact) -> None:
        self._pending.append(fact)
        if len(self._pending) >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        self._writer.write_table(self.columns.table(self._pending))
        self._pending = []

    def close(self) -> None:
        if self._pending:
            self._flush()
        self._writer.close()
