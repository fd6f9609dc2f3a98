"""Extraction over a Dask bag: a bag of documents gives a bag of records, or of per-document results."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict

import dask.bag as db
from dask import delayed

from factx.dask.engines import EngineConfig, engine_for
from factx.documents import Document, parse_reference
from factx.engine import DocumentLike, Reference, as_document
from factx.errors import Problem

log = logging.getLogger("factx")


def process_bag(bag: db.Bag, config: EngineConfig | None = None, *, types: Iterable[str] | None = None,
                reference_date: Reference | str = "auto") -> db.Bag:
    """One result per document: ``{"doc_id", "facts": [record, ...], "problems": [problem, ...]}``.

    Documents are `Document`s, ``{"id", "text", "reference_date"?}`` mappings or
    plain strings (whose `doc_id` is ``doc-<partition>-<index>``). A problem is
    ``{"code", "message", "where", "rule"}``, as in the CLI's problems file.
    """
    config = config or EngineConfig()
    reference = parse_reference(reference_date)
    types = None if types is None else (types,) if isinstance(types, str) else tuple(types)
    parts = [delayed(_process_partition)(part, i, config, types, reference)
             for i, part in enumerate(bag.to_delayed())]
    return db.from_delayed(parts)


def extract_bag(bag: db.Bag, config: EngineConfig | None = None, *, types: Iterable[str] | None = None,
                reference_date: Reference | str = "auto") -> db.Bag:
    """The fact records of a bag of documents, as JSON-ready dicts (`Fact.model_dump(mode="json")`).

    As `Engine.extract` does, problems go to the `factx` logger of the worker
    that met them (raised, failing the computation, with a strict configuration);
    `process_bag` returns them with the facts.
    """
    return process_bag(bag, config, types=types, reference_date=reference_date).map_partitions(_facts_only)


def _process_partition(items: Iterable[DocumentLike], partition: int, config: EngineConfig,
                       types: tuple[str, ...] | None, reference: Reference) -> list[dict]:
    engine = engine_for(config)
    out = []
    for i, item in enumerate(items):
        where = f"doc-{partition}-{i}"
        try:
            doc = Document(where, item) if isinstance(item, str) else as_document(item)
        except (KeyError, TypeError, ValueError, AttributeError) as e:  # one bad item must not stop the others
            problem = Problem("FX405", f"not a document ({type(e).__name__}: {e})", where)
            out.append({"doc_id": where, "facts": [], "problems": [asdict(problem)]})
            continue
        result = engine.process(doc, types=types, reference_date=reference)
        out.append({"doc_id": result.doc_id, "facts": [f.model_dump(mode="json") for f in result.facts],
                    "problems": [asdict(p) for p in result.problems]})
    return out


def _facts_only(results: Iterable[dict]) -> list[dict]:
    facts = []
    for result in results:
        for problem in result["problems"]:
            log.warning("%s", Problem(**problem))
        facts.extend(result["facts"])
    return facts


