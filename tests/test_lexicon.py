"""Trigger words: found whole, in any case, in one pass for every rule file."""
import threading

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from factx.lexicon import Lexicon


def found(lexicon, text):
    return {file: [text[s:e] for s, e in spans] for file, spans in lexicon.hits(text).items()}


def test_words_hit_whole_in_any_case():
    lexicon = Lexicon({"a": ["day", "may"]})
    assert found(lexicon, "Today, one DAY in May; days, mayor") == {"a": ["DAY", "May"]}


def test_a_star_lets_a_word_run_on_at_its_side():
    lexicon = Lexicon({"a": ["week*", "*ton"], "b": ["weekend"]})
    assert found(lexicon, "weekly weekends, megaton and tons") == {"a": ["week", "week", "ton"]}


def test_a_number_does_not_continue_a_word_nor_a_word_a_number():
    lexicon = Lexicon({"a": ["dec", "pct", "q1"]})
    assert found(lexicon, "Dec31, 5pct, q1, q12, 1q1") == {"a": ["Dec", "pct", "q1", "q1"]}


def test_phrase_words_may_be_parted_by_any_run_of_spaces_or_hyphens():
    lexicon = Lexicon({"a": ["prime minister", "new year*"], "b": ["new"]})
    text = "Prime\n   Minister; the new-years party; prime ministers"
    assert found(lexicon, text) == {"a": ["Prime\n   Minister", "new-year"], "b": ["new"]}


def test_a_phrase_is_found_by_its_longest_word():
    lexicon = Lexicon({"a": ["a million", "an eighth", "u.s. dollar"]})
    text = "a  Million, an eighth, armillion, a millions, US dollar, U.S.-Dollar"
    assert found(lexicon, text) == {"a": ["a  Million", "an eighth", "U.S.-Dollar"]}


def test_each_file_gets_its_own_hits_of_a_shared_word():
    lexicon = Lexicon({"a": ["year*"], "b": ["year"], "c": ["quarter"]})
    assert found(lexicon, "a yearly year") == {"a": ["year", "year"], "b": ["year"]}


def test_offsets_hold_where_lowercasing_changes_the_length():
    lexicon = Lexicon({"a": ["monday"]})
    text = "İİ Monday"
    assert found(lexicon, text) == {"a": ["Monday"]}


def test_hits_are_kept_per_text_and_per_thread():
    lexicon = Lexicon({"a": ["may"]})
    assert found(lexicon, "May") == {"a": ["May"]}
    assert found(lexicon, "none") == {}
    other = []
    thread = threading.Thread(target=lambda: other.append(found(lexicon, "in may")))
    thread.start()
    thread.join()
    assert other == [{"a": ["may"]}] and found(lexicon, "none") == {}


WORD = st.text("abc", min_size=1, max_size=3)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "*"]), st.sampled_from(["", "c ", "abc-"]), WORD,
                          st.sampled_from(["", " ab"]), st.sampled_from(["", "*"])), min_size=1, max_size=4),
       st.text("abcAB -5.", max_size=40))
def test_hits_are_those_of_the_equivalent_regex(entries, text):
    words = [f"{left}{head}{word}{tail}{right}" for left, head, word, tail, right in entries]
    expected = set()
    for left, head, word, tail, right in entries:
        # the words are letters: a letter may not touch them, except on a side with a `*`
        pattern = (("" if left else r"(?<!\p{L})") + (regex.escape(head.strip(" -")) + r"[\s\-]+" if head else "")
                   + regex.escape(word) + (r"[\s\-]+ab" if tail else "") + ("" if right else r"(?!\p{L})"))
        expected |= {m.span() for m in regex.finditer(pattern, text, regex.IGNORECASE, overlapped=True)}
    assert set(Lexicon({"f": words}).hits(text).get("f", [])) == expected


def test_a_word_listed_twice_hits_once():
    assert Lexicon({"a": ["day", "Day", "day"]}).hits("one day") == {"a": [(4, 7)]}
