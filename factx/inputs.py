"""Reading documents from files, folders, globs and stdin, one problem per bad input."""
from __future__ import annotations

import codecs
import glob
import io
import json
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import BinaryIO

from factx.documents import Document, lone_surrogate
from factx.errors import Problem

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
_SNIFF = 8192
# Longest first: the UTF-32 little-endian mark begins with the UTF-16 one.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def read_inputs(paths: Iterable[str], stdin: BinaryIO | None = None) -> Iterator[Document | Problem]:
    """Documents from every path, in order; a Problem in place of each bad file or record.

    Files met in a folder or through a glob must be regular files; a path
    given by itself may also be a FIFO, as a pipe reaches a program.
    """
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
            yield from _folder_files(path, raw)
        elif path.exists():
            kind = _kind(path)
            if kind in (None, "FIFO"):
                yield path, raw
            else:
                yield Problem("FX406", f"not a regular file or a FIFO but a {kind}, skipped", raw)
        elif glob.has_magic(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                yield Problem("FX401", "no file matches this pattern", raw)
            for match in matches:
                yield from _found_file(Path(match), match, walking=False)
        else:
            yield Problem("FX401", "no such file or folder", raw)


def _folder_files(path: Path, raw: str) -> Iterator[tuple[Path, str] | Problem]:
    """Every file with a known suffix in a folder and its subfolders; a problem if there is none."""
    found = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and not p.is_dir())
    if not found:
        known = ", ".join(sorted(SUFFIXES))
        yield Problem("FX402", f"empty folder: no file in it or below it ends in {known}", raw)
    for p in found:
        yield from _found_file(p, os.path.join(raw, str(p.relative_to(path))), walking=True)


def _found_file(path: Path, name: str, walking: bool) -> Iterator[tuple[Path, str] | Problem]:
    """A file met in a folder or through a glob: taken if it is a regular file, never if it is a FIFO or device."""
    kind = _kind(path)
    if kind is None:
        yield path, name
    elif kind == "folder":
        if not walking and path.suffix.lower() in SUFFIXES:  # a glob's "*.txt" met a folder named so
            yield Problem("FX406", "a folder, not a file: give the folder itself to read the files in it", name)
    elif kind != "missing":  # a dangling symbolic link in a folder is no input
        yield Problem("FX406", f"not a regular file but a {kind}, skipped", name)


def _kind(path: Path) -> str | None:
    """What a path is, when it is not a regular file (symbolic links followed); None for a regular file."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "missing"
    if stat.S_ISREG(mode):
        return None
    for test, kind in ((stat.S_ISDIR, "folder"), (stat.S_ISFIFO, "FIFO"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return kind
    return "special file"


def read_file(path: Path, name: str | None = None) -> Iterator[Document | Problem]:
    """The documents of one file: one for text and HTML, one per line for JSON Lines.

    `name`, the path as the user gave it, is the `doc_id` of a text document.
    """
    name = name or str(path)
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:
            with path.open("rb") as f:
                encoding = _bom_encoding(f.peek(4)[:4])
                yield from _read_jsonl(_lines_as_utf8(f, encoding) if encoding else f, name)
            return
        data = path.read_bytes()
    except OSError as e:
        yield Problem("FX406", f"cannot read: {e.strerror or e}", name)
        return
    except UnicodeDecodeError as e:
        yield Problem("FX404", f"not {e.encoding.upper()}: {e.reason}", name)
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
    if _bom_encoding(first[:4]):  # UTF-16 or UTF-32: decoded whole before its lines can be told apart
        text = _decode(first + stream.read(), name)
        if isinstance(text, Problem) or not text.lstrip().startswith("{"):
            yield text if isinstance(text, Problem) else Document(name, text)
        else:
            yield from _read_jsonl((line.encode("utf-8") for line in io.StringIO(text, newline="")), name)
        return
    if first.lstrip().startswith(b"{"):
        yield from _read_jsonl(_chain(first, stream), name)
        return
    text = _decode(first + stream.read(), name)
    yield text if isinstance(text, Problem) else Document(name, text)


def _chain(first: bytes, rest: BinaryIO) -> Iterator[bytes]:
    yield first
    yield from rest


def _bom_encoding(head: bytes) -> str | None:
    """The encoding a UTF-16 or UTF-32 byte order mark at the start of `head` names, else None."""
    return next((encoding for bom, encoding in _BOMS if head.startswith(bom)), None)


def _lines_as_utf8(f: BinaryIO, encoding: str) -> Iterator[bytes]:
    """The lines of a UTF-16 or UTF-32 file, re-encoded as UTF-8 (their newlines are more than one byte)."""
    for line in io.TextIOWrapper(f, encoding=encoding, newline=""):
        yield line.encode("utf-8")


def _decode(data: bytes, name: str, line: int | None = None) -> str | Problem:
    where = f"{name}:{line}" if line else name
    encoding = _bom_encoding(data[:4])
    if encoding is None and b"\x00" in data[:_SNIFF]:
        return Problem("FX403", "binary file (NUL bytes), skipped", where)
    try:
        text = data.decode(encoding or "utf-8-sig")
    except UnicodeDecodeError as e:
        if encoding:
            return Problem("FX404", f"not {encoding.upper()}: {e.reason} at byte offset {e.start}", where)
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
        where = f"{name}:{n}"
        try:
            record = json.loads(text)
        except json.JSONDecodeError as e:
            yield Problem("FX405", f"not JSON: {e.msg} at column {e.colno}", where)
            continue
        except ValueError as e:  # a number of more digits than Python converts
            yield Problem("FX405", f"cannot be read: {str(e).split(';')[0]}", where)
            continue
        except RecursionError:
            yield Problem("FX405", "cannot be read: nested too deeply", where)
            continue
        yield _document(record, where)
    if not seen:
        yield Problem("FX402", "empty document", name)


def _document(record: object, where: str) -> Document | Problem:
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return Problem("FX405", 'a record needs a "text" string', where)
    ref = record.get("reference_date")
    try:
        reference = date.fromisoformat(ref) if ref else None
    except (TypeError, ValueError):
        return Problem("FX405", f"reference_date {ref!r} is not YYYY-MM-DD", where)
    doc_id = record.get("id")
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int | float | None):
        return Problem("FX405", f'"id" must be a string or a number, not {type(doc_id).__name__}', where)
    for key, value in (("id", doc_id), ("text", record["text"])):
        if isinstance(value, str) and (at := lone_surrogate(value)) is not None:
            return Problem("FX405", f'"{key}" is not Unicode text: a lone surrogate U+{ord(value[at]):04X} at offset {at}', where)
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
