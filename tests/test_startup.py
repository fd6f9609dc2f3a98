"""Start-up stays lazy: what a short extraction never needs is never imported."""
import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

ONE_LINE = "Finance Minister Koo Yun-cheol said on Oct. 18 that exports rose 5 percent to $350 billion."


def loaded_after(code: str) -> dict:
    """Run `code` in a fresh interpreter; the modules it loaded and what it printed."""
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True, cwd=ROOT)
    *printed, modules = out.stdout.splitlines()
    return {"modules": set(json.loads(modules)), "printed": printed}


def test_import_factx_loads_no_engine():
    modules = loaded_after("import factx")["modules"]
    assert not {"factx.engine", "pydantic", "pluggy", "regex", "pint", "rich"} & modules


def test_a_one_line_extraction_needs_no_units_tables_or_library_data():
    code = f"from factx import Engine\nfor f in Engine(load_entrypoints=False).extract({ONE_LINE!r}): print(f.type, f.text)"
    cold, warm = loaded_after(code), loaded_after(code)
    assert cold["printed"] == warm["printed"] == [
        "official Finance Minister Koo Yun-cheol", "date Oct. 18", "percent 5 percent", "money $350 billion"]
    assert not {"pint", "rich"} & cold["modules"]
    # Babel's and pycountry's data are read from the cache once it holds them.
    assert not {"pint", "rich", "babel", "pycountry"} & warm["modules"]


def test_a_unit_is_converted_to_itself_without_pint():
    run = loaded_after("from decimal import Decimal\nfrom factx.units import convert\n"
                       "print(convert(Decimal('2.5'), 'percent', 'percent'))")
    assert run["printed"] == ["2.5"] and "pint" not in run["modules"]


def test_a_conversion_reads_pints_factors_from_the_cache():
    code = ("from decimal import Decimal\nfrom factx.units import convert\n"
            "print(convert(Decimal('25'), 'basis_point', 'percent'), convert(Decimal('2'), 'percent', 'basis_point'))")
    cold, warm = loaded_after(code), loaded_after(code)
    assert cold["printed"] == warm["printed"] == ["0.25 2E+2"]
    assert "pint" not in warm["modules"]


def test_entry_point_plugins_are_labelled_without_the_email_parser():
    from importlib.metadata import distribution

    factx_dist = distribution("factx")
    run = loaded_after("from factx.loading import entry_point_plugins\n"
                       "print(sorted({label for _, _, label in entry_point_plugins()}))")
    assert run["printed"] == [str([f"{factx_dist.name} {factx_dist.version}"])]
    assert "email.parser" not in run["modules"]


def test_a_label_comes_from_the_metadata_header_else_from_the_parsed_metadata():
    from factx.loading import _label

    class Dist:
        name, version = "parsed-name", "9.9"

        def __init__(self, text):
            self.text = text

        def read_text(self, filename):
            return self.text if filename == "METADATA" else None

    assert _label(Dist("Metadata-Version: 2.1\nName: my-plugin\nSummary: a: b\nVersion: 1.2\n\nName: not this")) == "my-plugin 1.2"
    assert _label(Dist("Metadata-Version: 2.1\nName: my-plugin\n\nVersion: 1.2")) == "parsed-name 9.9"
    assert _label(None) == "unknown distribution"


@pytest.mark.parametrize("defer_build", [True, False])
def test_a_value_model_lists_its_own_fields_first(defer_build):
    from pydantic import ConfigDict

    from factx.records import FactType, RangedValue

    class Quantity(RangedValue):
        model_config = ConfigDict(defer_build=defer_build)
        amount: float
        unit: str | None = None

    record = FactType("quantity", Quantity, "1").record_validator.validate_python({
        "doc_id": "d", "type": "quantity", "start": 0, "end": 2, "text": "3m", "value": {"amount": 3, "range": "to"},
        "rule": "quantity.x", "plugin": "p", "confidence": 1})
    expected = ["amount", "unit", "approximation", "range", "range_id"]
    assert list(Quantity.model_fields) == expected
    assert list(Quantity(amount=1).model_dump()) == expected
    assert list(record.model_dump()["value"]) == expected and record.value.range == "to"
