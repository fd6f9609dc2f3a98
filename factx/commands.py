"""The `factx` commands, a typer app: thin wrappers over the engine and its helpers (`main` is in `factx.cli`)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from factx.running import err, extract, report, started
from factx.errors import ExitCode, FactxError, Problem

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="Check and test rule files.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

PluginsDir = Annotated[list[Path], typer.Option(
    "--plugins-dir", help="Folder of plugin .py files to load; one replaces an installed plugin of its name.")]
RulesDir = Annotated[list[Path], typer.Option(
    "--rules-dir", help="Rule file or folder loaded last; a rule with a loaded rule's id overrides the fields it gives.")]
NoEntryPoints = Annotated[bool, typer.Option(
    "--no-entry-points", help="Load no plugin installed under the factx entry-point group (the built-ins still load).")]


def _fail(error: FactxError) -> typer.Exit:
    return typer.Exit(report(error))


DateOrder = Annotated[Optional[str], typer.Option(help="Order of numeric dates: mdy (default) or dmy.")]
Prefer = Annotated[Optional[str], typer.Option(help="Resolve an ambiguous relative date to the past or the future.")]
ConvertTo = Annotated[Optional[str], typer.Option(help="Also give each amount of money in this currency (ISO 4217).")]
Rates = Annotated[Optional[Path], typer.Option(help="Exchange rates for --convert-to (TOML); never fetched.")]


def _settings(**given) -> dict:
    """Plugin settings from the options the user gave."""
    return {key: str(value) for key, value in given.items() if value is not None}


def _engine(plugins_dirs: list[Path] | None = None, rules_dirs: list[Path] | None = None, strict: bool = False,
            settings: dict | None = None, doc_timeout: float | None = None, no_entry_points: bool = False):
    from factx.engine import DEFAULT_DOC_TIMEOUT, Engine

    try:
        engine = Engine(plugins_dirs=plugins_dirs or (), rules_dirs=rules_dirs or (), strict=strict,
                        settings=settings, load_entrypoints=not no_entry_points,
                        doc_timeout=DEFAULT_DOC_TIMEOUT if doc_timeout is None else doc_timeout or None)
    except FactxError as e:
        raise _fail(e) from None
    finally:
        started()
    for notice in engine.notices:
        err(f"factx: note: {notice}")
    return engine


def _version(value: bool) -> None:
    """`--version`: factx's version, then each loaded plugin's, and exit."""
    if not value:
        return
    from factx import __version__

    typer.echo(f"factx {__version__}")
    for info in _engine().plugins.values():
        if info.source != "core":
            typer.echo(f"{info.name} {info.version or '-'} ({info.source}: {info.origin})")
    raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the versions of factx and of each plugin, and exit.")] = False,
) -> None:
    """Extract money, percentages, dates, officials and physical quantities from text as validated fact records."""


def _reference(value: str):
    from factx.documents import parse_reference

    try:
        return parse_reference(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not YYYY-MM-DD, auto, none or today", param_hint="--reference-date") from None


def _check_types(engine, types: list[str] | None) -> list[str] | None:
    unknown = sorted(set(types or ()) - set(engine.fact_types))
    if unknown:
        known = ", ".join(sorted(engine.fact_types))
        raise typer.BadParameter(f"unknown fact type {', '.join(unknown)} (known: {known})", param_hint="--type")
    return types or None


@app.command("extract")
def extract_cli(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, globs, or - for stdin.")],
    type_: Annotated[Optional[list[str]], typer.Option("--type", "-t", help="Only this fact type (repeatable).")] = None,
    format_: Annotated[str, typer.Option("--format", "-f", help="jsonl, json, csv, table, parquet or html.")] = "jsonl",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here (atomically) instead of stdout.")] = None,
    reference_date: Annotated[str, typer.Option(help="YYYY-MM-DD, today, none, or auto: metadata, dateline, else file date.")] = "auto",
    plugins_dir: PluginsDir = [],
    rules_dir: RulesDir = [],
    no_entry_points: NoEntryPoints = False,
    workers: Annotated[int, typer.Option(min=1, help="Processes to extract with.")] = 1,
    strict: Annotated[bool, typer.Option(help="Fail on an invalid fact or a plugin error.")] = False,
    doc_timeout: Annotated[Optional[float], typer.Option(
        min=0, help="Seconds the rules may take on one document (default 60; 0: no limit); a rule still "
        "running then is cut off there and reported.")] = None,
    date_order: DateOrder = None,
    prefer: Prefer = None,
    convert_to: ConvertTo = None,
    rates: Rates = None,
    scheduler: Annotated[Optional[str], typer.Option(
        help="Run on a Dask cluster: its scheduler's address, or local:N for N local processes; -o is a folder.")] = None,
    partition_mb: Annotated[float, typer.Option(min=0.0001, help="With --scheduler: MB of input per task.")] = 1.0,
) -> None:
    """Extract facts from documents and write one record per fact."""
    from factx.outputs import OutputFormat, check_output

    try:
        fmt = OutputFormat(format_)
    except ValueError:
        raise typer.BadParameter(f"{format_!r} is not one of jsonl, json, csv, table, parquet, html", param_hint="--format") from None
    reference = _reference(reference_date)
    if scheduler is not None:
        if output is not None and not output.parent.is_dir():
            raise typer.BadParameter(f"folder {str(output.parent)!r} does not exist", param_hint="--output")
        _check_cluster_run(scheduler, paths, fmt, output, workers)
    else:
        if output is not None:
            try:
                check_output(output)
            except ValueError as e:
                raise typer.BadParameter(str(e), param_hint="--output") from None
        if fmt is OutputFormat.parquet and output is None:
            raise typer.BadParameter("Parquet is written to a file: give --output FILE", param_hint="--format")
    if fmt is OutputFormat.parquet:
        _require("pyarrow", "--format parquet", "parquet")
    settings = _settings(date_order=date_order, prefer=prefer, convert_to=convert_to, rates=rates)
    engine = _engine(plugins_dir, rules_dir, strict, settings, doc_timeout, no_entry_points)
    types = _check_types(engine, type_)
    if scheduler is not None:
        from factx.dask.engines import EngineConfig
        from factx.dask.command import extract_cluster

        # The workers read the rates file by the path the client sees, whatever their folder.
        settings |= {"rates": rates.resolve()} if rates else {}
        config = EngineConfig.of(plugins_dirs=plugins_dir, rules_dirs=rules_dir, settings=settings, strict=strict,
                                 load_entrypoints=not no_entry_points)
        code = extract_cluster(scheduler, paths, output, config, fmt, types, reference, int(partition_mb * 2**20))
    else:
        code = extract(engine, paths, fmt, output, types, reference, workers)
    if code:
        raise typer.Exit(code)


def _require(module: str, what: str, extra: str) -> None:
    """A usage error naming the extra to install when an optional module is missing."""
    from importlib.util import find_spec

    if find_spec(module) is None:
        raise typer.BadParameter(f"needs {module}: pip install 'factx[{extra}]'", param_hint=what)


def _check_cluster_run(scheduler: str, paths: list[str], fmt, output: Path | None, workers: int) -> None:
    """Usage errors of `--scheduler`, before a cluster is started or reached."""
    from factx.outputs import OutputFormat

    _require("distributed", "--scheduler", "dask")
    from factx.dask.command import local_workers

    try:
        local_workers(scheduler)
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint="--scheduler") from None
    if output is None or output.is_file():
        raise typer.BadParameter("a cluster writes part files into a folder: give --output DIR", param_hint="--scheduler")
    if "-" in paths:
        raise typer.BadParameter("stdin cannot be spread over a cluster; give files or folders", param_hint="--scheduler")
    if fmt is OutputFormat.table:
        raise typer.BadParameter("a table is for a terminal: use jsonl, json, csv or parquet", param_hint="--format")
    if workers > 1:
        raise typer.BadParameter("the cluster's workers do the work: drop --workers", param_hint="--scheduler")


@app.command("plugins")
def plugins_cli(
    format_: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    plugins_dir: PluginsDir = [],
    no_entry_points: NoEntryPoints = False,
) -> None:
    """List the loaded plugins: fact type, version, origin, hooks, rule count."""
    from factx.summaries import plugin_rows

    rows = plugin_rows(_engine(plugins_dir, no_entry_points=no_entry_points))
    if format_ == "json":
        typer.echo(json.dumps(rows, indent=2))
        return
    from factx.tables import print_table

    print_table(["plugin", "fact type", "version", "source", "origin", "rules", "hooks"],
                ([r["name"], r["fact_type"] or "-", r["version"] or "-", r["source"], r["origin"], r["rules"],
                  ", ".join(h.removeprefix("factx_") for h in r["hooks"])] for r in rows))


@app.command("schema")
def schema_cli(fact_type: Annotated[Optional[str], typer.Argument(help="One fact type; default all.")] = None,
               plugins_dir: PluginsDir = [], no_entry_points: NoEntryPoints = False) -> None:
    """Print the JSON Schema of the fact records."""
    engine = _engine(plugins_dir, no_entry_points=no_entry_points)
    if fact_type is not None:
        _check_types(engine, [fact_type])
    typer.echo(json.dumps(engine.schema(fact_type), indent=2))


@app.command("explain")
def explain_cli(
    text: Annotated[str, typer.Argument(help="The text to explain.")],
    reference_date: Annotated[str, typer.Option(help="YYYY-MM-DD, today, none or auto.")] = "auto",
    plugins_dir: PluginsDir = [],
    rules_dir: RulesDir = [],
    format_: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    date_order: DateOrder = None,
    prefer: Prefer = None,
    no_entry_points: NoEntryPoints = False,
) -> None:
    """Show every candidate in TEXT: which rule found it, which won, and what beat the others."""
    engine = _engine(plugins_dir, rules_dir, settings=_settings(date_order=date_order, prefer=prefer),
                     no_entry_points=no_entry_points)
    from factx.summaries import candidate_rows

    result = engine.explain(text, reference_date=_reference(reference_date))
    rows = candidate_rows(engine, text, result)
    for problem in result.problems:
        err(f"factx: {problem}")
    if format_ == "json":
        typer.echo(json.dumps({"candidates": rows, "facts": [f.model_dump(mode="json") for f in result.facts]}, indent=2))
        return
    from factx.tables import print_table

    print_table(["span", "text", "rule", "prio", "status", "value"],
                ([f"{r['start']}-{r['end']}", r["text"], r["rule"], r["priority"], r["status"],
                  "; ".join(", ".join(f"{k}={v}" for k, v in f["value"].items() if v is not None) for f in r["facts"])]
                 for r in rows))


SERVE_PACKAGES = {"starlette", "uvicorn", "anyio"}


@app.command("serve")
def serve_cli(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes, each with its own engine.")] = 1,
    max_body_mb: Annotated[float, typer.Option(min=0, help="Largest request body, in MiB.")] = 10.0,
    max_chars: Annotated[int, typer.Option(min=1, help="Longest document, in characters.")] = 1_000_000,
    timeout: Annotated[float, typer.Option(min=0, help="Seconds a request may take, from arrival to answer.")] = 30.0,
    access_log: Annotated[bool, typer.Option(help="Log every request on stderr.")] = True,
    plugins_dir: PluginsDir = [],
    rules_dir: RulesDir = [],
    date_order: DateOrder = None,
    prefer: Prefer = None,
) -> None:
    """Serve the HTTP API, and a page that shows the facts in a text (needs the serve extra)."""
    try:
        from factx.serve.app import Limits
        from factx.serve.server import EngineOptions, serve
    except ModuleNotFoundError as e:
        if (e.name or "").partition(".")[0] not in SERVE_PACKAGES:
            raise
        err("factx: `factx serve` needs the serve extra: pip install 'factx[serve]'")
        raise typer.Exit(int(ExitCode.USAGE)) from None
    settings = _settings(date_order=date_order, prefer=prefer)
    engine = _engine(plugins_dir, rules_dir, settings=settings)
    options = EngineOptions([str(p) for p in plugins_dir], [str(p) for p in rules_dir], settings)
    limits = Limits(max_body=int(max_body_mb * 2**20), max_chars=max_chars, timeout=timeout)
    serve(engine, options, limits, host, port, workers, access_log)


@app.command("eval")
def eval_cli(
    gold: Annotated[Path, typer.Argument(help="Gold JSON Lines: documents with their facts.")],
    json_: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    plugins_dir: PluginsDir = [],
    rules_dir: RulesDir = [],
    no_entry_points: NoEntryPoints = False,
) -> None:
    """Score extraction against a gold file: precision, recall and F1 per type."""
    from factx.inputs import read_inputs
    from factx.scoring import score

    engine = _engine(plugins_dir, rules_dir, no_entry_points=no_entry_points)
    gold_docs, predicted = [], {}
    try:
        lines = gold.read_text(encoding="utf-8").splitlines()
        gold_docs = [json.loads(line) for line in lines if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        err(f"factx: {gold}: [FX405] cannot read gold file: {e}")
        raise typer.Exit(int(ExitCode.DOCUMENTS_FAILED)) from None
    docs = [d for d in read_inputs([str(gold)]) if not isinstance(d, Problem)]
    for result in engine.extract_many(docs):
        predicted[result.doc_id] = [f.model_dump(mode="json") for f in result.facts]
    scores = score(gold_docs, predicted, {k: t.agrees for k, t in engine.fact_types.items()})
    if json_:
        typer.echo(json.dumps({k: {"gold": s.gold, "predicted": s.predicted, "span": s.span, "value": s.value}
                               for k, s in scores.items()}))
        return
    typer.echo(f"{'type':10} {'gold':>5} {'pred':>5}  {'span P/R/F1':>17}  {'value P/R/F1':>17}")
    for kind, s in scores.items():
        span, value = ("/".join(f"{x:.2f}" for x in triple) for triple in (s.span, s.value))
        typer.echo(f"{kind:10} {s.gold:>5} {s.predicted:>5}  {span:>17}  {value:>17}")


@rules_app.command("check")
def rules_check_cli(paths: Annotated[Optional[list[Path]], typer.Argument(help="Rule files or folders.")] = None,
                    plugins_dir: PluginsDir = [], no_entry_points: NoEntryPoints = False) -> None:
    """Validate rule files: schema, macros, regex compilation, every problem of every file at once; say which
    rules the matcher cannot scan."""
    engine = _engine(plugins_dir, paths, no_entry_points=no_entry_points)
    typer.echo(f"{len(engine.rulebook.rules)} rules in {len(engine.rulebook.files)} files: OK")
    unscanned = {} if engine.matcher.name == "regex" else engine.matcher.unscanned
    for rule_id, why in unscanned.items():
        typer.echo(f"{rule_id}: searched with regex alone (slower): {why}")
    for rule in engine.rulebook.rules:
        if rule.guarded:
            typer.echo(f"{rule.id}: matched with a time limit: {rule.guarded}")


@rules_app.command("macros")
def rules_macros_cli(paths: Annotated[Optional[list[Path]], typer.Argument(help="Rule files or folders.")] = None,
                     plugins_dir: PluginsDir = [], no_entry_points: NoEntryPoints = False,
                     definitions: Annotated[bool, typer.Option(help="Show each macro's pattern and list's entries.")] = False) -> None:
    """List every macro and word list a rule file may use as {NAME}, with its doc line and where it is defined."""
    engine = _engine(plugins_dir, paths, no_entry_points=no_entry_points)
    for name in sorted(engine.rulebook.names.values(), key=lambda n: (n.file != "rules/common.toml", n.file, n.line)):
        typer.echo(f"{{{name.name}}}  {name.kind}  {name.file}:{name.line}\n    {name.doc or '(no doc line)'}")
        if definitions:
            typer.echo(f"    = {name.definition}")


@rules_app.command("test")
def rules_test_cli(paths: Annotated[Optional[list[Path]], typer.Argument(help="Rule files or folders; default all rules.")] = None,
                   plugins_dir: PluginsDir = [], no_entry_points: NoEntryPoints = False) -> None:
    """Run every rule's examples and counterexamples; a failure is reported at its example's line."""
    from factx.ruletest import cases

    engine = _engine(plugins_dir, paths, no_entry_points=no_entry_points)
    only = None
    if paths:
        only = {f for f in engine.rulebook.files if any(f == str(p) or f.startswith(str(p).rstrip("/") + "/") for p in paths)}
    ran = failed = 0
    for case in cases(engine, only):
        ran += 1
        for message in case.run(engine):
            failed += 1
            err(f"factx: {case.where} {case.id}: {message}")
    typer.echo(f"{ran} examples and counterexamples run, {failed} failed")
    if failed:
        raise typer.Exit(int(ExitCode.BAD_RULES_OR_PLUGIN))
