"""Numbers as news writes them: digits with separators, or words ("twenty-two", "one and a half")."""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from factx import patterncache

_TOKEN = patterncache.compile(r"[^\s\-–]+")
_DIGIT = patterncache.compile(r"\d")
_OTHER_DIGIT = patterncache.compile(r"[^\P{Nd}0-9]")  # a decimal digit of any script but ASCII


def ascii_digits(text: str) -> str:
    """`text` with each decimal digit that `regex` matches as `\\d` written as an ASCII digit ("٣" -> "3").

    Python's `unicodedata` may be older than the `regex` package's Unicode
    (Python 3.11 knows no digit of Unicode 15, such as U+1E4F2), so a digit it
    does not know is read by where it stands: Unicode lays out every script's
    digits as runs of ten, zero to nine.
    """
    if text.isascii():
        return text
    return _OTHER_DIGIT.sub(lambda m: _digit_value(m.group()), text)


@cache
def _digit_value(char: str) -> str:
    value = unicodedata.decimal(char, None)
    if value is None:
        start = ord(char)
        while _DIGIT.match(chr(start - 1)):
            start -= 1
        value = (ord(char) - start) % 10
    return str(value)


def parse_number(text: str, lists: Mapping[str, Mapping[str, Any]]) -> Decimal:
    """The value of a number written in digits or in words; ValueError if it is neither.

    Word values come from the rule files' `CARDINAL`, `MAGNITUDE` and
    `FRACTION` lists, so new number words are data.
    """
    digits = ascii_digits(text).replace(",", "").replace("\u2009", "").strip()
    if digits[:1].isdigit() or digits[:1] == ".":
        try:
            return Decimal(digits)
        except InvalidOperation:
            raise ValueError(f"not a number: {text!r}") from None
    return _parse_words(text, lists["CARDINAL"], lists["MAGNITUDE"], lists["FRACTION"])


def _parse_words(text: str, cardinal: Mapping[str, Any], magnitude: Mapping[str, Any],
                 fraction: Mapping[str, Any]) -> Decimal:
    total = current = Decimal(0)
    seen = False
    for word in _TOKEN.findall(text.casefold()):
        if word in cardinal:
            current += Decimal(str(cardinal[word]))
        elif word in magnitude:
            scale = Decimal(str(magnitude[word]))
            base = current if current else Decimal(1)
            if scale < 1000:
                current = base * scale
            else:
                total += base * scale
                current = Decimal(0)
        elif word in fraction:
            current += Decimal(str(fraction[word]))
        elif word in ("and", "a", "an"):
            continue
        else:
            raise ValueError(f"not a number word: {word!r} in {text!r}")
        seen = True
    if not seen:
        raise ValueError(f"not a number: {text!r}")
    return total + current


def sign_of(text: str | None, lists: Mapping[str, Mapping[str, Any]]) -> int:
    """+1 or -1 for a sign written before a number ("-", "minus", "+"); +1 when there is none."""
    if not text:
        return 1
    key = " ".join(text.casefold().split())
    return int(lists["SIGN_SYMBOL"].get(key) or lists["SIGN_WORD"].get(key) or 1)
