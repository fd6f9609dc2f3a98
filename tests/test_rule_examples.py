"""Every example and counterexample of every built-in rule, one test each."""
import pytest

from factx import Engine
from factx.ruletest import cases

ENGINE = Engine(load_entrypoints=False)
CASES = list(cases(ENGINE))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_case(case):
    assert case.run(ENGINE) == []


def test_every_emitting_rule_has_examples_and_counterexamples():
    for rule in ENGINE.rulebook.rules:
        assert rule.examples, f"{rule.id} has no example"
        if rule.emit:
            assert rule.counterexamples, f"{rule.id} has no counterexample"


def test_a_wrong_expectation_fails(engine):
    """The runner is not vacuous: an example expecting the wrong value or span fails."""
    from factx.rulefile import Example
    from factx.ruletest import Case

    rule = next(r for r in engine.rulebook.rules if r.id == "percent.number_unit")
    assert Case("x", rule, Example(text="15 percent", value={"value": 16})).run(engine)
    assert Case("x", rule, Example(text="rose 15 percent", match="rose 15 percent")).run(engine)
    assert Case("x", rule, Example(text="no number here")).run(engine)
