"""Fact records as Arrow columns: the common fields, then each value field flattened into its own column.

The layout is derived from the fact types' value models (their JSON Schema in
serialization mode), so a plugin's fact type gets its columns with no code here.
A value field becomes `value_<field>`, a nested model's field
`value_<field>_<subfield>`; fact types that share a field name with the same
column type share the column (`value_range_id` holds every type's range ids).
Where a later-loaded type gives a taken name another column type, its column is
`value_<type>_<field>` instead, so a plugin never renames a built-in's column.

Needs pyarrow (the `factx[dask]` extra); only the Parquet writer and
`factx.dask` import this module.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from factx.records import Fact, FactType

COMMON = pa.schema([
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("type", pa.string(), nullable=False),
    pa.field("start", pa.int64(), nullable=False),
    pa.field("end", pa.int64(), nullable=False),
    pa.field("text", pa.string(), nullable=False),
    pa.field("rule", pa.string(), nullable=False),
    pa.field("plugin", pa.string(), nullable=False),
    pa.field("rule_file", pa.string()),
    pa.field("confidence", pa.float64(), nullable=False),
])


@dataclass
class ValueColumn:
    """One flattened value column: its Arrow type and, per fact type, where its value sits in `value`."""

    name: str
    type: pa.DataType
    as_json: bool = False  # a field with no plain column type holds its value as JSON text
    paths: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def cell(self, record: Mapping[str, Any]) -> Any:
        path = self.paths.get(record["type"])
        if path is None:
            return None
        found: Any = record["value"]
        for key in path:
            if not isinstance(found, Mapping):
                return None
            found = found.get(key)
        if found is None:
            return None
        if self.as_json:
            return json.dumps(found, ensure_ascii=False, sort_keys=True)
        if pa.types.is_floating(self.type):
            return float(found)  # an integral amount beyond 2**53 would not convert exactly
        return found


class FactColumns:
    """The columns of the records of some fact types, and tables of their facts."""

    def __init__(self, fact_types: Mapping[str, FactType]):
        self.values: dict[str, ValueColumn] = {}
        for name, fact_type in fact_types.items():
            schema = fact_type.value_model.model_json_schema(mode="serialization")
            for path, arrow_type, as_json in _leaves(schema, schema.get("$defs", {}), ()):
                self._add(name, path, arrow_type, as_json)
        self.schema = pa.schema([*COMMON, *(pa.field(c.name, c.type) for c in self.values.values())])
        # Cells are built as JSON gives them (a date as text), then cast to the schema's types.
        self.wire = pa.schema([pa.field(f.name, _wire_type(f.type), f.nullable) for f in self.schema])

    def _add(self, fact_type: str, path: tuple[str, ...], arrow_type: pa.DataType, as_json: bool) -> None:
        name = "value_" + "_".join(path)
        taken = self.values.get(name)
        if taken is not None and (taken.type, taken.as_json) != (arrow_type, as_json):
            name = f"value_{fact_type}_" + "_".join(path)
            taken = self.values.get(name)
        if taken is None:
            taken = self.values[name] = ValueColumn(name, arrow_type, as_json)
        taken.paths[fact_type] = path

    def table(self, facts: Iterable[Fact]) -> pa.Table:
        """The facts as one table with this schema, one row a fact."""
        rows = Rows(self)
        for fact in facts:
            rows.add(fact)
        return rows.table()


class Rows:
    """Facts gathered cell by cell into columns, to become one table: a fact's record is not kept."""

    def __init__(self, columns: FactColumns):
        self.columns = columns
        self.cells: dict[str, list] = {name: [] for name in columns.schema.names}
        self.count = 0

    def add(self, fact: Fact) -> None:
        record = fact.model_dump(mode="json")
        for name in COMMON.names:
            self.cells[name].append(record[name])
        for column in self.columns.values.values():
            self.cells[column.name].append(column.cell(record))
        self.count += 1

    def table(self) -> pa.Table:
        return pa.Table.from_pydict(self.cells, schema=self.columns.wire).cast(self.columns.schema)


def _leaves(schema: dict, defs: dict, path: tuple[str, ...]) -> Iterable[tuple[tuple[str, ...], pa.DataType, bool]]:
    """(path, Arrow type, as JSON) of every leaf of a JSON Schema, nested objects flattened."""
    variants = _variants(schema, defs)
    if len(variants) == 1 and variants[0].get("properties"):
        for key, sub in variants[0]["properties"].items():
            yield from _leaves(sub, defs, (*path, key))
        return
    arrow_type = _scalar(variants, defs)
    yield path, arrow_type or pa.string(), arrow_type is None


def _variants(schema: dict, defs: dict) -> list[dict]:
    """The non-null alternatives of a schema, references resolved."""
    schema = _deref(schema, defs)
    options = schema.get("anyOf") or schema.get("oneOf") or [schema]
    return [s for s in map(lambda s: _deref(s, defs), options) if s.get("type") != "null"]


def _deref(schema: dict, defs: dict) -> dict:
    while "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _scalar(variants: list[dict], defs: dict) -> pa.DataType | None:
    """The Arrow type of a leaf; None where no plain type holds it (it is stored as JSON text)."""
    kinds = {_kind(v) for v in variants}
    if kinds <= {"integer", "number"} and kinds:
        return pa.int64() if kinds == {"integer"} else pa.float64()
    if len(variants) != 1:
        return None
    [v] = variants
    kind = _kind(v)
    if kind == "string":
        return pa.date32() if v.get("format") == "date" else pa.string()
    if kind == "boolean":
        return pa.bool_()
    if kind == "array":
        items = _variants(v.get("items", {}), defs)
        item = _scalar(items, defs) if items and not any(i.get("properties") for i in items) else None
        return pa.list_(item) if item is not None else None
    return None


def _kind(schema: dict) -> str | None:
    """A schema's JSON type, read from `const` or `enum` where it gives none."""
    if isinstance(schema.get("type"), str):
        return schema["type"]
    values = schema.get("enum") or ([schema["const"]] if "const" in schema else [])
    if values and all(isinstance(x, str) for x in values):
        return "string"
    return None


def _wire_type(arrow_type: pa.DataType) -> pa.DataType:
    if pa.types.is_date32(arrow_type):
        return pa.string()
    if pa.types.is_list(arrow_type):
        return pa.list_(_wire_type(arrow_type.value_type))
    return arrow_type
