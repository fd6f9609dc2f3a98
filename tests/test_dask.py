"""factx on a real `distributed.LocalCluster` of two worker processes: the records of one process,
exactly once, even when a worker is killed mid-run; the Parquet output read back; exit codes."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import dask.bag as db
import dask.dataframe as dd
import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from distributed import Client, LocalCluster
from typer.testing import CliRunner

from factx import Engine
from factx.cli import app
from factx.dask import MARKER, PROBLEMS, EngineConfig, extract_bag, extract_frame, extract_to_folder, process_bag
from factx.errors import ExitCode
from factx.inputs import read_inputs
from tests.conftest import ROOT, SHARED

pytestmark = pytest.mark.timeout(240)  # a cluster that hangs fails the test instead of the run

CORPUS = SHARED / "corpus" / "reuters21578.jsonl"
SAMPLE_DOCS = 300
SMALL_PARTS = 0.015  # MB: the sample in some twenty partitions

# Records the process that configured it, once per engine built; finds "cocoa"; raises on "EXPLODE".
PROBE_PLUGIN = '''
import os
from factx import Candidate, Draft, FactType, Value, hookimpl


class CropValue(Value):
    crop: str


@hookimpl
def factx_register_fact_types(register):
    register(FactType("crop", CropValue, "1.0.0"))


@hookimpl
def factx_register_settings(register):
    register("probe_log", "a file to note each build in")


@hookimpl
def factx_configure(settings):
    log = settings.get("probe_log")
    if log:
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\\n")


@hookimpl
def factx_extract(document):
    if "EXPLODE" in document.text:
        raise RuntimeError("the probe exploded on purpose")
    out, start = [], document.text.find("cocoa")
    while start >= 0:
        out.append(Candidate(start, start + 5, "crop.word", (Draft(start, start + 5, {"crop": "cocoa"}),), priority=1))
        start = document.text.find("cocoa", start + 5)
    return out
'''


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        yield cluster


@pytest.fixture
def client(cluster):
    with Client(cluster) as client:
        client.wait_for_workers(2, timeout=60)  # a worker killed by an earlier test is back
        yield client


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "sample.jsonl"
    with CORPUS.open(encoding="utf-8") as f:
        path.write_text("".join(next(f) for _ in range(SAMPLE_DOCS)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def one_process(sample) -> list[dict]:
    """The sample's records from one process, in order."""
    engine = Engine()
    return [f.model_dump(mode="json") for r in engine.extract_many(read_inputs([str(sample)])) for f in r.facts]


@pytest.fixture(scope="module")
def probe_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("probe")
    (folder / "probe.py").write_text(PROBE_PLUGIN, encoding="utf-8")
    return folder


def parts(folder: Path) -> list[dict]:
    """The records of a finished run's part files, in part order."""
    marker = json.loads((folder / MARKER).read_text())
    return [json.loads(line) for name in marker["parts"] for line in (folder / name).read_text().splitlines()]


def factx_cli(*args, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`factx` as a user runs it, in a process of its own."""
    return subprocess.run([sys.executable, "-m", "factx", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=180)


def invoke(*args):
    """`factx` in this process (quicker: dask is loaded already); `.exit_code` as `.returncode`."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    result.returncode = result.exit_code
    return result


def test_a_cluster_run_writes_the_records_of_one_process(cluster, client, sample, one_process, tmp_path):
    out = tmp_path / "out"
    run = factx_cli("extract", "--scheduler", cluster.scheduler_address, "--partition-mb", SMALL_PARTS,
                    sample, "-o", out)
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""
    marker = json.loads((out / MARKER).read_text())
    assert len(marker["parts"]) > 10
    assert parts(out) == one_process
    assert marker["documents"] == SAMPLE_DOCS and marker["facts"] == len(one_process)
    assert marker["facts_by_type"] == dict(sorted(Counter(r["type"] for r in one_process).items()))
    assert (out / PROBLEMS).read_text() == ""
    # The work was done by the two worker processes, not by the client or a thread of this one.
    workers = set(client.run(os.getpid).values())
    assert len(workers) == 2 and os.getpid() not in workers


def test_a_rerun_into_the_same_folder_replaces_the_earlier_parts(client, sample, one_process, tmp_path):
    out = tmp_path / "out"
    for mb in (SMALL_PARTS, 1):
        extract_to_folder([str(sample)], out, client=client, partition_bytes=int(mb * 2**20))
    assert sorted(p.name for p in out.iterdir()) == [MARKER, PROBLEMS, "part-00000.jsonl"]
    assert parts(out) == one_process


def test_folders_are_partitioned_by_file_and_documents_named_as_given(cluster, client, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    news = tmp_path / "news"
    news.mkdir()
    for i in range(12):
        (news / f"{i:02d}.txt").write_text(f"On March {i + 1}, 1987, Treasury Secretary James Baker said "
                                           f"exports rose {i} percent to ${i + 2} billion.\n", encoding="utf-8")
    run = invoke("extract", "--scheduler", cluster.scheduler_address, "--partition-mb", 0.0002, "news", "-o", "out")
    assert run.returncode == 0, run.stderr
    one = invoke("extract", "news")
    records = parts(tmp_path / "out")
    assert records == [json.loads(line) for line in one.stdout.splitlines()]
    assert {r["doc_id"] for r in records} == {f"news/{i:02d}.txt" for i in range(12)}
    assert len(json.loads((tmp_path / "out" / MARKER).read_text())["parts"]) > 3  # a few files a part


def test_a_rates_file_named_relative_to_the_client_is_read_by_the_workers(cluster, client, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rates.toml").write_text((ROOT / "tests/data/rates.toml").read_text())
    (tmp_path / "news.txt").write_text("Exports rose to 300 billion yen and 5 billion euros.\n")
    run = invoke("extract", "--scheduler", cluster.scheduler_address, "--convert-to", "USD", "--rates", "rates.toml",
                 "news.txt", "-o", "out")
    assert run.returncode == 0, run.stderr
    converted = [r["value"]["converted"] for r in parts(tmp_path / "out") if r["type"] == "money"]
    assert [(c["currency"], round(c["amount"])) for c in converted] == [("USD", 1_920_000_000), ("USD", 5_850_000_000)]


def test_the_engine_is_built_once_per_worker_process_from_its_configuration(client, sample, probe_dir, tmp_path):
    log = tmp_path / "configured.log"
    config = EngineConfig.of(plugins_dirs=[probe_dir], settings={"probe_log": str(log)})
    summary = extract_to_folder([str(sample)], tmp_path / "out", config=config, client=client,
                                partition_bytes=int(SMALL_PARTS * 2**20))
    assert summary.partitions > 10
    assert summary.facts["crop"] > 0  # the plugins dir's plugin ran on the workers
    built = log.read_text().split()
    workers = {str(pid) for pid in client.run(os.getpid).values()}
    assert built and set(built) <= workers
    assert len(built) == len(set(built))  # one build per process, for all its partitions


def test_a_killed_worker_loses_no_fact_and_writes_none_twice(client, sample, one_process, tmp_path):
    pids = client.run(os.getpid)
    killed = []

    def kill_a_busy_worker(part) -> None:
        if killed:
            return
        busy = [address for address, keys in client.processing().items() if keys]
        assert busy, "no worker is running a task"
        os.kill(pids[busy[0]], signal.SIGKILL)
        killed.append(pids[busy[0]])

    out = tmp_path / "out"
    summary = extract_to_folder([str(sample)], out, client=client, partition_bytes=int(SMALL_PARTS * 2**20),
                                on_part=kill_a_busy_worker)
    assert killed and killed[0] not in client.run(os.getpid).values()
    records = parts(out)
    assert records == one_process
    assert len({(r["doc_id"], r["start"], r["end"], r["type"]) for r in records}) == len(records)
    assert summary.documents == SAMPLE_DOCS and sum(summary.facts.values()) == len(one_process)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no half-written part is left


def test_parquet_read_back_by_duckdb_counts_by_type_as_the_jsonl_run(cluster, client, sample, one_process, tmp_path):
    run = invoke("extract", "--scheduler", cluster.scheduler_address, "--partition-mb", SMALL_PARTS,
                 "--format", "parquet", sample, "-o", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    rows = duckdb.sql(f"SELECT type, count(*) FROM read_parquet('{tmp_path}/out/part-*.parquet') GROUP BY type").fetchall()
    assert dict(rows) == Counter(r["type"] for r in one_process)
    money = duckdb.sql(f"SELECT value_amount, value_currency FROM '{tmp_path}/out/*.parquet' WHERE type = 'money'").fetchall()
    assert money == [(r["value"]["amount"], r["value"]["currency"]) for r in one_process if r["type"] == "money"]
    frame = pd.read_parquet(tmp_path / "out")  # the marker and problems file start with "_": not read as data
    assert list(frame["doc_id"]) == [r["doc_id"] for r in one_process]


def test_a_failing_document_is_in_the_problems_file_and_the_others_are_written(cluster, client, probe_dir, tmp_path):
    docs = tmp_path / "docs.jsonl"
    lines = [{"id": f"d{i}", "text": f"Ghana's cocoa output rose {i} percent."} for i in range(40)]
    lines[7]["text"] = "EXPLODE"
    body = [json.dumps(line) for line in lines]
    body[20] = "{broken"
    docs.write_text("\n".join(body) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    run = invoke("extract", "--scheduler", cluster.scheduler_address, "--partition-mb", 0.0005,
                 "--plugins-dir", probe_dir, docs, "-o", out)
    assert run.returncode == ExitCode.DOCUMENTS_FAILED
    problems = [json.loads(line) for line in (out / PROBLEMS).read_text().splitlines()]
    assert [(p["code"], p["where"]) for p in problems] == [("FX301", "d7"), ("FX405", f"{docs}:21")]
    assert "factx: d7: [FX301]" in run.stderr and f"{docs}:21: [FX405]" in run.stderr
    records = parts(out)
    assert {r["doc_id"] for r in records} == {f"d{i}" for i in range(40)} - {"d7", "d20"}
    counts = Counter(r["type"] for r in records)
    assert (counts["crop"], counts["percent"]) == (38, 38)


def test_a_strict_run_that_meets_a_plugin_error_exits_3_without_a_marker(cluster, client, probe_dir, tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"id": "a", "text": "EXPLODE"}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    run = invoke("extract", "--scheduler", cluster.scheduler_address, "--strict", "--plugins-dir", probe_dir,
                 docs, "-o", out)
    assert run.returncode == ExitCode.BAD_RULES_OR_PLUGIN, run.stderr
    assert "a: [FX301]" in run.stderr and "Traceback" not in run.stderr
    assert not (out / MARKER).exists()


def test_a_bag_of_documents_gives_the_records_of_one_process(client, sample, one_process):
    documents = [json.loads(line) for line in sample.read_text().splitlines()]
    bag = db.from_sequence(documents, npartitions=6)
    assert extract_bag(bag).compute() == one_process
    results = process_bag(bag, types=["money"]).compute()
    assert [r["doc_id"] for r in results] == [d["id"] for d in documents]
    assert [f for r in results for f in r["facts"]] == [r for r in one_process if r["type"] == "money"]
    assert all(r["problems"] == [] for r in results)


def test_a_bag_item_that_is_no_document_is_a_problem_and_the_others_are_extracted(client):
    bag = db.from_sequence([{"id": "a", "text": "Up 5 percent."}, {"id": "b"}, "Down 3 percent."], npartitions=1)
    results = process_bag(bag).compute()
    assert [r["doc_id"] for r in results] == ["a", "doc-0-1", "doc-0-2"]
    assert [[f["text"] for f in r["facts"]] for r in results] == [["5 percent"], [], ["3 percent"]]
    assert [p["code"] for p in results[1]["problems"]] == ["FX405"]


def test_a_dataframe_of_documents_gives_a_dataframe_of_facts(client, sample, one_process):
    documents = pd.DataFrame([json.loads(line) for line in sample.read_text().splitlines()])
    documents["published"] = pd.to_datetime(documents.pop("reference_date"))
    facts = extract_frame(dd.from_pandas(documents, npartitions=5), reference_date="published").compute()
    assert list(facts.columns[:9]) == ["doc_id", "type", "start", "end", "text", "rule", "plugin", "rule_file",
                                       "confidence"]
    assert list(zip(facts["doc_id"], facts["type"], facts["start"], facts["text"])) == [
        (r["doc_id"], r["type"], r["start"], r["text"]) for r in one_process]
    dates = facts[facts["type"] == "date"]
    assert list(dates["value_timex"]) == [r["value"]["timex"] for r in one_process if r["type"] == "date"]
    assert facts["value_range_id"].dtype == pd.ArrowDtype(pa.int64())  # nullable, and still integers


# -- usage errors: found before any cluster is started or reached ----------------------

UNREACHABLE = "tcp://127.0.0.1:9"  # nothing listens there: these runs must fail before connecting


@pytest.mark.parametrize("args, message", [
    ([], "give --output DIR"),
    (["-o", "{tmp}/out", "--format", "table"], "a table is for a terminal"),
    (["-o", "{tmp}/out", "--workers", "2"], "drop --workers"),
    (["-o", "{tmp}/out", "-"], "stdin cannot be spread over a cluster"),
    (["-o", "{tmp}/missing/out"], "does not exist"),
    (["-o", "{tmp}/out", "--scheduler", "local:0"], "N in local:N must be a positive integer"),
])
def test_usage_errors_of_a_cluster_run_exit_2(tmp_path, args, message):
    result = invoke("extract", "--scheduler", UNREACHABLE, ROOT / "examples/report.txt",
                    *[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == ExitCode.USAGE
    assert message in " ".join(result.stderr.replace("│", " ").split())


def test_a_bad_rule_file_exits_3_before_the_cluster_is_reached(tmp_path):
    rules = tmp_path / "bad.toml"
    rules.write_text('[[rule]]\nid = "percent.bad"\ndoc = "x"\npattern = \'\'\'(\'\'\'\npriority = 1\n')
    result = invoke("extract", "--scheduler", UNREACHABLE, "--rules-dir", rules, ROOT / "examples/report.txt",
                    "-o", tmp_path / "out")
    assert result.exit_code == ExitCode.BAD_RULES_OR_PLUGIN
    assert "percent.bad: [FX101]" in result.stderr and not (tmp_path / "out").exists()
