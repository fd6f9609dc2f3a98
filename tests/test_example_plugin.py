"""The example third-party plugin `examples/plugins/ticker.py`, loaded as users load it."""
import json
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factx import Document, Engine, FactType, Value, hookimpl
from factx.cli import app
from factx.ruletest import cases

ROOT = Path(__file__).resolve().parent.parent
PLUGINS = ROOT / "examples" / "plugins"
RULE_FILE = PLUGINS / "ticker.toml"
REPORT = ROOT / "examples" / "report.txt"

# The tickers written in examples/report.txt, with the exchange each must map to.
REPORT_TICKERS = {"NYSE: HRSC": ("HRSC", "NYSE"), "Nasdaq: CVNS": ("CVNS", "NASDAQ")}


@cache
def ticker_engine() -> Engine:
    return Engine(load_entrypoints=False, plugins_dirs=[PLUGINS])


def report() -> Document:
    return Document("report.txt", REPORT.read_text(encoding="utf-8"))


def words(text: str) -> str:
    return " ".join(text.split())


class NoteValue(Value):
    note: str


class Exploding:
    """A throwaway plugin whose extraction always raises."""

    name = "exploding"

    @hookimpl
    def factx_register_fact_types(self, register):
        register(FactType("note", NoteValue, "0"))

    @hookimpl
    def factx_extract(self, document, rules):
        raise RuntimeError("exploding on purpose")


def check_report_facts(doc: Document, facts: list[dict]) -> None:
    """The report's tickers and percentages are all there, with spans that fit the text."""
    for fact in facts:
        assert fact["text"] == doc.text[fact["start"]:fact["end"]]
    tickers = [f for f in facts if f["type"] == "ticker"]
    assert {f["text"]: (f["value"]["symbol"], f["value"]["exchange"]) for f in tickers} == REPORT_TICKERS
    for fact in tickers:
        assert fact["start"] == doc.text.index(fact["text"])
        assert fact["plugin"] == "ticker"
        assert fact["rule"] == "ticker.parenthesized"
        assert Path(fact["rule_file"]).name == "ticker.toml"
    percents = {words(f["text"]): f["value"] for f in facts if f["type"] == "percent"}
    assert percents["25 basis points"]["value"] == pytest.approx(0.25)
    assert percents["25 basis points"]["unit"] == "basis_point"
    assert percents["0.6 percentage points"]["unit"] == "percentage_point"
    assert percents["6.3 percent"]["value"] == pytest.approx(6.3)
    # "a 10-15% range": two bounds sharing one range id.
    low, high = percents["10"], percents["15%"]
    assert (low["range"], high["range"]) == ("from", "to")
    assert low["range_id"] == high["range_id"]


def test_plugin_loads_from_plugins_dir():
    engine = ticker_engine()
    info = engine.plugins["ticker"]
    assert info.source == "plugins dir"
    assert info.fact_type.name == "ticker"
    assert info.version == "1.0.0"
    assert info.rule_count == 2
    assert {"percent", "ticker"} <= set(engine.fact_types)


def test_report_gives_tickers_and_percentages():
    doc = report()
    result = ticker_engine().process(doc, reference_date="none")
    assert result.problems == []
    check_report_facts(doc, [f.model_dump(mode="json") for f in result.facts])


@pytest.mark.parametrize("text, match, symbol, exchange", [
    ("Vodafone (LON: VOD) fell", "LON: VOD", "VOD", "LSE"),
    ("shares of NYSE:GE fell", "NYSE:GE", "GE", "NYSE"),
    ("Samsung (KRX: 005930) rose", "KRX: 005930", "005930", "KRX"),
    ("a miner (OTCQX: ABCD) said", "OTCQX: ABCD", "ABCD", "OTC"),
])
def test_ticker_values(text, match, symbol, exchange):
    [fact] = ticker_engine().extract(text, types=["ticker"])
    assert (fact.text, fact.start) == (match, text.index(match))
    assert (fact.value.symbol, fact.value.exchange) == (symbol, exchange)


def test_schema_describes_ticker_value():
    schema = ticker_engine().schema("ticker")
    value = schema["$defs"]["TickerValue"]["properties"]
    assert set(value) == {"symbol", "exchange"}
    assert all(field.get("description") for field in value.values())


def ticker_cases():
    engine = ticker_engine()
    files = {f for f in engine.rulebook.files if Path(f).name == "ticker.toml"}
    return list(cases(engine, files))


def test_ticker_rules_have_examples_and_counterexamples():
    ids = [case.id for case in ticker_cases()]
    for rule in ("ticker.parenthesized", "ticker.compact"):
        assert any(i.startswith(f"{rule}[ex") for i in ids)
        assert any(i.startswith(f"{rule}[cx") for i in ids)


@pytest.mark.parametrize("case", ticker_cases(), ids=lambda case: case.id)
def test_ticker_rule_case(case):
    assert case.run(ticker_engine()) == []


def test_raising_plugin_does_not_stop_the_others():
    engine = Engine([Exploding()], load_entrypoints=False, plugins_dirs=[PLUGINS])
    doc = report()
    result = engine.process(doc, reference_date="none")
    assert [p.code for p in result.problems] == ["FX301"]
    assert '"exploding"' in result.problems[0].message
    assert "exploding on purpose" in result.problems[0].message
    assert result.problems[0].where == doc.id
    check_report_facts(doc, [f.model_dump(mode="json") for f in result.facts])


def test_cli_extract_with_plugins_dir():
    result = CliRunner().invoke(app, ["extract", "--plugins-dir", str(PLUGINS), str(REPORT)])
    assert result.exit_code == 0, result.stderr
    facts = [json.loads(line) for line in result.stdout.splitlines()]
    assert {f["doc_id"] for f in facts} == {str(REPORT)}
    check_report_facts(report(), facts)


def test_cli_rules_test_passes():
    result = CliRunner().invoke(app, ["rules", "test", str(RULE_FILE), "--plugins-dir", str(PLUGINS)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().endswith(", 0 failed")
    assert not result.stdout.startswith("0 ")
