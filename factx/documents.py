"""Documents as the engine sees them."""
from __future__ import annotations

import re
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


_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate(text: str) -> int | None:
    """The offset of the first lone surrogate in `text` (no Unicode text holds one, so no writer takes it), or None."""
    if text.isascii():
        return None
    found = _SURROGATE.search(text)
    return found.start() if found else None
