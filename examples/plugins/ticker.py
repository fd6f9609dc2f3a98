"""The `ticker` plugin: stock ticker mentions such as "(NYSE: IBM)" or "NYSE:GE".

An example of a third-party plugin: drop this file and `ticker.toml` into a
folder and run `factx extract --plugins-dir FOLDER ...`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import regex
from pydantic import Field

from factx import Candidate, Document, FactType, Rule, RuleSet, Value, hookimpl


class TickerValue(Value):
    """A listed security: its symbol on one exchange."""

    symbol: str = Field(description="The ticker symbol as written: 'IBM', 'BRK.A', '0700'.")
    exchange: str = Field(description="The exchange's canonical name: 'NASDAQ' for 'Nasdaq', 'LSE' for 'LON'.")


@hookimpl
def factx_register_fact_types(register) -> None:
    register(FactType("ticker", TickerValue, "1.0.0", "A stock ticker symbol and the exchange it is listed on."))


@hookimpl
def factx_register_rule_paths(register) -> None:
    register(Path(__file__).with_suffix(".toml"))


@hookimpl
def factx_extract(document: Document, rules: RuleSet) -> list[Candidate]:
    def build(rule: Rule, m: regex.Match[str]) -> dict[str, Any]:
        return {"symbol": m["symbol"], "exchange": rules.lookup("EXCHANGE", m["exchange"])}

    return list(rules.candidates(document.text, build))
