"""Extraction over several processes, forked from a built engine, keeping input order."""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Protocol

from factx.documents import Document, DocumentLike, Reference, document_or_problem
from factx.errors import Problem

BATCH_DOCS = 64
BATCH_CHARS = 1 << 18
_PR_SET_PDEATHSIG = 1  # linux/prctl.h

# One document's result as it travels back from a worker: its id, its facts as
# (fact type, record JSON), and its problems.
Packed = tuple[str, list[tuple[str, str]], list[Problem]]


class Processor(Protocol):
    """What a worker runs documents through: the engine it was forked from."""

    def process(self, document: Document, *, types: list[str] | None, reference_date: Reference) -> Any: ...


_engine: Processor | None = None  # the engine a forked worker inherited


def _batches(documents: Iterable[DocumentLike]) -> Iterator[list[Document | Problem]]:
    batch: list[Document | Problem] = []
    size = 0
    for i, item in enumerate(documents):
        doc = document_or_problem(item, i)
        batch.append(doc)
        size += len(doc.text) if isinstance(doc, Document) else 0
        if len(batch) >= BATCH_DOCS or size >= BATCH_CHARS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _work(batch: list[Document | Problem], types: list[str] | None, reference: Reference) -> list[Packed]:
    out: list[Packed] = []
    for doc in batch:
        if isinstance(doc, Problem):
            out.append((doc.where, [], [doc]))
            continue
        r = _engine.process(doc, types=types, reference_date=reference)
        facts, problems = [], list(r.problems)
        for f in r.facts:
            try:
                facts.append((f.type, f.model_dump_json()))
            except ValueError as e:  # a value JSON cannot hold: this fact is lost, not the run
                problems.append(Problem("FX303", f"fact cannot be passed between processes as JSON: {e}",
                                        f"{f.doc_id}:{f.start}", f.rule))
        out.append((r.doc_id, facts, problems))
    return out


def _worker_started(parent: int) -> None:
    """Set a worker up: it ends with its parent, and leaves Ctrl-C and SIGTERM to it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the workers itself
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited through fork
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now, their batches unfinished: the caller left early, failed or was interrupted."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public way before Python 3.14
    for process in processes:
        process.terminate()
    # The pool's own thread reaps the workers: joining them here too would race it for their exit
    # status, and a worker reaped by the other thread would look alive.
    pool.shutdown(wait=True, cancel_futures=True)


def extract_parallel(engine: Processor, documents: Iterable[DocumentLike], workers: int,
                     types: list[str] | None, reference: Reference) -> Iterator[Packed]:
    """Each document's packed result, in input order; at most two batches per worker are in
    flight, so memory stays flat.

    Workers are forked, so they share the built engine and its plugins
    without rebuilding or pickling them. They end with the parent process,
    even when it is killed, and when the caller stops early.
    """
    global _engine
    _engine = engine
    context = multiprocessing.get_context("fork")
    pending: deque[Future[Any]] = deque()
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_started, initargs=(os.getpid(),))
    try:
        for batch in _batches(documents):
            pending.append(pool.submit(_work, batch, types, reference))
            if len(pending) >= 2 * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()
