"""The core's reading of a document's own date: a dateline or "Published:" line."""
from __future__ import annotations

from datetime import date

import regex

from factx import patterncache
from factx.documents import Document
from factx.hookspecs import hookimpl

_MONTHS = {
    name: n
    for n, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_PATTERN = rf"""(?ix)
    (?<![\d-])(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?!\d)
    | \b(?P<d>[0-3]?\d)\s+(?P<mon>{_MONTH})\.?,?\s+(?P<y>(?:19|20)\d\d)\b
    | \b(?P<mon>{_MONTH})\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b
    """
_DATE = patterncache.compile(_DATE_PATTERN)
# Searched backwards, a date is tried from its last digit, which rules out most positions
# at once; forwards, each month name would be tried at every letter (ten times slower).
_DATE_BACKWARDS = patterncache.compile("(?r)" + _DATE_PATTERN)
_LABEL = patterncache.compile(r"(?i)\b(?:published|posted|updated|date(?:line)?d?|filed)\b\s*:?\s*")
_HEAD = 600  # a dateline stands in the first lines


def _parse(m: regex.Match[str]) -> date | None:
    month = int(m.group("m")) if m.group("m") else _MONTHS[m.group("mon").lower()]
    try:
        return date(int(m.group("y")), month, int(m.group("d")))
    except ValueError:
        return None


def find_dateline(text: str) -> date | None:
    """The date a labelled line ("Published: 11 Dec. 2025") gives, else the first full date in the head."""
    head = text[:_HEAD]
    for label in _LABEL.finditer(head):
        m = _DATE.match(head, label.end())
        if m and (found := _parse(m)):
            return found
    for m in reversed(list(_DATE_BACKWARDS.finditer(head))):
        if found := _parse(m):
            return found
    return None


@hookimpl(trylast=True)
def factx_reference_date(document: Document) -> date | None:
    return find_dateline(document.text)
