"""money.toml's trigger: the digit before which, or after which, any listed currency stands is a hit."""
import tomllib

import pytest

from plugins.money import _AFTER_LISTS, _BEFORE_LISTS, currencies
from tests.conftest import ROOT

LISTS = tomllib.loads((ROOT / "rules" / "money.toml").read_text(encoding="utf-8"))["lists"]


@pytest.fixture(scope="module")
def trigger(engine):
    [found] = [t for t, rules in engine.rulebook.for_type("money").groups if rules[0].file == "rules/money.toml"]
    return found


def test_a_sign_or_code_before_a_number_is_a_hit(trigger):
    data = currencies()
    before = {*data.symbols, *(key for name in _BEFORE_LISTS for key in LISTS[name])}
    for key in sorted(before):
        glued = [] if key.endswith(".") else [f"paid {key}5"]  # ".5" is a decimal, not a number's start
        for text in (*glued, f"paid {key} 5", f"paid {key.upper()} 5"):
            assert (len(text) - 1, len(text)) in trigger.hits(text), text


def test_a_word_after_a_number_is_a_hit(trigger):
    data = currencies()
    common = {key.casefold() for key in LISTS["MONEY_CLDR_COMMON_WORD"]}
    after = {*data.words, *data.qualifiers, *data.symbols, *(key for name in _AFTER_LISTS for key in LISTS[name])}
    for key in sorted(after - common):
        text = f"5 mln {key} "
        assert (0, 1) in trigger.hits(text), text


def test_other_numbers_are_no_hits(trigger):
    assert trigger.hits("the 5 men of 1987 saw 20 units and 3 shares, up 4 pct") == []
