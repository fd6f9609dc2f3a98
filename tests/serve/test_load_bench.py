"""bench/serve_load.py, briefly: it starts a server, loads it, checks every answer and reports the figures."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT


def test_a_short_load_run_reports_no_errors_and_its_figures(tmp_path):
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Exports rose {i} percent to ${i} billion."}) + "\n"
                              for i in range(10)))
    out = tmp_path / "load.json"

    run = subprocess.run([sys.executable, str(ROOT / "bench" / "serve_load.py"), str(corpus), "--clients", "3",
                          "--seconds", "1.5", "--json", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=180)

    assert run.returncode == 0, run.stdout + run.stderr
    figures = json.loads(out.read_text())
    assert figures["errors"] == 0 and figures["requests"] > 3 and figures["server_alive_after"]
    assert figures["latency_ms"]["p50"] <= figures["latency_ms"]["p99"] <= figures["latency_ms"]["max"]
    assert 0 < figures["server_rss_mb"]["start"] <= figures["server_rss_mb"]["peak"]
    assert "errors 0" in run.stdout
