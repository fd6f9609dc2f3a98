"""Errors point at the line: a plugin's exception at its file and line, every rule file problem at once,
regex errors in the rule's own pattern (or the macro they come from), a failing example at its own line."""
import os
import subprocess
import sys
import textwrap

import pytest
from typer.testing import CliRunner

from factx import Document, Engine, PluginError, RuleError
from factx.cli import app

runner = CliRunner()

RAISING_PLUGIN = '''\
from pydantic import Field
from factx import FactType, Value, hookimpl


class NoteValue(Value):
    note: str = Field()


@hookimpl
def factx_register_fact_types(register):
    register(FactType("note", NoteValue, "1"))


def _parse(text):
    return int(text)  # line 15: "Rates" is no int


@hookimpl
def factx_extract(document):
    return [_parse(document.text.split()[0])]
'''


@pytest.fixture
def raising_dir(tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "note.py").write_text(RAISING_PLUGIN)
    return folder


def test_a_plugin_exception_names_the_plugin_file_and_line(raising_dir):
    engine = Engine(load_entrypoints=False, plugins_dirs=[raising_dir])
    [problem] = engine.process(Document("d", "Rates rose 5 percent")).problems
    assert problem.code == "FX301" and problem.where == "d"
    assert 'plugin "note" raised ValueError: invalid literal' in problem.message
    assert f"note.py:15, in _parse" in problem.message
    assert "Traceback" not in problem.message


def test_factx_debug_adds_the_whole_traceback(raising_dir, monkeypatch):
    monkeypatch.setenv("FACTX_DEBUG", "1")
    engine = Engine(load_entrypoints=False, plugins_dirs=[raising_dir])
    [problem] = engine.process(Document("d", "Rates rose 5 percent")).problems
    first, *rest = problem.message.splitlines()
    assert "note.py:15" in first
    trace = "\n".join(rest)
    assert trace.startswith("Traceback") and "in factx_extract" in trace and "in _parse" in trace


def test_strict_mode_chains_the_plugins_exception(raising_dir):
    engine = Engine(load_entrypoints=False, plugins_dirs=[raising_dir], strict=True)
    with pytest.raises(PluginError, match="note.py:15") as info:
        engine.extract("Rates rose 5 percent")
    assert isinstance(info.value.__cause__, ValueError) and "invalid literal" in str(info.value.__cause__)


def test_the_command_line_prints_the_location_and_with_factx_debug_the_traceback(raising_dir, tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("Rates rose 5 percent")
    command = [sys.executable, "-m", "factx", "extract", str(doc), "--plugins-dir", str(raising_dir)]
    plain = subprocess.run(command, capture_output=True, text=True, timeout=120)
    debug = subprocess.run(command, capture_output=True, text=True, timeout=120, env={**os.environ, "FACTX_DEBUG": "1"})
    assert plain.returncode == debug.returncode == 1
    assert "note.py:15, in _parse" in plain.stderr and "Traceback" not in plain.stderr
    assert "Traceback" in debug.stderr and 'return int(text)' in debug.stderr


def write(folder, name, body):
    path = folder / name
    path.write_text(textwrap.dedent(body).lstrip("\n"))
    return path


@pytest.fixture
def broken_rules(tmp_path):
    """Three files, each broken in its own ways."""
    folder = tmp_path / "rules"
    folder.mkdir()
    write(folder, "a_toml.toml", """
        [[rule]
        id = "percent.toml_broken"
        """)
    write(folder, "b_schema_and_regex.toml", """
        [[rule]]
        id = "percent.schema_and_regex"
        doc = "d"
        priority = "high"
        pattern = '''\\d+(?<unit'''
        """)
    write(folder, "c_regex.toml", """
        [macros]
        # A broken macro.
        BROKEN = '''[z-a]'''

        [[rule]]
        id = "percent.uses_broken"
        doc = "d"
        priority = 1
        pattern = '''{NUMBER}\\s{BROKEN}'''

        [[rule]]
        id = "percent.own_error"
        doc = "d"
        priority = 1
        pattern = '''{NUMBER}\\s?(a))b'''
        """)
    return folder


def test_rules_check_reports_every_problem_of_every_file_at_once(broken_rules):
    result = runner.invoke(app, ["rules", "check", str(broken_rules)])
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    a, b, c = (str(broken_rules / name) for name in ("a_toml.toml", "b_schema_and_regex.toml", "c_regex.toml"))
    # A TOML error in one file hides nothing of the others.
    assert any(line.startswith(f"factx: {a}:1: [FX100]") for line in lines)
    # A schema error hides no regex error of the same rule: both, each at its own line.
    assert any(line.startswith(f"factx: {b}:4 percent.schema_and_regex: [FX106] rule.0.priority") for line in lines)
    assert any(line.startswith(f"factx: {b}:5 percent.schema_and_regex: [FX101]") for line in lines)
    assert any(line.startswith(f"factx: {c}:9 percent.uses_broken: [FX101]") for line in lines)
    assert any(line.startswith(f"factx: {c}:15 percent.own_error: [FX101]") for line in lines)


def test_a_regex_error_is_located_in_the_rules_own_pattern(broken_rules):
    with pytest.raises(RuleError) as info:
        Engine(load_entrypoints=False, rules_dirs=[broken_rules / "c_regex.toml"])
    messages = {p.rule: p.message for p in info.value.problems}
    # The stray ")" is at 14 of the 16 characters written, far from where {NUMBER}'s expansion puts it.
    assert messages["percent.own_error"] == "regex error: unbalanced parenthesis at position 14 of the pattern"


def test_a_regex_error_in_a_macro_names_the_macro_and_where_the_pattern_uses_it(broken_rules):
    with pytest.raises(RuleError) as info:
        Engine(load_entrypoints=False, rules_dirs=[broken_rules / "c_regex.toml"])
    c = str(broken_rules / "c_regex.toml")
    by_where = {(p.where, p.rule): p.message for p in info.value.problems}
    assert by_where[(f"{c}:9", "percent.uses_broken")] == (
        f"regex error: bad character range at position 4 of {{BROKEN}} ({c}:3), which the pattern uses at position 10")
    assert by_where[(f"{c}:3", "")] == "regex error: bad character range at position 4 of {BROKEN}"


def test_a_regex_error_in_a_multi_line_pattern_is_at_its_own_line(tmp_path):
    path = write(tmp_path, "m.toml", """
        [[rule]]
        id = "percent.multi"
        doc = "d"
        priority = 1
        pattern = '''
        \\d+
        (?x)
        (?<bad'''
        """)
    with pytest.raises(RuleError) as info:
        Engine(load_entrypoints=False, rules_dirs=[path])
    [problem] = info.value.problems
    assert problem.where == f"{path}:8"


def test_macros_and_lists_are_documented_where_rules_files_define_them():
    book = Engine(load_entrypoints=False).rulebook
    shared = [n for n in book.names.values() if n.file == "rules/common.toml"]
    assert {"NUMBER", "APPROX_BEFORE", "UNIT_END", "RANGE_DASH", "APPROX", "SIGN"} <= {n.name for n in shared}
    assert all(n.doc for n in shared), [n.name for n in shared if not n.doc]
    assert book.names["APPROX_BEFORE"].doc.startswith("An approximator before the fact")


def test_rules_macros_prints_every_macro_and_list_with_its_doc_line():
    result = runner.invoke(app, ["rules", "macros", "--definitions"])
    assert result.exit_code == 0
    book = Engine(load_entrypoints=False).rulebook
    for name in book.names.values():
        assert f"{{{name.name}}}  {name.kind}  {name.file}:{name.line}" in result.stdout
    assert "{RANGE_DASH}  macro  rules/common.toml" in result.stdout
    assert "What joins the two bounds of a range" in result.stdout
    assert "= about | around" in result.stdout  # the APPROX list's entries with --definitions


def test_a_failing_example_is_reported_at_its_own_line(tmp_path):
    path = write(tmp_path, "ex.toml", """
        [[rule]]
        id = "percent.number_unit"
        pattern = '''(?<num>\\d+)(?<unit>%)'''

        [[rule.example]]
        text = "rose 15%"
        match = "15%"

        [[rule.example]]
        text = "rose 15 percent"
        match = "15 percent"

        [[rule.counterexample]]
        text = "up 15%"
        why = "(wrong on purpose)"
        """)
    result = runner.invoke(app, ["rules", "test", str(path)])
    assert result.exit_code == 3
    assert f"factx: {path}:9 percent.number_unit[ex1]:" in result.stderr
    assert f"factx: {path}:13 percent.number_unit[cx0]:" in result.stderr
    assert "[ex0]" not in result.stderr
