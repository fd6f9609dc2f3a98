"""money.toml's trigger: the digit before which, or after which, any listed currency stands is a hit."""
import pytest

# The word lists whose entries may stand after a number, and before one (rules/money.toml's
# MONEY_AFTER and MONEY_LOOK_BACK), as the engine loaded them.
AFTER = ("MONEY_CLDR_WORD", "MONEY_CLDR_QUALIFIER", "MONEY_CLDR_SYMBOL", "MONEY_UNIT", "MONEY_MINOR",
         "MONEY_RESTRICTED_UNIT", "MONEY_QUALIFIER", "MONEY_SIGN_GENERIC", "MONEY_SYMBOL", "MONEY_CODE_ANYCASE")
BEFORE = ("MONEY_CLDR_SYMBOL", "MONEY_SIGN_GENERIC", "MONEY_SYMBOL", "MONEY_CODE_ANYCASE", "MONEY_DOLLAR_PREFIX")


@pytest.fixture(scope="module")
def trigger(engine):
    [found] = [t for t, rules in engine.rulebook.for_type("money").groups if rules[0].file == "rules/money.toml"]
    return found


def keys(engine, names):
    return sorted({key for name in names for key in engine.rulebook.lists[name]})


def test_a_sign_or_code_before_a_number_is_a_hit(engine, trigger):
    for key in keys(engine, BEFORE):
        glued = [] if key.endswith(".") else [f"paid {key}5"]  # ".5" is a decimal, not a number's start
        for text in (*glued, f"paid {key} 5", f"paid {key.upper()} 5"):
            assert (len(text) - 1, len(text)) in trigger.hits(text), text


def test_a_word_after_a_number_is_a_hit(engine, trigger):
    common = set(engine.rulebook.lists["MONEY_CLDR_COMMON_WORD"])
    for key in keys(engine, AFTER):
        if key not in common:
            text = f"5 mln {key} "
            assert (0, 1) in trigger.hits(text), text


def test_other_numbers_are_no_hits(trigger):
    assert trigger.hits("the 5 men of 1987 saw 20 units and 3 shares, up 4 pct") == []
