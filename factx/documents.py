"""Documents as the engine sees them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal


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


def parse_reference(value: str) -> date | Literal["auto", "none"]:
    """A reference date as the command line and the HTTP API take it: YYYY-MM-DD, today, none or auto.

    Raises ValueError for anything else.
    """
    if value in ("auto", "none"):
        return value
    if value == "today":
        return date.today()
    return date.fromisoformat(value)
