"""Trigger words: the `trigger_words` of every rule file, found in one pass over a document."""
from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any

import ahocorasick
import regex

from factx import patterncache

_GAP = r"[\s\-]+"
_SPLIT = patterncache.compile(_GAP)


def _kind(char: str):
    """What would continue a word that begins or ends with `char`: a letter a letter, a digit a digit."""
    return str.isalpha if char.isalpha() else str.isdigit if char.isdigit() else None


class Lexicon:
    """Finds the trigger words of many rule files at once, by Aho-Corasick over the lowercased text.

    A word hits where it stands whole, in any case: a letter does not touch
    its first or last letter, nor a digit its first or last digit ("dec" hits
    "Dec31", "pct" hits "5pct", "q1" is no hit in "q12"), except on a side
    where it is written with a `*`: "week*" hits "weekly". The words of a
    phrase may be separated by any run of spaces or hyphens, as in word lists.
    """

    def __init__(self, words: Mapping[str, Iterable[str]]):
        # A phrase is looked for by its longest word (the automaton finds short words inside
        # many longer ones), then the words before and after it are matched around it.
        # key word -> (its length, its targets); a target is (file, the words before as a
        # backward pattern or None, the words after as a pattern or None, the test of a
        # character that may not stand before / after the phrase, or None)
        entries: dict[str, tuple[int, list[tuple[str, Any, Any, Any, Any]]]] = {}
        for file, file_words in words.items():
            for word in file_words:
                text = word.strip("*").strip().lower()
                parts = _SPLIT.split(text)
                at = max(range(len(parts)), key=lambda i: len(parts[i]))
                head = patterncache.compile("(?r)" + "".join(regex.escape(w) + _GAP for w in parts[:at])) if at else None
                tail = patterncache.compile("".join(_GAP + regex.escape(w) for w in parts[at + 1:])) if parts[at + 1:] else None
                before = None if word.startswith("*") else _kind(text[0])
                after = None if word.endswith("*") else _kind(text[-1])
                targets = entries.setdefault(parts[at], (len(parts[at]), []))[1]
                if (file, head, tail, before, after) not in targets:
                    targets.append((file, head, tail, before, after))
        self._automaton = ahocorasick.Automaton()
        for first, entry in entries.items():
            self._automaton.add_word(first, entry)
        if entries:
            self._automaton.make_automaton()
        self._last = threading.local()

    def hits(self, text: str) -> dict[str, list[tuple[int, int]]]:
        """Each file's hits in `text`, as (start, end) in order; the last text's are kept, per thread."""
        last = self._last.__dict__
        if last.get("text") is not text:
            last["hits"] = self._find(text) if len(self._automaton) else {}
            last["text"] = text
        return last["hits"]

    def _find(self, text: str) -> dict[str, list[tuple[int, int]]]:
        low = text.lower()
        if len(low) != len(text):  # a few characters lowercase to two ("İ"): keep those as they are
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        size = len(low)
        found: dict[str, list[tuple[int, int]]] = {}
        for last, (length, targets) in self._automaton.iter(low):
            start, end = last - length + 1, last + 1
            for file, head, tail, before, after in targets:
                first = start
                if head is not None:
                    m = head.match(low, 0, start)
                    if m is None:
                        continue
                    first = m.start()
                if before is not None and first and before(low[first - 1]):
                    continue
                stop = end
                if tail is not None:
                    m = tail.match(low, end)
                    if m is None:
                        continue
                    stop = m.end()
                if after is not None and stop < size and after(low[stop]):
                    continue
                found.setdefault(file, []).append((first, stop))
        for spans in found.values():
            spans.sort()
        return found
