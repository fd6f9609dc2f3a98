"""Documents as the engine sees them."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from factx.errors import Problem


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


_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate(text: str) -> int | None:
    """The offset of the first lone surrogate in `text` (no Unicode text holds one, so no writer takes it), or None."""
    if text.isascii():
        return None
    found = _SURROGATE.search(text)
    return found.start() if found else None


Reference = date | Literal["auto", "none"]
DocumentLike = Document | str | Mapping[str, Any]


def as_document(item: DocumentLike, index: int = 0) -> Document:
    """A Document from a Document, a str, or a mapping with `text` and optional `id` and `reference_date`.

    A str, or a mapping without an id, is named `doc-<index>`.
    """
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document(f"doc-{index}", item)
    if not isinstance(item.get("text"), str):
        raise TypeError(f'"text" must be a str, not {type(item.get("text")).__name__}')
    ref = item.get("reference_date")
    doc_id = item.get("id")
    return Document(f"doc-{index}" if doc_id is None else str(doc_id), item["text"],
                    date.fromisoformat(ref) if isinstance(ref, str) else ref)


def document_or_problem(item: DocumentLike, index: int) -> Document | Problem:
    """The item as a Document, or, when it is not one, the problem: never an exception."""
    try:
        return as_document(item, index)
    except Exception as e:  # whatever a malformed item raises while it is read: a bad input, not a fault
        return Problem("FX405", f"not a document: {type(e).__name__}: {e}", f"doc-{index}")


def parse_reference(value: str) -> date | Literal["auto", "none"]:
    """A reference date as the command line and the HTTP API take it: YYYY-MM-DD, today, none or auto.

    Raises ValueError for anything else.
    """
    if value in ("auto", "none"):
        return value
    if value == "today":
        return date.today()
    return date.fromisoformat(value)
