"""`factx.toolkit`, the plugin author's API: the built-in plugins use it and nothing else of factx."""
import ast
from decimal import Decimal
from pathlib import Path

import pytest
import regex

from factx import toolkit
from tests.conftest import ROOT
from tests.test_startup import loaded_after

PLUGINS = sorted((ROOT / "plugins").glob("*.py"))
ALLOWED = {"factx", "factx.toolkit"}


def factx_imports(path: Path) -> list[tuple[int, str]]:
    """Every import of factx or of a module in it, anywhere in the file (line, module)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "factx":
            found.append((node.lineno, node.module))
            if node.module == "factx":  # `from factx import numbers` imports a module of factx
                found += [(node.lineno, f"factx.{a.name}") for a in node.names
                          if (ROOT / "factx" / f"{a.name}.py").exists() and a.name != "toolkit"]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "factx"]
    return found


@pytest.mark.parametrize("path", [p for p in PLUGINS if p.name != "__init__.py"], ids=lambda p: p.name)
def test_builtin_plugins_import_only_factx_and_its_toolkit(path):
    imports = factx_imports(path)
    assert imports, "a plugin uses factx"
    assert [(line, module) for line, module in imports if module not in ALLOWED] == []


def test_the_import_check_sees_a_private_module(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("from factx import hookimpl, patterncache\n\ndef f():\n    from factx.numbers import parse_number\n")
    assert [m for _, m in factx_imports(sneaky) if m not in ALLOWED] == ["factx.patterncache", "factx.numbers"]


def test_every_public_name_of_the_toolkit_is_documented():
    for name in toolkit.__all__:
        assert getattr(toolkit, name).__doc__, name
    assert sorted(toolkit.__all__) == sorted(set(toolkit.__all__))


@pytest.fixture(scope="module")
def rules(engine):
    return engine.ruleset("percent")


def test_numbers_and_signs_read_with_the_shared_word_lists(rules):
    assert toolkit.parse_number("1,234.5", rules) == Decimal("1234.5")
    assert toolkit.parse_number("twenty-two", rules) == 22
    assert toolkit.parse_number("two and a half", rules.lists) == Decimal("2.5")  # a rule set or its lists
    assert toolkit.sign_of("minus", rules) == -1 and toolkit.sign_of(None, rules) == 1
    with pytest.raises(ValueError):
        toolkit.parse_number("bananas", rules)


def test_approximation_and_lookup(rules):
    m = regex.search(r"(?<approx>more than)\s(?<num>\d+)", "more than 5")
    assert toolkit.approximation(m, rules) == "more_than"
    assert toolkit.approximation(regex.search(r"(?<approx>x)?(?<num>5)", "5"), rules) is None
    assert toolkit.lookup(rules, "Per  Cent", "PERCENT_UNIT") == "percent"
    assert toolkit.lookup(rules, "points", "APPROX", "PERCENT_UNIT", default="?") == "?"


def test_named_groups_are_what_groupdict_gives(engine):
    """On every rule example, for every rule that matches it: duplicate names, unmatched groups and all."""
    compared = 0
    for rule in engine.rulebook.rules:
        for case in rule.examples:
            for m in rule.pattern.finditer(case.text):
                assert toolkit.named_groups(m) == m.groupdict()
                assert list(toolkit.named_groups(m)) == list(m.groupdict())
                compared += 1
    assert compared > 300
    pattern = regex.compile(r"(?<b>x)(?<a>y)|(?<a>z)(?<b>w)")
    assert toolkit.named_groups(pattern.match("zw")) == {"b": "w", "a": "z"}
    assert dict(toolkit.group_numbers(pattern)) == {"b": 1, "a": 2}
    with pytest.raises(TypeError):
        toolkit.group_numbers(pattern)["c"] = 3  # shared between callers: read-only


def test_as_number_and_range_drafts():
    assert toolkit.as_number(Decimal("350000000000")) == 350000000000 and isinstance(
        toolkit.as_number(Decimal("3.5E11")), int)
    assert toolkit.as_number(Decimal("2.5")) == 2.5
    m = regex.search(r"(?<low>\d+)-(?<high>\d+)%", "rose 10-15% today")
    low, high = toolkit.range_drafts(m, {"value": 10}, {"value": 15})
    assert (low.start, low.end, high.start, high.end) == (5, 7, 8, 11)
    assert low.value["range"] == "from" and high.value["range"] == "to" and low.value["range_id"] == high.value["range_id"]


@pytest.mark.parametrize("unit, to, factor", [
    ("oil_barrel", "gallon", 42),
    ("troy_ounce", "gram", Decimal("31.1034768")),
    ("metric_ton", "kilogram", 1000),
    ("bushel", "liter", Decimal("35.23907016688")),
    ("basis_point", "percent", Decimal("0.01")),
    ("TEU", "twenty_foot_equivalent_unit", 1),
    ("oil_barrel / day", "oil_barrel / year", Decimal("365.25")),
])
def test_the_shared_registry_knows_pints_units_and_factxs(unit, to, factor):
    assert abs(toolkit.factor(unit, to) - Decimal(factor)) < Decimal("1e-9") * Decimal(factor)
    assert toolkit.convert(Decimal(2), unit, to) == 2 * toolkit.factor(unit, to)


def test_units_of_different_dimensions_do_not_convert():
    with pytest.raises(Exception, match="[Dd]imensionality|Cannot convert"):
        toolkit.factor("oil_barrel", "metric_ton")
    with pytest.raises(Exception):  # each currency is a dimension of its own
        toolkit.factor("USD", "EUR")


def test_a_conversion_outside_factxs_table_is_kept_on_disk_and_needs_no_pint_next_time(tmp_path):
    code = ("import os\nos.environ['FACTX_CACHE_DIR'] = {cache!r}\nfrom decimal import Decimal\n"
            "from factx.toolkit import convert\nprint(convert(Decimal('3'), 'oil_barrel', 'gallon'))").format(
        cache=str(tmp_path))
    cold, warm = loaded_after(code), loaded_after(code)
    assert cold["printed"] == warm["printed"] == ["126"]
    assert "pint" in cold["modules"] and "pint" not in warm["modules"]


def test_importing_the_toolkit_imports_no_pint():
    assert "pint" not in loaded_after("import factx.toolkit")["modules"]
