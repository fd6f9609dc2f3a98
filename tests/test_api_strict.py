"""The Python API is as strict as the command line: every entry point takes the same reference dates,
and bad arguments raise at once with a message naming them, never a quiet `[]`."""
from datetime import date, datetime

import pytest

from factx import Document, Engine, SettingsError

FRIDAY = "Markets closed early on Friday."
DEC_11 = date(2025, 12, 11)  # a Thursday: "Friday" resolves to 2025-12-12 or 2025-12-05


@pytest.fixture(scope="module")
def engine():
    return Engine(load_entrypoints=False)


def timex(facts):
    return [f.value.timex for f in facts if f.type == "date"]


ENTRY_POINTS = {
    "extract": lambda e, ref: timex(e.extract(FRIDAY, reference_date=ref)),
    "extract_many": lambda e, ref: timex(next(iter(e.extract_many([FRIDAY], reference_date=ref))).facts),
    "process": lambda e, ref: timex(e.process(FRIDAY, reference_date=ref).facts),
    "explain": lambda e, ref: timex(e.explain(FRIDAY, reference_date=ref).facts),
}


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("ref", [DEC_11, "2025-12-11", datetime(2025, 12, 11, 23, 59)],
                         ids=["date", "iso", "datetime"])
def test_every_entry_point_resolves_against_the_same_reference_dates(engine, entry, ref):
    [resolved] = ENTRY_POINTS[entry](engine, ref)
    assert resolved in ("2025-12-12", "2025-12-05")  # resolved, not XXXX-WXX-5, and no date fact dropped


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_every_entry_point_takes_today_auto_none_and_None(engine, entry):
    assert ENTRY_POINTS[entry](engine, "none") == ENTRY_POINTS[entry](engine, None) == ["XXXX-WXX-5"]
    assert ENTRY_POINTS[entry](engine, "auto") == ["XXXX-WXX-5"]  # no dateline, no file
    [today] = ENTRY_POINTS[entry](engine, "today")
    assert today[:4].isdigit() and "X" not in today


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("bad", ["yesterday", "2025-13-01", "11/12/2025", 20251211, ""])
def test_every_entry_point_rejects_a_bad_reference_date_naming_it(engine, entry, bad):
    with pytest.raises(ValueError, match=f"reference date {bad!r} is not a date"):
        ENTRY_POINTS[entry](engine, bad)


def test_extract_many_rejects_a_bad_reference_date_before_reading_any_document(engine):
    read = []

    def documents():
        read.append(1)
        yield FRIDAY

    with pytest.raises(ValueError, match="'soon'"):
        engine.extract_many(documents(), reference_date="soon")
    assert read == []


@pytest.mark.parametrize("types", [["percentage"], "percentage", ["percent", "money", "weather"]])
def test_an_unknown_fact_type_raises_naming_it_and_the_known_ones(engine, types):
    with pytest.raises(ValueError, match=r"unknown fact type .*(percentage|weather).*known: date, money"):
        engine.extract("up 5 percent", types=types)
    with pytest.raises(ValueError, match="unknown fact type"):
        engine.extract_many(["up 5 percent"], types=types)


def test_a_str_of_types_is_one_type_not_its_letters(engine):
    text = "Shares rose 5 percent on Friday to $3."
    assert [f.type for f in engine.extract(text, types="percent")] == ["percent"]
    assert [f.type for f in engine.process(text, types="money").facts] == ["money"]
    assert [f.type for f in next(iter(engine.extract_many([text], types="date"))).facts] == ["date"]


def test_a_non_str_type_is_a_type_error(engine):
    with pytest.raises(TypeError, match="a fact type is a str"):
        engine.extract("up 5 percent", types=[5])


@pytest.mark.parametrize("text", [5, None, b"up 5 percent", ["up 5 percent"]])
def test_a_non_str_text_raises_instead_of_reporting_each_plugin(engine, text):
    with pytest.raises(TypeError, match="text must be a str"):
        engine.extract(text)
    with pytest.raises(TypeError, match="text must be a str"):
        engine.explain(text)
    with pytest.raises(TypeError, match="text must be a str"):
        Document("d", text)


@pytest.mark.parametrize("item, message", [
    ({"id": "a"}, "has no 'text'"),
    ({"id": "a", "text": 5}, "text\" must be a str"),
    ({"id": "a", "text": "x", "reference_date": "soon"}, "'soon' is not a date"),
    (5, "a document is a str, a Document or a mapping"),
])
def test_a_bad_document_raises_alone_and_is_a_problem_in_a_stream(engine, item, message):
    with pytest.raises((TypeError, ValueError), match=message):
        engine.process(item)
    bad, good = engine.extract_many([item, "up 5 percent"])  # one bad input never ends a run
    [problem] = bad.problems
    assert problem.code == "FX405" and message in problem.message
    assert [f.text for f in good.facts] == ["5 percent"]


def test_a_mapping_without_id_is_named_by_its_place(engine):
    assert [r.doc_id for r in engine.extract_many([{"text": "up 5 percent"}, "x"])] == ["doc-0", "doc-1"]


def test_a_document_mapping_takes_a_date_or_iso_reference_date(engine):
    for ref in ("2025-12-11", DEC_11, datetime(2025, 12, 11, 8)):
        result = engine.process({"id": "a", "text": FRIDAY, "reference_date": ref})
        assert result.doc_id == "a" and timex(result.facts)[0] in ("2025-12-12", "2025-12-05")


def test_a_datetime_document_reference_date_is_taken_as_its_date(engine):
    doc = Document("d", FRIDAY, datetime(2025, 12, 11, 8, 30))
    assert doc.reference_date == DEC_11
    assert timex(engine.process(doc).facts)[0] in ("2025-12-12", "2025-12-05")


def test_a_str_where_documents_are_expected_is_an_error_not_letters(engine):
    with pytest.raises(TypeError, match="iterable of documents"):
        engine.extract_many("up 5 percent")


@pytest.mark.parametrize("workers", [0, -1, 1.5, "2", True])
def test_bad_workers_raise_at_once(engine, workers):
    with pytest.raises(ValueError, match="workers must be a whole number of 1 or more"):
        engine.extract_many(["up 5 percent"], workers=workers)


def test_a_misspelt_setting_raises_naming_the_closest(engine):
    with pytest.raises(SettingsError, match=r"unknown setting 'date_ordr'.*did you mean 'date_order'"):
        Engine(load_entrypoints=False, settings={"date_ordr": "dmy"})
    with pytest.raises(ValueError):  # a SettingsError is a ValueError to an embedding program
        Engine(load_entrypoints=False, settings={"convert": "EUR"})


def test_settings_must_be_a_mapping():
    with pytest.raises(TypeError, match="settings must be a mapping"):
        Engine(load_entrypoints=False, settings=[("date_order", "dmy")])


@pytest.mark.parametrize("timeout", [0, -5, "60", True])
def test_a_bad_doc_timeout_raises(timeout):
    with pytest.raises(ValueError, match="doc_timeout"):
        Engine(load_entrypoints=False, doc_timeout=timeout)


def test_a_str_path_is_one_folder_not_its_letters(tmp_path):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "shout.py").write_text(
        "from pydantic import Field\nfrom factx import FactType, Value, hookimpl\n"
        "class Shout(Value):\n    word: str = Field()\n"
        "@hookimpl\ndef factx_register_fact_types(register):\n    register(FactType('shout', Shout, '1'))\n")
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "off.toml").write_text('[[rule]]\nid = "percent.number_unit"\nenabled = false\n')
    engine = Engine(load_entrypoints=False, plugins_dirs=str(plugins), rules_dirs=str(rules))
    assert "shout" in engine.plugins and "percent.number_unit" not in {r.id for r in engine.rulebook.rules}
    engine = Engine(load_entrypoints=False, plugins_dirs=plugins, rules_dirs=rules)  # a Path alone, too
    assert "shout" in engine.plugins


def test_a_str_plugin_is_an_error_and_one_plugin_object_is_one_plugin():
    with pytest.raises(TypeError, match="plugins takes plugin objects or modules"):
        Engine(plugins="my_plugin", load_entrypoints=False)
    from factx.plugins import percent

    engine = Engine(plugins=percent, builtins=False, load_entrypoints=False)
    assert engine.fact_types.keys() == {"percent"}


def test_schema_of_an_unknown_type_raises_naming_the_known_ones(engine):
    with pytest.raises(ValueError, match=r"unknown fact type 'percentage' \(known: date, money"):
        engine.schema("percentage")
    assert engine.schema("percent")["properties"]["type"]["const"] == "percent"
