"""The HTML report of `factx extract --format html`: every document with its facts highlighted, one file."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from factx.highlight import asset, fill, script_json

if TYPE_CHECKING:
    from collections.abc import Iterable

    from factx.documents import Document
    from factx.errors import Problem
    from factx.records import Fact

# A report of more documents than this opens with every document folded; a document is drawn when unfolded.
OPEN_UP_TO = 20


class HtmlReport:
    """Collects documents and their facts, then renders them as one self-contained HTML page."""

    def __init__(self, types: Iterable[str] = ()):
        self.types = sorted(types)
        self.documents: list[dict[str, Any]] = []

    def document(self, document: Document, problems: Iterable[Problem] = ()) -> None:
        """Start a document: the facts added next are its facts."""
        self.documents.append({"id": document.id, "text": document.text, "facts": [],
                               "problems": [str(p) for p in problems]})

    def fact(self, fact: Fact) -> None:
        """Add a fact to its document (a document with no text if none was started for it)."""
        if not self.documents or self.documents[-1]["id"] != fact.doc_id:
            self.documents.append({"id": fact.doc_id, "text": "", "facts": [], "problems": []})
        self.documents[-1]["facts"].append(fact.model_dump(mode="json"))

    def render(self) -> str:
        """The page: the shared view's style and script, this report's script, and the data."""
        data = {"types": self.types, "open_up_to": OPEN_UP_TO, "documents": self.documents}
        return fill(asset("report.html"), {"view.css": asset("view.css"), "view.js": asset("view.js"),
                                           "report.js": asset("report.js"), "data": script_json(data)})
