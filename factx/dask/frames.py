"""Extraction over a Dask DataFrame of documents: a DataFrame of facts, one row a fact."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime

import dask.dataframe as dd
import pandas as pd

from factx.columns import FactColumns
from factx.dask.engines import EngineConfig, engine_for
from factx.documents import Document
from factx.errors import Problem

log = logging.getLogger("factx")


def extract_frame(ddf: dd.DataFrame, text: str = "text", id: str | None = "id", reference_date: str | None = None,
                  *, config: EngineConfig | None = None, types: Iterable[str] | None = None) -> dd.DataFrame:
    """The facts of a DataFrame of documents, one row a fact, with the columns of the Parquet output.

    :param text: the column holding each document's text.
    :param id: the column holding its `doc_id`; None takes the index.
    :param reference_date: a column of reference dates (dates, timestamps or
        YYYY-MM-DD text; a missing one means the document's dateline, as "auto").

    Columns are Arrow-backed (`pd.ArrowDtype`), so nullable integers stay
    integers. Problems go to the `factx` logger of the worker that met them.
    """
    config = config or EngineConfig()
    types = tuple(types) if types is not None else None
    meta = _to_pandas(FactColumns(engine_for(config).fact_types).schema.empty_table())
    return ddf.map_partitions(_extract_partition, config, text, id, reference_date, types, meta=meta)


def _extract_partition(frame: pd.DataFrame, config: EngineConfig, text: str, id: str | None,
                       reference_date: str | None, types: tuple[str, ...] | None) -> pd.DataFrame:
    engine = engine_for(config)
    ids = frame.index if id is None else frame[id]
    refs = frame[reference_date] if reference_date is not None else [None] * len(frame)
    facts = []
    for doc_id, body, ref in zip(ids, frame[text], refs):
        if not isinstance(body, str):
            log.warning("%s", Problem("FX405", f'no "{text}" string', str(doc_id)))
            continue
        result = engine.process(Document(str(doc_id), body, _date(ref)), types=types)
        for problem in result.problems:
            log.warning("%s", problem)
        facts.extend(result.facts)
    return _to_pandas(FactColumns(engine.fact_types).table(facts))


def _to_pandas(table) -> pd.DataFrame:
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def _date(value) -> date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, datetime):  # pandas Timestamps too
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
