"""What every run of factx must hold, whatever the input: the fuzz tests' invariants.

- no exception, and no problem that only a fault of factx explains: a
  built-in plugin that raises (FX301), an invalid fact (FX302), a fact that
  cannot be written (FX303);
- spans exact: `0 <= start < end <= len(text)` and `text == document[start:end]`;
- records valid and JSON-serialisable: each record's JSON (no NaN, no
  infinity) validates against its fact type's model, and every output format
  writes it;
- the same input gives the same output.
"""
from __future__ import annotations

import io
import json
import os
import tempfile
from datetime import date
from typing import Literal

from factx import Engine, Result
from factx.documents import Document
from factx.errors import Problem
from factx.inputs import read_stream
from factx.outputs import FactWriter, OutputFormat

FAULTS = {"FX301", "FX302", "FX303"}  # problems no input may cause

# Sentences as the news writes them, and the inputs that once broke a run (issue 17), for mutating.
SEEDS = [
    "Seoul pledged $350 billion in investment, Finance Minister Koo Yun-cheol said on Oct. 18, 2025.",
    "Shares rose about 15 percent to 20% and fell -0.3 pct; between 2 and 3 percent; 50bps.",
    "The central bank cut rates by 25 basis points on Wednesday, its third cut this year.",
    "Net profit was 1.2 billion dlrs in the fourth quarter of 1987, up from 980 mln dlrs.",
    "U.S. Treasury Secretary James Baker met West German Finance Minister Gerhard Stoltenberg next week.",
    "Prices fell 2-3% in March 3-4, 1987, and the yen rose 1.5 pct against the dollar.",
    "It will meet at Easter and again next Christmas, three days after the 15th of May.",
    "HONG KONG, March 3 - HK$5.2 mln, Rs 500 crore, C$1.5 billion, 30 MUSD and 500 kEUR.",
    "1" + "0" * 309 + " pct",
    "$" + "1" * 4301,
    "$5 million and $\U0001e4f2",
    "unemployment climbed 1.2 percentage points to 4 pct on 12/11/2025 and 2025-12-10.",
]


def check_text(engine: Engine, text: str, reference: date | Literal["auto", "none"] = "none") -> Result:
    """Extract from one text, twice, and check every invariant; the result."""
    first = engine.process(Document("fuzz", text), reference_date=reference)
    second = engine.process(Document("fuzz", text), reference_date=reference)
    assert _summary(first) == _summary(second), "the same input gave another output"
    check_result(engine, first, text)
    return first


def check_result(engine: Engine, result: Result, text: str) -> None:
    """The invariants of one document's result."""
    faults = [str(p) for p in result.problems if p.code in FAULTS]
    assert not faults, faults
    for fact in result.facts:
        assert 0 <= fact.start < fact.end <= len(text), (fact.start, fact.end, len(text))
        assert fact.text == text[fact.start:fact.end], fact
        record = json.loads(fact.model_dump_json())
        json.dumps(record, allow_nan=False)  # no NaN or infinity: strict JSON
        assert engine.fact_types[fact.type].record_validator.validate_python(record) == fact
    for fmt in OutputFormat:
        with tempfile.TemporaryDirectory() as folder:
            # Parquet is written to a file; every other format renders to a stream here.
            target = os.path.join(folder, "facts") if fmt is OutputFormat.parquet else None
            with FactWriter(fmt, target, stdout=io.StringIO(), fact_types=engine.fact_types) as writer:
                writer.document(Document("doc", text), result.problems)
                for fact in result.facts:
                    writer.write(fact)


def check_bytes(engine: Engine, data: bytes) -> list[Result]:
    """Read raw bytes as stdin is read (text, JSON Lines, any encoding) and check every document."""
    items = list(read_stream(io.BytesIO(data), "-"))
    assert items and all(isinstance(item, Document | Problem) for item in items)
    results = []
    for doc in items:
        if isinstance(doc, Document):
            result = engine.process(doc, reference_date="none")
            check_result(engine, result, doc.text)
            results.append(result)
    return results


def _summary(result: Result) -> tuple:
    return [f.model_dump_json() for f in result.facts], [str(p) for p in result.problems]
