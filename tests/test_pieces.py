"""Long documents read in pieces: the pieces cover the text, and the facts are those of the whole."""
from __future__ import annotations

import itertools
import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factx import Engine
from factx.engine import DEFAULT_PIECE_CHARS
from factx.pieces import pieces
from tests.conftest import ROOT, SHARED

REUTERS = SHARED / "corpus" / "reuters21578.jsonl"


@given(st.text(alphabet=st.sampled_from("ab .\n"), max_size=400), st.integers(1, 60), st.integers(0, 30))
def test_pieces_cover_the_text_in_order_each_read_with_its_margin(text, size, margin):
    found = pieces(text, size, margin)

    assert found[0].start == 0 and found[-1].end == len(text)
    assert all(a.end == b.start for a, b in itertools.pairwise(found))
    assert all(p.start < p.end for p in found) or text == ""
    assert all(p.end - p.start <= size for p in found)
    for p in found:
        assert (p.read_start, p.read_end) == (max(0, p.start - margin), min(len(text), p.end + margin))


def test_a_piece_ends_at_a_paragraph_break_before_a_line_break_or_a_space():
    text = "a" * 78 + "\n\n" + "b" * 5 + "\n" + "c" * 5 + " " + "d" * 30  # a cut falls in 75..100

    first = pieces(text, 100, 0)[0]

    assert text[:first.end].endswith("\n\n")
    assert text[:pieces(text.replace("\n\n", "  "), 100, 0)[0].end].endswith("\n")


def test_a_text_without_breaks_is_cut_at_the_size():
    assert [p.end for p in pieces("x" * 25, 10, 3)] == [10, 20, 25]


def test_a_bad_size_or_margin_is_refused():
    with pytest.raises(ValueError, match="size of 1 or more"):
        pieces("text", 0, 5)


@pytest.fixture(scope="module")
def long_text() -> str:
    with REUTERS.open(encoding="utf-8") as f:
        return "\n\n".join(json.loads(line)["text"] for line in itertools.islice(f, 400))


def _without_inferred_currency(fact) -> dict:
    record = fact.model_dump()
    if fact.type == "money" and (record["value"]["currency_inferred"] or record["value"]["currency"] is None):
        del record["value"]["currency"], record["value"]["currency_inferred"]
    return record


def test_a_long_document_in_pieces_has_the_facts_of_the_whole(long_text):
    whole = Engine(load_entrypoints=False, piece_chars=len(long_text)).process(long_text)
    engine = Engine(load_entrypoints=False, piece_chars=20_000)

    parts = list(engine.process_in_pieces(long_text))
    joined = engine.process(long_text)

    assert len(parts) > 10 and [p.piece for p in parts] == list(range(len(parts)))
    assert {p.pieces for p in parts} == {len(parts)} and joined.decisions == []
    assert [f for p in parts for f in p.facts] == joined.facts
    assert joined.problems == whole.problems == []
    # Every fact the same, spans, rules and values, except the currency a bare "dlrs" or "francs"
    # takes from the document's dateline or an earlier amount, which a piece sees only within its margin.
    assert [_without_inferred_currency(f) for f in joined.facts] == [_without_inferred_currency(f) for f in whole.facts]


def test_a_fact_across_a_cut_is_found_once_whole():
    text = "The bank raised rates by 15 percent on Oct. 18.\n\n" * 40
    whole = Engine(load_entrypoints=False).process(text)
    cut = Engine(load_entrypoints=False, piece_chars=70).process(text)  # cuts fall inside sentences too

    assert [(f.start, f.end, f.text) for f in cut.facts] == [(f.start, f.end, f.text) for f in whole.facts]
    assert len(whole.facts) == 80


def test_range_ids_are_offsets_into_the_whole_document():
    text = ("x" * 50 + " prices rose between 3 and 5 percent.\n") * 30
    whole = Engine(load_entrypoints=False).process(text)
    cut = Engine(load_entrypoints=False, piece_chars=200).process(text)

    assert [f.value.range_id for f in cut.facts] == [f.value.range_id for f in whole.facts]
    assert len({f.value.range_id for f in whole.facts}) == 30


def test_extract_many_gives_a_result_per_piece_only_when_asked(long_text):
    engine = Engine(load_entrypoints=False, piece_chars=100_000)
    docs = ["Rates rose 2 percent.", long_text]

    apart = list(engine.extract_many(docs, in_pieces=True))
    together = list(engine.extract_many(docs))

    assert [r.doc_id for r in together] == ["doc-0", "doc-1"]
    assert [(r.doc_id, r.piece) for r in apart][:3] == [("doc-0", 0), ("doc-1", 0), ("doc-1", 1)]
    assert [f for r in apart for f in r.facts] == [f for r in together for f in r.facts]


def test_piece_chars_must_be_a_whole_number():
    with pytest.raises(ValueError, match="piece_chars"):
        Engine(load_entrypoints=False, piece_chars=0)


def test_the_command_line_reads_a_long_document_in_pieces_and_reports_it_once(tmp_path, long_text):
    path = tmp_path / "long.txt"
    path.write_text(long_text * 3, encoding="utf-8")  # over the default piece size
    assert path.stat().st_size > DEFAULT_PIECE_CHARS

    jsonl = subprocess.run([sys.executable, "-m", "factx", "extract", str(path)],
                           capture_output=True, text=True, cwd=ROOT, timeout=600)
    html = subprocess.run([sys.executable, "-m", "factx", "extract", str(path), "-f", "html"],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)

    assert jsonl.returncode == 0 and html.returncode == 0, jsonl.stderr + html.stderr
    facts = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [f["start"] for f in facts] == sorted(f["start"] for f in facts)
    assert facts[-1]["start"] > DEFAULT_PIECE_CHARS
    assert html.stdout.count('"problems":') == 1  # one document in the report, not one per piece
