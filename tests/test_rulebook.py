"""Loading rule files: every problem located as file:line rule-id, overrides, macros and word lists."""
import textwrap

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from factx import Engine, RuleError, matching
from factx.rulebook import RuleSource, list_pattern, load_rulebook, normalize_key


def write(tmp_path, name, body):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def load(*paths, overrides=False):
    return load_rulebook([RuleSource(p, str(p), i, overrides=overrides and i > 0) for i, p in enumerate(paths)])


def problems(*paths):
    with pytest.raises(RuleError) as info:
        load(*paths)
    return [str(p) for p in info.value.problems]


RULE = """
[[rule]]
id = "{id}"
doc = "d"
priority = 1
pattern = '''{pattern}'''
"""


def test_regex_error_names_file_line_and_rule(tmp_path):
    path = write(tmp_path, "bad.toml", "# header\n" + RULE.format(id="percent.broken", pattern="(unclosed"))
    [line] = problems(path)
    assert line.startswith(f"{path}:7 percent.broken: [FX101] regex error")


def test_invalid_toml_names_line(tmp_path):
    path = write(tmp_path, "bad.toml", "a = 1\nb = = 2\n")
    [line] = problems(path)
    assert line.startswith(f"{path}:2: [FX100]")


def test_undefined_macro_and_cycle(tmp_path):
    path = write(tmp_path, "m.toml", """
        [macros]
        A = '''{B}'''
        B = '''{A}'''
        """ + RULE.format(id="percent.x", pattern="{NOPE}"))
    found = problems(path)
    assert any("[FX103]" in p and "A -> B -> A" in p for p in found)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "{NOPE}" in text)
    assert any(p.startswith(f"{path}:{line} percent.x: [FX102]") and "{NOPE}" in p for p in found)


def test_schema_errors_name_the_rule(tmp_path):
    path = write(tmp_path, "s.toml", """
        [[rule]]
        id = "Percent-Bad"
        doc = "d"
        pattern = 'x'
        priority = 1
        colour = "red"
        """)
    found = problems(path)
    # Each error at its key's line: the id's (3), the unknown key's (7).
    assert any(p.startswith(f"{path}:3 Percent-Bad: [FX106] rule.0.id") for p in found)
    assert any(p.startswith(f"{path}:7 Percent-Bad: [FX106] rule.0.colour") for p in found)
    assert len(found) == 2


def test_duplicate_ids_and_macros_in_one_layer(tmp_path):
    a = write(tmp_path, "a.toml", "[macros]\nX = 'x'\n" + RULE.format(id="percent.same", pattern="a"))
    b = write(tmp_path, "b.toml", "[macros]\nX = 'y'\n" + RULE.format(id="percent.same", pattern="b"))
    found = load_problems_same_layer(tmp_path)
    assert any("[FX104]" in p and "X is already defined" in p for p in found)
    assert any("percent.same: [FX105]" in p and str(a) in p for p in found)
    assert b.exists()


def load_problems_same_layer(folder):
    with pytest.raises(RuleError) as info:
        load_rulebook([RuleSource(folder, str(folder), 0)])
    return [str(p) for p in info.value.problems]


def test_later_layer_overrides_or_disables(tmp_path):
    base = write(tmp_path, "base.toml", RULE.format(id="percent.a", pattern="a") + RULE.format(id="percent.b", pattern="b"))
    over = write(tmp_path, "over.toml", RULE.format(id="percent.a", pattern="z") + """
        [[rule]]
        id = "percent.b"
        doc = "off"
        priority = 1
        pattern = 'b'
        enabled = false
        """)
    book = load(base, over, overrides=True)
    assert [(r.id, r.pattern.pattern, r.file) for r in book.rules] == [("percent.a", "z", str(over))]


def test_plugins_cannot_silently_redefine_each_others_names(tmp_path):
    first = write(tmp_path, "first.toml", "[lists.UNIT]\npct = 1\n" + RULE.format(id="percent.a", pattern="a"))
    second = write(tmp_path, "second.toml", "[lists.UNIT]\npct = 2\n" + RULE.format(id="percent.a", pattern="b"))
    found = problems(first, second)
    assert any(p.startswith(f"{second}:") and "[FX104]" in p for p in found)
    assert any("percent.a: [FX105]" in p for p in found)


def test_unicode_properties_are_not_macros(tmp_path):
    path = write(tmp_path, "p.toml", RULE.format(id="percent.p", pattern=r"\p{L}+\P{L}\N{EURO SIGN}"))
    [rule] = load(path).rules
    assert rule.pattern.fullmatch("abc1€")


def test_lists_are_macros_and_lookups(tmp_path):
    path = write(tmp_path, "l.toml", """
        [lists.UNIT]
        "per cent" = "percent"
        pct = "percent"
        """ + RULE.format(id="percent.u", pattern=r"\d+ {UNIT}"))
    book = load(path)
    [rule] = book.rules
    assert rule.pattern.fullmatch("5 PER  CENT") and rule.pattern.fullmatch("5 per-cent")
    assert book.for_type("percent", matching.create(book.rules, "regex")).lookup("UNIT", "Per   Cent") == "percent"


def test_a_union_of_lists_is_one_pattern_over_their_entries(tmp_path):
    base = write(tmp_path, "u.toml", """
        [lists.UNIT]
        pct = "percent"
        [lists.SCALE]
        bn = 2
        "basis point" = 3
        """ + RULE.format(id="percent.u", pattern=r"\d+ {UNIT|SCALE}\b"))
    [rule] = load(base).rules
    assert [bool(rule.pattern.fullmatch(t)) for t in ("5 PCT", "5 bn", "5 basis-point", "5 day")] == [True, True, True, False]
    # An overriding folder's list is the one the union reads.
    over = write(tmp_path, "over.toml", "[lists.SCALE]\nmln = 1\n")
    [rule] = load(base, over, overrides=True).rules
    assert rule.pattern.fullmatch("5 mln") and not rule.pattern.fullmatch("5 bn")


def test_a_union_names_only_lists(tmp_path):
    path = write(tmp_path, "n.toml", "[macros]\nM = 'm'\n\n[lists.UNIT]\npct = 1\n"
                 + RULE.format(id="percent.n", pattern="{UNIT|M}") + RULE.format(id="percent.o", pattern="{UNIT|NONE}"))
    lines = [n for n, text in enumerate(path.read_text().splitlines(), 1) if "{UNIT|" in text]
    assert problems(path) == [f"{path}:{lines[0]} percent.n: [FX102] {{M}} is not a defined list",
                              f"{path}:{lines[1]} percent.o: [FX102] {{NONE}} is not a defined list"]


@pytest.mark.parametrize("key", ["trigger = '%'", "trigger_words = ['pct']", "window = 5", "anchored = true"])
def test_the_old_trigger_keys_are_refused_with_what_to_do(tmp_path, key):
    [line] = problems(write(tmp_path, "t.toml", f"# old\n{key}\n" + RULE.format(id="percent.t", pattern="t")))
    assert line.startswith(f"{tmp_path / 't.toml'}:2: [FX106]") and "no longer" in line and "remove it" in line


@pytest.mark.parametrize("key", ["trigger = '%'", "trigger_words = ['pct']", "window = 5", "anchored = true"])
def test_the_old_trigger_keys_of_a_rule_are_refused_at_their_line_with_what_to_do(tmp_path, key):
    [line] = problems(write(tmp_path, "t.toml", RULE.format(id="percent.t", pattern="t") + key + "\n"))
    assert line.startswith(f"{tmp_path / 't.toml'}:7 percent.t: [FX106] rule.0.{key.split()[0]} is no longer read")
    assert line.endswith("remove it")


def test_rule_for_a_type_without_plugin(tmp_path):
    write(tmp_path, "o.toml", RULE.format(id="weather.rain", pattern="rain"))
    with pytest.raises(RuleError, match=r"weather.rain: \[FX107\]"):
        Engine(load_entrypoints=False, rules_dirs=[tmp_path])


def test_rules_dir_overrides_builtin_rule(tmp_path):
    write(tmp_path, "mine.toml", """
        [[rule]]
        id = "percent.number_unit"
        doc = "Only the % sign."
        priority = 10
        pattern = '''(?<num>\\d+)(?<unit>%)'''
        """)
    engine = Engine(load_entrypoints=False, rules_dirs=[tmp_path])
    assert [f.text for f in engine.extract("15% and 20 percent")] == ["15%"]


def test_missing_rules_dir(tmp_path):
    with pytest.raises(RuleError, match="FX108"):
        Engine(load_entrypoints=False, rules_dirs=[tmp_path / "nope"])



WORDS = st.sampled_from(["a", "ab", "abc", "b", "ba", "A", "AB", "%", "x.y", "c"])
KEYS = st.lists(st.lists(WORDS, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=8)


@settings(max_examples=300)
@given(keys=KEYS, data=st.data(), tail=st.sampled_from(["", "c", r"\b", r"\s"]))
def test_word_list_trie_matches_like_a_longest_first_alternation(keys, data, tail):
    """A word list compiles to a trie that matches exactly what the flat longest-first alternation does."""
    pieces = st.sampled_from([*keys, *(k.upper() for k in keys), " ", "-", "  ", "c", "."])
    text = "".join(data.draw(st.lists(pieces, max_size=6)))
    flat = "(?i:" + "|".join(r"[\s\-]+".join(regex.escape(w) for w in k.split())
                             for k in sorted(keys, key=lambda k: (-len(k), k))) + ")"
    trie, reference = regex.compile(f"(?:{list_pattern(keys)}){tail}"), regex.compile(f"(?:{flat}){tail}")
    for pos in range(len(text) + 1):
        got, want = trie.match(text, pos), reference.match(text, pos)
        assert (got and got.span()) == (want and want.span())



@settings(max_examples=300)
@given(keys=KEYS, data=st.data(), head=st.sampled_from(["", "c", r"\b", r"\s"]))
def test_word_list_laid_out_by_endings_reads_backwards_like_a_longest_first_alternation(keys, data, head):
    """In a pattern read backwards, the trie by endings ends where the flat alternation does and
    reaches back as far."""
    pieces = st.sampled_from([*keys, *(k.upper() for k in keys), " ", "-", "  ", "c", "."])
    text = "".join(data.draw(st.lists(pieces, max_size=6)))
    flat = "(?i:" + "|".join(r"[\s\-]+".join(regex.escape(w) for w in k.split())
                             for k in sorted(keys, key=lambda k: (-len(k), k))) + ")"
    trie = regex.compile(f"(?r){head}(?:{list_pattern(keys, from_end=True)})")
    reference = regex.compile(f"(?r){head}(?:{flat})")
    for end in range(len(text) + 1):
        got, want = trie.match(text, 0, end), reference.match(text, 0, end)
        assert (got and got.span()) == (want and want.span())


def test_where_a_pattern_is_read_backwards_its_lists_are_laid_out_by_endings(tmp_path):
    path = write(tmp_path, "r.toml", "[lists.UNIT]\n'per cent' = 1\npct = 2\n[macros]\nU = '[(]?{UNIT}'\n"
                 + RULE.format(id="percent.back", pattern=r"(?r)\d+ {UNIT}(?=\s{U})")
                 + RULE.format(id="percent.fwd", pattern=r"(?<=\({U} )\d+ {UNIT}"))
    back, forward = load(path).rules
    by_end, by_start = list_pattern(["per cent", "pct"], from_end=True), list_pattern(["per cent", "pct"])
    # Read backwards: a (?r) pattern outside its lookaheads, and any lookbehind.
    for rule in (back, forward):
        text = rule.pattern.pattern
        assert text.count(by_end) == text.count(by_start) == 1 and text.index(by_end) < text.index(by_start)
    assert back.pattern.search("5 Per-Cent (pct").group() == "5 Per-Cent"
    assert forward.pattern.search("(pct 5 per cent").group() == "5 per cent"


def test_word_list_hyphen_between_words_is_a_separator():
    """As in lookups, a hyphen between words in a key matches any run of spaces or hyphens."""
    pattern = regex.compile(list_pattern(["co-chair", "vice"]))
    assert [pattern.fullmatch(t) is not None for t in ["co-chair", "Co Chair", "co - chair", "cochair"]] == [
        True, True, True, False]


ENTRY_WORDS = st.text(alphabet="abcAB", min_size=1, max_size=4)
ENTRIES = st.lists(st.lists(ENTRY_WORDS, min_size=1, max_size=2).map(" ".join), min_size=1, max_size=12)


@given(entries=ENTRIES, probe=st.lists(ENTRY_WORDS, min_size=1, max_size=3).map(" ".join))
def test_list_pattern_matches_its_entries_and_prefers_the_longest(entries, probe):
    pattern = regex.compile(f"(?i:{list_pattern(entries)})")
    keys = {normalize_key(e) for e in entries}
    for entry in entries:
        assert pattern.fullmatch(entry.upper().replace(" ", " - "))
    assert bool(pattern.fullmatch(probe)) == (normalize_key(probe) in keys)
    prefixes = [k for k in keys if normalize_key(probe).startswith(k)]
    found = pattern.match(probe)
    assert (normalize_key(found.group()) if found else None) == (max(prefixes, key=len) if prefixes else None)


def test_a_broken_macro_is_located_at_its_own_line(tmp_path):
    path = write(tmp_path, "b.toml", "[macros]\nBROKEN = '''(x'''\n" + RULE.format(id="percent.uses", pattern="{BROKEN}y"))
    found = problems(path)
    assert any(p.startswith(f"{path}:2: [FX101]") for p in found)
    assert any("percent.uses: [FX101]" in p for p in found)
