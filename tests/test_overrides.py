"""Partial rule overrides, installed plugins replaced by development copies, and the command line's small
things: escaped and full-width tables, `--version`, `--no-entry-points`."""
import io
import json
import os
import subprocess
import sys
import textwrap

import pytest
from typer.testing import CliRunner

from factx import Engine, RuleError
from factx.cli import app
from factx.outputs import FactWriter, OutputFormat
from factx.tables import print_table

runner = CliRunner()


def rules_dir(tmp_path, body, name="mine.toml"):
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(textwrap.dedent(body).lstrip("\n"))
    return folder


def rule(engine, rule_id):
    return next((r for r in engine.rulebook.rules if r.id == rule_id), None)


def test_an_override_of_enabled_alone_turns_a_builtin_rule_off(tmp_path):
    folder = rules_dir(tmp_path, '[[rule]]\nid = "percent.number_unit"\nenabled = false\n')
    engine = Engine(load_entrypoints=False, rules_dirs=[folder])
    assert rule(engine, "percent.number_unit") is None
    assert engine.extract("up 15 percent") == []
    assert rule(engine, "percent.range") is not None  # the others stay


def test_an_override_changes_only_the_fields_it_gives(tmp_path):
    builtin = rule(Engine(load_entrypoints=False), "percent.number_unit")
    folder = rules_dir(tmp_path, '[[rule]]\nid = "percent.number_unit"\npriority = 3\nconfidence = 0.5\n')
    engine = Engine(load_entrypoints=False, rules_dirs=[folder])
    changed = rule(engine, "percent.number_unit")
    assert (changed.priority, changed.confidence) == (3, 0.5)
    assert changed.pattern.pattern == builtin.pattern.pattern and changed.doc == builtin.doc
    assert changed.examples == builtin.examples and changed.example_lines == builtin.example_lines
    assert changed.file == str(folder / "mine.toml")  # provenance: where it was last defined
    [fact] = engine.extract("up 15 percent")
    assert fact.confidence == 0.5 and fact.rule_file == str(folder / "mine.toml")


def test_an_override_of_the_pattern_keeps_the_rest(tmp_path):
    folder = rules_dir(tmp_path, """
        [[rule]]
        id = "percent.number_unit"
        pattern = '''(?<num>\\d+)(?<unit>%)'''
        """)
    engine = Engine(load_entrypoints=False, rules_dirs=[folder])
    assert [f.text for f in engine.extract("15% and 20 percent")] == ["15%"]
    assert rule(engine, "percent.number_unit").priority == 10


def test_an_override_id_no_rule_has_is_an_error_naming_the_closest(tmp_path):
    folder = rules_dir(tmp_path, '[[rule]]\nid = "percent.numbr_unit"\nenabled = false\n')
    with pytest.raises(RuleError) as info:
        Engine(load_entrypoints=False, rules_dirs=[folder])
    [problem] = info.value.problems
    assert problem.code == "FX109" and problem.rule == "percent.numbr_unit"
    assert problem.where == f"{folder / 'mine.toml'}:1"
    assert "did you mean percent.number_unit?" in problem.message and "doc, pattern, priority" in problem.message


def test_a_complete_new_rule_in_a_rules_dir_is_added(tmp_path):
    folder = rules_dir(tmp_path, """
        [[rule]]
        id = "percent.per_mille"
        doc = "Per mille."
        priority = 10
        pattern = '''(?<num>\\d+)\\s(?<unit>percent)(?= of nothing)'''
        """)
    engine = Engine(load_entrypoints=False, rules_dirs=[folder])
    assert rule(engine, "percent.per_mille") is not None


def test_a_partial_rule_outside_a_rules_dir_is_still_a_schema_error(tmp_path):
    from factx.rulebook import RuleSource, load_rulebook

    path = tmp_path / "plugin_rules.toml"
    path.write_text('[[rule]]\nid = "percent.half"\npriority = 1\n')
    with pytest.raises(RuleError) as info:
        load_rulebook([RuleSource(path, str(path), 1)])
    assert {p.code for p in info.value.problems} == {"FX106"}
    assert any("rule.0.doc: Field required" in p.message for p in info.value.problems)


# -- plugins: entry points, development copies -------------------------------------------------

PLUGIN = """
from pydantic import Field
from factx import Candidate, Draft, FactType, Value, hookimpl

class FlagValue(Value):
    where: str = Field()

@hookimpl
def factx_register_fact_types(register):
    register(FactType("flag", FlagValue, "{version}"))

@hookimpl
def factx_extract(document):
    i = document.text.find("flag")
    return [Candidate(i, i + 4, "flag.word", (Draft(i, i + 4, {{"where": "{where}"}}),))] if i >= 0 else []
"""


@pytest.fixture
def installed(tmp_path):
    """A folder holding an installed distribution with a `flag` plugin under the factx entry points."""
    site = tmp_path / "site"
    dist = site / "flagplug-2.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: flagplug\nVersion: 2.0\n")
    (dist / "entry_points.txt").write_text("[factx]\nflag = flagplug\n")
    (site / "flagplug.py").write_text(PLUGIN.format(version="2.0", where="installed"))
    return site


def run_factx(site, *args):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "factx", *map(str, args)], capture_output=True, text=True,
                          timeout=120, env=env)


def test_no_entry_points_skips_installed_plugins(installed):
    listed = run_factx(installed, "plugins", "--format", "json")
    skipped = run_factx(installed, "plugins", "--format", "json", "--no-entry-points")
    assert listed.returncode == skipped.returncode == 0, listed.stderr + skipped.stderr
    assert any(p["name"] == "flag" and p["source"] == "entry point" for p in json.loads(listed.stdout))
    names = {p["name"] for p in json.loads(skipped.stdout)}
    assert "flag" not in names and {"money", "percent", "quantity"} <= names


def test_a_plugins_dir_copy_replaces_the_installed_plugin_with_a_notice(installed, tmp_path):
    dev = tmp_path / "dev"
    dev.mkdir()
    (dev / "flag.py").write_text(PLUGIN.format(version="2.1.dev0", where="development copy"))
    (tmp_path / "doc.txt").write_text("raise the flag")
    run = run_factx(installed, "extract", tmp_path / "doc.txt", "--plugins-dir", dev)
    assert run.returncode == 0, run.stderr
    [record] = [json.loads(line) for line in run.stdout.splitlines()]
    assert record["value"] == {"where": "development copy"}
    assert f'note: plugin "flag" from {dev / "flag.py"} replaces the installed one (flagplug 2.0)' in run.stderr


def test_a_plugins_dir_copy_replaces_a_builtin(tmp_path):
    dev = tmp_path / "dev"
    dev.mkdir()
    (dev / "percent.py").write_text(PLUGIN.format(version="9", where="x").replace('"flag"', '"percent"')
                                    .replace("flag.word", "percent.word"))
    engine = Engine(load_entrypoints=False, plugins_dirs=[dev])
    assert engine.plugins["percent"].source == "plugins dir"
    assert engine.notices == [f'plugin "percent" from {dev / "percent.py"} replaces the built-in one (factx.plugins.percent)']


def test_version_lists_the_core_and_every_plugin():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    from factx import __version__

    assert lines[0] == f"factx {__version__}"
    for name in ("money", "percent", "date", "official", "quantity"):
        assert any(line.startswith(f"{name} 0.1.0 (built-in: factx.plugins.{name})") for line in lines[1:])


# -- tables ---------------------------------------------------------------------------------------


def test_table_cells_are_text_not_markup():
    out = io.StringIO()
    print_table(["id", "text"], [["[red]x[/red]", "42 tonnes [mass] of"]], out)
    assert "[red]x[/red]" in out.getvalue() and "[mass]" in out.getvalue()
    assert "\x1b[" not in out.getvalue()


def test_the_facts_table_escapes_what_the_document_holds(engine):
    out = io.StringIO()
    facts = engine.extract("Output rose to 42 tonnes [mass] and 5 percent.", doc_id="[bold]doc[/bold]")
    with FactWriter(OutputFormat.table, stdout=out) as writer:
        for fact in facts:
            writer.write(fact)
    assert out.getvalue().count("[bold]doc[/bold]") == len(facts) == 2


def test_a_piped_table_is_as_wide_as_its_rows():
    out = io.StringIO()
    long_text = "a long cell that would be cut at eighty columns " * 4
    print_table(["span", "text"], [["0-1", long_text.strip()]], out)
    assert any(long_text.strip() in line for line in out.getvalue().splitlines())


def test_explain_piped_keeps_whole_cells():
    text = "Seoul pledged about $350 billion and shipped 1.2 mln tonnes of steel, up 5 percent, on Friday."
    result = runner.invoke(app, ["explain", text])
    assert result.exit_code == 0
    assert any("value=1200000, unit=tonnes, canonical_value=1200000.0, canonical_unit=metric_ton" in line
               for line in result.stdout.splitlines())
