"""The text as Hyperscan scans it: one byte per character, and every expression case-sensitive.

Hyperscan 5.4.12 (the library the `hyperscan` wheels carry) can miss a match
of a case-insensitive expression in a text longer than a few dozen bytes, so
expressions are compiled case-sensitively over bytes in which case cannot be
confused: a lower-case ASCII letter, a digit, a space or a sign is itself; a
capital is its lower-case letter with the high bit set ("A" is 0xE1); the
three characters beyond ASCII that `regex` matches case-insensitively with an
ASCII letter are that letter ("İ" is "i", the Kelvin sign "k", the long "ſ"
"s"); every other character is the byte 0x80.
"""
from __future__ import annotations

import codecs

FOLDED = {"\u0130": "i", "\u212a": "k", "\u017f": "s"}
OTHER = 0x80

_CAPITALS = bytes.maketrans(bytes(range(0x41, 0x5B)), bytes(range(0xE1, 0xFB)))
_BYTE = {char: ord(letter) for char, letter in FOLDED.items()}
_HANDLER = "factx.scanned"
codecs.register_error(_HANDLER, lambda e: (bytes(_BYTE.get(c, OTHER) for c in e.object[e.start:e.end]), e.end))


def scanned(text: str) -> bytes:
    """`text` as the bytes Hyperscan scans."""
    return text.encode("ascii", errors=_HANDLER).translate(_CAPITALS)


def byte_of(code_point: int) -> int:
    """The byte a character is scanned as."""
    return scanned(chr(code_point))[0]
