"""Compile rule files into rules: macros and word lists expanded, patterns compiled once."""
from __future__ import annotations

import difflib
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import regex
from pydantic import ValidationError

from factx import patterncache, stored
from factx.candidates import Candidate, Draft
from factx.errors import Problem, RuleError
from factx.rule import Rule
from factx.rulefile import ParsedFile, ParsedRule, RuleOverride, RuleSpec, parse_rule_file

if TYPE_CHECKING:
    from factx.matching import Matcher

# `{NAME}`, or `{LIST|LIST...}` (any entry of several word lists), but not an escaped brace
# nor a property such as `\p{L}` or `\N{EURO SIGN}`.
_REF = patterncache.compile(r"(?<!\\|\\[pPN])\{([A-Z][A-Z0-9_]*(?:\|[A-Z][A-Z0-9_]*)*)\}")

Build = Callable[["Rule", "regex.Match[str]"], "dict[str, Any] | Iterable[Draft] | None"]


# A pattern that opens with inline flags including `r`: the regex engine reads it backwards.
_BACKWARD = patterncache.compile(r"\(\?[a-zA-Z]*r[a-zA-Z]*\)")

_JOINER = patterncache.compile(r"(?<=\w)[\s\-]+(?=\w)")


@lru_cache(maxsize=8192)  # the same few surfaces ("mln", "dlrs", "minister") are looked up again and again
def normalize_key(text: str) -> str:
    """The form in which word lists are looked up: case-folded, spaces and hyphens between words as one space."""
    return " ".join(_JOINER.sub(" ", text.casefold()).split())


_SEPARATOR = r"[\s\-]+"

# Bounds on what a rule file may expand to (the built-in rules reach depth 3 and 36,000 characters).
MAX_MACRO_DEPTH = 64
MAX_EXPANDED = 1_000_000  # characters of one macro or pattern with every {NAME} replaced


def list_pattern(keys: Iterable[str], from_end: bool = False) -> str:
    """A pattern matching any key case-insensitively, longer keys first; spaces or
    hyphens between words match any run of spaces or hyphens.

    The keys are laid out as a trie, each shared prefix written once: the regex
    engine tries alternatives one at a time, so a flat alternation of N keys costs
    N attempts wherever it is tried, and a trie one per distinct next character.
    A key's continuations are tried before the key itself, as longer keys are
    before shorter ones in a flat longest-first alternation. `from_end` lays the
    trie out by shared endings instead, for patterns read backwards (`(?r)`).
    """
    root: dict[str, dict] = {}
    for key in keys:
        node = root
        atoms = list(_atoms(key))
        for atom in reversed(atoms) if from_end else atoms:
            node = node.setdefault(atom, {})
        node[""] = {}
    return f"(?i:{_trie_pattern(root, from_end)})"


def _atoms(key: str) -> Iterator[str]:
    for i, word in enumerate(_JOINER.sub(" ", key).split()):
        if i:
            yield _SEPARATOR
        for char in word:
            lower = char.lower()
            yield regex.escape(lower if len(lower) == 1 else char)


def _trie_pattern(node: dict[str, dict], from_end: bool = False) -> str:
    branches = [_trie_pattern(child, True) + atom if from_end else atom + _trie_pattern(child)
                for atom, child in node.items() if atom]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


@dataclass(frozen=True, slots=True)
class RuleSource:
    """A rule file or folder to load, in `layer` order.

    Names and rule ids must be unique across sources, except that a source
    that `overrides` (a user's rules folder) replaces what earlier layers define.
    """

    path: Path | Traversable
    display: str
    layer: int
    overrides: bool = False


class RuleSet:
    """The rules of one fact type, with the shared word lists, and the matcher that finds them."""

    def __init__(self, fact_type: str, rules: tuple[Rule, ...], lists: Mapping[str, Mapping[str, Any]],
                 matcher: Matcher):
        self.fact_type = fact_type
        self.rules = rules
        self.lists = lists
        self.matcher = matcher

    def __len__(self) -> int:
        return len(self.rules)

    def lookup(self, list_name: str, surface: str) -> Any:
        """The value a word list gives `surface` (case and spacing ignored); KeyError if absent."""
        return self.lists[list_name][normalize_key(surface)]

    def matches(self, text: str) -> Iterator[tuple[Rule, regex.Match[str]]]:
        """Every rule's matches, rule by rule, each rule's as `finditer` finds them (`factx.matching`)."""
        for rule, search in self.matcher.searchers(text, self.rules):
            pos = _first_position(rule, text)
            while (m := search(pos)) is not None:
                yield rule, m
                pos = _next_position(rule, m, rejected=False)

    def candidates(self, text: str, build: Build) -> Iterator[Candidate]:
        """Turn matches into candidates with `build(rule, match)`.

        `build` returns a value (one fact spanning the match), drafts (e.g. the
        two bounds of a range, or a fact spanning less than the match), or None
        to reject the match: the rule's next match is then looked for from just
        after its start, so that a rejected match hides no other. A candidate
        spans its drafts. Blocker rules (`emit = false`) never reach `build`.
        """
        for rule, search in self.matcher.searchers(text, self.rules):
            pos = _first_position(rule, text)
            while (m := search(pos)) is not None:
                if not rule.emit:
                    candidate = Candidate(m.start(), m.end(), rule)
                else:
                    built = build(rule, m)
                    drafts = (Draft(m.start(), m.end(), built),) if isinstance(built, dict) else tuple(built or ())
                    candidate = drafts and Candidate(min(d.start for d in drafts), max(d.end for d in drafts), rule, drafts)
                if candidate:
                    yield candidate
                pos = _next_position(rule, m, rejected=not candidate)


def _first_position(rule: Rule, text: str) -> int:
    return len(text) if rule.backward else 0


def _next_position(rule: Rule, m: regex.Match[str], rejected: bool) -> int:
    """Where to look for a rule's next match: past this one, or, if it was rejected, just past its start."""
    if rule.backward:
        return m.end() - 1 if rejected else m.start()
    return m.start() + 1 if rejected else m.end()


@dataclass(frozen=True, slots=True)
class Name:
    """A macro or word list, which every rule file may use as `{NAME}`: where it is defined, and its doc
    (the comment lines just above it)."""

    name: str
    kind: str  # "macro" or "list"
    file: str
    line: int
    doc: str
    definition: str  # a macro's pattern, or a list's entries joined with " | "


class RuleBook:
    """Every loaded rule, by fact type, with the shared macros and word lists."""

    def __init__(self, rules: list[Rule], lists: dict[str, dict[str, Any]], files: list[str],
                 names: dict[str, Name] | None = None):
        self.rules = rules
        self.lists = lists
        self.files = files
        self.names = names or {}

    def fact_types(self) -> set[str]:
        return {rule.fact_type for rule in self.rules}

    def for_type(self, fact_type: str, matcher: Matcher) -> RuleSet:
        """The rules of one fact type, in load order, matched by `matcher`."""
        rules = tuple(rule for rule in self.rules if rule.fact_type == fact_type)
        return RuleSet(fact_type, rules, self.lists, matcher)


def _files_of(source: RuleSource) -> list[tuple[Path | Traversable, str]]:
    path = source.path
    if path.is_dir():
        children = sorted((c for c in path.iterdir() if c.name.endswith(".toml")), key=lambda c: c.name)
        return [(c, f"{source.display.rstrip('/')}/{c.name}") for c in children]
    return [(path, source.display)]


class _Compiler:
    """Expands `{NAME}` references and compiles patterns, collecting problems."""

    def __init__(self) -> None:
        self.definitions: dict[str, tuple[str, str, int, int]] = {}  # name -> pattern, file, line, layer
        self.override_layers: set[int] = set()
        self.lists: dict[str, dict[str, Any]] = {}
        self.list_keys: dict[str, list[str]] = {}
        self.problems: list[Problem] = []
        self._expanded: dict[tuple[str, bool], str] = {}  # (name, read backwards) -> pattern
        self._depths: dict[str, int] = {}  # macro name -> how deep macros nest in it (one that uses none: 1)
        self._crossings: dict[str, str] = {}  # macro too deep -> the macro within it that crosses the bound

    def define(self, name: str, pattern: str, where: str, line: int, layer: int) -> None:
        previous = self.definitions.get(name)
        if previous and (previous[3] == layer or layer not in self.override_layers):
            self.problems.append(Problem(
                "FX104", f"{name} is already defined at {previous[1]}:{previous[2]}", f"{where}:{line}"))
            return
        self.definitions[name] = (pattern, where, line, layer)
        self.list_keys.pop(name, None)  # a macro may override a list: add_list records it again

    def add_list(self, name: str, entries: dict[str, Any], where: str, line: int, layer: int) -> None:
        keys = list(entries)
        self.define(name, stored.by_content("lists", "\0".join(keys), lambda: list_pattern(keys)), where, line, layer)
        self.lists[name] = {normalize_key(k): v for k, v in entries.items()}
        self.list_keys[name] = keys

    def union_keys(self, names: str) -> list[str]:
        """The entries of the word lists `A|B|...`, each once, in order."""
        return list(dict.fromkeys(key for name in names.split("|") for key in self.list_keys[name]))

    def expand(self, pattern: str, stack: tuple[str, ...] = (), backward: bool = False) -> str:
        """Replace every `{NAME}` by its definition, and every `{LIST|LIST...}` by one pattern
        matching any entry of those lists; raise _UndefinedError or _CycleError. Where the
        regex engine reads backwards (a `backward` pattern, a lookbehind), word lists are laid
        out by their endings."""

        backwards = _backward_at(pattern, backward)

        def substitute(m: regex.Match[str]) -> str:
            name, backward = m.group(1), backwards(m.start())
            if (name, backward) in self._expanded:
                return self._expanded[name, backward]
            if "|" in name or (backward and name in self.list_keys):
                undefined = [part for part in name.split("|") if part not in self.list_keys]
                if undefined:
                    raise _UndefinedError(undefined[0], "list")
                keys = self.union_keys(name)
                kind = "lists_from_end" if backward else "lists"
                found = stored.by_content(kind, "\0".join(keys), lambda: list_pattern(keys, backward))
            elif name in stack:
                raise _CycleError(" -> ".join([*stack, name]))
            elif name not in self.definitions:
                raise _UndefinedError(name)
            elif self._depth(name) > MAX_MACRO_DEPTH:
                crossing = self._crossings[name]
                raise _BoundError(f"{{{crossing}}} nests macros more than {MAX_MACRO_DEPTH} deep", crossing)
            else:
                found = self.expand(self.definitions[name][0], (*stack, name), backward)
            self._expanded[name, backward] = f"(?:{found})"
            return self._expanded[name, backward]

        expanded = _REF.sub(substitute, pattern)
        if len(expanded) > MAX_EXPANDED:
            what = f"{{{stack[-1]}}}" if stack else "the pattern"
            raise _BoundError(f"{what} expands to {len(expanded):,} characters, more than {MAX_EXPANDED:,}",
                              stack[-1] if stack else "")
        return expanded

    def _uses(self, name: str) -> list[str]:
        """The macros a macro's definition names (a word list names none)."""
        if name in self.list_keys or name not in self.definitions:
            return []
        return [m.group(1) for m in _REF.finditer(self.definitions[name][0]) if "|" not in m.group(1)]

    def _depth(self, name: str) -> int:
        """How deep macros nest in `name` (1 for one that uses none), found without recursion, so
        that a chain of any length is measured before it is expanded; a cycle is `expand`'s to report."""
        path, todo = {name}, [(name, iter(self._uses(name)))]
        while todo and name not in self._depths:
            current, uses = todo[-1]
            for used in uses:
                if used not in self._depths and used not in path:
                    path.add(used)
                    todo.append((used, iter(self._uses(used))))
                    break
            else:
                todo.pop()
                path.discard(current)
                used = self._uses(current)
                self._depths[current] = depth = 1 + max((self._depths.get(u, 0) for u in used), default=0)
                if depth > MAX_MACRO_DEPTH:  # the macro that crosses the bound is reported, not those above it
                    self._crossings[current] = next((self._crossings[u] for u in used if u in self._crossings), current)
        return self._depths[name]

    def checked_expand(self, pattern: str, where: str, rule_id: str = "") -> str | None:
        """`expand`, recording an undefined name, a cycle or a bound crossed as a problem."""
        try:
            return self.expand(pattern, backward=bool(_BACKWARD.match(pattern)))
        except _UndefinedError as e:
            self.problems.append(Problem("FX102", f"{{{e.name}}} is not a defined {e.what}", where, rule_id))
        except _CycleError as e:
            self.problems.append(Problem("FX103", f"macro cycle {e.args[0]}", where, rule_id))
        except _BoundError as e:
            # Reported once, at the macro at fault, rather than at every macro and rule that uses it.
            problem = Problem("FX110", str(e), *((f"{self.definitions[e.name][1]}:{self.definitions[e.name][2]}", "")
                                                  if e.name else (where, rule_id)))
            if problem not in self.problems:
                self.problems.append(problem)
        return None

    def compile(self, pattern: str, where: str, rule_id: str = "") -> regex.Pattern[str] | None:
        """`pattern` expanded and compiled; None, with the problem recorded, if it fails.

        `where` is the file:line of the pattern's first character. A regex error is
        located in `pattern` itself (its line, and its position there) and, where it
        lies in a macro, in that macro too, not in the expanded pattern.
        """
        expanded = self.checked_expand(pattern, where, rule_id)
        if expanded is None:
            return None
        try:
            return patterncache.compile(expanded)
        except regex.error as e:
            self.problems.append(self._regex_problem(e, pattern, e.pos, where, rule_id, "the pattern"))
            return None

    def compile_macro(self, name: str) -> None:
        """Compile a macro on its own, recording a regex error located in the macro's own text."""
        pattern, file, line, _ = self.definitions[name]
        try:
            patterncache.compile(self.expand("{" + name + "}"))
        except regex.error as e:
            pos = None if e.pos is None else max(e.pos - 3, 0)  # the expansion is "(?:...)" around the macro's
            self.problems.append(self._regex_problem(e, pattern, pos, f"{file}:{line}", "", f"{{{name}}}"))

    def _regex_problem(self, error: regex.error, pattern: str, pos: int | None, where: str, rule_id: str,
                       what: str) -> Problem:
        if pos is None:
            return Problem("FX101", f"regex error: {error}", where, rule_id)
        chain, at, used_at = self.origin(pattern, pos, bool(_BACKWARD.match(pattern)))
        file, _, line = where.rpartition(":")
        if line.isdigit() and file:
            lines_before = pattern.count("\n", 0, used_at)
            where = f"{file}:{int(line) + lines_before}"
        if not chain:
            broken = [f"{{{name}}} ({self.definitions[name][1]}:{self.definitions[name][2]})"
                      for name in dict.fromkeys(m.group(1) for m in _REF.finditer(pattern)) if not self._compiles(name)]
            hint = f"; it uses {', '.join(broken)}, which does not compile on its own" if broken else ""
            return Problem("FX101", f"regex error: {error.msg} at position {at} of {what}{hint}", where, rule_id)
        inner = chain[-1]
        defined = self.definitions.get(inner)
        source = f" ({defined[1]}:{defined[2]})" if defined else ""
        through = "".join(f", inside {{{name}}}" for name in reversed(chain[:-1]))
        return Problem("FX101", f"regex error: {error.msg} at position {at} of {{{inner}}}{source}{through}, "
                                f"which {what} uses at position {used_at}", where, rule_id)

    def _compiles(self, name: str) -> bool:
        """Whether a macro compiles on its own (a word list always does; so does what cannot expand,
        which is reported as such)."""
        if name not in self.definitions or name in self.list_keys:
            return True
        try:
            patterncache.compile(self.expand("{" + name + "}"))
        except regex.error:
            return False
        except (_UndefinedError, _CycleError, _BoundError):
            pass  # reported as such
        return True

    def origin(self, pattern: str, pos: int, backward: bool = False) -> tuple[list[str], int, int]:
        """Where position `pos` of `pattern`'s expansion comes from: the macros it lies in (outermost
        first), its position in the innermost one's own text (or in `pattern`), and the position in
        `pattern` of the reference that brought it in (or `pos`'s own)."""
        backwards = _backward_at(pattern, backward)
        shift = 0  # how much longer the expansion is than `pattern`, up to here
        for m in _REF.finditer(pattern):
            start = m.start() + shift
            if pos < start:
                break
            name, inner_backward = m.group(1), backwards(m.start())
            piece = self._expanded.get((name, inner_backward), "")
            if pos < start + len(piece):
                inner = min(max(pos - start - 3, 0), len(piece) - 4)  # within the "(?:...)" around it
                if name in self.definitions and name not in self.list_keys:
                    chain, at, _ = self.origin(self.definitions[name][0], inner, inner_backward)
                    return [name, *chain], at, m.start()
                return [name], 0, m.start()
            shift += len(piece) - (m.end() - m.start())
        at = min(max(pos - shift, 0), len(pattern))
        return [], at, at


def _backward_at(pattern: str, backward: bool) -> Callable[[int], bool]:
    """Whether the regex engine reads `pattern` backwards at a position: inside a lookbehind,
    or outside any lookaround in a pattern read `backward`."""
    changes = [(0, backward)]  # (position, direction from there on), in order
    stack = [backward]
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":  # a class: its brackets and parentheses are characters
            i += 2 if pattern.startswith("[^", i) else 1
            i += 1 if pattern.startswith("]", i) else 0
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif char == "(":
            if pattern.startswith(("(?<=", "(?<!"), i):
                inner = True
            elif pattern.startswith(("(?=", "(?!"), i):
                inner = False
            else:
                inner = stack[-1]
            stack.append(inner)
            changes.append((i, inner))
        elif char == ")" and len(stack) > 1:
            stack.pop()
            changes.append((i, stack[-1]))
        i += 1
    starts = [at for at, _ in changes]
    return lambda at: changes[bisect_right(starts, at) - 1][1]


def _guarded(pattern: str) -> str:
    """Why a pattern is matched with a time limit (`syntax.guarded`); imported only for a pattern
    not met before, as the answer is kept on disk."""
    from factx.matching.charsets import first_chars
    from factx.matching.syntax import guarded

    return guarded(pattern, first_chars)


class _UndefinedError(Exception):
    def __init__(self, name: str, what: str = "macro or list"):
        super().__init__(name)
        self.name, self.what = name, what


class _CycleError(Exception):
    pass


class _BoundError(Exception):
    """A macro or pattern past MAX_MACRO_DEPTH or MAX_EXPANDED; `name` is the macro at fault, if one is."""

    def __init__(self, message: str, name: str = ""):
        super().__init__(message)
        self.name = name


@dataclass
class _Loaded:
    """A rule id as loaded so far: its spec, its compiled pattern and rule (None if disabled or broken)."""

    spec: RuleSpec
    layer: int
    rule: Rule | None
    pattern: regex.Pattern[str] | None
    example_lines: tuple[str, ...]
    counterexample_lines: tuple[str, ...]


def load_rulebook(sources: Iterable[RuleSource]) -> RuleBook:
    """Load, validate and compile rule files; raise RuleError listing every problem of every file."""
    compiler = _Compiler()
    parsed: list[tuple[ParsedFile, int]] = []
    files: list[str] = []
    for source in sources:
        if source.overrides:
            compiler.override_layers.add(source.layer)
        if not (source.path.is_file() or source.path.is_dir()):
            compiler.problems.append(Problem("FX108", "no such rule file or folder", source.display))
            continue
        for path, display in _files_of(source):
            result, problems = parse_rule_file(path, display, overrides=source.overrides)
            compiler.problems.extend(problems)
            if result is not None:
                parsed.append((result, source.layer))
                files.append(display)
    names: dict[str, Name] = {}
    for pf, layer in parsed:
        for name, pattern in pf.macros.items():
            compiler.define(name, pattern, pf.path, pf.name_lines.get(name, 0), layer)
            names[name] = Name(name, "macro", pf.path, pf.name_lines.get(name, 0), pf.name_docs.get(name, ""), pattern)
        for name, entries in pf.lists.items():
            compiler.add_list(name, entries, pf.path, pf.name_lines.get(name, 0), layer)
            names[name] = Name(name, "list", pf.path, pf.name_lines.get(name, 0), pf.name_docs.get(name, ""),
                               " | ".join(entries))
    # Every macro must expand, used or not; compiling each alone is left for when a pattern fails.
    expandable = [name for name, (_, where, line, _) in list(compiler.definitions.items())
                  if compiler.checked_expand("{" + name + "}", f"{where}:{line}") is not None]
    by_id: dict[str, _Loaded] = {}
    for pf, layer in parsed:
        for parsed_rule in pf.rules:
            loaded = _load_rule(compiler, pf, layer, parsed_rule, by_id)
            if loaded is not None:
                # Popping first keeps an override at the position of the file that defines it.
                by_id.pop(loaded.spec.id, None)
                by_id[loaded.spec.id] = loaded
        for rule_id, pattern, line in pf.raw_patterns:  # a malformed rule's pattern may have errors of its own
            compiler.compile(pattern, f"{pf.path}:{line}", rule_id)
    if any(p.code == "FX101" for p in compiler.problems):
        # Then compile each macro on its own, so that the error also points at the macro's line.
        for name in expandable:
            compiler.compile_macro(name)
    if compiler.problems:
        raise RuleError(compiler.problems)
    rules = [loaded.rule for loaded in by_id.values() if loaded.rule is not None]
    return RuleBook(_with_guards(rules), compiler.lists, files, names)


def _load_rule(compiler: _Compiler, pf: ParsedFile, layer: int, parsed: ParsedRule,
               by_id: dict[str, _Loaded]) -> _Loaded | None:
    """A rule of a file compiled, merged over the loaded rule it overrides if any; None if it is in error."""
    spec, line = parsed.spec, parsed.line
    previous = by_id.get(spec.id)
    overriding = layer in compiler.override_layers
    if previous and (previous.layer == layer or not overriding):
        first = previous.rule
        at = f" at {first.file}:{first.line}" if first else ""
        compiler.problems.append(Problem("FX105", f"rule id defined twice{at}", f"{pf.path}:{line}", spec.id))
        return None
    examples = tuple(f"{pf.path}:{n}" for n in parsed.example_lines)
    counterexamples = tuple(f"{pf.path}:{n}" for n in parsed.counterexample_lines)
    given = spec.model_dump(exclude_unset=True)
    if overriding and previous:  # only the fields given change
        try:
            spec = RuleSpec.model_validate({**previous.spec.model_dump(), **given})
        except ValidationError as e:
            compiler.problems.extend(Problem("FX106", f"{'.'.join(map(str, err['loc']))}: {err['msg']}",
                                             f"{pf.path}:{line}", spec.id) for err in e.errors())
            return None
        examples = examples if "example" in given else previous.example_lines
        counterexamples = counterexamples if "counterexample" in given else previous.counterexample_lines
    elif isinstance(spec, RuleOverride):
        known = sorted(by_id)
        close = difflib.get_close_matches(spec.id, known, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        missing = ", ".join(f for f in ("doc", "pattern", "priority") if f not in given)
        compiler.problems.append(Problem(
            "FX109", f"no loaded rule has this id{hint} (an override changes a loaded rule; a new rule needs "
                     f"{missing} too)", f"{pf.path}:{line}", spec.id))
        return None
    if "pattern" in given or previous is None or not overriding:
        pattern = compiler.compile(spec.pattern, f"{pf.path}:{parsed.pattern_line}", spec.id)
    else:
        pattern = previous.pattern
    rule = None
    if pattern is not None and spec.enabled:
        rule = Rule(spec.id, spec.doc, spec.priority, spec.confidence, spec.emit, pattern, pf.path, line,
                    tuple(spec.example), tuple(spec.counterexample), example_lines=examples,
                    counterexample_lines=counterexamples)
    return _Loaded(spec, layer, rule, pattern, examples, counterexamples)


def _with_guards(rules: list[Rule]) -> list[Rule]:
    """The rules, each with why it is matched under a time limit, if it is (`syntax.guarded`): kept
    on disk for the whole rule book, and for each pattern, as reading patterns takes a while."""
    patterns = [rule.pattern.pattern for rule in rules]
    risks = stored.by_content("guards", "\0".join(patterns), lambda: [
        stored.by_content("guarded", pattern, lambda pattern=pattern: _guarded(pattern)) for pattern in patterns])
    return [replace(rule, guarded=risk) if risk else rule for rule, risk in zip(rules, risks)]
