"""Parquet output on one machine: columns derived from the record models, read back by pandas and DuckDB."""
from __future__ import annotations

import gc
import json
import subprocess
import sys
from datetime import date
from importlib.metadata import requires
from typing import Literal

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from packaging.requirements import Requirement
from pydantic import BaseModel
from typer.testing import CliRunner

from factx import FactType, RangedValue, Value
from factx.cli import app
from factx.outputs import FactWriter, OutputFormat
from factx.columns import COMMON, FactColumns
from factx.errors import ExitCode
from tests.conftest import ROOT

runner = CliRunner()
REPORT = ROOT / "examples" / "report.txt"
PLUGINS = ROOT / "examples" / "plugins"


class Listing(BaseModel):
    exchange: str
    since: date | None = None


class GadgetValue(RangedValue):
    """A third-party value with what the built-ins do not have: nesting, lists, free-form data, a clash."""

    value: str  # percent's `value` is a number: this one cannot share its column
    count: int | None = None
    kind: Literal["a", "b"] = "a"
    tags: list[str] = []
    listing: Listing | None = None
    extra: dict[str, int] = {}


def records_of(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def cells(record: dict, columns: FactColumns) -> dict:
    """A record as the row the Parquet layout gives it, read straight from the record."""
    row = {name: record[name] for name in COMMON.names}
    for column in columns.values.values():
        row[column.name] = column.cell(record)
    return row


def test_parquet_rows_hold_the_jsonl_records(tmp_path, engine):
    jsonl, parquet = tmp_path / "facts.jsonl", tmp_path / "facts.parquet"
    for fmt, out in (("jsonl", jsonl), ("parquet", parquet)):
        result = runner.invoke(app, ["extract", str(REPORT), "--plugins-dir", str(PLUGINS), "-f", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.stderr
    records = records_of(jsonl)
    columns = FactColumns(engine.fact_types | {"ticker": _ticker_type()})
    table = pq.read_table(parquet)
    assert table.schema == columns.schema
    rows = table.to_pylist()
    assert len(rows) == len(records) and {r["type"] for r in records} >= {"money", "percent", "date", "official", "ticker"}
    for row, record in zip(rows, records):
        expected = cells(record, columns)
        expected = {k: date.fromisoformat(v) if isinstance(v, str) and pa.types.is_date32(table.schema.field(k).type)
                    else v for k, v in expected.items()}
        assert row == expected
    assert ("value_symbol", pa.string()) in [(f.name, f.type) for f in table.schema]  # the plugin's own column


def _ticker_type() -> FactType:
    sys.path.insert(0, str(PLUGINS))
    try:
        import ticker
    finally:
        sys.path.remove(str(PLUGINS))
    return FactType("ticker", ticker.TickerValue, "1.0.0")


def test_a_third_party_type_gets_its_columns_and_renames_no_built_in(engine):
    builtin = FactColumns(engine.fact_types).schema
    gadget = FactType("gadget", GadgetValue, "1.0.0")
    both = FactColumns(engine.fact_types | {"gadget": gadget})
    assert both.schema.names[:len(builtin)] == builtin.names  # a plugin only adds columns
    added = {f.name: f.type for f in both.schema if f.name not in builtin.names}
    assert added == {
        "value_gadget_value": pa.string(), "value_count": pa.int64(), "value_kind": pa.string(),
        "value_tags": pa.list_(pa.string()), "value_listing_exchange": pa.string(),
        "value_listing_since": pa.date32(), "value_extra": pa.string(),
    }
    # approximation, range and range_id mean the same for every type: one column each.
    assert both.values["value_range_id"].paths["gadget"] == ("range_id",)
    fact = gadget.record_validator.validate_python({
        "doc_id": "d", "type": "gadget", "start": 0, "end": 3, "text": "abc", "rule": "gadget.x", "plugin": "g",
        "confidence": 1, "value": {"value": "abc", "count": 2, "tags": ["x", "y"], "range_id": 4,
                                   "listing": {"exchange": "NYSE", "since": "1999-01-02"}, "extra": {"k": 1}}})
    [row] = both.table([fact]).to_pylist()
    assert row["value_gadget_value"] == "abc" and row["value_value"] is None
    assert (row["value_count"], row["value_tags"], row["value_range_id"]) == (2, ["x", "y"], 4)
    assert (row["value_listing_exchange"], row["value_listing_since"]) == ("NYSE", date(1999, 1, 2))
    assert json.loads(row["value_extra"]) == {"k": 1} and row["value_amount"] is None


def test_a_value_type_of_its_own_gets_type_named_columns_for_a_clash_only(engine):
    class Odd(Value):
        amount: str  # money's amount is a number
        currency: str | None = None  # money's currency is text: shared

    columns = FactColumns(engine.fact_types | {"odd": FactType("odd", Odd, "1")})
    assert columns.values["value_odd_amount"].paths == {"odd": ("amount",)}
    assert set(columns.values["value_currency"].paths) == {"money", "odd"}
    assert columns.values["value_amount"].paths == {"money": ("amount",)}


def test_duckdb_and_pandas_read_the_values_as_plain_columns(tmp_path):
    out = tmp_path / "facts.parquet"
    result = runner.invoke(app, ["extract", str(REPORT), "-f", "parquet", "-o", str(out)])
    assert result.exit_code == 0
    records = records_of_cli(REPORT)
    money = [(r["text"], r["value"]["amount"], r["value"]["currency"]) for r in records if r["type"] == "money"]
    assert duckdb.sql(f"SELECT text, value_amount, value_currency FROM '{out}' WHERE type = 'money'").fetchall() == money
    frame = pd.read_parquet(out)
    assert frame.groupby("type").size().to_dict() == pd.Series([r["type"] for r in records]).value_counts().to_dict()
    assert frame.loc[frame["type"] == "percent", "value_value"].tolist() == [
        r["value"]["value"] for r in records if r["type"] == "percent"]


def records_of_cli(path) -> list[dict]:
    result = runner.invoke(app, ["extract", str(path)])
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_no_facts_is_an_empty_table_with_every_column(tmp_path, engine):
    doc = tmp_path / "quiet.txt"
    doc.write_text("Nothing here to find.")
    out = tmp_path / "facts.parquet"
    assert runner.invoke(app, ["extract", str(doc), "-f", "parquet", "-o", str(out)]).exit_code == 0
    table = pq.read_table(out)
    assert table.num_rows == 0 and table.schema == FactColumns(engine.fact_types).schema


def test_parquet_needs_an_output_file(tmp_path):
    result = runner.invoke(app, ["extract", str(REPORT), "-f", "parquet"])
    assert result.exit_code == ExitCode.USAGE
    assert "--output" in result.stderr and result.stdout == ""


def test_neither_import_factx_nor_a_jsonl_run_loads_dask_or_pyarrow():
    heavy = {"dask", "distributed", "pyarrow", "pandas"}
    code = ("import sys\nsys.argv = ['factx', 'extract', '-f', 'jsonl', 'examples/one_line.txt']\n"
            "import factx\nfrom factx.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m.split('.')[0] for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    *facts, modules = out.stdout.splitlines()
    assert len(facts) == 4  # the run did extract
    assert not heavy & set(eval(modules))


def test_the_core_install_pulls_neither_dask_nor_pyarrow_and_the_extra_does():
    requirements = [Requirement(r) for r in requires("factx")]

    def wanted(extra: str) -> set[str]:
        return {r.name for r in requirements if r.marker is None or r.marker.evaluate({"extra": extra})}

    core = wanted("")
    assert "pydantic" in core and not core & {"dask", "distributed", "pyarrow", "pandas"}
    assert wanted("dask") - core == {"dask", "distributed", "pyarrow"}


def test_a_run_that_fails_leaves_no_parquet_file_and_nothing_for_pyarrow_to_close_later(tmp_path, engine, monkeypatch):
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    (fact,) = engine.extract("Output rose 5 percent.", types=["percent"])

    with pytest.raises(RuntimeError):
        with FactWriter(OutputFormat.parquet, tmp_path / "facts.parquet", fact_types=engine.fact_types) as writer:
            writer.write(fact)
            raise RuntimeError("the run failed")
    del writer  # the writer and its pyarrow writer are collected now, as when a run ends
    gc.collect()

    assert list(tmp_path.iterdir()) == [] and unraisable == []
