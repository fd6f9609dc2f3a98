"""The rule file format: TOML parsed into validated specs, with line numbers for errors."""
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


class RuleFileSpec(_Spec):
    """A whole rule file."""

    macros: dict[str, str] = {}
    lists: dict[str, dict[str, str | int | float | bool]] = {}
    rule: list[RuleSpec] = []


@dataclass
class ParsedFile:
    """A rule file's spec with where each part stands in the file."""

    path: str
    spec: RuleFileSpec
    rule_lines: list[int] = field(default_factory=list)
    pattern_lines: list[int] = field(default_factory=list)
    name_lines: dict[str, int] = field(default_factory=dict)

    def rule_line(self, index: int) -> int:
        return self.rule_lines[index] if index < len(self.rule_lines) else 0

    def pattern_line(self, index: int) -> int:
        return self.pattern_lines[index] if index < len(self.pattern_lines) else self.rule_line(index)


_RULE_HEADER = patterncache.compile(r"^\s*\[\[\s*rule\s*\]\]\s*(?:#.*)?$")
_PATTERN_KEY = patterncache.compile(r"^\s*pattern\s*=")
_NAME_KEY = patterncache.compile(r"""^\s*["']?([A-Z][A-Z0-9_]*)["']?\s*=""")
_LIST_HEADER = patterncache.compile(r"""^\s*\[\s*lists\s*\.\s*["']?([A-Z][A-Z0-9_]*)["']?\s*\]""")


def _read_toml(text: str) -> tuple[dict[str, Any], tuple]:
    """The TOML data and the lines of its parts: what parsing a rule file costs (kept on disk)."""
    data = tomllib.loads(text)
    located = ParsedFile("", RuleFileSpec())
    _locate(located, text)
    return data, (located.rule_lines, located.pattern_lines, located.name_lines)


def _locate(parsed: ParsedFile, text: str) -> None:
    """Find the 1-based lines of rules, patterns, macros and lists by scanning the text."""
    in_macros = False
    for n, line in enumerate(text.splitlines(), 1):
        if _RULE_HEADER.match(line):
            parsed.rule_lines.append(n)
            in_macros = False
        elif _PATTERN_KEY.match(line) and len(parsed.pattern_lines) < len(parsed.rule_lines):
            parsed.pattern_lines.append(n)
        elif m := _LIST_HEADER.match(line):
            parsed.name_lines.setdefault(m.group(1), n)
            in_macros = False
        elif line.strip().startswith("["):
            in_macros = line.strip().replace(" ", "") == "[macros]"
        elif in_macros and (m := _NAME_KEY.match(line)):
            parsed.name_lines.setdefault(m.group(1), n)


# Keys of the old matching core, which found where to try rules by hand-written triggers.
_RETIRED = ("trigger", "trigger_words", "window", "anchored")


def _line_of(lines: list[str], key: str) -> int:
    return next((n for n, line in enumerate(lines, 1) if regex.match(rf"\s*{key}\s*=", line)), 0)


def _rule_index_of(loc: tuple) -> int | None:
    if len(loc) >= 2 and loc[0] == "rule" and isinstance(loc[1], int):
        return loc[1]
    return None


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


def parse_rule_file(path: Path, display: str) -> tuple[ParsedFile | None, list[Problem]]:
    """Read and validate one rule file; on failure return the problems instead."""
    try:
        text = _read_rule_text(path)
    except (OSError, UnicodeDecodeError) as e:
        return None, [Problem("FX108", f"cannot read rule file: {e}", display)]
    try:
        data, located = stored.by_content("rulefiles", text, lambda: _read_toml(text))
    except tomllib.TOMLDecodeError as e:
        line = regex.search(r"at line (\d+)", str(e))
        where = f"{display}:{line.group(1)}" if line else display
        return None, [Problem("FX100", f"invalid TOML: {e}", where)]
    placeholder = ParsedFile(display, RuleFileSpec(), *located)
    retired = [key for key in _RETIRED if key in data]
    if retired:
        lines = text.splitlines()
        return None, [Problem("FX106", f"`{key}` is no longer read: rules are tried wherever their pattern can "
                                       "match, so remove it", f"{display}:{_line_of(lines, key)}") for key in retired]
    try:
        spec = RuleFileSpec.model_validate(data)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            loc = err["loc"]
            index = _rule_index_of(loc)
            rule_id = ""
            if index is not None:
                raw = data.get("rule", [])[index] if isinstance(data.get("rule"), list) else {}
                rule_id = raw.get("id", "") if isinstance(raw, dict) else ""
            line = placeholder.rule_line(index) if index is not None else 0
            where = f"{display}:{line}" if line else display
            field_path = ".".join(str(p) for p in loc)
            problems.append(Problem("FX106", f"{field_path}: {err['msg']}", where, str(rule_id)))
        return None, problems
    placeholder.spec = spec
    problems = [
        Problem("FX106", f"name {name!r} must be UPPER_CASE", f"{display}:{placeholder.name_lines.get(name, 0)}")
        for name in [*spec.macros, *spec.lists]
        if not regex.match(NAME, name)
    ]
    return (None if problems else placeholder), problems
