"""The `date` plugin: calendar expressions as TIMEX3 values, resolved against the document's reference date.

Rules say what they found through named groups, and this module turns any
combination of them into a value, so a new rule file needs no Python:

- `year` (1987, '87, nineteen eighty-seven), `month` (a name), `mon` (a
  month number), `day` (12, 12th, twelfth); `na`/`nb`, the first two
  numbers of a numeric date, read in the `--date-order` (`dotted` marks the
  day-first d.m.y form);
- `weekday`, `quarter`, `half`, `season`, `holiday`, `decade`;
- `mod` (late, mid-, around), `shift` (last, next, this, past, coming) with
  an optional `unit` (week, month, year...), or `the_unit` (the year: the one
  the reference date is in), `relday` (today, yesterday),
  `count` + `unit` + `dir` (two days ago, in two weeks, three days after a
  date), `on_weekday` (the weekday of the week a count lands in);
- `fyear` (FY27, fiscal 2026), or `fstart`, `fsep` and `fend` (2025/26) with
  `fcue` (a word such as "fiscal"): a fiscal or crop year, valued as TimeML
  writes it, by the year in which it ends (FY2026);
- `general`: now, currently, in the past, in the future (TimeML's
  PRESENT_REF, PAST_REF, FUTURE_REF); `century` (19th: TIMEX3 18);
  `months_part` (first six, last three: of a year, a half or a quarter);
- `low`/`high`: the two bounds of a range; the second bound's groups end in `2`
  (`yy2`, a second year in two digits: 2014-16).

A year-less expression is resolved by the reference date: `--prefer` if set,
else the tense of its clause, else the nearest occurrence. Without a reference
date it keeps an underspecified TIMEX3 (`XXXX-10-18`, `XXXX-WXX-3`).
"""
from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from importlib.resources import files
from typing import Any, Literal, NamedTuple
from weakref import WeakKeyDictionary

import regex
from pydantic import Field

from factx import Candidate, Document, FactType, RangedValue, RuleSet, hookimpl
from factx.toolkit import ascii_digits, compile_pattern, named_groups, normalize_key, parse_number, range_drafts

VERSION = "0.1.0"
_UNMARKED = compile_pattern(r"['’.]")  # holiday names are looked up without apostrophes and dots
RULE_FILES = ("date.toml", "date_numeric.toml", "date_year.toml", "date_day.toml",
              "date_period.toml", "date_quarter.toml", "date_offset.toml")

Grain = Literal["day", "week", "weekend", "month", "quarter", "half", "season", "year", "decade", "century", "general"]
Mod = Literal["START", "MID", "END", "APPROX", "BEFORE", "AFTER", "ON_OR_BEFORE", "ON_OR_AFTER"]
Direction = Literal["past", "future"] | None


class DateValue(RangedValue):
    """A calendar date or period as a TIMEX3 value."""

    timex: str = Field(description=(
        "TIMEX3 value: 2025-12-10, 2025-10, 2025-W50, 2025-Q3, 199, XXXX-10-18; FY2026 for a fiscal year "
        "(the year it ends in); PRESENT_REF, PAST_REF, FUTURE_REF for now, the past, the future."))
    grain: Grain = Field(description="The unit the value is precise to ('general' for a reference to the present, past or future).")
    mod: Mod | None = Field(default=None, description="TIMEX3 modifier: 'late October' is 2025-10 with END.")
    reference: date | None = Field(
        default=None, description="The reference date a relative expression was resolved against.")


@dataclass(frozen=True, slots=True)
class DateConfig:
    """The plugin's settings: how to read 11/12 and which way an ambiguous date leans."""

    order: Literal["mdy", "dmy"] = "mdy"
    prefer: Direction = None


@hookimpl
def factx_register_fact_types(register) -> None:
    register(FactType("date", DateValue, VERSION, "A calendar date or period, with its TIMEX3 value."))


@hookimpl
def factx_register_rule_paths(register) -> None:
    for name in RULE_FILES:
        register(files("factx") / "rules" / name)


@hookimpl
def factx_register_settings(register) -> None:
    register("date_order", "How to read a numeric date such as 12/11/2025: mdy (default) or dmy.")
    register("prefer", "Resolve a year-less date or bare weekday to the past or the future.")


@hookimpl
def factx_configure(settings: Mapping[str, Any]) -> DateConfig:
    order = settings.get("date_order") or "mdy"
    if order not in ("mdy", "dmy"):
        raise ValueError(f"date_order must be mdy or dmy, not {order!r}")
    prefer = settings.get("prefer") or None
    if prefer not in (None, "past", "future"):
        raise ValueError(f"prefer must be past or future, not {prefer!r}")
    return DateConfig(order, prefer)


@hookimpl
def factx_extract(document: Document, rules: RuleSet, config: DateConfig | None) -> list[Candidate]:
    reader = _Reader(document, rules, config or DateConfig())
    return list(rules.candidates(document.text, lambda rule, m: reader.build(m)))


# -- parts: what a match says ------------------------------------------------------------------


# Not frozen: a frozen dataclass sets each of its fields through object.__setattr__, and one Parts
# is made per match. Parts are never changed after they are made (see `replace`).
@dataclass(slots=True)
class Parts:
    """The fields of one date expression, as written (nothing resolved yet)."""

    year: int | None = None
    century_known: bool = True  # False for '87 read without a reference date
    month: int | None = None
    day: int | None = None
    weekday: int | None = None  # ISO: Monday 1 .. Sunday 7
    quarter: int | None = None
    half: int | None = None
    season: str | None = None
    decade: int | None = None  # 199 for the 1990s
    holiday: str | None = None
    mod: str | None = None
    shift: str | None = None  # last, next, this, past, coming
    unit: str | None = None
    count: int | None = None
    dir: str | None = None  # back, forward, or ahead (forward, and only in a clause not in the past)
    relday: int | None = None
    on_weekday: int | None = None  # the weekday of the week a count lands in: "in 3 days on Friday"
    fiscal: bool = False  # `year` is the year a fiscal year ends in
    general: str | None = None  # PRESENT_REF, PAST_REF, FUTURE_REF
    century: int | None = None  # 19 for the 19th century


class Lean(NamedTuple):
    """Which way a year-less date leans; `firm` if the user asked for it, `near` if its tense marker comes just before.

    A firm or near lean wins however far off the occurrence it picks; a lean
    from a marker further away only within a reach (see `_pick`).
    """

    direction: Direction = None
    firm: bool = False
    near: bool = False


class Resolved(NamedTuple):
    """A TIMEX3 value, its grain, and whether the reference date went into it."""

    timex: str
    grain: str
    relative: bool = False


class _Reader:
    """Turns one document's matches into values; knows its reference date and settings."""

    def __init__(self, document: Document, rules: RuleSet, config: DateConfig):
        self.text = document.text
        self.ref = document.reference_date
        self.config = config
        self.ascii = self.text.isascii()  # then every group is in ASCII digits already
        compiled = _compiled_for(rules)
        self.tense = compiled.tense
        self.reading = compiled.reading
        self.resolution = compiled.resolution

    def build(self, m: regex.Match[str]) -> Any:
        groups = {name: v for name, v in named_groups(m).items() if v is not None}
        if not self.ascii:
            groups = {k: ascii_digits(v) for k, v in groups.items()}
        if "high" in groups:
            return self._range(m, groups)
        key = tuple(groups.items())
        reading = self.reading(key, self.ref, self.config)
        if reading.parts is None:
            return None
        if reading.settled:
            return self.value_of(reading.parts, reading.resolved)
        return self.value(reading.parts, m.start(), m.end(), key)

    def _range(self, m: regex.Match[str], groups: dict[str, str]) -> Any:
        first = {k: v for k, v in groups.items() if not k.endswith("2") and k not in ("low", "high")}
        second = {k[:-1]: v for k, v in groups.items() if k.endswith("2")}
        if "yy" in second and "year" in first:  # "2014-16": the second year in the first one's century
            start, yy = int(first["year"]), int(second.pop("yy"))
            end = start // 100 * 100 + yy
            end = end + 100 if end <= start else end
            if end - start > 10:
                return None  # "2015-32" is no stretch of years news writes so
            second["year"] = str(end)
        a, b = (self.reading(tuple(g.items()), self.ref, self.config).parts for g in (first, second))
        if a is None or b is None:
            return None
        a, b = _share_fields(a, b)
        low, high = self.value(a, m.start(), m.end()), self.value(b, m.start(), m.end())
        if low is None or high is None or not _ordered(low["timex"], high["timex"]):
            return None
        return range_drafts(m, low, high)

    # -- values --

    def value(self, parts: Parts, start: int, end: int, key: _Key | None = None) -> dict[str, Any] | None:
        """The value of the parts of a match at start:end; given the `key` of its groups, resolved through
        the cache shared by every document with the same reference date, settings and lean."""
        try:
            if key is None:
                resolved = _resolve(parts, self.ref, lambda: self.direction(start, end))
            else:
                resolved = self.resolution(key, self.ref, self.config, self.direction(start, end))
        except (OverflowError, ValueError):
            if not _near_calendar_edge(self.ref):
                raise
            return None  # "next week" from 9999-12-31 is past the last day `date` holds: this date alone is dropped
        return self.value_of(parts, resolved)

    def value_of(self, parts: Parts, resolved: Resolved | None) -> dict[str, Any] | None:
        """The fact's value: the resolved TIMEX3 with its modifier, and the reference date if it went into it."""
        if resolved is None:
            return None
        return {"timex": resolved.timex, "grain": resolved.grain, "mod": parts.mod,
                "reference": self.ref if resolved.relative else None,
                "approximation": "about" if parts.mod == "APPROX" else None}

    def direction(self, start: int, end: int) -> Lean:
        """Which way a year-less date leans: the setting, else the tense of its clause, else neither (nearest)."""
        if self.config.prefer:
            return Lean(self.config.prefer, firm=True)
        direction, near = self.tense(self.text, start, end)
        return Lean(direction, near=near)


class _Fields:
    """Reads a match's groups into Parts, against a reference date and the settings."""

    def __init__(self, compiled: _Compiled, ref: date | None, config: DateConfig):
        self.lookup = compiled.lookup
        self.lists = compiled.lists
        self.ref = ref
        self.config = config

    def parts(self, g: Mapping[str, str]) -> Parts | None:
        """The Parts a match's groups give, or None when they do not make a date (month 13, day 32)."""
        calendar_fields = self._calendar_fields(g)
        word_fields = self._word_fields(g)
        if calendar_fields is None or word_fields is None:
            return None
        return Parts(**calendar_fields, **word_fields)

    def _calendar_fields(self, g: Mapping[str, str]) -> dict[str, Any] | None:
        """Year, month and day, from digits, names or words."""
        fields: dict[str, Any] = {}
        if "year" in g:
            year = self._year(g["year"])
            if year is None:
                return None
            fields["year"], fields["century_known"] = year
        if "fyear" in g:
            year = self._year(g["fyear"])
            if year is None:
                return None
            fields["year"], fields["century_known"] = year
            fields["fiscal"] = True
        if "fstart" in g:
            year = _fiscal_end(g)
            if year is None:
                return None
            fields["year"], fields["fiscal"] = year, True
        if "month" in g:
            fields["month"] = self.lookup("DATE_MONTH", g["month"].rstrip("."))
        if "mon" in g:
            fields["month"] = self._ordinal(g["mon"])
        if "day" in g:
            fields["day"] = self._ordinal(g["day"])
        if "na" in g:
            month_day = _numeric_month_day(int(g["na"]), int(g["nb"]), "dotted" in g or self.config.order == "dmy")
            if month_day is None:
                return None
            fields["month"], fields["day"] = month_day
        if not (1 <= fields.get("month", 1) <= 12 and 1 <= fields.get("day", 1) <= 31):
            return None
        return fields

    _LISTED = (("weekday", "DATE_WEEKDAY"), ("on_weekday", "DATE_WEEKDAY"), ("season", "DATE_SEASON"),
               ("mod", "DATE_MOD"), ("shift", "DATE_SHIFT"), ("unit", "DATE_UNIT"), ("relday", "DATE_RELDAY"),
               ("dir", "DATE_DIRECTION"))

    def _word_fields(self, g: Mapping[str, str]) -> dict[str, Any] | None:
        """Everything else: words looked up in the word lists, ordinals, a decade, a count."""
        fields = {name: self.lookup(list_name, g[name].rstrip(".")) for name, list_name in self._LISTED if name in g}
        if "the_unit" in g:  # "the end of the year": the reference date's
            fields["unit"], fields["shift"] = self.lookup("DATE_UNIT", g["the_unit"]), "this"
        if "holiday" in g:
            fields["holiday"] = self.lookup("DATE_HOLIDAY", _UNMARKED.sub("", g["holiday"]))
        if "general" in g:
            fields["general"] = self.lookup("DATE_GENERAL", g["general"].split()[-1])
        if "century" in g:
            fields["century"] = self._ordinal(g["century"])
        if "months_part" in g:
            part = self.lookup("DATE_MONTHS_PART", g["months_part"])
            fields["half" if part[0] == "H" else "quarter"] = int(part[1])
        for name in ("quarter", "half"):
            if name in g:
                fields[name] = self._ordinal(g[name])
        if "decade" in g:
            fields["decade"] = self._decade(g["decade"])
        if "count" in g:
            fields["count"] = self._count(g["count"])
            if fields["count"] is None:
                return None
        return fields

    def _year(self, text: str) -> tuple[int, bool] | None:
        digits = text.lstrip("'’")
        if digits.isdigit():
            if len(digits) == 4:
                return int(digits), True
            if len(digits) == 2:
                return _two_digit_year(int(digits), self.ref)
            return None
        return _year_from_words(text, self.lists), True

    def _ordinal(self, text: str) -> int:
        """A day, quarter or month number written 4, 04, 4th or fourth."""
        digits = text.rstrip("stndrhSTNDRH")
        return int(digits) if digits.isdigit() else int(self.lookup("DATE_DAY_WORD", text))

    def _decade(self, text: str) -> int:
        digits = text.lstrip("'’").rstrip("sS'’")
        if len(digits) == 4:
            return int(digits) // 10
        tens = int(digits) // 10
        if self.ref is None:
            return 190 + tens  # the 20th century, where news mostly speaks of a bare decade
        century = self.ref.year // 100
        return (century if century * 10 + tens <= self.ref.year // 10 else century - 1) * 10 + tens

    def _count(self, text: str) -> int | None:
        """A whole count of units below a thousand ("in 1985 qtr" counts no quarters), else None."""
        if text.casefold() in ("a", "an"):
            return 1
        value = parse_number(text, self.lists)
        return int(value) if value == int(value) and 0 < value < 1000 else None


_CALENDAR_EDGE = 100  # years: no expression reaches further from its reference without `_add`'s own guard


def _near_calendar_edge(ref: date | None) -> bool:
    """Whether resolving against `ref` may step out of the years 1 to 9999 that `date` holds."""
    return ref is not None and not date.min.year + _CALENDAR_EDGE <= ref.year <= date.max.year - _CALENDAR_EDGE


def _share_fields(a: Parts, b: Parts) -> tuple[Parts, Parts]:
    """Give each bound of a range the month and year only the other writes ("March 3-4", "18 and 19 June")."""
    for name in ("year", "month"):
        va, vb = getattr(a, name), getattr(b, name)
        if va is None and vb is not None and (name == "year" or a.day is not None):
            a = replace(a, **{name: vb, "century_known": b.century_known} if name == "year" else {name: vb})
        elif vb is None and va is not None and (name == "year" or b.day is not None):
            b = replace(b, **{name: va, "century_known": a.century_known} if name == "year" else {name: va})
    return a, b


def _fiscal_end(g: Mapping[str, str]) -> int | None:
    """The year a fiscal year written with two years ends in ("2025/26" -> 2026), or None where
    the two are not a year apart, or where a hyphen between bare years makes them a range ("2019-2020")."""
    start, end_text = int(g["fstart"]), g["fend"]
    end = int(end_text) if len(end_text) == 4 else start // 100 * 100 + int(end_text)
    if len(end_text) == 2 and end <= start:
        end += 100
    if end != start + 1 or (len(end_text) == 4 and g["fsep"] != "/" and "fcue" not in g):
        return None
    return end


def _ordered(low: str, high: str) -> bool:
    """Whether two TIMEX3 values of a range run forward (underspecified ones cannot be compared)."""
    return "X" in low or "X" in high or low <= high


def _numeric_month_day(a: int, b: int, day_first: bool) -> tuple[int, int] | None:
    """(month, day) of the numbers of a numeric date in the preferred order, else the only valid one."""
    readings = [(b, a), (a, b)] if day_first else [(a, b), (b, a)]
    for month, day in readings:
        if 1 <= month <= 12 and 1 <= day <= 31:
            return month, day
    return None


def _two_digit_year(yy: int, ref: date | None) -> tuple[int, bool]:
    """The year '87 means: the latest one ending in 87 that is at most 20 years after the reference.

    Without a reference the century stays unknown (the flag is False).
    """
    if ref is None:
        return yy, False
    year = (ref.year // 100) * 100 + yy
    while year > ref.year + 20:
        year -= 100
    while year + 100 <= ref.year + 20:
        year += 100
    return year, True


def _year_from_words(text: str, lists: Mapping[str, Mapping[str, Any]]) -> int:
    """A year in words: 'nineteen eighty-six' (two pairs), 'two thousand and five', 'nineteen hundred ninety'."""
    words = [w for w in regex.split(r"[\s\-]+", text.casefold()) if w and w != "and"]
    if "hundred" in words or "thousand" in words:
        return int(parse_number(text, lists))
    cardinal = lists["CARDINAL"]
    return int(cardinal[words[0]]) * 100 + sum(int(cardinal[w]) for w in words[1:])


# -- resolution --------------------------------------------------------------------------------


def _resolve(p: Parts, ref: date | None, lean: Callable[[], Lean]) -> Resolved | None:
    """The TIMEX3 value of an expression's parts against the reference date, or None if they make no date."""
    if p.general is not None:
        return Resolved(p.general, "general")
    if p.century is not None:
        return Resolved(f"{p.century - 1:02d}", "century")
    if p.fiscal:
        return Resolved(f"FY{_year_text(p)}", "year")
    if p.relday is not None or p.count is not None:
        return _offset(p, ref, lean)
    if p.decade is not None:
        return Resolved(f"{p.decade:03d}", "decade")
    if p.holiday is not None:
        return _holiday(p, ref, lean)
    if p.weekday is not None and p.month is None:
        return _weekday(p, ref, lean)
    if (p.day is not None or p.month is not None) and p.unit is not None and p.shift is not None:
        return _within_shifted_unit(p, ref)
    if p.day is not None or p.month is not None:
        return _calendar(p, ref, lean)
    if p.quarter is not None or p.half is not None or p.season is not None:
        return _period(p, ref, lean)
    if p.unit is not None and p.shift is not None:
        return _shifted_unit(p, ref)
    if p.year is not None:
        return Resolved(_year_text(p), "year")
    return None


def _year_text(p: Parts) -> str:
    return f"{p.year:04d}" if p.century_known else f"XX{p.year:02d}"


def _pick(prev: Any, nxt: Any, lean: Callable[[], Lean], distance: Callable[[Any], int], reach: int) -> Any:
    """The past or future occurrence as the lean says, else the nearer one (the past one on a tie).

    The lean (a tense reading) is only asked for when the two differ.

    A lean read from a tense marker a few words away only counts within
    `reach` of the reference (half as far again for the past), since the
    clause's tense is then a weak sign:
    "the preceding offer in mid-February", long after a "will" written in
    March, is still last February.
    """
    if nxt is None or nxt == prev:
        return prev
    if prev is None:
        return nxt
    leaning = lean()
    trusted = leaning.firm or leaning.near
    if leaning.direction == "past" and (trusted or distance(prev) <= reach * 3 // 2):
        # A report in the past tells of the latest one ("in late September", written in March), if
        # not nearly a year back: "record April 13", written on April 3 in a past-tense story, is to come.
        return prev
    if leaning.direction == "future" and (trusted or distance(nxt) <= reach):
        return nxt
    return prev if distance(prev) <= distance(nxt) else nxt


_DAYS_REACH = 183
_MONTHS_REACH = 6
_PERIOD_REACH = 6  # months to the start of a quarter, half or season a future lean may pick


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _calendar(p: Parts, ref: date | None, lean: Callable[[], Lean]) -> Resolved | None:
    """Dates with a day and/or month, and maybe a year or a shift ("next May", "this 5/12")."""
    if p.month is None:
        return _day_of_month(p, ref, lean)
    if p.year is not None:
        if p.day is None:
            return Resolved(f"{_year_text(p)}-{p.month:02d}", "month")
        return Resolved(f"{_year_text(p)}-{p.month:02d}-{p.day:02d}", "day")
    if p.day is None:
        return _month_only(p, ref, lean)
    if ref is None:
        return Resolved(f"XXXX-{p.month:02d}-{p.day:02d}", "day")
    # The latest occurrence before the reference and the earliest after it, within eight years (February 29).
    before = next((d for y in range(ref.year, ref.year - 9, -1) if (d := _valid(y, p.month, p.day)) and d < ref), None)
    after = next((d for y in range(ref.year, ref.year + 9) if (d := _valid(y, p.month, p.day)) and d > ref), None)
    on = _valid(ref.year, p.month, p.day) == ref
    prev = ref if on else before
    nxt = ref if on else after
    if p.shift == "this":
        chosen = _valid(ref.year, p.month, p.day)
    elif p.shift in ("last", "past"):
        chosen = before
    elif p.shift in ("next", "coming"):
        chosen = after
    else:
        chosen = _pick(prev, nxt, lean, lambda d: abs((d - ref).days), _DAYS_REACH)
    if chosen is None:
        return Resolved(f"XXXX-{p.month:02d}-{p.day:02d}", "day")
    return Resolved(chosen.isoformat(), "day", relative=True)


def _month_only(p: Parts, ref: date | None, lean: Callable[[], Lean]) -> Resolved:
    if ref is None:
        return Resolved(f"XXXX-{p.month:02d}", "month")
    here = ref.year * 12 + ref.month - 1
    prev_year = ref.year if p.month <= ref.month else ref.year - 1
    next_year = ref.year if p.month >= ref.month else ref.year + 1
    if p.shift == "this":
        year = ref.year
    elif p.shift in ("last", "past"):
        year = ref.year if p.month < ref.month else ref.year - 1
    elif p.shift in ("next", "coming"):
        year = ref.year if p.month > ref.month else ref.year + 1
    else:
        year = _pick(prev_year, next_year, lean, lambda y: abs(y * 12 + p.month - 1 - here), _MONTHS_REACH)
    return Resolved(f"{year:04d}-{p.month:02d}", "month", relative=True)


def _day_of_month(p: Parts, ref: date | None, lean: Callable[[], Lean]) -> Resolved | None:
    """A day with neither month nor year ("on the 18th"), or a weekday and a day ("Monday 21")."""
    if ref is None:
        if p.weekday is not None:
            return Resolved(f"XXXX-WXX-{p.weekday}", "day")
        return Resolved(f"XXXX-XX-{p.day:02d}", "day")
    fits = [d for k in range(-24, 25)
            if (d := _valid(*_month_add(ref.year, ref.month, k), p.day))
            and (p.weekday is None or d.isoweekday() == p.weekday)]
    prev = max((d for d in fits if d <= ref), default=None)
    nxt = min((d for d in fits if d >= ref), default=None)
    if prev is None and nxt is None:
        return None
    chosen = _pick(prev, nxt, lean, lambda d: abs((d - ref).days), _DAYS_REACH)
    return Resolved(chosen.isoformat(), "day", relative=True)


def _month_add(year: int, month: int, k: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + k
    return index // 12, index % 12 + 1


def _weekday(p: Parts, ref: date | None, lean: Callable[[], Lean]) -> Resolved | None:
    if p.day is not None:
        return _day_of_month(p, ref, lean)
    if ref is None:
        return Resolved(f"XXXX-WXX-{p.weekday}", "day")
    monday = ref - timedelta(days=ref.isoweekday() - 1)
    if p.shift in ("last", "next", "this", "after_next"):
        weeks = {"last": -1, "this": 0, "next": 1, "after_next": 2}[p.shift]
        chosen = monday + timedelta(days=7 * weeks + p.weekday - 1)
    elif p.shift == "past":
        chosen = ref - timedelta(days=(ref.isoweekday() - p.weekday - 1) % 7 + 1)
    elif p.shift == "coming":
        chosen = ref + timedelta(days=(p.weekday - ref.isoweekday() - 1) % 7 + 1)
    else:
        prev = ref - timedelta(days=(ref.isoweekday() - p.weekday) % 7)
        nxt = ref + timedelta(days=(p.weekday - ref.isoweekday()) % 7)
        chosen = _pick(prev, nxt, lean, lambda d: abs((d - ref).days), 7)
    return Resolved(chosen.isoformat(), "day", relative=True)


_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def _period(p: Parts, ref: date | None, lean: Callable[[], Lean]) -> Resolved:
    """A quarter, half or season: of the year written, else of the reference year (see `_period_year`)."""
    if p.quarter is not None:
        suffix, first, months = f"Q{p.quarter}", 3 * p.quarter - 2, 3
        grain = "quarter"
    elif p.half is not None:
        suffix, first, months = f"H{p.half}", 6 * p.half - 5, 6
        grain = "half"
    else:
        suffix, first, months = p.season, _SEASON_START[p.season], 3
        grain = "season"
    if p.year is not None:
        return Resolved(f"{_year_text(p)}-{suffix}", grain)
    if ref is None:
        return Resolved(f"XXXX-{suffix}", grain)
    year = _period_year(p.shift, first, months, ref, lean)
    return Resolved(f"{year:04d}-{suffix}", grain, relative=True)


def _period_year(shift: str | None, first: int, months: int, ref: date, lean: Callable[[], Lean]) -> int:
    """The year of a year-less quarter, half or season.

    "this" and "last"/"next" count in years. Otherwise a past lean takes the
    latest one begun by the reference date, a future lean the earliest one not
    yet over (if it begins within six months, unless the lean is firm or
    near). Without a lean it is the reference year's, unless that begins more
    than three months after the reference ("4TH QTR NET" in March is last
    year's fourth quarter, "the second half" in June this year's).
    """
    if shift == "this":
        return ref.year
    if shift in ("last", "past"):
        return ref.year - 1
    if shift in ("next", "coming"):
        return ref.year + 1
    ahead = first - ref.month  # months from the reference month to this year's period
    leaning = lean()
    if leaning.direction == "past":
        return ref.year if ahead <= 0 else ref.year - 1
    if leaning.direction == "future":
        year = ref.year if ahead > -months else ref.year + 1
        if leaning.firm or leaning.near or (year - ref.year) * 12 + ahead <= _PERIOD_REACH:
            return year
    return ref.year if ahead <= 3 else ref.year - 1


_UNIT_STEP = {"last": -1, "past": -1, "this": 0, "next": 1, "coming": 1, "after_next": 2}
# The underspecified value of each unit, for a relative expression without a reference date.
_UNKNOWN_UNIT = {"day": Resolved("XXXX-XX-XX", "day"), "week": Resolved("XXXX-WXX", "week"),
                 "weekend": Resolved("XXXX-WXX-WE", "weekend"), "fortnight": Resolved("XXXX-WXX", "week"),
                 "month": Resolved("XXXX-XX", "month"), "quarter": Resolved("XXXX-QX", "quarter"),
                 "half": Resolved("XXXX-HX", "half"), "year": Resolved("XXXX", "year"), "decade": Resolved("XXX", "decade")}


def _shifted_unit(p: Parts, ref: date | None) -> Resolved | None:
    """"this week", "last month", "next year", "this quarter": the reference's unit, moved."""
    n = _UNIT_STEP[p.shift]
    unit = p.unit
    if ref is None:
        return _UNKNOWN_UNIT.get(unit)
    if unit in ("week", "weekend"):
        year, week, _ = (ref + timedelta(weeks=n)).isocalendar()
        return Resolved(f"{year:04d}-W{week:02d}" + ("-WE" if unit == "weekend" else ""), unit, relative=True)
    if unit == "month":
        year, month = _month_add(ref.year, ref.month, n)
        return Resolved(f"{year:04d}-{month:02d}", "month", relative=True)
    if unit in ("quarter", "half"):
        size = 3 if unit == "quarter" else 6
        index = ref.year * (12 // size) + (ref.month - 1) // size + n
        year, part = divmod(index, 12 // size)
        return Resolved(f"{year:04d}-{'Q' if unit == 'quarter' else 'H'}{part + 1}", unit, relative=True)
    if unit == "year":
        return Resolved(f"{ref.year + n:04d}", "year", relative=True)
    if unit == "decade":
        return Resolved(f"{ref.year // 10 + n:03d}", "decade", relative=True)
    return None


def _within_shifted_unit(p: Parts, ref: date | None) -> Resolved | None:
    """A day of a shifted month or a month of a shifted year: the 15th day of next month, the 9th month of next year."""
    base = _shifted_unit(replace(p, day=None, month=None), ref)
    if base is None:
        return None
    if p.unit == "month" and p.day is not None and p.month is None:
        return Resolved(f"{base.timex}-{p.day:02d}", "day", base.relative)
    if p.unit == "year" and p.month is not None:
        tail = f"-{p.day:02d}" if p.day is not None else ""
        return Resolved(f"{base.timex}-{p.month:02d}{tail}", "day" if tail else "month", base.relative)
    return None


def _offset(p: Parts, ref: date | None, lean: Callable[[], Lean]) -> Resolved | None:
    """"today", "two days ago", "in two weeks", "three days after Christmas": a day or unit counted from a base.

    The base is the anchor written after the count (a date, a weekday, a
    holiday, "tomorrow"), else the reference date. Counted from the reference
    date alone, the value is precise to the unit counted ("a year ago" is a
    year); from an anchor, it is a day.
    """
    if p.dir == "ahead" and lean().direction != "future":
        return None  # only "will leave in two weeks" is a date; "rose 5 pct in two years" is a duration
    anchored = any(field is not None for field in (p.month, p.weekday, p.holiday, p.day))
    if anchored:
        base = _resolve(replace(p, count=None, dir=None, unit=None, mod=None), ref, lean)
        if base is None or base.grain != "day" or "X" in base.timex:
            return None
        start, relative = date.fromisoformat(base.timex), base.relative
    elif ref is None:
        if p.relday is not None:
            return Resolved("XXXX-XX-XX", "day")
        return _UNKNOWN_UNIT.get(p.unit)
    else:
        start, relative = ref + timedelta(days=p.relday or 0), True
    if p.count is None:
        return Resolved(start.isoformat(), "day", relative)
    moved = _add(start, p.count * (-1 if p.dir == "back" else 1), p.unit)
    if moved is None:
        return None
    if p.on_weekday is not None:
        moved += timedelta(days=p.on_weekday - moved.isoweekday())
        return Resolved(moved.isoformat(), "day", relative)
    if anchored or p.relday is not None:
        return Resolved(moved.isoformat(), "day", relative)
    return _in_unit(moved, p.unit)


def _in_unit(day: date, unit: str) -> Resolved:
    """The TIMEX3 value of the unit containing a day: its week, month, quarter, year or decade."""
    if unit in ("week", "fortnight", "weekend"):
        year, week, _ = day.isocalendar()
        return Resolved(f"{year:04d}-W{week:02d}", "week", relative=True)
    if unit == "month":
        return Resolved(f"{day.year:04d}-{day.month:02d}", "month", relative=True)
    if unit == "quarter":
        return Resolved(f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}", "quarter", relative=True)
    if unit == "year":
        return Resolved(f"{day.year:04d}", "year", relative=True)
    if unit == "decade":
        return Resolved(f"{day.year // 10:03d}", "decade", relative=True)
    return Resolved(day.isoformat(), "day", relative=True)


def _add(start: date, n: int, unit: str) -> date | None:
    """The day n units after start (before it for n < 0), or None past the calendar's range."""
    try:
        return _move(start, n, unit)
    except (OverflowError, ValueError):
        return None


def _move(start: date, n: int, unit: str) -> date | None:
    if unit == "day":
        return start + timedelta(days=n)
    if unit in ("week", "fortnight"):
        return start + timedelta(weeks=n * (2 if unit == "fortnight" else 1))
    months = {"month": 1, "quarter": 3, "half": 6, "year": 12, "decade": 120}.get(unit)
    if months is None:
        return None
    year, month = _month_add(start.year, start.month, n * months)
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


# -- holidays ----------------------------------------------------------------------------------

_HOLIDAY_SPEC = compile_pattern(
    r"^(?:(?<m>\d\d)-(?<d>\d\d)|(?<m>\d\d)/(?<wd>[1-7])/(?<n>-?[1-5])|@(?<country>[A-Z]{2}):(?<name>.+?))(?<shift>[+\-]\d+)?$")


def _holiday_in(year: int, spec: str) -> date | None:
    """The day a holiday falls on in a year, from its spec: "12-25", "11/4/4" (4th Thursday of November),
    "@VA:Easter Sunday" (from the `holidays` package); None where its calendar does not reach that year."""
    m = _HOLIDAY_SPEC.match(spec)
    if m is None:
        raise ValueError(f"bad holiday spec {spec!r}")
    if m["country"]:
        day = _moving_holiday(year, m["country"], m["name"])
        if day is None:
            return None
    elif m["d"]:
        day = date(year, int(m["m"]), int(m["d"]))
    else:
        day = _nth_weekday(year, int(m["m"]), int(m["wd"]), int(m["n"]))
    return day + timedelta(days=int(m["shift"] or 0))


_BRACKETED = compile_pattern(r"\s*\([^)]*\)")


@lru_cache(maxsize=1024)
def _moving_holiday(year: int, country: str, name: str) -> date | None:
    """The first day of `year` that the `holidays` package's calendar of `country` names `name`
    (observed days and notes in brackets aside): Easter, Eid al-Fitr, Diwali move from year to year."""
    import holidays  # imported on first use: a document naming no such holiday never pays for it

    if not 1 <= year <= 9999:
        return None
    wanted = name.casefold()
    try:
        calendar_of_year = holidays.country_holidays(country, years=year)
    except (NotImplementedError, KeyError, ValueError, OverflowError):
        return None
    days = [day for day, names in calendar_of_year.items()
            if any(_BRACKETED.sub("", one).strip().casefold() == wanted for one in names.split("; "))]
    return min(days, default=None)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (n - 1))
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.isoweekday() - weekday) % 7 + 7 * (-n - 1))


def _holiday(p: Parts, ref: date | None, lean: Callable[[], Lean]) -> Resolved | None:
    if p.year is not None:
        day = _holiday_in(p.year, p.holiday)
        return Resolved(day.isoformat(), "day") if day else None
    if ref is None:
        fixed = _HOLIDAY_SPEC.match(p.holiday)
        return Resolved(f"XXXX-{fixed['m']}-{fixed['d']}" if fixed["d"] and not fixed["shift"] else "XXXX-XX-XX", "day")
    days = [d for y in range(ref.year - 1, ref.year + 2) if (d := _holiday_in(y, p.holiday))]
    if not days:
        return None
    before = max((d for d in days if d < ref), default=None)
    after = min((d for d in days if d > ref), default=None)
    if p.shift == "this":
        chosen = next((d for d in days if d.year == ref.year), None)
    elif p.shift in ("last", "past"):
        chosen = before
    elif p.shift in ("next", "coming"):
        chosen = after
    else:
        prev = ref if ref in days else before
        nxt = ref if ref in days else after
        chosen = _pick(prev, nxt, lean, lambda d: abs((d - ref).days), _DAYS_REACH)
    return Resolved(chosen.isoformat(), "day", relative=True) if chosen else None


# -- tense -------------------------------------------------------------------------------------

_CLAUSE_REACH = 100  # characters either side of a date searched for its clause's tense


def _may_stop(stretch: str) -> bool:
    """Whether a stretch holds a character every clause end has (`_TenseReader._STOP`): searching one
    that holds none costs more than this test."""
    return "." in stretch or "\n" in stretch or ";" in stretch or "?" in stretch or "!" in stretch


class _TenseReader:
    """The tense of the clause around a span: its nearest tense marker, before it or after it (before on a tie).

    Markers are the DATE_TENSE words and phrases, and for the past any word in
    -ed too (except the list's "none" words), unless an auxiliary stands just
    before it ("will be closed" is future, "is based" no tense at all).
    Reporting verbs ("report") mark the past only before the date. A clause
    stops at a sentence end, a blank line or a new indented line (a paragraph
    or a table row), and before the date at a word such as "that".
    """

    # What ends a clause: a sentence end, a blank line, a new indented line. The last one before a date
    # is found scanning backwards.
    _STOP = compile_pattern(r"[.!?;](?=\s|$)|\n(?:\s*\n|[ \t]+)")
    _LAST_STOP = compile_pattern(r"(?r)[.!?;](?=\s|$)|\n(?:\s*\n|[ \t]+)")
    _WORD = compile_pattern(r"[A-Za-z]+|['’]ll\b")
    # Bytes to spaces, except ASCII letters, to lower case: without an apostrophe, the words of a stretch are
    # its letter runs.
    _LETTERS = bytes(ord(chr(b).lower()) if chr(b).isascii() and chr(b).isalpha() else 32 for b in range(256))
    _AUXILIARY = frozenset({"be", "been", "being", "is", "are", "am", "get", "gets"})
    _CLAUSE_OPENERS = frozenset({"that", "because", "but", "while", "although", "whereas"})
    _NEAR_WORDS = 3

    def __init__(self, words: Mapping[str, str]):
        markers = {tuple(phrase.replace("’", "'").split()): kind for phrase, kind in words.items()}
        # The phrases ending in each word, longest first (the longest one written counts), as lists to
        # compare with a slice of words.
        self.ending_in: dict[str, list[tuple[list[str], str]]] = {}
        for phrase, kind in sorted(markers.items(), key=lambda item: -len(item[0])):
            self.ending_in.setdefault(phrase[-1], []).append((list(phrase), kind))
        self.last_words = frozenset(self.ending_in)
        self.notable = self.last_words | self._CLAUSE_OPENERS
        self.reporting = frozenset(key[-1] for key, kind in markers.items() if kind == "report")
        self.future = frozenset(key[0] for key, kind in markers.items() if len(key) == 1 and kind == "future")

    def __call__(self, text: str, start: int, end: int) -> tuple[Direction, bool]:
        """The tense, and whether its marker comes just before the date ("reopened on Jan. 15"), a strong sign."""
        head = text[max(0, start - _CLAUSE_REACH):start]
        stop = self._LAST_STOP.search(head) if _may_stop(head) else None
        before = self._words(head[stop.end():] if stop else head)
        back = None
        openers, notable = self._CLAUSE_OPENERS, self.notable
        for i in range(len(before) - 1, -1, -1):
            word = before[i]
            # Most words neither open a clause nor end a marker: the cheap test first.
            if word in notable or word.endswith("ed"):
                if word in openers:
                    break  # "noted that Easter sales will fall": the date's clause starts at "that"
                if kind := self._marker(before, i):
                    back = (kind, len(before) - i)
                    break
        reach = back[1] - 1 if back else _CLAUSE_REACH
        if reach:  # a marker just before the date leaves no nearer word after it to look for
            tail = text[end:end + _CLAUSE_REACH]
            stop = self._STOP.search(tail) if _may_stop(tail) else None
            after = self._words(tail[:stop.start()] if stop else tail)[:reach]
            for i, word in enumerate(after):
                # A reporting verb after the date ("..., they said") dates the report, not the event,
                # and what follows it is another clause ("held on Thursday and said it would").
                if word in self.last_words or word.endswith("ed"):
                    if kind := self._marker(after, i):
                        if word in self.reporting:
                            break
                        return kind, False
        return (back[0], back[1] <= self._NEAR_WORDS) if back else (None, False)

    def _words(self, stretch: str) -> list[str]:
        """The words of a stretch, lower case: runs of ASCII letters, and "'ll"."""
        if "'ll" in stretch or "’ll" in stretch:
            return [word.lower().replace("’", "'") for word in self._WORD.findall(stretch)]
        return stretch.encode("ascii", "replace").translate(self._LETTERS).decode("ascii").split()

    def _marker(self, words: list[str], i: int) -> Direction:
        """The tense the phrase ending at words[i] marks, or None."""
        word = words[i]
        kind = None
        for phrase, kind_of_phrase in self.ending_in.get(word, ()):
            if len(phrase) <= i + 1 and words[i + 1 - len(phrase):i + 1] == phrase:
                kind = kind_of_phrase
                break
        if kind is None and len(word) > 4 and word.endswith("ed"):
            kind = "past"
        if kind in ("past", "report"):
            helpers = words[max(0, i - 3):i]
            if not self.future.isdisjoint(helpers):
                return "future"
            return None if helpers and helpers[-1] in self._AUXILIARY else "past"
        return None if kind == "none" else kind


_Key = tuple[tuple[str, str], ...]  # a match's groups, as `dict.items`


class _Reading(NamedTuple):
    """What a match's groups say: their Parts (None if they make no date) and, if `settled`, their
    resolved value, which then depends on no tense reading."""

    parts: Parts | None
    settled: bool = False
    resolved: Resolved | None = None


class _TenseAsked(Exception):
    """A value depends on the tense of its clause, which only the document can tell."""


def _tense_unknown() -> Lean:
    raise _TenseAsked


_READINGS = 2048  # readings and resolutions kept (each cache about 1.4 MB): some seven reference dates of news


class _Compiled:
    """What the plugin derives once from a rule set: its tense reader, and caches shared by documents and
    threads: word-list lookups, readings (`reading(groups, ref, config)`) and the values of readings that
    are not settled, by lean (`resolution(groups, ref, config, lean)`)."""

    def __init__(self, rules: RuleSet):
        self.tense = _TenseReader(rules.lists["DATE_TENSE"])
        self.lists = rules.lists  # not the rule set: `_compiled` holds this weakly keyed on it
        self._looked_up: dict[tuple[str, str], Any] = {}
        self.reading = lru_cache(maxsize=_READINGS)(self._read)
        self.resolution = lru_cache(maxsize=_READINGS)(self._resolve_leaning)

    def _read(self, groups: _Key, ref: date | None, config: DateConfig) -> _Reading:
        parts = _Fields(self, ref, config).parts(dict(groups))
        if parts is None:
            return _Reading(None)
        try:
            return _Reading(parts, settled=True, resolved=_resolve(parts, ref, _tense_unknown))
        except (_TenseAsked, OverflowError, ValueError):
            return _Reading(parts)  # resolved match by match (`resolution`), raising there as `_Reader.value` expects

    def _resolve_leaning(self, groups: _Key, ref: date | None, config: DateConfig, lean: Lean) -> Resolved | None:
        return _resolve(self.reading(groups, ref, config).parts, ref, lambda: lean)

    def lookup(self, list_name: str, surface: str) -> Any:
        key = (list_name, surface)
        if key not in self._looked_up:
            self._looked_up[key] = self.lists[list_name][normalize_key(surface)]  # as `RuleSet.lookup`
        return self._looked_up[key]


_compiled: WeakKeyDictionary[RuleSet, _Compiled] = WeakKeyDictionary()


def _compiled_for(rules: RuleSet) -> _Compiled:
    found = _compiled.get(rules)
    if found is None:
        found = _compiled[rules] = _Compiled(rules)
    return found
