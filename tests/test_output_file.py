"""`extract -o`: what is written where, what is refused before any work, and what a failure leaves."""
from __future__ import annotations

import csv
import io
import json
import os
import resource
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factx.cli import app
from factx.errors import ExitCode
from tests.conftest import ROOT

runner = CliRunner()
TEXT = "Rates rose 15 percent in March; the bank lent $350 billion.\n"
OLD = '{"old": "output"}\n'


def invoke(*args):
    return runner.invoke(app, ["extract", *map(str, args)])


def says(result, message: str) -> bool:
    """Whether stderr holds `message`, rich's error box undone: it wraps lines at spaces, and a
    path longer than the box anywhere, so spacing is ignored on both sides."""
    return "".join(message.split()) in "".join(result.stderr.replace("│", "").split())


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".factx-" in p.name)


@pytest.fixture
def doc(tmp_path) -> Path:
    path = tmp_path / "news.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.fixture
def no_engine(monkeypatch):
    """Building an engine fails the test: what is refused must be refused before any work."""
    import factx.engine

    def refuse(*args, **kwargs):
        raise AssertionError("an engine was built")

    monkeypatch.setattr(factx.engine, "Engine", refuse)


def test_a_new_path_gets_the_records_and_no_temporary_file_stays(tmp_path, doc):
    out = tmp_path / "facts.jsonl"

    result = invoke(doc, "-o", out)

    assert result.exit_code == 0, result.output
    assert [r["text"] for r in map(json.loads, out.read_text().splitlines())] == ["15 percent", "March", "$350 billion"]
    assert temp_files(tmp_path) == []


def test_a_link_to_a_regular_file_stays_a_link_and_the_file_gets_the_records(tmp_path, doc):
    target = tmp_path / "real.jsonl"
    target.write_text(OLD, encoding="utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)

    result = invoke(doc, "-o", link)

    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == target
    assert '"15 percent"' in target.read_text() and OLD not in target.read_text()
    assert temp_files(tmp_path) == []


def test_a_link_to_a_device_is_written_in_place_never_replaced(tmp_path, doc):
    link = tmp_path / "null"
    link.symlink_to("/dev/null")  # what `-o /dev/stdout` is: a link to a device (or a pipe)

    result = invoke(doc, "-o", link)

    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert temp_files(tmp_path) == []


def test_a_fifo_is_written_in_place(tmp_path, doc):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()

    result = invoke(doc, "-o", fifo)
    reader.join(30)

    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [json.loads(line)["text"] for line in received[0].splitlines()] == ["15 percent", "March", "$350 billion"]


def test_a_folder_is_a_usage_error_before_any_work(tmp_path, doc, no_engine):
    folder = tmp_path / "out"
    folder.mkdir()

    result = invoke(doc, "-o", folder)

    assert result.exit_code == ExitCode.USAGE
    assert says(result, f"'{folder}' is a folder")
    assert list(folder.iterdir()) == [] and temp_files(tmp_path) == []


def test_a_folder_that_cannot_be_written_is_a_usage_error_before_any_work(doc, no_engine):
    result = invoke(doc, "-o", "/sys/factx-facts.jsonl")  # sysfs takes no new file, even from root

    assert result.exit_code == ExitCode.USAGE
    assert says(result, "cannot write in folder '/sys'")


def test_a_missing_folder_is_a_usage_error_before_any_work(tmp_path, doc, no_engine):
    result = invoke(doc, "-o", tmp_path / "nowhere" / "facts.jsonl")

    assert result.exit_code == ExitCode.USAGE and says(result, f"folder '{tmp_path / 'nowhere'}' does not exist")


def test_a_device_that_fails_is_one_line_and_exit_1(tmp_path, doc):
    full = tmp_path / "full"
    full.symlink_to("/dev/full")  # every write: "No space left on device"

    result = invoke(doc, "-o", full)

    assert result.exit_code == ExitCode.DOCUMENTS_FAILED
    assert result.stderr.splitlines() == [f"factx: {full}: [FX407] cannot write the facts: No space left on device"]
    assert os.readlink(full) == "/dev/full"


def _limit_file_size(limit: int):
    def limit_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG), as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_size


@pytest.mark.parametrize("fmt", ["jsonl", "table"])
def test_a_full_disk_keeps_the_old_output_and_leaves_no_temporary_file(tmp_path, fmt):
    source = tmp_path / "many.jsonl"
    source.write_text("".join(json.dumps({"id": f"d{i}", "text": TEXT * 3}) + "\n" for i in range(300)))
    out = tmp_path / "facts.out"
    out.write_text(OLD, encoding="utf-8")

    run = subprocess.run([sys.executable, "-m", "factx", "extract", str(source), "-o", str(out), "-f", fmt],
                         capture_output=True, text=True, cwd=ROOT, timeout=120, preexec_fn=_limit_file_size(64 * 1024))

    assert run.returncode == ExitCode.DOCUMENTS_FAILED, run.stderr
    assert run.stderr.splitlines() == [f"factx: {out}: [FX407] cannot write the facts: File too large"]
    assert out.read_text() == OLD
    assert temp_files(tmp_path) == []


UNRENDERABLE_PLUGIN = '''
from factx import Candidate, Draft, FactType, Value, hookimpl


class OddValue(Value):
    word: str


@hookimpl
def factx_register_fact_types(register):
    register(FactType("odd", OddValue, "0.1"))


@hookimpl
def factx_extract(document, rules):
    if "March" not in document.text:
        return []
    start = document.text.index("March")
    return [Candidate(start, start + 5, "odd.surrogate", (Draft(start, start + 5, {"word": "\\ud800"}),))]
'''


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "table"])
def test_a_fact_a_format_cannot_write_is_one_line_and_the_others_are_written(tmp_path, doc, fmt):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "odd.py").write_text(UNRENDERABLE_PLUGIN, encoding="utf-8")
    out = tmp_path / f"facts.{fmt}"

    result = invoke(doc, "-o", out, "-f", fmt, "--plugins-dir", plugins, "-t", "odd", "-t", "percent", "-t", "money")

    assert result.exit_code == ExitCode.DOCUMENTS_FAILED, result.output
    problem, summary = result.stderr.splitlines()
    assert problem.startswith(f"factx: {doc}:25 odd.surrogate: [FX303] fact cannot be written as {fmt}")
    assert "1 input(s) had problems" in summary
    written = out.read_text(encoding="utf-8")
    assert "15 percent" in written and "$350 billion" in written
    if fmt == "json":
        assert [r["text"] for r in json.loads(written)] == ["15 percent", "$350 billion"]


@pytest.mark.parametrize("fmt, workers", [("csv", 1), ("table", 1), ("jsonl", 2)])
def test_the_inputs_that_once_ended_a_run_are_each_one_line_and_the_rest_is_written(tmp_path, fmt, workers):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": %s, "text": "up 5 percent"}\n' % ("9" * 5000)  # an id of 5000 digits
                   + "[" * 100_000 + "]" * 100_000 + "\n"  # nesting 100,000 deep
                   + '{"id": "\\ud800", "text": "up 6 percent"}\n'  # a lone surrogate
                   + '{"id": "ok", "text": "up 7 percent"}\n', encoding="utf-8")
    values = tmp_path / "values.txt"
    values.write_text("It cost $" + "1" * 4301 + " and 1" + "0" * 309 + " pct, then 8 percent.\n", encoding="utf-8")
    out = tmp_path / "facts.out"

    result = invoke(bad, values, "-o", out, "-f", fmt, "--workers", workers)

    assert result.exit_code == ExitCode.DOCUMENTS_FAILED, result.output
    assert [line.split(": [")[0] for line in result.stderr.splitlines()[:-1]] == [
        f"factx: {bad}:1", f"factx: {bad}:2", f"factx: {bad}:3"]
    written = out.read_text(encoding="utf-8")
    if fmt == "table":
        assert "7 percent" in written and "8 percent" in written and "1" * 50 not in written
    else:
        records = list(map(json.loads, written.splitlines())) if fmt == "jsonl" else list(csv.DictReader(io.StringIO(written)))
        assert [r["text"] for r in records] == ["7 percent", "8 percent"]
    assert temp_files(tmp_path) == []
