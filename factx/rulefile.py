"""The rule file format: TOML parsed into validated specs, with line numbers for errors.

Each `[[rule]]` is validated on its own, so that one malformed rule hides
neither the others nor its own pattern's regex errors. In a file of a user's
rules folder (`overrides`), a rule may give only its `id` and the fields it
changes of a loaded rule (a `RuleOverride`); the rule loader merges it.
"""
from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import regex
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from factx import patterncache, stored
from factx.errors import Problem

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

NAME = r"^[A-Z][A-Z0-9_]*$"
RULE_ID = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"
MAX_RULE_FILE_BYTES = 16 << 20  # the built-in rule files hold 50 KB at most


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExampleFact(_Spec):
    """One expected fact of an example: its text and, optionally, value fields."""

    match: str
    value: dict[str, Any] | None = None


class Example(_Spec):
    """A text in which the rule must find `match` (default: all of `text`), or `facts`."""

    text: str = Field(min_length=1)
    match: str | None = None
    value: dict[str, Any] | None = None
    facts: list[ExampleFact] | None = None
    reference_date: date | None = None

    def expected(self) -> list[ExampleFact]:
        """The facts this example expects, in order."""
        if self.facts is not None:
            return self.facts
        return [ExampleFact(match=self.match or self.text, value=self.value)]


class Counterexample(_Spec):
    """A text in which no fact of the rule's type may be found (or none overlapping `match`), and why."""

    text: str = Field(min_length=1)
    why: str = Field(min_length=1)
    match: str | None = None
    reference_date: date | None = None


class RuleSpec(_Spec):
    """One `[[rule]]` table."""

    id: str = Field(pattern=RULE_ID)
    doc: str = Field(min_length=1)
    pattern: str = Field(min_length=1)
    priority: int
    confidence: float = Field(default=0.9, ge=0, le=1)
    emit: bool = True
    enabled: bool = True
    example: list[Example] = []
    counterexample: list[Counterexample] = []

    @property
    def fact_type(self) -> str:
        return self.id.split(".", 1)[0]


class RuleOverride(_Spec):
    """A `[[rule]]` of a rules folder that changes some fields of a loaded rule: `id` and those fields."""

    id: str = Field(pattern=RULE_ID)
    doc: str | None = Field(default=None, min_length=1)
    pattern: str | None = Field(default=None, min_length=1)
    priority: int | None = None
    confidence: float | None = Field(default=None, ge=0, le=1)
    emit: bool | None = None
    enabled: bool | None = None
    example: list[Example] | None = None
    counterexample: list[Counterexample] | None = None

    def given(self) -> dict[str, Any]:
        """The fields the file gives, as data."""
        return self.model_dump(exclude_unset=True)


class _FileSpec(_Spec):
    """A whole rule file, its rules still raw: each is validated on its own."""

    macros: dict[str, str] = {}
    lists: dict[str, dict[str, str | int | float | bool]] = {}
    rule: list[dict[str, Any]] = []


@dataclass
class ParsedRule:
    """One `[[rule]]` of a file: its spec (or, in a rules folder, an override) and where its parts stand."""

    spec: RuleSpec | RuleOverride
    line: int  # of its `[[rule]]` header
    pattern_line: int  # of its pattern's first character
    example_lines: tuple[int, ...] = ()
    counterexample_lines: tuple[int, ...] = ()


@dataclass
class ParsedFile:
    """A rule file's macros, word lists and rules, with where each stands in the file.

    `rules` holds the rules that validated; `raw_patterns` the pattern of every
    rule that did not, so that its regex errors are found too.
    """

    path: str
    macros: dict[str, str] = field(default_factory=dict)
    lists: dict[str, dict[str, Any]] = field(default_factory=dict)
    rules: list[ParsedRule] = field(default_factory=list)
    raw_patterns: list[tuple[str, str, int]] = field(default_factory=list)  # (rule id, pattern, line)
    name_lines: dict[str, int] = field(default_factory=dict)
    name_docs: dict[str, str] = field(default_factory=dict)


@dataclass
class _Located:
    """The lines of a rule file's parts, found by scanning its text."""

    rule_lines: list[int] = field(default_factory=list)
    pattern_lines: dict[int, int] = field(default_factory=dict)  # rule index -> line of its pattern's start
    key_lines: dict[int, dict[str, int]] = field(default_factory=dict)  # rule index -> its keys' lines
    example_lines: dict[int, list[int]] = field(default_factory=dict)
    counterexample_lines: dict[int, list[int]] = field(default_factory=dict)
    name_lines: dict[str, int] = field(default_factory=dict)
    name_docs: dict[str, str] = field(default_factory=dict)

    def rule_line(self, index: int) -> int:
        return self.rule_lines[index] if index < len(self.rule_lines) else 0

    def key_line(self, index: int, key: str) -> int:
        return self.key_lines.get(index, {}).get(key) or self.rule_line(index)


_RULE_HEADER = patterncache.compile(r"^\s*\[\[\s*rule\s*\]\]\s*(?:#.*)?$")
_SUB_HEADER = patterncache.compile(r"^\s*\[\[\s*rule\s*\.\s*(example|counterexample)\s*\]\]\s*(?:#.*)?$")
_KEY = patterncache.compile(r"""^\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?\s*=""")
_NAME_KEY = patterncache.compile(r"""^\s*["']?([A-Z][A-Z0-9_]*)["']?\s*=""")
_LIST_HEADER = patterncache.compile(r"""^\s*\[\s*lists\s*\.\s*["']?([A-Z][A-Z0-9_]*)["']?\s*\]""")
_OPEN_MULTILINE = patterncache.compile(r"""=\s*(?:'''|\"\"\")\s*$""")


def _read_toml(text: str) -> tuple[dict[str, Any], _Located]:
    """The TOML data and the lines of its parts: what parsing a rule file costs (kept on disk)."""
    return tomllib.loads(text), _locate(text)


def _locate(text: str) -> _Located:
    """Find the 1-based lines of rules and their keys and examples, macros and lists, and the
    comment lines just above each macro or list (its doc), by scanning the text."""
    found = _Located()
    section = ""  # "macros", "rule", "sub" (an example table) or "" (anything else)
    comment: list[str] = []
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        index = len(found.rule_lines) - 1
        if stripped.startswith("#"):
            comment.append(stripped.lstrip("#").strip())
            continue
        doc, comment = " ".join(comment), []
        if _RULE_HEADER.match(line):
            found.rule_lines.append(n)
            section = "rule"
        elif (m := _SUB_HEADER.match(line)) and index >= 0:
            kind = found.example_lines if m.group(1) == "example" else found.counterexample_lines
            kind.setdefault(index, []).append(n)
            section = "sub"
        elif m := _LIST_HEADER.match(line):
            found.name_lines.setdefault(m.group(1), n)
            found.name_docs.setdefault(m.group(1), doc)
            section = ""
        elif stripped.startswith("["):
            section = "macros" if stripped.replace(" ", "") == "[macros]" else ""
        elif section == "macros" and (m := _NAME_KEY.match(line)):
            found.name_lines.setdefault(m.group(1), n)
            found.name_docs.setdefault(m.group(1), doc)
        elif section == "rule" and (m := _KEY.match(line)):
            found.key_lines.setdefault(index, {}).setdefault(m.group(1), n)
            if m.group(1) == "pattern":
                # A multi-line string that opens at the end of its line starts on the next one.
                found.pattern_lines[index] = n + 1 if _OPEN_MULTILINE.search(line) else n
    return found


# Keys of the old matching core, which found where to try rules by hand-written triggers.
_RETIRED = ("trigger", "trigger_words", "window", "anchored")


def _line_of(lines: list[str], key: str) -> int:
    return next((n for n, line in enumerate(lines, 1) if regex.match(rf"\s*{regex.escape(key)}\s*=", line)), 0)


def _where(display: str, line: int) -> str:
    return f"{display}:{line}" if line else display


def _read_rule_text(path: Path | Traversable) -> str:
    """The text of a rule file on disk: a regular file of at most MAX_RULE_FILE_BYTES (OSError if not).

    A FIFO would never answer and a device such as /dev/zero never end;
    neither is opened for reading. Files inside the package are read as they are.
    """
    if not isinstance(path, os.PathLike):
        return path.read_text(encoding="utf-8")
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise OSError("not a regular file (a FIFO, a device or a socket)")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # no wait even if a FIFO took the file's place since
    with open(fd, encoding="utf-8") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError("not a regular file (a FIFO, a device or a socket)")
        text = f.read(MAX_RULE_FILE_BYTES + 1)
    if len(text) > MAX_RULE_FILE_BYTES:
        raise OSError(f"larger than {MAX_RULE_FILE_BYTES >> 20} MB, the most a rule file may hold")
    return text


def parse_rule_file(path: Path, display: str, overrides: bool = False) -> tuple[ParsedFile | None, list[Problem]]:
    """Read and validate one rule file: what validated, and every problem found.

    With `overrides` (a file of a user's rules folder), a rule may be a `RuleOverride`.
    The file is None when it cannot be read or parsed at all.
    """
    try:
        text = _read_rule_text(path)
    except (OSError, UnicodeDecodeError) as e:
        return None, [Problem("FX108", f"cannot read rule file: {e}", display)]
    try:
        data, located = stored.by_content("rulefiles", text, lambda: _read_toml(text))
    except tomllib.TOMLDecodeError as e:
        line = regex.search(r"at line (\d+)", str(e))
        return None, [Problem("FX100", f"invalid TOML: {e}", _where(display, int(line.group(1)) if line else 0))]
    except RecursionError:
        return None, [Problem("FX110", "arrays or tables nest too deep to read", display)]
    retired = [key for key in _RETIRED if key in data]
    if retired:
        lines = text.splitlines()
        return None, [Problem("FX106", f"`{key}` is no longer read: rules are tried wherever their pattern can "
                                       "match, so remove it", f"{display}:{_line_of(lines, key)}") for key in retired]
    try:
        spec = _FileSpec.model_validate(data)
    except ValidationError as e:
        lines = text.splitlines()
        return None, [Problem("FX106", f"{'.'.join(map(str, err['loc']))}: {err['msg']}",
                              _where(display, located.name_lines.get(str(err["loc"][1]), 0) if len(err["loc"]) > 1
                                     else _line_of(lines, str(err["loc"][0]))))
                      for err in e.errors()]
    parsed = ParsedFile(display, spec.macros, spec.lists, name_lines=located.name_lines, name_docs=located.name_docs)
    problems = [
        Problem("FX106", f"name {name!r} must be UPPER_CASE", f"{display}:{located.name_lines.get(name, 0)}")
        for name in [*spec.macros, *spec.lists]
        if not regex.match(NAME, name)
    ]
    for index, raw in enumerate(spec.rule):
        rule, rule_problems = _parse_rule(raw, index, located, display, overrides)
        problems += rule_problems
        if rule is not None:
            parsed.rules.append(rule)
        elif isinstance(raw.get("pattern"), str) and raw["pattern"]:
            rule_id = raw.get("id") if isinstance(raw.get("id"), str) else ""
            parsed.raw_patterns.append((rule_id, raw["pattern"], located.pattern_lines.get(index, located.rule_line(index))))
    return parsed, problems


def _parse_rule(raw: dict[str, Any], index: int, located: _Located, display: str,
                overrides: bool) -> tuple[ParsedRule | None, list[Problem]]:
    """One rule's spec, or the problems that keep it from being one, each at its key's line."""
    retired = [key for key in _RETIRED if key in raw]
    if retired:
        rule_id = raw.get("id") if isinstance(raw.get("id"), str) else ""
        return None, [Problem("FX106", f"rule.{index}.{key} is no longer read: rules are tried wherever their "
                                       "pattern can match, so remove it",
                              _where(display, located.key_line(index, key)), rule_id) for key in retired]
    try:
        spec: RuleSpec | RuleOverride = RuleSpec.model_validate(raw)
    except ValidationError as e:
        errors = e.errors()
        if overrides:  # a rule of a rules folder may give only some fields: the loader checks it overrides one
            try:
                spec = RuleOverride.model_validate(raw)
                errors = []
            except ValidationError as partial:
                errors = partial.errors()
        if errors:
            rule_id = raw.get("id") if isinstance(raw.get("id"), str) else ""
            return None, [Problem("FX106", f"rule.{index}.{'.'.join(map(str, err['loc']))}: {err['msg']}",
                                  _where(display, _error_line(located, index, err["loc"])), rule_id)
                          for err in errors]
    return ParsedRule(spec, located.rule_line(index), located.pattern_lines.get(index, located.rule_line(index)),
                      tuple(located.example_lines.get(index, ())),
                      tuple(located.counterexample_lines.get(index, ()))), []


def _error_line(located: _Located, index: int, loc: tuple) -> int:
    """The line a rule's schema error is about: its key's, its example's, else the rule's."""
    if len(loc) >= 2 and loc[0] in ("example", "counterexample") and isinstance(loc[1], int):
        lines = (located.example_lines if loc[0] == "example" else located.counterexample_lines).get(index, [])
        if loc[1] < len(lines):
            return lines[loc[1]]
    return located.key_line(index, str(loc[0])) if loc else located.rule_line(index)
