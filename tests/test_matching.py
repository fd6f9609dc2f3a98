"""The matchers: Hyperscan finds every place the regex reference does, on rules of every shape."""
import json
import sys

import pytest
import regex
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from factx import Engine, SettingsError, matching
from factx.matching import budget
from factx.matching.hyperscan_path import HyperscanMatcher, witness
from factx.matching.regex_path import RegexMatcher
from factx.matching.scanned import FOLDED, scanned
from factx.matching.syntax import Unsupported, guarded, parse
from factx.rule import Rule
from factx.rulebook import RuleSet
from tests.conftest import SHARED

REUTERS = SHARED / "corpus" / "reuters21578.jsonl"


def rule(pattern: str, rule_id: str = "percent.any") -> Rule:
    return Rule(rule_id, "d", 1, 0.9, True, regex.compile(pattern), "t.toml", 1, (), ())


def found(matcher, rules, text):
    ruleset = RuleSet("percent", tuple(rules), {}, matcher)
    return [(r.id, m.span()) for r, m in ruleset.matches(text)]


def both(patterns, text):
    rules = [rule(p, f"percent.r{i}") for i, p in enumerate(patterns)]
    return found(HyperscanMatcher(rules), rules, text), found(RegexMatcher(rules), rules, text)


# -- rules of every shape: what the prefilter widens must cover what regex matches ----------------

WORDS = st.text("abcdeK", min_size=1, max_size=6)
TEXT_PIECES = st.sampled_from(["a", "b", "ab", "abc", "K", "k", "\u212a", "\u017f", "s", "i", "\u0130", " ", "  ", "\n", "-", ".",
                               "1", "23", "4.5", "%", "$", "é", "中", "😀", "Abc", "ABC", "de", "x"])


def atoms(words):
    simple = st.sampled_from([r"a", r"b", r"[a-c]", r"\d", r"\d+", r"\s", r"\s+", r"\w", r"\w+", r"[^\s]", r".",
                              r"\.", r"\$", r"%", r"K", r"(?i:k)", r"(?i:s)", r"\b", r"\B", r"^", r"$", r"[é中]",
                              r"\p{Lu}", r"\p{L}+", r"(?i:ab)"])
    listed = st.lists(words, min_size=1, max_size=80, unique=True).map(
        lambda ws: "(?i:" + "|".join(sorted(ws, key=len, reverse=True)) + ")")
    return st.one_of(simple, listed)


@st.composite
def patterns(draw, depth=2):
    words = WORDS
    items = []
    for _ in range(draw(st.integers(1, 4))):
        if depth and draw(st.booleans()):
            inner = draw(patterns(depth=depth - 1))
            kind = draw(st.sampled_from(["(?:{})", "(?<g{n}>{})", "(?={})", "(?!{})", "(?<={})", "(?<!{})", "(?>{})",
                                         "(?:{}|{})"]))
            other = draw(patterns(depth=depth - 1)) if "|" in kind else ""
            piece = kind.replace("{n}", str(draw(st.integers(0, 99)))).format(inner, other) if "|" in kind \
                else kind.replace("{n}", str(draw(st.integers(0, 99)))).format(inner)
        else:
            piece = draw(atoms(words))
        if not piece.startswith(("(?=", "(?!", "(?<=", "(?<!", r"\b", r"\B", "^", "$")):
            piece += draw(st.sampled_from(["", "", "?", "*", "+", "{1,3}", "{2}", "??", "+?", "*+"]))
        items.append(piece)
    return "".join(items)


def compiles(pattern: str) -> bool:
    """Called in a test's body, not as a strategy's filter: `regex` empties its full cache of patterns with
    the `random` module, which Hypothesis forbids inside a strategy."""
    try:
        regex.compile(pattern)
        return True
    except regex.error:
        return False


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(patterns(), st.lists(TEXT_PIECES, max_size=40).map("".join))
def test_hyperscan_finds_what_regex_finds(pattern, text):
    assume(compiles(pattern))
    hyperscan_found, regex_found = both([pattern], text)
    assert hyperscan_found == regex_found


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(WORDS, min_size=60, max_size=120, unique=True), st.lists(TEXT_PIECES | WORDS, max_size=40))
def test_large_word_lists_cut_shallow_still_cover_every_match(words, pieces):
    """A list too large for one expression is written a few letters deep: every entry, in any case,
    with what the pattern asks around it, is still found."""
    listed = "(?i:" + "|".join(sorted(words, key=len, reverse=True)) + ")"
    pattern = rf"(?:\$|\d+\s?)?{listed}(?:[\s\-]+{listed}){{0,2}}\b"
    text = " ".join(pieces) + " " + " ".join(w.upper() for w in words[:5]) + " 5 " + words[-1]
    hyperscan_found, regex_found = both([pattern], text)
    assert hyperscan_found == regex_found and regex_found


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(WORDS, min_size=60, max_size=120, unique=True), st.lists(WORDS, min_size=1, max_size=20),
       st.lists(TEXT_PIECES | WORDS, max_size=30))
def test_an_optional_part_inside_a_cut_alternation_is_covered(qualifiers, units, pieces):
    """As "5 French francs" or "5 FFR": a qualifier is optional before a unit, or a code stands instead."""
    qualifier = "(?i:" + "|".join(sorted(qualifiers, key=len, reverse=True)) + ")"
    unit = "(?i:" + "|".join(sorted(units, key=len, reverse=True)) + ")"
    pattern = rf"\d+\s(?:(?:(?:{qualifier})[\s\-]+)??(?:{unit})|\p{{Lu}}{{3}})\b"
    text = " ".join(pieces) + f" 5 {qualifiers[-1].upper()} {units[0]}, 6 {qualifiers[0]}\n{units[-1]} 7 XYZ"
    hyperscan_found, regex_found = both([pattern], text)
    assert hyperscan_found == regex_found and len(regex_found) >= 3


LONG_WORDS = st.text("abcdeKs", min_size=1, max_size=12)


def _as_scanned(text: str) -> str:
    """The text as Hyperscan sees it, a byte a character (`factx.matching.scanned`)."""
    return scanned(text).decode("latin-1")


def test_the_scanned_text_folds_exactly_the_characters_regex_pairs_with_ascii_letters():
    """Outside ASCII, `regex` matches "İ", the Kelvin sign and "ſ" case-insensitively with an ASCII
    letter, and nothing else: those are scanned as their letter, any other as one byte."""
    from factx.matching.charsets import ranges
    from factx.matching.syntax import I, Chars

    paired = {chr(c): letter for letter in "abcdefghijklmnopqrstuvwxyz"
              for first, last in ranges(Chars(letter, I)) for c in range(max(first, 0x80), last + 1)}
    assert paired == FOLDED
    assert scanned("Kelvin \u212a, \u017fign, \u0130stanbul, é, 中, 😀") == b"\xebelvin k, sign, istanbul, \x80, \x80, \x80"


def test_expressions_are_compiled_case_sensitive_where_hyperscan_misses_matches():
    """Hyperscan 5.4.12 compiled this expression (a widened date.year_mod, reversed) case-insensitive
    and missed its match in this reversed text ("by the end of 1987.\n    A decl"); compiled
    case-sensitive, as every expression now is, it finds it."""
    from factx.matching.hyperscan_path import _compile

    expression = (r"[0-9][0-9](?:[0-9]1|[0-1]2)(?:[\x09-\x0d\ ]+(?:lacsif|radnelac))?[\x09-\x0d\ \-]+"
                  r"(?:yletamixorppa|fo[\x09-\x0d\ ]+dne)")
    data = b"lced A    \n.7891 fo dne eht yb rehgih\nd"
    ends = []
    _compile([(0, expression)]).scan(data, match_event_handler=lambda *report: ends.append(report[2]))
    assert ends == [data.index(b" eht")]


def assert_widened_cover(pattern: str, text: str) -> None:
    """At every depth large alternations may be cut to, the widened expression matches at every
    place a match of the rule starts (read here with regex, on the text as Hyperscan sees it)."""
    from factx.matching.prefilter import KEEPS, expression

    try:
        parsed = parse(pattern)
    except Unsupported:
        return
    starts = [m.start() for m in regex.compile(pattern).finditer(text, overlapped=True) if m.end() > m.start()]
    scanned = _as_scanned(text)
    for keep in KEEPS:
        try:
            widened = expression(parsed, keep=keep)
        except Unsupported:
            return
        loose = regex.compile(widened)
        assert [p for p in starts if not loose.match(scanned, p)] == [], (keep, widened)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(patterns(), st.lists(TEXT_PIECES, max_size=40).map("".join))
def test_widened_expressions_match_wherever_the_rule_does(pattern, text):
    assume(compiles(pattern))
    assert_widened_cover(pattern, text)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LONG_WORDS, min_size=1, max_size=30, unique=True), st.lists(LONG_WORDS, min_size=1, max_size=10),
       st.data())
def test_widened_lists_with_an_optional_qualifier_cover_every_match(qualifiers, units, data):
    """As "5 French francs" or "5 FFR": an optional qualifier before a unit, or a code instead."""
    pattern = (rf"\d+\s(?:(?:(?i:{'|'.join(sorted(qualifiers, key=len, reverse=True))})[\s\-]+)??"
               rf"(?i:{'|'.join(sorted(units, key=len, reverse=True))})|\p{{Lu}}{{3}})\b")
    pieces = data.draw(st.lists(st.sampled_from([f"5 {q} {u}" for q in qualifiers for u in units]
                                                + [f"6 {u}" for u in units] + ["7 XYZ", " ", "\n"]), max_size=8))
    assert_widened_cover(pattern, " ".join(pieces))


def test_both_matchers_agree_on_every_rule_example(engine):
    regex_engine = Engine(load_entrypoints=False, matcher="regex")
    texts = [case.text for r in engine.rulebook.rules for case in (*r.examples, *r.counterexamples)]
    assert len(texts) > 300
    for text in texts:
        assert [f.model_dump() for f in engine.extract(text, reference_date="2025-12-11")] == \
               [f.model_dump() for f in regex_engine.extract(text, reference_date="2025-12-11")], text


@pytest.mark.skipif(not REUTERS.exists(), reason="../shared/corpus is not beside the project")
def test_both_matchers_give_the_same_records_on_a_corpus_sample(engine):
    regex_engine = Engine(load_entrypoints=False, matcher="regex")
    with REUTERS.open(encoding="utf-8") as lines:
        docs = [json.loads(line) for line, _ in zip(lines, range(300))]
    dump = lambda e: [f.model_dump_json() for r in e.extract_many(docs) for f in r.facts]  # noqa: E731
    records = dump(engine)
    assert len(records) > 1500
    assert records == dump(regex_engine)


@pytest.mark.parametrize("text", ["Le coût: 5 € et 10 pct", "\u212aelvin 5 pct, \u017ftg 5 mln dlrs", "中文 5% 😀 $5",
                                  "lone \ud800 surrogate 5 pct and $5", "DLRS 5 MLN, 5 Mln Dlrs"])
def test_non_ascii_and_case_give_the_same_facts(engine, text):
    regex_engine = Engine(load_entrypoints=False, matcher="regex")
    assert [f.model_dump() for f in engine.extract(text)] == [f.model_dump() for f in regex_engine.extract(text)]


# -- the matcher's choice, and what it cannot scan -------------------------------------------------

def test_the_matcher_is_chosen_by_argument_then_environment(monkeypatch):
    assert Engine(load_entrypoints=False, matcher="regex").matcher.name == "regex"
    monkeypatch.setenv("FACTX_MATCHER", "regex")
    assert Engine(load_entrypoints=False).matcher.name == "regex"
    monkeypatch.delenv("FACTX_MATCHER")
    assert Engine(load_entrypoints=False).matcher.name == "hyperscan"
    with pytest.raises(SettingsError, match="unknown matcher 'fast'"):
        Engine(load_entrypoints=False, matcher="fast")


def test_without_hyperscan_the_regex_matcher_runs_with_one_notice(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "factx.matching.hyperscan_path", None)  # its import fails
    monkeypatch.setattr(matching, "_noticed", False)
    rules = [rule(r"\d+ pct")]
    assert matching.create(rules).name == "regex"
    assert matching.create(rules).name == "regex"
    assert capsys.readouterr().err.count("Hyperscan is not available") == 1
    with pytest.raises(ValueError, match="not available"):
        matching.create(rules, "hyperscan")


@pytest.mark.parametrize("pattern,why", [
    (r"(?r)\d+ pct", "read backwards"),
    (r"(?:\d+|x)?", "matches the empty string"),
    (r"(a)(?(1)b|c)\1{e<=1}", "fuzzy matching"),
])
def test_a_rule_hyperscan_cannot_take_is_searched_the_regex_way(pattern, why):
    assert witness(pattern)[0] is None and why in witness(pattern)[1]
    matcher = HyperscanMatcher([rule(pattern)])
    assert why in matcher.unscanned["percent.any"]
    text = "5 pct, x, 12 pct"
    assert found(matcher, [rule(pattern)], text) == found(RegexMatcher([rule(pattern)]), [rule(pattern)], text)


def test_rules_check_names_the_rules_searched_the_regex_way(tmp_path):
    from typer.testing import CliRunner

    from factx.commands import app

    (tmp_path / "back.toml").write_text(
        "[[rule]]\nid = 'percent.back'\ndoc = 'd'\npriority = 1\npattern = '(?r)\\d+ pct'\n")
    result = CliRunner().invoke(app, ["rules", "check", str(tmp_path)])
    assert result.exit_code == 0
    assert "percent.back: searched with regex alone (slower): it is read backwards" in result.stdout


def test_parse_refuses_what_it_does_not_model():
    for pattern in [r"a{e<=1}", r"\X", r"(?|a|b)", r"(?f)ss", r"\K"]:
        with pytest.raises(Unsupported):
            parse(pattern)
    assert parse(r"(?i)a(?-i:B)[\w-]{2,}(?<n>x)(?&n)").flags & regex.IGNORECASE


@pytest.mark.parametrize("pattern,risky", [
    (r"(?:a{1,30}){1,30}b", True), (r"(?:a|a)+b", True), (r"(?:a|ab)*c", True),
    (r"\d{1,3}(?:,\d{3})+", False), (r"(?:\s+\w+){0,2}", False), (r"(?:x|y)+z", False), (r"\d+ pct", False),
])
def test_patterns_that_may_backtrack_without_end_are_guarded(pattern, risky):
    from factx.matching.charsets import first_chars

    assert bool(guarded(pattern, first_chars)) is risky


# -- time budgets ------------------------------------------------------------------------------------

CATASTROPHIC = r"(?:a|a)+(?<!a)!"  # every split of a run of a's is tried, and all fail


@pytest.mark.parametrize("name", ["hyperscan", "regex"])
def test_a_catastrophic_rule_is_cut_off_and_the_rest_written(tmp_path, name):
    (tmp_path / "bad.toml").write_text(
        f"[[rule]]\nid = 'percent.catastrophic'\ndoc = 'd'\npriority = 1\npattern = '''{CATASTROPHIC}'''\n")
    engine = Engine(load_entrypoints=False, rules_dirs=[tmp_path], doc_timeout=0.5, matcher=name)
    docs = ["a" * 40 + "! and 5 pct", "prices rose 3 percent", "b" * 40 + "!"]
    # Percent alone: the plugins after it (quantity) would find the document's time spent, and be cut off too.
    results = list(engine.extract_many(docs, types="percent"))
    assert [f.text for f in results[0].facts] == ["5 pct"]
    assert [str(p) for p in results[0].problems] == [
        "doc-0 percent.catastrophic: [FX304] rule cut off, its matches on this document lost: "
        + results[0].problems[0].message.split(": ", 1)[1]]
    assert [f.text for f in results[1].facts] == ["3 percent"] and not results[1].problems
    assert not results[2].problems


def test_a_rule_cut_off_on_three_documents_is_cut_off_on_every_later_one(tmp_path):
    (tmp_path / "bad.toml").write_text(
        f"[[rule]]\nid = 'percent.catastrophic'\ndoc = 'd'\npriority = 1\npattern = '''{CATASTROPHIC}'''\n")
    engine = Engine(load_entrypoints=False, rules_dirs=[tmp_path], doc_timeout=0.2)
    results = list(engine.extract_many(["a" * 40 + "!"] * 5))
    whys = [r.problems[0].message for r in results]
    assert all("one try of it took" in why or "time ran out" in why for why in whys[:3])
    assert all("cut off on 3 documents" in why for why in whys[3:])


def test_without_a_budget_a_rule_has_no_limit_but_one_try_s():
    assert budget.current() is None
    with budget.limited_time(None) as spent:
        assert spent.timeout("r", guarded="why") == budget.MAX_CALL and spent.timeout("r", guarded="") is None
        spent.ran_out("r", 1.0)
        assert spent.timeout("r", guarded="") == 0
    assert budget.current() is None


def test_the_command_line_cuts_a_catastrophic_rule_off_and_writes_every_other_fact(tmp_path):
    from typer.testing import CliRunner

    from factx.commands import app

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.toml").write_text(
        f"[[rule]]\nid = 'percent.catastrophic'\ndoc = 'd'\npriority = 1\npattern = '''{CATASTROPHIC}'''\n")
    docs = tmp_path / "docs.jsonl"
    docs.write_text("\n".join(json.dumps({"id": f"d{i}", "text": text}) for i, text in enumerate(
        ["a" * 40 + "! then 5 pct", "rates rose 3 percent", "it fell 2%"])) + "\n")
    result = CliRunner().invoke(app, ["extract", str(docs), "--rules-dir", str(rules), "--doc-timeout", "0.5"])
    assert result.exit_code == 1
    assert [json.loads(line)["text"] for line in result.stdout.splitlines()] == ["5 pct", "3 percent", "2%"]
    assert "d0 percent.catastrophic: [FX304] rule cut off" in result.stderr


def test_rules_test_cuts_a_catastrophic_example_off_and_runs_the_others(tmp_path):
    from typer.testing import CliRunner

    from factx.commands import app

    path = tmp_path / "bad.toml"
    path.write_text(f"[[rule]]\nid = 'percent.catastrophic'\ndoc = 'd'\npriority = 1\npattern = '''{CATASTROPHIC}'''\n"
                    "[[rule.counterexample]]\ntext = '" + "a" * 40 + "!'\nwhy = 'no match'\n"
                    "[[rule.counterexample]]\ntext = 'nothing here'\nwhy = 'no a'\n")
    result = CliRunner().invoke(app, ["rules", "test", str(path)])
    assert result.exit_code == 3
    assert f"{path}:6 percent.catastrophic[cx0]: example percent.catastrophic: [FX304] rule cut off" in result.stderr
    assert "[cx1]" not in result.stderr
    assert result.stdout.strip() == "2 examples and counterexamples run, 1 failed"
