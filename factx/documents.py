"""Documents as the engine sees them."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class Document:
    """A text to extract from.

    `reference_date` is what relative dates resolve against (None: unknown);
    `path` is the file it came from, if any.
    """

    id: str
    text: str
    reference_date: date | None = None
    path: str | None = None


Reference = date | Literal["auto", "none"]
DocumentLike = Document | str | Mapping[str, Any]


def as_document(item: DocumentLike, index: int = 0) -> Document:
    """A Document from a Document, a str, or a mapping with `id`, `text` and optional `reference_date`."""
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document(f"doc-{index}", item)
    ref = item.get("reference_date")
    return Document(str(item["id"]), item["text"], date.fromisoformat(ref) if isinstance(ref, str) else ref)


def parse_reference(value: str) -> date | Literal["auto", "none"]:
    """A reference date as the command line and the HTTP API take it: YYYY-MM-DD, today, none or auto.

    Raises ValueError for anything else.
    """
    if value in ("auto", "none"):
        return value
    if value == "today":
        return date.today()
    return date.fromisoformat(value)
