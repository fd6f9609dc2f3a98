"""`main` runs `factx extract PATH...` without typer, exactly as the typer command runs it."""
from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factx.cli import app, main
from factx.errors import ExitCode
from tests.conftest import ROOT
from tests.test_startup import loaded_after

TEXT = "Finance Minister Koo Yun-cheol said on Oct. 18 that exports rose 5 percent to $350 billion.\n"


def factx(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "factx", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})}, timeout=120)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("inputs")
    (folder / "news.txt").write_text(TEXT, encoding="utf-8")
    (folder / "more").mkdir()
    (folder / "more" / "a.txt").write_text("Prices fell 2 percent.", encoding="utf-8")
    (folder / "more" / "page.html").write_text("<p>Sales rose 3%.</p><script>x = '4%'</script>", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    return folder


@pytest.mark.parametrize("case", ["file", "folder", "stdin", "bad_inputs"])
def test_plain_extract_gives_what_the_typer_command_gives(inputs, case):
    paths, stdin, env = {
        "file": ([inputs / "news.txt"], None, None),
        "folder": ([inputs / "more"], None, None),
        "stdin": (["-"], TEXT, None),
        "bad_inputs": ([inputs / "empty.txt", inputs / "missing.txt", inputs / "news.txt"], None, None),
    }[case]
    paths = [str(p) for p in paths]

    plain = factx("extract", *paths, stdin=stdin, env=env)
    typer_run = factx("extract", "--format", "jsonl", *paths, stdin=stdin, env=env)  # an option: the typer app

    expected_code = ExitCode.DOCUMENTS_FAILED if case == "bad_inputs" else ExitCode.OK
    assert plain.returncode == typer_run.returncode == expected_code, plain.stderr
    assert plain.stdout == typer_run.stdout
    assert plain.stderr == typer_run.stderr
    if case in ("file", "stdin", "bad_inputs"):
        assert '"text":"$350 billion"' in plain.stdout
    if case == "folder":
        assert '"text":"3%"' in plain.stdout and "4%" not in plain.stdout


def test_plain_extract_reports_an_engine_error_as_the_typer_command_does(inputs, monkeypatch, capsys):
    import factx.engine
    from factx.errors import Problem, RuleError

    def broken(*args, **kwargs):
        raise RuleError([Problem("FX102", "{X} is not a defined macro or list", "rules/x.toml:3", "x.y")])

    monkeypatch.setattr(factx.engine, "Engine", broken)
    monkeypatch.setattr(sys, "argv", ["factx", "extract", str(inputs / "news.txt")])
    try:
        with pytest.raises(SystemExit) as exit_:
            main()
        # the collector, off while starting, is on again, start-up's objects left out of it
        assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.enable()
        gc.unfreeze()
    plain = capsys.readouterr()
    typer_run = CliRunner().invoke(app, ["extract", "--format", "jsonl", str(inputs / "news.txt")])

    assert exit_.value.code == typer_run.exit_code == ExitCode.BAD_RULES_OR_PLUGIN
    assert plain.err == typer_run.stderr == "factx: rules/x.toml:3 x.y: [FX102] {X} is not a defined macro or list\n"
    assert plain.out == typer_run.stdout == ""


def test_plain_extract_loads_no_command_line_framework(inputs):
    code = ("from factx.cli import main\nsys.argv = ['factx', 'extract', %r]\n"
            "try:\n    main()\nexcept SystemExit as e:\n    print('exit', e.code)" % str(inputs / "news.txt"))
    run = loaded_after(code)
    assert run["printed"][-1] == "exit 0" and '"text":"$350 billion"' in run["printed"][-2]
    assert not {"typer", "click", "factx.commands"} & run["modules"]


@pytest.mark.parametrize("args", [["extract"], ["extract", "--help"], ["extract", "-t", "money"], ["--help"]])
def test_other_command_lines_go_to_the_typer_app(args):
    run = factx(*args)
    assert "Usage:" in run.stdout + run.stderr
    assert run.returncode == (0 if "--help" in args else 2)


def test_the_collector_is_left_alone_when_main_did_not_turn_it_off():
    from factx.running import started

    assert gc.isenabled()
    started()
    assert gc.get_freeze_count() == 0


def test_app_is_still_importable_from_factx_cli():
    from factx.commands import app as commands_app

    assert app is commands_app
