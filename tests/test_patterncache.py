import os
import textwrap
import time

import pytest
import regex

from factx import Engine, patterncache
from factx.errors import RuleError
from factx.rulebook import RuleSource, load_rulebook

# Named groups, a lookbehind, scoped flags, Unicode properties, a backreference, a fuzzy match.
PATTERNS = [
    r"(?<![\w.])(?P<num>\d+(?:[.,]\d+)*)\s*(?i:per\s?cent|pct)(?!\w)",
    r"(?P<title>\p{Lu}\w+(?:\s+\p{Lu}\w+)*)\s+(?P<verb>said|says)\b",
    r"(?r)(?i)(?<!\w)(?:about|nearly)\s{1,3}$",
    r"\b(\w+)\s+\1\b",
    r"(?:colour){e<=1}",
]
TEXTS = ["Exports rose 5.5 percent, about 10 pct or 1,000pct.", "Finance Minister Koo said so said so.",
         "it is about ", "the the colour color", ""]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTX_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("FACTX_NO_CACHE", raising=False)
    monkeypatch.setattr(patterncache, "_pruned", False)
    return tmp_path / "patterns"


@pytest.fixture
def compiles(monkeypatch):
    """The patterns regex really compiled (cache misses)."""
    seen = []

    def counting(pattern, flags=0):
        seen.append(pattern)
        return fresh(pattern, flags)

    monkeypatch.setattr(patterncache.regex, "compile", counting)
    return seen


fresh = regex.compile  # bound before any test counts the calls


def entries(folder):
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


def assert_same(got, fresh):
    assert got.pattern == fresh.pattern
    assert got.flags == fresh.flags
    assert got.groupindex == fresh.groupindex
    assert got.groups == fresh.groups
    for text in TEXTS:
        assert [(m.span(), m.groups(), m.groupdict()) for m in got.finditer(text)] == \
               [(m.span(), m.groups(), m.groupdict()) for m in fresh.finditer(text)]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_cached_pattern_behaves_like_a_fresh_one(cache, compiles, pattern):
    cold = patterncache.compile(pattern)
    assert len(entries(cache)) == 1 and compiles == [pattern]
    warm = patterncache.compile(pattern)
    assert compiles == [pattern], "the second compile came from the cache"
    assert warm is not cold
    assert_same(warm, fresh(pattern))
    assert_same(cold, fresh(pattern))


def test_flags_are_part_of_the_key(cache, compiles):
    plain = patterncache.compile("abc")
    folded = patterncache.compile("abc", regex.IGNORECASE)
    assert len(entries(cache)) == 2 and len(compiles) == 2
    assert patterncache.compile("abc", regex.IGNORECASE).search("ABC")
    assert not patterncache.compile("abc").search("ABC")
    assert plain.flags != folded.flags and len(compiles) == 2


@pytest.mark.parametrize("damage", [
    lambda blob: b"",
    lambda blob: blob[: len(blob) // 2],
    lambda blob: blob[:-1] + bytes([blob[-1] ^ 1]),
    lambda blob: b"\x00\x00\x00\x00garbage",
])
def test_a_damaged_entry_is_recompiled_and_replaced(cache, compiles, damage):
    patterncache.compile(PATTERNS[0])
    [path] = entries(cache)
    path.write_bytes(damage(path.read_bytes()))
    assert_same(patterncache.compile(PATTERNS[0]), fresh(PATTERNS[0]))
    assert len(compiles) == 2
    patterncache.compile(PATTERNS[0])
    assert len(compiles) == 2, "the damaged entry was rewritten"


def test_an_entry_from_another_regex_version_is_not_used(cache, compiles, monkeypatch):
    patterncache.compile(PATTERNS[1])
    monkeypatch.setattr(patterncache, "_header", lambda flags: (1, "0.0", "other python", flags))
    # Same file name (as if the key collided): the header inside still tells it apart.
    monkeypatch.setattr(patterncache, "_key", lambda pattern, flags: entries(cache)[0].name)
    assert_same(patterncache.compile(PATTERNS[1]), fresh(PATTERNS[1]))
    assert len(compiles) == 2


def test_an_entry_for_another_pattern_is_not_used(cache, compiles, monkeypatch):
    monkeypatch.setattr(patterncache, "_key", lambda pattern, flags: "collision")
    patterncache.compile("a+")
    assert patterncache.compile("b+").pattern == "b+"
    assert compiles == ["a+", "b+"]


def test_a_bad_pattern_raises_and_is_not_cached(cache):
    with pytest.raises(regex.error):
        patterncache.compile("(?P<x>unclosed")
    assert entries(cache) == []


def test_FACTX_NO_CACHE_turns_it_off(cache, compiles, monkeypatch):
    monkeypatch.setenv("FACTX_NO_CACHE", "1")
    patterncache.compile("abc")
    patterncache.compile("abc")
    assert compiles == ["abc", "abc"] and not cache.exists()
    assert patterncache.cache_dir() is None


def test_the_default_folder_is_under_the_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("FACTX_CACHE_DIR", raising=False)
    monkeypatch.delenv("FACTX_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert patterncache.cache_dir() == tmp_path / "factx" / "patterns"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert patterncache.cache_dir() == tmp_path / ".cache" / "factx" / "patterns"


def test_an_unwritable_folder_means_no_cache_and_no_error(tmp_path, monkeypatch, compiles):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("FACTX_CACHE_DIR", str(blocker))
    assert_same(patterncache.compile(PATTERNS[0]), fresh(PATTERNS[0]))
    assert_same(patterncache.compile(PATTERNS[0]), fresh(PATTERNS[0]))
    assert len(compiles) == 2


def test_a_regex_without_pickled_data_means_no_cache(cache, monkeypatch):
    class Opaque:
        pattern = "abc"

    monkeypatch.setattr(patterncache.regex, "compile", lambda pattern, flags=0: Opaque())
    assert isinstance(patterncache.compile("abc"), Opaque)
    assert entries(cache) == []


def test_a_failing_rebuild_falls_back_to_compiling(cache, compiles, monkeypatch):
    patterncache.compile("abc")

    def broken(*args):
        raise TypeError("the C core changed")

    monkeypatch.setattr(patterncache.regex._regex, "compile", broken)
    assert patterncache.compile("abc").search("xabc")
    assert compiles == ["abc", "abc"]


def test_a_read_only_cache_is_still_read(cache, compiles, monkeypatch):
    patterncache.compile("abc")
    [path] = entries(cache)
    week_ago = time.time() - 7 * 86400
    os.utime(path, (week_ago, week_ago))

    def refuse(*args):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(patterncache.os, "utime", refuse)
    assert patterncache.compile("abc").search("xabc")
    assert compiles == ["abc"]


def test_least_recently_used_entries_beyond_the_limit_are_removed(cache, monkeypatch):
    for n in range(4):
        patterncache.compile(f"old{n}")
    old = entries(cache)
    size = sum(p.stat().st_size for p in old)
    week_ago = time.time() - 7 * 86400
    for p in old:
        os.utime(p, (week_ago, week_ago))
    (cache / ".tmp-abandoned").write_bytes(b"x")
    os.utime(cache / ".tmp-abandoned", (week_ago, week_ago))
    patterncache.compile("old0")  # a hit refreshes an entry used long ago
    monkeypatch.setattr(patterncache, "MAX_BYTES", size)
    monkeypatch.setattr(patterncache, "_pruned", False)
    patterncache.compile("new")
    left = {p.name for p in entries(cache)}
    assert patterncache._key("new", 0) in left and patterncache._key("old0", 0) in left
    assert len(left) == 4 and sum(p.stat().st_size for p in entries(cache)) <= size
    assert not (cache / ".tmp-abandoned").exists()


def test_an_engine_from_a_warm_cache_equals_one_from_a_cold_cache(cache, compiles):
    cold = Engine(load_entrypoints=False)
    missed = len(compiles)
    assert missed and len(entries(cache)) > 0
    warm = Engine(load_entrypoints=False)
    assert len(compiles) == missed, "every rule pattern came from the cache"
    assert [r.id for r in warm.rulebook.rules] == [r.id for r in cold.rulebook.rules]
    for a, b in zip(warm.rulebook.rules, cold.rulebook.rules):
        assert (a.pattern.pattern, a.pattern.flags, a.pattern.groupindex) == \
               (b.pattern.pattern, b.pattern.flags, b.pattern.groupindex)
    texts = [ex.text for rule in cold.rulebook.rules for ex in (*rule.examples, *rule.counterexamples)]
    assert len(texts) > 100
    dump = lambda engine: [f.model_dump(mode="json") for t in texts for f in engine.extract(t, reference_date="2025-12-11")]
    assert dump(warm) == dump(cold)


def test_rule_errors_are_reported_the_same_with_and_without_the_cache(cache, tmp_path, monkeypatch):
    bad = tmp_path / "bad.toml"
    bad.write_text(textwrap.dedent("""
        [macros]
        GOOD = '''\\d+'''
        BROKEN = '''(?<num'''

        [[rule]]
        id = "percent.good"
        doc = "Fine."
        priority = 1
        pattern = '''{GOOD} percent'''

        [[rule]]
        id = "percent.bad"
        doc = "Uses the broken macro."
        priority = 1
        pattern = '''{BROKEN}\\d+'''
        """))
    messages = []
    for no_cache in ("", "", "1"):  # cold, warm, off
        monkeypatch.setenv("FACTX_NO_CACHE", no_cache)
        with pytest.raises(RuleError) as info:
            load_rulebook([RuleSource(bad, "bad.toml", 0)])
        messages.append([str(p) for p in info.value.problems])
    assert messages[0] == messages[1] == messages[2]
    assert messages[0] == [
        "bad.toml:16 percent.bad: [FX101] regex error: missing > at position 6 of {BROKEN} (bad.toml:4), "
        "which the pattern uses at position 0",
        "bad.toml:4: [FX101] regex error: missing > at position 6 of {BROKEN}"]
