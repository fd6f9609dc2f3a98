"""`factx serve` on the command line: the extra it needs, worker processes, bad rules, lazy imports."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx

from factx.serve.server import CONFIG_VARIABLE, app_from_environment
from tests.conftest import ROOT
from tests.serve.conftest import start_server

SERVE_MODULES = {"starlette", "uvicorn", "anyio", "factx.serve"}
BLOCK_SERVE = """
import sys
class NoServeExtra:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("starlette", "uvicorn"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, NoServeExtra())
"""


def python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_without_the_extra_serve_says_how_to_install_it():
    run = python(BLOCK_SERVE + "sys.argv = ['factx', 'serve']\nfrom factx.cli import main\nmain()")

    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == ["factx: `factx serve` needs the serve extra: pip install 'factx[serve]'"]


def test_extract_never_loads_the_server(tmp_path):
    code = ("import json, sys\nfrom factx.cli import main\nsys.argv = ['factx'] + sys.argv[1:]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\nprint(json.dumps(sorted(sys.modules)), file=sys.stderr)")
    for args in (["extract", "examples/one_line.txt"],
                 ["extract", "examples/one_line.txt", "--format", "html", "-o", str(tmp_path / "r.html")]):
        run = python(code, *args)
        modules = set(json.loads(run.stderr.strip().splitlines()[-1]))
        assert not SERVE_MODULES & modules, args
    assert "factx.highlight.report" in modules  # the report is drawn by the core


def test_a_bad_rule_file_stops_serve_before_it_listens(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rule]]\nid = 'percent.bad'\ndoc = 'x'\npattern = '''(unclosed'''\npriority = 1\n")

    run = subprocess.run([sys.executable, "-m", "factx", "serve", "--rules-dir", str(bad), "--port", "1"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)

    assert run.returncode == 3 and "FX101" in run.stderr and "percent.bad" in run.stderr


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_workers_are_processes_each_with_an_engine_and_the_limits(tmp_path):
    server = start_server(tmp_path, "--workers", "2", "--max-body-mb", "0.01")
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            answers = [client.post("/extract", json={"text": f"Exports rose {i} percent."}) for i in range(6)]
            too_large = client.post("/extract", json={"text": "x" * 20_000})
        # uvicorn's supervisor runs the workers (and, on some Pythons, a process that tracks semaphores).
        workers = [p for p in children(server.process.pid) if "multiprocessing.resource_tracker" not in
                   Path(f"/proc/{p}/cmdline").read_bytes().decode(errors="replace")]
    finally:
        server.stop()

    assert len(workers) == 2
    assert [a.json()["facts"][0]["text"] for a in answers] == [f"{i} percent" for i in range(6)]
    assert too_large.status_code == 413 and too_large.json()["errors"][0]["code"] == "FX504"


def test_a_worker_builds_its_engine_from_the_options_serve_leaves(monkeypatch):
    plugins = ROOT / "examples" / "plugins"
    config = {"engine": {"plugins_dirs": [str(plugins)], "rules_dirs": [], "settings": {"date_order": "dmy"}},
              "limits": {"max_body": 1000, "max_chars": 50, "timeout": 5.0, "threads": 2}}
    monkeypatch.setenv(CONFIG_VARIABLE, json.dumps(config))

    app = app_from_environment()

    assert "ticker" in app.state.engine.fact_types
    assert app.state.engine.settings["date_order"] == "dmy"
    assert app.state.limits.max_chars == 50 and app.state.limits.threads == 2
