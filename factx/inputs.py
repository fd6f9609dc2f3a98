"""Reading documents from files, folders, globs and stdin, one problem per bad input."""
from __future__ import annotations

import glob
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import BinaryIO

from factx.documents import Document
from factx.errors import Problem

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
_SNIFF = 8192


def read_inputs(paths: Iterable[str], stdin: BinaryIO | None = None) -> Iterator[Document | Problem]:
    """Documents from every path, in order; a Problem in place of each bad file or record."""
    for raw in paths:
        if raw == "-":
            yield from read_stream(stdin or sys.stdin.buffer, "-")
            continue
        for item in input_files([raw]):
            if isinstance(item, Problem):
                yield item
            else:
                yield from read_file(*item)


def input_files(paths: Iterable[str]) -> Iterator[tuple[Path, str] | Problem]:
    """Every file the paths name, in order, with its name as given; a Problem for a path that names none.

    Folders give their files with a known suffix, recursively; the name (a text
    document's `doc_id`) is the folder as given joined with the file's path in it.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            for p in found:
                yield p, os.path.join(raw, str(p.relative_to(path)))
        elif path.exists():
            yield path, raw
        elif glob.has_magic(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                yield Problem("FX401", "no file matches this pattern", raw)
            for match in matches:
                if Path(match).is_file():
                    yield Path(match), match
        else:
            yield Problem("FX401", "no such file or folder", raw)


def read_file(path: Path, name: str | None = None) -> Iterator[Document | Problem]:
    """The documents of one file: one for text and HTML, one per line for JSON Lines.

    `name`, the path as the user gave it, is the `doc_id` of a text document.
    """
    name = name or str(path)
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:
            with path.open("rb") as f:
                yield from _read_jsonl(f, name)
            return
        data = path.read_bytes()
    except OSError as e:
        yield Problem("FX406", f"cannot read: {e.strerror or e}", name)
        return
    text = _decode(data, name)
    if not isinstance(text, Problem) and suffix in HTML_SUFFIXES:
        text = _html_text(text)
        if not text.strip():
            text = Problem("FX402", "empty document (no text outside the markup)", name)
    yield text if isinstance(text, Problem) else Document(name, text, path=name)


def read_stream(stream: BinaryIO, name: str) -> Iterator[Document | Problem]:
    """Stdin: JSON Lines if its first line starts with "{", else one text document."""
    first = stream.readline()
    if first.lstrip().startswith(b"{"):
        yield from _read_jsonl(_chain(first, stream), name)
        return
    text = _decode(first + stream.read(), name)
    yield text if isinstance(text, Problem) else Document(name, text)


def _chain(first: bytes, rest: BinaryIO) -> Iterator[bytes]:
    yield first
    yield from rest


def _decode(data: bytes, name: str, line: int | None = None) -> str | Problem:
    where = f"{name}:{line}" if line else name
    if b"\x00" in data[:_SNIFF]:
        return Problem("FX403", "binary file (NUL bytes), skipped", where)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return Problem("FX404", f"not UTF-8: byte 0x{data[e.start]:02x} at offset {e.start}", where)
    if not text.strip():
        return Problem("FX402", "empty document", where)
    return text


def read_jsonl_slice(path: Path, name: str, start: int, end: int, first_line: int) -> Iterator[Document | Problem]:
    """The records of bytes [start, end) of a JSON Lines file, whole lines, the first being line `first_line`."""
    try:
        with path.open("rb") as f:
            f.seek(start)
            data = f.read(end - start)
    except OSError as e:
        yield Problem("FX406", f"cannot read: {e.strerror or e}", name)
        return
    yield from _read_jsonl(io.BytesIO(data), name, first_line, whole_file=False)


def _read_jsonl(lines: Iterable[bytes], name: str, first_line: int = 1,
                whole_file: bool = True) -> Iterator[Document | Problem]:
    seen = not whole_file  # a slice of blank lines is no empty file
    for n, raw in enumerate(lines, first_line):
        if not raw.strip():
            continue
        seen = True
        text = _decode(raw, name, n)
        if isinstance(text, Problem):
            yield text
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as e:
            yield Problem("FX405", f"not JSON: {e.msg} at column {e.colno}", f"{name}:{n}")
            continue
        doc = _document(record, name, n)
        yield doc
    if not seen:
        yield Problem("FX402", "empty document", name)


def _document(record: object, name: str, n: int) -> Document | Problem:
    where = f"{name}:{n}"
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return Problem("FX405", 'a record needs a "text" string', where)
    ref = record.get("reference_date")
    try:
        reference = date.fromisoformat(ref) if ref else None
    except (TypeError, ValueError):
        return Problem("FX405", f"reference_date {ref!r} is not YYYY-MM-DD", where)
    doc_id = record.get("id")
    return Document(str(doc_id) if doc_id is not None else where, record["text"], reference)


_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "title", "section", "article",
           "header", "footer", "blockquote", "pre", "table", "ul", "ol", "dt", "dd"}
_SKIP = {"script", "style", "noscript", "template"}


def _html_text(markup: str) -> str:
    """The text of an HTML page, a line break at each block element."""
    from html.parser import HTMLParser  # loaded only for HTML: its import compiles a dozen regexes

    parts: list[str] = []
    skipping = 0

    def start(tag: str, attrs) -> None:
        nonlocal skipping
        if tag in _SKIP:
            skipping += 1
        elif tag in _BLOCKS:
            parts.append("\n")

    def end(tag: str) -> None:
        nonlocal skipping
        if tag in _SKIP:
            skipping = max(0, skipping - 1)
        elif tag in _BLOCKS:
            parts.append("\n")

    def data(text: str) -> None:
        if not skipping:
            parts.append(text)

    parser = HTMLParser(convert_charrefs=True)
    parser.handle_starttag, parser.handle_endtag, parser.handle_data = start, end, data
    parser.feed(markup)
    parser.close()
    return "".join(parts)
