"""Extraction over several processes, forked from a built engine, keeping input order."""
from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from factx.documents import Document

if TYPE_CHECKING:
    from factx.engine import DocumentLike, Engine, Reference, Result

BATCH_DOCS = 64
BATCH_CHARS = 1 << 18
_engine: Engine | None = None  # the engine a forked worker inherited


def _batches(documents: Iterable[DocumentLike]) -> Iterator[list[Document]]:
    from factx.engine import as_document

    batch: list[Document] = []
    size = 0
    for i, item in enumerate(documents):
        doc = as_document(item, i)
        batch.append(doc)
        size += len(doc.text)
        if len(batch) >= BATCH_DOCS or size >= BATCH_CHARS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _work(batch: list[Document], types: list[str] | None, reference: Reference) -> list[tuple]:
    out = []
    for doc in batch:
        r = _engine.process(doc, types=types, reference_date=reference)
        out.append((r.doc_id, [(f.type, f.model_dump_json()) for f in r.facts], r.problems))
    return out


def _rebuild(engine: Engine, packed: list[tuple]) -> Iterator[Result]:
    from factx.engine import Result

    types = engine.fact_types
    for doc_id, facts, problems in packed:
        # Records travel as JSON: pydantic writes and validates it in compiled code, cheaper for the
        # parent than validating dicts, and far cheaper than model_construct, which is Python.
        yield Result(doc_id, [types[kind].record_validator.validate_json(data) for kind, data in facts], problems)


def extract_parallel(engine: Engine, documents: Iterable[DocumentLike], workers: int,
                     types: list[str] | None, reference: Reference) -> Iterator[Result]:
    """Results in input order; at most two batches per worker are in flight, so memory stays flat.

    Workers are forked, so they share the built engine and its plugins
    without rebuilding or pickling them.
    """
    global _engine
    _engine = engine
    context = multiprocessing.get_context("fork")
    pending: deque[Future[Any]] = deque()
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        for batch in _batches(documents):
            pending.append(pool.submit(_work, batch, types, reference))
            if len(pending) >= 2 * workers:
                yield from _rebuild(engine, pending.popleft().result())
        while pending:
            yield from _rebuild(engine, pending.popleft().result())
