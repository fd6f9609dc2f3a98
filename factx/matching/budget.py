"""Time budgets: how long the rules may take on one document.

The engine opens a budget for each document (`limited_time`); the matchers
look at it before each search. A rule whose pattern may backtrack without
end (`Rule.guarded`) is matched with `regex`'s own time limit, at most
`MAX_CALL` seconds a try; a rule that runs out of time on a document, or
finds the document's time gone, is cut off there: it gives no more matches
on that document, and the budget says which rules were cut off and why.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# One try of a guarded rule at one place; far more than any sound rule needs.
MAX_CALL = 1.0


class Budget:
    """The time left for one document, and the rules cut off on it (rule id -> why)."""

    def __init__(self, seconds: float | None, cut: dict[str, str] | None = None):
        self.deadline = None if seconds is None else time.monotonic() + seconds
        self.cut: dict[str, str] = dict(cut or {})

    def timeout(self, rule_id: str, guarded: bool) -> float | None:
        """The time limit for a rule's next try: None for no limit; 0 if it is cut off (or now is)."""
        if rule_id in self.cut:
            return 0.0
        if self.deadline is None:
            return MAX_CALL if guarded else None
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.cut[rule_id] = "the document's time ran out while it ran"
            return 0.0
        return min(left, MAX_CALL) if guarded else None

    def ran_out(self, rule_id: str, seconds: float) -> None:
        """Record that a try of the rule was stopped after `seconds`."""
        self.cut.setdefault(rule_id, f"one try of it took more than {seconds:.3g} s")


_current: ContextVar[Budget | None] = ContextVar("factx_budget", default=None)


def current() -> Budget | None:
    """The budget of the document being extracted in this context, if any."""
    return _current.get()


@contextmanager
def limited_time(seconds: float | None, cut: dict[str, str] | None = None) -> Iterator[Budget]:
    """A budget of `seconds` (None: no limit but a try's) for the document extracted inside,
    with the rules in `cut` cut off from the start."""
    budget = Budget(seconds, cut)
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)
