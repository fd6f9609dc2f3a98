"""Fuzzing in the suite: texts and bytes of every kind hold the invariants of `fuzz.checks`.

Bounded, so the suite stays fast: FACTX_FUZZ_EXAMPLES sets the examples of
each test (say 100000 for a long run); `fuzz/README.md` has the atheris harness.
"""
from __future__ import annotations

import codecs
import json
import os
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.checks import SEEDS, check_bytes, check_text

EXAMPLES = int(os.environ.get("FACTX_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                            HealthCheck.data_too_large])

# Every character, lone surrogates included; and the ones rules care about, more often.
ANY_CHAR = st.characters(exclude_categories=())
NEWS_CHAR = st.sampled_from("0123456789 ,.-–%$€£¥/:;'\"()\nabcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                            "\u00a0\u2009\u0663\U0001e4f2\U0001d7d7")
PIECES = st.one_of(
    st.sampled_from(SEEDS),
    st.sampled_from(SEEDS).flatmap(lambda s: st.integers(0, len(s)).map(lambda i: s[:i])),
    st.sampled_from(SEEDS).flatmap(lambda s: st.integers(0, len(s)).map(lambda i: s[i:])),
    st.text(NEWS_CHAR, max_size=40),
    st.text(ANY_CHAR, max_size=20),
    st.builds(lambda c, n: c * n, st.sampled_from(["9", "0", "$", "%", "a", " ", "-", "1,000", "\n", "percent "]),
              st.integers(1, 3000)),
)
TEXTS = st.lists(PIECES, min_size=1, max_size=8).map("".join)
REFERENCES = st.one_of(st.just("none"), st.just("auto"), st.dates(), st.sampled_from([date.min, date.max]))


@FUZZ
@given(text=TEXTS, reference=REFERENCES)
def test_any_text_holds_the_invariants(engine, text, reference):
    check_text(engine, text, reference)


def _jsonl(records: list) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode("utf-8")


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(ANY_CHAR, max_size=10),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                           max_leaves=10)
RECORDS = st.fixed_dictionaries({"text": st.one_of(TEXTS, JSON_VALUES)},
                                optional={"id": JSON_VALUES, "reference_date": st.one_of(st.dates().map(str), JSON_VALUES)})
BYTES = st.one_of(
    st.binary(max_size=200),
    TEXTS.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.tuples(TEXTS, st.sampled_from(["utf-16", "utf-32", "utf-8-sig"])).map(
        lambda p: p[0].encode(p[1], "surrogatepass") if p[1] != "utf-8-sig" else codecs.BOM_UTF8 + p[0].encode("utf-8", "surrogatepass")),
    st.lists(RECORDS, min_size=1, max_size=4).map(_jsonl),
    st.builds(lambda n: ("[" * n + "]" * n + "\n").encode(), st.integers(1, 20_000)),
)


@FUZZ
@given(data=BYTES)
def test_any_input_bytes_hold_the_invariants(engine, data):
    check_bytes(engine, data)
