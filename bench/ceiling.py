"""The ceiling: one bare `regex` pass finding only the characters and words that can start a fact."""
from __future__ import annotations

import regex

from factx import Engine
from factx.rulebook import list_pattern

# The engine's own word lists: month names and the heads of officials' titles.
TRIGGER_LISTS = ("DATE_MONTH", "OFFICIAL_HEAD_SPECIFIC", "OFFICIAL_HEAD", "OFFICIAL_HEAD_WEAK",
                 "OFFICIAL_HEAD_RANK", "OFFICIAL_HEAD_ABBREV")


def trigger_pattern(engine: Engine) -> regex.Pattern[str]:
    """Digits, %, currency symbols, and any month name or title word of the engine's lists.

    Every match starts with a non-letter (or the start of the text), so the
    regex engine attempts a match only there instead of at every letter: of the
    forms tried, the fastest that finds the same hits.
    """
    keys = [key for name in TRIGGER_LISTS for key in engine.rulebook.lists.get(name, {})]
    words = list_pattern(keys) if keys else "(?!)"
    return regex.compile(rf"(?:^|[\W\d])(?:(?<=\d)\d*|(?<=[%\p{{Sc}}])|{words}(?!\w))")


def scan(pattern: regex.Pattern[str], texts: list[str]) -> int:
    """How many trigger hits the texts hold."""
    return sum(len(pattern.findall(text)) for text in texts)
