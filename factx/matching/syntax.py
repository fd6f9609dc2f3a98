"""Rule patterns read as a tree: what the matchers need to know of a `regex` pattern.

`parse` reads the syntax of the `regex` package (version 0, its default) into
a small tree. It knows what each part consumes and where repeats stand, not
how to match: matching is always `regex`'s own. What it does not know (fuzzy
matching, `\\X`, `\\K`, verbs, recursion, locale or full case folding) raises
`Unsupported`, with the reason; callers then treat the pattern as opaque.

Single characters (a literal, an escape such as `\\d` or `\\p{Lu}`, a class,
the dot) are kept as `Chars`: their source text and the flags in force, so
that the exact set of characters they match can be asked of `regex` itself.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

# Flags a single character depends on.
I, S, A, V1 = regex.IGNORECASE, regex.DOTALL, regex.ASCII, regex.VERSION1
_FLAG_LETTERS = {"i": I, "s": S, "a": A, "m": regex.MULTILINE, "x": regex.VERBOSE, "u": regex.UNICODE,
                 "w": regex.WORD, "r": regex.REVERSE, "b": regex.BESTMATCH, "e": regex.ENHANCEMATCH}
_UNSUPPORTED_FLAGS = {"f": "full case folding ((?f))", "L": "locale matching ((?L))", "p": "POSIX matching ((?p))"}
_CLASS_ESCAPES = set("dDwWsShHvV")  # \h and \v are not regex's, but reject them through regex itself
_ASSERT_ESCAPES = {"b", "B", "A", "Z", "G", "m", "M"}
_SIMPLE_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}


_FLAG_GROUP = regex.compile(r"\(\?([a-zA-Z01]*)(?:-([a-zA-Z]+))?\)")
_SCOPED_FLAGS = regex.compile(r"\(\?([a-zA-Z01]*)(?:-([a-zA-Z]+))?:")
_NAMED_GROUP = regex.compile(r"\(\?P?<([A-Za-z_]\w*)>|\(\?'([A-Za-z_]\w*)'")
_CALL = regex.compile(r"\(\?(?:&([A-Za-z_]\w*)|P>([A-Za-z_]\w*)|([+-]?\d+)|R)\)")
_NAMED_BACKREF = regex.compile(r"\(\?P=([A-Za-z_]\w*)\)")
_CONDITION = regex.compile(r"\(([A-Za-z_]\w*|\d+)\)")
_COUNT = regex.compile(r"\{(\d*)(?:(,)(\d*))?\}")
_FUZZY = regex.compile(r"\{\s*[eisd]\s*[<=]")
_POSIX = regex.compile(r"\[([:=])\^?\w+\1\]")
_PROPERTY = regex.compile(r"\{[^}]*\}|[A-Za-z]")
_BRACED = regex.compile(r"\{[^}]*\}")
_HEX = regex.compile(r"[0-9a-fA-F]{2}|\{[0-9a-fA-F]+\}")
_OCTAL = regex.compile(r"[0-7]{0,2}")
_DIGITS = regex.compile(r"\d*")
_ANGLED = regex.compile(r"<([^>]+)>")


class Unsupported(ValueError):
    """A construct the tree does not model; the message says which and where."""


@dataclass(frozen=True, slots=True)
class Chars:
    """One character out of a set: `source` is regex syntax matching exactly one character under `flags`."""

    source: str
    flags: int


@dataclass(frozen=True, slots=True)
class Seq:
    items: tuple


@dataclass(frozen=True, slots=True)
class Alt:
    options: tuple


@dataclass(frozen=True, slots=True)
class Repeat:
    """`item` from `low` to `high` times (None: no bound); `at` is where the quantifier stands in the pattern."""

    item: object
    low: int
    high: int | None
    mode: str  # "" greedy, "?" lazy, "+" possessive
    at: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Group:
    """A group; `name` is its name or number when it captures."""

    item: object
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Atomic:
    item: object


@dataclass(frozen=True, slots=True)
class Look:
    item: object
    behind: bool
    negative: bool


@dataclass(frozen=True, slots=True)
class Assert:
    """A zero-width test of the characters around a position: `\\b`, `^`, `$`..."""

    kind: str


@dataclass(frozen=True, slots=True)
class Backref:
    ref: str


@dataclass(frozen=True, slots=True)
class Call:
    """A call of a group's pattern: `(?&name)`, `(?1)`."""

    ref: str


@dataclass(frozen=True, slots=True)
class Cond:
    """`(?(test)yes|no)`: `test` is a group name or number, or a Look."""

    test: object
    yes: object
    no: object


EMPTY = Seq(())


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed pattern: its tree, its global flags, and its capturing groups by name and number."""

    tree: object
    flags: int
    groups: dict


def parse(pattern: str) -> Parsed:
    """Read a pattern of the `regex` package into a tree; raise Unsupported for what it does not model."""
    return _Parser(pattern).run()


class _Parser:
    def __init__(self, pattern: str):
        self.p = pattern
        self.i = 0
        self.groups: dict[str, object] = {}
        self.count = 0

    def fail(self, what: str, at: int | None = None) -> Unsupported:
        return Unsupported(f"{what} at position {self.i if at is None else at}")

    def run(self) -> Parsed:
        flags = self.leading_flags()
        tree = self.alternation(flags)
        if self.i < len(self.p):
            raise self.fail("unbalanced parenthesis")
        return Parsed(tree, flags, self.groups)

    def leading_flags(self) -> int:
        """Flags set at the very start, `(?i)(?r)...`: they hold for the whole pattern."""
        flags = 0
        while m := _FLAG_GROUP.match(self.p, self.i):
            flags = self.flag_letters(m.group(2) or "", self.flag_letters(m.group(1), flags), off=True)
            self.i = m.end()
        return flags

    def flag_letters(self, letters: str, flags: int, off: bool = False) -> int:
        i = 0
        while i < len(letters):
            c = letters[i]
            if c == "V" and letters[i + 1:i + 2] in ("0", "1"):
                flags = flags | V1 if letters[i + 1] == "1" else flags & ~V1
                i += 2
                continue
            if c in _UNSUPPORTED_FLAGS:
                raise self.fail(_UNSUPPORTED_FLAGS[c])
            if c not in _FLAG_LETTERS:
                raise self.fail(f"unknown flag {c!r}")
            flags = flags & ~_FLAG_LETTERS[c] if off else flags | _FLAG_LETTERS[c]
            i += 1
        return flags

    # -- structure --------------------------------------------------------------

    def alternation(self, flags: int):
        options = [self.sequence(flags)]
        while self.i < len(self.p) and self.p[self.i] == "|":
            self.i += 1
            options.append(self.sequence(flags))
        return options[0] if len(options) == 1 else Alt(tuple(options))

    def sequence(self, flags: int):
        items: list = []
        p = self.p
        while self.i < len(p) and p[self.i] not in "|)":
            if flags & regex.VERBOSE and self.skip_verbose():
                continue
            if p.startswith("(?", self.i) and (m := _FLAG_GROUP.match(p, self.i)):
                # `(?i)` inside the pattern: holds to the end of the enclosing group.
                if "r" in m.group(0):
                    raise self.fail("(?r) after the start of the pattern")
                flags = self.flag_letters(m.group(2) or "", self.flag_letters(m.group(1), flags), off=True)
                self.i = m.end()
                continue
            atom = self.atom(flags)
            if atom is None:
                continue
            items.append(self.quantified(atom, flags))
        return items[0] if len(items) == 1 else Seq(tuple(items))

    def skip_verbose(self) -> bool:
        c = self.p[self.i]
        if c.isspace():
            self.i += 1
            return True
        if c == "#":
            end = self.p.find("\n", self.i)
            self.i = len(self.p) if end < 0 else end + 1
            return True
        return False

    def quantified(self, atom, flags: int):
        p = self.p
        while self.i < len(p):
            if flags & regex.VERBOSE and p[self.i].isspace():
                self.i += 1
                continue
            start = self.i
            c = p[self.i]
            if c in "*+?":
                low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[c]
                self.i += 1
            elif c == "{" and (m := _COUNT.match(p, self.i)) and (m.group(1) or m.group(3)):
                low = int(m.group(1) or 0)
                high = None if m.group(2) and not m.group(3) else int(m.group(3) or m.group(1))
                self.i = m.end()
            elif c == "{" and _FUZZY.match(p, self.i):
                raise self.fail("fuzzy matching")
            else:
                return atom
            mode = ""
            if self.i < len(p) and p[self.i] in "?+":
                mode = p[self.i]
                self.i += 1
            atom = Repeat(atom, low, high, mode, (start, self.i))
        return atom

    def atom(self, flags: int):
        p, i = self.p, self.i
        c = p[i]
        if c == "(":
            return self.group(flags)
        if c == "[":
            end = self.class_end(i, flags)
            self.i = end
            return Chars(p[i:end], flags)
        if c == "\\":
            return self.escape(flags)
        self.i += 1
        if c == ".":
            return Chars(".", flags)
        if c in "^$":
            return Assert(c + ("m" if flags & regex.MULTILINE else ""))
        if c in "*+?":
            raise self.fail("nothing to repeat", i)
        return Chars(regex.escape(c), flags)

    def group(self, flags: int):
        p, start = self.p, self.i
        if p.startswith("(?#", start):
            end = p.find(")", start)
            if end < 0:
                raise self.fail("unterminated comment")
            self.i = end + 1
            return None
        if m := _NAMED_GROUP.match(p, start):
            self.count += 1
            name = m.group(1) or m.group(2)
            return self.finish_group(m.end(), flags, lambda item: Group(item, name), name, str(self.count))
        for opener, make in (("(?<=", lambda x: Look(x, True, False)), ("(?<!", lambda x: Look(x, True, True)),
                             ("(?=", lambda x: Look(x, False, False)), ("(?!", lambda x: Look(x, False, True)),
                             ("(?>", Atomic), ("(?:", lambda x: x)):
            if p.startswith(opener, start):
                return self.finish_group(start + len(opener), flags, make)
        if m := _SCOPED_FLAGS.match(p, start):
            if "r" in m.group(1) or "r" in (m.group(2) or ""):
                raise self.fail("a scoped (?r)")
            inner = self.flag_letters(m.group(2) or "", self.flag_letters(m.group(1), flags), off=True)
            return self.finish_group(m.end(), inner, lambda x: x)
        if m := _CALL.match(p, start):
            self.i = m.end()
            ref = m.group(1) or m.group(2) or m.group(3)
            if ref is None or ref.startswith(("+", "-")) or ref == "0":
                raise self.fail("a relative or whole-pattern call")
            return Call(ref)
        if m := _NAMED_BACKREF.match(p, start):
            self.i = m.end()
            return Backref(m.group(1))
        if p.startswith("(?(", start):
            return self.conditional(flags)
        if p.startswith("(?|", start):
            raise self.fail("a branch reset group")
        if p.startswith("(?", start):
            raise self.fail("an unknown group")
        self.count += 1
        number = str(self.count)
        return self.finish_group(start + 1, flags, lambda item: Group(item, number), number)

    def finish_group(self, inside: int, flags: int, make, *names: str):
        self.i = inside
        item = make(self.alternation(flags))
        if self.i >= len(self.p) or self.p[self.i] != ")":
            raise self.fail("missing )")
        self.i += 1
        for name in names:
            self.groups[name] = item
        return item

    def conditional(self, flags: int):
        self.i += 2  # "(?"
        if m := _CONDITION.match(self.p, self.i):
            test = m.group(1)
            self.i = m.end()
        elif self.p.startswith(("(?=", "(?!", "(?<=", "(?<!"), self.i):
            test = self.group(flags)
        else:
            raise self.fail("an unknown condition")
        yes = self.sequence(flags)
        no = EMPTY
        if self.i < len(self.p) and self.p[self.i] == "|":
            self.i += 1
            no = self.sequence(flags)
        if self.i >= len(self.p) or self.p[self.i] != ")":
            raise self.fail("a conditional with more than two branches")
        self.i += 1
        return Cond(test, yes, no)

    def class_end(self, start: int, flags: int) -> int:
        """Where the class opening at `start` ends (just past its `]`)."""
        p, i = self.p, start + 1
        if p.startswith("^", i):
            i += 1
        if p.startswith("]", i):
            i += 1
        depth = 1
        while i < len(p):
            c = p[i]
            if c == "\\":
                i += 2
                continue
            if c == "[" and p.startswith(("[:", "[="), i) and (m := _POSIX.match(p, i)):
                i = m.end()
                continue
            if c == "[" and flags & V1:
                depth += 1
                i += 2 if p.startswith("[^]", i) else 1
                continue
            if c == "]":
                depth -= 1
                if not depth:
                    return i + 1
            i += 1
        raise self.fail("unterminated character class", start)

    def escape(self, flags: int):
        p, start = self.p, self.i
        if start + 1 >= len(p):
            raise self.fail("a trailing backslash")
        c = p[start + 1]
        self.i = start + 2
        if c in _ASSERT_ESCAPES:
            return Assert("\\" + c)
        if c in "pP":
            m = _PROPERTY.match(p, self.i)
            if not m:
                raise self.fail("a bad property")
            self.i = m.end()
            return Chars(p[start:self.i], flags)
        if c == "N":
            m = _BRACED.match(p, self.i)
            if not m:
                raise self.fail("a bad \\N")
            self.i = m.end()
            return Chars(p[start:self.i], flags)
        if c in _CLASS_ESCAPES:
            return Chars(p[start:self.i], flags)
        if c == "x":
            m = _HEX.match(p, self.i)
            if not m:
                raise self.fail("a bad \\x escape")
            self.i = m.end()
            return Chars(p[start:self.i], flags)
        if c in "uU":
            n = 4 if c == "u" else 8
            if not regex.fullmatch(r"[0-9a-fA-F]+", p[self.i:self.i + n]) or len(p[self.i:self.i + n]) != n:
                raise self.fail(f"a bad \\{c} escape")
            self.i += n
            return Chars(p[start:self.i], flags)
        if c == "0":
            self.i = _OCTAL.match(p, self.i).end()
            return Chars(p[start:self.i], flags)
        if c.isdigit():
            self.i = _DIGITS.match(p, self.i).end()
            return Backref(p[start + 1:self.i])
        if c == "g":
            m = _ANGLED.match(p, self.i)
            if not m:
                raise self.fail("a bad \\g")
            self.i = m.end()
            return Backref(m.group(1))
        if c in _SIMPLE_ESCAPES:
            return Chars(p[start:self.i], flags)
        if c.isalnum():
            raise self.fail(f"the escape \\{c}")
        return Chars(p[start:self.i], flags)


def width(node, groups: dict, calling: tuple = ()) -> tuple[int, int | None]:
    """The fewest and most characters `node` consumes (None: no bound); lookarounds consume none."""
    if isinstance(node, Chars):
        return 1, 1
    if isinstance(node, Seq):
        low, high = 0, 0
        for item in node.items:
            a, b = width(item, groups, calling)
            low += a
            high = None if high is None or b is None else high + b
        return low, high
    if isinstance(node, Alt):
        widths = [width(option, groups, calling) for option in node.options]
        highs = [b for _, b in widths]
        return min(a for a, _ in widths), None if None in highs else max(highs)
    if isinstance(node, Repeat):
        a, b = width(node.item, groups, calling)
        high = None if node.high is None or b is None else b * node.high
        return a * node.low, 0 if b == 0 else high
    if isinstance(node, (Group, Atomic)):
        return width(node.item, groups, calling)
    if isinstance(node, Cond):
        return width(Alt((node.yes, node.no)), groups, calling)
    if isinstance(node, (Call, Backref)):
        if node.ref in calling or node.ref not in groups:
            return 0, None
        return width(groups[node.ref], groups, (*calling, node.ref))
    return 0, 0  # lookarounds and assertions
