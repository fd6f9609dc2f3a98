"""The percent plugin: forms, values, ranges, and the dev-set floors."""
import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ROOT, SHARED

UNITS = {"%": ("percent", 1), " percent": ("percent", 1), " per cent": ("percent", 1), " pct": ("percent", 1),
         " percentage points": ("percentage_point", 1), " basis points": ("basis_point", 0.01),
         "bps": ("basis_point", 0.01), " bp": ("basis_point", 0.01)}


@given(value=st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False),
       unit=st.sampled_from(sorted(UNITS)), negative=st.booleans())
def test_rendered_percentages_come_back(engine, value, unit, negative):
    number = f"{'-' if negative else ''}{value}"
    text = f"The rate moved {number}{unit} on the day."
    [fact] = engine.extract(text)
    canonical, scale = UNITS[unit]
    assert fact.text == f"{number}{unit}"
    assert fact.value.unit == canonical
    assert fact.value.value == pytest.approx(float(value) * scale * (-1 if negative else 1))


@given(low=st.integers(0, 99), high=st.integers(0, 99), form=st.sampled_from(["{a}-{b}%", "{a} to {b} percent",
                                                                              "between {a} and {b} pct"]))
def test_ranges_give_two_bounds(engine, low, high, form):
    text = "Growth of " + form.format(a=low, b=high) + " is expected."
    first, second = engine.extract(text)
    assert (first.value.value, second.value.value) == (low, high)
    assert (first.value.range, second.value.range) == ("from", "to")
    assert first.value.range_id == second.value.range_id
    assert first.text == str(low)


@pytest.mark.parametrize("text,approximation", [("about 5 percent", "about"), ("nearly 5%", "nearly"),
                                                ("more than 5 pct", "more_than"), ("up to 5%", "at_most")])
def test_approximators_are_values_not_spans(engine, text, approximation):
    [fact] = engine.extract(text)
    assert fact.text.startswith("5") and fact.value.approximation == approximation


def test_every_unit_of_the_list_is_read(engine):
    """The rules read the unit backwards (its list laid out by endings): each takes every unit of the list."""
    units = engine.rulebook.lists["PERCENT_UNIT"]
    for unit, canonical in units.items():
        for written in (unit, unit.title(), unit.upper()):
            for text, last in ((f"up 5 {written} today", "5"), (f"from 5 to 7 {written} today", "7"),
                               (f"between 5 and 7 {written} today", "7")):
                facts = [f for f in engine.extract(text) if f.type == "percent"]
                assert facts and facts[-1].text == f"{last} {written}", text
                assert {f.value.unit for f in facts} == {canonical}, text


@pytest.mark.parametrize("text", ["in the 15th percentile", "open 24/7", "see http://x.org/?a=100%25",
                                  "a small percent of voters", "the % of increase"])
def test_not_percentages(engine, text):
    assert engine.extract(text) == []


def test_only_web_addresses_with_percent_signs_are_blocked(engine):
    """The URL blocker holds its span against every plugin, so it must not take addresses it has no business with."""
    assert [f.type for f in engine.extract("see www.example.com/archive-2018-09-23-page-01")] == ["date"]
    assert engine.extract("see www.example.com/archive-2018-09-23?q=5%25") == []


def dev_score(name: str, tmp_path) -> dict:
    gold = SHARED / "eval" / "dev" / name
    if not gold.exists():
        pytest.skip("../shared/eval is not beside the project")
    out = tmp_path / "pred.jsonl"
    subprocess.run([sys.executable, "-m", "factx", "extract", str(gold), "-o", str(out)], check=True, cwd=ROOT)
    scored = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), str(gold), str(out), "--json"],
                            check=True, capture_output=True, text=True)
    return json.loads(scored.stdout)


def test_recognizers_percent_floor(tmp_path):
    assert dev_score("recognizers-percent.jsonl", tmp_path)["percent"]["value"][2] >= 0.95


def test_seed_percent_exact(tmp_path):
    assert dev_score("seed.jsonl", tmp_path)["percent"]["value"][2] == 1.0


@pytest.mark.parametrize("digits", [309, 400, 5000])
def test_a_percentage_no_float_holds_is_not_a_fact_and_the_others_stay(engine, digits):
    text = "1" + "0" * digits + " pct, then 5 percent"

    result = engine.process(text, reference_date="none")

    assert [f.text for f in result.facts] == ["5 percent"] and result.problems == []


@pytest.mark.parametrize("fraction", ["0/0%", "3-1/0 pct", "5 1/0 percent", "2/0 to 3/4 pct"])
def test_a_fraction_over_zero_is_not_a_fact_and_the_others_stay(engine, fraction):
    # Found by fuzzing: "0/0%" made the plugin raise, and the document lost every percentage.
    result = engine.process(f"Rates rose 5 percent, then {fraction}.", reference_date="none")

    assert [f.text for f in result.facts if f.type == "percent"][:1] == ["5 percent"] and result.problems == []
    assert all("/0" not in f.text for f in result.facts)


def test_a_range_with_a_bound_no_float_holds_is_not_a_fact(engine):
    result = engine.process("between 10 and 1" + "0" * 320 + " percent; 7%", reference_date="none")

    assert [f.text for f in result.facts] == ["7%"]


def test_a_percentage_just_below_the_float_limit_is_kept_and_written(engine):
    (fact,) = engine.extract("1" + "0" * 300 + " percent", reference_date="none")

    assert fact.value.value == 1e300 and json.loads(fact.model_dump_json())["value"]["value"] == 1e300
