"""Running rules' own examples and counterexamples against a whole engine."""
from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from factx.documents import Document
from factx.engine import Engine, Result
from factx.rule import Rule
from factx.rulefile import Counterexample, Example


@dataclass(frozen=True, slots=True)
class Case:
    """One example or counterexample of one rule; `id` reads like `percent.range[ex0]`."""

    id: str
    rule: Rule
    item: Example | Counterexample
    where: str = ""  # file:line of the example itself (default: the rule's)

    def __post_init__(self) -> None:
        if not self.where:
            object.__setattr__(self, "where", f"{self.rule.file}:{self.rule.line}")

    def run(self, engine: Engine) -> list[str]:
        """What is wrong, one message each; empty when the case passes."""
        if isinstance(self.item, Counterexample):
            return _check_counterexample(engine, self.rule, self.item)
        return _check_example(engine, self.rule, self.item)


def cases(engine: Engine, rule_files: set[str] | None = None) -> Iterator[Case]:
    """Every case of every loaded rule, or of the rules defined in `rule_files`."""
    for rule in engine.rulebook.rules:
        if rule_files is not None and rule.file not in rule_files:
            continue
        for i, example in enumerate(rule.examples):
            yield Case(f"{rule.id}[ex{i}]", rule, example, _at(rule.example_lines, i))
        for i, counter in enumerate(rule.counterexamples):
            yield Case(f"{rule.id}[cx{i}]", rule, counter, _at(rule.counterexample_lines, i))


def _at(lines: tuple[str, ...], index: int) -> str:
    return lines[index] if index < len(lines) else ""


def _run(engine: Engine, rule: Rule, item: Example | Counterexample) -> Result:
    doc = Document("example", item.text, item.reference_date)
    return engine.process(doc, types=[rule.fact_type], reference_date="none")


def _check_example(engine: Engine, rule: Rule, example: Example) -> list[str]:
    result = _run(engine, rule, example)
    problems = [str(p) for p in result.problems]
    if not rule.emit:
        span = _span(example.text, example.match or example.text)
        held = [d for d in result.decisions if d.won and d.candidate.rule is rule
                and (d.candidate.start, d.candidate.end) == span]
        if not held:
            problems.append(f"blocker did not hold {example.match or example.text!r}")
        problems += [f"fact {f.text!r} inside the blocked span" for f in result.facts
                     if f.start < span[1] and span[0] < f.end]
        return problems
    expected = example.expected()
    found = result.facts
    if len(found) != len(expected):
        got = ", ".join(f"{f.text!r} ({f.rule})" for f in found) or "nothing"
        return [*problems, f"expected {len(expected)} fact(s), found {got}"]
    for want, fact in zip(expected, found):
        if fact.text != want.match:
            problems.append(f"expected {want.match!r}, found {fact.text!r} ({fact.rule})")
        elif fact.rule != rule.id:
            problems.append(f"{fact.text!r} was found by {fact.rule}, not by this rule")
        elif want.value is not None and not _agrees(want.value, fact.value.model_dump()):
            problems.append(f"{fact.text!r}: expected value {want.value}, found {fact.value.model_dump(exclude_none=True)}")
    return problems


def _check_counterexample(engine: Engine, rule: Rule, counter: Counterexample) -> list[str]:
    result = _run(engine, rule, counter)
    facts = result.facts
    if counter.match is not None:
        start, end = _span(counter.text, counter.match)
        facts = [f for f in facts if f.start < end and start < f.end]
    return [str(p) for p in result.problems] + [
        f"found {f.text!r} ({f.rule}), but: {counter.why}" for f in facts
    ]


def _agrees(expected: dict, actual: dict) -> bool:
    """Every expected field equal: numbers within 1e-9 relative, everything else exactly."""
    for key, want in expected.items():
        got = actual.get(key)
        if isinstance(want, int | float) and not isinstance(want, bool) and isinstance(got, int | float):
            if not math.isclose(want, got, rel_tol=1e-9, abs_tol=1e-12):
                return False
        elif want != got:
            return False
    return True


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.find(part)
    return (start, start + len(part)) if start >= 0 else (-1, -1)
