"""The benchmark's pure parts: peers' output as fact records, the ceiling's pattern, the one-line example."""
import sys
from datetime import datetime

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import ceiling  # noqa: E402
import peers  # noqa: E402
import startup  # noqa: E402

ISO = {"Euro": "EUR", "Dollar": "__D", "Pound": "__P", "Japanese yen": "JPY"}
RATIOS = {"Cent": 100, "Penny": 100}


def test_spacy_keeps_money_percent_date_spans_without_values():
    text = "Baker said sales rose 5 percent to $3 mln in March."
    ents = [("PERSON", 0, 5), ("PERCENT", 22, 31), ("MONEY", 35, 41), ("DATE", 45, 50)]
    records = peers.spacy_records(text, ents)
    assert [(r["type"], r["text"], r["value"]) for r in records] == [
        ("percent", "5 percent", None), ("money", "$3 mln", None), ("date", "March", None)]


@pytest.mark.parametrize("resolution, amount, currency", [
    ({"value": "3500000", "unit": "Dollar"}, 3_500_000, "USD"),     # a bare dollar, read as the gold does
    ({"value": "34", "unit": "Cent"}, 0.34, None),                 # a fractional unit, in the main unit
    ({"value": "12", "unit": "Euro"}, 12, "EUR"),
    ({"value": "5", "unit": "Pound"}, 5, "GBP"),
    ({"value": "7", "unit": "Kyat", "isoCurrency": "MMK"}, 7, "MMK"),  # the peer's own code first
    ({"value": "7", "unit": "Rupee"}, 7, None),                    # generic, and no reading given
])
def test_recognizers_money(resolution, amount, currency):
    text = "paid 12 units here"
    r = peers.recognizers_money(text, 5, 12, resolution, ISO, RATIOS)
    assert (r["start"], r["end"], r["text"]) == (5, 13, "12 units")  # the peer's end is inclusive
    assert r["value"]["amount"] == pytest.approx(amount)
    assert r["value"]["currency"] == currency


def test_recognizers_percent_and_date():
    text = "up 12.5% on March 3, 1987 and in 2019"
    assert peers.recognizers_percent(text, 3, 7, {"value": "12.5%"})["value"] == {"value": 12.5}
    day = peers.recognizers_date(text, 12, 24, "datetimeV2.date", {"values": [{"timex": "1987-03-03"}]})
    assert (day["text"], day["value"]) == ("March 3, 1987", {"timex": "1987-03-03"})
    year = peers.recognizers_date(text, 33, 36, "datetimeV2.daterange", {"values": [{"timex": "2019"}]})
    assert year["value"] == {"timex": "2019"}
    between = {"values": [{"timex": "(2019-01-01,2019-03-01,P2M)"}]}
    assert peers.recognizers_date(text, 33, 36, "datetimeV2.daterange", between) is None
    assert peers.recognizers_date(text, 33, 36, "datetimeV2.time", {"values": [{"timex": "T10"}]}) is None


@pytest.mark.parametrize("type_name, first, timex", [
    ("datetimeV2.date", {"timex": "XXXX-WXX-3", "value": "2025-12-10"}, "2025-12-10"),
    ("datetimeV2.date", {"timex": "XXXX-10-18"}, "XXXX-10-18"),            # no resolution given
    ("datetimeV2.daterange", {"timex": "XXXX-10", "start": "2025-10-16"}, "2025-10"),
    ("datetimeV2.datetime", {"timex": "2025-12-11T12:25", "value": "2025-12-11 12:25:00"}, "2025-12-11"),
    ("datetimeV2.datetime", {"timex": "PRESENT_REF", "value": "2025-12-11 12:25:00"}, None),
])
def test_recognizers_dates_take_the_peers_own_resolution(type_name, first, timex):
    r = peers.recognizers_date("Wednesday", 0, 8, type_name, {"values": [first, {"timex": "ignored"}]})
    assert (r and r["value"]["timex"]) == timex


@pytest.mark.parametrize("period, timex", [
    ("day", "1987-03-03"), (None, "1987-03-03"), ("time", "1987-03-03"),
    ("month", "1987-03"), ("year", "1987"), ("week", "1987-W10")])
def test_dateparser_timex_follows_the_period(period, timex):
    assert peers.dateparser_timex(datetime(1987, 3, 3), period) == timex


def test_dateparser_hits_are_located_in_order():
    text = "on May 1 and again on May 1, then June"
    hits = [("May 1", datetime(1987, 5, 1), "day"), ("May 1", datetime(1987, 5, 1), "day"),
            ("nowhere", datetime(1987, 1, 1), "day"), ("June", datetime(1987, 6, 1), "month")]
    records = peers.dateparser_records(text, hits)
    assert [(r["start"], r["end"], r["value"]["timex"]) for r in records] == [
        (3, 8, "1987-05-01"), (22, 27, "1987-05-01"), (34, 38, "1987-06")]


def test_ceiling_finds_trigger_characters_and_the_engines_words(engine):
    pattern = ceiling.trigger_pattern(engine)
    text = "March: the Prime Minister, marching on, paid $5 for 12.5% of Mayhem in May."
    hits = [h.strip(" ,.") for h in pattern.findall(text)]
    assert hits == ["March", "Prime Minister", "$", "5", "12", "5", "%", "May"]


def test_the_one_line_example_holds_one_fact_of_each_type(engine):
    facts = engine.extract(startup.ONE_LINE.read_text(encoding="utf-8"))
    assert sorted(f.type for f in facts) == ["date", "money", "official", "percent"]
