"""What plugins hand to the engine: candidate matches and the facts they would yield."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import regex

    from factx.rule import Rule


@dataclass(slots=True)
class Draft:
    """A fact before validation: a span of the document and its value.

    `confidence` defaults to the rule's.
    """

    start: int
    end: int
    value: dict[str, Any]
    confidence: float | None = None


@dataclass(slots=True)
class Candidate:
    """One match competing for its span; it yields its drafts only if it wins.

    `rule` is a loaded `Rule`, or for a plugin without rule files a rule id
    `"<fact_type>.<name>"` with `priority` given here. A candidate without
    drafts is a blocker: when it wins, nothing overlapping it is emitted.
    """

    start: int
    end: int
    rule: Rule | str
    drafts: tuple[Draft, ...] = ()
    priority: int = 0

    @property
    def rule_id(self) -> str:
        return self.rule if isinstance(self.rule, str) else self.rule.id

    @property
    def rank_priority(self) -> int:
        return self.priority if isinstance(self.rule, str) else self.rule.priority


def range_drafts(match: regex.Match[str], low: dict[str, Any], high: dict[str, Any]) -> tuple[Draft, Draft]:
    """The two bounds of a range matched with groups `low` and `high`.

    The first bound spans group `low`; the second runs from group `high` to
    the end of the match. Both values get their `range` role and a shared
    `range_id`.
    """
    rid = match.start()
    return (
        Draft(match.start("low"), match.end("low"), {**low, "range": "from", "range_id": rid}),
        Draft(match.start("high"), match.end(), {**high, "range": "to", "range_id": rid}),
    )
