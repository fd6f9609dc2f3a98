"""Documents as the engine sees them, and the reference dates every entry point takes."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, Union

from factx.errors import Problem

Reference = Union[date, Literal["auto", "none"]]
# What every entry point takes as a reference date (see `parse_reference`).
ReferenceLike = Union[date, str, None]


@dataclass(frozen=True, slots=True)
class Document:
    """A text to extract from.

    `reference_date` is what relative dates resolve against (None: unknown; a
    `datetime` is taken as its date); `path` is the file it came from, if any.
    A text that is not a str is a TypeError.
    """

    id: str
    text: str
    reference_date: date | None = None
    path: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise TypeError(f"document {self.id!r}: text must be a str, not {type(self.text).__name__}")
        if not isinstance(self.id, str):
            raise TypeError(f"a document id must be a str, not {type(self.id).__name__}: {self.id!r}")
        ref = self.reference_date
        if isinstance(ref, datetime):
            object.__setattr__(self, "reference_date", ref.date())
        elif ref is not None and not isinstance(ref, date):
            raise ValueError(f"document {self.id!r}: reference_date {ref!r} is not a date (or None)")


_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate(text: str) -> int | None:
    """The offset of the first lone surrogate in `text` (no Unicode text holds one, so no writer takes it), or None."""
    if text.isascii():
        return None
    found = _SURROGATE.search(text)
    return found.start() if found else None


DocumentLike = Union[Document, str, Mapping[str, Any]]


def as_document(item: DocumentLike, index: int = 0) -> Document:
    """A Document from a Document, a str, or a mapping with `text` and optional `id` and `reference_date`
    (a date, or anything `parse_reference` reads as one).

    A str, or a mapping without an id, is named `doc-<index>`. Anything else is a TypeError or a
    ValueError saying what is wrong.
    """
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document(f"doc-{index}", item)
    if not isinstance(item, Mapping):
        raise TypeError(f"a document is a str, a Document or a mapping with a 'text', not {type(item).__name__}")
    if "text" not in item:
        raise ValueError("the mapping has no 'text'")
    if not isinstance(item["text"], str):
        raise TypeError(f'"text" must be a str, not {type(item["text"]).__name__}')
    doc_id = item.get("id")
    ref = item.get("reference_date")
    if ref is not None:
        ref = parse_reference(ref)
        if not isinstance(ref, date):
            raise ValueError(f"reference_date {item['reference_date']!r} is not a date")
    return Document(f"doc-{index}" if doc_id is None else str(doc_id), item["text"], ref)


def document_or_problem(item: DocumentLike, index: int) -> Document | Problem:
    """The item as a Document, or, when it is not one, the problem: never an exception."""
    try:
        return as_document(item, index)
    except Exception as e:  # whatever a malformed item raises while it is read: a bad input, not a fault
        return Problem("FX405", f"not a document: {type(e).__name__}: {e}", f"doc-{index}")


def parse_reference(value: ReferenceLike) -> Reference:
    """A reference date as every entry point takes it (the API, the command line, the HTTP API).

    A `date` (a `datetime` stands for its date); an ISO date string
    ("2025-12-11"); "today"; "auto" (find the document's own: its metadata, its
    dateline, its file's date); "none" or None (no reference date: relative
    dates stay unresolved). Raises ValueError naming anything else.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None:
        return "none"
    if isinstance(value, str):
        if value in ("auto", "none"):
            return value
        if value == "today":
            return date.today()
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"reference date {value!r} is not a date: give a date, YYYY-MM-DD, 'today', 'auto', "
                     "'none' or None")
