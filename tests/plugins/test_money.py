"""The money plugin: forms, currencies, context, ranges, conversion, and the dev-set floors."""
import json
from decimal import Decimal

import pytest
import regex
from babel.numbers import get_currency_name
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from factx import Engine, SettingsError
from factx.cli import app
from factx.errors import ExitCode
from factx.units import registry
from plugins.money import currencies
from tests.conftest import ROOT
from tests.plugins.test_percent import dev_score

RATES = ROOT / "tests" / "data" / "rates.toml"
SCALES = {"": 1, " thousand": 10**3, " million": 10**6, " mln": 10**6, "m": 10**6, " billion": 10**9,
          "bn": 10**9, " bln": 10**9, " trillion": 10**12, "K": 10**3, " crore": 10**7, " lakh": 10**5}
SIGNS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "HK$": "HKD", "C$": "CAD", "A$": "AUD",
         "NZ$": "NZD", "S$": "SGD", "NT$": "TWD", "R$": "BRL", "₩": "KRW", "₹": "INR"}


def amounts(max_places=2):
    return st.decimals(min_value=Decimal("0.01"), max_value=Decimal(999_999), places=max_places, allow_nan=False)


def written(value: Decimal, grouped: bool) -> str:
    """A number as news prints it: 1,234.5 or 1234.5."""
    return f"{value:,}" if grouped else f"{value}"


def unambiguous_names() -> list[tuple[str, str]]:
    """(plural English name, code) of today's currencies whose name no other currency shares."""
    data = currencies()
    names: dict[str, set[str]] = {}
    for code in data.current:
        names.setdefault(get_currency_name(code, 2, "en"), set()).add(code)
    return sorted((name, next(iter(codes))) for name, codes in names.items()
                  if len(codes) == 1 and "(" not in name and len(name.split()) > 1)


NAMES = unambiguous_names()


@given(value=amounts(), grouped=st.booleans(), scale=st.sampled_from(sorted(SCALES)), sign=st.sampled_from(sorted(SIGNS)))
def test_sign_before_the_number_comes_back(engine, value, grouped, scale, sign):
    number = written(value, grouped)
    text = f"The group paid {sign}{number}{scale} for the unit."
    [fact] = engine.extract(text, types=["money"])
    assert fact.text == f"{sign}{number}{scale}"
    assert fact.value.amount == pytest.approx(float(value * SCALES[scale]))
    assert fact.value.currency == SIGNS[sign]


@given(value=amounts(), grouped=st.booleans(), scale=st.sampled_from(sorted(SCALES)), named=st.sampled_from(NAMES))
def test_currency_name_after_the_number_comes_back(engine, value, grouped, scale, named):
    name, code = named
    number = written(value, grouped)
    text = f"The group paid {number}{scale} {name} for the unit."
    [fact] = engine.extract(text, types=["money"])
    assert fact.text == f"{number}{scale} {name}"
    assert fact.value.amount == pytest.approx(float(value * SCALES[scale]))
    assert (fact.value.currency, fact.value.currency_inferred) == (code, False)


@given(value=amounts(), scale=st.sampled_from(sorted(SCALES)), code=st.sampled_from(["USD", "EUR", "JPY", "CHF", "KRW", "INR"]),
       before=st.booleans())
def test_iso_code_before_or_after_comes_back(engine, value, scale, code, before):
    rendered = f"{code} {value}{scale}" if before else f"{value}{scale} {code}"
    [fact] = engine.extract(f"Sales reached {rendered} last year.", types=["money"])
    assert fact.text == rendered
    assert fact.value.amount == pytest.approx(float(value * SCALES[scale]))
    assert fact.value.currency == code


@given(value=st.integers(1, 99), words=st.sampled_from([("five", 5), ("twenty-two", 22), ("one and a half", 1.5)]),
       scale=st.sampled_from([("million", 10**6), ("billion", 10**9), ("mln", 10**6)]),
       unit=st.sampled_from([("dollars", "USD"), ("euros", "EUR"), ("yen", "JPY"), ("dlrs", "USD")]))
def test_number_words_and_scale_words(engine, value, words, scale, unit):
    text = f"It raised {words[0]} {scale[0]} {unit[0]} and {value} {scale[0]} {unit[0]}."
    first, second = engine.extract(text, types=["money"])
    assert first.value.amount == pytest.approx(words[1] * scale[1])
    assert second.value.amount == pytest.approx(value * scale[1])
    assert first.value.currency == second.value.currency == unit[1]


@given(low=st.integers(1, 9), high=st.integers(10, 99), form=st.sampled_from(["${a}-{b} billion", "${a} billion to ${b} billion",
                                                                              "between ${a} and ${b} billion"]))
def test_ranges_are_two_bounds_sharing_the_scale(engine, low, high, form):
    first, second = engine.extract("It will cost " + form.format(a=low, b=high) + ".", types=["money"])
    assert (first.value.amount, second.value.amount) == (low * 10**9, high * 10**9)
    assert (first.value.range, second.value.range) == ("from", "to")
    assert first.value.range_id == second.value.range_id
    assert first.value.currency == second.value.currency == "USD"


@pytest.mark.parametrize("text,approximation", [("about $5 million", "about"), ("nearly $5 million", "nearly"),
                                                ("more than $5 million", "more_than"), ("up to $5 million", "at_most")])
def test_approximators_are_values_not_spans(engine, text, approximation):
    [fact] = engine.extract(text, types=["money"])
    assert fact.text == "$5 million" and fact.value.approximation == approximation


@pytest.mark.parametrize("text,found", [
    ("Kim won the vote.", []),
    ("General Dynamics won a $48.2 million contract.", ["$48.2 million"]),
    ("the 2025 budget was cut", []),
    ("2,000 workers lost their jobs", []),
    ("Buy $AAPL now", []),
    ("Run `echo $100` twice", []),
    ("```\nCOST=$5 million\n```", []),
    ("Call (212) 555-0199 or +44 20 7946 0958 about the dollar.", []),
    ("In 2019 won a gold medal", []),
    ("The Dow crossed the 2,000 mark.", []),
    ("prices rose 5 per cent", []),
    ("It sold 2,978 units and two units of the fund.", []),
    ("a 1986 rights issue of three gold mining firms", []),
])
def test_not_money(engine, text, found):
    assert [f.text for f in engine.extract(text, types=["money"])] == found


@pytest.mark.parametrize("text,found", [
    ("Exploration firms spend about 60 mln kina annually.", ("60 mln kina", "PGK")),
    ("Foreign aid reached 1.91 billion Taka last year.", ("1.91 billion Taka", "BDT")),
    ("It pledged 300 million Brazilian real.", ("300 million Brazilian real", "BRL")),
])
def test_cldr_word_alone_in_its_document(engine, text, found):
    [fact] = engine.extract(text, types=["money"])
    assert (fact.text, fact.value.currency) == found


def test_two_facts_in_a_conversion(engine):
    won, dollars = engine.extract("It pledged 1.2 trillion won ($850 million).", types=["money"])
    assert (won.text, won.value.currency, won.value.amount) == ("1.2 trillion won", "KRW", 1.2e12)
    assert (dollars.text, dollars.value.currency, dollars.value.amount) == ("$850 million", "USD", 8.5e8)


def test_per_share_is_in_the_value(engine):
    [fact] = engine.extract("Net profit was $2.5 a share.", types=["money"])
    assert (fact.text, fact.value.per) == ("$2.5", "share")
    [fact] = engine.extract("Revenue was $13.18 billion a year earlier.", types=["money"])
    assert fact.value.per is None


def test_cents_are_in_the_main_unit(engine):
    [fact] = engine.extract("shares fell 34 cents", types=["money"])
    assert fact.value.amount == pytest.approx(0.34)


@pytest.mark.parametrize("text,currency,inferred", [
    ("Acme said it earned $5 million.", "USD", True),
    ("The Canadian miner said it earned $5 million.", "CAD", True),
    ("HONG KONG, March 3 - Exports rose to $5 billion.", "HKD", True),
    ("Sales were 446 mln Canadian dlrs. Profit was 16.2 mln dlrs.", "CAD", True),
    ("China's toy exports reached ¥3 billion.", "CNY", True),
    ("Toyota's profit reached ¥3 billion.", "JPY", True),
    ("It paid US$5 million.", "USD", False),
    ("It paid 5 mln stg.", "GBP", False),
])
def test_a_shared_sign_takes_its_currency_from_the_document(engine, text, currency, inferred):
    fact = engine.extract(text, types=["money"])[-1]
    assert (fact.value.currency, fact.value.currency_inferred) == (currency, inferred)


def test_francs_without_a_country_leave_the_currency_open(engine):
    [fact] = engine.extract("The stake was valued at 528 million francs.", types=["money"])
    assert (fact.value.amount, fact.value.currency) == (528e6, None)
    [fact] = engine.extract("The Swiss bank paid 528 million francs.", types=["money"])
    assert fact.value.currency == "CHF"


def test_every_emitted_currency_is_a_pint_unit_of_its_own_dimension():
    ureg = registry()
    for code in currencies().codes:
        assert ureg.Quantity(1, code).dimensionality == {f"[currency_{code}]": 1}


def test_conversion_goes_through_the_rates_and_records_their_date():
    engine = Engine(load_entrypoints=False, settings={"convert_to": "EUR", "rates": str(RATES)})
    yen, dollars, francs = engine.extract("It paid ¥100 million, $5 million and 3 million Swiss francs.",
                                          types=["money"])
    assert yen.value.converted.currency == "EUR"
    assert yen.value.converted.amount == pytest.approx(100e6 * 0.0064 / 1.17)
    assert dollars.value.converted.amount == pytest.approx(5e6 / 1.17)
    assert str(dollars.value.converted.rates_date) == "2025-12-11"
    assert francs.value.converted is None  # no rate for CHF


def test_no_conversion_without_settings(engine):
    [fact] = engine.extract("It paid $5 million.", types=["money"])
    assert fact.value.converted is None


@pytest.mark.parametrize("body,message", [
    ('base = "USD"\n[rates]\nEUR = 1.1\n', r"'date' must be a date"),
    ('date = 2025-12-11\nbase = "USD"\n[rates]\nEUX = 1.1\n', r"rates.toml:4: 'EUX' is not an ISO 4217"),
    ('date = 2025-12-11\nbase = "USD"\n[rates]\nEUR = -1\n', r"rates.toml:4: the rate of EUR must be a positive"),
    ('date = 2025-12-11\nbase = "USD"\n[rates]\nEUR = "1.1"\n', r"rates.toml:4: the rate of EUR"),
    ('date = 2025-12-11\nbase = "USD"\nsource = "ECB"\n[rates]\nEUR = 1.1\n', r"rates.toml:3: unknown key 'source'"),
    ('date = 2025-12-11\nbase = "USD"\n[rates]\nGBP = 1.3\n', r"no rate for EUR"),
    ('date = 2025-12-11\nbase = "USD"\n[rates\n', r"not valid TOML"),
])
def test_a_bad_rates_file_is_named_with_its_line(tmp_path, body, message):
    path = tmp_path / "rates.toml"
    path.write_text(body)
    with pytest.raises(SettingsError, match=message):
        Engine(load_entrypoints=False, settings={"convert_to": "EUR", "rates": str(path)})


def test_convert_to_needs_rates_and_a_known_code():
    with pytest.raises(SettingsError, match="go together"):
        Engine(load_entrypoints=False, settings={"convert_to": "EUR"})
    with pytest.raises(SettingsError, match="not an ISO 4217"):
        Engine(load_entrypoints=False, settings={"convert_to": "XYZ", "rates": str(RATES)})


def test_cli_converts_and_rejects_a_bad_rates_file(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("It paid $5 million.")
    result = CliRunner().invoke(app, ["extract", str(doc), "-t", "money", "--convert-to", "KRW", "--rates", str(RATES)])
    assert result.exit_code == ExitCode.OK, result.output
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["value"]["converted"]["amount"] == pytest.approx(7352941176.47)
    bad = tmp_path / "bad.toml"
    bad.write_text("date = 2025-12-11\n")
    result = CliRunner().invoke(app, ["extract", str(doc), "--convert-to", "KRW", "--rates", str(bad)])
    assert result.exit_code == ExitCode.USAGE and "bad.toml" in result.output


def test_recognizers_money_floor(tmp_path):
    assert dev_score("recognizers-money.jsonl", tmp_path)["money"]["value"][2] >= 0.95


def test_seed_money_exact(tmp_path):
    assert dev_score("seed.jsonl", tmp_path)["money"]["value"][2] == 1.0


def test_yen_sign_beside_yuan_is_the_yuan(engine):
    [fact] = engine.extract("Prices of ¥5,000, or about 700 yuan at home,", types=["money"])[:1]
    assert (fact.text, fact.value.currency) == ("¥5,000", "CNY")


@pytest.mark.parametrize("text,found", [
    ("deposits fell 1.31 billion dlrs to 75.39 billion dlrs", [("1.31 billion dlrs", None), ("75.39 billion dlrs", None)]),
    ("costs rose by $5 million to $12 million", [("$5 million", None), ("$12 million", None)]),
    ("it will cost $5 million to $12 million", [("$5 million", "from"), ("$12 million", "to")]),
])
def test_a_change_and_a_level_are_not_a_range(engine, text, found):
    assert [(f.text, f.value.range) for f in engine.extract(text, types=["money"])] == found


def test_cents_after_a_large_amount_are_their_own_figure(engine):
    facts = engine.extract("net was 918,000 dlrs 38 cts in 1986", types=["money"])
    assert [(f.text, f.value.amount) for f in facts] == [("918,000 dlrs", 918000), ("38 cts", 0.38)]


def test_a_country_outside_the_family_still_names_the_currency(engine):
    [fact] = engine.extract("debt totals 49 billion Malaysian dlrs", types=["money"])
    assert (fact.value.currency, fact.value.currency_inferred) == ("MYR", False)


def test_a_local_dollar_sign_earlier_does_not_carry_over_to_a_bare_sign(engine):
    facts = engine.extract("NT$300 billion was spent.\n\nApple paid $5 billion.", types=["money"])
    assert [f.value.currency for f in facts] == ["TWD", "USD"]
    facts = engine.extract("Sales of 446 mln Canadian dlrs.\n\nProfit was 16.2 mln dlrs.", types=["money"])
    assert [f.value.currency for f in facts] == ["CAD", "CAD"]


# -- values that always validate (issue 17) -----------------------------------------


@pytest.mark.parametrize("amount", ["1" * 4301, "1" * 19, "2,000,000,000,000,000,000", "9,999,999,999 billion"])
def test_an_amount_over_10_to_the_18_is_not_a_fact_and_the_others_stay(engine, amount):
    text = f"It cost $5 million and ${amount} in all."

    result = engine.process(text, reference_date="none")

    assert [f.text for f in result.facts if f.type == "money"] == ["$5 million"] and result.problems == []


def test_an_amount_of_10_to_the_18_is_kept(engine):
    (fact,) = engine.extract("It cost $1,000,000,000,000,000,000.", types=["money"])

    assert fact.value.amount == 10**18


@pytest.mark.parametrize("digit, value", [("\U0001e4f2", 2), ("\u0663", 3), ("\U0001d7d7", 9)])
def test_a_digit_regex_knows_is_read_as_regex_matched_it(engine, digit, value):
    # U+1E4F2 (Nag Mundari two) is Unicode 15: regex's \d matches it, Python 3.11's unicodedata does not know it.
    result = engine.process(f"$5 million and ${digit}", reference_date="none")

    assert result.problems == []
    assert [(f.text, f.value.amount) for f in result.facts] == [("$5 million", 5_000_000), (f"${digit}", value)]
