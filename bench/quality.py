"""Value F1 on the dev gold files, scored by the shared scorer (../shared/eval/score.py)."""
from __future__ import annotations

import importlib.util
import json
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from factx.documents import Document

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
# Each gold file with the types it is scored on here (the types the peers extract).
GOLD = {"seed": ("money", "percent", "date"), "recognizers-money": ("money",),
        "recognizers-percent": ("percent",), "recognizers-date": ("date",)}
Records = Callable[[list[Document]], list[list[dict]]]


def available() -> str | None:
    """Why the gold files cannot be used, or None if they can."""
    missing = [p for p in [EVAL / "score.py", *(EVAL / "dev" / f"{n}.jsonl" for n in GOLD)] if not p.is_file()]
    return f"missing {', '.join(map(str, missing))}" if missing else None


def _scorer():
    spec = importlib.util.spec_from_file_location("factx_bench_score", EVAL / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.score


def gold_documents(name: str) -> list[Document]:
    docs = []
    with (EVAL / "dev" / f"{name}.jsonl").open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            ref = d.get("reference_date")
            docs.append(Document(str(d["id"]), d["text"], date.fromisoformat(ref) if ref else None))
    return docs


def scores(records: Records, types: tuple[str, ...]) -> dict[str, dict]:
    """Per gold file and type: value and relaxed-span F1 of `records`, for the types both cover."""
    score = _scorer()
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, gold_types in GOLD.items():
            kinds = [t for t in gold_types if t in types]
            if not kinds:
                continue
            docs = gold_documents(name)
            pred = Path(tmp) / f"{name}.jsonl"
            with pred.open("w", encoding="utf-8") as f:
                for doc, recs in zip(docs, records(docs)):
                    for r in recs:
                        f.write(json.dumps({"doc_id": doc.id, **r}) + "\n")
            result, _, _ = score(EVAL / "dev" / f"{name}.jsonl", pred, kinds)
            for kind in kinds:
                r = result.get(kind, {})
                out[f"{name}/{kind}"] = {"value_f1": r.get("value", (0, 0, 0))[2],
                                         "span_f1": r.get("relaxed", (0, 0, 0))[2]}
    return out
