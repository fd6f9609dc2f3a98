"""Extraction over several processes, forked from a built engine, keeping input order."""
from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Protocol

from factx.documents import Document, DocumentLike, Reference, as_document
from factx.errors import Problem

BATCH_DOCS = 64
BATCH_CHARS = 1 << 18

# One document's result as it travels back from a worker: its id, its facts as
# (fact type, record JSON), and its problems.
Packed = tuple[str, list[tuple[str, str]], list[Problem]]


class Processor(Protocol):
    """What a worker runs documents through: the engine it was forked from."""

    def process(self, document: Document, *, types: list[str] | None, reference_date: Reference) -> Any: ...


_engine: Processor | None = None  # the engine a forked worker inherited


def _batches(documents: Iterable[DocumentLike]) -> Iterator[list[Document]]:
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


def _work(batch: list[Document], types: list[str] | None, reference: Reference) -> list[Packed]:
    out = []
    for doc in batch:
        r = _engine.process(doc, types=types, reference_date=reference)
        # Records travel as JSON: pydantic writes and validates it in compiled code, cheaper for the
        # parent than validating dicts, and far cheaper than model_construct, which is Python.
        out.append((r.doc_id, [(f.type, f.model_dump_json()) for f in r.facts], r.problems))
    return out


def extract_parallel(engine: Processor, documents: Iterable[DocumentLike], workers: int,
                     types: list[str] | None, reference: Reference) -> Iterator[Packed]:
    """Each document's packed result, in input order; at most two batches per worker are in
    flight, so memory stays flat.

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
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
