"""The documents a benchmark runs over."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from factx.documents import Document
from factx.inputs import read_inputs

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "reuters21578.jsonl"


@dataclass(frozen=True)
class Corpus:
    """Documents with their size in MB of UTF-8 text."""

    name: str
    docs: list[Document]

    @property
    def texts(self) -> list[str]:
        return [d.text for d in self.docs]

    @property
    def megabytes(self) -> float:
        return sum(len(d.text.encode()) for d in self.docs) / 1e6

    def head(self, n: int, name: str) -> Corpus:
        """The first `n` documents; this corpus itself if n is 0 or not less than its size."""
        return Corpus(name, self.docs[:n]) if 0 < n < len(self.docs) else self

    def write_jsonl(self, path: Path) -> Path:
        """The documents as JSON Lines, as `factx extract -` reads them."""
        with path.open("w", encoding="utf-8") as out:
            for d in self.docs:
                ref = d.reference_date.isoformat() if d.reference_date else None
                out.write(json.dumps({"id": d.id, "text": d.text, "reference_date": ref}) + "\n")
        return path


def load(paths: list[str], limit: int = 0) -> Corpus:
    """The readable documents of JSONL files or folders, the first `limit` if given."""
    docs = [d for d in read_inputs(paths) if isinstance(d, Document)]
    return Corpus(", ".join(paths), docs[:limit] if limit else docs)
