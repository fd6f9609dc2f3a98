"""Reading documents: text, Markdown, JSON Lines, HTML, folders, globs, stdin, and one problem per bad input."""
from __future__ import annotations

import io
import json
import os
from datetime import date
from pathlib import Path

import pytest

from factx.documents import Document
from factx.errors import Problem
from factx.inputs import read_inputs


def read(*paths, stdin: bytes | None = None) -> list[Document | Problem]:
    return list(read_inputs([str(p) for p in paths], stdin=None if stdin is None else io.BytesIO(stdin)))


def docs_of(items) -> list[Document]:
    return [i for i in items if isinstance(i, Document)]


def problems_of(items) -> list[Problem]:
    return [i for i in items if isinstance(i, Problem)]


def write_jsonl(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# -- text and Markdown -----------------------------------------------------------


@pytest.mark.parametrize("name", ["note.txt", "README.md"])
def test_text_file_is_one_document_named_by_the_path_as_given(tmp_path, name):
    text = "Rates rose 15 percent.\nThen they fell 2 percent.\n"
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")

    items = read(path)

    assert items == [Document(str(path), text, path=str(path))]


def test_text_file_keeps_line_endings_so_offsets_are_faithful(tmp_path):
    raw = "first line\r\nsecond 5%\r\n"
    path = tmp_path / "crlf.txt"
    path.write_bytes(raw.encode("utf-8"))

    (doc,) = read(path)

    assert doc.text == raw


def test_utf8_bom_is_not_part_of_the_text(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfHello 5%")

    (doc,) = read(path)

    assert doc.text == "Hello 5%"


def test_relative_path_keeps_its_spelling(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("up 3%", encoding="utf-8")

    (doc,) = read("sub/a.txt")

    assert doc.id == "sub/a.txt"


def test_dot_slash_path_is_kept_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("up 3%", encoding="utf-8")

    (doc,) = read("./a.txt")

    assert doc.id == "./a.txt"


# -- JSON Lines ------------------------------------------------------------------


def test_jsonl_gives_one_document_per_line_with_id_text_and_reference_date(tmp_path):
    records = [
        {"id": "a", "text": "Rates rose 15 percent.", "reference_date": "2025-12-11"},
        {"id": "b", "text": "No numbers here."},
        {"id": 7, "text": "An integer id.", "reference_date": None},
    ]
    path = write_jsonl(tmp_path / "docs.jsonl", records)

    items = read(path)

    assert problems_of(items) == []
    assert [d.id for d in items] == [str(r["id"]) for r in records]
    assert [d.text for d in items] == [r["text"] for r in records]
    assert [d.reference_date for d in items] == [
        date.fromisoformat(r["reference_date"]) if r.get("reference_date") else None for r in records
    ]


def test_jsonl_blank_lines_are_skipped(tmp_path):
    path = tmp_path / "gaps.jsonl"
    path.write_text('\n{"id": "a", "text": "one"}\n\n   \n{"id": "b", "text": "two"}\n', encoding="utf-8")

    items = read(path)

    assert [(d.id, d.text) for d in items] == [("a", "one"), ("b", "two")]


def test_jsonl_broken_line_is_one_problem_naming_file_and_line_and_the_rest_come_through(tmp_path):
    path = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps({"id": "first", "text": "Up 1%."}),
        '{"id": "broken", "text": "unterminated',
        json.dumps({"id": "third", "text": "Up 3%."}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    items = read(path)

    assert [d.id for d in docs_of(items)] == ["first", "third"]
    (problem,) = problems_of(items)
    assert problem.where == f"{path}:2"
    assert f"{path}:2" in str(problem)
    # In input order: the problem sits where the broken line was.
    assert isinstance(items[1], Problem)


def test_jsonl_record_without_text_is_a_problem(tmp_path):
    path = write_jsonl(tmp_path / "notext.jsonl", [{"id": "a", "body": "wrong key"}, {"id": "b", "text": "ok"}])

    items = read(path)

    assert [d.id for d in docs_of(items)] == ["b"]
    (problem,) = problems_of(items)
    assert problem.where == f"{path}:1"
    assert "text" in problem.message


@pytest.mark.parametrize("record", [["a list"], "a string", {"id": "a", "text": 42}])
def test_jsonl_record_that_is_not_an_object_with_text_is_a_problem(tmp_path, record):
    path = write_jsonl(tmp_path / "odd.jsonl", [record])

    items = read(path)

    assert docs_of(items) == []
    assert [p.where for p in problems_of(items)] == [f"{path}:1"]


@pytest.mark.parametrize("bad", ["2025-13-01", "yesterday", 20251211])
def test_jsonl_bad_reference_date_is_a_problem(tmp_path, bad):
    path = write_jsonl(tmp_path / "dates.jsonl", [
        {"id": "ok", "text": "fine", "reference_date": "2025-01-31"},
        {"id": "bad", "text": "x", "reference_date": bad},
    ])

    items = read(path)

    assert [d.id for d in docs_of(items)] == ["ok"]
    (problem,) = problems_of(items)
    assert problem.where == f"{path}:2"
    assert "reference_date" in problem.message
    assert str(bad) in problem.message


def test_jsonl_without_id_gets_a_unique_id(tmp_path):
    path = write_jsonl(tmp_path / "noid.jsonl", [{"text": "one"}, {"text": "two"}])

    ids = [d.id for d in read(path)]

    assert len(set(ids)) == 2


def test_empty_jsonl_is_a_problem(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")

    items = read(path)

    assert len(items) == 1 and isinstance(items[0], Problem)
    assert items[0].where == str(path)


# -- HTML ------------------------------------------------------------------------


def test_html_gives_text_without_markup_scripts_or_styles(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<!doctype html><html><head><title>Rates</title>"
        "<style>body { width: 50%; } .x { color: red }</style>"
        "<script>var share = '99 percent'; if (a < b) { alert(1); }</script></head>"
        "<body><h1>Markets</h1><p>Rates rose <b>15 percent</b> &amp; more.</p>"
        "<div>Second&nbsp;block</div></body></html>",
        encoding="utf-8",
    )

    (doc,) = read(path)

    assert isinstance(doc, Document) and doc.id == str(path)
    assert "<" not in doc.text and ">" not in doc.text
    assert "Rates rose 15 percent & more." in doc.text
    assert "Markets" in doc.text and "Second\xa0block" in doc.text
    for hidden in ("99 percent", "alert", "width", "color"):
        assert hidden not in doc.text


def test_html_with_only_markup_is_an_empty_document(tmp_path):
    path = tmp_path / "blank.htm"
    path.write_text("<html><script>var x = '5%';</script><body>  </body></html>", encoding="utf-8")

    items = read(path)

    assert len(items) == 1 and isinstance(items[0], Problem)
    assert items[0].where == str(path)


# -- folders, globs, missing paths ----------------------------------------------


def test_folder_is_read_recursively_with_known_suffixes_only(tmp_path):
    root = tmp_path / "corpus"
    (root / "deep" / "deeper").mkdir(parents=True)
    wanted = {
        root / "a.txt": "alpha 1%",
        root / "deep" / "b.md": "beta 2%",
        root / "deep" / "deeper" / "c.txt": "gamma 3%",
        root / "deep" / "d.html": "<p>delta 4%</p>",
    }
    for path, text in wanted.items():
        path.write_text(text, encoding="utf-8")
    write_jsonl(root / "deep" / "e.jsonl", [{"id": "e1", "text": "epsilon 5%"}])
    for ignored in ("notes.csv", "data.json", "image.png", "script.py", "noext"):
        (root / "deep" / ignored).write_text("ignored 99%", encoding="utf-8")

    items = read(root)

    assert problems_of(items) == []
    by_id = {d.id: d.text for d in items}
    assert set(by_id) == {str(p) for p in wanted} | {"e1"}
    for path, text in wanted.items():
        if path.suffix == ".html":
            assert by_id[str(path)].strip() == "delta 4%"
        else:
            assert by_id[str(path)] == text
    assert "ignored 99%" not in by_id.values()


def test_glob_reads_the_matching_files(tmp_path):
    for name in ("x1.txt", "x2.txt", "y.txt", "x3.md"):
        (tmp_path / name).write_text(f"file {name}", encoding="utf-8")

    items = read(tmp_path / "x*.txt")

    assert sorted(d.id for d in items) == sorted(str(tmp_path / n) for n in ("x1.txt", "x2.txt"))
    assert all(d.text == f"file {Path(d.id).name}" for d in items)


def test_recursive_glob(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("one", encoding="utf-8")
    (tmp_path / "a" / "b" / "two.txt").write_text("two", encoding="utf-8")

    items = read(f"{tmp_path}/**/*.txt")

    assert sorted(d.text for d in items) == ["one", "two"]


def test_glob_matching_nothing_is_a_problem(tmp_path):
    pattern = str(tmp_path / "nothing*.txt")

    items = read(pattern)

    assert len(items) == 1 and isinstance(items[0], Problem)
    assert items[0].where == pattern


def test_missing_path_is_a_problem_and_others_still_read(tmp_path):
    missing = tmp_path / "missing.txt"
    good = tmp_path / "good.txt"
    good.write_text("fine", encoding="utf-8")

    items = read(missing, good)

    assert isinstance(items[0], Problem) and items[0].where == str(missing)
    assert str(missing) in str(items[0])
    assert [d.id for d in docs_of(items)] == [str(good)]


# -- bad files -------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\t\n"])
def test_empty_file_is_a_problem(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)

    items = read(path)

    assert len(items) == 1 and isinstance(items[0], Problem)
    assert items[0].where == str(path)


def test_binary_file_is_a_problem(tmp_path):
    path = tmp_path / "blob.txt"
    path.write_bytes(b"PK\x03\x04\x00\x00\x14\x00" + bytes(range(256)) * 4)

    items = read(path)

    assert len(items) == 1 and isinstance(items[0], Problem)
    assert items[0].where == str(path)
    assert "binary" in items[0].message.lower()


def test_invalid_utf8_is_a_problem_naming_the_byte_offset(tmp_path):
    prefix = "Café costs 5%, ".encode("utf-8")
    path = tmp_path / "latin1.txt"
    path.write_bytes(prefix + b"\xe9t\xe9 " + b"more")

    items = read(path)

    assert len(items) == 1 and isinstance(items[0], Problem)
    assert items[0].where == str(path)
    assert f"offset {len(prefix)}" in items[0].message


def test_invalid_utf8_line_in_jsonl_names_the_line(tmp_path):
    path = tmp_path / "enc.jsonl"
    path.write_bytes(b'{"id": "a", "text": "ok"}\n{"id": "b", "text": "caf\xe9"}\n{"id": "c", "text": "ok"}\n')

    items = read(path)

    assert [d.id for d in docs_of(items)] == ["a", "c"]
    (problem,) = problems_of(items)
    assert problem.where == f"{path}:2"


def test_bad_file_does_not_stop_the_next_path(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfd")
    good = tmp_path / "good.md"
    good.write_text("# Title", encoding="utf-8")

    items = read(bad, good)

    assert isinstance(items[0], Problem) and items[0].where == str(bad)
    assert items[1] == Document(str(good), "# Title", path=str(good))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions and a non-root user")
def test_unreadable_file_is_a_problem(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("hidden", encoding="utf-8")
    path.chmod(0)
    try:
        items = read(path)
    finally:
        path.chmod(0o644)

    assert len(items) == 1 and isinstance(items[0], Problem) and items[0].where == str(path)


# -- stdin -----------------------------------------------------------------------


def test_stdin_text_is_one_document():
    text = "Rates rose 15 percent.\nSecond line 3%.\n"

    items = read("-", stdin=text.encode("utf-8"))

    assert len(items) == 1
    assert items[0].id == "-" and items[0].text == text


def test_stdin_jsonl_is_one_document_per_line():
    records = [{"id": "s1", "text": "one 1%", "reference_date": "2024-02-29"}, {"id": "s2", "text": "two 2%"}]
    data = "".join(json.dumps(r) + "\n" for r in records).encode("utf-8")

    items = read("-", stdin=data)

    assert [(d.id, d.text) for d in items] == [(r["id"], r["text"]) for r in records]
    assert items[0].reference_date == date(2024, 2, 29) and items[1].reference_date is None


def test_stdin_jsonl_broken_line_is_named_by_line():
    data = b'{"id": "s1", "text": "one"}\n{not json}\n{"id": "s3", "text": "three"}\n'

    items = read("-", stdin=data)

    assert [d.id for d in docs_of(items)] == ["s1", "s3"]
    assert [p.where for p in problems_of(items)] == ["-:2"]


def test_stdin_empty_and_binary_are_problems():
    assert all(isinstance(i, Problem) for i in read("-", stdin=b""))
    assert len(read("-", stdin=b"")) == 1
    binary = read("-", stdin=b"abc\x00def")
    assert len(binary) == 1 and isinstance(binary[0], Problem) and binary[0].where == "-"


# -- size ------------------------------------------------------------------------


def test_huge_single_line_text_file_reads_fine(tmp_path):
    text = ("word 5% " * 700_000)[:5_000_000]
    path = tmp_path / "huge.txt"
    path.write_text(text, encoding="utf-8")

    (doc,) = read(path)

    assert isinstance(doc, Document) and len(doc.text) == len(text) and doc.text == text


def test_huge_single_line_jsonl_record_reads_fine(tmp_path):
    text = "x" * 5_000_000 + " 5%"
    path = write_jsonl(tmp_path / "huge.jsonl", [{"id": "big", "text": text}, {"id": "small", "text": "s"}])

    items = read(path)

    assert [d.id for d in items] == ["big", "small"]
    assert items[0].text == text


# -- records no reader should fail on (issue 17) -----------------------------------


def test_jsonl_id_of_5000_digits_is_a_problem_of_its_line_only(tmp_path):
    path = tmp_path / "bigid.jsonl"
    path.write_text('{"id": %s, "text": "x 5%%"}\n{"id": "ok", "text": "y 6%%"}\n' % ("9" * 5000), encoding="utf-8")

    items = read(path)

    assert [d.id for d in docs_of(items)] == ["ok"]
    (problem,) = problems_of(items)
    assert (problem.code, problem.where) == ("FX405", f"{path}:1")
    assert "5000 digits" in problem.message


def test_jsonl_line_nested_100000_deep_is_a_problem_of_its_line_only(tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + '\n{"id": "ok", "text": "y 6%"}\n', encoding="utf-8")

    items = read(path)

    assert [d.id for d in docs_of(items)] == ["ok"]
    (problem,) = problems_of(items)
    assert (problem.code, problem.where) == ("FX405", f"{path}:1")
    assert "nested too deeply" in problem.message


@pytest.mark.parametrize("field", ["id", "text"])
def test_jsonl_lone_surrogate_is_a_problem_of_its_line_only(tmp_path, field):
    record = {"id": "a", "text": "x 5% y"}
    record[field] = record[field][:1] + "\ud800" + record[field][1:]
    path = tmp_path / "surrogate.jsonl"
    path.write_text(json.dumps(record) + '\n{"id": "ok", "text": "y 6%"}\n', encoding="ascii")  # escaped: \ud800

    items = read(path)

    assert [d.id for d in docs_of(items)] == ["ok"]
    (problem,) = problems_of(items)
    assert (problem.code, problem.where) == ("FX405", f"{path}:1")
    assert f'"{field}"' in problem.message and "U+D800 at offset 1" in problem.message


@pytest.mark.parametrize("doc_id, expected", [(7, "7"), (1.5, "1.5"), ("x", "x"), (None, "{path}:1")])
def test_jsonl_id_may_be_a_string_or_a_number(tmp_path, doc_id, expected):
    path = write_jsonl(tmp_path / "ids.jsonl", [{"id": doc_id, "text": "t"}])

    (doc,) = read(path)

    assert doc.id == expected.format(path=path)


@pytest.mark.parametrize("doc_id", [True, [1], {"a": 1}])
def test_jsonl_id_of_another_kind_is_a_problem(tmp_path, doc_id):
    path = write_jsonl(tmp_path / "ids.jsonl", [{"id": doc_id, "text": "t"}, {"id": "ok", "text": "t"}])

    items = read(path)

    assert [d.id for d in docs_of(items)] == ["ok"]
    (problem,) = problems_of(items)
    assert problem.where == f"{path}:1" and '"id" must be a string or a number' in problem.message


# -- UTF-16 and UTF-32 ---------------------------------------------------------------


ENCODINGS = ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_text_file_with_a_utf16_or_utf32_bom_is_decoded(tmp_path, encoding):
    text = "Rates rose 15 percent in São Paulo.\n"
    path = tmp_path / "wide.txt"
    path.write_bytes(_bom(encoding) + text.encode(encoding))

    (doc,) = read(path)

    assert isinstance(doc, Document) and doc.text == text


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_jsonl_file_with_a_utf16_or_utf32_bom_gives_its_records(tmp_path, encoding):
    records = [{"id": "a", "text": "un 5% à Paris"}, {"id": "b", "text": "deux 6%"}]
    path = tmp_path / "wide.jsonl"
    path.write_bytes(_bom(encoding) + "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode(encoding))

    items = read(path)

    assert [(d.id, d.text) for d in items] == [(r["id"], r["text"]) for r in records]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-32-be"])
def test_stdin_with_a_bom_is_decoded_as_text_or_as_json_lines(encoding):
    text = read("-", stdin=_bom(encoding) + "Rates rose 15 percent.\n".encode(encoding))
    records = read("-", stdin=_bom(encoding) + '{"id": "a", "text": "one"}\n{"id": "b", "text": "two"}\n'.encode(encoding))

    assert [(d.id, d.text) for d in text] == [("-", "Rates rose 15 percent.\n")]
    assert [(d.id, d.text) for d in records] == [("a", "one"), ("b", "two")]


def test_utf16_file_cut_in_the_middle_of_a_character_is_a_problem(tmp_path):
    path = tmp_path / "cut.txt"
    path.write_bytes(_bom("utf-16-le") + "Rates rose 15 percent.".encode("utf-16-le") + b"\x00")

    (problem,) = read(path)

    assert isinstance(problem, Problem) and problem.code == "FX404" and "UTF-16" in problem.message


def _bom(encoding: str) -> bytes:
    import codecs

    return {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
            "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}[encoding]


# -- what is not a regular file ------------------------------------------------------


def test_fifo_in_a_folder_is_skipped_with_a_line_and_never_opened(tmp_path):
    (tmp_path / "a.txt").write_text("alpha 1%", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")  # opening it to read would wait for a writer forever

    items = read(tmp_path)

    assert [d.id for d in docs_of(items)] == [str(tmp_path / "a.txt")]
    (problem,) = problems_of(items)
    assert problem.where == str(tmp_path / "pipe.txt") and "FIFO" in problem.message


def test_link_to_a_device_in_a_folder_is_skipped_with_a_line(tmp_path):
    (tmp_path / "a.txt").write_text("alpha 1%", encoding="utf-8")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")  # read, it would never end

    items = read(tmp_path)

    assert [d.id for d in docs_of(items)] == [str(tmp_path / "a.txt")]
    (problem,) = problems_of(items)
    assert problem.where == str(tmp_path / "zero.txt") and "character device" in problem.message


def test_fifo_through_a_glob_is_skipped_with_a_line(tmp_path):
    (tmp_path / "a.txt").write_text("alpha 1%", encoding="utf-8")
    os.mkfifo(tmp_path / "b.txt")

    items = read(tmp_path / "*.txt")

    assert [d.id for d in docs_of(items)] == [str(tmp_path / "a.txt")]
    assert [p.where for p in problems_of(items)] == [str(tmp_path / "b.txt")]


def test_fifo_given_by_itself_is_read_as_a_pipe(tmp_path):
    import threading

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_text, args=("Rates rose 15 percent.",))
    writer.start()
    try:
        items = read(fifo)
    finally:
        writer.join(10)

    assert [(d.id, d.text) for d in items] == [(str(fifo), "Rates rose 15 percent.")]


def test_device_given_by_itself_is_refused_with_a_line_not_read():
    (problem,) = read("/dev/zero")

    assert isinstance(problem, Problem) and problem.where == "/dev/zero"
    assert "character device" in problem.message


def test_folder_named_like_a_text_file_is_walked(tmp_path):
    folder = tmp_path / "x.txt"
    folder.mkdir()
    (folder / "inner.md").write_text("beta 2%", encoding="utf-8")

    items = read(folder)

    assert [d.id for d in items] == [str(folder / "inner.md")]


def test_empty_folder_is_named_on_a_line_not_taken_silently(tmp_path):
    folder = tmp_path / "x.txt"
    folder.mkdir()
    (folder / "notes.csv").write_text("not read", encoding="utf-8")

    (problem,) = read(folder)

    assert isinstance(problem, Problem) and problem.where == str(folder) and "empty folder" in problem.message


def test_folder_met_by_a_glob_for_text_files_is_refused_with_a_line(tmp_path):
    (tmp_path / "a.txt").write_text("alpha 1%", encoding="utf-8")
    (tmp_path / "x.txt").mkdir()
    (tmp_path / "x.txt" / "inner.txt").write_text("beta 2%", encoding="utf-8")

    items = read(tmp_path / "*.txt")

    assert [d.id for d in docs_of(items)] == [str(tmp_path / "a.txt")]
    (problem,) = problems_of(items)
    assert problem.where == str(tmp_path / "x.txt") and "a folder" in problem.message
