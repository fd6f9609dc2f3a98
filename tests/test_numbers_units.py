"""Number parsing and unit conversion: properties over generated values."""
import unicodedata
from decimal import Decimal

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from factx.numbers import ascii_digits, parse_number
from factx.units import convert


@pytest.fixture(scope="module")
def lists(engine):
    return engine.rulebook.lists


def words(n: int) -> str:
    """English words for 0 <= n < 10**6, written independently of the parser's lists."""
    small = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
             "fifteen sixteen seventeen eighteen nineteen").split()
    tens = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()

    def below_thousand(k: int) -> str:
        parts = []
        if k >= 100:
            parts.append(f"{small[k // 100]} hundred")
            k %= 100
            if k:
                parts.append("and")
        if k >= 20:
            parts.append(tens[k // 10] + (f"-{small[k % 10]}" if k % 10 else ""))
        elif k or not parts:
            parts.append(small[k])
        return " ".join(parts)

    if n >= 1000:
        rest = n % 1000
        return f"{below_thousand(n // 1000)} thousand" + (f" {below_thousand(rest)}" if rest else "")
    return below_thousand(n)


@given(st.integers(min_value=0, max_value=999_999))
def test_words_parse_to_their_number(lists, n):
    assert parse_number(words(n), lists) == n


@given(st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False))
def test_digits_with_separators_round_trip(lists, value):
    assert parse_number(f"{value:,}", lists) == value
    assert parse_number(f"{value}", lists) == value


@pytest.mark.parametrize("text,value", [("one and a half", Decimal("1.5")), ("a hundred", 100),
                                        ("two and a half million", 2_500_000), (".5", Decimal("0.5"))])
def test_fractions_and_articles(lists, text, value):
    assert parse_number(text, lists) == value


@pytest.mark.parametrize("text", ["", "percent", "1.2.3", "twenty bananas"])
def test_not_numbers(lists, text):
    with pytest.raises(ValueError):
        parse_number(text, lists)


@given(st.decimals(min_value=-10**6, max_value=10**6, places=2, allow_nan=False))
def test_basis_points_are_hundredths_of_a_percent(n):
    assert convert(n, "basis_point", "percent") == n / 100
    assert convert(n, "percentage_point", "percent") == n
    assert convert(convert(n, "basis_point", "percent"), "percent", "basis_point") == n


def test_ascii_digits_reads_every_digit_as_unicodedata_does_where_it_knows_it():
    every_char = "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c < 0xE000)
    digits = regex.findall(r"\d", every_char)
    known = [d for d in digits if unicodedata.decimal(d, None) is not None]
    assert len(known) > 600
    assert ascii_digits("".join(known)) == "".join(str(unicodedata.decimal(d)) for d in known)


def test_ascii_digits_reads_a_digit_unicodedata_does_not_know_by_its_place_in_its_run():
    # U+1E4F0..U+1E4F9, Nag Mundari digits (Unicode 15), unknown to Python 3.11's unicodedata.
    assert ascii_digits("".join(chr(0x1E4F0 + i) for i in range(10)) + " and 42") == "0123456789 and 42"
    assert parse_number("\U0001e4f1,\U0001e4f2\U0001e4f3\U0001e4f4", {}) == 1234
