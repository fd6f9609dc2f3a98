"""Documents as the engine sees them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


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
