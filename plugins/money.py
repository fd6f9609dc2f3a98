"""The `money` plugin: amounts of money in any currency, with ISO 4217 codes.

Currency names, codes and symbols come from CLDR through Babel, read once per
process and handed to the rule loader as generated word lists (see
`cldr_lists`); `rules/money.toml` adds how news writes money ("15 mln dlrs",
"stg", "C$", "Rs 500 crore") and the rules. A currency word or sign that
several currencies share ("$", "dollars", "¥", "francs") is resolved from the
document: a qualifier nearby ("Canadian"), for a word the same word with its
country earlier in the document ("Canadian dlrs ... dlrs"), the dateline,
else the family's default (USD for "$"); the value then says
`currency_inferred: true`.

With the settings ``convert_to`` (an ISO code) and ``rates`` (a file),
every value whose currency has a rate also carries ``converted``. The rates
file is TOML:

    date = 2025-12-11   # the day the rates are for (required)
    base = "USD"        # the currency the rates are given in (required)
    [rates]             # one unit of each currency is worth this many `base`
    EUR = 1.17
    KRW = 0.00068

Every currency is a pint unit of its own dimension (factx/units.txt); the
rates become a pint context of transformations, and each currency's factor
to ``convert_to`` is computed through it once, when the engine is built.
"""
from __future__ import annotations

import bisect
import io
import json
import threading
import tomllib
import unicodedata
import weakref
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, NamedTuple

import regex
from pydantic import Field

from factx import Candidate, Document, Draft, FactType, RangedValue, Rule, RuleSet, Value, hookimpl
from factx.toolkit import (
    as_number,
    compile_pattern,
    group_numbers,
    list_pattern,
    lookup,
    named_groups,
    normalize_key,
    parse_number,
    stored,
    unit_registry,
)

VERSION = "0.1.0"
HUNDREDTH = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 18  # in the main unit: a larger amount is a misreading (or a joke), not a fact
_CODE_SCALE = {"M": Decimal(1_000_000), "k": Decimal(1000)}  # "30 MUSD", "500 kEUR"


class Converted(Value):
    """An amount expressed in another currency with the user's exchange rates."""

    amount: float = Field(description="The amount in `currency`.")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="The currency converted to (ISO 4217).")
    rates_date: date = Field(description="The date of the rates used.")


class MoneyValue(RangedValue):
    """An amount of money in the main unit of its currency."""

    amount: int | float = Field(description="In the currency's main unit: '34 cents' is 0.34.")
    currency: str | None = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, or null where unknown.")
    currency_inferred: bool = Field(
        default=False, description="True when the text leaves the currency open ('$', 'dollars') and it was inferred.")
    per: str | None = Field(default=None, description="What the amount is per: 'share' in '$2.5 a share'.")
    converted: Converted | None = Field(default=None, description="The amount in the currency asked for, if any.")


_FIELDS = tuple(MoneyValue.model_fields)  # a record's fields in this order


# -- currency data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Currencies:
    """CLDR's currencies as the plugin uses them.

    `codes` are the currencies CLDR names and factx/units.txt defines;
    `current` those legal tender today. `lemma` is the last word of a
    currency's English name, accents and case removed ("dollar" for CAD);
    `words` maps each form of it ("dollars") to the lemma, and `qualifiers`
    the words before it ("canadian") to codes.
    """

    codes: frozenset[str]
    current: frozenset[str]
    lemma: Mapping[str, str]
    symbols: Mapping[str, str]
    qualifiers: Mapping[str, str]
    words: Mapping[str, str]


def _plain(text: str) -> str:
    """Case-folded, without accents: 'Colón' -> 'colon'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _pint_codes() -> set[str]:
    """The currencies factx/units.txt defines: a code the plugin emits must convert."""
    text = (files("factx") / "units.txt").read_text(encoding="utf-8")
    return set(regex.findall(r"(?m)^([A-Z]{3}) = \[currency_\1\]", text))


@stored("babel", rebuild=Currencies)
def currencies() -> Currencies:
    """Read CLDR's English currency data from Babel, once (kept on disk, see `factx.stored`)."""
    from babel import Locale
    from babel.core import get_global
    from babel.numbers import get_currency_name

    tender_now: dict[str, bool] = {}
    for entries in get_global("territory_currencies").values():
        for code, _start, end, tender in entries:
            if tender:
                tender_now[code] = tender_now.get(code, False) or end is None
    english = Locale("en")
    codes = frozenset(english.currencies) & _pint_codes()
    lemma, qualifiers, words = {}, {}, {}
    for code in sorted(codes):
        base = regex.sub(r"\s*\(.*\)", "", english.currencies.get(code, ""))
        if not base:
            continue
        lemma[code] = _plain(base.split()[-1])
        for name in {base, get_currency_name(code, 1, "en"), get_currency_name(code, 2, "en")}:
            if "(" in name or name.casefold() == code.casefold():
                continue
            *qualifier, last = name.split()
            if qualifier:
                key = " ".join(qualifier).casefold()
                if code not in qualifiers.get(key, "").split():
                    qualifiers[key] = " ".join(filter(None, [qualifiers.get(key), code]))
            for form in {last.casefold(), _plain(last)}:
                words.setdefault(form, lemma[code])
    current = frozenset(code for code in codes if tender_now.get(code))
    qualifiers = {key: " ".join(sorted(value.split(), key=lambda c: c not in current)) for key, value in qualifiers.items()}
    symbols = _symbols(codes, current, lemma, english, Locale("root"))
    return Currencies(codes, current, lemma, symbols, qualifiers, words)


def _symbols(codes, current, lemma, english, root) -> dict[str, str]:
    """Symbols that name one currency: CLDR's, and Unicode's currency signs ('₾' LARI SIGN -> GEL)."""
    found: dict[str, set[str]] = {}
    for locale in (english, root):
        for code, symbol in locale.currency_symbols.items():
            if code in codes and symbol != code and not (len(symbol) == 1 and symbol.isalpha()):
                found.setdefault(symbol, set()).add(code)
    for char in map(chr, [*range(0x20A0, 0x20D0), 0x0E3F, 0x058F, 0x060B]):
        if unicodedata.category(char) != "Sc" or char in found:
            continue
        words = _plain(unicodedata.name(char, "")).replace("currency symbol", "").replace("sign", "").split()
        if not words:
            continue
        *qualifier, last = words
        named = [c for c in codes if lemma.get(c) == last]
        if qualifier:
            named = [c for c in named if _plain(english.currencies.get(c, "")).startswith(" ".join(qualifier))]
        now = [c for c in named if c in current] or named
        if len(now) == 1:
            found[char] = {now[0]}
    return {symbol: next(iter(c)) for symbol, c in found.items() if len(c) == 1}


@stored("babel")
def territory_currencies() -> dict[str, str]:
    """Each country's English name (CLDR, through Babel), case-folded, mapped to the currency it uses now."""
    from babel import Locale
    from babel.core import get_global

    names = Locale("en").territories
    found = {}
    for territory, entries in get_global("territory_currencies").items():
        now = [code for code, _start, end, tender in entries if tender and end is None]
        if territory in names and territory.isalpha() and len(now) == 1:
            found[_plain(names[territory])] = now[0]
    return found


class GeneratedRules(Traversable):
    """A rule file made in memory, read by the rule loader like any other file."""

    def __init__(self, name: str, text: str):
        self._name, self._text = name, text

    @property
    def name(self) -> str:
        return self._name

    def is_file(self) -> bool:
        return True

    def is_dir(self) -> bool:
        return False

    def iterdir(self) -> Iterator[Traversable]:
        return iter(())

    def joinpath(self, *descendants: str) -> Traversable:
        raise FileNotFoundError(f"{self._name} is a file")

    def open(self, mode: str = "r", *args, **kwargs):
        return io.BytesIO(self._text.encode()) if "b" in mode else io.StringIO(self._text)

    def read_text(self, encoding: str | None = None) -> str:
        return self._text

    def __str__(self) -> str:
        return f"<babel>/{self._name}"


def cldr_lists(data: Currencies) -> GeneratedRules:
    """CLDR's currency words, qualifiers, symbols and codes as word lists for rules/money.toml."""
    tables = {
        "MONEY_CLDR_WORD": data.words,
        "MONEY_CLDR_QUALIFIER": data.qualifiers,
        "MONEY_CLDR_SYMBOL": data.symbols,
        "MONEY_ISO_CODE": {code: code for code in data.codes},
    }
    lines = ["# CLDR currency data from Babel, generated by plugins/money.py."]
    for list_name, table in tables.items():
        lines.append(f"\n[lists.{list_name}]")
        lines += [f"{json.dumps(key)} = {json.dumps(value)}" for key, value in sorted(table.items())]
    return GeneratedRules("money_cldr.toml", "\n".join(lines) + "\n")


# -- hooks -----------------------------------------------------------------------------------------


@hookimpl
def factx_register_fact_types(register) -> None:
    register(FactType("money", MoneyValue, VERSION, "An amount of money and its currency (ISO 4217)."))


@hookimpl
def factx_register_rule_paths(register) -> None:
    register(cldr_lists(currencies()))
    register(files("factx") / "rules" / "money.toml")
    register(files("factx") / "rules" / "money_ranges.toml")
    register(files("factx") / "rules" / "money_words.toml")
    register(files("factx") / "rules" / "money_blockers.toml")


@dataclass(frozen=True)
class MoneyConfig:
    """What the settings ask of the plugin: a currency to convert to and each currency's factor to it."""

    convert_to: str | None = None
    rates_date: date | None = None
    factors: Mapping[str, Decimal] = field(default_factory=dict)


@hookimpl
def factx_register_settings(register) -> None:
    register("convert_to", "An ISO 4217 code: also give every amount in this currency (needs rates).")
    register("rates", "A TOML file of exchange rates for convert_to; rates are never fetched.")


@hookimpl
def factx_configure(settings: Mapping[str, Any]) -> MoneyConfig:
    target, rates = settings.get("convert_to"), settings.get("rates")
    if target is None and rates is None:
        return MoneyConfig()
    if target is None or rates is None:
        raise ValueError("--convert-to and --rates go together: rates are never fetched")
    target = target.upper()
    if target not in currencies().codes:
        raise ValueError(f"--convert-to {target}: not an ISO 4217 currency code")
    day, base, table = read_rates(Path(rates))
    return MoneyConfig(target, day, conversion_factors(base, table, target, rates))


def read_rates(path: Path) -> tuple[date, str, dict[str, Decimal]]:
    """The date, base currency and rates of a rates file; ValueError naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text, parse_float=Decimal)
    except OSError as e:
        raise ValueError(f"{path}: cannot read rates file: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise ValueError(f"{path}: not valid TOML: {e}") from None

    def fail(key: str, message: str):
        key_pattern = compile_pattern(rf"\s*{regex.escape(key)}\s*=")
        line = next((n for n, row in enumerate(text.splitlines(), 1) if key_pattern.match(row)), 0)
        raise ValueError(f"{path}:{line}: {message}" if line else f"{path}: {message}")

    codes = currencies().codes
    for key in sorted(set(data) - {"date", "base", "rates"}):
        fail(key, f"unknown key {key!r} (expected date, base, [rates])")
    if not isinstance(data.get("date"), date):
        fail("date", "'date' must be a date such as 2025-12-11")
    if data.get("base") not in codes:
        fail("base", "'base' must be an ISO 4217 currency code")
    rates = data.get("rates")
    if not isinstance(rates, dict) or not rates:
        fail("rates", "a [rates] table of CODE = rate is required")
    for code, rate in rates.items():
        if code not in codes:
            fail(code, f"{code!r} is not an ISO 4217 currency code")
        if isinstance(rate, bool) or not isinstance(rate, int | Decimal) or rate <= 0:
            fail(code, f"the rate of {code} must be a positive number")
    return data["date"], data["base"], {code: Decimal(rate) for code, rate in rates.items()}


_pint_lock = threading.Lock()  # a pint context is enabled on the shared registry while converting


def conversion_factors(base: str, rates: Mapping[str, Decimal], target: str, source: str) -> dict[str, Decimal]:
    """How many `target` one unit of each currency is worth, converted by pint through `base`."""
    import pint

    ureg = unit_registry()
    context = pint.Context()
    for code, rate in rates.items():
        context.add_transformation(f"[currency_{code}]", f"[currency_{base}]",
                                   lambda reg, x, rate=rate, code=code: x * rate * reg.Unit(base) / reg.Unit(code))
        context.add_transformation(f"[currency_{base}]", f"[currency_{code}]",
                                   lambda reg, x, rate=rate, code=code: x / rate * reg.Unit(code) / reg.Unit(base))
    if target != base and target not in rates:
        raise ValueError(f"{source}: no rate for {target}, the currency to convert to")
    factors = {}
    with _pint_lock:
        for code in {base, *rates}:
            factors[code] = ureg.Quantity(Decimal(1), code).to(target, context).magnitude
    return factors


@hookimpl
def factx_extract(document: Document, rules: RuleSet, config: MoneyConfig | None) -> list[Candidate]:
    text = document.text
    ctx = Context.of(rules)
    candidates = list(rules.candidates(text, lambda rule, m: _build(ctx, rule, m)))
    drafts = sorted((d for c in candidates for d in c.drafts), key=lambda d: d.start)
    if any("_family" in d.value for d in drafts):
        _resolve_families(text, drafts, ctx)
        if any("_unresolved" in d.value for d in drafts):
            candidates = [c for c in candidates if not any("_unresolved" in d.value for d in c.drafts)]
            drafts = [d for d in drafts if "_unresolved" not in d.value]
    for draft in drafts:
        _finish(text, draft, ctx, config)
    return candidates


# -- from a match to a value -----------------------------------------------------------------------


class Marker(NamedTuple):
    """What a currency sign, code or word says: a currency, or a family left open."""

    code: str | None = None
    family: str | None = None
    factor: Decimal = Decimal(1)
    sign: bool = False  # "$" rather than "dollars"
    evidence: bool = False  # a one-letter sign ("R"), taken only where the document points to its currency


def _span_text(m: regex.Match[str], name: str, lo: int, hi: int) -> str | None:
    """The capture of group `name` inside [lo, hi) (a range rule holds each group twice)."""
    number = group_numbers(m.re).get(name)
    if number is None:
        return None
    for (start, end), captured in zip(m.spans(number), m.captures(number)):
        if lo <= start and end <= hi:
            return captured
    return None


def _build(ctx: Context, rule: Rule, m: regex.Match[str]) -> Any:
    g = named_groups(m)
    if "low" in g:
        return _range(ctx, m)
    value = _bound(ctx, g.get)
    if value is None:
        return None
    if g.get("minor_num"):
        if _currency_before(ctx, m.string, m.start()):
            return None  # "rmb 10 usd 20": the first number has its own currency
        cents = parse_number(g["minor_num"], ctx.lists)
        if cents >= 100:
            return None
        value["_amount"] += cents * HUNDREDTH
    if g.get("per"):
        value["per"] = lookup(ctx.lists, g["per"], "MONEY_PER")
    return [Draft(min([m.start(), *(start for start, _ in m.spans("pre"))]) if g.get("pre") else m.start(),
                  m.end(), value)]


_TOKEN_BEFORE = compile_pattern(r"(?:(?<sign>[\p{Sc}])|(?<![\p{Letter}])(?<word>\p{Letter}{3}))\s?$")


def _currency_before(ctx: Context, text: str, start: int) -> bool:
    """Whether a currency sign or code stands right before `start`."""
    m = _TOKEN_BEFORE.search(text, max(0, start - 5), start)
    if m is None:
        return False
    word = normalize_key(m["word"] or "")
    return bool(m["sign"]) or word in ctx.lists["MONEY_ISO_CODE"] or word in ctx.lists["MONEY_CODE_ANYCASE"]


def _bound(ctx: Context, part, scale_from: Decimal | None = None) -> dict | None:
    """The value of one amount, its groups read with `part(name)`, or None when it names no currency."""
    marker = _marker(ctx, part)
    if marker is None:
        return None
    scale_word = part("scale") or part("scale2")
    scale = ctx.scale(scale_word) if scale_word else scale_from or Decimal(1)
    amount = parse_number(part("num"), ctx.lists) * scale * marker.factor
    if abs(amount) > MAX_AMOUNT:
        return None
    value: dict[str, Any] = {"_amount": amount, "_scaled": scale_word is not None}
    if marker.family is not None:
        value["_family"] = (marker.family, marker.sign, marker.evidence)
    else:
        value["currency"] = marker.code
    return value


def _marker(ctx: Context, part) -> Marker | None:
    """Read the currency from the groups of one amount: `pre`, `post` (with `qual`, `unit`) or `minor`."""
    if unit := part("unit"):
        key = normalize_key(unit)
        if key in ctx.lists["MONEY_UNIT"]:
            return _named(ctx, ctx.lists["MONEY_UNIT"][key], part("qual"))
        if part("qual") is None and key in ctx.lists["MONEY_CLDR_COMMON_WORD"]:
            return None  # "2,978 units": a count, not European Currency Units
        marker = _named(ctx, ctx.lists["MONEY_CLDR_WORD"][key], part("qual"))
        return marker if marker and marker.code else None  # CLDR's words count only with their country
    text = part("pre") or part("post")
    if text is None and (minor := part("minor")):
        return _named(ctx, lookup(ctx.lists, minor, "MONEY_MINOR"), part("qual"), HUNDREDTH)
    if text is None:
        return Marker()  # a bound that takes its currency from the other bound
    key = normalize_key(text)
    if key in ctx.lists["MONEY_SIGN_GENERIC"]:
        return _named(ctx, ctx.lists["MONEY_SIGN_GENERIC"][key], sign=True)
    if key in ctx.lists["MONEY_SIGN_LETTER"] and text.isupper():
        return _named(ctx, ctx.lists["MONEY_SIGN_LETTER"][key], sign=True, evidence=True)
    for table in ("MONEY_SYMBOL", "MONEY_CLDR_SYMBOL", "MONEY_CODE_ANYCASE", "MONEY_RESTRICTED_UNIT"):
        if key in ctx.lists[table]:
            found = ctx.lists[table][key]
            return _named(ctx, found) if table == "MONEY_RESTRICTED_UNIT" else Marker(found or None)
    if text.endswith("$"):
        prefix = normalize_key(text[:-1])
        found = (ctx.lists["MONEY_DOLLAR_PREFIX"].get(prefix) or ctx.lists["MONEY_ISO_CODE"].get(prefix)
                 or ctx.lists["MONEY_CLDR_QUALIFIER"].get(prefix))
        return Marker(found) if found and " " not in found else None
    factor = _CODE_SCALE.get(text[0]) if len(text) == 4 else None
    code = normalize_key(text[1:] if factor else text)
    if code in ctx.lists["MONEY_NOT_CODE"] or code not in ctx.lists["MONEY_ISO_CODE"]:
        return None
    return Marker(ctx.lists["MONEY_ISO_CODE"][code], factor=factor or Decimal(1))


def _named(ctx: Context, family: str, qualifier: str | None = None, factor: Decimal = Decimal(1),
           sign: bool = False, evidence: bool = False) -> Marker | None:
    """A currency word or sign with an optional qualifier: an ISO code, a family of one, or a family left open."""
    if len(family) == 3 and family.isupper():
        return Marker(family, factor=factor)
    members = ctx.members(family)
    if qualifier is not None:
        codes = ctx.qualifier_codes(qualifier)
        if not codes:
            return None  # "5 new dollars": not a country
        fitting = [code for code in codes if code in members] or codes[:1]  # "Malaysian dlrs" were ringgit
        return Marker(fitting[0], factor=factor)
    if len(members) == 1 and not evidence:
        return Marker(next(iter(members)), factor=factor)
    return Marker(family=family, factor=factor, sign=sign, evidence=evidence)


_YEAR = compile_pattern(r"(?:19|20)\d\d")


def _range(ctx: Context, m: regex.Match[str]) -> tuple[Draft, Draft] | None:
    """The two bounds of a range; the first takes the scale and currency only the second writes."""
    high = _bound(ctx, lambda name: _span_text(m, name, m.start("high"), len(m.string)))
    if high is None:
        return None
    low_scale = _span_text(m, "scale", 0, m.end("low"))
    low_number = parse_number(_span_text(m, "num", 0, m.end("low")), ctx.lists)
    # A small first number shares the second's scale ("$2-3 billion"); "$500,000 to $1 million" does not.
    inherit = high["_scaled"] and low_scale is None and low_number < 1000
    scale = ctx.scale(_span_text(m, "scale", m.start("high"), len(m.string))) if inherit else None
    low = _bound(ctx, lambda name: _span_text(m, name, 0, m.end("low")), scale)
    if low is None:
        return None
    low_currency = {k: v for k, v in low.items() if k in ("currency", "_family")}
    if not any(low_currency.values()) and "_family" not in high and not high.get("currency"):
        return None
    if not any(low_currency.values()) and (_YEAR.fullmatch(_span_text(m, "num", 0, m.end("low")))
                                           or ctx.month_pattern.search(m.string, max(0, m.start("low") - 12), m.start("low"))):
        return None  # "the deficit for 1988 to 108 billion dlrs", "rose on March 6 to 3.9 billion dlrs"
    low_start = min([m.start("low"), *(start for start, _ in m.spans("pre") if start < m.end("low"))])
    if ctx.change_pattern.search(m.string, max(0, low_start - 30), low_start):
        return None  # "fell 1.31 billion dlrs to 75.39 billion": a change and a level
    high_currency = {k: v for k, v in high.items() if k in ("currency", "_family")}
    if not low_currency.get("currency") and not low_currency.get("_family"):
        low.update(high_currency)
    elif not high_currency.get("currency") and not high_currency.get("_family"):
        low_pre = [start for start, _ in m.spans("pre") if start < m.end("low")]
        if not low_pre:
            return None  # "5 dlrs to 10 investors": a currency after the first bound only
        high.update(low_currency)
    elif low_currency != high_currency:
        return None  # two currencies: a conversion or a change, not a range
    if named_groups(m).get("per"):
        low["per"] = high["per"] = lookup(ctx.lists, m.group("per"), "MONEY_PER")
    rid = low_start
    return (Draft(low_start, m.end("low"), {**low, "range": "from", "range_id": rid}),
            Draft(m.start("high"), m.end(), {**high, "range": "to", "range_id": rid}))


# -- context: families, approximators, conversion ----------------------------------------------------


class Context:
    """What the plugin derives once from a rule set's word lists."""

    _cache: weakref.WeakKeyDictionary[RuleSet, Context] = weakref.WeakKeyDictionary()
    _lock = threading.Lock()

    def __init__(self, rules: RuleSet):
        self.lists = lists = rules.lists  # not the rule set: the cache holds rule sets weakly
        self.data = currencies()
        self._scales = {key: Decimal(str(factor)) for key, factor in lists["MONEY_SCALE"].items()}
        self._members: dict[str, frozenset[str]] = {}
        self.qualifiers = {**{k: v.split() for k, v in lists["MONEY_CLDR_QUALIFIER"].items()},
                           **{k: v.split() for k, v in lists["MONEY_QUALIFIER"].items()}}
        self.cue_words = {k: v.split() for k, v in lists["MONEY_CUE"].items()}
        # Places and institutions: countries (CLDR's names), cities, central banks, markets.
        self.places = {**{k: [v] for k, v in territory_currencies().items()},
                       **{k: v.split() for k, v in lists["MONEY_DATELINE"].items()},
                       **{k: v.split() for k, v in lists["MONEY_INSTITUTION"].items()}}
        self.cues = {**self.places, **self.qualifiers, **self.cue_words}
        self._named_patterns: dict[str, regex.Pattern[str] | None] = {}
        self._cue_patterns: dict[str, tuple[regex.Pattern[str], ...]] = {}
        approx = {**lists["APPROX"], **lists["MONEY_APPROX"]}
        self.approx = approx
        # Matched backwards from the amount: only a match ending right before it counts.
        self.approx_pattern = compile_pattern(r"(?ri)(?<!\w)(?:" + list_pattern(approx) + r")\s{1,3}$")
        self.month_pattern = compile_pattern(r"(?i)(?<!\w)(?:" + list_pattern(lists["MONEY_MONTH"]) + r")\.?\s+$")
        self.change_pattern = compile_pattern(r"(?i)(?<!\w)(?:" + list_pattern(lists["MONEY_CHANGE"]) + r")(?:\s+by)?\s+$")
        # Possessive runs: no shorter run could be followed by what comes next, so none is tried.
        self.dateline = compile_pattern(
            r"(?m)^\W{0,3}+(?<place>[A-Z][A-Za-z.]*+(?:[ \-][A-Z][A-Za-z.]*+){0,2})\s*+(?:,|\(|-)")

    @classmethod
    def of(cls, rules: RuleSet) -> Context:
        """The context of `rules`, built on first use (engines share none: each has its own rule set)."""
        ctx = cls._cache.get(rules)
        if ctx is None:
            with cls._lock:
                ctx = cls._cache.get(rules)
                if ctx is None:
                    ctx = cls._cache[rules] = cls(rules)
        return ctx

    def members(self, family: str) -> frozenset[str]:
        """The currencies of a family: those whose English name ends in one of its lemmas."""
        if family not in self._members:
            lemmas = set(self.lists["MONEY_FAMILY_LEMMAS"].get(family, family).split())
            self._members[family] = frozenset(c for c, lemma in self.data.lemma.items() if lemma in lemmas)
        return self._members[family]

    def cue_patterns(self, family: str) -> tuple[regex.Pattern[str], ...]:
        """Patterns of the qualifiers and cue words that name a member of `family`: no other decides its currency."""
        if family not in self._cue_patterns:
            members = self.members(family)
            fitting = {key for key, codes in self.cues.items() if any(c in members for c in codes)}
            qualifiers = sorted(fitting & (self.qualifiers.keys() | self.places.keys()))
            words = sorted(fitting & self.cue_words.keys())
            # Qualifiers are names, written with a capital. The few cue words ("yuan") count
            # in any case; two patterns scan faster than their alternation.
            self._cue_patterns[family] = (
                *([_names_pattern(qualifiers)] if qualifiers else []),
                *([compile_pattern(r"(?i)\b(?<!\.)(?:" + list_pattern(words) + r")(?!\w)")] if words else []),
            )
        return self._cue_patterns[family]

    def named_pattern(self, family: str) -> regex.Pattern[str] | None:
        """The capitalized names (places, institutions, qualifiers) that point to a member of `family`,
        with those that could hide one.

        A scan for these counts the family's names as a scan for every name would, in less time.
        A name the scan takes hides any that starts inside it, and a match starts at a word: so
        a name stays in when it holds a word that another opens with ('Netherlands Antillean',
        guilders, hides 'Netherlands', euros).
        """
        if family not in self._named_patterns:
            members = self.members(family)
            names = self.places.keys() | self.qualifiers.keys()
            keys = {key for key in names
                    if any(c in members for c in [*self.cues.get(key, ()), *self.cues.get(normalize_key(key), ())])}
            while hiding := _hiding(names, keys):
                keys |= hiding
            self._named_patterns[family] = _names_pattern(sorted(keys)) if keys else None
        return self._named_patterns[family]

    def scale(self, word: str) -> Decimal:
        """The factor a scale word stands for ('mln' -> 1000000)."""
        return self._scales[normalize_key(word)]

    def qualifier_codes(self, qualifier: str) -> list[str]:
        return self.qualifiers.get(normalize_key(qualifier), [])

    def default(self, family: str) -> str | None:
        return self.lists["MONEY_FAMILY_DEFAULT"].get(family) or None


def _names_pattern(keys: list[str]) -> regex.Pattern[str]:
    """A pattern of names from `keys`, each starting with a capital."""
    # Checking for a capital first spares trying the list at every letter. (`\b` before a word
    # that opens with a letter, unlike a look-behind, lets the regex engine skip ahead.)
    return compile_pattern(r"\b(?<!\.)(?=\p{Lu})(?i:" + list_pattern(keys) + r")(?!\w)")


_WORD = compile_pattern(r"\w+")


def _hiding(names: set[str], keys: set[str]) -> set[str]:
    """The names not in `keys` that hold a word one of `keys` opens with."""
    openers = {_WORD.search(key).group() for key in keys}
    return {name for name in names - keys if not openers.isdisjoint(_WORD.findall(name))}


_PARAGRAPH = compile_pattern(r"\n\s*\n|\n {3,}")
_CUE_BEFORE, _CUE_AFTER = 150, 60


def _resolve_families(text: str, drafts: list[Draft], ctx: Context) -> None:
    """Give each amount whose currency is left open the currency its context points to."""
    explicit: list[tuple[int, str]] = [(d.start, d.value["currency"]) for d in drafts if d.value.get("currency")]
    dateline: list[str] | None = None  # read only if an amount needs it
    open_drafts: dict[str, list[Draft]] = {}
    for draft in drafts:
        if "_family" in draft.value:
            open_drafts.setdefault(draft.value["_family"][0], []).append(draft)
    cues = {family: _cues_near(text, group, ctx, family) for family, group in open_drafts.items()}
    if any(cues.values()):
        # A name inside another amount ("... 71.4 U.S. cents. The government will spend $9 billion")
        # speaks of that amount: it is a cue for this one only in the same sentence.
        spans = [(d.start, d.end) for d in drafts]
        cues = {family: [(start, end, codes, _inside(start, spans)) for start, end, codes in found]
                for family, found in cues.items()}
    # Paragraph breaks bound a cue's reach: read only if there is a cue.
    breaks = [m.start() for m in _PARAGRAPH.finditer(text)] if any(cues.values()) else []
    most_named: dict[str, str | None] = {}  # per family, the member the document names most, read only if needed
    for draft in drafts:
        family, sign, evidence = draft.value.pop("_family", (None, False, False))
        if family is None:
            continue
        members = ctx.members(family)
        # "446 mln Canadian dlrs ... 16.2 mln dlrs": the words carry on; but "S$1.2 million ...
        # $1.4 billion" is how wire copy sets a local dollar apart from the US one.
        earlier = None if sign else next((c for start, c in reversed(explicit) if start < draft.start and c in members), None)
        code = (cues[family] and _cue(text, draft, members, cues[family], breaks)) or earlier
        if code is None:
            dateline = _dateline_codes(text, ctx) if dateline is None else dateline
            code = next((c for c in dateline if c in members), None)
        if code is None and not (sign and family == "dollar"):
            # "2.4 trillion pesos" in a story on Colombia: the currency of the country the document
            # names most ("$" alone keeps to the dollar its dateline gives, as wire copy writes it).
            if family not in most_named:
                most_named[family] = _most_named(_named_codes(text, ctx, family), members)
            code = most_named[family]
        if code is None and evidence:
            draft.value["_unresolved"] = True  # "R15 billion" with nothing pointing to the rand
            continue
        code = code or ctx.default(family)
        draft.value["currency"] = code
        draft.value["currency_inferred"] = code is not None


def _inside(at: int, spans: list[tuple[int, int]]) -> bool:
    """Whether offset `at` falls inside one of `spans`."""
    return any(start <= at < end for start, end in spans)


def _named_codes(text: str, ctx: Context, family: str) -> Counter[str]:
    """How often the document names a place, institution or people of each currency's country: exact for the members of `family`."""
    counts: Counter[str] = Counter()
    pattern = ctx.named_pattern(family)
    for m in pattern.finditer(text) if pattern else ():
        for code in ctx.cues.get(normalize_key(m.group()), ()):
            counts[code] += 1
    return counts


def _most_named(counts: Counter[str], members: frozenset[str]) -> str | None:
    """The member of a family the document names most, if one is named more than any other."""
    ranked = sorted(((n, code) for code, n in counts.items() if code in members), reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
        return None
    return ranked[0][1]


def _cues_near(text: str, drafts: list[Draft], ctx: Context, family: str) -> list[tuple[int, int, list[str]]]:
    """The cue words within reach of the amounts of one family left open, each stretch of text scanned once."""
    stretches: list[list[int]] = []
    for draft in drafts:  # drafts come in document order
        lo, hi = max(0, draft.start - _CUE_BEFORE), min(len(text), draft.end + _CUE_AFTER)
        if stretches and lo <= stretches[-1][1]:
            stretches[-1][1] = max(stretches[-1][1], hi)
        else:
            stretches.append([lo, hi])
    return [(m.start(), m.end(), ctx.cues[normalize_key(m.group())])
            for lo, hi in stretches for pattern in ctx.cue_patterns(family) for m in pattern.finditer(text, lo, hi)]


_SENTENCE_END = compile_pattern(r"[.!?]\s+(?=\p{Lu})")


def _cue(text: str, draft: Draft, members: frozenset[str], cues: list[tuple[int, int, list[str], bool]],
         breaks: list[int]) -> str | None:
    """The currency a qualifier or cue word nearest to the amount names, within its paragraph and a short reach."""
    paragraph = bisect.bisect_left(breaks, draft.start)
    lo = max(draft.start - _CUE_BEFORE, breaks[paragraph - 1] if paragraph else 0)
    hi = min(draft.end + _CUE_AFTER, breaks[paragraph] if paragraph < len(breaks) else draft.end + _CUE_AFTER)
    best: tuple[int, str] | None = None
    for start, end, codes, in_amount in cues:
        if end <= lo or start >= hi or draft.start <= start < draft.end:
            continue
        if in_amount and _SENTENCE_END.search(text, min(end, draft.end), max(start, draft.start)):
            continue
        fitting = [c for c in codes if c in members]
        distance = draft.start - end if end <= draft.start else start - draft.end
        if fitting and (best is None or distance < best[0]):
            best = (distance, fitting[0])
    return best[1] if best else None


def _dateline_codes(text: str, ctx: Context) -> list[str]:
    """The currencies a dateline place at the head of the document points to ('HONG KONG, March 3 -')."""
    for m in ctx.dateline.finditer(text, 0, min(len(text), 400)):
        codes = ctx.lists["MONEY_DATELINE"].get(normalize_key(m.group("place")))
        if codes:
            return codes.split()
    return []


def _finish(text: str, draft: Draft, ctx: Context, config: MoneyConfig | None) -> None:
    """Turn a draft's working value into the record's: amount, approximation, per, conversion."""
    value = draft.value
    amount: Decimal = value.pop("_amount")
    value.pop("_scaled", None)
    value["amount"] = as_number(amount)
    value.setdefault("currency_inferred", False)
    start = value.get("range_id", draft.start)  # a range's approximator stands before its first bound
    # The pattern ends in a space: without one right before the amount, it need not be tried.
    if text[start - 1:start].isspace() and (m := ctx.approx_pattern.match(text, max(0, start - 30), start)):
        value["approximation"] = ctx.approx[normalize_key(m.group().strip())]
    if config and config.convert_to and value.get("currency") in config.factors:
        value["converted"] = {"amount": float(amount * config.factors[value["currency"]]),
                              "currency": config.convert_to, "rates_date": config.rates_date}
    draft.value = {name: value[name] for name in _FIELDS if name in value}

