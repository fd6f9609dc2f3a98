"""Start-up stays lazy: what a short extraction never needs is never imported."""
import json
import subprocess
import sys

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
