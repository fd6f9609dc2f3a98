"""Inputs cut into partitions for a cluster: JSON Lines files by size, at line ends; other files whole."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from factx.documents import Document
from factx.errors import Problem
from factx.inputs import JSONL_SUFFIXES, input_files, read_file, read_jsonl_slice

PARTITION_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Piece:
    """A file, or the whole lines of a JSON Lines file in bytes [start, end) (then `first_line` numbers them).

    `path` is absolute, so that a worker reads it whatever its folder;
    `name` is the path as the user gave it, which names the documents;
    `size` is in bytes.
    """

    path: str
    name: str
    size: int
    start: int = 0
    end: int | None = None
    first_line: int = 1

    def read(self) -> Iterator[Document | Problem]:
        if self.end is None:
            for item in read_file(Path(self.path), self.name):
                # A text document's file date is read where it is read: by its absolute path.
                yield replace(item, path=self.path) if isinstance(item, Document) and item.path else item
        else:
            yield from read_jsonl_slice(Path(self.path), self.name, self.start, self.end, self.first_line)


@dataclass(frozen=True, slots=True)
class Partition:
    """The pieces one task reads, in input order; `index` names its part file."""

    index: int
    pieces: tuple[Piece, ...]

    @property
    def size(self) -> int:
        return sum(piece.size for piece in self.pieces)

    def read(self) -> Iterator[Document | Problem]:
        for piece in self.pieces:
            yield from piece.read()


def plan(paths: Iterable[str], size: int = PARTITION_BYTES) -> Iterator[Partition | Problem]:
    """Partitions of about `size` bytes over every input, in input order, and a Problem per missing path.

    Small files are grouped; a JSON Lines file larger than `size` is cut at
    line ends, reading it once to number the lines (reading costs little
    beside extracting).
    """
    index = 0
    group: list[Piece] = []
    grouped = 0

    def close_group() -> Partition:
        nonlocal index, group, grouped
        partition = Partition(index, tuple(group))
        index, group, grouped = index + 1, [], 0
        return partition

    for item in input_files(paths):
        if isinstance(item, Problem):
            if group:  # the files before it come first, as in one process
                yield close_group()
            yield item
            continue
        path, name = item
        try:
            length = path.stat().st_size
        except OSError:
            length = 0  # the worker reports it when it fails to read it
        absolute = str(path.resolve())
        if path.suffix.lower() in JSONL_SUFFIXES and length > size:
            if group:
                yield close_group()
            for piece in _slices(absolute, name, size):
                group.append(piece)
                yield close_group()
            continue
        group.append(Piece(absolute, name, length))
        grouped += length
        if grouped >= size:
            yield close_group()
    if group:
        yield close_group()


def _slices(path: str, name: str, size: int) -> Iterator[Piece]:
    """Pieces of about `size` bytes of a JSON Lines file, each ending at a line end."""
    line = 1
    with open(path, "rb") as f:
        while True:
            start = f.tell()
            chunk = f.read(size)
            if not chunk:
                return
            if not chunk.endswith(b"\n"):
                chunk += f.readline()
            yield Piece(path, name, len(chunk), start, start + len(chunk), line)
            line += chunk.count(b"\n")
