from dataclasses import dataclass
from datetime import date

import pytest

from factx import stored as stored_module
from factx import units
from factx.plugins import money, official
from factx.stored import stored


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTX_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("FACTX_NO_CACHE", raising=False)
    return tmp_path / "data"


def counted(value, *distributions, **options):
    """A stored function returning `value`, and the list of its real calls; uncached in-process."""
    calls = []

    def derive():
        calls.append(1)
        return value

    return stored(*distributions, **options)(derive).__wrapped__, calls


def files(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_result_is_read_back_instead_of_derived(cache):
    derive, calls = counted({"paris": "FR", "bavaria": "DE"}, "pycountry")
    assert derive() == {"paris": "FR", "bavaria": "DE"}
    assert derive() == {"paris": "FR", "bavaria": "DE"}
    assert len(calls) == 1 and len(files(cache)) == 1


@dataclass(frozen=True)
class Table:
    codes: frozenset[str]
    names: dict[str, str]


def test_a_dataclass_is_stored_as_its_fields(cache):
    derive, calls = counted(Table(frozenset({"USD", "EUR"}), {"dollar": "USD"}), rebuild=Table)
    first, second = derive(), derive()
    assert second == first and isinstance(second, Table) and len(calls) == 1


def test_a_change_to_factx_or_the_library_derives_it_again(cache, monkeypatch):
    derive, calls = counted([1, 2, 3], "babel")
    derive()
    monkeypatch.setattr(stored_module, "_fingerprint", lambda: [("plugins/money.py", 1, 2)])
    derive()
    monkeypatch.setattr(stored_module.metadata, "version", lambda name: "0.0-other")
    derive()
    derive()
    assert len(calls) == 3
    assert len(files(cache)) == 1, "a new result replaces the old ones"


def test_a_damaged_file_is_derived_again(cache):
    derive, calls = counted("text", "babel")
    derive()
    [name] = files(cache)
    (cache / name).write_bytes(b"\x00\x01garbage")
    assert derive() == "text" and derive() == "text"
    assert len(calls) == 2


def test_no_cache_without_a_folder_or_a_distribution(cache, monkeypatch):
    derive, calls = counted("x", "no-such-distribution-factx")
    assert derive() == derive() == "x" and len(calls) == 2
    monkeypatch.setenv("FACTX_NO_CACHE", "1")
    derive, calls = counted("x", "babel")
    assert derive() == derive() == "x" and len(calls) == 2
    assert files(cache) == []


def test_stored_fields_that_no_longer_fit_are_derived_again(cache, monkeypatch):
    derive, calls = counted(Table(frozenset({"USD"}), {}), rebuild=Table)
    derive()
    monkeypatch.setattr(stored_module, "_read", lambda path: ("one field too few",))
    assert derive() == Table(frozenset({"USD"}), {}) and len(calls) == 2


def test_a_result_marshal_cannot_store_is_just_returned(cache):
    value = object()
    derive, calls = counted(value)
    assert derive() is value and derive() is value and len(calls) == 2


def test_the_process_keeps_its_own_copy(cache):
    calls = []

    @stored()
    def derive():
        calls.append(1)
        return "once"

    assert derive() == derive() == "once" and len(calls) == 1


@pytest.mark.parametrize("function", [money.currencies, official._iso_places, units.factors],
                         ids=["currencies", "iso_places", "unit_factors"])
def test_plugin_data_read_back_equals_derived(cache, function):
    derived = function.__wrapped__.__wrapped__()
    assert function.__wrapped__() == derived and files(cache)
    assert function.__wrapped__() == derived


def test_by_content_reads_back_what_the_same_text_gave(cache, monkeypatch):
    calls = []

    def derive(text):
        calls.append(text)
        return {"parsed": text.upper(), "when": date(2026, 1, 2)}  # pickled: dates are kept

    for text in ["a = 1", "a = 1", "a = 2"]:
        assert stored_module.by_content("kind", text, lambda: derive(text)) == {"parsed": text.upper(), "when": date(2026, 1, 2)}
    assert calls == ["a = 1", "a = 2"] and len(files(cache.parent / "kind")) == 2
    monkeypatch.setattr(stored_module, "MAX_ENTRIES", 1)
    stored_module.by_content("kind", "a = 3", lambda: derive("a = 3"))
    assert len(files(cache.parent / "kind")) == 1  # the oldest went


def test_by_content_derives_again_after_factx_code_changes(cache, monkeypatch):
    calls = []
    stored_module.by_content("kind", "a = 1", lambda: calls.append(1) or "parsed")
    code = [("rulefile.py", 1, 2), ("rules/money.toml", 3, 4)]  # another size and mtime of a module: another factx
    monkeypatch.setattr(stored_module, "_fingerprint", lambda: code)
    stored_module._code_fingerprint.cache_clear()
    try:
        stored_module.by_content("kind", "a = 1", lambda: calls.append(2) or "parsed")
        code[1] = ("rules/money.toml", 5, 6)  # a rule file is no code: its entries stay
        stored_module._code_fingerprint.cache_clear()
        stored_module.by_content("kind", "a = 1", lambda: calls.append(3) or "parsed")
    finally:
        stored_module._code_fingerprint.cache_clear()
    assert calls == [1, 2]


def test_by_content_keeps_nothing_when_deriving_fails(cache):
    def broken():
        raise ValueError("bad text")

    with pytest.raises(ValueError):
        stored_module.by_content("kind", "x", broken)
    assert files(cache.parent / "kind") == []


def test_rule_files_parse_the_same_from_the_cache(cache, tmp_path):
    from factx.rulefile import parse_rule_file

    path = tmp_path / "r.toml"
    path.write_text("[macros]\nX = 'x'\n\n[[rule]]\nid = 'percent.x'\ndoc = 'd'\npriority = 1\npattern = '''{X}'''\n")
    cold, _ = parse_rule_file(path, "r.toml")
    warm, _ = parse_rule_file(path, "r.toml")
    assert files(cache.parent / "rulefiles") and warm == cold and [r.line for r in warm.rules] == [4] and warm.name_lines == {"X": 2}
    path.write_text("[[rule]\n")
    [problem] = parse_rule_file(path, "r.toml")[1]
    assert problem.code == "FX100" and problem.where == "r.toml:1"
