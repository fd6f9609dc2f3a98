"""The `factx` command line, driven through typer's CliRunner: data on stdout, messages on stderr, exit codes."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factx import Engine
from factx.errors import ExitCode
from factx.cli import app

try:  # validate against the published JSON Schema when a validator is installed
    import jsonschema
except ImportError:  # pragma: no cover - depends on the environment
    jsonschema = None

# typer vendors click >= 8.2: `stdout` and `stderr` are separate, `output` mixes both.
runner = CliRunner()

TEXT = (
    "Rates rose 15 percent in March, then another 2.5% in April. "
    "The central bank cut 50 basis points, and unemployment climbed 1.2 percentage points "
    "to 4 pct. Nothing else happened."
)


@pytest.fixture(scope="module")
def builtin_engine() -> Engine:
    return Engine(load_entrypoints=False)


def invoke(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def jsonl(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def unboxed(message: str) -> str:
    """Stderr with rich's error panel undone: a long word wrapped over lines is whole again."""
    return "".join(line.strip().strip("│").strip() for line in message.splitlines())


def stderr_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def check_spans(records: list[dict], documents: dict[str, str]) -> None:
    for r in records:
        doc = documents[r["doc_id"]]
        assert 0 <= r["start"] < r["end"] <= len(doc)
        assert r["text"] == doc[r["start"]:r["end"]], r


def validate_records(records: list[dict], schema: dict, engine: Engine) -> None:
    """Each record against the schema of `factx schema` and the engine's record model."""
    defs = schema["$defs"]
    by_type = {}
    for ref in schema["oneOf"]:
        name = ref["$ref"].rsplit("/", 1)[-1]
        by_type[defs[name]["properties"]["type"]["const"]] = defs[name]
    for record in records:
        if jsonschema is not None:
            jsonschema.validate(record, schema)
        engine.fact_types[record["type"]].record_model.model_validate(record)
        # The published schema, checked by hand where no validator is installed.
        sub = by_type[record["type"]]
        assert set(sub["required"]) <= set(record) <= set(sub["properties"])
        value_schema = defs[sub["properties"]["value"]["$ref"].rsplit("/", 1)[-1]]
        assert set(value_schema.get("required", [])) <= set(record["value"]) <= set(value_schema["properties"])


# The percent expressions written in TEXT.
PERCENT_SURFACES = ["15 percent", "2.5%", "50 basis points", "1.2 percentage points", "4 pct"]
assert all(s in TEXT for s in PERCENT_SURFACES)


# -- throwaway plugins -----------------------------------------------------------

RAISING_PLUGIN = '''
from factx import FactType, Value, hookimpl


class {cls}(Value):
    note: str = ""


@hookimpl
def factx_register_fact_types(register):
    register(FactType("{name}", {cls}, "0.0.1"))


@hookimpl
def factx_extract(document, rules):
    raise RuntimeError("{name} exploded on purpose")
'''

WORD_PLUGIN = '''
from factx import Candidate, Draft, FactType, Value, hookimpl


class WordValue(Value):
    word: str


@hookimpl
def factx_register_fact_types(register):
    register(FactType("{name}", WordValue, "1.2.3"))


@hookimpl
def factx_extract(document, rules):
    out = []
    start = document.text.find("{word}")
    while start >= 0:
        end = start + len("{word}")
        out.append(Candidate(start, end, "{name}.literal", (Draft(start, end, {{"word": "{word}"}}),), priority=1))
        start = document.text.find("{word}", end)
    return out
'''


def raising_plugin_dir(tmp_path: Path, name: str = "boom") -> Path:
    folder = tmp_path / "plugins"
    write(folder / f"{name}.py", RAISING_PLUGIN.format(name=name, cls=f"{name.title()}Value"))
    return folder


def word_plugin_dir(tmp_path: Path, name: str = "keyword", word: str = "March") -> Path:
    folder = tmp_path / "wordplugins"
    write(folder / f"{name}.py", WORD_PLUGIN.format(name=name, word=word))
    return folder


# -- extract: formats ------------------------------------------------------------


def test_extract_jsonl_records_validate_against_the_schema_and_spans_match(tmp_path, builtin_engine):
    doc = write(tmp_path / "news.txt", TEXT)

    result = invoke("extract", doc)
    schema_result = invoke("schema")

    assert result.exit_code == ExitCode.OK, result.output
    assert schema_result.exit_code == 0, schema_result.output
    records = jsonl(result.stdout)
    assert result.stderr == ""
    check_spans(records, {str(doc): TEXT})
    validate_records(records, json.loads(schema_result.stdout), builtin_engine)
    texts = [r["text"] for r in records if r["type"] == "percent"]
    for surface in PERCENT_SURFACES:
        assert surface in texts
    assert [(r["start"], r["end"]) for r in records] == sorted((r["start"], r["end"]) for r in records)
    for r in records:
        assert r["rule"].startswith(r["type"] + ".") and r["plugin"]


def test_extract_percent_values_follow_the_text(tmp_path):
    doc = write(tmp_path / "news.txt", TEXT)

    records = {r["text"]: r["value"] for r in jsonl(invoke("extract", doc, "-t", "percent").stdout)}

    assert records["15 percent"]["value"] == 15 and records["15 percent"]["unit"] == "percent"
    assert records["50 basis points"]["value"] == pytest.approx(50 / 100)
    assert records["50 basis points"]["unit"] == "basis_point"
    assert records["1.2 percentage points"]["unit"] == "percentage_point"


def test_extract_json_is_one_array_of_the_same_records(tmp_path):
    doc = write(tmp_path / "news.txt", TEXT)

    as_json = invoke("extract", doc, "--format", "json")
    as_jsonl = invoke("extract", doc)

    assert as_json.exit_code == 0, as_json.output
    records = json.loads(as_json.stdout)
    assert isinstance(records, list) and records
    assert records == jsonl(as_jsonl.stdout)
    check_spans(records, {str(doc): TEXT})


def test_extract_json_with_no_facts_is_an_empty_array(tmp_path):
    doc = write(tmp_path / "plain.txt", "Nothing numeric here at all.")

    result = invoke("extract", doc, "--format", "json")

    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_extract_csv_has_a_header_and_one_row_per_fact(tmp_path):
    doc = write(tmp_path / "news.txt", TEXT)

    result = invoke("extract", doc, "--format", "csv")
    expected = jsonl(invoke("extract", doc).stdout)

    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    header, body = rows[0], rows[1:]
    assert header[0] == "doc_id"
    assert {"doc_id", "type", "start", "end", "text", "value", "rule", "plugin"} <= set(header)
    assert len(body) == len(expected) > 0
    for row, record in zip(body, expected):
        got = dict(zip(header, row))
        assert got["doc_id"] == str(doc)
        assert TEXT[int(got["start"]):int(got["end"])] == got["text"] == record["text"]
        assert json.loads(got["value"]) == record["value"]
        assert got["rule"] == record["rule"]


def test_extract_table_shows_the_facts(tmp_path):
    doc = write(tmp_path / "news.txt", TEXT)

    result = invoke("extract", doc, "--format", "table")

    assert result.exit_code == 0, result.output
    assert "15 percent" in result.stdout and "basis points" in result.stdout


def test_extract_unknown_format_is_a_usage_error(tmp_path):
    doc = write(tmp_path / "news.txt", TEXT)

    result = invoke("extract", doc, "--format", "xml")

    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""


# -- extract: options ------------------------------------------------------------


def test_extract_type_selects_fact_types(tmp_path):
    text = "Ruby prices rose 15 percent; by Ruby's end, 3%."  # no built-in type claims "Ruby"
    doc = write(tmp_path / "news.txt", text)
    plugins = word_plugin_dir(tmp_path, word="Ruby")

    both = jsonl(invoke("extract", doc, "--plugins-dir", plugins).stdout)
    only_percent = jsonl(invoke("extract", doc, "--plugins-dir", plugins, "--type", "percent").stdout)
    only_word = jsonl(invoke("extract", doc, "--plugins-dir", plugins, "-t", "keyword").stdout)

    assert {r["type"] for r in both} == {"percent", "keyword"}
    assert only_percent == [r for r in both if r["type"] == "percent"]
    assert only_word == [r for r in both if r["type"] == "keyword"]
    assert len(only_word) == text.count("Ruby")
    check_spans(both, {str(doc): text})


def test_extract_unknown_type_is_a_usage_error(tmp_path):
    doc = write(tmp_path / "news.txt", TEXT)

    result = invoke("extract", doc, "--type", "percent", "--type", "no_such_type")

    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert "no_such_type" in result.stderr


@pytest.mark.parametrize("bad", ["2025-02-30", "11/12/2025", "tomorrowish"])
def test_extract_bad_reference_date_is_a_usage_error(tmp_path, bad):
    doc = write(tmp_path / "news.txt", TEXT)

    result = invoke("extract", doc, "--reference-date", bad)

    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert bad in result.stderr


@pytest.mark.parametrize("good", ["2025-12-11", "auto", "none"])
def test_extract_good_reference_date_is_accepted(tmp_path, good):
    doc = write(tmp_path / "news.txt", TEXT)

    result = invoke("extract", doc, "--reference-date", good)

    assert result.exit_code == 0, result.output
    assert jsonl(result.stdout)


def test_extract_output_file_holds_the_records_and_stdout_stays_empty(tmp_path):
    doc = write(tmp_path / "news.txt", TEXT)
    out = tmp_path / "out" / "facts.jsonl"
    out.parent.mkdir()

    result = invoke("extract", doc, "-o", out)

    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert jsonl(out.read_text(encoding="utf-8")) == jsonl(invoke("extract", doc).stdout)
    assert sorted(p.name for p in out.parent.iterdir()) == ["facts.jsonl"]


def test_extract_reads_stdin(tmp_path):
    text_result = invoke("extract", "-", input=TEXT)
    records = [{"id": "n1", "text": TEXT}, {"id": "n2", "text": "Just 7% here."}]
    jsonl_result = invoke("extract", "-", input="".join(json.dumps(r) + "\n" for r in records))

    assert text_result.exit_code == 0 and jsonl_result.exit_code == 0
    check_spans(jsonl(text_result.stdout), {"-": TEXT})
    got = jsonl(jsonl_result.stdout)
    check_spans(got, {r["id"]: r["text"] for r in records})
    assert {r["doc_id"] for r in got} == {"n1", "n2"}


def test_extract_jsonl_file_uses_record_ids(tmp_path):
    records = [{"id": f"doc-{i}", "text": f"Item {i}: up {i + 1} percent."} for i in range(3)]
    path = write(tmp_path / "docs.jsonl", "".join(json.dumps(r) + "\n" for r in records))

    result = invoke("extract", path)

    assert result.exit_code == 0, result.output
    got = jsonl(result.stdout)
    check_spans(got, {r["id"]: r["text"] for r in records})
    assert [(r["doc_id"], r["value"]["value"]) for r in got] == [(r["id"], i + 1) for i, r in enumerate(records)]


def test_extract_doc_id_is_the_path_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "news.txt", TEXT)

    records = jsonl(invoke("extract", "./news.txt").stdout)

    assert records and {r["doc_id"] for r in records} == {"./news.txt"}


# -- extract: failures -----------------------------------------------------------


def test_extract_folder_with_bad_files_exits_1_names_each_once_and_writes_the_good(tmp_path):
    folder = tmp_path / "docs"
    good = write(folder / "good.txt", TEXT)
    empty = folder / "empty.txt"
    empty.write_bytes(b"")
    binary = folder / "binary.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    latin1 = folder / "latin1.md"
    latin1.write_bytes("Prix: 5 % de plus, ".encode("utf-8") + "été".encode("latin-1"))
    out = tmp_path / "facts.jsonl"

    result = invoke("extract", folder, "-o", out)

    assert result.exit_code == ExitCode.DOCUMENTS_FAILED, result.output
    assert result.stdout == ""
    written = jsonl(out.read_text(encoding="utf-8"))
    assert written and {r["doc_id"] for r in written} == {str(good)}
    check_spans(written, {str(good): TEXT})
    for bad in (empty, binary, latin1):
        assert result.stderr.count(str(bad)) == 1, result.stderr
    assert str(good) not in result.stderr
    assert "Traceback" not in result.stderr


def test_extract_folder_failures_on_stdout_too(tmp_path):
    folder = tmp_path / "docs"
    good = write(folder / "good.txt", TEXT)
    (folder / "empty.txt").write_bytes(b"")

    result = invoke("extract", folder)

    assert result.exit_code == ExitCode.DOCUMENTS_FAILED
    check_spans(jsonl(result.stdout), {str(good): TEXT})
    assert jsonl(result.stdout)
    assert str(folder / "empty.txt") not in result.stdout


def test_extract_missing_path_exits_1_and_names_it(tmp_path):
    good = write(tmp_path / "good.txt", TEXT)
    missing = tmp_path / "missing.txt"

    result = invoke("extract", missing, good)

    assert result.exit_code == ExitCode.DOCUMENTS_FAILED
    assert result.stderr.count(str(missing)) == 1
    assert {r["doc_id"] for r in jsonl(result.stdout)} == {str(good)}


def test_extract_broken_jsonl_line_exits_1_and_names_file_and_line(tmp_path):
    path = write(tmp_path / "docs.jsonl", '{"id": "a", "text": "up 5%"}\n{oops\n{"id": "c", "text": "down 6%"}\n')

    result = invoke("extract", path)

    assert result.exit_code == ExitCode.DOCUMENTS_FAILED
    assert f"{path}:2" in result.stderr
    assert [r["doc_id"] for r in jsonl(result.stdout)] == ["a", "c"]


def broken_rules(tmp_path: Path) -> Path:
    folder = tmp_path / "myrules"
    write(folder / "broken.toml", textwrap.dedent("""\
        # A user's rule file with a regex that does not compile.
        [[rule]]
        id = "percent.broken"
        doc = "An unclosed group."
        pattern = '''(unclosed'''
        priority = 5
        """))
    return folder


def test_extract_broken_rule_file_exits_3_with_one_line_naming_file_and_rule(tmp_path):
    doc = write(tmp_path / "news.txt", TEXT)
    rules = broken_rules(tmp_path)
    out = tmp_path / "facts.jsonl"

    result = invoke("extract", doc, "--rules-dir", rules, "-o", out)

    assert result.exit_code == ExitCode.BAD_RULES_OR_PLUGIN, result.output
    assert result.stdout == ""
    lines = stderr_lines(result)
    assert len(lines) == 1, lines
    assert str(rules / "broken.toml") in lines[0]
    assert "percent.broken" in lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_rules_check_reports_a_broken_rule_file(tmp_path):
    rules = broken_rules(tmp_path)

    result = invoke("rules", "check", rules)

    assert result.exit_code == ExitCode.BAD_RULES_OR_PLUGIN
    assert str(rules / "broken.toml") in result.stderr and "percent.broken" in result.stderr


def test_extract_strict_with_raising_plugin_exits_3_and_leaves_no_output_file(tmp_path):
    doc = write(tmp_path / "news.txt", TEXT)
    plugins = raising_plugin_dir(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "facts.jsonl"

    result = invoke("extract", doc, "--plugins-dir", plugins, "--strict", "-o", out)

    assert result.exit_code == ExitCode.BAD_RULES_OR_PLUGIN, result.output
    assert not out.exists()
    assert list(out_dir.iterdir()) == []  # no temporary file left behind either
    assert "boom" in result.stderr
    assert "Traceback" not in result.stderr


def test_extract_strict_keeps_an_existing_output_file_untouched(tmp_path):
    doc = write(tmp_path / "news.txt", TEXT)
    plugins = raising_plugin_dir(tmp_path)
    out = tmp_path / "facts.jsonl"
    out.write_text("previous run\n", encoding="utf-8")

    result = invoke("extract", doc, "--plugins-dir", plugins, "--strict", "-o", out)

    assert result.exit_code == ExitCode.BAD_RULES_OR_PLUGIN
    assert out.read_text(encoding="utf-8") == "previous run\n"


def test_extract_raising_plugin_without_strict_exits_1_and_writes_the_percent_facts(tmp_path):
    doc = write(tmp_path / "news.txt", TEXT)
    plugins = raising_plugin_dir(tmp_path)
    out = tmp_path / "facts.jsonl"

    result = invoke("extract", doc, "--plugins-dir", plugins, "-o", out)
    clean = jsonl(invoke("extract", doc).stdout)

    assert result.exit_code == ExitCode.DOCUMENTS_FAILED, result.output
    written = jsonl(out.read_text(encoding="utf-8"))
    assert written == clean and any(r["type"] == "percent" for r in written)
    assert "boom" in result.stderr and str(doc) in result.stderr


def test_extract_raising_plugin_names_the_document_once(tmp_path):
    doc = write(tmp_path / "news.txt", TEXT)
    plugins = raising_plugin_dir(tmp_path)

    # A real process: pytest's log capture would hide a message that reaches stderr through logging.
    result = subprocess.run(
        [sys.executable, "-c", "from factx.cli import main; main()", "extract", str(doc), "--plugins-dir", str(plugins)],
        capture_output=True, text=True, timeout=120,
    )

    assert result.returncode == ExitCode.DOCUMENTS_FAILED, result.stderr
    assert result.stderr.count(str(doc)) == 1, result.stderr


def test_extract_raising_plugin_with_workers(tmp_path):
    records = [{"id": f"w{i}", "text": f"Item {i} rose {i} percent."} for i in range(80)]
    path = write(tmp_path / "docs.jsonl", "".join(json.dumps(r) + "\n" for r in records))
    plugins = raising_plugin_dir(tmp_path)
    out = tmp_path / "out" / "facts.jsonl"
    out.parent.mkdir()

    lenient = invoke("extract", path, "--plugins-dir", plugins, "--workers", "2")
    strict = invoke("extract", path, "--plugins-dir", plugins, "--workers", "2", "--strict", "-o", out)

    assert lenient.exit_code == ExitCode.DOCUMENTS_FAILED
    assert [r["doc_id"] for r in jsonl(lenient.stdout)] == [r["id"] for r in records]
    assert strict.exit_code == ExitCode.BAD_RULES_OR_PLUGIN
    assert list(out.parent.iterdir()) == []


def test_extract_output_into_a_missing_folder_is_reported_cleanly(tmp_path):
    doc = write(tmp_path / "news.txt", TEXT)
    out = tmp_path / "no_such_folder" / "facts.jsonl"

    result = invoke("extract", doc, "-o", out)

    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code not in (ExitCode.OK, ExitCode.INTERNAL)
    assert "no_such_folder" in unboxed(result.stderr)
    assert not out.parent.exists()


def test_extract_strict_without_problems_exits_0(tmp_path):
    doc = write(tmp_path / "news.txt", TEXT)

    result = invoke("extract", doc, "--strict")

    assert result.exit_code == 0, result.output
    assert jsonl(result.stdout)


# -- workers ---------------------------------------------------------------------


def test_workers_2_gives_the_same_records_in_the_same_order_as_workers_1(tmp_path):
    templates = [
        "Doc {i}: shares rose {i} percent and fell {j}% later.",
        "Doc {i}: no numbers at all.",
        "Doc {i}: a cut of {k} basis points, then 10-{k}% ranges.",
        "Doc {i}: unemployment up 0.{i} percentage points to {j} pct.",
    ]
    records = [
        {"id": f"d{i:03d}", "text": templates[i % len(templates)].format(i=i, j=i + 1, k=10 + i)}
        for i in range(150)  # more than one worker batch
    ]
    path = write(tmp_path / "many.jsonl", "".join(json.dumps(r) + "\n" for r in records))

    one = invoke("extract", path, "--workers", "1")
    two = invoke("extract", path, "--workers", "2")

    assert one.exit_code == 0 and two.exit_code == 0, two.output
    assert one.stdout and two.stdout == one.stdout
    got = jsonl(two.stdout)
    check_spans(got, {r["id"]: r["text"] for r in records})
    order = [r["id"] for r in records]
    positions = [order.index(r["doc_id"]) for r in got]
    assert positions == sorted(positions)
    assert len({r["doc_id"] for r in got}) > 100


def test_workers_must_be_positive(tmp_path):
    doc = write(tmp_path / "news.txt", TEXT)

    assert invoke("extract", doc, "--workers", "0").exit_code == ExitCode.USAGE


# -- plugins, schema, rules --------------------------------------------------------


def test_plugins_json_lists_percent_as_built_in_with_rules():
    result = invoke("plugins", "--format", "json")

    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    (percent,) = [r for r in rows if r["name"] == "percent"]
    assert percent["fact_type"] == "percent"
    assert percent["version"] and percent["version"][0].isdigit()
    assert percent["source"] == "built-in"
    assert isinstance(percent["rules"], int) and percent["rules"] > 0
    assert "factx_extract" in percent["hooks"]


def test_plugins_json_counts_the_percent_rules(builtin_engine):
    rows = json.loads(invoke("plugins", "--format", "json").stdout)

    (percent,) = [r for r in rows if r["name"] == "percent"]
    assert percent["rules"] == len(builtin_engine.ruleset("percent"))


def test_plugins_lists_a_plugins_dir_plugin(tmp_path):
    folder = word_plugin_dir(tmp_path, name="keyword")

    result = invoke("plugins", "--format", "json", "--plugins-dir", folder)

    assert result.exit_code == 0, result.output
    (row,) = [r for r in json.loads(result.stdout) if r["name"] == "keyword"]
    assert row["source"] == "plugins dir" and row["version"] == "1.2.3" and row["fact_type"] == "keyword"


def test_plugins_table_exits_0():
    result = invoke("plugins")

    assert result.exit_code == 0 and "percent" in result.stdout


def test_schema_percent_is_a_json_schema_with_value():
    result = invoke("schema", "percent")

    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    props = schema["properties"]
    assert {"doc_id", "type", "start", "end", "text", "value", "rule", "plugin"} <= set(props)
    assert props["type"].get("const") == "percent"
    value = props["value"]
    if "$ref" in value:
        value = schema["$defs"][value["$ref"].rsplit("/", 1)[-1]]
    assert {"value", "unit"} <= set(value["properties"])


def test_schema_unknown_type_is_a_usage_error():
    result = invoke("schema", "no_such_type")

    assert result.exit_code == ExitCode.USAGE and result.stdout == ""


def test_rules_check_builtin_rules_ok():
    result = invoke("rules", "check")

    assert result.exit_code == 0, result.output
    assert result.stdout.strip()


def test_rules_test_runs_the_examples(builtin_engine):
    from factx.ruletest import cases

    result = invoke("rules", "test")

    assert result.exit_code == 0, result.output
    expected = len(list(cases(builtin_engine, None)))
    assert expected > 0
    assert f"{expected} examples" in result.stdout
    assert "0 failed" in result.stdout


def test_rules_test_fails_on_a_wrong_example(tmp_path):
    write(tmp_path / "r" / "wrong.toml", textwrap.dedent("""\
        [[rule]]
        id = "percent.wrong_example"
        doc = "A rule whose example expects the wrong value."
        pattern = '''(?<num>\\d+) zorkmids'''
        priority = 1

        [[rule.example]]
        text = "12 zorkmids"
        value = { value = 12, unit = "percent" }
        """))

    result = invoke("rules", "test", tmp_path / "r")

    assert result.exit_code == ExitCode.BAD_RULES_OR_PLUGIN
    assert "percent.wrong_example" in result.stderr


# -- explain ---------------------------------------------------------------------


def test_explain_table_exits_0_and_shows_the_fact():
    text = "rates rose 15 percent"

    result = invoke("explain", text)

    assert result.exit_code == 0, result.output
    assert "15 percent" in result.stdout


def test_explain_json_shows_the_winning_candidate_and_its_rule(builtin_engine):
    text = "rates rose 15 percent"
    span = (text.index("15 percent"), len(text))

    result = invoke("explain", text, "--format", "json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    winners = [c for c in data["candidates"] if c["status"].startswith("won")]
    (winner,) = [c for c in winners if (c["start"], c["end"]) == span]
    assert winner["text"] == text[span[0]:span[1]]
    rule_ids = {rule.id for rule in builtin_engine.rulebook.rules}
    assert winner["rule"] in rule_ids and winner["rule"].startswith("percent.")
    assert winner["plugin"] == "percent"
    (fact,) = data["facts"]
    assert (fact["start"], fact["end"]) == span and fact["rule"] == winner["rule"]
    assert fact["value"]["value"] == 15


def test_explain_agrees_with_extract():
    result = json.loads(invoke("explain", TEXT, "--format", "json").stdout)
    extracted = jsonl(invoke("extract", "-", input=TEXT).stdout)

    strip = lambda r: {k: v for k, v in r.items() if k != "doc_id"}  # noqa: E731
    assert [strip(f) for f in result["facts"]] == [strip(f) for f in extracted]
    won = [c for c in result["candidates"] if c["status"] == "won"]
    # Every fact comes from a winning candidate of its rule whose span holds it (a range is one candidate).
    for f in extracted:
        assert any(c["rule"] == f["rule"] and c["start"] <= f["start"] < f["end"] <= c["end"]
                   and f["text"] in [d["text"] for d in c["facts"]] for c in won), f
    assert sum(len(c["facts"]) for c in won) == len(extracted)


# -- eval ------------------------------------------------------------------------


def gold_fact(text: str, surface: str, value: float, kind: str = "percent") -> dict:
    start = text.index(surface)
    return {"type": kind, "start": start, "end": start + len(surface), "text": surface, "value": {"value": value}}


def write_gold(path: Path, docs: list[dict]) -> Path:
    return write(path, "".join(json.dumps(d) + "\n" for d in docs))


EVAL_TEXT = "Prices rose 15 percent while margins fell 2.5% over the year."


def exact_gold() -> list[dict]:
    return [
        {"id": "g1", "text": EVAL_TEXT, "reference_date": "2025-12-11",
         "facts": [gold_fact(EVAL_TEXT, "15 percent", 15), gold_fact(EVAL_TEXT, "2.5%", 2.5)]},
        {"id": "g2", "text": "No percentages here.", "facts": []},
    ]


def test_eval_prints_per_type_scores(tmp_path):
    gold = write_gold(tmp_path / "gold.jsonl", exact_gold())

    result = invoke("eval", gold)

    assert result.exit_code == 0, result.output
    (line,) = [l for l in result.stdout.splitlines() if l.split()[:1] == ["percent"]]
    fields = line.split()
    assert fields[1:3] == ["2", "2"]  # gold and predicted counts
    assert "1.00/1.00/1.00" in line


def test_eval_json_gives_value_f1_1_for_exact_gold(tmp_path):
    gold = write_gold(tmp_path / "gold.jsonl", exact_gold())

    result = invoke("eval", gold, "--json")

    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    percent = scores["percent"]
    assert percent["gold"] == 2 and percent["predicted"] == 2
    assert percent["value"][2] == pytest.approx(1.0)
    assert percent["span"][2] == pytest.approx(1.0)


def test_eval_json_value_f1_below_1_when_a_gold_fact_is_not_extracted(tmp_path):
    docs = exact_gold()
    # A gold fact on a span no rule reads as a percentage: extraction must miss it.
    docs[0]["facts"].append(gold_fact(EVAL_TEXT, "margins", 7))
    gold = write_gold(tmp_path / "gold.jsonl", docs)

    result = invoke("eval", gold, "--json")

    assert result.exit_code == 0, result.output
    percent = json.loads(result.stdout)["percent"]
    assert percent["gold"] == 3 and percent["predicted"] == 2
    precision, recall, f1 = percent["value"]
    assert precision == pytest.approx(1.0)
    assert recall == pytest.approx(2 / 3)
    assert f1 < 1.0


def test_eval_json_value_wrong_lowers_value_but_not_span(tmp_path):
    docs = exact_gold()
    docs[0]["facts"][0]["value"]["value"] = 16  # the text says 15
    gold = write_gold(tmp_path / "gold.jsonl", docs)

    percent = json.loads(invoke("eval", gold, "--json").stdout)["percent"]

    assert percent["span"][2] == pytest.approx(1.0)
    assert percent["value"][2] < 1.0


def test_eval_unreadable_gold_is_reported(tmp_path):
    gold = write(tmp_path / "gold.jsonl", "{not json\n")

    result = invoke("eval", gold)

    assert result.exit_code != 0
    assert str(gold) in result.stderr
    assert "Traceback" not in result.stderr
