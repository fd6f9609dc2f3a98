"""The date plugin: absolute forms, relative resolution, settings, non-dates, and the dev-set floors."""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factx import Engine, SettingsError
from tests.plugins.test_percent import dev_score

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
ABBREVIATIONS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# The absolute formats of the issue, each rendering a date the way news writes it.
FORMATS = {
    "day_abbrev_year": lambda d: f"{d.day} {ABBREVIATIONS[d.month - 1]} {d.year}",
    "month_day_year": lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
    "abbrev_ordinal_year": lambda d: f"{ABBREVIATIONS[d.month - 1].rstrip('.')} {ordinal(d.day)}, {d.year}",
    "iso": lambda d: d.isoformat(),
    "slashes_mdy": lambda d: f"{d.month}/{d.day}/{d.year}",
    "dots_dmy": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "ordinal_of_month": lambda d: f"the {ordinal(d.day)} of {MONTHS[d.month - 1]} {d.year}",
}
DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


def dates_in(engine: Engine, text: str, reference=None):
    return [f for f in engine.extract(text, reference_date=reference or "none") if f.type == "date"]


@pytest.fixture(scope="module")
def dmy_engine() -> Engine:
    return Engine(load_entrypoints=False, settings={"date_order": "dmy"})


@given(day=DATES, form=st.sampled_from(sorted(FORMATS)))
def test_rendered_dates_come_back(engine, day, form):
    rendered = FORMATS[form](day)
    [fact] = dates_in(engine, f"The agreement was signed on {rendered} in Seoul.")
    assert fact.text == rendered
    assert fact.value.timex == day.isoformat()
    assert fact.value.grain == "day" and fact.value.reference is None


@given(day=DATES)
def test_date_order_dmy_reads_day_first(dmy_engine, day):
    [fact] = dates_in(dmy_engine, f"Signed {day.day}/{day.month}/{day.year}.")
    assert fact.value.timex == day.isoformat()


@pytest.mark.parametrize("text,mdy,dmy", [("12/11/2025", "2025-12-11", "2025-11-12"),
                                          ("25/12/2025", "2025-12-25", "2025-12-25"),
                                          ("12/25/2025", "2025-12-25", "2025-12-25")])
def test_impossible_reading_picks_the_valid_one(engine, dmy_engine, text, mdy, dmy):
    assert [f.value.timex for f in dates_in(engine, text)] == [mdy]
    assert [f.value.timex for f in dates_in(dmy_engine, text)] == [dmy]


REFERENCES = st.dates(min_value=date(1950, 1, 1), max_value=date(2080, 12, 31))


@given(ref=REFERENCES)
def test_relative_days_follow_the_reference(engine, ref):
    facts = dates_in(engine, "Shares fell yesterday, rose today and may fall tomorrow.", ref)
    assert [f.value.timex for f in facts] == [(ref + timedelta(days=n)).isoformat() for n in (-1, 0, 1)]
    assert all(f.value.reference == ref for f in facts)


def week_of(day: date) -> tuple[int, int]:
    return day.isocalendar()[:2]


@given(ref=REFERENCES, weekday=st.integers(1, 7))
def test_weekdays_resolve_consistently(engine, ref, weekday):
    name = WEEKDAYS[weekday - 1]

    def resolved(text: str) -> date:
        [fact] = dates_in(engine, text, ref)
        day = date.fromisoformat(fact.value.timex)
        assert day.isoweekday() == weekday
        return day

    assert 0 <= (ref - resolved(f"The ministers met on {name}.")).days <= 6
    assert 0 <= (resolved(f"The ministers will meet on {name}.") - ref).days <= 6
    assert abs((resolved(f"Talks on {name}.") - ref).days) <= 3
    assert week_of(resolved(f"Talks ended last {name}.")) == week_of(ref - timedelta(weeks=1))
    assert week_of(resolved(f"Talks resume next {name}.")) == week_of(ref + timedelta(weeks=1))


@pytest.mark.parametrize("text,ref,expected", [
    ("The merger is expected to be completed in June, the companies said.", date(1987, 3, 5), "1987-06"),
    ("The bank will sell bills at rates below those of the preceding offer in mid-February.", date(1987, 3, 5),
     "1987-02"),
    ("Local elections will be held on April 12.", date(1987, 3, 16), "1987-04-12"),
    ("The retailer noted that Easter sales will fall in April.", date(1987, 4, 9), "1987-04-19"),
    ("The plant reopened on Jan. 15.", date(2025, 12, 11), "2025-01-15"),
    ("They'll meet in June.", date(1987, 7, 10), "1988-06"),
    ("They’ll meet in June.", date(1987, 7, 10), "1988-06"),
    ("The company's talks in June.", date(1987, 7, 10), "1987-06"),
    ("Rates will rise. In June, prices.", date(1987, 7, 10), "1987-06"),
])
def test_tense_of_the_clause(engine, text, ref, expected):
    """Reporting verbs after a date, far-off markers and participles do not pull a date a year away; "'ll" marks
    the future, and a marker in the previous sentence does not count."""
    timexes = [f.value.timex for f in dates_in(engine, text, ref)]
    assert expected in timexes


@pytest.mark.parametrize("prefer,expected", [("past", "2025-12-10"), ("future", "2025-12-17")])
def test_prefer_overrides_the_nearest(prefer, expected):
    engine = Engine(load_entrypoints=False, settings={"prefer": prefer})
    [fact] = dates_in(engine, "Talks on Wednesday.", date(2025, 12, 11))
    assert fact.value.timex == expected


@pytest.mark.parametrize("settings", [{"date_order": "ymd"}, {"prefer": "sometimes"}])
def test_bad_settings_are_usage_errors(settings):
    with pytest.raises(SettingsError):
        Engine(load_entrypoints=False, settings=settings)


@pytest.mark.parametrize("text,timex", [("met on Oct. 18", "XXXX-10-18"), ("met on Wednesday", "XXXX-WXX-3"),
                                        ("rose yesterday", "XXXX-XX-XX"), ("in late October", "XXXX-10")])
def test_without_a_reference_relative_dates_stay_underspecified(engine, text, timex):
    [fact] = dates_in(engine, text)
    assert fact.value.timex == timex and fact.value.reference is None


def test_the_dateline_gives_the_reference(engine):
    text = "Talks in Washington\nPublished: 11 Dec. 2025, 12:25\n\nThe two sides met on Wednesday in late October."
    facts = {f.text: f.value for f in engine.extract(text) if f.type == "date"}
    assert facts["Wednesday"].timex == "2025-12-10"
    assert facts["late October"].timex == "2025-10" and facts["late October"].mod == "END"
    assert "12:25" not in facts


@pytest.mark.parametrize("text,timex,grain,mod", [
    ("Profits rose in the third quarter.", "2025-Q3", "quarter", None),
    ("Revenue for Q3 2025 beat forecasts.", "2025-Q3", "quarter", None),
    ("Profits doubled in the first half.", "2025-H1", "half", None),
    ("Profit fell in fiscal 2025.", "FY2025", "year", None),
    ("Prices were higher in the 1990s.", "199", "decade", None),
    ("Sales are highest in spring.", "2025-SP", "season", None),
    ("Growth should pick up by mid-2025.", "2025", "year", "MID"),
    ("Output should recover early next year.", "2026", "year", "START"),
    ("The meeting is in mid-December.", "2025-12", "month", "MID"),
    ("Prices should peak around March.", "2026-03", "month", "APPROX"),
    ("The two sides will meet again this week.", "2025-W50", "week", None),
    ("Exports fell last month.", "2025-11", "month", None),
    ("The plant closed two days ago.", "2025-12-09", "day", None),
    ("Markets were closed on New Year's Day.", "2025-01-01", "day", None),
    ("Sales usually peak at Christmas.", "2025-12-25", "day", None),
])
def test_partial_and_modified_dates(engine, text, timex, grain, mod):
    [fact] = dates_in(engine, text, date(2025, 12, 11))
    assert (fact.value.timex, fact.value.grain, fact.value.mod) == (timex, grain, mod)


@pytest.mark.parametrize("text,bounds", [
    ("The talks run March 3-4, 2025.", [("March 3", "2025-03-03"), ("4, 2025", "2025-03-04")]),
    ("Sales rose from March to May.", [("March", "2025-03"), ("May", "2025-05")]),
    ("Output will grow between 2025 and 2027.", [("2025", "2025"), ("2027", "2027")]),
])
def test_ranges_give_one_fact_per_bound(engine, text, bounds):
    first, second = dates_in(engine, text, date(2025, 12, 11))
    assert [(first.text, first.value.timex), (second.text, second.value.timex)] == bounds
    assert (first.value.range, second.value.range) == ("from", "to")
    assert first.value.range_id == second.value.range_id is not None


@pytest.mark.parametrize("text", [
    "Prices may rise, analysts may say.",
    "They march to the capital.",
    "The company has 2025 employees.",
    "Upgrade to version 1.12.",
    "The hotline is open 24/7.",
    "Critics gave it a 7/10 rating.",
    "The plan takes three years.",
    "The market closed at 12:25.",
    "He told the Sun about it.",
    "It was approved three weeks later.",
    "Prices of spring wheat rose.",
    "The strike involved around 2000 workers.",
])
def test_not_dates(engine, text):
    assert [f.text for f in dates_in(engine, text, date(2025, 12, 11))] == []


def test_absolute_dates_carry_no_reference(engine):
    [fact] = dates_in(engine, "Signed on 11 Dec. 2025.", date(2020, 1, 1))
    assert fact.value.reference is None


def test_recognizers_date_floor(tmp_path):
    assert dev_score("recognizers-date.jsonl", tmp_path)["date"]["value"][2] >= 0.85


def test_seed_date_exact(tmp_path):
    assert dev_score("seed.jsonl", tmp_path)["date"]["value"][2] == 1.0


# -- references at the calendar's ends (issue 17) -----------------------------------


@pytest.mark.parametrize("reference", [date(1, 1, 1), date(1, 1, 3), date(9999, 12, 25), date(9999, 12, 31)])
@pytest.mark.parametrize("relative", ["next week", "Easter", "last week", "next Christmas", "yesterday", "tomorrow"])
def test_a_date_past_the_calendar_is_dropped_alone(engine, reference, relative):
    text = f"It met on March 3, 2020 and will meet {relative}."

    result = engine.process(text, reference_date=reference)

    assert result.problems == []
    assert "2020-03-03" in [f.value.timex for f in result.facts if f.type == "date"]


def test_a_relative_date_near_the_calendar_end_still_resolves(engine):
    result = engine.process("They will meet next week.", reference_date=date(9999, 12, 1))

    assert [f.value.timex for f in result.facts] == ["9999-W49"]


def test_a_day_written_in_unicode_15_digits_is_read(engine):
    (fact,) = dates_in(engine, "on 1\U0001e4f2 May 2020")

    assert fact.value.timex == "2020-05-12"


@pytest.mark.parametrize("text, found", [
    ("Passport offices are open Monday through Friday.", []),
    ("The museum opens Tuesday to Sunday.", []),
    ("Talks ran from Monday to Wednesday.", ["Monday", "Wednesday"]),
])
def test_a_weekday_range_of_opening_hours_is_a_set_not_dates(engine, text, found):
    assert [f.text for f in dates_in(engine, text, date(2025, 9, 18))] == found


@pytest.mark.parametrize("text", ["See report KE2024-0031.", "Ticket 2012-1345 was issued."])
def test_codes_that_embed_a_year_are_no_dates(engine, text):
    assert dates_in(engine, text, date(2025, 9, 18)) == []


@pytest.mark.parametrize("text, timex", [
    ("The minister said in late September that exports had fallen.", "2024-09"),
    ("The rand, which hit a low in April, has gained since then.", "2025-04"),
    ("Exports fell in the second half of September.", "2024-09"),
])
def test_a_month_in_a_past_report_is_the_latest_one(engine, text, timex):
    """The narrative's time: a month named without a year, told in the past tense, is the latest one
    before the reference date, up to nine months back (here the reference date is in March or November)."""
    ref = date(2025, 11, 27) if "rand" in text else date(2025, 3, 20)
    assert dates_in(engine, text, ref)[0].value.timex == timex


@pytest.mark.parametrize("text, timex", [
    ("The board said holders of record April 13 get the dividend.", "2025-04-13"),
    ("Officials said they were giving Japan until April to act.", "2025-04"),
    ("The government said the budget for the year starting April 1 was adopted.", "2025-04-01"),
])
def test_a_date_nearly_a_year_back_in_a_past_report_is_to_come(engine, text, timex):
    """A past-tense story that names a month or day just ahead tells of what is to come, not of last year's."""
    assert dates_in(engine, text, date(2025, 3, 27))[0].value.timex == timex


@pytest.mark.parametrize("text, year, timex", [
    ("Markets closed for Easter.", 2025, "2025-04-20"),
    ("Markets closed for Good Friday.", 2026, "2026-04-03"),
    ("Banks shut for Eid al-Adha.", 2026, "2026-05-27"),
    ("Shops were closed for Diwali.", 2026, "2025-10-20"),
    ("Travel peaked before Lunar New Year.", 2025, "2025-01-29"),
])
def test_moving_holidays_come_from_the_holidays_package(engine, text, year, timex):
    [fact] = dates_in(engine, text, date(year, 6, 30) if "Diwali" not in text else date(year, 1, 5))
    assert fact.value.timex == timex
