"""The engine: overlap policy, problem reporting, validation, sharing, streaming."""
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factx import Candidate, Document, Draft, Engine, FactType, PluginError, Value, hookimpl
from factx.datelines import find_dateline
from factx.overlaps import resolve


class WordValue(Value):
    word: str


class Words:
    """A throwaway plugin: each call returns the candidates it was given."""

    def __init__(self, name, candidates=(), raises=None):
        self.name = name
        self.candidates = candidates
        self.raises = raises

    @hookimpl
    def factx_register_fact_types(self, register):
        register(FactType(self.name, WordValue, "0"))

    @hookimpl
    def factx_extract(self, document):
        if self.raises:
            raise self.raises
        return self.candidates


def cand(start, end, rule, priority=0, word="w"):
    return Candidate(start, end, rule, (Draft(start, end, {"word": word}),), priority)


def test_overlap_priority_then_length_then_position():
    a = cand(0, 10, "t.long", priority=1)
    b = cand(5, 20, "t.longer", priority=1)
    c = cand(8, 9, "t.high", priority=5)
    d = cand(20, 25, "t.touching")
    decisions = {x.candidate.rule_id: x for x in resolve([("p", x) for x in (a, b, c, d)])}
    assert decisions["t.high"].won
    assert decisions["t.longer"].beaten_by is c
    assert decisions["t.long"].beaten_by is c
    assert decisions["t.touching"].won  # spans that touch do not overlap


def test_overlap_equal_rank_earlier_wins():
    first, second = cand(0, 4, "t.a"), cand(2, 6, "t.b")
    won = [d.candidate for d in resolve([("p", second), ("p", first)]) if d.won]
    assert won == [first]


@given(st.lists(st.tuples(st.integers(0, 80), st.integers(1, 12), st.integers(0, 3)), max_size=60))
def test_many_candidates_are_decided_as_few_are(spans):
    """Past a few thousand candidates the winners are kept in a tree (O(n log n)); the decisions are the same."""
    from factx import overlaps

    pool = [("p", cand(s, s + n, f"t.r{i % 3}", priority)) for i, (s, n, priority) in enumerate(spans)]
    decide = lambda: [(d.candidate, d.beaten_by) for d in resolve(pool)]  # noqa: E731
    few = decide()
    many, overlaps._MANY = overlaps._MANY, 0
    try:
        assert decide() == few
    finally:
        overlaps._MANY = many


def test_overlap_across_plugins():
    text = "abcdefghij"
    engine = Engine(plugins=[Words("one", [cand(0, 4, "one.x", 1)]), Words("two", [cand(2, 8, "two.y", 1)])],
                    builtins=False, load_entrypoints=False)
    facts = engine.extract(text)
    assert [(f.type, f.text) for f in facts] == [("two", text[2:8])]


def test_plugin_that_raises_is_reported_and_others_still_emit(caplog):
    engine = Engine(plugins=[Words("bad", raises=RuntimeError("boom"))], load_entrypoints=False)
    result = engine.process(Document("doc-7", "rates rose 15 percent"))
    assert [f.text for f in result.facts] == ["15 percent"]
    [problem] = result.problems
    assert problem.code == "FX301" and problem.where == "doc-7"
    assert "bad" in problem.message and "boom" in problem.message
    with caplog.at_level(logging.WARNING, logger="factx"):  # extract() has no result to carry problems
        assert [f.text for f in engine.extract("up 15 percent")] == ["15 percent"]
    assert "boom" in caplog.text


def test_invalid_fact_is_dropped_with_plugin_and_rule():
    bad = Candidate(0, 3, "odd.rule", (Draft(0, 3, {"word": 42}),))
    engine = Engine(plugins=[Words("odd", [bad, cand(4, 7, "odd.ok")])], builtins=False, load_entrypoints=False)
    result = engine.process(Document("d", "abc def"))
    assert [f.text for f in result.facts] == ["def"]
    [problem] = result.problems
    assert problem.code == "FX302" and problem.rule == "odd.rule" and "odd" in problem.message


@pytest.mark.parametrize("bad", [
    Candidate(5, 50, "odd.far", (Draft(5, 50, {"word": "x"}),)),
    Candidate(0, 3, "other.prefix", (Draft(0, 3, {"word": "x"}),)),
])
def test_bad_spans_and_foreign_rule_ids_are_rejected(bad):
    engine = Engine(plugins=[Words("odd", [bad])], builtins=False, load_entrypoints=False)
    result = engine.process(Document("d", "abc def"))
    assert result.facts == [] and [p.code for p in result.problems] == ["FX302"]


def test_strict_raises_instead_of_dropping():
    engine = Engine(plugins=[Words("bad", raises=ValueError("nope"))], load_entrypoints=False, strict=True)
    with pytest.raises(PluginError, match="nope"):
        engine.extract("15 percent")


def test_every_record_text_is_its_span(engine):
    text = "Shares rose about 15% to 20% and fell -0.3 pct; between 2 and 3 percent; 50bps."
    facts = engine.extract(text)
    assert len(facts) >= 6
    for fact in facts:
        assert fact.text == text[fact.start:fact.end]
        assert fact.plugin == "percent" and fact.rule.startswith("percent.")
        assert fact.rule_file == "rules/percent.toml"


def test_records_given_the_same_fields_share_one_fields_set_and_a_copy_changes_only_its_own(engine):
    first, second = engine.extract("up 5 percent, then 7 percent")
    fields, value_fields = set(second.model_fields_set), set(second.value.model_fields_set)
    assert fields == set(type(first).model_fields)
    assert first.model_fields_set is second.model_fields_set
    assert first.value.model_fields_set is second.value.model_fields_set
    copied = first.value.model_copy(update={"note": "mine"})
    assert "note" in copied.model_fields_set and second.value.model_fields_set == value_fields
    (result,) = engine.extract_many(["up 5 percent, then 7 percent"], workers=2)
    assert result.facts[0].model_fields_set is result.facts[1].model_fields_set
    assert result.facts[0].model_fields_set == fields


def test_reference_date_precedence(engine, tmp_path):
    doc = Document("d", "Published: 11 Dec. 2025\nBody", reference_date=date(2020, 1, 1))
    assert engine.reference_date(doc) == date(2020, 1, 1)  # metadata beats the dateline
    assert engine.reference_date(doc, date(2024, 5, 6)) == date(2024, 5, 6)  # the caller beats both
    path = tmp_path / "a.txt"
    path.write_text("no dateline")
    file_date = date.fromtimestamp(path.stat().st_mtime)
    assert engine.reference_date(Document("a", "no dateline", path=str(path))) == file_date
    assert engine.reference_date(Document("a", "no dateline", path=str(path)), "none") is None


def test_shared_between_threads(engine):
    texts = [f"item {i}: up {i} percent" for i in range(200)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(engine.extract, texts))
    assert [[f.value.value for f in facts] for facts in results] == [[float(i)] for i in range(200)]


def test_extract_many_streams_in_order(engine):
    consumed = []

    def documents():
        for i in range(5):
            consumed.append(i)
            yield {"id": f"d{i}", "text": f"{i + 1} percent"}

    stream = engine.extract_many(documents())
    first = next(stream)
    assert first.doc_id == "d0" and consumed == [0]  # lazy: one document read so far
    rest = list(stream)
    assert [r.doc_id for r in rest] == ["d1", "d2", "d3", "d4"]
    assert [r.facts[0].value.value for r in rest] == [2.0, 3.0, 4.0, 5.0]


def test_workers_match_one_process(engine):
    docs = [Document(f"d{i}", f"{i} percent, then {i}-{i + 5}% and {i} bps") for i in range(300)]
    one = [[f.model_dump() for f in r.facts] for r in engine.extract_many(docs)]
    two = [[f.model_dump() for f in r.facts] for r in engine.extract_many(docs, workers=2)]
    assert one == two and len(one) == 300


def test_types_filter(engine):
    assert engine.extract("15 percent", types=["percent"])
    assert engine.extract("15 percent", types=[]) == []


def test_disable_plugins_env(monkeypatch):
    monkeypatch.setenv("FACTX_DISABLE_PLUGINS", "percent")
    engine = Engine(load_entrypoints=False)
    assert "percent" not in engine.plugins and engine.extract("15 percent") == []


def test_misspelled_hook_fails_loading():
    class Typo:
        name = "typo"

        @hookimpl
        def factx_extrct(self, document):
            return None

    with pytest.raises(PluginError, match="FX204"):
        Engine(plugins=[Typo()], load_entrypoints=False)


def test_extract_without_fact_type_fails_loading():
    class NoType:
        name = "notype"

        @hookimpl
        def factx_extract(self, document):
            return None

    with pytest.raises(PluginError, match="FX203"):
        Engine(plugins=[NoType()], load_entrypoints=False)


def test_register_hook_error_names_plugin():
    class Broken:
        name = "broken"

        @hookimpl
        def factx_register_fact_types(self, register):
            raise KeyError("missing")

    with pytest.raises(PluginError, match='FX202.*"broken"'):
        Engine(plugins=[Broken()], load_entrypoints=False)


def test_plugins_dir_import_error(tmp_path):
    (tmp_path / "oops.py").write_text("import not_a_module_anywhere\n")
    with pytest.raises(PluginError) as info:
        Engine(plugins_dirs=[tmp_path], load_entrypoints=False)
    assert "FX201" in str(info.value) and "oops" in str(info.value)


def test_schema_of_all_types(engine):
    schema = engine.schema()
    assert {"$ref": "#/$defs/PercentFact"} in schema["oneOf"]
    value = schema["$defs"]["PercentValue"]["properties"]
    assert value["unit"]["enum"] == ["percent", "percentage_point", "basis_point"]


def test_value_fields_of_the_type_come_before_inherited_ones(engine):
    [fact] = engine.extract("rates rose about 2 percent")
    own, inherited = ["value", "unit"], ["approximation", "range", "range_id"]
    assert list(fact.model_dump()["value"]) == own + inherited
    assert list(json.loads(fact.model_dump_json())["value"]) == own + inherited
    assert list(engine.schema()["$defs"]["PercentValue"]["properties"]) == own + inherited


@given(st.lists(st.sampled_from(["rose", "15%", "about", "3.5 pct", "10-15%", "https://x.io/a?b=5%25",
                                 "between 2 and 3 percent", "minus", "two", "percent", "of", "50 bps", "\n"]),
                max_size=12))
def test_explain_agrees_with_extract(engine, words):
    text = " ".join(words)
    explained = engine.explain(text)
    won = [(x.start, x.end, d.candidate.rule_id) for d in explained.decisions if d.won for x in d.candidate.drafts]
    facts = [(f.start, f.end, f.rule) for f in engine.extract(text)]
    assert sorted(won) == facts
    lost = [d for d in explained.decisions if not d.won]
    assert all(d.beaten_by.start < d.candidate.end and d.candidate.start < d.beaten_by.end for d in lost)


@pytest.mark.parametrize("text, expected", [
    ("SEOUL, March 3, 2026 - Talks resumed; the March 1, 2026 deal held.", date(2026, 3, 3)),
    ("Filed 2026-02-30, corrected: 4 Jan 2026 and 5 Jan 2026", date(2026, 1, 4)),  # an impossible date is passed over
    ("A review of 1 Feb 2020.\nUpdated: Oct. 18, 2025", date(2025, 10, 18)),  # a labelled date beats an earlier one
    ("Up 3.5 pct in 2026, 12 May", None),
])
def test_dateline_is_the_first_full_date_in_the_head(text, expected):
    assert find_dateline(text) == expected
    assert find_dateline("x" * 600 + text) is None  # past the head


# -- one bad document never ends a run (issue 17) -------------------------------------


BAD_AND_GOOD = [
    "rates rose 1" + "0" * 309 + " pct, then 1e309 pct, then 5 pct",  # percentages no float holds: not facts
    {"id": "text-not-str", "text": 42},
    {"id": 10**5000, "text": "an id too long for str()"},
    "a lone surrogate \ud800 beside 6 pct",
    Document("id-\udfff", "7 pct"),
    {"id": "good", "text": "8 pct"},
]


def outcome(results):
    return [(r.doc_id, [f.text for f in r.facts], [(p.code, p.where) for p in r.problems]) for r in results]


@pytest.mark.parametrize("workers", [1, 2])
def test_extract_many_reports_each_bad_document_and_goes_on(engine, workers):
    got = outcome(engine.extract_many(BAD_AND_GOOD, workers=workers))

    assert got == [
        ("doc-0", ["5 pct"], []),
        ("doc-1", [], [("FX405", "doc-1")]),
        ("doc-2", [], [("FX405", "doc-2")]),
        ("doc-3", [], [("FX404", "doc-3")]),
        ("id-\udfff", [], [("FX404", "id-\\udfff")]),
        ("good", ["8 pct"], []),
    ]


class Measure(Value):
    size: float


class Sizes:
    """A throwaway plugin: one fact per word, of the size it was built with."""

    name = "size"

    def __init__(self, size):
        self.size = size

    @hookimpl
    def factx_register_fact_types(self, register):
        register(FactType("size", Measure, "0"))

    @hookimpl
    def factx_extract(self, document):
        return [Candidate(0, 3, "size.any", (Draft(0, 3, {"size": self.size}),))]


@pytest.mark.parametrize("size", [float("inf"), float("-inf"), float("nan")])
def test_a_value_that_is_not_finite_is_an_invalid_fact_never_null(size):
    engine = Engine(plugins=[Sizes(size)], builtins=False, load_entrypoints=False)

    result = engine.process(Document("d", "abc"))

    assert result.facts == [] and [p.code for p in result.problems] == ["FX302"]
    assert "finite" in result.problems[0].message


def test_a_fact_json_cannot_carry_between_processes_is_a_problem_of_its_document():
    engine = Engine(plugins=[Words("odd", [cand(0, 3, "odd.x", word="\ud800")])], builtins=False,
                    load_entrypoints=False)

    (result,) = engine.extract_many([Document("d", "abc")], workers=2)

    assert result.facts == [] and [(p.code, p.rule) for p in result.problems] == [("FX303", "odd.x")]


def test_leaving_extract_many_early_stops_its_workers(engine):
    import multiprocessing
    import signal

    docs = [f"doc {i}: {i} percent" for i in range(2000)]
    stream = engine.extract_many(docs, workers=2)
    assert next(stream).doc_id == "doc-0"
    workers = multiprocessing.active_children()

    stream.close()

    assert len(workers) == 2 and multiprocessing.active_children() == []
    assert [w.exitcode for w in workers] == [-signal.SIGTERM] * 2  # stopped, their batches left unfinished
