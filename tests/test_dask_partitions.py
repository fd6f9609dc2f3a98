"""Inputs cut into partitions for a cluster read back as the very documents and problems of one process."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from factx.dask.partitions import Partition, Piece, plan
from factx.documents import Document
from factx.errors import Problem
from factx.inputs import read_inputs


def write_jsonl(path: Path, n: int, broken: set[int] = frozenset(), blank: set[int] = frozenset()) -> Path:
    lines = []
    for i in range(1, n + 1):
        if i in broken:
            lines.append("{not json")
        elif i in blank:
            lines.append("")
        else:
            lines.append(json.dumps({"text": f"Document {i}: sales rose {i} percent in March."}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_plan(paths: list[str], size: int) -> tuple[list[Partition], list[Document | Problem]]:
    partitions, items = [], []
    for item in plan(paths, size):
        if isinstance(item, Problem):
            items.append(item)
        else:
            partitions.append(item)
            items.extend(item.read())
    return partitions, items


def comparable(items) -> list:
    """Documents without their path (a worker reads by the absolute one), problems as they are."""
    return [(i.id, i.text, i.reference_date) if isinstance(i, Document) else i for i in items]


def test_a_large_jsonl_file_is_cut_at_line_ends_and_reads_as_one_process_reads_it(tmp_path):
    path = write_jsonl(tmp_path / "docs.jsonl", 200, broken={57, 158}, blank={90, 91})
    partitions, items = read_plan([str(path)], size=700)
    assert len(partitions) > 5
    assert comparable(items) == comparable(read_inputs([str(path)]))
    # The broken lines are named by their line in the file, whichever slice holds them.
    assert [p.where for p in items if isinstance(p, Problem)] == [f"{path}:57", f"{path}:158"]
    # The slices tile the file exactly, each ending at a line end.
    data = path.read_bytes()
    pieces = [piece for p in partitions for piece in p.pieces]
    assert [(a.end, b.start) for a, b in zip(pieces, pieces[1:])] == [(a.end, a.end) for a in pieces[:-1]]
    assert pieces[0].start == 0 and pieces[-1].end == len(data)
    assert all(data[p.end - 1:p.end] == b"\n" for p in pieces)
    assert sum(p.size for p in partitions) == len(data)


def test_a_slice_of_blank_lines_is_no_empty_file(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps({"text": "x" * 50}) + "\n" + "\n" * 200 + json.dumps({"text": "y" * 50}) + "\n")
    _, items = read_plan([str(path)], size=60)
    assert not [i for i in items if isinstance(i, Problem)]
    assert [d.text[0] for d in items] == ["x", "y"]


def test_small_files_are_grouped_in_input_order_and_named_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "news"
    for i in range(7):
        (folder / f"sub{i % 2}").mkdir(parents=True, exist_ok=True)
        (folder / f"sub{i % 2}" / f"{i}.txt").write_text(f"Item {i} rose 3 percent. " * 10)
    small = write_jsonl(tmp_path / "small.jsonl", 3)
    paths = ["news", "missing.txt", "small.jsonl"]
    partitions, items = read_plan(paths, size=600)
    assert 1 < len(partitions) < 7  # grouped, several files a partition
    assert [p.index for p in partitions] == list(range(len(partitions)))
    assert comparable(items) == comparable(read_inputs(paths))
    assert [i.where for i in items if isinstance(i, Problem)] == ["missing.txt"]
    text_docs = [i for i in items if isinstance(i, Document) and i.path]
    assert text_docs[0].id == "news/sub0/0.txt"
    assert all(Path(d.path).is_absolute() and Path(d.path).is_file() for d in text_docs)
    assert small.exists()


def test_an_empty_jsonl_file_is_still_reported(tmp_path):
    (tmp_path / "empty.jsonl").write_text("")
    _, items = read_plan([str(tmp_path / "empty.jsonl")], size=10)
    assert [(p.code, p.where) for p in items] == [("FX402", str(tmp_path / "empty.jsonl"))]


@pytest.mark.parametrize("size", [1, 10**9])
def test_any_partition_size_reads_every_line_once(tmp_path, size):
    path = write_jsonl(tmp_path / "docs.jsonl", 30)
    partitions, items = read_plan([str(path)], size=size)
    assert [d.text for d in items] == [d.text for d in read_inputs([str(path)])]
    assert len(partitions) == (30 if size == 1 else 1)


def test_a_piece_records_where_it_is_read(tmp_path):
    path = write_jsonl(tmp_path / "docs.jsonl", 5)
    [partition] = [p for p in plan([str(path)], 10**6)]
    assert partition.pieces == (Piece(str(path.resolve()), str(path), path.stat().st_size),)
